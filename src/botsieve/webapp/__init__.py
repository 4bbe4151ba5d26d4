"""Serves the built dashboard (``dashboard/dist``) at ``/``, with the single-page fallback."""
