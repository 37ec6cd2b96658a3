"""Hand-built Documents for the output tests (no rule engine): the example article, and arbitrary ones."""

from __future__ import annotations

from hypothesis import strategies as st

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.document import Attribution, Claim, Document, Quantity, Sentence, Source, Span, Technique
from newsaudit.examples import example_text


def _at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def example_document() -> Document:
    """The bundled example article with layers placed by hand (stands in for the analysis pipeline)."""
    text = example_text()
    doc = Document(
        text=text, title=text.split("\n", 1)[0], outlet="Varrow Evening Post", relayed_from=["Coastal Ledger"]
    )
    s = doc.span
    start = 0
    for line in text.split("\n"):
        if line.strip():
            doc.sentences.append(Sentence(start, start + len(line)))
        start += len(line) + 1

    def att(source: str | None, kind: str, subtype: str | None, cue: str | None, content: str) -> int:
        src = Source(s(*_at(text, source)), kind, subtype) if source else None  # type: ignore[arg-type]
        doc.attributions.append(Attribution(s(*_at(text, content)), src, s(*_at(text, cue)) if cue else None))
        return len(doc.attributions) - 1

    a_marsh = att("Port director Elena Marsh", "named", "person", "said", "the basin would stay shut")
    a_tv = att("the regional broadcaster Harbour TV", "named", "outlet", "According to", "freight volumes at Varrow")
    att("The Ministry of Transport", "named", "organisation", "said in a statement", 'it had "acted')
    a_vague = att("numerous analysts", "vague", None, "believe", "the ministry knew about the cracks for years")
    a_anon = att("A senior official who asked not to be named", "anonymous", None, None, "the ministry had set aside")
    a_union = att("Sources close to the union", "anonymous", None, "claimed", "around 300 families")
    a_self = att(None, "self", None, None, "The losses are staggering.")
    a_marsh2 = att("Marsh", "named", "person", "added", "repairs would cost 4.5 million euros")

    for phrase, value, unit, per, counts, approx, a in [
        ("1,200 dockworkers", 1200, None, None, "dockworkers", False, None),
        ("about two thousand containers", 2000, None, None, "containers", True, None),
        ("4.5 million euros", 4.5e6, "EUR", None, None, False, a_marsh2),
        ("45 euros a day", 45, "EUR", "day", None, False, a_marsh2),
        ("up 30%", 30, "%", None, None, False, a_tv),
        ("900,000 euros", 900000, "EUR", None, None, False, a_anon),
        ("around 300 families", 300, None, None, "families", True, a_union),
        ("nearly 250,000 euros", 250000, "EUR", "day", None, True, None),
    ]:
        doc.quantities.append(Quantity(s(*_at(text, phrase)), value, unit, per, counts, approx, a))
    for phrase, a in [
        ("Port director Elena Marsh said the basin", a_marsh),
        ("According to the regional broadcaster", a_tv),
        ("The sudden closure of the northern basin", None),
        ("But numerous analysts believe", a_vague),
        ("Every day the basin stays closed", a_self),
    ]:
        st, _ = _at(text, phrase)
        en = text.index(".", st) + 1
        doc.claims.append(Claim(s(st, en), a, 0.8))
    for phrase, label in [
        ("most shameful betrayal", "Loaded_Language"),
        ("reckless bureaucrats", "Name_Calling,Labeling"),
        ("reckless bureaucrats in the capital have not lifted a finger", "Loaded_Language"),
        ("so-called experts", "Doubt"),
        ("Our port, our jobs, our future.", "Slogans"),
        ("Make no mistake: if the port falls, Varrow falls with it.", "Appeal_to_fear-prejudice"),
        (
            "The choice is simple: stand with the workers or stand with the men who sold them out.",
            "Black-and-White_Fallacy",
        ),
        ("But it is what it is", "Thought-terminating_Cliches"),
        ("Nobody who truly loves this country", "Flag-Waving"),
        ("Everyone in Varrow knows the truth", "Bandwagon,Reductio_ad_hitlerum"),
    ]:
        doc.techniques.append(Technique(s(*_at(text, phrase)), label, 0.7))
    doc.check_offsets()
    return doc


@st.composite
def spans(draw: st.DrawFn, text: str) -> Span:
    """A span anywhere in `text`, possibly empty."""
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(0, len(text)))
    return Span.of(text, min(a, b), max(a, b))


@st.composite
def documents(draw: st.DrawFn, text: st.SearchStrategy[str] | None = None) -> Document:
    """An arbitrary text with arbitrary, overlapping fake layers on it."""
    body = draw(text if text is not None else st.text(max_size=300))
    doc = Document(
        text=body,
        title=draw(st.none() | st.text(max_size=40)),
        outlet=draw(st.none() | st.text(max_size=20)),
        url=draw(st.none() | st.text(max_size=30)),
        relayed_from=draw(st.lists(st.text(max_size=15), max_size=2)),
    )
    doc.sentences = [Sentence(s.start, s.end) for s in draw(st.lists(spans(body), max_size=4))]
    kinds = st.sampled_from(["named", "vague", "anonymous", "self"])
    subtypes = st.none() | st.sampled_from(["outlet", "person", "organisation", "other"])
    for _ in range(draw(st.integers(0, 4))):
        source = draw(st.none() | st.builds(Source, spans(body), kinds, subtypes, st.none() | spans(body)))
        cue = draw(st.none() | spans(body))
        doc.attributions.append(Attribution(draw(spans(body)), source, cue))
    links = st.none() | st.integers(0, len(doc.attributions) - 1) if doc.attributions else st.none()
    for _ in range(draw(st.integers(0, 4))):
        doc.claims.append(Claim(draw(spans(body)), draw(links), draw(st.none() | st.floats(0, 1))))
    for _ in range(draw(st.integers(0, 4))):
        doc.quantities.append(
            Quantity(
                draw(spans(body)),
                draw(st.floats(-1e9, 1e9, allow_nan=False)),
                draw(st.none() | st.text(max_size=5)),
                draw(st.none() | st.text(max_size=5)),
                draw(st.none() | st.text(max_size=10)),
                draw(st.booleans()),
                draw(links),
            )
        )
    labels = st.sampled_from(PTC_TECHNIQUES) | st.text(max_size=12)
    for _ in range(draw(st.integers(0, 5))):
        doc.techniques.append(Technique(draw(spans(body)), draw(labels), draw(st.floats(0, 1))))
    return doc
