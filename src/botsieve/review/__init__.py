"""A researcher's review of a session: labels (human or bot) and re-analysis."""
