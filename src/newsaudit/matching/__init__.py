"""Claim matching: fact-check import, tweet/query cleaning, and the hybrid ClaimIndex."""

from newsaudit.matching.clean import clean_query
from newsaudit.matching.factchecks import FactCheck, factcheck_id, parse_factchecks, read_factchecks
from newsaudit.matching.index import ClaimIndex, ClaimItem, Hit, IndexConfig

__all__ = [
    "ClaimIndex",
    "ClaimItem",
    "FactCheck",
    "Hit",
    "IndexConfig",
    "clean_query",
    "factcheck_id",
    "parse_factchecks",
    "read_factchecks",
]
