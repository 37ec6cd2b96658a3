"""Plain text: decoding, binary and empty input, size limits, the title rule, offsets kept exact."""

from __future__ import annotations

import codecs
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.errors import InputError
from newsaudit.ingest.text import decode, from_text, plain_title, read_file, read_limited

# Text a user may give: any printable character, plus tabs and both kinds of line ending; no other controls.
article_text = (
    st.lists(
        st.one_of(st.characters(blacklist_categories=("Cc", "Cs")), st.sampled_from(["\n", "\r\n", "\r", "\t", " "])),
        min_size=1,
    )
    .map("".join)
    .filter(lambda t: bool(t.strip()) and not t.startswith("\ufeff"))
)


def test_empty_input_is_refused() -> None:
    with pytest.raises(InputError, match="is empty"):
        decode(b"", "a.txt")


def test_whitespace_only_input_is_refused() -> None:
    with pytest.raises(InputError, match="only whitespace"):
        decode(b" \n\r\n\t ", "a.txt")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF file"),
        (b"PK\x03\x04" + bytes(50), "ZIP archive"),
        (b"hello\x00world\x00" * 20, "NUL bytes"),
        (bytes(range(1, 32)) * 40, "control characters"),
    ],
)
def test_binary_input_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(InputError, match=kind):
        decode(data, "x.bin")


def test_windows_1252_is_detected() -> None:
    text = "Café crème and the “quoted” naïve text. The harbour was closed on Tuesday, officials said.\n"
    assert decode(text.encode("cp1252")) == text


def test_undecodable_bytes_give_a_clear_error() -> None:
    with pytest.raises(InputError, match="not valid UTF-8 and no other text encoding fits"):
        decode(bytes(range(0x80, 0x100)) * 4, "x.txt")


def test_declared_charset_is_used_first() -> None:
    assert decode("Straße".encode("latin-1") + b" closed today", charset="latin-1") == "Straße closed today"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_decode_and_are_stripped(encoding: str) -> None:
    text = "Harbour shut\r\n\r\nThe pier was damaged, officials said."
    assert decode(text.encode(encoding)) == text


def test_line_endings_are_kept_as_given() -> None:
    assert decode(b"a line\r\nanother\rthird\n") == "a line\r\nanother\rthird\n"


@settings(max_examples=50)
@given(article_text)
def test_utf8_round_trip_keeps_every_character(text: str) -> None:
    assert decode(text.encode("utf-8")) == text
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == text


@settings(max_examples=50)
@given(article_text)
def test_utf16_with_bom_round_trips(text: str) -> None:
    assert decode(text.encode("utf-16")) == text


@settings(max_examples=50)
@given(article_text)
def test_plain_document_text_is_the_whole_input(text: str) -> None:
    doc = from_text(text)
    assert doc.text == text
    if doc.title is not None:
        first_line = text.split("\n", 1)[0]
        assert first_line.strip() == doc.title
        assert text.find(doc.title) == first_line.find(doc.title)
        assert len(doc.title) <= 200


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Harbour shut\n\nThe pier was damaged.", "Harbour shut"),
        ("Harbour shut\r\n\r\nThe pier was damaged.", "Harbour shut"),
        ("  Harbour shut  \n   \nBody.", "Harbour shut"),
        ("Harbour shut\nThe pier was damaged.", None),
        ("One line only", None),
        ("\n\nBody after blank lines.", None),
        ("x" * 201 + "\n\nBody.", None),
        ("x" * 200 + "\n\nBody.", "x" * 200),
    ],
)
def test_title_rule(text: str, title: str | None) -> None:
    assert plain_title(text) == title
    assert from_text(text).text == text


class CountingStream(io.RawIOBase):
    """An endless stream that counts how much was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "an unbounded read of an endless stream"
        self.read_bytes += size
        return b"a" * size


def test_streams_are_read_only_up_to_the_limit() -> None:
    stream = CountingStream()
    with pytest.raises(InputError, match="larger than the 1 kB input limit"):
        read_limited(stream, 1000, "standard input")  # type: ignore[arg-type]
    assert stream.read_bytes == 1001


def test_a_50_mb_file_is_refused_before_reading(tmp_path, monkeypatch) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: no disk space used
    opened: list[str] = []
    real_open = type(big).open

    def spy_open(self, *args, **kwargs):
        opened.append(str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(big), "open", spy_open)
    with pytest.raises(InputError, match="larger than the 20 MB input limit"):
        read_file(big, 20_000_000)
    assert opened == []


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.txt", 100)
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path, 100)


def test_large_legacy_input_is_detected_on_a_sample(monkeypatch) -> None:
    from newsaudit.ingest import text as text_module

    monkeypatch.setattr(text_module, "DETECTION_SAMPLE_BYTES", 300)
    article = "Café crème and the “quoted” naïve text. The harbour was closed on Tuesday, officials said.\n\n" * 30
    assert len(article) > 2000
    assert decode(article.encode("cp1252")) == article
