"""Live updates for the dashboard: a broadcaster and the WebSocket at /api/v1/ws."""
