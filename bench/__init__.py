"""Benchmarks (bench/README.md): scripts, and the modules they share."""
