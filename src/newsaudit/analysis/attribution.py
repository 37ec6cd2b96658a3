"""Rule-based attribution: source / cue / content spans from reporting verbs and phrases, typed sources, relay chain.

Patterns, per sentence (content never crosses a paragraph; cues inside a quotation are skipped):
- "According to X, CONTENT." / "CONTENT, according to X." / "..., which according to X, CONTENT."
- "X said (on Monday) (that) CONTENT." / "X told reporters (that) CONTENT." / "X added: CONTENT" / "X Says ..." (titles)
- "CONTENT," X said. / "CONTENT," said X, an appositive / said X, who ...   (a quote may open in an earlier sentence
  of the paragraph; a partial quote takes its sentence's words before it: 'He was a "kind man," she said')
- "X, a professor at Y, said CONTENT." / "X, who chairs Y, said CONTENT." (both belong to the source)
- "X did something, saying CONTENT" / "X ... and said CONTENT" (the source is the sentence's earlier source or subject)
- "There are reports stating that CONTENT" (participle cues after a noun phrase)
- "Asked whether CONTENT, ..." / "X was asked about CONTENT" / "X seems to CONTENT" / "X is expected to CONTENT" /
  "X is widely seen as CONTENT" / "X was said to CONTENT":
  no source (the asker is not named; a stance nobody holds by name); X, unless inside a reported clause, is the
  content's first fragment and the infinitive its second
- A quotation that opens after the cue and closes in a later sentence of the paragraph is one content.
- "A, she said, b": the content is A, with b as its `continuation` (PolNeAR: one content, two fragments); a lead of
  one or two words is such an A too ("Instead, she said, b").
- Last, over the rules' and the model's relations (`settle_spans`): a source loses a leading "what", a preposition
  opening the content joins the cue ("called on"), a relative pronoun before the source is the content's first
  fragment ("which | he says | will fail"), a model content ends before a trailing adjunct (", drawing boos"), and a
  quotation resumed after its attribution ('"A," she said. "B."') is the content's `continuation`.
Auxiliaries, negation, adverbs and "went on to" / "declined to" join the cue ("are openly complaining", "wouldn't
say"); passives ("he was told") give no attribution.
Pronoun sources are typed by their antecedent (`resolve_pronouns`).
`attribution_at_cue` runs the verb patterns at a cue found by the role tagger, so model cues get rule boundaries.
A leading "X reports:" or "According to X:" line relays the whole article (`relay_chain`); it is not an attribution.
Tuned on PolNeAR train only; `newsaudit eval polnear` scores it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from newsaudit.analysis import lexicons as lx
from newsaudit.analysis.segment import TITLE_ABBREVIATIONS
from newsaudit.analysis.span_index import SpanIndex
from newsaudit.document import Attribution, Document, Sentence, Source, SourceKind, SourceSubtype, Span

_Q_OPEN = '“"‘«'
_Q_CLOSE = '”"’»'

_CUE_FORMS = sorted({f for forms in lx.CUE_VERBS.values() for f in forms}, key=len, reverse=True)
_MODS = "|".join(lx.CUE_MODIFIERS)
_CUE = re.compile(
    r"(?<![\w-])(?:(?:" + _MODS + r")\s+){0,3}(?:" + "|".join(re.escape(f) for f in _CUE_FORMS) + r")(?![\w-])"
)
# Particles that belong to cues ("warned of", "called out"; "about" and "for" after any cue), and a colon ("said:").
_PARTICLES = {
    "of": ("warned", "warns", "warning", "think", "thinks"),
    "about": ("complained", "complains", "complaining", "doubts"),
    "for": ("called", "calls", "calling", "hopes", "hoped"),
    "out": ("called", "calling"),
}
_PARTICLE = re.compile(r"\s+(of|about|for|out)(?![\w-])")
_ACCORDING = re.compile(r"(?<![\w-])according\s+to(?![\w-])", re.IGNORECASE)
_CUE_FORM_SET = frozenset(_CUE_FORMS)
_CUE_STARTERS = frozenset([f.split()[0] for f in _CUE_FORMS] + list(lx.CUE_MODIFIERS))
_WORD_START = re.compile(r"(?<![\w-])[A-Za-z]+")
_TITLE_CUES = frozenset(["Says", "Said", "Tells", "Told", "Warns", "Claims", "Admits", "Insists", "Denies", "Confirms"])
_TITLE_BEFORE = re.compile(r"[A-Z][\w’'.-]*\s+$")
# The bare cue word at the end of a cue match (after the modifiers).
_CUE_WORD = re.compile(r"(?:" + "|".join(re.escape(f) for f in _CUE_FORMS) + r")(?![\w-])", re.IGNORECASE)

# Relay line: "X reports:" / "X reported:" / "According to X:" / "As X reports:" / "X writes:" alone on a line.
_RELAY_CUE = re.compile(
    r"\b(?:reports?|reported|writes?|wrote|informs?)(?:,?\s+(?:citing|quoting|via)\s+[^:]{2,80})?\s*:\s*$", re.I
)
_RELAY_CITED = re.compile(r"(?:citing|quoting|via)\s+([^:]{2,80}?)\s*:\s*$", re.I)
_RELAY_CITING = re.compile(r",?\s+(?:reports?|reported|writes|wrote)?,?\s*(?:citing|quoting|via)\s+", re.I)
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
    r"(?:(?:but|and|so|yet|still|however|meanwhile|now|also|then|even|indeed|instead|moreover|furthermore|as|like|"
    r"there(?:'s|’s| is| are| were| was| have been| has been)|it's|it’s)\b[\s,]*)+",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\([^()]*\)|[\w’'.&/-]+|[^\s\w]")
# After an inverted cue ("said Sen. X (D-Ill.) in an interview"), the source stops at these.
_SOURCE_STOP = re.compile(
    r",|;|:|—|–|\s(?:in|on|at|during|to|when|while|after|before|as|last|this|earlier|later|on|who|which|that|"
    r"yesterday|today|tonight|adding|noting|according)\b|[.!?](?=\s*$)",
    re.IGNORECASE,
)
_WEEKDAYS = "|".join(lx.WEEKDAYS)  # for the time patterns below
_TRIVIAL_REST = re.compile(
    r"^(?:\s*,?\s*(?:on|in|at|during|to|from|last|this|earlier|later|late|yesterday|today|tonight|" + _WEEKDAYS + "|"
    r"reporters|journalists|a|an|the|his|her|their|its|statement|"
    r"interview|news|conference|briefing|week|month|year|night|morning|afternoon|evening|[A-Z][\w’'.-]*)\b){0,8}"
    r"\s*[.!?]?\s*$"
)
_TOLD_OBJECT = re.compile(r"^\s*(?:[\w’'.,-]+\s+){1,8}?(?=that\b)", re.IGNORECASE)
# A question put to someone the sentence names elsewhere or not at all: "Asked whether ...", "when asked about ...",
# "X was asked about ..." (the asker is not named, so no source).
_NAMED_THINGS = frozenset(
    [
        "program",
        "company",
        "group",
        "organization",
        "organisation",
        "firm",
        "book",
        "film",
        "show",
        "app",
        "website",
        "blog",
        "pac",
        "bill",
        "law",
        "campaign",
        "initiative",
        "project",
        "movement",
        "party",
        "account",
        "page",
        "site",
    ]
)
# Raising and passive-perception cues whose subject is the start of the content: "Trump || is expected || to win",
# "The plan || is widely seen || as a defeat", "The mayor || was said || to be furious" (PolNeAR: no source).
_SEEMS = re.compile(
    r"(?<![\w’'-])(?P<cue>(?:(?:is|are|was|were)\s+(?:widely\s+|not\s+|also\s+)?expected|seemed|seems|appeared|"
    r"appears)(?=\s+to\s+[a-z])"
    r"|(?:is|are|was|were)\s+(?:widely\s+|not\s+|also\s+|often\s+)?(?:said|believed|thought|reported|rumored)"
    r"(?=\s+to\s+[a-z])"
    r"|(?:is|are|was|were)\s+(?:widely\s+|not\s+|also\s+|often\s+)?(?:seen|viewed|regarded)(?=\s+as\s+[a-z]))"
)
# "asked the students if ...", "asked Trump how ...", "asked the congregation to stand"
_ASKED_OBJECT = re.compile(
    r"\s+(?P<obj>(?:(?:the|his|her|their|its|our)\s+)?(?:[\w’'.-]+\s+){0,3}?[\w’'.-]+)\s+"
    r"(?:(?P<wh>whether|if|why|how|what|who|when|where)|to\s+[a-z])\b"
)
# "Ana Diaz: We will reopen." / "Poll: Voters split on the plan" (headlines, interviews): the colon is the cue.
_COLON_SPEAKER = re.compile(r"\s*(?P<src>[A-Z][\w’'.&-]*(?:[ \t]+[\w’'.&()-]+){0,5}?)[ \t]*(?P<cue>:)[ \t]+(?=\S)")
_NOT_SPEAKERS = frozenset(
    [
        "update",
        "updated",
        "note",
        "related",
        "photo",
        "photos",
        "watch",
        "read",
        "tags",
        "source",
        "sources",
        "by",
        "posted",
        "correction",
        "image",
        "video",
        "also",
        "more",
        "listen",
        "subscribe",
        "follow",
        "share",
        "comments",
        "warning",
        "breaking",
        "exclusive",
        "transcript",
        "background",
        "why",
        "what",
        "how",
        "when",
        "where",
        "who",
        "contributing",
        "revealed",
        "question",
        "answer",
        "name",
        "remember",
        "consider",
        "latest",
    ]
)


def _colon_speaker(src: str) -> bool:
    """True when the words before a sentence-opening colon can be a speaker ("Clinton", "Republican pollster Daron
    Shaw"), not a label ("Update", "The Latest"), a letter ("Q", "A") or a clause ("He added", "Here is the thing")."""
    words = src.split()
    if len(src) < 2 or src.lower() in _NOT_SPEAKERS or any(ch.isdigit() for ch in src):
        return False
    if words[0].lower() in _NOT_SPEAKERS or any(w.lower() in _CUE_FORM_SET or w.lower() in _VERBISH for w in words):
        return False
    return words[-1][:1].isupper() and words[0].lower() not in _DETERMINERS | _CLAUSE_WORDS | {"here", "it", "that"}


_ASIDE_BEFORE = re.compile(
    r"\s*,\s*(?:though|however|too|also|again|then|later|instead|in fact|of course|for example)\s*,\s*(?=that\b|[“\"])"
)
_ASKED = re.compile(
    r"(?<![\w-])(?P<cue>(?P<aux>(?:was|were|been|being)\s+)?(?:(?:repeatedly|again|also|later)\s+)?[Aa]sked(?:\s+about)?)"
    r"(?=\s+(?:if|whether|what|why|how|who|when|where|which|about|(?:the|a|his|her|their)\b))"
)
_ASKED_BEFORE = re.compile(r"(?:^|\b(?:[Ww]hen|[Aa]fter|[Aa]fter being|[Ii]f|[Oo]nce|[Bb]ut|[Aa]nd)|[,;:(—–])\s*$")
_CLAUSE_BREAK = re.compile(
    r",\s+(?:according to|while|whereas|said|saying|calling|arguing|telling|noting|adding|pointing|claiming|insisting|"
    r"warning|explaining|citing|asking|describing|accusing|urging|suggesting|referring|declaring|vowing|promising)\b"
    r"|;\s"
)
# "said on Monday in a statement that ...": an adverbial between the cue and "that" (not "said the plan failed, and
# that ...", whose content starts at "the plan").
_BEFORE_THAT = re.compile(
    r"^\s*,?\s*(?=(?:on|in|at|during|after|before|last|this|earlier|later|late|early|yesterday|today|tonight|again|"
    r"twice|once|then|also|now|" + _WEEKDAYS + r"|[a-z]+ly)\b)"
    r"(?:(?:[\w’'.-]+|“[^”]{1,60}”|\"[^\"]{1,60}\"),?\s+){1,10}?(?=that\b)",
    re.IGNORECASE,
)
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
        "no",
    ]
)
_APPOSITIVE_TAIL = re.compile(r"\s+(?:a|an|the|its|his|her|their|(?:[a-z]+ ){1,4}(?:of|for|at|to|with))\b")
_STARTS_WITH_PREPOSITION = re.compile(
    r"(?:in|on|at|with|for|to|by|from|of|after|before|during|under|over|when|while|as|if|since|until|despite|"
    r"although|though|because|asked|speaking|holding|writing|referring)\b",
    re.IGNORECASE,
)
_PARTICIPLE_BEFORE = re.compile(r"\s[a-z]{3,}(?:ed|en)\s$")
_TRAILING_TIME = re.compile(
    r"\s+(?:(?:on|this|last|next|in|earlier|later|late|early)\s+)?(?:week|month|year|" + _WEEKDAYS + "|"
    r"morning|evening|night|afternoon|\d{4})$",
    re.IGNORECASE,
)
_ASIDES = frozenset(
    ["however", "though", "too", "meanwhile", "for instance", "for example", "in turn", "in fact", "instead", "also"]
)
_CONTENT_CONNECTIVE = re.compile(r"(?:but|and|so|yet|still|in fact|indeed|however|meanwhile)\b,?\s+", re.IGNORECASE)
_PLACE_PREPOSITION = re.compile(r"(?:before|at|in|on|during|after|from|with|by|under|outside|inside|near|into)\b")
_NOUN_LIKE_CUES = frozenset(["reports", "claims", "fears", "hopes", "doubts", "calls", "estimates", "wants"])
_ADJECTIVE_ENDINGS = ("ed", "ing", "al", "ous", "ive", "ful", "ic", "ent", "ant")
_LEADING_TIME = re.compile(
    r"\s*(?:(?:on|this|last|late|early|earlier)\s+(?:" + _WEEKDAYS + "|week|"
    r"month|year|morning|evening|night)|(?:" + _WEEKDAYS + "))"
    r"(?:\s+(?:morning|afternoon|evening|night))?,?\s+(?!that\b|(?:was|is|will|would|has|had|could|marks)\b)",
    re.IGNORECASE,
)
_NESTED_CUE = re.compile(
    r".*(?<![\w-])(?:said|says|say|told|tells|believes|believe|thinks|think|argued|argues|wrote|writes|reported|"
    r"reports|added|claimed|claims|insisted|insists)\s+(?:that\s+)?"
)
_RELATIVE = re.compile(r"\b(?:who|which|that|whose)\b")
_FINAL_PRONOUN = re.compile(r"\s(he|she|they|we|I)$")
_CONTRACTION = re.compile(r"(?<=\w)[’'](?:s|ve|re|d|ll)$")
_VERB_IN_SOURCE = re.compile(r".*(?<![\w-])(?!(?:need|speed|seed|feed|greed|creed|breed|bed|red|shed)\b)[a-z]{3,}ed\s")
_SUBJECT = re.compile(
    r"(?:(?:[Tt]he|[Aa]n?|[Tt]his)\s+(?:[\w’'-]+\s+){0,4}?[\w’'-]+(?=\s+(?:[a-z]+ed|[a-z]+s|has|had|was|is|will|would|"
    r"spoke|wrote|took|made|went|came|gave|met|held|brought|sent|left|broke|stood|ran|won|lost|led|sought|kept|began|"
    r"became|drew|threw|rose|fell|saw|fought|built|paid|hit|put|set|cut|heard|found|got|did|struck|told|said)\b)"
    r"|(?:he|she|they|we|i|it|He|She|They|We|I|It)\b"
    r"|(?:(?:the|a|an)\s+)?(?:[A-Z][\w’'.-]*\s+(?:(?:of|de|del|du|la|le|van|von|der|den|da|dos|di|al|el|bin|and|for|the)\s+){0,2}){0,4}[A-Z][\w’'.-]*"
    r"(?:’s|'s)?(?:\s+\([^()]{1,20}\))?(?=\s))",
)
# "told POLITICO they ...", "told the Associated Press (AP), “We ..."", "told reporters the plan ..."
_TOLD_LISTENER = re.compile(
    r"^\s*(?:(?:the\s+)?(?:[A-Z][\w’'.&!-]*\s*){1,5}(?:\([^)]*\))?|him|her|them|me|us|reporters|journalists|"
    r"supporters|(?:the|a|an)\s+(?:crowd|audience|committee|court|jury|press|newspaper))\s*,?\s*(?=\S)"
)
_COMMA_LEAD = re.compile(r"\s*[,:]\s*")
_TRAILING_CONNECTIVE = re.compile(r"(?:[\s,;:—–-]|\b(?:and|but|while|who|which|as|or))*$")
_AUX_BEFORE = re.compile(
    r"(?<![\w’'-])(?:(?:is|are|was|were|be|been|has|have|had|will|would|could|may|might|should|did|do|does|"
    r"(?:would|could|did|does|do|has|have|had|is|was|wo|ca)n[’']t)\s+)?"
    r"(?:(?:not|never|[a-z]+ly)\s+){0,2}"
    r"(?:(?:went on|declined|refused|wanted|wants|want|tried|continued|began|would like|(?:was|is|were|are) "
    r"(?:not )?willing|(?:was|is|were|are) (?:not )?able)\s+to\s+)?$"
)
_AND_BEFORE = re.compile(r"\s(?:and|but)$")
_COMMA_QUOTE = re.compile(r"\s*[,:]\s*(?:[“\"]|'')")
_FRONTED = re.compile(
    r"(?:in|on|at|after|during|before|speaking|asked|earlier|later|meanwhile|however|last|this|for|still|now|"
    r"separately|instead|under|despite|unlike|yet)\b[^,;:“”\"]{0,60},\s*",
    re.IGNORECASE,
)
# "Ana Diaz, at the Kestrel Institute, said": an affiliation stays in the source ("at a news conference" does not)
_AFFILIATION = re.compile(r"(?:at|of|from|with)\s+(?:the\s+)?[A-Z]")
_TWO_COMMA_APPOSITIVE = re.compile(r"^[A-Z][^,;:“”\"]{1,60},\s+[^,;:“”\"]{2,120},$")
_INVERTED_REST = re.compile(r"\s+(?:[A-Z]|(?:the|a|an|one|another|his|her|its|their|our|several|some|many)\s)")
_TRAILING_ADVERBS = frozenset(
    [
        "first",
        "earlier",
        "later",
        "today",
        "yesterday",
        "tonight",
        "both",
        "all",
        "too",
        "himself",
        "herself",
        "themselves",
        "itself",
        "again",
        "once",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "night",
        "morning",
    ]
)
# Before "reports" / "claims" these make the cue a noun ("news reports", "unconfirmed claims").
_NOUN_CUE_MODIFIERS = frozenset(
    [
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
        "false",
        "similar",
        "several",
        "many",
        "some",
        "numerous",
        "few",
        "various",
        "multiple",
    ]
)
_PRONOUNS = lx.PERSONAL_PRONOUNS | lx.OTHER_PRONOUNS
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
    return [name for _, names in _relay_lines(doc) for name in names]


