"""The sourcing profile: claims and attributions by source kind, unsourced quantities, relay chain, techniques."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from newsaudit.document import Document

KINDS = ("named", "vague", "anonymous", "self", "none")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def summarise(doc: Document) -> dict[str, Any]:
    """Counts that describe how the article sources what it says."""

    def kind_of(index: int | None) -> str:
        if index is None or not 0 <= index < len(doc.attributions):
            return "none"
        src = doc.attributions[index].source
        return src.kind if src else "none"

    claims_by_kind = Counter({k: 0 for k in KINDS})
    claims_by_kind.update(kind_of(c.attribution) for c in doc.claims)
    atts_by_kind = Counter({k: 0 for k in KINDS})
    atts_by_kind.update(a.source.kind if a.source else "none" for a in doc.attributions)
    subtypes = Counter(a.source.subtype for a in doc.attributions if a.source and a.source.kind == "named")
    n_q = len(doc.quantities)
    unsourced = sum(1 for q in doc.quantities if q.attribution is None)
    techniques = Counter(t.technique for t in doc.techniques)
    sourced_claims = sum(v for k, v in claims_by_kind.items() if k != "none")
    return {
        "words": len(_WORD.findall(doc.text)),
        "sentences": len(doc.sentences),
        "paragraphs": len(doc.paragraphs),
        "relayed_from": list(doc.relayed_from),
        "claims": len(doc.claims),
        "claims_by_source_kind": dict(claims_by_kind),
        "sourced_claims_share": round(sourced_claims / len(doc.claims), 4) if doc.claims else None,
        "attributions": len(doc.attributions),
        "attributions_by_source_kind": dict(atts_by_kind),
        "named_sources_by_subtype": {k: subtypes[k] for k in sorted(subtypes, key=str) if k},
        "quantities": n_q,
        "unsourced_quantities": unsourced,
        "unsourced_quantity_share": round(unsourced / n_q, 4) if n_q else None,
        "techniques": dict(sorted(techniques.items())),
    }
