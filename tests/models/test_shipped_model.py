"""The shipped multi-task model end to end on a short hand-written article (skipped if the model is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.models.audit_model import model_available

pytestmark = pytest.mark.skipif(not model_available(), reason="no trained model shipped")

TEXT = (
    "The council said on Tuesday that the harbour will close for six weeks.\n\n"
    "Critics called the decision a disgraceful betrayal of every fisherman in town. "
    '"This is a disaster, a total disaster," one resident told reporters. '
    "Officials insisted that repairs cost 4 million pounds and could not wait."
)


def test_pipeline_adds_model_layers_with_valid_offsets() -> None:
    from newsaudit.api import analyze, default_pipeline
    from newsaudit.settings import Settings

    settings = Settings()
    names = default_pipeline(settings).names
    assert {"newsaudit.techniques.v1", "newsaudit.attribution_model.v1", "newsaudit.checkworthiness.v1"} <= set(names)
    doc = analyze(TEXT, settings=settings)
    doc.check_offsets()
    for t in doc.techniques:
        assert t.technique in PTC_TECHNIQUES
        assert TEXT[t.span.start : t.span.end] == t.span.text
    assert all(c.checkworthy is not None and 0 <= c.checkworthy <= 1 for c in doc.claims)
    from newsaudit.analysis.attribution_model import find_attributions
    from newsaudit.models.audit_model import load_model

    assert find_attributions(doc, load_model()), "the role tagger finds relations in an attributed text"
    assert any(a.origin == "rules" for a in doc.attributions)
    assert all(a.cue is not None for a in doc.attributions if a.origin == "model")


def test_label_spans_and_score_sentences_api() -> None:
    from newsaudit.analysis.checkworthiness import score_sentences
    from newsaudit.analysis.techniques import label_spans

    s = TEXT.index("a disaster")
    labels = label_spans(TEXT, [(s, s + len("a disaster")), (0, 11)])
    assert len(labels) == 2
    assert all(t in PTC_TECHNIQUES and 0 <= p <= 1 for t, p in labels)
    probs = score_sentences(["Unemployment rose by 3 percent last year.", "Thank you all for coming."])
    assert probs.shape == (2,) and probs.dtype == np.float32
    assert ((probs >= 0) & (probs <= 1)).all()


def test_label_spans_rejects_bad_spans() -> None:
    from newsaudit.analysis.techniques import label_spans
    from newsaudit.errors import InputError

    with pytest.raises(InputError):
        label_spans("short text", [(5, 50)])


def test_analyze_many_with_the_encoder_ahead_gives_what_analyze_gives_one_by_one() -> None:
    from newsaudit.api import analyze, analyze_many
    from newsaudit.examples import example_text
    from newsaudit.outputs.json import dumps

    texts = [TEXT, example_text(), TEXT.replace("six", "eight")]
    one_by_one = [dumps(analyze(t)) for t in texts]
    assert [dumps(d) for d in analyze_many(iter(texts))] == one_by_one
