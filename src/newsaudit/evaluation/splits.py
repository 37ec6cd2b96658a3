"""Deterministic held-out splits shared by training and evaluation, so no model is tuned on its own test data."""

from __future__ import annotations

import hashlib


def bucket(key: str, n: int) -> int:
    """A stable bucket in [0, n) for a string key (sha1-based, independent of PYTHONHASHSEED)."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % n


def ptc_is_dev(article_id: str) -> bool:
    """PTC: our own dev split is 20% of the training articles, chosen by article id."""
    return bucket(f"ptc:{article_id}", 5) == 0


def claimbuster_fold(sentence_id: str) -> int:
    """ClaimBuster kfold_25ncs: the 4-fold cross-validation fold (0..3) of a sentence id."""
    return bucket(f"claimbuster:{sentence_id}", 4)


# PolNeAR ships train/ and dev/ folders (test is held back): train on train/, tune and report on dev/.
# For threshold tuning without touching dev, hold out the train articles with polnear_is_tune().
def polnear_is_tune(article_name: str) -> bool:
    """PolNeAR: 10% of train/ articles held out for tuning thresholds and early stopping."""
    return bucket(f"polnear:{article_name}", 10) == 0
