"""Training corpora read into one shape: PTC technique spans, PolNeAR role spans, ClaimBuster sentences."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from newsaudit.analysis.labels import ATTRIBUTION_ROLES, PTC_TECHNIQUES
from newsaudit.errors import InputError
from newsaudit.evaluation.runner import read_text


@dataclass
class TaggedText:
    """A text with gold spans: `techniques` as (technique index, start, end), `roles` as (role index, start, end)."""

    name: str
    text: str
    task: str  # "ptc" or "polnear"
    techniques: list[tuple[int, int, int]] = field(default_factory=list)
    roles: list[tuple[int, int, int]] = field(default_factory=list)
    gold_fragments: dict[str, list[tuple[tuple[int, int], ...]]] = field(default_factory=dict)  # PolNeAR, per role


def load_ptc(data_dir: Path) -> list[TaggedText]:
    """PTC train articles with their technique spans (labels-task-flc-tc)."""
    root = data_dir / "ptc" / "train"
    art_dir, lab_dir = root / "articles", root / "labels-task-flc-tc"
    if not art_dir.is_dir():
        raise InputError(f"no PTC articles under {art_dir}")
    index = {t: i for i, t in enumerate(PTC_TECHNIQUES)}
    out = []
    for path in sorted(art_dir.glob("article*.txt")):
        art_id = path.stem.removeprefix("article")
        spans = []
        label_path = lab_dir / f"article{art_id}.task-flc-tc.labels"
        if label_path.exists():
            for line in read_text(label_path).splitlines():
                parts = line.split("\t")
                if len(parts) == 4 and parts[1] in index:
                    spans.append((index[parts[1]], int(parts[2]), int(parts[3])))
        out.append(TaggedText(art_id, read_text(path), "ptc", techniques=spans))
    return out


def load_polnear(data_dir: Path, split: str) -> list[TaggedText]:
    """PolNeAR articles of `split` (train/dev), one annotator each, with Source/Cue/Content fragments."""
    from newsaudit.evaluation.brat import load_split

    out = []
    for art in load_split(data_dir / "polnear" / split):
        roles = []
        gold: dict[str, list[tuple[tuple[int, int], ...]]] = {r: [] for r in ATTRIBUTION_ROLES}
        for rel in art.relations:
            for r, role in enumerate(ATTRIBUTION_ROLES):
                for frags in rel.role(role):
                    roles.extend((r, s, e) for s, e in frags)
                    gold[role].append(tuple(frags))
        roles = sorted(set(roles), key=lambda x: (x[1], x[2]))
        out.append(TaggedText(art.name, art.text, "polnear", roles=roles, gold_fragments=gold))
    return out


@dataclass
class CheckworthySentence:
    """One ClaimBuster sentence with its binary label (1 = check-worthy factual sentence)."""

    id: str
    text: str
    label: int


def load_claimbuster(data_dir: Path) -> list[CheckworthySentence]:
    """ClaimBuster two-class `kfold_25ncs.csv`."""
    path = data_dir / "claimbuster" / "two_class" / "kfold_25ncs.csv"
    if not path.exists():
        raise InputError(f"no ClaimBuster file at {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return [CheckworthySentence(r["sentence_id"], r["text"], int(r["label"])) for r in csv.DictReader(fh)]