def reporting_cue(cue: str) -> bool:
    """True when a cue holds a reporting verb of the lexicon or "according to" (not "issued a decree", "feel")."""
    return bool(_CUE_WORD.search(cue) or _ACCORDING.search(cue))


def relay_paragraphs(doc: Document) -> set[int]:
    """Indexes of the relay lines at the top of the article ("X reports:"): they relay the article, they attribute
    nothing inside it."""
    return {index for index, _ in _relay_lines(doc)}


def _relay_lines(doc: Document) -> list[tuple[int, list[str]]]:
    """(paragraph index, names) of the relay lines at the top of the article."""
    found: list[tuple[int, list[str]]] = []
    for index, para in enumerate(doc.paragraphs[:6]):
        line = para.text
        if len(line) > 120:
            break
        names = _relay_sources(line)
        if names:
            found.append((index, names))
        elif found or (line.rstrip(' ”"’)').endswith((".", "?", "!")) and len(line.split()) > 8):
            break  # the body has started: a later "X reports:" introduces a quote, not the whole article
    return found


def _relay_sources(line: str) -> list[str]:
    """The relay chain of one line: "X reports:", "According to X:", "X reports, citing Y:" -> [X, Y]."""
    if not line.rstrip().endswith((":", ",")):
        return []
    m = _RELAY_ACCORDING.match(line)
    if m:
        src = m.group("src").strip()
    elif cue := _RELAY_CUE.search(line):
        src = line[: cue.start()].strip(" ,")
        if cited := _RELAY_CITED.search(cue.group(0)):
            src = f"{src}, citing {cited.group(1)}"
    else:
        return []
    parts = [p.strip(" ,") for p in _RELAY_CITING.split(src)]
    if not all(parts) or any(len(p.split()) > 8 or not p.removeprefix("the ")[:1].isupper() for p in parts):
        return []
    return parts


def find_attributions(doc: Document) -> list[Attribution]:
    """Source / cue / content relations found by cue-word rules, in text order; cues and contents never overlap,
    a source may be shared ("X said A, adding B")."""
    text = doc.text
    relay_paras = relay_paragraphs(doc)
    paragraphs = doc.paragraphs
    out: list[Attribution] = []
    taken = SpanIndex()
    for sent in doc.sentences:
        if sent.paragraph in relay_paras:
            continue
        para = paragraphs[sent.paragraph] if sent.paragraph < len(paragraphs) else Span.of(text, sent.start, sent.end)
        for att in _sentence_attributions(text, sent, para, doc.outlet):
            att = _close_open_quote(text, att, para)
            spans = [s for s in (att.content, att.cue) if s]  # sources may be shared ("X said A, adding B")
            if any(taken.overlaps(s.start, s.end) for s in spans):
                continue
            for s in spans:
                taken.add(s.start, s.end)
            out.append(att)
    out.sort(key=lambda a: min(s.start for s in (a.content, a.cue) if s))
    return resolve_pronouns(text, settle_spans(text, out))  # pronouns typed on the final spans


# After a quoted content and its attribution: the end of that sentence (or a comma), then a quotation that opens.
_RESUME = re.compile(r"[.!?,](?=\s)")
_LEAD_WORDS = 3  # a clause before its cue needs this many words to stand as content on its own
_OPENERS = {"''": "''", "“": "”", '"': '"'}


# A preposition between a cue and its content belongs to the cue ("called on", "wonder about"; PolNeAR's cues).
_CUE_PREPOSITION = re.compile(r"(?:of|on|about|against)(?= \S)")


