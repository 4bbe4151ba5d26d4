"""Serves the browser collector's script-tag build to survey pages."""
