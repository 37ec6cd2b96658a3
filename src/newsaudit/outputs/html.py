"""The self-contained HTML report: the article with highlights per layer, a sources panel and a quantities table.

To embed the same view in another page (the web app): put ASSETS_CSS in a <style>, render_fragment(doc) in the
body, and ASSETS_JS in a <script> (allow it by ASSETS_JS_CSP_HASH under a CSP). Fragments inserted later are bound
with `window.newsauditReport.init(element)`.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import Any

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.document import Claim, Document, Quantity
from newsaudit.outputs.json import escape_surrogates
from newsaudit.outputs.overview import (
    KIND_ORDER,
    Overview,
    SourceEntry,
    content_text,
    display_title,
    format_value,
    overview,
    quoted,
    shorten,
    source_display,
)
from newsaudit.outputs.techniques import TECHNIQUES, technique_info
from newsaudit.unicode_text import replace_surrogates

_TEMPLATES = resources.files("newsaudit.outputs").joinpath("templates")
ASSETS_CSS: str = _TEMPLATES.joinpath("report.css").read_text(encoding="utf-8")
"""The report's stylesheet; every rule is scoped under `.na-report`."""
ASSETS_JS: str = _TEMPLATES.joinpath("report.js").read_text(encoding="utf-8")
"""The report's script: layer toggles, tooltips, jump-to-source. `window.newsauditReport.init(root)` (re)binds
a fragment inserted after page load; fragments present at load are bound automatically."""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


ASSETS_JS_CSP_HASH: str = _csp_hash(ASSETS_JS)
"""The CSP source expression (`'sha256-...'`) that allows exactly ASSETS_JS as an inline script."""

ClaimHref = Callable[[int, Claim], str | None]

LAYERS: tuple[tuple[str, str], ...] = (
    ("technique", "Techniques"),
    ("source", "Sources"),
    ("cue", "Cues"),
    ("content", "Attributed content"),
    ("quantity", "Figures"),
    ("claim", "Claims"),
)
KIND_LABELS = {"named": "Named", "vague": "Vague", "anonymous": "Anonymous", "self": "Self (author / outlet)"}


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    layer: str
    ref: str
    classes: str
    technique: int = -1


