"""Dashboard settings saved in the database, and API-key management for the dashboard."""
