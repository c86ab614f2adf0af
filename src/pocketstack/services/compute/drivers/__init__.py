"""Compute drivers: what runs the lifecycle of servers once the API accepted a request."""
