"""Sessions and event ingestion."""