def settle_spans(text: str, atts: list[Attribution]) -> list[Attribution]:
    """The last boundary rules, over the final relations (rules' and model's alike): a source loses a leading
    "what", a contraction ("He|’s aiming", `_contracted_source`) and a dateline, keeps an appositive's closing
    comma and takes in a noun phrase coordinated with it (`_source_bounds`); a preposition that opens the content
    joins the cue; a relative pronoun before the source opens the content (`_relative_object`); a model content
    loses a trailing adjunct (`_without_adjunct`); a quotation resumed after its attribution becomes the content's
    `continuation` ('"A," she said. "B. C."' or '"A," she said, "b."') unless it is part of another attribution
    (PolNeAR annotates such a quote as one content of two fragments). Idempotent."""
    atts = [_source_bounds(text, _contracted_source(text, _without_free_relative(text, a))) for a in atts]
    atts = [_without_adjunct(text, _relative_object(text, _preposition_to_cue(text, a))) for a in atts]
    resumed = [_resumed_quote(text, a) for a in atts]
    # a relation's own continuation ("A, she said, b") stays unless it runs into another relation (after a lead too
    # short to stand alone, it stays anyway); a quote an earlier pass resumed is decided again
    kept = [tuple(c for c in a.continuation if c != r) for a, r in zip(atts, resumed, strict=True)]
    spans = SpanIndex()
    for i, (a, k) in enumerate(zip(atts, kept, strict=True)):
        for span in (a.source.span if a.source else None, a.cue, a.content, *k):
            if span is not None:
                spans.add(span.start, span.end, i)
    out = []
    for i, (att, quote, own) in enumerate(zip(atts, resumed, kept, strict=True)):
        lead = len(att.content.text.split()) < _LEAD_WORDS  # "which || will fail": the content needs the rest
        fragments = [f for f in own if lead or not spans.overlaps(f.start, f.end, skip=i)]
        if quote is not None and not spans.overlaps(quote.start, quote.end, skip=i):
            fragments.append(quote)
        out.append(replace(att, continuation=tuple(fragments)))
    return out


def _with_source_span(
    att: Attribution, span: Span, *, typed_as: str | None = None, cue: Span | None = None
) -> Attribution:
    """The attribution with its source moved to `span` and typed again (as `typed_as`, if given), and its cue
    replaced by `cue`, if given."""
    assert att.source is not None
    kind, subtype = classify_source(span.text if typed_as is None else typed_as)
    source = replace(att.source, span=span, kind=kind, subtype=subtype)
    return replace(att, source=source, cue=att.cue if cue is None else cue)


def _without_free_relative(text: str, att: Attribution) -> Attribution:
    """ "in what union leaders call a betrayal": the source is "union leaders", not "what union leaders"."""
    src = att.source
    if src is None or not (m := re.match(r"what\s+(?=\S)", src.span.text)) or len(src.span.text.split()) < 2:
        return att
    return _with_source_span(att, Span.of(text, src.span.start + m.end(), src.span.end))


# "He’s | aiming to", "who’ve | already said": PolNeAR's source is the pronoun, its cue starts at the apostrophe
_CONTRACTED = re.compile(r"(?i)(?:he|she|it|i|we|you|they|who|that)(?=[’'](?:s|re|ve|ll|d|m)$)")
_CUE_LEAD_WORDS = lx.AUXILIARIES | frozenset(lx.CUE_MODIFIERS) | {"not", "just", "never"}


def _contracted_source(text: str, att: Attribution) -> Attribution:
    """ "He’s aiming to": source "He", cue "’s aiming to" (the cue takes the contraction and any auxiliaries and
    adverbs between it and the verb)."""
    src, cue = att.source, att.cue
    if src is None or cue is None or not (m := _CONTRACTED.match(src.span.text)):
        return att
    s, e, apostrophe = src.span.start, src.span.end, src.span.start + m.end()
    between = text[e : cue.start].split()
    if cue.start < e < cue.end or (cue.start >= e and all(w.lower() in _CUE_LEAD_WORDS for w in between)):
        cue = Span.of(text, apostrophe, max(cue.end, e))
    elif cue.start < e:
        return att
    return _with_source_span(att, Span.of(text, s, apostrophe), cue=cue)


_DATELINE = re.compile(r"[A-Z][A-Z.' -]{2,40}(?:,\s*[A-Z][\w.' -]{1,30})?\s*[―—–]\s*")


_CONJUNCT_WORD = re.compile(r"[\w’'.&-]+$")
_CONJUNCT_STOP = lx.AUXILIARIES | frozenset(
    [
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "to",
        "by",
        "from",
        "about",
        "against",
        "under",
        "into",
        "over",
        "after",
        "before",
        "than",
        "as",
        "like",
        "not",
    ]
)
_CONJUNCT_START = frozenset(
    [
        "while",
        "but",
        "still",
        "that",
        "because",
        "when",
        "if",
        "although",
        "though",
        "since",
        "so",
        "yet",
        "and",
        "said",
        "says",
        "told",
        "say",
    ]
)


_SUCH_BEFORE = re.compile(r"\bsuch\s+$", re.IGNORECASE)


def _left_conjunct(text: str, start: int) -> int | None:
    """Where the noun phrase coordinated with a source starting at `start` begins ("Her advisers and | allies say"):
    at most six words back to a clause boundary (sentence or clause punctuation, "while", "but", a cue); None when
    "and" does not come right before, a comma does ("..., and officials said": two clauses), or a preposition, an
    auxiliary or a past-tense verb comes first ("with their bosses and ...", "The plan failed and ...")."""
    m = re.search(r"(?<![,;])\s+and\s+$", text[max(0, start - 8) : start])
    if m is None:
        return None
    pos = start - (len(text[max(0, start - 8) : start]) - m.start())
    first = None
    for _ in range(6):
        while pos > 0 and text[pos - 1] in " \t\u00a0":
            pos -= 1
        if pos == 0 or text[pos - 1] in ',;:—–―(“"\n':
            return first
        w = _CONJUNCT_WORD.search(text, 0, pos)
        if w is None:
            return None
        word = w.group(0)
        if word.endswith(("?", "!")) or (
            word.endswith(".") and word[:-1].lower() not in TITLE_ABBREVIATIONS and "." not in word[:-1]
        ):
            return first  # the sentence ends before the conjunct
        low = word.lower()
        if first is not None and (
            low in ("like", "including") or (low == "as" and _SUCH_BEFORE.search(text, 0, w.start()))
        ):
            first, pos = w.start(), w.start()  # "Candidates like Ana Diaz and | Bo Lee say": the head noun comes first
            continue
        if low in _CONJUNCT_STOP or _VERB_IN_SOURCE.match(word + " "):
            return None  # "with the traders and ...", "The plan failed and ..."
        if low in _CONJUNCT_START:
            return first
        first, pos = w.start(), w.start()
    return None


# after any source, rules' or model's (the rules' own `_TRAILING_ADVERBS` also take days and "first", which PolNeAR
# keeps on model sources as often as not)
_SOURCE_TAIL = re.compile(
    r"(?:,?\s+(?:even|also|now|still|too|already|again|just|only|quite|in particular|(?:earlier|later) in the day|"
    r"can[’']t|cannot|couldn[’']t|could not))+$",
    re.IGNORECASE,
)


def _source_bounds(text: str, att: Attribution) -> Attribution:
    """PolNeAR's source boundaries: no dateline ("WASHINGTON ― The agency said") or trailing adverb ("Some
    activists even | insist"), an appositive keeps its closing comma ("Ana Diaz, a nurse, | said"; on the tune
    split gold sources with an inner comma end on the comma 96 times in 106), and a noun phrase coordinated with
    the source joins it ("Her advisers and allies | say", `_left_conjunct`)."""
    src, cue = att.source, att.cue
    if src is None:
        return att
    s, e = src.span.start, src.span.end
    while (m := _DATELINE.match(text, s, e)) and m.end() < e:
        s = m.end()
    if (m := _SOURCE_TAIL.search(text, s, e)) and m.start() > s:
        e = m.start()  # "Some activists even | insist"
    if "," in text[s:e] and text[e : e + 1] == "," and cue is not None and cue.start > e:
        e += 1
    while cue is not None and cue.start >= e and (left := _left_conjunct(text, s)) is not None and left < s:
        s = left  # "A and B and C"
    if (s, e) == (src.span.start, src.span.end):
        return att
    span = Span.of(text, s, e)
    return _with_source_span(att, span, typed_as=span.text.rstrip(","))


def _preposition_to_cue(text: str, att: Attribution) -> Attribution:
    """ "called | on the mayor to resign" -> "called on | the mayor to resign"."""
    c, cue = att.content, att.cue
    if cue is None or cue.end > c.start or text[cue.end : c.start].strip() or not (m := _CUE_PREPOSITION.match(c.text)):
        return att
    joined = c.start + m.end()
    return replace(att, cue=Span.of(text, cue.start, joined), content=Span.of(text, joined + 1, c.end))


# A trailing adjunct of the sentence, not of what is attributed: ", drawing boos", ", as she campaigns", ", but ...".
_ADJUNCT = re.compile(r",\s+(?:[a-z]{3,}ing|as|despite|while|whereas|although|though|but)\b")


def _without_adjunct(text: str, att: Attribution) -> Attribution:
    """A model relation's content ends before a trailing adjunct ("attacked | Trump, drawing boos from the crowd");
    the rules' contents keep theirs (PolNeAR keeps them after speech cues)."""
    if att.origin != "model":
        return att
    last = att.content_spans[-1]
    for m in _ADJUNCT.finditer(text, last.start, last.end):
        if m.start() - last.start >= 12 and not _inside_quote(text, last.start, m.start()):
            cut = Span.of(text, *_content_end(text, last.start, m.start()))
            if att.continuation:
                return replace(att, continuation=(*att.continuation[:-1], cut))
            return replace(att, content=cut)
    return att


_RELATIVE_BEFORE = re.compile(r"(?<![\w’'])(?:(?P<prep>\w+)\s+)?(?P<pron>which|who|whom|what)\s+$", re.I)


def _relative_object(text: str, att: Attribution) -> Attribution:
    """ "the plan, which | he says | will fail": the relative pronoun is the content's first fragment (PolNeAR)."""
    src, cue, c = att.source, att.cue, att.content
    if src is None or cue is None or not src.span.end <= cue.start <= c.start:
        return att
    m = _RELATIVE_BEFORE.search(text, max(0, src.span.start - 30), src.span.start)
    if m is None:
        return att
    if m.group("prep") and _STARTS_WITH_PREPOSITION.fullmatch(m.group("prep")):
        return att  # "in which he says ...": the pronoun is not what is said
    pron = Span.of(text, m.start("pron"), m.end("pron"))
    return replace(att, content=pron, continuation=(c, *att.continuation))


