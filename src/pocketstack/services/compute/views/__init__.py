"""Pure functions from rows to Nova's wire bodies, branching on the microversion."""
