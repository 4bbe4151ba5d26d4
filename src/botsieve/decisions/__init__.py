"""The decision rule: what a verdict means for a survey (exclude, review or keep), in one place."""
