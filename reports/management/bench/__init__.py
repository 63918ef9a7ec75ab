"""Bulk data for `make bench`: a million orders in minutes, written set-wise in PostgreSQL."""
