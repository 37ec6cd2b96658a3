"""BRAT standoff (.ann) reading and writing for PolNeAR-style attribution relations (Source / Cue / Content).

Format (PolNeAR v1.0.0, BRAT standoff):
- ``T12<TAB>Source 10 20<TAB>text``: an entity; discontinuous spans are ``10 20;25 30`` (fragments may be given
  out of order; the text column joins the fragments with one space). Offsets are authoritative, the text column is
  only informative.
- ``E3<TAB>Attribution:T4 Source:T1 Cue:T2 Content:T3``: an event. The first argument is the trigger
  (``Attribution`` or ``Attribution-no-source``, an entity spanning the cue); any role may be missing, and a
  repeated role carries a numeric suffix (``Content2``).
- Anything else (``#`` notes, ``Discard``/``Discuss`` entities' events, continuation lines of span texts that
  contain a newline, malformed lines) is skipped with a warning, never an error.

Several annotators per article: `load_split` uses the first annotation file in sorted file-name order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsaudit.document import Attribution
from newsaudit.errors import InputError

log = logging.getLogger(__name__)

ROLES = ("Source", "Cue", "Content")
TRIGGERS = ("Attribution", "Attribution-no-source")

Fragments = tuple[tuple[int, int], ...]

_T_LINE = re.compile(r"^(T[0-9]+)\t(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)\t?(.*)$")
_E_LINE = re.compile(r"^(E[0-9]+)\t(.*)$")
_ROLE_SUFFIX = re.compile(r"\d+$")


@dataclass(frozen=True, slots=True)
class Entity:
    """A BRAT text-bound annotation: an id, a label and one or more [start, end) fragments."""

    id: str
    label: str
    fragments: Fragments
    text: str = ""

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)


@dataclass(frozen=True, slots=True)
class Relation:
    """One attribution relation: its roles, each a tuple of fragment tuples (a role may be empty or repeated)."""

    id: str
    label: str = "Attribution"
    source: tuple[Fragments, ...] = ()
    cue: tuple[Fragments, ...] = ()
    content: tuple[Fragments, ...] = ()

    def role(self, name: str) -> tuple[Fragments, ...]:
        """The spans of role `name` (Source, Cue or Content)."""
        return {"Source": self.source, "Cue": self.cue, "Content": self.content}[name]


@dataclass
class AnnFile:
    """A parsed .ann file: entities by id, the attribution relations, and the warnings about skipped lines."""

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Article:
    """One PolNeAR article: its text and the attribution relations of the annotator used."""

    name: str
    text: str
    annotator: str
    relations: list[Relation]
    annotators: tuple[str, ...] = ()


def _fragments(spec: str) -> Fragments:
    frags = []
    for part in spec.split(";"):
        start, end = (int(x) for x in part.split())
        if end < start:
            raise ValueError(f"fragment {start} {end} ends before it starts")
        frags.append((start, end))
    return tuple(frags)


def parse_ann(content: str, *, name: str = "<ann>", text: str | None = None) -> AnnFile:
    """Parse .ann text; odd lines are skipped and recorded in `warnings` (and logged once per file)."""
    # With `text`, entities whose fragments fall outside it are skipped too.
    ann = AnnFile()
    events: list[tuple[int, str, str]] = []
    for lineno, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        if m := _T_LINE.match(line):
            try:
                frags = _fragments(m.group(3))
            except ValueError as exc:
                ann.warnings.append(f"{name}:{lineno}: bad span ({exc})")
                continue
            if text is not None and any(e > len(text) for _, e in frags):
                ann.warnings.append(f"{name}:{lineno}: span beyond the end of the text")
                continue
            ann.entities[m.group(1)] = Entity(m.group(1), m.group(2), frags, m.group(4))
        elif m := _E_LINE.match(line):
            events.append((lineno, m.group(1), m.group(2)))
        else:
            ann.warnings.append(f"{name}:{lineno}: skipped a line that is not a T or E annotation")
    for lineno, eid, args in events:
        relation = _relation(ann, eid, args, f"{name}:{lineno}")
        if relation is not None:
            ann.relations.append(relation)
    if ann.warnings:
        log.warning("%s: skipped %d odd line(s); first: %s", name, len(ann.warnings), ann.warnings[0])
    return ann


def _relation(ann: AnnFile, eid: str, args: str, where: str) -> Relation | None:
    parts = args.split()
    if not parts or ":" not in parts[0]:
        ann.warnings.append(f"{where}: event {eid} has no trigger")
        return None
    label = parts[0].split(":", 1)[0]
    if label not in TRIGGERS:
        ann.warnings.append(f"{where}: event {eid} is a {label!r}, not an attribution")
        return None
    roles: dict[str, list[Fragments]] = {r: [] for r in ROLES}
    for part in parts[1:]:
        role, _, ref = part.partition(":")
        role = _ROLE_SUFFIX.sub("", role)
        if role not in roles:
            ann.warnings.append(f"{where}: event {eid} has an unknown role {role!r}")
            continue
        entity = ann.entities.get(ref)
        if entity is None:
            ann.warnings.append(f"{where}: event {eid} refers to a missing entity {ref!r}")
            continue
        roles[role].append(entity.fragments)
    return Relation(eid, label, tuple(roles["Source"]), tuple(roles["Cue"]), tuple(roles["Content"]))


def read_ann(path: Path, *, text: str | None = None) -> AnnFile:
    """Read and parse one .ann file (UTF-8)."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read annotation file {path}: {exc}") from exc
    return parse_ann(content, name=path.name, text=text)


