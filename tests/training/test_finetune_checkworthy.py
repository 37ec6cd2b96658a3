"""The check-worthiness fine-tuning stage: fold runs score only their fold, results are cached, the CV pools them
(needs the train extra; a tiny random BERT stands in for the tagger)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from newsaudit.evaluation.splits import claimbuster_fold  # noqa: E402
from newsaudit.models.encoder import BASE_ENCODER  # noqa: E402
from newsaudit.training import heads  # noqa: E402
from newsaudit.training.data import load_claimbuster  # noqa: E402
from newsaudit.training.finetune_checkworthy import (  # noqa: E402
    CARD_HEADING,
    CheckworthyConfig,
    append_card_section,
    choose_ngram_blend,
    cross_validation,
    train_run,
)

CFG = CheckworthyConfig(epochs=1, batch_size=8, max_pieces=12)


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    config = transformers.BertConfig(
        vocab_size=30522, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32
    )
    transformers.BertModel(config, add_pooling_layer=False).save_pretrained(str(folder))
    (folder / "tokenizer.json").write_bytes((BASE_ENCODER / "tokenizer.json").read_bytes())
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    (root / "claimbuster" / "two_class").mkdir(parents=True)
    with (root / "claimbuster" / "two_class" / "kfold_25ncs.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["sentence_id", "screening", "label", "text"])
        for i in range(48):
            label = i % 3 == 0
            text = f"Unemployment fell by {i} percent last year." if label else "Thank you all for coming tonight."
            out.writerow([str(1000 + i), -3, int(label), text + " And that is a very long sentence indeed"])
    return root


def test_a_fold_run_scores_exactly_its_fold_and_is_cached(tiny_encoder: Path, data_dir: Path, tmp_path: Path) -> None:
    result = train_run(CFG, tiny_encoder, data_dir, 1, tmp_path / "fold-1", threads=1)
    fold_ids = [str(1000 + i) for i in range(48) if claimbuster_fold(str(1000 + i)) == 1]
    assert result["ids"] == fold_ids and len(result["probs"]) == len(fold_ids)
    assert all(0.0 <= p <= 1.0 for p in result["probs"]) and 0.0 <= result["threshold"] <= 1.0
    assert "weight" not in result
    (tmp_path / "fold-1" / "result.json").write_text(json.dumps(result | {"f1": -1.0}))
    assert train_run(CFG, tiny_encoder, data_dir, 1, tmp_path / "fold-1", threads=1)["f1"] == -1.0


def test_the_all_data_run_saves_the_encoder_and_a_head_the_heads_training_ships(
    tiny_encoder: Path, data_dir: Path, tmp_path: Path
) -> None:
    result = train_run(CFG, tiny_encoder, data_dir, None, tmp_path / "all", threads=1)
    assert "probs" not in result and len(result["weight"]) == 16
    transformers.BertModel.from_pretrained(str(tmp_path / "all"))  # loadable for the ONNX export
    (tmp_path / "checkworthiness.json").write_text(
        json.dumps({"weight": result["weight"], "bias": result["bias"], "threshold": 0.4, "cv": {"mean_f1": 0.5}})
    )
    metrics, weights = heads.finetuned_checkworthiness(tmp_path / "checkworthiness.json", 16, [])
    assert metrics["chosen"] == "fine-tuned" and metrics["threshold"] == 0.4
    pooled = np.random.default_rng(0).standard_normal((3, 16)).astype(np.float32)
    runtime = (pooled - weights["cw_mean"]) / weights["cw_scale"] @ weights["cw_w"] + weights["cw_b"]
    assert np.allclose(runtime, pooled @ np.asarray(result["weight"]) + result["bias"], atol=1e-5)


def test_cross_validation_pools_the_out_of_fold_predictions() -> None:
    gold = {"a": True, "b": False, "c": True, "d": True}
    results = [
        {"ids": ["a", "b"], "probs": [0.9, 0.6], "threshold": 0.5, "f1": 2 / 3},  # tp a, fp b
        {"ids": ["c", "d"], "probs": [0.8, 0.2], "threshold": 0.7, "f1": 2 / 3},  # tp c, fn d
    ]
    cv = cross_validation(results, gold)
    assert cv["pooled"] == {"precision": round(2 / 3, 4), "recall": round(2 / 3, 4), "f1": round(2 / 3, 4)}
    assert cv["mean_f1"] == round(2 / 3, 4) and cv["thresholds"] == [0.5, 0.7]


def test_the_ngram_mix_is_chosen_inside_each_fold_and_rescues_an_uninformative_head(data_dir: Path) -> None:
    sentences = load_claimbuster(data_dir)
    results = []
    for k in range(4):
        test = [s.id for s in sentences if claimbuster_fold(s.id) == k]
        rest = [s for s in sentences if claimbuster_fold(s.id) != k]
        val = [s.id for s in rest if s.label][:2] + [s.id for s in rest if not s.label][:4]
        results.append(
            {"fold": k, "ids": test, "probs": [0.5] * len(test), "val_ids": val, "val_probs": [0.5] * len(val)}
        )
    blend = choose_ngram_blend(results, sentences, dim=4096, c=4.0)
    assert blend["fold_f1"] == [1.0, 1.0, 1.0, 1.0] and blend["pooled"]["f1"] == 1.0
    assert all(w > 0 for w in blend["ngram_weights"]) and blend["ngram_dim"] == 4096


def test_the_card_section_is_replaced_not_stacked(tmp_path: Path) -> None:
    (tmp_path / "MODEL_CARD.md").write_text("# newsaudit-encoder\n\nstage 1 text\n", encoding="utf-8")
    cv = {"fold_f1": [0.8, 0.9, 0.85, 0.85], "mean_f1": 0.85, "pooled": {"f1": 0.85}}
    head = {"cv": cv, "command": "python -m newsaudit.training.finetune_checkworthy --out X"}
    final = {"threshold": 0.5, "val_f1": 0.8, "seconds": 10}
    append_card_section(tmp_path, CFG, head, final)
    blend = cv | {"ngram_weight": 0.3, "threshold": 0.45, "mean_f1": 0.86}
    append_card_section(tmp_path, CFG, head | {"ngram": blend}, final)
    card = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count(CARD_HEADING) == 1 and "stage 1 text" in card
    assert "mean **0.8500**" in card and "mean **0.8600**" in card and "--out X" in card
