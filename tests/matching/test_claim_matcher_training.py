"""The torch-free parts of the claim-matcher fine-tuning script: the seeded split and hard-negative selection."""

from __future__ import annotations

from newsaudit.matching.index import ClaimItem, claim_key
from newsaudit.models.encoder import BASE_ENCODER, CLAIM_ENCODER, default_embedding_dir
from newsaudit.training.claim_matcher import MatcherConfig, hard_negatives, split_train


def test_split_is_seeded_disjoint_and_sized() -> None:
    qids = [str(i) for i in range(100)]
    fit, held = split_train(qids, 0.2, seed=13)
    assert len(held) == 20 and len(fit) == 80 and not fit & held and fit | held == set(qids)
    assert split_train(list(reversed(qids)), 0.2, seed=13) == (fit, held)  # input order does not matter
    assert split_train(qids, 0.2, seed=14)[1] != held
    assert split_train(qids, 0.0, seed=13) == (set(qids), set())


def test_hard_negatives_skip_gold_and_copies_of_gold() -> None:
    claims = {
        "g": ClaimItem("g", "The ferry fare doubled in March."),
        "copy": ClaimItem("copy", "the ferry fare doubled in march"),  # same words: not a negative
        "n1": ClaimItem("n1", "The bus fare doubled in March."),
        "n2": ClaimItem("n2", "Ferry services stopped in March."),
    }
    candidates = {"q": [["copy", 1.0], ["g", 0.9], ["n1", 0.8], ["n2", 0.5]]}
    assert hard_negatives(candidates, {"q": {"g"}}, claims, depth=5) == {"q": ["n1", "n2"]}
    assert hard_negatives(candidates, {"q": {"g"}}, claims, depth=1) == {"q": ["n1"]}
    assert claim_key("Fare, doubled!") == claim_key("fare doubled")


def test_config_is_seeded_by_default() -> None:
    assert MatcherConfig().seed == 13 and MatcherConfig().holdout == 0.0


def test_claim_embeddings_use_the_claim_matcher_only_when_it_is_shipped(tmp_path, monkeypatch) -> None:
    from newsaudit.models import encoder

    monkeypatch.setattr(encoder, "CLAIM_ENCODER", tmp_path / "claim-matcher")
    assert default_embedding_dir() == BASE_ENCODER
    (tmp_path / "claim-matcher").mkdir()
    (tmp_path / "claim-matcher" / "model.onnx").write_bytes(b"")
    assert default_embedding_dir() == tmp_path / "claim-matcher"
    assert CLAIM_ENCODER.name == "claim-matcher"
