"""Bawaba core: domain and persistence. Knows nothing of HTTP or of any channel."""
