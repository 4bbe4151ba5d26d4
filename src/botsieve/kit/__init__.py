"""Shared plumbing: settings, database, errors, logging, metrics, rate limits."""