def _resumed_quote(text: str, att: Attribution) -> Span | None:
    """The quotation resuming `att`'s quoted content after its source and cue, if one does."""
    c = att.content
    if att.cue is None or att.cue.start < c.end or not c.text.rstrip().endswith(("”", '"', "''")):
        return None
    pos = max(att.cue.end, att.source.span.end if att.source else 0)
    while (m := _RESUME.search(text, pos)) is not None:
        if m.end() - c.end > 400 or re.search(r"[“”\"\n]|''", text[c.end : m.end()]):
            return None  # the attribution runs on, or another quotation or a paragraph comes first
        start = m.end()
        while start < len(text) and text[start] in " \t\u00a0":
            start += 1
        opener = next((o for o in _OPENERS if text.startswith(o, start)), None)
        if opener is not None and start - m.end() <= 3:
            break
        if m.group() != ",":
            return None  # the sentence ends and no quotation follows
        pos = m.end()  # a comma inside the attribution ("told Reuters in Macau, the city where ..."): read on
    else:
        return None
    end = _quote_end(text, start, opener)
    return None if end is None or end - start > 2000 else Span.of(text, start, end)


def _quote_end(text: str, start: int, opener: str) -> int | None:
    """The end of the quotation opening at `start`, across paragraphs that reopen it with the same mark."""
    closer, i = _OPENERS[opener], start + len(opener)
    while (close := text.find(closer, i)) >= 0:
        newline = text.find("\n", i, close)
        if newline < 0:
            return close + len(closer)
        k = newline
        while k < len(text) and text[k].isspace():
            k += 1
        if opener == '"' or not text.startswith(opener, k):
            return None  # the paragraph ends inside the quotation and the next does not reopen it
        i = k + len(opener)
    return None


def _close_open_quote(text: str, att: Attribution, para: Span) -> Attribution:
    """Run a content whose quotation opens but does not close in its sentence on to the closing quote, within the
    paragraph: 'He added, “We will win. We always do.”' (PolNeAR contents span every sentence of such a quote)."""
    c = att.content
    if att.cue is None or c.start < att.cue.end:
        return att
    seg = c.text
    curly_open = seg.count("“") > seg.count("”")
    straight_open = seg.count('"') % 2 == 1 and "“" not in seg and "”" not in seg
    if not (curly_open or straight_open):
        return att
    close = text.find("”" if curly_open else '"', c.end, para.end)
    if close < 0 or close - c.end > 1500:
        return att
    end = close + 1
    return replace(att, content=Span.of(text, c.start, end))


def resolve_pronouns(text: str, atts: list[Attribution]) -> list[Attribution]:
    """Type pronoun sources by what they stand for, and keep that antecedent's span as `Source.refers_to`."""
    # "who"/"which": the noun phrase just before them ("which" takes its type only from one that can speak,
    # `_speaking_antecedent`); "I": the writer (self); "he"/"she": the nearest earlier person source, else the nearest
    # earlier personal name (named/person), else vague; "it": the nearest earlier organisation, outlet or other named
    # source; "they"/"them": the nearest earlier plural source within _PLURAL_REACH characters and at most one
    # paragraph back. refers_to is None for "I" and when nothing was found.
    resolved: list[Attribution] = []
    earlier: list[Source] = []  # the non-pronoun sources so far, for pronouns to refer to
    for att in atts:
        src = att.source
        word = src.span.text.lower() if src is not None else ""
        if src is not None and word in _PRONOUNS:
            kind, subtype, refers_to = src.kind, src.subtype, src.refers_to
            if word in ("who", "which"):
                if (np := _antecedent(text, src.span.start)) is not None:
                    refers_to = Span.of(text, *np)
                    # "a nationality basis, which contradicts ...": a thing that cannot speak keeps the pronoun's own
                    # type (as "the plan" would get), not a guess such as anonymous for "a/an" + noun
                    if word == "who" or _speaking_antecedent(refers_to.text):
                        kind, subtype = classify_source(refers_to.text)
            elif word == "i":
                kind, subtype, refers_to = "self", None, None  # cues inside quotations are skipped: "I" is the writer
            elif word in lx.PERSONAL_PRONOUNS:
                prev = _previous_source(earlier, lambda ps: ps.subtype == "person" or ps.kind == "anonymous")
                names = [
                    m
                    for m in _PERSON_NAME.finditer(text, max(0, src.span.start - 3000), src.span.start)
                    if classify_source(m.group(0)) == ("named", "person")  # not "New York", "White House"
                ]
                if prev is not None:
                    kind, subtype, refers_to = prev.kind, prev.subtype, prev.span
                elif names:
                    kind, subtype, refers_to = "named", "person", Span.of(text, names[-1].start(), names[-1].end())
                else:
                    kind, subtype = "vague", None
            elif word == "it":
                prev = _previous_source(earlier, lambda ps: ps.subtype in ("organisation", "outlet", "other"))
                if prev is not None:
                    kind, subtype, refers_to = prev.kind, prev.subtype, prev.span
            elif word in ("they", "them"):
                prev = _previous_source(earlier, lambda ps: _is_plural(ps.span.text))
                if prev is not None and _near_enough(text, prev.span.end, src.span.start):
                    kind, subtype, refers_to = prev.kind, prev.subtype, prev.span
            source = Source(src.span, kind, subtype, refers_to)
            att = replace(att, source=source)
        elif src is not None:
            earlier.append(src)
        resolved.append(att)
    return resolved


# A personal name: a title and a capitalised word, or two to four capitalised words ("Maria Lopez", "Sen. Joan Ruiz").
_PERSON_NAME = re.compile(
    r"(?<![\w’'.-])(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Prof|President|Senator|Judge)\.?\s+[A-Z][\w’'-]+"
    r"|(?!(?:The|A|An|This|That|In|On|At|But|And|Last|When|After|Before|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z][\w’'-]+)(?![\w’'-])"
)
_ANTECEDENT = re.compile(r"((?:(?:the|a|an)\s+)?(?:[\w’'.-]+\s+){0,4}?[\w’'.-]+)\s*,?\s*$", re.IGNORECASE)


_ANTECEDENT_BREAKS = frozenset(
    ["by", "of", "to", "with", "from", "for", "and", "or", "is", "was", "were", "are", "in", "on", "at", "as"]
)


def _breaks_antecedent(text: str, words: list[tuple[int, int]], i: int) -> bool:
    """True when word i ends the clause before a noun phrase: a preposition/conjunction/copula or a past-tense verb
    ("hired", "met"), but not an adjective after a determiner ("a retired teacher")."""
    w = text[slice(*words[i])]
    low = w.lower()
    if low in _ANTECEDENT_BREAKS or (w.islower() and low in lx.PAST_VERBS):
        return True
    after_determiner = i > 0 and text[slice(*words[i - 1])].lower() in _DETERMINERS
    return w.islower() and w.isalpha() and len(w) > 3 and w.endswith("ed") and not after_determiner


def _antecedent(text: str, start: int) -> tuple[int, int] | None:
    """The offsets of the noun phrase just before a relative pronoun ("Ana Diaz, who ..." -> "Ana Diaz"), up to a
    clause break."""
    base = max(0, start - 80)
    before = text[base:start]
    cut = max(before.rfind(ch) for ch in '.;:!?()“”"\n')
    base, before = base + cut + 1, before[cut + 1 :]
    if "," in before.rstrip().rstrip(","):
        before = before.rstrip().rstrip(",")
        k = before.rfind(",") + 1
        base, before = base + k, before[k:]
    m = _ANTECEDENT.search(before)
    if not m:
        return None
    group = m.group(1)
    phrase = _strip_leading(group)
    p0 = base + m.start(1) + len(group) - len(phrase)  # _strip_leading only drops a prefix
    words = [(p0 + w.start(), p0 + w.end()) for w in re.finditer(r"\S+", phrase)]
    if words and words[0][0] > 0 and text[words[0][0] - 1].isalnum():
        words = words[1:]  # the match began inside a word ("[pl]an was drafted by ..."): drop the fragment
    if not words:
        return None
    cut = [i for i, (a, b) in enumerate(words) if _breaks_antecedent(text, words, i)]
    tail = words[cut[-1] + 1 :] if cut else words  # "drafted by several officials" -> "several officials"
    # the noun phrase starts at its determiner or its first capitalised word
    for a, b in tail:
        w = text[a:b]
        if w.lower() in _DETERMINERS or w[:1].isupper():
            return a, tail[-1][1]
    return (tail or words)[0][0], (tail or words)[-1][1]  # no determiner or capital: the phrase after any break


# Head nouns of a "which" antecedent that can speak: roles, groups, organisations, outlets and documents.
_SPEAKING_HEADS = (
    lx.ANONYMOUS_HEADS
    | lx.VAGUE_HEADS
    | lx.PERSON_TITLES
    | lx.ORGANISATION_WORDS
    | lx.OUTLET_WORDS
    | lx.EVIDENCE_HEADS
    | lx.PARTY_MEMBERS
    | lx.PLURAL_HEADS
)


def mute_thing(att: Attribution) -> bool:
    """A model relation whose "which"/"that" stands for a thing that cannot speak ("a nationality basis, which
    contradicts ...") and whose cue reports nothing: not an attribution."""
    src = att.source
    return (
        att.origin == "model"
        and src is not None
        and src.span.text.lower() in ("which", "that")
        and src.refers_to is not None
        and not _speaking_antecedent(src.refers_to.text)
        and not (att.cue is not None and reporting_cue(att.cue.text))
    )


def _speaking_antecedent(phrase: str) -> bool:
    """True when a relative pronoun's antecedent can be a source: a name, or a person, role, group, organisation,
    outlet or document noun ("Reuters", "the committee", "a report", "a source close to ..."), not an abstract noun
    phrase ("a nationality basis", "the plan", "this decision")."""
    low = " ".join(phrase.split()).lower()
    head_part = re.split(r"\b(?:close to|familiar with|of|at|in|from|who|with|for)\b", low, maxsplit=1)[0]
    head_words = _words(head_part) or _words(low)
    if not head_words:
        return False
    names = [
        w
        for w in phrase.split()[: len(head_part.split())]
        if w[:1].isupper() and w.lower() not in _DETERMINERS and w.lower().strip(".,") not in lx.PERSON_TITLES
    ]
    return head_words[-1] in _SPEAKING_HEADS or bool(names) or any(m in low for m in lx.ANONYMOUS_MARKERS)


_PLURAL_REACH = 1500  # characters: "they" is not resolved to a source further back than this
_PARAGRAPH_BREAK = re.compile(r"\n\s*")


def _near_enough(text: str, antecedent_end: int, pronoun_start: int) -> bool:
    """True when a plural antecedent is within _PLURAL_REACH characters, in the pronoun's paragraph or the last."""
    gap = text[antecedent_end:pronoun_start]
    return len(gap) <= _PLURAL_REACH and len(_PARAGRAPH_BREAK.findall(gap)) <= 1


def _is_plural(phrase: str) -> bool:
    """True for a plural noun phrase ("militants", "two officials", "Ana Diaz and Tomas Reyes", "the police")."""
    words = _words(re.split(r"\b(?:close to|familiar with|of|at|in|from|who|with|for)\b", phrase, maxsplit=1)[0])
    if not words or words[-1] in _PRONOUNS:
        return False
    head = words[-1]
    if " and " in f" {' '.join(words)} " or head in lx.PLURAL_HEADS:
        return True
    return head.endswith("s") and not head.endswith("ss") and head not in lx.SINGULAR_S_HEADS and len(head) > 3


def _previous_source(earlier: list[Source], fits: Callable[[Source], bool]) -> Source | None:
    """The nearest of the `earlier` (non-pronoun) sources that `fits`."""
    return next((ps for ps in reversed(earlier) if fits(ps)), None)


