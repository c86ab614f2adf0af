"""Cinder's response bodies, as pure functions of rows (wire names written once here)."""
