"""Rule-based attribution: source / cue / content spans from reporting verbs and phrases, typed sources, relay chain.

Patterns, per sentence (content never crosses a paragraph):
- "According to X, CONTENT." / "CONTENT, according to X." / "..., which according to X, CONTENT."
- "X said (that) CONTENT." / "X told reporters that CONTENT." / "X added: CONTENT"
- "CONTENT," X said. / "CONTENT," said X.   (a quote may start in an earlier sentence of the paragraph)
- "There are reports stating that CONTENT" (participle cues: saying, stating, claiming ...)
A leading "X reports:" or "According to X:" line relays the whole article (`relay_chain`); it is not an attribution.
"""

from __future__ import annotations

import re

from newsaudit.analysis import lexicons as lx
from newsaudit.document import Attribution, Document, Sentence, Source, SourceKind, SourceSubtype, Span

_Q_OPEN = '“"‘«'
_Q_CLOSE = '”"’»'

_CUE_FORMS = sorted({f for forms in lx.CUE_VERBS.values() for f in forms}, key=len, reverse=True)
_MODS = "|".join(lx.CUE_MODIFIERS)
_CUE = re.compile(
    r"(?<![\w-])(?:(?:" + _MODS + r")\s+){0,3}(?:" + "|".join(re.escape(f) for f in _CUE_FORMS) + r")(?![\w-])"
    r"(?:\s+(?:in|on)\s+(?:a|an|its|his|her|their)\s+(?:\w+\s+)?(?:statement|interview|tweet|post|letter|email|"
    r"speech|report|release|briefing)(?![\w-]))?",
)
_ACCORDING = re.compile(r"(?<![\w-])according\s+to(?![\w-])", re.IGNORECASE)
# The bare cue word at the end of a cue match (after the modifiers).
_CUE_WORD = re.compile(r"(?:" + "|".join(re.escape(f) for f in _CUE_FORMS) + r")(?![\w-])")

# Relay line: "X reports:" / "X reported:" / "According to X:" / "As X reports:" / "X writes:" alone on a line.
_RELAY_CUE = re.compile(r"\b(?:reports?|reported|writes?|wrote|says|said|informs?|notes?|states?)\s*:\s*$", re.I)
_RELAY_ACCORDING = re.compile(
    r"^\s*(?:according\s+to|via|as)\s+(?P<src>.{2,80}?)(?:\s+(?:reports?|reported|writes|wrote|says|said))?\s*[:,]\s*$",
    re.I,
)

