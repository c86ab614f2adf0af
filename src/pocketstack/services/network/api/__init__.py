"""HTTP handlers of the network service."""
