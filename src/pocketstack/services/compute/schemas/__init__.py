"""Request schemas of the compute API, composed from Nova's parameter types."""