def _esc(value: object) -> str:
    # an unpaired surrogate (from JSON "\ud800") has no UTF-8 form: the page could not be written; show U+FFFD
    return escape(replace_surrogates(str(value)), quote=True)


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` can end the element or open a comment."""
    text = escape_surrogates(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    for ch, rep in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    return text


def _technique_index(label: str) -> int:
    return PTC_TECHNIQUES.index(label) if label in PTC_TECHNIQUES else len(PTC_TECHNIQUES)


def _source_label(doc: Document, a: int | None, names: dict[int, str] | None = None) -> str:
    """Who stands behind attribution `a`, by the distinct source's fullest name when known."""
    if a is None or not 0 <= a < len(doc.attributions):
        return "UNSOURCED"
    src = doc.attributions[a].source
    if src is None:
        return "the article itself"
    name = (names or {}).get(a) or src.span.text
    return f"{shorten(name, 60)} ({src.kind})"


def _source_names(ov: Overview) -> dict[int, str]:
    return {i: entry.name for entry in ov.sources for i in entry.attributions}


def _tip(layer: str, head: str, body: str, **extra: str) -> dict[str, str]:
    return {"layer": layer, "head": head, "body": body, **extra}


def _quantity_phrase(q: Quantity) -> str:
    parts = [("about " if q.approximate else "") + format_value(q.value)]
    if q.unit:
        parts.append(q.unit)
    if q.per:
        parts.append(f"per {q.per}")
    phrase = " ".join(parts)
    return f"{phrase}, counting {q.counts}" if q.counts else phrase


def _marks_and_tips(doc: Document, names: dict[int, str]) -> tuple[list[_Mark], dict[str, dict[str, str]]]:
    """Every highlighted span as a mark, plus one tooltip (head and body) per referenced item."""
    marks: list[_Mark] = []
    tips: dict[str, dict[str, str]] = {}
    for i, t in enumerate(doc.techniques):
        info = technique_info(t.technique)
        ref = f"t{i}"
        idx = _technique_index(t.technique)
        marks.append(_Mark(t.span.start, t.span.end, "technique", ref, "na-tech", idx))
        tips[ref] = _tip("technique", f"{info.name} ({t.score:.2f})", info.explanation, technique=str(idx))
    for i, att in enumerate(doc.attributions):
        ref = f"a{i}"
        if att.source is not None:
            kind = att.source.kind
            marks.append(_Mark(att.source.span.start, att.source.span.end, "source", ref, f"na-src na-k-{kind}"))
            sub = f" / {att.source.subtype}" if att.source.subtype else ""
            tips[ref + "s"] = _tip("source", f"Source, {kind}{sub}", shorten(source_display(att.source), 80))
        if att.cue is not None:
            marks.append(_Mark(att.cue.start, att.cue.end, "cue", ref, "na-cue"))
            tips[ref + "q"] = _tip("cue", "Attribution cue", shorten(att.cue.text, 40))
        kind = att.source.kind if att.source else "self"
        for c in att.content_spans:
            marks.append(_Mark(c.start, c.end, "content", ref, f"na-content na-ck-{kind}"))
        tips[ref + "c"] = _tip("content", "Attributed to", _source_label(doc, i, names))
    for i, q in enumerate(doc.quantities):
        ref = f"q{i}"
        cls = "na-qty na-unsourced" if q.attribution is None else "na-qty"
        marks.append(_Mark(q.span.start, q.span.end, "quantity", ref, cls))
        tips[ref] = _tip(
            "quantity", "Figure", f"{_quantity_phrase(q)}; source: {_source_label(doc, q.attribution, names)}"
        )
    for i, c in enumerate(doc.claims):
        ref = f"c{i}"
        cls = "na-claim na-claim-unsourced" if c.attribution is None else "na-claim"
        marks.append(_Mark(c.span.start, c.span.end, "claim", ref, cls))
        score = "" if c.checkworthy is None else f" (check-worthiness {c.checkworthy:.2f})"
        tips[ref] = _tip("claim", f"Claim{score}", f"source: {_source_label(doc, c.attribution, names)}")
    return [m for m in marks if m.end > m.start], tips


def _segment_style(techniques: list[int]) -> str:
    """The CSS custom property that paints a segment with its techniques' colours (stripes if several)."""
    colours = [technique_info(PTC_TECHNIQUES[t]).colour if t < len(PTC_TECHNIQUES) else "#dee2e6" for t in techniques]
    if len(colours) == 1:
        return f"--na-bg:{colours[0]}"
    step = 100 / len(colours)
    stops = ",".join(f"{c} {k * step:.1f}% {(k + 1) * step:.1f}%" for k, c in enumerate(colours))
    return f"--na-bg:linear-gradient(180deg,{stops})"


_TIP_ORDER = {"technique": 0, "quantity": 1, "source": 2, "cue": 3, "content": 4, "claim": 5}


def highlighted_text(doc: Document, marks: list[_Mark], tips: dict[str, dict[str, str]]) -> str:
    """The article text split at every span boundary; each segment carries the classes of all spans covering it."""
    text = doc.text
    starts: dict[int, list[_Mark]] = {}
    ends: dict[int, list[_Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
        ends.setdefault(m.end, []).append(m)
    bounds = sorted({0, len(text), *starts, *ends})
    active: dict[int, _Mark] = {}
    out: list[str] = []
    for a, b in itertools.pairwise(bounds):
        for m in ends.get(a, ()):
            active.pop(id(m), None)
        for m in starts.get(a, ()):
            active[id(m)] = m
        piece = _esc(text[a:b])
        if not active:
            out.append(piece)
            continue
        covering = sorted(active.values(), key=lambda m: (m.start, -m.end))
        classes = {"na-seg"}
        refs: list[str] = []
        tip_keys: list[str] = []
        techniques: list[int] = []
        for m in covering:
            classes.update(m.classes.split())
            if m.ref not in refs:
                refs.append(m.ref)
            key = {"source": "s", "cue": "q", "content": "c"}.get(m.layer, "")
            tip_keys.append(m.ref + key)
            if m.layer == "technique" and m.technique not in techniques:
                techniques.append(m.technique)
            if m.end == b and m.layer == "quantity" and "na-unsourced" in m.classes:
                classes.add("na-qend")
        keys = sorted(dict.fromkeys(tip_keys), key=lambda k: _TIP_ORDER.get(tips.get(k, {}).get("layer", ""), 9))
        attrs = [
            f'class="{_esc(" ".join(sorted(classes)))}"',
            f'data-r="{_esc(" ".join(refs))}"',
            f'data-k="{_esc(" ".join(keys))}"',
        ]
        if techniques:
            attrs.append(f'data-t="{" ".join(map(str, techniques))}"')
            attrs.append(f'style="{_esc(_segment_style(techniques))}"')
        title = "\n".join(f"{tips[k]['head']}: {tips[k]['body']}" for k in keys if k in tips)
        attrs.append(f'title="{_esc(title)}"')
        out.append(f"<span {' '.join(attrs)}>{piece}</span>")
    return "".join(out)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _header(doc: Document, ov: Overview) -> str:
    title = display_title(doc)
    meta: list[str] = []
    if doc.outlet:
        meta.append(f'<span class="na-outlet">{_esc(doc.outlet)}</span>')
    if doc.author:
        meta.append(f"by {_esc(doc.author)}")
    if doc.published:
        meta.append(f"<time>{_esc(doc.published)}</time>")
    if doc.url:
        if doc.url.lower().startswith(("http://", "https://")):
            meta.append(
                f'<a href="{_esc(doc.url)}" rel="noopener noreferrer nofollow">{_esc(shorten(doc.url, 80))}</a>'
            )
        else:
            meta.append(f'<span class="na-url">{_esc(shorten(doc.url, 80))}</span>')
    chips: list[str] = []
    if doc.relayed_from:
        chain = " → ".join(_esc(r) for r in [*doc.relayed_from, *([doc.outlet] if doc.outlet else ["this article"])])
        chips.append(f'<span class="na-chip na-chip-relay"><b>Relayed</b> {chain}</span>')
    else:
        chips.append('<span class="na-chip">Not relayed from another outlet</span>')
    kinds = " · ".join(
        f'<span class="na-dot na-k-{k}"></span>{ov.source_kinds[k]} {k}' for k in KIND_ORDER if ov.source_kinds[k]
    )
    chips.append(f'<span class="na-chip"><b>{ov.sources_total}</b> sources{": " + kinds if kinds else ""}</span>')
    qcls = " na-chip-warn" if ov.quantities_unsourced else ""
    chips.append(
        f'<span class="na-chip{qcls}"><b>{ov.quantities_unsourced}</b> of {ov.quantities_total}'
        " figures unsourced</span>"
    )
    n_claims = len(doc.claims)
    weak = ov.claims_by_origin["none"] + ov.claims_by_origin["vague"] + ov.claims_by_origin["anonymous"]
    ccls = " na-chip-warn" if weak else ""
    chips.append(f'<span class="na-chip{ccls}"><b>{weak}</b> of {n_claims} claims unsourced, vague or anonymous</span>')
    chips.append(f'<span class="na-chip"><b>{len(doc.techniques)}</b> persuasion-technique spans</span>')
    return (
        '<header class="na-head"><div class="na-kicker">newsaudit report</div>'
        f"<h1>{_esc(title)}</h1>"
        f'<div class="na-meta">{" · ".join(meta)}</div>'
        f'<div class="na-strip">{"".join(chips)}</div></header>'
    )


def _toolbar(doc: Document, ov: Overview) -> str:
    counts = {
        "technique": len(doc.techniques),
        "source": sum(1 for a in doc.attributions if a.source),
        "cue": sum(1 for a in doc.attributions if a.cue),
        "content": len(doc.attributions),
        "quantity": len(doc.quantities),
        "claim": len(doc.claims),
    }
    items = [
        f'<label class="na-toggle na-toggle-{layer}"><input type="checkbox" checked data-layer="{layer}">'
        f'<span class="na-sample na-sample-{layer}">{_esc(label)}</span> <small>{counts[layer]}</small></label>'
        for layer, label in LAYERS
    ]
    return (
        '<nav class="na-toolbar" aria-label="Layers"><span class="na-toolbar-title">Layers</span>'
        + "".join(items)
        + '<button type="button" class="na-download" data-na-download>Download JSON</button></nav>'
    )


def _sources_panel(doc: Document, ov: Overview) -> str:
    def entry_html(entry: SourceEntry | None, atts: list[int]) -> str:
        if entry is None:
            head = '<span class="na-source-name">The article\'s own voice</span>'
            badge = '<span class="na-badge na-k-self">self</span>'
            extra = ""
        else:
            sub = f" · {_esc(entry.subtype)}" if entry.subtype else ""
            badge = f'<span class="na-badge na-k-{_esc(entry.kind)}">{_esc(entry.kind)}{sub}</span>'
            head = f'<span class="na-source-name">{_esc(entry.name)}</span>'
            bits = [f"{len(atts)} statement{'s' if len(atts) != 1 else ''}"]
            if entry.claims:
                bits.append(f"{len(entry.claims)} claim{'s' if len(entry.claims) != 1 else ''}")
            if entry.quantities:
                bits.append(f"{len(entry.quantities)} figure{'s' if len(entry.quantities) != 1 else ''}")
            extra = f'<span class="na-source-count">{" · ".join(bits)}</span>'
        items = []
        for i in atts:
            att = doc.attributions[i]
            cue = f'<span class="na-cue-word">{_esc(shorten(att.cue.text, 30))}</span> ' if att.cue else ""
            src = att.source
            if src is not None and src.refers_to is not None:  # a pronoun: say who it stands for
                cue = f'<span class="na-refers">{_esc(shorten(source_display(src), 60))}</span> ' + cue
            items.append(
                f'<li><button type="button" class="na-jump" data-target="a{i}">{cue}'
                f"{_esc(quoted(shorten(content_text(att), 150)))}</button></li>"
            )
        return (
            f'<li class="na-source" data-kind="{_esc(entry.kind if entry else "self")}">'
            f'<div class="na-source-head">{badge}{head}{extra}</div>'
            f'<ul class="na-claims-list">{"".join(items)}</ul></li>'
        )

    groups: list[str] = []
    extra_kinds = sorted({e.kind for e in ov.sources} - set(KIND_ORDER))  # only from hand-made or foreign JSON
    for kind in (*KIND_ORDER, *extra_kinds):
        entries = [e for e in ov.sources if e.kind == kind]
        if not entries:
            continue
        body = "".join(entry_html(e, e.attributions) for e in entries)
        groups.append(
            f'<h3 class="na-group"><span class="na-dot na-k-{_esc(kind)}"></span>{_esc(KIND_LABELS.get(kind, kind))}'
            f' <small>{len(entries)}</small></h3><ul class="na-sources">{body}</ul>'
        )
    if ov.article_voice:
        groups.append(
            '<h3 class="na-group"><span class="na-dot na-k-self"></span>No source given <small>'
            f'{len(ov.article_voice)}</small></h3><ul class="na-sources">{entry_html(None, ov.article_voice)}</ul>'
        )
    if not groups:
        groups.append('<p class="na-empty">No attributions were found.</p>')
    return f'<section class="na-panel na-panel-sources"><h2>Sources</h2>{"".join(groups)}</section>'


def _techniques_panel(doc: Document, ov: Overview) -> str:
    counts = dict(ov.techniques)
    order = list(PTC_TECHNIQUES) + [t for t in counts if t not in TECHNIQUES]
    labels = sorted(order, key=lambda t: (-counts.get(t, 0), order.index(t)))
    items = []
    for label in labels:
        info = technique_info(label)
        n = counts.get(label, 0)
        idx = _technique_index(label)
        cls = "na-legend-item" + ("" if n else " na-legend-zero")
        items.append(
            f'<li class="{cls}"><label title="{_esc(info.explanation)}">'
            f'<input type="checkbox" checked data-technique="{idx}">'
            f'<span class="na-swatch" style="background:{_esc(info.colour)}"></span>'
            f'<span class="na-legend-name">{_esc(info.name)}</span><span class="na-legend-n">{n}</span></label>'
            f'<div class="na-legend-why">{_esc(info.explanation)}</div></li>'
        )
    return (
        '<section class="na-panel na-panel-techniques"><h2>Persuasion techniques</h2>'
        f'<ul class="na-legend">{"".join(items)}</ul></section>'
    )


def _bar(parts: list[tuple[str, int, str]]) -> str:
    total = sum(n for _, n, _ in parts)
    if not total:
        return '<div class="na-bar na-bar-empty"></div>'
    segs = "".join(
        f'<span class="na-bar-seg {cls}" style="width:{100 * n / total:.2f}%" title="{_esc(label)}: {n}"></span>'
        for label, n, cls in parts
        if n
    )
    return f'<div class="na-bar">{segs}</div>'


def _summary_panel(doc: Document, ov: Overview) -> str:
    c = ov.claims_by_origin
    claim_parts = [
        ("named source", c["named"], "na-k-named"),
        ("vague source", c["vague"], "na-k-vague"),
        ("anonymous source", c["anonymous"], "na-k-anonymous"),
        ("author / outlet", c["self"] + c["article"], "na-k-self"),
        ("no source", c["none"], "na-k-none"),
    ]
    rows = "".join(
        f'<tr><td><span class="na-dot {cls}"></span>{_esc(label)}</td>'
        f"<td>{n}</td><td>{_pct(n, len(doc.claims))}</td></tr>"
        for label, n, cls in claim_parts
    )
    q_parts = [
        ("sourced", ov.quantities_total - ov.quantities_unsourced, "na-k-named"),
        ("unsourced", ov.quantities_unsourced, "na-k-none"),
    ]
    relay = " → ".join(_esc(r) for r in doc.relayed_from) if doc.relayed_from else "none"
    layer_rows = "".join(f"<tr><td>{_esc(k)}</td><td>{v}</td></tr>" for k, v in ov.layer_counts.items())
    extra = ""
    if doc.summary:
        pretty = json.dumps(doc.summary, ensure_ascii=False, indent=2, default=str)
        extra = f"<details><summary>Summary as computed by the pipeline</summary><pre>{_esc(pretty)}</pre></details>"
    return (
        '<section class="na-panel na-panel-summary"><h2>Sourcing profile</h2>'
        f"<h3>Claims by source <small>{len(doc.claims)}</small></h3>{_bar(claim_parts)}"
        f'<table class="na-mini">{rows}</table>'
        f"<h3>Figures <small>{ov.quantities_total}</small></h3>{_bar(q_parts)}"
        f'<p class="na-note">{ov.quantities_unsourced} of {ov.quantities_total} figures '
        f"({_pct(ov.quantities_unsourced, ov.quantities_total)}) have no source.</p>"
        f'<p class="na-note">Relay chain: {relay}</p>'
        f'<details><summary>Counts per layer</summary><table class="na-mini">{layer_rows}</table></details>'
        f"{extra}</section>"
    )


def _quantities_table(doc: Document, names: dict[int, str]) -> str:
    if not doc.quantities:
        body = '<p class="na-empty">No figures were found.</p>'
    else:
        rows = []
        for i, q in enumerate(doc.quantities):
            src = _source_label(doc, q.attribution, names)
            cls = ' class="na-row-unsourced"' if q.attribution is None else ""
            src_html = '<span class="na-flag">UNSOURCED</span>' if q.attribution is None else _esc(src)
            rows.append(
                f'<tr{cls} data-target="q{i}" tabindex="0"><td class="na-q-text">{_esc(shorten(q.span.text, 60))}</td>'
                f'<td class="na-num">{_esc(format_value(q.value))}</td><td>{_esc(q.unit or "")}</td>'
                f"<td>{_esc(q.per or '')}</td><td>{_esc(q.counts or '')}</td>"
                f"<td>{'≈' if q.approximate else ''}</td><td>{src_html}</td></tr>"
            )
        body = (
            '<table class="na-qtable"><thead><tr><th>Figure</th><th>Value</th><th>Unit</th><th>Per</th>'
            f"<th>Counts</th><th>≈</th><th>Source</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return f'<section class="na-panel na-panel-quantities"><h2>Figures</h2>{body}</section>'


def _safe_href(href: str | None) -> str | None:
    """Only same-site paths and http(s) URLs may become links."""
    if not href:
        return None
    if href.startswith("/") and not href.startswith("//"):
        return href
    return href if href.lower().startswith(("http://", "https://")) else None


def _claims_table(doc: Document, names: dict[int, str], claim_href: ClaimHref | None) -> str:
    if not doc.claims:
        return '<section class="na-panel na-panel-claims"><h2>Claims</h2><p class="na-empty">No claims.</p></section>'
    scored = any(c.checkworthy is not None for c in doc.claims)
    rows = []
    for i, c in enumerate(doc.claims):
        # an index outside the attributions (hand-made or foreign JSON) reads as unsourced, as in `_source_label`
        a = c.attribution if c.attribution is not None and 0 <= c.attribution < len(doc.attributions) else None
        src = doc.attributions[a].source if a is not None else None
        kind = src.kind if src else ("self" if a is not None else "none")
        if a is None:
            src_html = '<span class="na-flag">UNSOURCED</span>'
        else:  # the kind is escaped too: a Document loaded from JSON may carry any string there
            src_html = f'<span class="na-dot na-k-{_esc(kind)}"></span>{_esc(_source_label(doc, a, names))}'
        cells = [
            f'<td class="na-c-text">{_esc(shorten(c.span.text, 220))}</td>',
            f"<td>{src_html}</td>",
        ]
        if scored:
            cells.append(f'<td class="na-num">{"" if c.checkworthy is None else f"{c.checkworthy:.2f}"}</td>')
        if claim_href is not None:
            href = _safe_href(claim_href(i, c))
            link = f'<a href="{_esc(href)}" class="na-claim-link">matches →</a>' if href else ""
            cells.append(f"<td>{link}</td>")
        cls = ' class="na-row-unsourced"' if a is None else ""
        rows.append(f'<tr{cls} data-target="c{i}" tabindex="0">{"".join(cells)}</tr>')
    heads = ["Claim", "Source"] + (["Check-worthy"] if scored else []) + ([""] if claim_href is not None else [])
    head = "".join(f"<th>{_esc(h)}</th>" for h in heads)
    return (
        f'<section class="na-panel na-panel-claims"><h2>Claims <small>{len(doc.claims)}</small></h2>'
        f'<table class="na-qtable na-ctable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>"
    )


def _script_data(doc: Document, tips: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "tips": tips,
        "techniques": [
            {"label": label, "name": info.name, "explanation": info.explanation, "colour": info.colour}
            for label, info in ((lab, technique_info(lab)) for lab in PTC_TECHNIQUES)
        ],
        "document": doc.to_dict(),
    }


def render_fragment(doc: Document, *, claim_href: ClaimHref | None = None) -> str:
    """The report body (header, toolbar, highlighted text, panels) without <html>/<head>; needs ASSETS_CSS/JS."""
    # `claim_href(index, claim)` may return a link (a site path or http(s) URL) shown next to each claim.
    ov = overview(doc)
    names = _source_names(ov)
    marks, tips = _marks_and_tips(doc, names)
    return (
        '<div class="na-report" data-na-root>'
        + _header(doc, ov)
        + _toolbar(doc, ov)
        + '<div class="na-body"><main class="na-main">'
        + f'<article class="na-text" lang="en">{highlighted_text(doc, marks, tips)}</article>'
        + _quantities_table(doc, names)
        + _claims_table(doc, names, claim_href)
        + '</main><aside class="na-side">'
        + _sources_panel(doc, ov)
        + _summary_panel(doc, ov)
        + _techniques_panel(doc, ov)
        + "</aside></div>"
        + '<div class="na-tooltip" role="tooltip" hidden></div>'
        + f'<script type="application/json" class="na-data">{_json_for_script(_script_data(doc, tips))}</script>'
        + "</div>"
    )


def render(doc: Document, *, claim_href: ClaimHref | None = None) -> str:
    """One self-contained HTML page: inline CSS and JS, nothing loaded from the network, article text escaped."""
    # The CSP allows only our own script (by hash) and inline styles, and no network loads at all.
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src {ASSETS_JS_CSP_HASH}; img-src data:"
    title = display_title(doc)
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)} · newsaudit</title>"
        f"<style>{ASSETS_CSS}</style></head>"
        f'<body class="na-page">{render_fragment(doc, claim_href=claim_href)}'
        f"<script>{ASSETS_JS}</script></body></html>\n"
    )
