"""The HTML report: escaping of hostile articles, overlapping highlights, text round trip, panels."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from outputs_docs import documents

from newsaudit.document import Attribution, Claim, Document, Quantity, Source, Technique
from newsaudit.outputs import html as report

HOSTILE = (
    "Breaking <script>alert(1)</script> news.\n\n"
    'Click <a href="javascript:alert(2)">here</a> or <img src=x onerror=alert(3)>.\n\n'
    "The Herald said: </script><script>alert(4)</script> & <!-- comment --> ]]> \u2028 end."
)


class ArticleView(HTMLParser):
    """Collects the text of the article view and, per highlighted segment, its refs and tooltip keys."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []
        self.segments: list[tuple[set[str], set[str], str]] = []
        self._seg: tuple[set[str], set[str]] | None = None
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        if self.depth:
            self.depth += 1
            if tag == "span" and "na-seg" in (a.get("class") or "").split():
                self._seg = (set((a.get("data-r") or "").split()), set((a.get("data-k") or "").split()))
        elif tag == "article" and "na-text" in (a.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            self._seg = None

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)
            if self._seg is not None:
                self.segments.append((*self._seg, data))


def parse(page: str) -> ArticleView:
    view = ArticleView()
    view.feed(page)
    view.close()
    return view


def embedded_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" class="na-data">(.*?)</script>', page, re.S)
    assert m, "the report embeds its data"
    return json.loads(m.group(1))


def hostile_document() -> Document:
    doc = Document(
        text=HOSTILE,
        title="</script><script>alert(5)</script><title>",
        outlet='"><svg onload=alert(6)>',
        url="javascript:alert(7)",
        author="<b onmouseover=alert(8)>x</b>",
        relayed_from=["<iframe src=javascript:alert(9)>"],
    )
    s = doc.span
    herald = HOSTILE.index("The Herald")
    content = HOSTILE.index("</script><script>")
    doc.attributions = [Attribution(s(content, len(HOSTILE)), Source(s(herald, herald + 10), "named", "outlet"))]
    doc.techniques = [Technique(s(9, 38), "<script>alert(10)</script>", 0.9)]
    doc.quantities = [Quantity(s(HOSTILE.index("alert(3)") + 6, HOSTILE.index("alert(3)") + 7), 3.0, "<u>", None)]
    return doc


def test_hostile_article_is_escaped() -> None:
    doc = hostile_document()
    page = report.render(doc)
    lowered = page.lower()
    # Only our two script elements exist: the JSON data block and the report's own code.
    assert lowered.count("<script") == 2
    assert lowered.count("</script") == 2
    assert "<img" not in lowered and "<svg" not in lowered and "<iframe" not in lowered and "<b " not in lowered
    assert 'href="javascript:' not in lowered
    assert "<title>&lt;/script&gt;" in page
    view = parse(page)
    assert "".join(view.text) == doc.text
    assert [s.get("type") for s in view.scripts] == ["application/json", None]
    data = embedded_data(page)
    assert data["document"]["article"]["text"] == doc.text
    assert data["document"]["article"]["title"] == doc.title


def test_fragment_has_no_page_chrome_and_assets_are_exposed() -> None:
    fragment = report.render_fragment(hostile_document())
    assert not re.search(r"<(html|head|body)[\s>]", fragment)
    assert fragment.lower().count("<script") == 1  # only the JSON data block; the app adds ASSETS_JS itself
    assert ".na-report" in report.ASSETS_CSS and "newsauditReport" in report.ASSETS_JS
    assert "</script" not in report.ASSETS_JS.lower() and "</style" not in report.ASSETS_CSS.lower()


def test_page_is_self_contained(example_doc: Document) -> None:
    page = report.render(example_doc)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in report.ASSETS_CSS
    assert "default-src &#x27;none&#x27;" in page  # the CSP meta forbids every network load


def test_overlapping_spans_render() -> None:
    text = "Alpha beta gamma delta epsilon."
    doc = Document(text=text)
    s = doc.span
    doc.techniques = [
        Technique(s(0, 16), "Loaded_Language", 0.9),  # Alpha beta gamma
        Technique(s(6, 22), "Doubt", 0.8),  # beta gamma delta
    ]
    doc.attributions = [Attribution(s(11, 31), Source(s(0, 5), "vague"))]  # gamma delta epsilon.
    doc.quantities = [Quantity(s(11, 22), 1.0)]  # gamma delta, unsourced
    page = report.render(doc)
    view = parse(page)
    assert "".join(view.text) == text
    by_text = {seg_text: (refs, keys) for refs, keys, seg_text in view.segments}
    assert set(by_text) == {"Alpha", " ", "beta ", "gamma", " delta", " epsilon."}
    assert by_text["gamma"][0] == {"t0", "t1", "a0", "q0"}
    assert by_text[" delta"][0] == {"t1", "a0", "q0"}
    assert by_text["Alpha"][1] == {"t0", "a0s"}
    # A segment under two techniques gets striped in both colours; the unsourced figure is flagged once, at its end.
    assert report.render_fragment(doc).count("na-qend") == 1
    m = re.search(r'data-t="(\d+) (\d+)" style="([^"]*)"', page)
    assert m and "linear-gradient" in m.group(3)