def _span_text(text: str, frags: Fragments) -> str:
    # The text column is one line: newlines and tabs inside a span become spaces (offsets stay authoritative).
    return " ".join(text[s:e] for s, e in frags).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def format_ann(relations: Iterable[Relation], text: str) -> str:
    """Write relations as PolNeAR-style BRAT: T lines for each role span, a trigger T line, then the E line."""
    # The trigger spans the (first) cue, or else the content; the E label is `Attribution-no-source` when there
    # is no source, as in PolNeAR.
    lines: list[str] = []
    t = 0

    def entity(label: str, frags: Fragments) -> str:
        nonlocal t
        if not frags or any(not 0 <= s <= e <= len(text) for s, e in frags):
            raise ValueError(f"{label} span {frags} is outside a text of length {len(text)}")
        t += 1
        spec = ";".join(f"{s} {e}" for s, e in frags)
        lines.append(f"T{t}\t{label} {spec}\t{_span_text(text, frags)}")
        return f"T{t}"

    for e, rel in enumerate(relations, 1):
        args: list[str] = []
        for role in ROLES:
            for i, frags in enumerate(rel.role(role)):
                args.append(f"{role}{i + 1 if i else ''}:{entity(role, frags)}")
        anchor = rel.cue[0] if rel.cue else rel.content[0] if rel.content else rel.source[0] if rel.source else None
        if anchor is None:
            continue
        label = "Attribution" if rel.source else "Attribution-no-source"
        trigger = entity(label, anchor)
        lines.append(f"E{e}\t{label}:{trigger} " + " ".join(args))
    return "".join(line + "\n" for line in lines)


def relations_from_document(attributions: Sequence[Attribution]) -> list[Relation]:
    """The document layer's attributions as BRAT relations (one fragment per role; a resumed quote adds one)."""
    out = []
    for i, a in enumerate(attributions, 1):
        source = ((a.source.span.start, a.source.span.end),) if a.source else None
        cue = ((a.cue.start, a.cue.end),) if a.cue else None
        content = tuple((c.start, c.end) for c in a.content_spans)
        out.append(
            Relation(
                f"E{i}",
                "Attribution" if source else "Attribution-no-source",
                (source,) if source else (),
                (cue,) if cue else (),
                (content,),
            )
        )
    return out


def split_name(ann_path: Path) -> tuple[str, str]:
    """`<article>_<annotator>.ann` -> (article, annotator); article names contain underscores themselves."""
    article, _, annotator = ann_path.stem.rpartition("_")
    return (article, annotator) if article else (ann_path.stem, "")


def load_split(folder: Path) -> list[Article]:
    """Load a PolNeAR split folder (`text/*.txt`, `attributions/<article>_<annotator>.ann`)."""
    # Articles with several annotators use the first .ann in sorted file-name order (deterministic; the others
    # are listed in `Article.annotators`). Articles without any .ann are left out (they were not annotated).
    text_dir, ann_dir = folder / "text", folder / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(f"{folder} is not a PolNeAR split folder (needs text/ and attributions/)")
    by_article: dict[str, list[Path]] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        by_article.setdefault(split_name(path)[0], []).append(path)
    articles = []
    for name, paths in sorted(by_article.items()):
        text_path = text_dir / f"{name}.txt"
        if not text_path.is_file():
            log.warning("%s: no text file for annotation %s; skipped", folder, paths[0].name)
            continue
        try:
            with text_path.open(encoding="utf-8", newline="") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read article {text_path}: {exc}") from exc
        ann = read_ann(paths[0], text=text)
        annotators = tuple(split_name(p)[1] for p in paths)
        articles.append(Article(name, text, annotators[0], ann.relations, annotators))
    return articles