def _trimmed(text: str, start: int, end: int, strip: str = " \t\n,;:") -> tuple[int, int]:
    """[start, end) without leading and trailing `strip` characters or other white space (no-break spaces too)."""
    while start < end and (text[start] in strip or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in strip or text[end - 1].isspace()):
        end -= 1
    return start, end


def _content_end(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim content: surrounding spaces and commas, and a final period outside quotes."""
    start, end = _trimmed(text, start, end)
    if end > start and text[end - 1] == ".":
        end -= 1  # a sentence-final period is not part of the content ("?" and "!" are)
    if end > start and text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end):
        end -= 1
    start, end = _trimmed(text, start, end)
    return start, end


_LEAD_TO_QUOTE = re.compile(r"[^“\"”:.;]{1,60}?:\s*(?=[“\"]|'')")


def _content_after(text: str, start: int, end: int) -> tuple[int, int]:
    """Content that follows its cue: up to the sentence end, or to a clause break outside quotes
    ("; ", " — ", ", while ...", ", according to ...", ", another official said ..."); a short lead ending in a colon
    before a quotation is not part of it."""
    start, end = _content_end(text, start, end)
    if lead := _LEAD_TO_QUOTE.match(text, start, end):
        start = lead.end()  # "responded pointedly, with a smile: “...”": the quotation the colon introduces
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.start() - start >= 12 and not _inside_quote(text, start, m.start()):
            return _content_end(text, start, m.start())
    return start, end


def _sentence_attributions(text: str, sent: Sentence, para: Span, outlet: str | None) -> list[Attribution]:
    s0, s1 = sent.start, sent.end
    stext = text[s0:s1]
    found: list[Attribution] = []
    for m in _ACCORDING.finditer(stext):
        if _inside_quote(text, para.start, s0 + m.start()):
            continue
        att = _according(text, s0, s1, s0 + m.start(), s0 + m.end(), outlet)
        if att:
            found.append(att)
    if (m := _COLON_SPEAKER.match(text, s0, s1)) and _colon_speaker(m.group("src")):
        content = _content_end(text, m.end("cue"), s1)
        source = _make_source(text, m.start("src"), m.end("src"), outlet)
        if source is not None and len(text[content[0] : content[1]].split()) >= 3:
            found.append(Attribution(Span.of(text, *content), source, Span.of(text, m.start("cue"), m.end("cue"))))
    # sourceless cues go last, so that a sourced attribution wins where their contents overlap
    sourceless: list[Attribution] = []
    for m in _ASKED.finditer(text, s0, s1):
        if not m.group("aux") and not _ASKED_BEFORE.search(text[s0 : m.start()]):
            continue  # "Trump asked whether ...": a named asker, left to the verb rules
        if not _inside_quote(text, para.start, m.start()) and (att := _sourceless(text, m, s1)):
            sourceless.append(att)
    for m in _SEEMS.finditer(text, s0, s1):
        if not _inside_quote(text, para.start, m.start()) and (att := _sourceless(text, m, s1)):
            if subject := _raised_subject(text, s0, m.start("cue")):  # PolNeAR: "Trump || to win" is the content
                att = replace(att, content=subject, continuation=(att.content,))
            sourceless.append(att)
    cue_end = -1
    for w in _WORD_START.finditer(text, s0, s1):
        word = w.group(0)
        if w.start() < cue_end:
            continue
        if word in _TITLE_CUES and _TITLE_BEFORE.search(text, max(s0, w.start() - 40), w.start()):
            c0, c1 = w.start(), w.end()  # a headline: "Trump Says He Will Win"
        elif word not in _CUE_STARTERS or (m := _CUE.match(text, w.start(), s1)) is None:
            continue
        else:
            c0, c1 = m.start(), m.end()
        word = text[c0:c1].split()[-1].lower()
        if (p := _PARTICLE.match(text, c1, s1)) and (p.group(1) in ("about", "for") or word in _PARTICLES[p.group(1)]):
            c1 = p.end()
        if text[c1 : c1 + 1] == ":":
            c1 += 1
        cue_end = c1
        if any(a.cue and a.cue.start <= c0 < a.cue.end for a in (*found, *sourceless)):
            continue
        prev = next((a.source for a in reversed(found) if a.source and a.cue and a.cue.end <= c0), None)
        att = _verb_cue(text, s0, s1, c0, c1, para, outlet, prev)
        if att:
            found.append(att)
    return _split_nested(text, found + sourceless)


_SUBJECT_START = re.compile(
    r"[,;:(—–\"“”]|\s-\s|\b(?:but|and|or|because|while|although|though|as|if|when|since|so|that|which|who)\b", re.I
)


def _raised_subject(text: str, s0: int, c0: int) -> Span | None:
    """The subject of a raising cue ('The vote | is expected to pass', 'delegates who | are expected to'): the words
    since the last clause boundary of the sentence, or the relative pronoun right before the cue."""
    start = s0
    for m in _SUBJECT_START.finditer(text, s0, c0):
        relative = m.group(0).lower() in ("that", "which", "who") and not text[m.end() : c0].strip()
        start = m.start() if relative else m.end()
    if any(w.group(0) in _CUE_STARTERS for w in _WORD_START.finditer(text, s0, c0)):
        return None  # nested in a reported clause ("Analysts said the company is expected to"): left as it was
    s, e = _trimmed(text, start, c0)
    words = [w.lower() for w in text[s:e].split()]
    if not 1 <= len(words) <= 8 or words[0] in _VERBISH or (words[0] in _CLAUSE_WORDS and len(words) > 1):
        return None
    return Span.of(text, s, e)


def _sourceless(text: str, m: re.Match[str], s1: int) -> Attribution | None:
    """A cue with no source and its content up to the next comma: 'Asked whether ..., X said' / 'X was asked about
    the plan' / 'The vote is expected to pass'."""
    c0, c1 = m.start("cue"), m.end("cue")
    start = _trimmed(text, c1, s1)[0]
    end = s1
    for k in range(start, s1):
        if (
            text[k] == ","
            and not (text[k - 1].isdigit() and text[k + 1 : k + 2].isdigit())  # "$200,000"
            and not _inside_quote(text, start, k)
            and len(text[start:k].split()) >= 2
        ):
            end = k
            break
    s, e = _content_end(text, start, end)
    if len(text[s:e].split()) < 2:
        return None
    return Attribution(content=Span.of(text, s, e), source=None, cue=Span.of(text, c0, c1))


_FUNCTION_WORDS = (
    _VERBISH
    | {"the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our"}
    | _CLAUSE_WORDS
    | set(lx.CUE_MODIFIERS)
    | {"will", "would", "could", "can", "may", "might", "should", "must", "not", "never", "to", "of", "in", "on", "at"}
)


def attribution_at_cue(doc: Document, c0: int, c1: int) -> Attribution | None:
    """The rules' source and content for a cue found elsewhere (by the role tagger): the verb patterns of
    `find_attributions`, run at [c0, c1) whatever the cue word is."""
    text = doc.text
    i = doc.sentence_index(c0)
    sent = doc.sentences[i] if i >= 0 else None
    if sent is None or not sent.start <= c0 < c1 <= sent.end:
        return None
    words = [w.lower() for w in _WORD.findall(text[c0:c1])]
    if all(w in _FUNCTION_WORDS for w in words) or (words[-1].endswith("ly") and words[-1] not in _CUE_FORM_SET):
        return None  # "has", "will not", "sadly": no cue word
    paragraphs = doc.paragraphs
    para = paragraphs[sent.paragraph] if sent.paragraph < len(paragraphs) else Span.of(text, sent.start, sent.end)
    att = _verb_cue(text, sent.start, sent.end, c0, c1, para, doc.outlet)
    return None if att is None else _close_open_quote(text, att, para)


def _split_nested(text: str, found: list[Attribution]) -> list[Attribution]:
    """End a content that runs over a later attribution of the same sentence before that one's source or cue."""
    out = []
    for a in found:
        content = a.content
        if a.cue is not None and content.start >= a.cue.end:
            for b in found:
                if b is a or b.cue is None:
                    continue
                src_start = b.source.span.start if b.source else b.cue.start
                anchor = min(b.cue.start, src_start) if src_start >= content.start else b.cue.start
                if content.start + 12 <= anchor < content.end and b.cue.start < content.end:
                    s, e = _content_end(text, content.start, anchor)
                    e = _strip_trailing_connective(text, s, e)
                    if e - s >= 3:
                        content = Span.of(text, s, e)
        out.append(a if content is a.content else replace(a, content=content))
    return out


def _strip_trailing_connective(text: str, s: int, e: int) -> int:
    m = _TRAILING_CONNECTIVE.search(text, s, e)
    return _trimmed(text, s, m.start())[1] if m else e


def _according(text: str, s0: int, s1: int, c0: int, c1: int, outlet: str | None) -> Attribution | None:
    """'According to X, CONTENT' at the start, '..., which according to X, CONTENT' or 'CONTENT, according to X.'"""
    after = text[c1:s1]
    comma = after.find(",")
    second = after.find(",", comma + 1) if comma >= 0 else -1
    # "according to X, an analyst at Y": a description follows a person's name ("according to the office, the rise
    # in ..." is the content)
    described = (
        comma >= 0
        and _appositive_tail(after[comma + 1 :])
        and classify_source(after[:comma].strip()) == ("named", "person")
    )
    if described and second >= 0 and len(after) - second > 15:
        # "According to X, chairman of Y, CONTENT": the description stays with X
        src_end = c1 + second
        content = _content_after(text, src_end + 1, s1)
    elif described and second < 0 and len(text[s0:c0].strip()) > 3:
        # "CONTENT, according to X, an analyst at Y."
        src_end = c1 + len(after.rstrip().rstrip(".!?”\"’'"))
        content = _content_end(text, s0, c0)
        if content[1] - content[0] < 3:
            return None
    elif comma >= 0 and len(after) - comma > 15:
        # "According to X, CONTENT" and "..., which according to X, CONTENT": the content follows X
        src_end = c1 + comma
        content = _content_after(text, src_end + 1, s1)
    else:
        stop = _SOURCE_STOP.search(after)
        src_end = c1 + (stop.start() if stop else len(after))
        content = _content_end(text, s0, c0)
        if content[1] - content[0] < 3:
            return None
    source = _make_source(text, c1, src_end, outlet)
    if source is None or content[1] <= content[0]:
        return None
    return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))


def _dash_appositive(text: str, s0: int, prefix: str) -> tuple[int, int] | None:
    """'NAME — DESCRIPTION — said ...' (or ' - '): the source runs from the name through the closing dash, as in
    PolNeAR; the name starts after the last comma before it ("Reached by phone, Joyce — who ... — told")."""
    if not prefix or prefix[-1] not in "—–-" or (prefix[-1] == "-" and prefix[-2:-1] != " "):
        return None
    dash = prefix[-1]
    k = prefix.rfind(f" {dash} ", 0, len(prefix) - 1)
    if k <= 0 or len(prefix) - k > 200:
        return None
    j = max(prefix.rfind(ch, 0, k) for ch in ',;:“”"')
    name = prefix[j + 1 : k]
    a = j + 1 + (len(name) - len(name.lstrip()))
    words = name.split()
    if not words or not words[0][:1].isupper() or len(words) > 6:
        return None
    if any(w.lower() in lx.AUXILIARIES or _VERB_IN_SOURCE.match(w + " ") for w in words):
        return None  # "The port will close — for now — said the mayor": a clause, inverted
    return s0 + a, s0 + len(prefix)


