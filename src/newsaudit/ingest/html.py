"""HTML pages to Documents through trafilatura: the main text plus title, author, date and site name."""

from __future__ import annotations

import html as htmllib
import re
import warnings

from newsaudit.document import Document
from newsaudit.errors import InputError
from newsaudit.ingest.text import decode

# A page whose main text has fewer words than this is treated as having no article (menus, error pages).
MIN_ARTICLE_WORDS = 15

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def extract(html: str, *, url: str | None = None) -> dict[str, str | None]:
    """Run trafilatura on a page: {"text", "title", "author", "published", "outlet"}; text is None if none found."""
    import trafilatura  # slow to import: only when HTML is actually read

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
        except Exception as exc:  # trafilatura/lxml raise many types on broken markup
            raise InputError(f"cannot parse the HTML: {type(exc).__name__}: {exc}") from None
    if result is None:
        return {"text": None, "title": None, "author": None, "published": None, "outlet": None}
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    raw = data.get("text") or ""
    # trafilatura puts one paragraph (or heading) per line: separate them by blank lines, like plain text.
    paragraphs = [line.strip() for line in raw.split("\n") if line.strip()]
    return {
        "text": "\n\n".join(paragraphs) or None,
        "title": _clean(data.get("title")),
        "author": _clean(data.get("author")),
        "published": _clean(data.get("date")),
        "outlet": _clean(data.get("sitename")),
    }


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def from_html(
    html: str | bytes, name: str = "the page", *, url: str | None = None, charset: str | None = None
) -> Document:
    """A Document from an HTML page; raises InputError when the page has no article text."""
    if isinstance(html, bytes):
        html = decode(html, name, charset or declared_charset(html))
    elif not html.strip():
        raise InputError(f"{name} is empty")
    found = extract(html, url=url)
    text = found["text"]
    words = len(_WORD.findall(text)) if text else 0
    if words < MIN_ARTICLE_WORDS:
        raise InputError(
            f"no article found in {name}: its main text has {words} word(s), fewer than {MIN_ARTICLE_WORDS}"
        )
    assert text is not None
    return Document(
        text=text,
        title=found["title"],
        url=url,
        published=found["published"],
        outlet=found["outlet"],
        author=found["author"],
    )


_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br")
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(_BLOCK_TAGS) + r")\b[^>]*>", re.IGNORECASE)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _flat_text(fragment: str) -> str:
    """`fragment_text` without a tree, for markup nested too deeply to parse: block tags end paragraphs, others go."""
    marked = _BLOCK_TAG.sub("\0", _SCRIPT.sub(" ", fragment.replace("\0", " ")))
    text = htmllib.unescape(_TAG.sub("", marked))
    blocks = (" ".join(block.split()) for block in text.split("\0"))
    return "\n\n".join(block for block in blocks if block)


def fragment_text(fragment: str) -> str:
    """Readable text from an HTML fragment (a feed entry's content), paragraphs separated by blank lines."""
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except Exception:  # not markup at all: keep it as text
        return fragment.strip()
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        # Nested deeper than libxml2's limit (256 elements: unclosed inline tags add up); it drops what lies deeper.
        return _flat_text(fragment)
    blocks: list[str] = []
    block_tags = set(_BLOCK_TAGS)
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    current: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            blocks.append(line)
        current.clear()

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in block_tags:
            flush()
        if el.text and isinstance(el.tag, str):
            current.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if tag in block_tags:
            flush()

    walk(root)
    flush()
    return "\n\n".join(blocks)
