"""The compute API's handlers, one module per resource."""