def _verb_cue(
    text: str, s0: int, s1: int, c0: int, c1: int, para: Span, outlet: str | None, prev: Source | None = None
) -> Attribution | None:
    m_word = _CUE_WORD.search(text, c0, c1)
    words = _WORD.findall(text[c0:c1])
    if m_word is None and not words:
        return None
    cue_word = m_word.group(0).lower() if m_word else words[-1].lower()  # a model-found cue may be any verb
    if _inside_quote(text, para.start, c0):
        return None
    if (
        cue_word == "asked"
        and not re.match(r"\s*[,:]?\s*(?:[“\"]|whether|if|why|how|what|who|when|where|about)", text[c1:s1])
        and not text[s0:c0].rstrip().endswith(tuple(',”"’'))
        and not _ASKED_OBJECT.match(text, c1, s1)
    ):
        return None
    if cue_word == "continued" and re.match(r"\s+(?:to\s|[a-z]+ing\b)", text[c1:s1]):
        return None  # "users who have continued creating accounts": not speech ('"...," he continued')
    # the cue word itself, without its auxiliaries, decides the pattern; auxiliaries stay in the cue span
    prefix_stripped = text[s0:c0].rstrip()
    rest = text[c1:s1]
    if cue_word.endswith("ed") and re.match(r"\s+by\b", rest):
        return None  # "launched by X and then supported by Y": a passive participle
    last = prefix_stripped[-1:]
    ends_quote = prefix_stripped.rstrip(",").endswith(("”", '"', "''", "’")) or prefix_stripped.endswith(",“")
    if last == "," and not ends_quote and _TWO_COMMA_APPOSITIVE.match(_strip_leading(prefix_stripped)):
        att = _appositive(text, s0, s1, c0, c1, prefix_stripped, outlet, para)
        if att is not None:
            return att
    short_rest = len(rest.split(",")[0].split()) <= 8 and _INVERTED_REST.match(rest) is not None
    dashed = _dash_appositive(text, s0, prefix_stripped) if not ends_quote else None
    if dashed is None and (
        (cue_word in lx.INVERTIBLE or m_word is None) and (ends_quote or last in "—–" or (last == "," and short_rest))
    ):
        # '"CONTENT," said X.' / 'CONTENT, said X.'  -> source after the cue, content before
        source = _inverted_source(text, c1, s1, outlet)
        content = _content_before(text, s0, s0 + len(prefix_stripped), para)
        if source is None or content is None:
            return None
        return Attribution(content=content, source=source, cue=Span.of(text, c0, c1))
    if last == "," and cue_word.split()[0].endswith("ing"):
        # "Trump spoke on Monday, saying that ..." / "..., pointing to ...": the subject of the sentence is the source
        return _participle(text, s0, s1, c0, c1, outlet, prev)
    if last == ",":
        # "X, a maritime engineer at Y, said the wall ..." is an appositive source
        return _appositive(text, s0, s1, c0, c1, prefix_stripped, outlet, para)
    c_word0 = c0
    if (aux := _AUX_BEFORE.search(text, max(s0, c0 - 40), c0)) and aux.group(0).strip():
        # "sponsors are accusing", "militants are openly complaining": auxiliaries and adverbs join the cue
        be = aux.group(0).split()[0].lower() in ("is", "are", "was", "were", "be", "been")
        be = be and not aux.group(0).rstrip().endswith(" to")  # "was not willing to say" is active
        if be and not cue_word.endswith("ing"):
            return None  # a passive ("he was told") names no source here
        c0 = aux.start()
    src = dashed or _source_left(text, s0, c0)
    if src is None:
        if _AND_BEFORE.search(prefix_stripped):
            return _participle(text, s0, s1, c0, c1, outlet, prev)  # "Trump denounced her record and said ..."
        return None
    src0, src1 = src
    if described := _QUOTE_THEN_DESCRIPTION.search(text, s0, src0):
        src0 = described.start("desc")  # '“A,” a friend, Ana Diaz, said': the description is part of the source
    if cue_word in lx.EVIDENCE_CUES:
        head = text[src0:src1].lower().split()[-1:] if src1 > src0 else []
        if not head or head[0] not in lx.EVIDENCE_HEADS:
            return None
    src_last = text[src0:src1].lower().split()[-1]
    if cue_word in _NOUN_LIKE_CUES and (src_last in _NOUN_CUE_MODIFIERS or src_last.endswith(_ADJECTIVE_ENDINGS)):
        return None  # "renewed fears", "news reports": a noun, not a cue
    if cue_word in ("called", "calling", "calls") and re.match(r"\s+(?:off|up|in|back)\b", rest):
        return None
    src_words = text[src0:src1].lower().split()
    if cue_word == "called" and (src_words[0] in ("a", "an") or src_words[-1] in _NAMED_THINGS) and c0 == c_word0:
        return None  # "a company called Sansun": naming, not speech
    if cue_word == "pledged" and re.match(r"\s+delegates?\b", rest):
        return None  # "pledged delegates"
    if cue_word == "estimated" and not re.match(r"\s*(?:that\b|[$€£\d]|about|around|some|more|at least)", rest):
        return None
    source = _make_source(text, src0, src1, outlet)
    if source is None:
        return None
    before_src = text[s0:src0].rstrip()
    rest_after = rest
    told = cue_word in ("told", "tell", "tells", "telling")
    if told:
        quote_before = bool(before_src) and before_src[-1] in ",”\"’'" and dashed is None
        if (listener := _listener_end(rest, by_name=not quote_before)) is not None:
            rest_after = rest[listener:]
    elif m_that := _BEFORE_THAT.match(rest):
        rest_after = rest[m_that.end() :]
    elif cue_word == "asked" and (m_obj := _ASKED_OBJECT.match(rest)) and m_obj.group("wh"):
        rest_after = rest[m_obj.end("obj") :]  # "asked Trump how he would ...": the question, not the person asked
    elif m_aside := _ASIDE_BEFORE.match(rest):
        rest_after = rest[m_aside.end() :]  # "He added, though, that ..."
    content_after_start = c1 + (len(rest) - len(rest_after))
    substantive = not _TRIVIAL_REST.match(rest_after) or re.match(r"\s*(?:that\b|:|[“\"])", rest_after)
    if text[c0:c1].split()[-1][:1].isupper() and len(rest.split()) >= 2:
        substantive = True  # a headline: "Trump Says He Will Win"
    elif (rest_after is rest and rest.lstrip().startswith(",") and not _COMMA_QUOTE.match(rest)) or (
        told and rest_after is rest
    ):
        substantive = False  # '..., a official said, adding that ...' / 'X told Fox News on Sunday.'

    if substantive and (lead := _LEADING_TIME.match(text, content_after_start, s1)):
        content_after_start = lead.end()  # "said on Monday the plan ..."
    ws = len(text[content_after_start:s1]) - len(text[content_after_start:s1].lstrip())
    if substantive and _PLACE_PREPOSITION.match(text, content_after_start + ws, s1) and not told:
        substantive = False  # "testified before the panel" attributes nothing
    if substantive and rest_after is rest and rest.lstrip()[:1] == "," and before_src.endswith(("”", '"', "''")):
        # '"A," she said, "b."': the quote before is the content, the one after resumes it (`settle_spans`)
        span = _content_before(text, s0, s0 + len(before_src), para)
        if span is not None:
            return Attribution(content=span, source=source, cue=Span.of(text, c0, c1))
    if substantive:
        content = _content_after(text, content_after_start, s1)
        if _SUBORDINATOR.fullmatch(before_src) and (comma := _comma_outside_quotes(text, *content)) is not None:
            content = _content_end(text, content[0], comma)  # "When X says A, who are we to argue?": A
        if content[1] - content[0] < 2 or (cue_word in ("told", "tell", "tells") and rest_after is rest):
            return None
        if rest.lstrip().startswith(",") and (front := _fronted(text, s0, before_src)):
            return Attribution(front, source, Span.of(text, c0, c1), continuation=(Span.of(text, *content),))
        return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))
    if before_src and before_src[-1] in ",”\"’'—–":
        span = _content_before(text, s0, s0 + len(before_src), para)
        if span is not None:
            cue = Span.of(text, c0, c1)
            return Attribution(span, source, cue, continuation=_resumed_clause(text, c1, s1, before_src))
    if before_src.endswith(",") and (lead := _COMMA_LEAD.match(rest)) and rest.lstrip().startswith(","):
        # "The editorial, sources said, nailed the narrative": the rest of the sentence
        content = _content_after(text, c1 + lead.end(), s1)
        if len(text[content[0] : content[1]].split()) >= 3:
            if front := _fronted(text, s0, before_src):
                return Attribution(front, source, Span.of(text, c0, c1), continuation=(Span.of(text, *content),))
            return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))
    return None


def _fronted(text: str, s0: int, before_src: str) -> Span | None:
    """The words before a parenthetical attribution too short to stand as content ("Instead, she said, ..."):
    PolNeAR makes them the first fragment of the content."""
    s, e = _trimmed(text, s0, s0 + len(before_src))
    words = text[s:e].split()
    if not 1 <= len(words) < _LEAD_WORDS or _SUBORDINATOR.fullmatch(text[s:e]) or any(q in text[s:e] for q in '“”"('):
        return None
    return Span.of(text, s, e)


# A subordinate clause's opening word: "When X says A, B" attributes only A.
_SUBORDINATOR = re.compile(r"When|Whenever|If|Since|Because|Although|Though|As|While|Unless|Once|Until|After|Before")


# After a closing quote, a short lower-case description and a comma right before a name: “A,” a friend, Ana Diaz, said
_QUOTE_THEN_DESCRIPTION = re.compile(
    r"(?:[”\"]|'')\s+(?P<desc>(?:a|an|the|another|his|her|their|one)\s[\w’' -]{2,40}?),\s*$"
)


def _comma_outside_quotes(text: str, start: int, end: int) -> int | None:
    """The first comma in [start, end) outside quotation marks, if any."""
    for i in range(start, end):
        if text[i] == "," and not _inside_quote(text, start, i):
            return i
    return None


def _resumed_clause(text: str, c1: int, s1: int, before_src: str) -> tuple[Span, ...]:
    """The rest of a sentence that a parenthetical attribution interrupts: "A, she said, b." gives b."""
    lead = _COMMA_LEAD.match(text, c1, s1)
    if not before_src.endswith(",") or lead is None or text[c1 : lead.end()].strip() != ",":
        return ()
    start, end = _content_after(text, lead.end(), s1)
    return (Span.of(text, start, end),) if len(text[start:end].split()) >= 2 else ()


def _inverted_source(text: str, c1: int, s1: int, outlet: str | None) -> Source | None:
    """The source after an inverted cue: a name, then an optional appositive or relative clause up to the sentence
    end."""
    rest = text[c1:s1]
    stop = _SOURCE_STOP.search(rest)
    src_end = c1 + (stop.start() if stop else len(rest))
    source = _make_source(text, c1, src_end, outlet)
    if source is None or not stop or text[src_end : src_end + 1] != ",":
        return source
    tail = text[src_end + 1 : s1]
    relative = _RELATIVE_TAIL.match(tail)  # "said Ana Diaz, who runs the clinic": PolNeAR train 101 in, 50 out
    if (
        (relative or _appositive_tail(tail))
        and len(tail.split()) <= 25
        and not any(q in tail for q in _Q_OPEN + _Q_CLOSE)
    ):
        a = source.span.start
        b = s1 - 1 if text[s1 - 1] == "." else s1
        a, b = _trimmed(text, a, b)
        return Source(Span.of(text, a, b), source.kind, source.subtype)
    return source


