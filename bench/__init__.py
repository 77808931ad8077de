"""Load and scale benchmarks with their data generators."""