# Words that open a clause; the source is to their right.
_CLAUSE_WORDS = frozenset(
    [
        "that",
        "but",
        "and",
        "because",
        "while",
        "although",
        "as",
        "if",
        "when",
        "where",
        "so",
        "after",
        "before",
        "since",
        "though",
        "than",
        "whether",
        "or",
        "yet",
        "however",
        "also",
    ]
)
_LEADING_JUNK = re.compile(
    r"(?:(?:but|and|so|yet|still|however|meanwhile|now|also|then|even|indeed|instead|moreover|furthermore|"
    r"there(?:'s|’s| is| are| were| was| have been| has been)|it's|it’s)\b[\s,]*)+",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\([^()]*\)|[\w’'.&/-]+|[^\s\w]")
# After an inverted cue ("said Sen. X (D-Ill.) in an interview"), the source stops at these.
_SOURCE_STOP = re.compile(
    r",|;|:|—|–|\s(?:in|on|at|during|to|when|while|after|before|as|from|last|this|earlier|later|on|who|which|"
    r"yesterday|today|tonight|adding|noting|according)\b|[.!?](?=\s*$)",
    re.IGNORECASE,
)
_TRIVIAL_REST = re.compile(
    r"^(?:\s*,?\s*(?:on|in|at|during|to|from|last|this|earlier|later|late|yesterday|today|tonight|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|reporters|journalists|a|an|the|his|her|their|its|statement|"
    r"interview|news|conference|briefing|week|month|year|night|morning|afternoon|evening|[A-Z][\w’'.-]*)\b){0,8}"
    r"\s*[.!?]?\s*$"
)
_TOLD_OBJECT = re.compile(r"^\s*(?:[\w’'.-]+\s+){1,6}?(?=that\b)", re.IGNORECASE)
_BEFORE_THAT = re.compile(r"^\s*(?:[\w’'.-]+,?\s+){1,5}?(?=that\b)")
_BAD_SOURCE_END = frozenset(
    [
        "is",
        "was",
        "be",
        "been",
        "are",
        "were",
        "it",
        "to",
        "not",
        "would",
        "will",
        "could",
        "can",
        "of",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "from",
        "as",
        "and",
        "or",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "this",
        "that",
        "these",
        "those",
        "very",
        "than",
        "several",
        "many",
        "some",
        "numerous",
        "few",
        "various",
        "multiple",
        "recent",
        "new",
        "unconfirmed",
        "earlier",
        "initial",
        "media",
        "news",
        "press",
        "local",
        "official",
        "conflicting",
        "no",
    ]
)
_APPOSITIVE = re.compile(r"^(?P<np>[^,;:“”\"]{2,80},\s+(?:a|an|the|who|whose|[a-z][\w’'-]*)\b[^,;:“”\"]{2,100}),$")
_SHORT_NAME_REST = re.compile(r"^\s+(?:(?:[A-Z][\w’'.-]*|of|the|\([^)]*\))\s*){1,7}(?:[,.;]|\s+(?:in|on|at)\b|$)")
_VERBISH = frozenset(["is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did"])
_WORD = re.compile(r"[\w’'-]+")
_CAPITALISED = re.compile(r"(?<![\w’'-])[A-Z][\w’'&.-]*")
_DESCRIPTOR = re.compile(
    r"^(?P<desc>(?:the\s+)?(?:[\w’'-]+\s+){0,4}?(?:"
    + "|".join(sorted(lx.OUTLET_WORDS, key=len, reverse=True))
    + r"))\s+(?P<name>(?:the\s+|The\s+)?[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*)*)$",
)


def relay_chain(doc: Document) -> list[str]:
    """Outlets the whole article is relayed from, outermost first ("New Eastern Outlook reports:" at the top)."""
    chain: list[str] = []
    for index, para in enumerate(doc.paragraphs[:6]):
        line = para.text
        if len(line) > 120:
            break
        name = _relay_source(line)
        if name:
            chain.append(name)
        elif chain or (index >= 3 and doc.paragraphs[index].text.endswith((".", "?", "!"))):
            break
    return chain


def _relay_source(line: str) -> str | None:
    if not line.rstrip().endswith((":", ",")):
        return None
    m = _RELAY_ACCORDING.match(line)
    if m:
        return m.group("src").strip() or None
    cue = _RELAY_CUE.search(line)
    if not cue:
        return None
    src = line[: cue.start()].strip(" ,")
    if not src or len(src.split()) > 8 or not src[0].isupper():
        return None
    return src


def find_attributions(doc: Document) -> list[Attribution]:
    """Source / cue / content relations found by cue-word rules, in text order, never overlapping."""
    text = doc.text
    relay_paras = set()
    for i, para in enumerate(doc.paragraphs[:6]):
        if doc.relayed_from and _relay_source(para.text):
            relay_paras.add(i)
    paragraphs = doc.paragraphs
    out: list[Attribution] = []
    taken: list[tuple[int, int]] = []
    for sent in doc.sentences:
        if sent.paragraph in relay_paras:
            continue
        para = paragraphs[sent.paragraph] if sent.paragraph < len(paragraphs) else Span.of(text, sent.start, sent.end)
        for att in _sentence_attributions(text, sent, para, doc.outlet):
            spans = [s for s in (att.content, att.cue, att.source.span if att.source else None) if s]
            if any(s.start < e and b < s.end for s in spans for b, e in taken):
                continue
            taken.extend((s.start, s.end) for s in spans)
            out.append(att)
    out.sort(key=lambda a: min(s.start for s in (a.content, a.cue) if s))
    return _resolve_pronouns(out)


def _resolve_pronouns(atts: list[Attribution]) -> list[Attribution]:
    """Give pronoun sources ("he said") the kind of the nearest earlier source that fits."""
    resolved: list[Attribution] = []
    for att in atts:
        src = att.source
        if src is not None and src.span.text.lower() in lx.PERSONAL_PRONOUNS | lx.OTHER_PRONOUNS:
            word = src.span.text.lower()
            for prev in reversed(resolved):
                ps = prev.source
                if ps is None or ps.span.text.lower() in lx.PERSONAL_PRONOUNS | lx.OTHER_PRONOUNS:
                    continue
                if word in lx.PERSONAL_PRONOUNS and ps.subtype != "person":
                    continue
                if word == "it" and ps.subtype not in ("organisation", "outlet", "other"):
                    continue
                src = Source(src.span, ps.kind, ps.subtype)
                break
            att = Attribution(att.content, src, att.cue, att.confidence, att.origin)
        resolved.append(att)
    return resolved


def _trimmed(text: str, start: int, end: int, strip: str = " \t\n,;:") -> tuple[int, int]:
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end


def _content_end(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim content: surrounding spaces and commas, and a final period outside quotes."""
    start, end = _trimmed(text, start, end)
    if end > start and text[end - 1] == ".":
        end -= 1  # a sentence-final period is not part of the content ("?" and "!" are)
    start, end = _trimmed(text, start, end)
    return start, end


def _sentence_attributions(text: str, sent: Sentence, para: Span, outlet: str | None) -> list[Attribution]:
    s0, s1 = sent.start, sent.end
    stext = text[s0:s1]
    found: list[Attribution] = []
    for m in _ACCORDING.finditer(stext):
        att = _according(text, s0, s1, s0 + m.start(), s0 + m.end(), para, outlet)
        if att:
            found.append(att)
    for m in _CUE.finditer(stext):
        c0, c1 = s0 + m.start(), s0 + m.end()
        if any(a.cue and a.cue.start <= c0 < a.cue.end for a in found):
            continue
        att = _verb_cue(text, s0, s1, c0, c1, para, outlet)
        if att:
            found.append(att)
    return found


def _according(text: str, s0: int, s1: int, c0: int, c1: int, para: Span, outlet: str | None) -> Attribution | None:
    """'According to X, CONTENT' at the start, '..., which according to X, CONTENT' or 'CONTENT, according to X.'"""
    after = text[c1:s1]
    comma = after.find(",")
    before = text[s0:c0]
    if comma >= 0 and len(after) - comma > 15:
        src_end = c1 + comma
        content = _content_end(text, src_end + 1, s1)
    else:
        stop = _SOURCE_STOP.search(after)
        src_end = c1 + (stop.start() if stop else len(after))
        content = _content_end(text, s0, c0)
        if content[1] - content[0] < 3:
            return None
    source = _make_source(text, c1, src_end, outlet)
    if source is None or content[1] <= content[0]:
        return None
    if before.strip() and comma >= 0 and len(after) - comma > 15 and re.search(r"\bwhich\s*$", before):
        pass  # "..., which according to X, are leaving": the content is what follows, as set above
    return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))


def _verb_cue(text: str, s0: int, s1: int, c0: int, c1: int, para: Span, outlet: str | None) -> Attribution | None:
    cue_word = _CUE_WORD.search(text, c0, c1).group(0)
    if _inside_quote(text, para.start, c0):
        return None
    if (
        cue_word == "asked"
        and not re.match(r"\s*(?:[“\"]|whether|if|why|how|what|who|when|where|about|:)", text[c1:s1])
        and not text[s0:c0].rstrip().endswith(tuple(',”"’'))
    ):
        return None
    # the cue word itself, without its auxiliaries, decides the pattern; auxiliaries stay in the cue span
    prefix = text[s0:c0]
    prefix_stripped = prefix.rstrip()
    rest = text[c1:s1]
    inverted = bool(prefix_stripped) and prefix_stripped[-1] in ',”"’—–' and cue_word in lx.INVERTIBLE
    if inverted and prefix_stripped[-1] == "," and prefix_stripped[-2:-1] not in _Q_CLOSE:
        # "X, a maritime engineer, said the wall ..." is an appositive source, not an inverted quote
        appo = _APPOSITIVE.match(prefix_stripped)
        if appo and not _SHORT_NAME_REST.match(rest):
            a, b = _trimmed(text, s0 + appo.start("np"), s0 + appo.end("np"))
            lead = _LEADING_JUNK.match(text, a, b)
            a = lead.end() if lead else a
            first_np = text[a:b].split(",")[0]
            kind, subtype = classify_source(first_np, outlet=outlet)
            source = Source(Span.of(text, a, b), kind, subtype)
            m_that = _BEFORE_THAT.match(rest)
            content = _content_end(text, c1 + (m_that.end() if m_that else 0), s1)
            if content[1] - content[0] >= 2:
                return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))
            return None
    if inverted:
        # '"CONTENT," said X.'  -> source after the cue, content before
        stop = _SOURCE_STOP.search(rest)
        src_end = c1 + (stop.start() if stop else len(rest))
        source = _make_source(text, c1, src_end, outlet)
        content = _content_before(text, s0, s0 + len(prefix_stripped), para)
        if source is None or content is None:
            return None
        return Attribution(content=content, source=source, cue=Span.of(text, c0, c1))
    src = _source_left(text, s0, c0)
    if src is None:
        return None
    src0, src1 = src
    if cue_word in lx.EVIDENCE_CUES:
        head = text[src0:src1].lower().split()[-1:] if src1 > src0 else []
        if not head or head[0] not in lx.EVIDENCE_HEADS:
            return None
    if cue_word.endswith("ing") and not re.search(r"\w\s*$", text[s0:src0] or "x") and src0 == s0:
        pass
    source = _make_source(text, src0, src1, outlet)
    if source is None:
        return None
    before_src = text[s0:src0].rstrip()
    rest_after = rest
    content: tuple[int, int] | None = None
    if cue_word in ("told", "tell", "tells", "telling"):
        obj = _TOLD_OBJECT.match(rest)
        if obj:
            rest_after = rest[obj.end() :]
    elif m_that := _BEFORE_THAT.match(rest):
        rest_after = rest[m_that.end() :]
    content_after_start = c1 + (len(rest) - len(rest_after))
    substantive = not _TRIVIAL_REST.match(rest_after) or re.match(r"\s*(?:that\b|:|[“\"])", rest_after)
    if before_src and before_src[-1] in ',”"’—–' and not re.match(r"\s*(?:that\b|:)", rest_after):
        span = _content_before(text, s0, s0 + len(before_src), para)
        if span is not None:
            return Attribution(content=span, source=source, cue=Span.of(text, c0, c1))
    if substantive:
        content = _content_end(text, content_after_start, s1)
        if content[1] - content[0] < 2 or (cue_word in ("told", "tell", "tells") and rest_after is rest):
            return None
        return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))
    return None


def _inside_quote(text: str, p0: int, pos: int) -> bool:
    """True when `pos` lies inside an open quotation of the paragraph starting at `p0`."""
    seg = text[p0:pos]
    if seg.count("“") > seg.count("”"):
        return True
    return seg.count('"') % 2 == 1


def _content_before(text: str, s0: int, end: int, para: Span) -> Span | None:
    """Content that precedes its cue: a quote (which may open in an earlier sentence of the paragraph) or a clause."""
    start = s0
    seg = text[s0:end]
    inner = seg[:-1].rstrip() if seg.endswith(",") else seg
    if (inner and inner[-1] in _Q_CLOSE) or seg.rstrip(",").endswith(tuple(_Q_CLOSE)):
        close = s0 + len(inner) - 1
        opening = -1
        for q in _Q_OPEN:
            opening = max(opening, text.rfind(q, para.start, close))
        if opening >= para.start:
            start = opening
        return Span.of(text, start, end if text[end - 1] != "," or text[end - 2] in _Q_CLOSE else end - 1)
    s, e = _trimmed(text, start, end)
    if e - s < 3:
        return None
    return Span.of(text, s, e)


def _source_left(text: str, s0: int, c0: int) -> tuple[int, int] | None:
    """The noun phrase just left of a cue: back to the nearest clause boundary, without leading connectives."""
    seg = text[s0:c0]
    stripped = seg.rstrip()
    if not stripped:
        return None
    if stripped[-1] in ',;:—–“”"’(':
        return None
    tokens = list(_TOKEN.finditer(seg))
    start_tok = len(tokens)
    n_words = 0
    while start_tok > 0:
        tok = tokens[start_tok - 1].group(0)
        low = tok.lower()
        if tok in ',;:—–“”"‘«»' or (tok == "’" and start_tok == len(tokens)):
            break
        if low in _CLAUSE_WORDS and start_tok != len(tokens):
            break
        if low in _CLAUSE_WORDS:
            return None
        start_tok -= 1
        n_words += 1
        if n_words > 14:
            return None
    if start_tok == len(tokens):
        return None
    a = s0 + tokens[start_tok].start()
    b = s0 + len(stripped)
    m = _LEADING_JUNK.match(text, a, b)
    if m:
        a = m.end()
    a, b = _trimmed(text, a, b)
    if b <= a:
        return None
    words = text[a:b].lower().split()
    first, last = words[0], words[-1]
    if last in _BAD_SOURCE_END or last.endswith("ly") or last.endswith("n't") or last.endswith("n’t"):
        return None
    if len(words) == 1 and first in _DETERMINERS:
        return None
    clause = ("who", "which", "that", "whose")
    if any(w in _VERBISH for w in words) and not any(w in clause for w in words):
        return None
    if first in ("it", "this") and len(text[a:b].split()) == 1 and text[c0:].lower().startswith(("said", "says")):
        return None
    return a, b


def _make_source(text: str, start: int, end: int, outlet: str | None) -> Source | None:
    """Trim and type a source span; a descriptor such as "the British newspaper" is kept off the span."""
    start, end = _trimmed(text, start, end, " \t\n,;:")
    if end > start and text[end - 1] == "." and not re.search(r"(?:\b[A-Z][a-z]{0,3}|\))\.$", text[start:end]):
        end -= 1
    if end > start and text[end - 1] == "." and text[end - 2 : end] == ")." and end - 2 > start:
        end -= 1
    start, end = _trimmed(text, start, end)
    if end <= start or len(text[start:end]) > 160:
        return None
    phrase = text[start:end]
    kind, subtype = classify_source(phrase, outlet=outlet)
    m = _DESCRIPTOR.match(phrase)
    if m and kind == "named":
        name_start = start + m.start("name")
        return Source(Span.of(text, name_start, end), kind, subtype)
    return Source(Span.of(text, start, end), kind, subtype)


def _words(phrase: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(phrase)]


def classify_source(text: str, *, outlet: str | None = None) -> tuple[SourceKind, SourceSubtype | None]:
    """Type a source phrase: named (outlet/person/organisation/other), vague, anonymous or self."""
    phrase = " ".join(text.split())
    low = phrase.lower().strip(" .,")
    words = _words(low)
    if not words:
        return "vague", None
    if low in lx.SELF_SOURCES or (outlet and low.removeprefix("the ") == outlet.lower().removeprefix("the ")):
        return "self", "outlet" if low not in ("we", "the author", "the writer") else None
    if low in lx.PERSONAL_PRONOUNS:
        return "named", "person"
    if low in lx.OTHER_PRONOUNS:
        return ("vague", None) if low in ("they", "them") else ("named", "other")
    # proper-name tokens, not counting the first word's capital or determiners
    caps = [m.group(0) for m in _CAPITALISED.finditer(phrase)]
    if caps and phrase.split()[0] == caps[0] and caps[0].lower() in _DETERMINERS:
        caps = caps[1:]
    has_name = any(c.lower().strip(".") not in lx.PERSON_TITLES and c.lower() not in _DETERMINERS for c in caps)
    head_part = re.split(r"\b(?:close to|familiar with|of|at|in|from|who|with|for)\b", low, maxsplit=1)[0]
    head_words = _words(head_part) or words
    head = head_words[-1]
    if any(marker in low for marker in lx.ANONYMOUS_MARKERS):
        return "anonymous", None
    if head in lx.ANONYMOUS_HEADS and not _has_name(head_part, phrase):
        return "anonymous", None
    for q in lx.VAGUE_QUANTIFIERS:
        if low.startswith(q + " ") or low == q:
            return "vague", None
    if low in ("some", "many", "others", "critics", "observers", "experts", "analysts") or (
        head in lx.VAGUE_HEADS and not has_name
    ):
        return "vague", None
    if has_name:
        return "named", _named_subtype(words, caps)
    if words[0] in ("the", "this", "that", "its", "his", "her", "their"):
        sub = _named_subtype(words, caps)
        return "named", sub
    if words[0] in ("a", "an", "one", "another"):
        return "anonymous", None
    return "named", _named_subtype(words, caps)


_DETERMINERS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "one", "another"]
)


def _has_name(head_part: str, phrase: str) -> bool:
    """True when the part of the phrase before "close to / at / of" carries a proper name ("Pentagon officials")."""
    n = len(head_part.split())
    caps = [w for w in phrase.split()[:n][1:] if w[:1].isupper()]
    return bool(caps) and not all(c.lower().strip(".,") in lx.PERSON_TITLES for c in caps)


def _named_subtype(words: list[str], caps: list[str]) -> SourceSubtype:
    wordset = set(words)
    if wordset & lx.OUTLET_WORDS:
        return "outlet"
    last = words[-1]
    if wordset & lx.PERSON_TITLES and caps and caps[-1].lower() == last and last not in lx.ORGANISATION_WORDS:
        return "person"
    if wordset & lx.ORGANISATION_WORDS:
        return "organisation"
    if wordset & lx.PERSON_TITLES:
        return "person"
    names = [c for c in caps if c[:1].isupper() and c.lower() not in _DETERMINERS]
    if 1 <= len(names) <= 4 and len(words) <= 5 and all(len(c) > 1 for c in names):
        return "person" if len(names) >= 2 or len(words) == 1 else "other"
    return "other"
