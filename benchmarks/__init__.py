"""Benchmarks: a synthetic report generator and scripts that print figures (not tests)."""
