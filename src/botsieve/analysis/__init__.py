"""Analysis: runs the detection engine on a session's stored events and keeps the results."""
