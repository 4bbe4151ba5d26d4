"""The dashboard's read API: overview figures and session lists."""
