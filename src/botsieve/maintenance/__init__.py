"""Periodic upkeep: purging data past its retention."""
