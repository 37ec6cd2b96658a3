"""The terminal summary (rich): relay chain, sources and what they claim, unsourced figures, counts, techniques."""

from __future__ import annotations

import unicodedata

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsaudit.document import Document
from newsaudit.outputs.overview import (
    KIND_ORDER,
    content_text,
    display_title,
    format_value,
    overview,
    quoted,
    shorten,
    source_display,
)
from newsaudit.outputs.techniques import technique_info
from newsaudit.unicode_text import replace_surrogates

KIND_STYLES = {"named": "bold blue", "vague": "bold dark_orange", "anonymous": "bold red", "self": "bold grey50"}

# Control characters in article text or metadata would reach the terminal raw (rich strips only a few, not ESC):
# "\x1b[2J" clears the screen, "\x1b]0;...\x07" retitles the window. Spacing ones become a space, others go.
_CONTROLS = {
    c: (" " if chr(c).isspace() else None)
    for c in (*range(0x20), *range(0x7F, 0xA0))
    if unicodedata.category(chr(c)) == "Cc" and chr(c) not in "\n\t"
}


def _clean(text: str) -> str:
    """Text from the article or its metadata, safe to print: no terminal control characters, no lone surrogates."""
    return replace_surrogates(text.translate(_CONTROLS))  # no terminal encoding can print a lone surrogate


def _header(doc: Document) -> Text:
    head = Text()
    head.append(_clean(display_title(doc)), style="bold")
    meta = [m for m in (doc.outlet, doc.author, doc.published, doc.url) if m]
    if meta:
        head.append("\n" + _clean(" · ".join(meta)), style="grey50")
    if doc.relayed_from:
        chain = " → ".join([*doc.relayed_from, doc.outlet or "this article"])
        head.append("\nRelayed: ", style="bold magenta")
        head.append(_clean(chain))
    return head


def render(doc: Document, console: Console) -> None:
    """Print a readable audit of `doc` to `console`."""
    ov = overview(doc)
    strip = Text()
    kinds = ", ".join(f"{ov.source_kinds[k]} {k}" for k in KIND_ORDER if ov.source_kinds[k])
    strip.append(f"{ov.sources_total} sources" + (f" ({kinds})" if kinds else ""))
    strip.append(" · ")
    strip.append(
        f"{ov.quantities_unsourced} of {ov.quantities_total} figures unsourced",
        style="bold red" if ov.quantities_unsourced else "",
    )
    strip.append(f" · {len(doc.claims)} claims · {len(doc.techniques)} technique spans")
    console.print(Panel(Group(_header(doc), strip), title="newsaudit", title_align="left", border_style="cyan"))

    if ov.sources or ov.article_voice:
        table = Table(title="Sources and what they claim", title_justify="left", show_lines=True, expand=True)
        table.add_column("Source", ratio=2, overflow="fold")
        table.add_column("Kind", min_width=20, no_wrap=True)
        table.add_column("Claims", ratio=5, overflow="fold")
        rows = [(e.name, e.kind, e.subtype, e.attributions) for e in ov.sources]
        if ov.article_voice:
            rows.append(("(no source: the article itself)", "self", None, ov.article_voice))
        for name, kind, subtype, atts in rows:
            said = Text()
            for n, i in enumerate(atts):
                att = doc.attributions[i]
                if n:
                    said.append("\n")
                if att.source is not None and att.source.refers_to is not None:  # a pronoun and who it stands for
                    said.append(_clean(shorten(source_display(att.source), 60)) + ": ", style="grey50")
                if att.cue:
                    said.append(_clean(shorten(att.cue.text, 30)) + " ", style="italic grey50")
                said.append(_clean(quoted(shorten(content_text(att), 140))))
            kind_text = Text(_clean(kind + (f" / {subtype}" if subtype else "")), style=KIND_STYLES.get(kind, ""))
            table.add_row(Text(_clean(name), style=KIND_STYLES.get(kind, "")), kind_text, said)
        console.print(table)
    else:
        console.print("No attributions were found.", style="grey50")

    unsourced = [q for q in doc.quantities if q.attribution is None]
    if unsourced:
        qt = Table(title="Unsourced figures", title_justify="left", expand=True)
        qt.add_column("Figure", overflow="fold")
        qt.add_column("Value", justify="right")
        qt.add_column("Unit")
        qt.add_column("Per")
        qt.add_column("Counts", overflow="fold")
        for q in unsourced:
            value = ("≈" if q.approximate else "") + format_value(q.value)
            cells = (shorten(q.span.text, 60), value, q.unit or "", q.per or "", q.counts or "")
            qt.add_row(*(Text(_clean(v)) for v in cells))
        console.print(qt)
    elif doc.quantities:
        console.print(f"All {len(doc.quantities)} figures have a source.", style="green")

    counts = Table(title="Counts per layer", title_justify="left")
    counts.add_column("Layer")
    counts.add_column("Count", justify="right")
    for layer, n in ov.layer_counts.items():
        counts.add_row(layer, str(n))
    origins = ov.claims_by_origin
    claims_line = ", ".join(
        f"{origins[k]} {label}"
        for k, label in (
            ("named", "named"),
            ("vague", "vague"),
            ("anonymous", "anonymous"),
            ("self", "self"),
            ("article", "article's voice"),
            ("none", "no source"),
        )
        if origins[k]
    )
    console.print(counts)
    console.print(Text("Claims by source: " + (claims_line or "none")))

    if ov.techniques:
        tt = Table(title="Top persuasion techniques", title_justify="left")
        tt.add_column("Technique")
        tt.add_column("Spans", justify="right")
        tt.add_column("Example", overflow="fold")
        for label, n in ov.techniques[:8]:
            example = next(t for t in doc.techniques if t.technique == label)
            name = _clean(technique_info(label).name)
            tt.add_row(Text(name), str(n), Text("“" + _clean(shorten(example.span.text, 70)) + "”"))
        console.print(tt)
