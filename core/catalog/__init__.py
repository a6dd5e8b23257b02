"""The service catalogue: file format, loading, and the in-memory read model."""
