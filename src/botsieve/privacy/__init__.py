"""Privacy: the one path that deletes what a respondent or a session left behind."""
