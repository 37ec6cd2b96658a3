"""Outputs that only read a Document: JSON/JSONL, the terminal summary and the self-contained HTML report."""
