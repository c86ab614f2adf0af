"""Glance's metadata definitions catalog (``/v2/metadefs``): namespaces and their
objects, properties, tags and resource-type associations."""