_RELATIVE_TAIL = re.compile(r"\s+(?:who|whose)\s")


def _appositive_tail(tail: str) -> bool:
    """True when the rest of a sentence after 'said X,' describes X ("a professor at Y", "senior counsel in Z",
    "President Obama's first budget director"), not when it is an age, a place, a time or a new clause."""
    if _APPOSITIVE_TAIL.match(tail):
        return True
    words = tail.split()
    if not words or not words[0][:1].isalpha() or _STARTS_WITH_PREPOSITION.match(words[0]):
        return False
    first = words[0].lower()
    if first.endswith(("ing", "ly")) or first in _CLAUSE_WORDS or first in ("who", "which", "whose"):
        return False
    return any(w.lower() in ("of", "for", "at", "in", "to", "with") or w.endswith(("’s", "'s")) for w in words[1:6])


def _listener_end(rest: str, *, by_name: bool = True) -> int | None:
    """Where the listener after a "told" cue ends in `rest` ("told Reuters on Monday | that ...", or with `by_name`
    "told reporters, | “...”"); None when there is none or nothing is said after it."""
    obj = _TOLD_OBJECT.match(rest)
    if not obj and by_name:
        obj = _TOLD_LISTENER.match(rest)
    return obj.end() if obj and not _TRIVIAL_REST.match(rest[obj.end() :]) else None


def _participle(
    text: str, s0: int, s1: int, c0: int, c1: int, outlet: str | None, prev: Source | None
) -> Attribution | None:
    """'SUBJECT did something, saying CONTENT': the previous source of the sentence, or its leading name."""
    if prev is not None:
        source: Source | None = prev
    else:
        prefix = text[s0:c0]
        stripped = _strip_leading(prefix)
        offset = s0 + len(prefix) - len(stripped)
        m = _SUBJECT.match(stripped)
        if not m or m.group(0).lower() in _DETERMINERS or m.group(0).split()[0].lower() in _CLAUSE_WORDS:
            return None
        source = _make_source(text, offset + m.start(), offset + m.end(), outlet)
    rest = text[c1:s1]
    lead = _COMMA_LEAD.match(rest)
    start = c1 + (lead.end() if lead else 0)
    told = text[c0:c1].split()[-1].lower() in ("told", "tell", "tells", "telling")
    if told and (listener := _listener_end(rest)) is not None:
        start = c1 + listener  # "..., but told Reuters on Monday that ...", "..., telling reporters, “We wait.”"
    elif m_that := _BEFORE_THAT.match(rest):
        start = c1 + m_that.end()  # "..., saying on Monday that ...": the content starts at "that"
    content = _content_after(text, start, s1)
    if source is None or content[1] - content[0] < 2:
        return None
    return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))


def _strip_leading(phrase: str) -> str:
    """The phrase without leading connectives and a fronted adverbial ("In an interview, ")."""
    m = _LEADING_JUNK.match(phrase)
    phrase = phrase[m.end() :] if m else phrase
    m = _FRONTED.match(phrase)
    return phrase[m.end() :] if m else phrase


def _appositive(
    text: str, s0: int, s1: int, c0: int, c1: int, prefix_stripped: str, outlet: str | None, para: Span
) -> Attribution | None:
    """'X, APPOSITIVE, CUE CONTENT': the source spans the name and its appositive, trailing comma included."""
    rest = text[c1:s1]
    a = s0
    for ch in ';:“”"':
        k = prefix_stripped.rfind(ch)
        if k >= 0:
            a = max(a, s0 + k + 1)
    b = s0 + len(prefix_stripped)
    a = b - len(_strip_leading(text[a:b]))
    a, _ = _trimmed(text, a, b)
    phrase = text[a:b]
    if not phrase or len(phrase.split()) > 30 or not (phrase[:1].isupper() or phrase.startswith(("the ", "a "))):
        return None
    if phrase.count(",") < 2:
        if phrase.count(",") != 1 or not phrase[:1].isupper() or len(phrase.split()) > 8:
            return None
        phrase = phrase + ","  # "Sen. Jack Reed (D-R.I.), said ...": a stray comma
    if _STARTS_WITH_PREPOSITION.match(phrase):
        return None
    head, second = phrase.split(",")[0], phrase.split(",")[1].strip().lower()
    if not second:
        b = a + len(head.rstrip())
    kind, subtype = classify_source(head, outlet=outlet)
    first_word = second.split(" ")[0]
    if (
        second in _ASIDES
        or (first_word[:1].isdigit() and phrase.count(",") == 2)  # "Ana Diaz, 58, said": the age stays out
        or (first_word.endswith(("ing", "ly")) and first_word != "including")
        or first_word in ("clad", "dressed", "flanked", "speaking")
        or (_STARTS_WITH_PREPOSITION.match(second) and not _AFFILIATION.match(phrase.split(",")[1].strip()))
    ):
        # "Mr. Trump, however, said", "Ana Diaz, 58, said": the name only; "Lee Ames, who teaches law, said" keeps its
        # relative clause, as PolNeAR sources do (on the tune split 27 gold sources hold one, 14 stop before one)
        b = a + len(head.rstrip())
    source = Source(Span.of(text, a, b), kind, subtype)
    told = text[c0:c1].split()[-1].startswith(("told", "tell"))
    m_that = (_TOLD_OBJECT if told else _BEFORE_THAT).match(rest)
    before = text[s0:a].rstrip()
    if told and not m_that and not (before and before[-1] in ",”\"’'"):
        m_that = _TOLD_LISTENER.match(rest)
    if (told and not m_that) or (_TRIVIAL_REST.match(rest) and not m_that):
        # '"...," Butz, 49, told The Huffington Post.': the content is the quote before the source
        if not before or before[-1] not in ",”\"’'":
            return None
        span = _content_before(text, s0, s0 + len(before), para)
        return None if span is None else Attribution(content=span, source=source, cue=Span.of(text, c0, c1))
    content = _content_after(text, c1 + (m_that.end() if m_that else 0), s1)
    if content[1] - content[0] < 2:
        return None
    return Attribution(content=Span.of(text, *content), source=source, cue=Span.of(text, c0, c1))


def _inside_quote(text: str, p0: int, pos: int) -> bool:
    """True when `pos` lies inside an open quotation of the paragraph starting at `p0`: an odd number of quote marks
    (“, ”, ", '' and ``) in between."""
    return quote_marks(text).count(p0, pos) % 2 == 1


