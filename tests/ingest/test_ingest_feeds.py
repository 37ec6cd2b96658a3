"""RSS and Atom feeds: one Document per entry, link-only entries fetched, failures skipped per entry."""

from __future__ import annotations

import pytest
from ingest_http import Route

from newsaudit.document import Document
from newsaudit.errors import FetchError, InputError
from newsaudit.ingest import fetch_document
from newsaudit.ingest.feeds import iter_feed
from newsaudit.ingest.html import fragment_text
from newsaudit.ingest.records import SkippedRecord
from newsaudit.settings import Settings

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Coast Courier</title><link>https://news.example/</link>
<item><title>Harbour shut</title><link>https://news.example/harbour</link>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><author>jane@news.example (Jane Roe)</author>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>The harbour was <b>closed</b> on Tuesday, officials said.</p>
<p>About 300 boats stayed in port.</p>]]></content:encoded>
</item>
<item><title>Link only</title><link>{link}</link></item>
<item><title>Summary only</title><description>The ferry will run from Dunmore, the operator said.</description></item>
<item><title>Nothing</title></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Courier</title><id>urn:x</id>
<updated>2024-03-05T10:00:00Z</updated>
<entry><title>Pier repairs</title><id>urn:1</id><link href="https://news.example/pier"/>
<updated>2024-03-06T09:30:00Z</updated>
<content type="html">&lt;p&gt;Repairs will take weeks, the port authority said.&lt;/p&gt;</content></entry>
</feed>
"""

SETTINGS = Settings(allow_private_urls=True, fetch_timeout=5.0)


def test_rss_entries(local_server) -> None:
    body = (
        b"<html><body><article><p>The link-only article: the harbour at Kellmouth was closed on Tuesday after a "
        b"storm damaged the main pier, the port authority said in a statement.</p></article></body></html>"
    )
    local_server.routes["/linked"] = Route(body=body)
    data = RSS.format(link=local_server.url("/linked")).encode("utf-8")
    items = list(iter_feed(data, SETTINGS, name="feed.xml", fetch_link=fetch_document))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Document", "SkippedRecord"]
    first, linked, summary, nothing = items
    assert isinstance(first, Document)
    assert first.text == "The harbour was closed on Tuesday, officials said.\n\nAbout 300 boats stayed in port."
    assert (first.title, first.outlet, first.url) == ("Harbour shut", "Coast Courier", "https://news.example/harbour")
    assert first.published == "2024-03-05T10:00:00Z"
    assert first.cache["ingest.where"] == "entry 1"
    assert isinstance(linked, Document)
    assert "link-only article" in linked.text
    assert linked.title == "Link only"
    assert linked.url == local_server.url("/linked")
    assert summary.text == "The ferry will run from Dunmore, the operator said."
    assert isinstance(nothing, SkippedRecord)
    assert nothing.where == "entry 4"


def test_link_fetch_failure_skips_only_that_entry() -> None:
    def refuse(link: str, settings: Settings) -> Document:
        raise FetchError(f"refused {link}: 10.0.0.1 is a private address")

    items = list(iter_feed(RSS.format(link="http://10.0.0.1/x").encode(), Settings(), fetch_link=refuse))
    assert isinstance(items[1], SkippedRecord)
    assert items[1].where == "entry 2"
    assert "private address" in items[1].reason
    assert isinstance(items[0], Document)
    assert isinstance(items[2], Document)


def test_atom_entry() -> None:
    (doc,) = list(iter_feed(ATOM.encode(), Settings()))
    assert isinstance(doc, Document)
    assert doc.text == "Repairs will take weeks, the port authority said."
    assert doc.url == "https://news.example/pier"
    assert doc.published == "2024-03-06T09:30:00Z"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some words, not a feed", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "no entries"),
    ],
)
def test_not_a_feed(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        iter_feed(data, Settings(), name="feed.xml")


@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#x110000;", "&#99999999999999999999;", "&#0;"])
def test_character_reference_to_no_character_becomes_a_replacement_character(ref: str) -> None:
    # feedparser raised UnicodeEncodeError / ValueError / OverflowError on these: an internal error for the whole feed
    data = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Courier</title>'
        f"<item><title>Pier{ref}</title><description>The pier{ref} shut, officials said.</description></item>"
        "<item><title>Ferry</title><description>The ferry runs again.</description></item></channel></rss>"
    ).encode()
    items = list(iter_feed(data, Settings(), name="feed.xml"))
    assert [i.text for i in items] == ["The pier\ufffd shut, officials said.", "The ferry runs again."]
    assert items[0].title == "Pier\ufffd"


def test_entry_html_nested_past_the_parser_depth_limit_keeps_its_text() -> None:
    # libxml2 stops at 256 nested elements and dropped the text below: the entry had "no content"
    deep = "<b>" * 300 + "The pier shut, <i>officials</i> said.<br>Next &lt;x&gt;"
    html = "<p>First paragraph &amp; more.</p>" + deep
    assert fragment_text(html) == "First paragraph & more.\n\nThe pier shut, officials said.\n\nNext <x>"
    assert fragment_text("<b>" * 3 + "The pier shut.") == "The pier shut."
