"""Request schemas (Cinder's ``cinder/api/schemas``), by resource."""
