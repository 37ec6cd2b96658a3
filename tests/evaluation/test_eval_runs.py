"""`newsaudit eval ptc|polnear|claimbuster` end to end on tiny made-up data sets, with stand-in models."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from newsaudit import api
from newsaudit.cli import main
from newsaudit.document import Attribution, Document, Source, Span, Technique
from newsaudit.evaluation import claimbuster
from newsaudit.evaluation.splits import claimbuster_fold

PTC_TEXT = "A headline\n\nThe plan is a total disaster.\nNobody knows.\n"
PN_TEXT = "Ships will stop, the mayor said. Taxes rise."


def _run(argv: list[str], tmp_path: Path) -> dict:
    out = tmp_path / "metrics.json"
    assert main([*argv, "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def ptc_data(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "ptc" / "train"
    for sub in ("articles", "labels-task-si", "labels-task-flc-tc"):
        (root / sub).mkdir(parents=True)
    (root / "articles" / "article5.txt").write_text(PTC_TEXT, encoding="utf-8")
    (root / "labels-task-si" / "article5.task-si.labels").write_text("5\t26\t41\n", encoding="utf-8")
    (root / "labels-task-flc-tc" / "article5.task-flc-tc.labels").write_text(
        "5\tLoaded_Language\t26\t41\n5\tDoubt\t42\t55\n", encoding="utf-8"
    )
    return tmp_path / "data"


def test_eval_ptc(ptc_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def analyze(source: str | Document, *, settings: object = None) -> Document:
        text = source if isinstance(source, str) else source.text
        doc = Document(text=text)
        doc.techniques = [Technique(Span.of(text, 31, 41), "Loaded_Language", 0.8)]  # inside the gold span
        return doc

    def label_spans(text: str, spans: list[tuple[int, int]], *, model: object = None) -> list[tuple[str, float]]:
        return [("Loaded_Language", 0.9) for _ in spans]

    module = types.ModuleType("newsaudit.analysis.techniques")
    module.label_spans = label_spans  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newsaudit.analysis.techniques", module)
    monkeypatch.setattr(api, "analyze", analyze)
    result = _run(["eval", "ptc", "--data", str(ptc_data), "--split", "all"], tmp_path)
    # SI: s = [31,41) inside t = [26,41): P = 10/10 = 1, R = 10/15 = 2/3, F1 = 0.8
    assert result["si"]["precision"] == pytest.approx(1.0)
    assert result["si"]["recall"] == pytest.approx(2 / 3)
    assert result["si"]["f1"] == pytest.approx(0.8)
    # TC: 1 of 2 gold lines labelled right
    assert result["tc"]["micro_f1"] == pytest.approx(0.5)
    assert result["tc_per_technique_f1"]["Doubt"] == 0.0
    assert result["tc_per_technique_f1"]["Loaded_Language"] == pytest.approx(2 / 3)


def test_technique_labelling_uses_the_configured_model() -> None:
    from newsaudit.errors import ModelError
    from newsaudit.evaluation.ptc import technique_labeller
    from newsaudit.settings import Settings

    with pytest.raises(ModelError, match="/nowhere/heads"):
        technique_labeller(Settings(model_dir="/nowhere/heads"))


def test_eval_ptc_without_models_skips_tc(ptc_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "analyze", lambda source, *, settings=None: Document(text=source.text))
    result = _run(["--no-models", "eval", "ptc", "--data", str(ptc_data), "--split", "all"], tmp_path)
    assert result["si"]["f1"] == 0.0 and result["si"]["gold_spans"] == 1
    assert result["tc"].startswith("skipped")


def test_eval_polnear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dev = tmp_path / "data" / "polnear" / "dev"
    (dev / "text").mkdir(parents=True)
    (dev / "attributions").mkdir()
    (dev / "text" / "pub_2016-11-01_ships.txt").write_text(PN_TEXT, encoding="utf-8")
    (dev / "attributions" / "pub_2016-11-01_ships_ab12.ann").write_text(
        "T1\tSource 17 26\tthe mayor\nT2\tCue 27 31\tsaid\nT3\tContent 0 15\tShips will stop\n"
        "T4\tAttribution 27 31\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n",
        encoding="utf-8",
    )

    def analyze(source: str | Document, *, settings: object = None) -> Document:
        text = source if isinstance(source, str) else source.text
        doc = Document(text=text)
        doc.attributions = [
            Attribution(
                content=Span.of(text, 0, 16),
                source=Source(Span.of(text, 21, 26), "anonymous"),
                cue=Span.of(text, 27, 31),
            ),
            Attribution(content=Span.of(text, 33, 44)),
        ]
        return doc

    monkeypatch.setattr(api, "analyze", analyze)
    errors = tmp_path / "errors.jsonl"
    result = _run(
        ["--no-models", "eval", "polnear", "--data", str(tmp_path / "data"), "--errors", str(errors)], tmp_path
    )
    assert (result["articles"], result["gold_relations"], result["predicted_relations"]) == (1, 1, 2)
    assert result["cue"]["exact"]["f1"] == 1.0
    assert result["source"]["exact"]["f1"] == 0.0 and result["source"]["overlap"]["f1"] == 1.0
    # content: 2 predicted, 1 overlaps the gold; exact none -> overlap P 1/2, R 1, F1 2/3
    assert result["content"]["exact"]["f1"] == 0.0
    assert result["content"]["overlap"]["f1"] == pytest.approx(2 / 3)
    assert result["predicted_by"] == "rules: 2"
    (line,) = errors.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) == {
        "article": "pub_2016-11-01_ships",
        "source": {"missed": ["the mayor"], "spurious": ["mayor"]},
        "cue": {"missed": [], "spurious": []},
        "content": {"missed": ["Ships will stop"], "spurious": ["Ships will stop,", "Taxes rise."]},
    }


def _claimbuster_data(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "claimbuster" / "two_class"
    root.mkdir(parents=True)
    rows = ["sentence_id,screening,label,text"]
    for i in range(40):
        rows.append(f'{i},-3,{i % 2},"Made-up sentence {i}, {"it cost money" if i % 2 else "hello there"}."')
    (root / "kfold_25ncs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path / "data"


def _fake_scorer(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("newsaudit.analysis.checkworthiness")
    module.score_sentences = lambda texts: [0.9 if "cost" in t else 0.2 for t in texts]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newsaudit.analysis.checkworthiness", module)


def test_eval_claimbuster_scores_only_held_out_folds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _claimbuster_data(tmp_path)
    models = tmp_path / "models"
    (models / "cw").mkdir(parents=True)
    (models / "cw" / "card.json").write_text(
        json.dumps({"claimbuster_train_folds": [0, 1, 2], "checkworthy_threshold": 0.95}), encoding="utf-8"
    )
    monkeypatch.setattr(claimbuster, "MODELS_DIR", models)
    _fake_scorer(monkeypatch)
    result = _run(["eval", "claimbuster", "--data", str(data)], tmp_path)
    held = [i for i in range(40) if claimbuster_fold(str(i)) == 3]
    assert result["held_out_folds"] == "3" and result["sentences"] == len(held)
    assert result["check_worthy"] == sum(i % 2 for i in held)
    assert result["threshold_0.5"]["f1"] == 1.0
    assert result["model_card"] == "cw/card.json"
    assert result["model_threshold"]["threshold"] == 0.95 and result["model_threshold"]["f1"] == 0.0


def test_eval_claimbuster_refuses_without_a_held_out_fold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _claimbuster_data(tmp_path)
    models = tmp_path / "models"
    (models / "cw").mkdir(parents=True)
    monkeypatch.setattr(claimbuster, "MODELS_DIR", models)
    _fake_scorer(monkeypatch)
    assert main(["eval", "claimbuster", "--data", str(data)]) == 2
    assert "no shipped model card records" in capsys.readouterr().err
    card = {"checkworthiness": {"train_folds": [0, 1, 2, 3]}}
    (models / "cw" / "config.json").write_text(json.dumps(card), encoding="utf-8")
    assert main(["eval", "claimbuster", "--data", str(data)]) == 2
    assert "trained on every ClaimBuster fold" in capsys.readouterr().err
    assert main(["--no-models", "eval", "claimbuster", "--data", str(data)]) == 2
    assert "drop --no-models" in capsys.readouterr().err


def test_eval_unwritable_json_is_a_one_line_error(
    ptc_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(api, "analyze", lambda source, *, settings=None: Document(text=source.text))
    out = tmp_path / "missing" / "metrics.json"
    argv = ["--no-models", "eval", "ptc", "--data", str(ptc_data), "--split", "all", "--no-tc", "--json", str(out)]
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("newsaudit: error: cannot write") and str(out) in line


def test_bad_fusion_weight_is_an_input_error() -> None:
    from newsaudit.errors import InputError
    from newsaudit.evaluation.checkthat import build_ranker

    assert build_ranker("fusion:0.5").name == "fusion-0.5"
    with pytest.raises(InputError, match="fusion weight must be a number"):
        build_ranker("fusion:abc")
