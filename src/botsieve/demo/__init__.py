"""The demo survey at /demo: a few pages that use the browser collector as a customer would."""
