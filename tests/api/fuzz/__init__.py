"""Helpers for the cross-service bad-input guard (tests/api/test_no_500.py): the route
tables, bodies derived from their schemas, odd values, scratch resources to aim at, and
each service's error shape."""
