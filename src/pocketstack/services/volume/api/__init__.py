"""Thin handlers of the block storage API."""