class QuoteMarks:
    """Where a text's quote marks are, so that counting them between two offsets is a few bisections, not a scan of
    the stretch (counted from each paragraph start, a one-paragraph text of 40,000 sentences took minutes).

    `count(a, b)` equals `s.count("“") + s.count("”") + s.count('"') + s.count("''") + s.count("``")` for
    `s = text[a:b]`: a run of n apostrophes (or backticks) inside the stretch is n // 2 marks.
    """

    def __init__(self, text: str) -> None:
        self._single = [m.start() for m in re.finditer('[“”"]', text)]
        runs = sorted((m.start(), m.end()) for m in re.finditer(r"'{2,}|`{2,}", text))
        self._starts = [b for b, _ in runs]
        self._ends = [e for _, e in runs]
        self._before = [0, *itertools.accumulate((e - b) // 2 for b, e in runs)]  # marks in the runs before each

    def count(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        n = bisect.bisect_left(self._single, b) - bisect.bisect_left(self._single, a)
        lo = bisect.bisect_right(self._ends, a)  # the first run that ends after `a`
        hi = bisect.bisect_left(self._starts, b)  # past the last run that starts before `b`
        if lo >= hi:
            return n
        n += self._before[hi] - self._before[lo]
        for k in {lo, hi - 1}:  # the runs at either edge may be cut by the stretch
            start, end = self._starts[k], self._ends[k]
            n += (min(end, b) - max(start, a)) // 2 - (end - start) // 2
        return n


@lru_cache(maxsize=8)
def quote_marks(text: str) -> QuoteMarks:
    """The quote-mark index of `text` (cached: the rules ask about the same text thousands of times)."""
    return QuoteMarks(text)


_QUOTE_OR_STOP = re.compile(r"[.!?:]\s|[“”\"]|''")


def _content_before(text: str, s0: int, end: int, para: Span) -> Span | None:
    """Content that precedes its cue: a quote (which may open in an earlier sentence of the paragraph) or a clause."""
    seg = text[s0:end]
    inner = seg[:-1].rstrip() if seg.endswith(",") else seg
    close_len = 2 if inner.endswith("''") else 1 if inner[-1:] in _Q_CLOSE else 0
    if close_len:
        close = s0 + len(inner) - close_len
        if close_len == 2:
            opening = max(text.rfind("''", para.start, close), text.rfind("``", para.start, close))
        else:
            opening = max(text.rfind(q, para.start, close) for q in _Q_OPEN)
        start = opening if opening >= para.start else s0
        if s0 < start and text[s0:start].strip() and not _QUOTE_OR_STOP.search(text, s0, start):
            start = _trimmed(text, s0, start)[0]  # 'He was a “kind man,” she said': the words before a partial quote
        stop = end if text[end - 1] != "," or text[end - 2] in _Q_CLOSE else end - 1
        return Span.of(text, start, stop) if stop - start >= 3 else None
    s, e = _trimmed(text, s0, end)
    if m := _CONTENT_CONNECTIVE.match(text, s, e):
        s = m.end()  # "But the plan failed, officials said": the content starts at "the plan"
    if len(text[s:e].split()) < _LEAD_WORDS:
        return None  # "Then, last week, Eric Trump called." has no content
    return Span.of(text, s, e)


def _without_trailing_time(text: str, a: int, b: int) -> int:
    """The end of text[a:b] without a trailing time ("this week", "on Monday"), unless a participle governs it."""
    if (m := _TRAILING_TIME.search(text, a, b)) and not _PARTICIPLE_BEFORE.search(text, a, m.start() + 1):
        return _trimmed(text, a, m.start())[1]
    return b


def _source_left(text: str, s0: int, c0: int) -> tuple[int, int] | None:
    """The noun phrase just left of a cue: back to the nearest clause boundary, without leading connectives."""
    seg = text[s0:c0]
    stripped = seg.rstrip()
    if not stripped:
        return None
    if stripped[-1] in ',;:—–“”"’(':
        return None
    tokens = list(_TOKEN.finditer(seg))
    if not tokens:
        return None
    if tokens[-1].group(0).lower() in ("who", "which"):
        t = tokens[-1]
        return s0 + t.start(), s0 + t.end()  # "officials who said": the relative pronoun is the source
    start_tok = len(tokens)
    n_words = 0
    while start_tok > 0:
        tok = tokens[start_tok - 1].group(0)
        low = tok.lower()
        if tok in ',;:—–-“”"‘«»()' or tok.strip("'’`") == "" or low in ("--", "which"):
            break
        if low in _CLAUSE_WORDS:
            if start_tok == len(tokens):
                return None
            if low == "and" and (k := _name_conjunct(tokens, start_tok - 1)) is not None:
                start_tok = k  # "He and Brafman said", "Ana Diaz and her lawyer said": both are the source
            break
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
    # trailing adverbs ("She first said", "Gowdy earlier Thursday said") stay out of the source, but not a time that
    # a participle governs ("A court document filed Thursday says", "a poll taken last week")
    b = _without_trailing_time(text, a, b)  # "The mayor on Monday said": "on" goes with the day
    while b > a:
        k = text.rfind(" ", a, b)
        if k < 0 or text[k + 1 : b].lower() not in _TRAILING_ADVERBS or _PARTICIPLE_BEFORE.search(text, a, k + 1):
            break
        b = k
        a, b = _trimmed(text, a, b)
    b = _without_trailing_time(text, a, b)  # "The committee this week said": after the adverbs went
    if text[a:b].lower().startswith("with ") and text[a:b].count(" ") >= 1:
        a = _trimmed(text, a + 4, b)[0]  # "with 22 percent saying ...": an absolute construction
    if m := _FINAL_PRONOUN.search(text, a, b):
        a = m.start(1)  # "every time he thinks" / "in September she said" -> "he" / "she"
    if b <= a or _STARTS_WITH_PREPOSITION.match(text, a, b):
        return None
    if m := _CONTRACTION.search(text, a, b):
        b = m.start()  # "He’s said"
    if (m := _NESTED_CUE.search(text, a, b)) and m.end() < b:
        a = m.end()  # "She said the landlord had not explained": a nested attribution, the source is "the landlord"
    if (
        not _RELATIVE.search(text, a, b)
        and (m := _VERB_IN_SOURCE.search(text, a, b))
        and not _participle_modifier(text, m)
    ):
        a = _trimmed(text, m.end(), b)[0]  # "The council approved a resolution calling" -> "a resolution"
    if b <= a:
        return None
    words = text[a:b].lower().split()
    first, last = words[0], words[-1]
    # an adverb ends no source ("officials quickly"), but a name may end in -ly ("Kelly", "Ms. Donnelly")
    if (
        last in _BAD_SOURCE_END
        or last.endswith(("n't", "n’t"))
        or (last.endswith("ly") and not text[:b].split()[-1][:1].isupper())
    ):
        return None
    if not text[a].isalnum() or (len(words) == 1 and first.endswith("ing") and text[a].islower()):
        return None
    if len(words) == 1 and first in _DETERMINERS and first not in ("one", "another"):
        return None
    if len(words) == 1 and text[a].islower() and not _plausible_bare_source(first):
        return None  # "live tweeted"
    clause = ("who", "which", "that", "whose")
    if any(w in _VERBISH for w in words) and not any(w in clause for w in words):
        return None
    return a, b


_PARTICIPLE_NEXT = re.compile(
    r"(?:by|in|on|at|from|to|with|for|last|this|earlier|" + _WEEKDAYS + "|"
    r"january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


def _participle_modifier(text: str, m: re.Match[str]) -> bool:
    """True when the -ed word that `_VERB_IN_SOURCE` found modifies a noun rather than being the clause's verb: after
    a determiner ("a retired teacher", "the registered voters") or before its own phrase ("a poll released Tuesday")."""
    end = m.end() - 1
    start = text.rfind(" ", m.start(), end) + 1 if text.rfind(" ", m.start(), end) >= 0 else m.start()
    before = text[m.start() : start].split()[-1:]
    if before and before[0].lower() in _DETERMINERS | {"some", "many", "most", "all", "of", "among", "for", "with"}:
        return True
    return _PARTICIPLE_NEXT.match(text, m.end()) is not None


def _name_conjunct(tokens: list[re.Match[str]], and_index: int) -> int | None:
    """The first token of a name or pronoun of one to four words that ends just before "and" at `and_index` and starts
    the clause (sentence start, punctuation or a clause word before it); None when there is none."""
    k = and_index
    while k > 0 and and_index - k < 4:
        tok = tokens[k - 1].group(0)
        if not (tok[:1].isupper() or tok.lower() in ("he", "she", "they", "we", "i")):
            break
        k -= 1
    if k == and_index:
        return None
    before = tokens[k - 1].group(0).lower() if k > 0 else ""
    if k > 0 and before not in _CLAUSE_WORDS and before not in (",", ";", ":", "—", "–", "“", '"'):
        return None
    return k


def _plausible_bare_source(word: str) -> bool:
    """A single lowercase word can be a source if it is a pronoun, a group noun or a plural ("officials")."""
    return (
        word in lx.PERSONAL_PRONOUNS
        or word in lx.OTHER_PRONOUNS
        or word in lx.VAGUE_HEADS
        or word in lx.ANONYMOUS_HEADS
        or word in ("we", "you", "i", "one", "another", "police", "authorities")
        or (word.endswith("s") and not word.endswith("ss"))
    )


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


@lru_cache(maxsize=8192)
def classify_source(text: str, *, outlet: str | None = None) -> tuple[SourceKind, SourceSubtype | None]:
    """Type a source phrase: named (outlet/person/organisation/other), vague, anonymous or self (memoised: pronoun
    resolution types every personal name before each "he"/"she")."""
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
    if head in lx.INDEFINITE_PRONOUNS:
        return "vague", None
    if _SHARE.match(low):
        return "vague", None  # "52 percent of registered voters", "nine in 10 Democrats": a share of a group
    for q in (*lx.VAGUE_QUANTIFIERS, "those", "these"):
        if low.startswith(q + " ") or low == q:
            return "vague", None
    if low in ("some", "many", "others", "critics", "observers", "experts", "analysts") or (
        head in lx.VAGUE_HEADS and not has_name
    ):
        return "vague", None
    if _bare_plural_group(phrase, head_words):
        return "vague", None  # "militants", "Foreign sponsors", "Syrian rebels": an unnamed group
    single = not re.search(r",|\b(?:and|or|nor)\b", head_part)  # "Sanders and his supporters" stays named
    if single and _group_head(phrase, head_words) and not _names_after(phrase, len(head_part.split())):
        return "vague", None  # "Sanders supporters", "Budget analysts", "the dockworkers waiting at the gates"
    if has_name:
        return "named", _named_subtype(words, caps)
    if words[0] in ("the", "this", "that", "its", "his", "her", "their"):
        sub = _named_subtype(words, caps)
        return "named", sub
    if words[0] in ("a", "an", "one", "another"):
        return "anonymous", None
    return "named", _named_subtype(words, caps)


_SHARE = re.compile(
    r"(?:(?:more|fewer|less) than |about |nearly |almost |roughly |over |just )?"
    r"(?:\d[\d.,]*|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:%|percent\b|per cent\b|in (?:\d+|ten)\b|"
    r"out of\b)"
)


def _bare_plural_group(phrase: str, head_words: list[str]) -> bool:
    """A plural head without a determiner or a proper name, maybe after an adjective or a demonym."""
    if not head_words or len(head_words) > 3 or head_words[0] in _DETERMINERS:
        return False
    head = head_words[-1]
    if not head.endswith("s") or head.endswith(("ss", "’s", "'s")) or head in lx.ORGANISATION_WORDS:
        return False
    tokens = phrase.split()[: len(head_words)]
    if any(t[:1].isupper() for t in tokens[1:]):
        return False
    first = tokens[0]
    return not first[:1].isupper() or (len(tokens) > 1 and first.lower().endswith(_GROUP_ADJECTIVE_ENDINGS))


def _group_head(phrase: str, head_words: list[str]) -> str | None:
    """The plural group noun heading a source phrase, maybe before a participle ("the dockworkers waiting"); lowercase
    unless it opens the phrase ("Voters"), since "the United Mine Workers" is a name."""
    last = head_words[-1]
    if len(head_words) > 1 and last.endswith(("ing", "ed")):
        last = head_words[-2]
    if not (last in lx.GROUP_HEADS or last.endswith("workers")):
        return None
    return last if re.search(rf"\b{re.escape(last)}\b", phrase) or len(head_words) == 1 else None


def _names_after(phrase: str, n_head: int) -> bool:
    """True when the phrase's words after its first `n_head` carry a proper name ("experts at Harvard")."""
    caps = [w for w in phrase.split()[n_head:] if w[:1].isupper()]
    return any(c.lower().strip(".,") not in lx.PERSON_TITLES and c.lower() not in _DETERMINERS for c in caps)


_GROUP_ADJECTIVE_ENDINGS = ("ign", "al", "ic", "an", "ese", "ish", "ous", "ern", "ive", "ed", "ing", "ny", "me", "er")
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
    if last in lx.PARTY_MEMBERS:
        return "organisation"  # "Democrats", "House Republicans"
    if last in lx.EVIDENCE_HEADS:
        return "other"  # "A Suffolk University poll", "the report"
    if wordset & lx.PERSON_TITLES and caps and caps[-1].lower() == last and last not in lx.ORGANISATION_WORDS:
        return "person"
    if wordset & lx.ORGANISATION_WORDS:
        return "organisation"
    if wordset & lx.PERSON_TITLES:
        return "person"
    names = [c for c in caps if c[:1].isupper() and c.lower() not in _DETERMINERS]
    if names and last in lx.INSTITUTION_LAST_WORDS:
        if len(names) == 2 and words[0] not in _DETERMINERS and names[0].lower() not in lx.INSTITUTION_FIRST_WORDS:
            return "person"  # "John House", "Mary Hall": a given name, then a surname that is an institution word
        return "organisation"  # "the White House", "United Nations", "City Hall"
    if names and (names[0].lower().strip(".") in lx.PLACE_FIRST_WORDS or last in lx.PLACE_LAST_WORDS):
        return "other"  # "New York", "Los Angeles", "Gaza Strip"
    if 1 <= len(names) <= 4 and len(words) <= 5 and all(len(c) > 1 for c in names):
        return "person" if len(names) >= 2 or len(words) == 1 else "other"
    return "other"


def attribution_by_sentence(doc: Document) -> dict[int, int]:
    """Sentence index -> attribution index: the attribution whose content overlaps the sentence most, else the one
    whose cue lies in it; a quote that continues an attributed quote in the same paragraph inherits it."""
    best: dict[int, tuple[int, int]] = {}  # sentence -> (overlap, attribution)
    for j, att in enumerate(doc.attributions):
        spans = [(c, True) for c in att.content_spans] + ([(att.cue, False)] if att.cue else [])
        for span, is_content in spans:
            i = max(doc.sentence_index(span.start), 0)
            while i < len(doc.sentences) and doc.sentences[i].start < max(span.end, span.start + 1):
                sent = doc.sentences[i]
                overlap = min(span.end, sent.end) - max(span.start, sent.start) if is_content else 0
                if (overlap > 0 or not is_content) and (i not in best or overlap > best[i][0]):
                    best[i] = (overlap, j)
                i += 1
    out = {i: j for i, (_, j) in best.items()}
    for i, sent in enumerate(doc.sentences):
        if (
            i not in out
            and (i - 1) in out
            and doc.sentences[i - 1].paragraph == sent.paragraph
            and doc.text[sent.start : sent.start + 1] in '“"'
        ):
            out[i] = out[i - 1]  # a quote continuing the previous sentence's attributed quote
    return out
