"""Storage backends behind the block storage API (only a simulated one for now)."""