def test_example_panels(example_doc: Document) -> None:
    page = report.render(example_doc)
    for name in ("Port director Elena Marsh", "numerous analysts", "Sources close to the union", "Coastal Ledger"):
        assert name in page
    assert "3</b> of 8 figures unsourced" in page
    figures = page.split('class="na-panel na-panel-quantities"', 1)[1].split("</section>", 1)[0]
    assert figures.count("UNSOURCED</span>") == 3
    claims = page.split('class="na-panel na-panel-claims"', 1)[1].split("</section>", 1)[0]
    assert claims.count("<tr") == 1 + len(example_doc.claims) and claims.count("UNSOURCED</span>") == 1
    assert 'data-target="a0"' in page  # a source entry jumps to its attribution
    for label in ("Loaded language", "Slogans", "Black-and-white fallacy"):
        assert label in page


def _joined(view: ArticleView, key: str, by: int) -> str:
    return "".join(seg[2] for seg in view.segments if key in seg[by])


@settings(max_examples=40, deadline=None)
@given(documents(text=st.text(alphabet=st.sampled_from("ab <>&\"'/\n\u2028é"), max_size=120)))
def test_text_round_trips_and_every_span_is_covered(doc: Document) -> None:
    page = report.render(doc)
    assert page.lower().count("<script") == 2
    view = parse(page)
    assert "".join(view.text) == doc.text
    for i, q in enumerate(doc.quantities):
        assert _joined(view, f"q{i}", 0) == q.span.text
    for i, t in enumerate(doc.techniques):
        assert _joined(view, f"t{i}", 0) == t.span.text
    for i, a in enumerate(doc.attributions):
        assert _joined(view, f"a{i}c", 1) == a.content.text
    assert embedded_data(page)["document"] == doc.to_dict()


def test_claim_links_only_for_safe_targets(example_doc: Document) -> None:
    hrefs = {0: "/claims/7/trace", 1: "javascript:alert(1)", 2: "//evil.example/x", 3: 'https://x.example/?a="b"'}
    fragment = report.render_fragment(example_doc, claim_href=lambda i, _claim: hrefs.get(i))
    assert fragment.count('class="na-claim-link"') == 2
    assert 'href="/claims/7/trace"' in fragment
    assert 'href="https://x.example/?a=&quot;b&quot;"' in fragment
    assert "javascript:" not in fragment and "evil.example" not in fragment
    assert "na-claim-link" not in report.render_fragment(example_doc)


def test_foreign_source_kind_and_claim_index_are_safe() -> None:
    # a Document loaded from JSON may carry any string as a source kind, and any claim attribution index: the
    # claims table put the kind unescaped into a class attribute, and indexed the attributions without a check
    text = "Bob said it rained all day long yesterday. It was wet."
    doc = Document(text=text)
    s = doc.span
    kind = '"><img src=x onerror=alert(1)>'
    doc.attributions = [Attribution(s(9, 41), Source(s(0, 3), kind, "person"), s(4, 8))]  # type: ignore[arg-type]
    doc.claims = [Claim(s(0, 42), 0), Claim(s(43, 54), 5), Claim(s(43, 54), -1)]
    doc.quantities = [Quantity(s(0, 3), float("inf"))]
    page = report.render(doc)
    assert "<img" not in page.lower()
    claims = page.split('class="na-panel na-panel-claims"', 1)[1].split("</section>", 1)[0]
    assert claims.count("UNSOURCED</span>") == 2
    assert "".join(parse(page).text) == text


@settings(max_examples=20, deadline=None)
@given(documents(text=st.text(alphabet=st.sampled_from(["a", " ", "<", "\udc00", "\udfff"]), max_size=60)))
def test_unpaired_surrogates_can_be_written(doc: Document) -> None:
    # the page held them raw, so it could not be encoded: the text shows U+FFFD, the data block the exact text
    page = report.render(doc)
    page.encode("utf-8")
    assert "".join(parse(page).text) == re.sub("[\ud800-\udfff]", "\ufffd", doc.text)
    assert embedded_data(page)["document"] == doc.to_dict()
