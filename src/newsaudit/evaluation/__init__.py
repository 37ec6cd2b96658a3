"""Benchmarks' metrics and evaluation runners; a module with `add_arguments` and `evaluate` is `newsaudit eval NAME`."""
