"""HTML pages through trafilatura: main text, metadata, and a clear error when there is no article."""

from __future__ import annotations

import pytest

from newsaudit.errors import InputError
from newsaudit.ingest.html import declared_charset, fragment_text, from_html


def test_article_text_and_metadata(article_html: str) -> None:
    doc = from_html(article_html.encode("utf-8"), "page.html", url="https://news.example/harbour")
    assert doc.title == "Harbour shut after storm"
    assert doc.author == "Jane Roe"
    assert doc.outlet == "Coast Courier"
    assert doc.published == "2024-03-05"
    assert doc.url == "https://news.example/harbour"
    assert "About 300 fishing boats were unable to leave" in doc.text
    # Navigation, footer and script are not part of the article.
    assert "Home" not in doc.text
    assert "pwned" not in doc.text
    assert "Copyright" not in doc.text
    # One paragraph per block, separated by blank lines like plain text.
    assert "\n\nAbout 300 fishing boats" in doc.text


def test_str_and_bytes_give_the_same_document(article_html: str) -> None:
    assert from_html(article_html).text == from_html(article_html.encode("utf-8")).text


def test_declared_legacy_charset_is_honoured(article_html: str) -> None:
    page = article_html.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "the port authority said", "the port authority’s café manager said"
    )
    data = page.encode("cp1252")
    assert declared_charset(data) == "windows-1252"
    assert "the port authority’s café manager said" in from_html(data).text


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body>",
        "<html><body></body></html>",
        "<html><body><script>var x = 1;</script><div>   </div></body></html>",
        "<html><body><h1>404 Not Found</h1><p>The page could not be found.</p></body></html>",
    ],
)
def test_html_with_no_article_is_refused(page: str) -> None:
    with pytest.raises(InputError, match=r"no article found in page\.html"):
        from_html(page.encode(), "page.html")


def test_empty_html_is_refused() -> None:
    with pytest.raises(InputError, match="is empty"):
        from_html(b"", "page.html")
    with pytest.raises(InputError, match="is empty"):
        from_html("  \n", "page.html")


def test_binary_sent_as_html_is_refused() -> None:
    with pytest.raises(InputError, match="PNG image"):
        from_html(b"\x89PNG\r\n\x1a\n" + bytes(100), "page.html")


def test_fragment_text_keeps_paragraphs_and_drops_scripts() -> None:
    fragment = "<p>The pier was <b>closed</b>.</p><script>alert(1)</script><ul><li>One</li><li>Two</li></ul>tail"
    assert fragment_text(fragment) == "The pier was closed.\n\nOne\n\nTwo\n\ntail"
    assert fragment_text("no markup at all") == "no markup at all"
