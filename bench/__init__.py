"""Benchmarks: each script prints ratios measured in one run against a bare baseline."""
