"""Fact-check parsers: ClaimReview JSON/JSON-LD/HTML, CheckThat! TSV, CSV; stable ids; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsaudit.errors import InputError, RecordError
from newsaudit.matching.factchecks import FactCheck, factcheck_id, read_factchecks

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checker.example/harbour-toll",
    "claimReviewed": "The harbour toll tripled overnight.",
    "name": "No, the harbour toll did not triple",
    "datePublished": "2024-03-02",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
}


def records(path: Path) -> list[FactCheck | RecordError]:
    return list(read_factchecks(path))


def test_single_claimreview_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REVIEW), encoding="utf-8")
    (fc,) = records(path)
    assert isinstance(fc, FactCheck)
    assert fc.claim == "The harbour toll tripled overnight."
    assert fc.rating == "False"
    assert fc.publisher == "Example Checks"
    assert fc.published == "2024-03-02"
    assert fc.title == "No, the harbour toll did not triple"
    assert fc.id == factcheck_id(fc.claim, fc.url)


def test_list_graph_and_other_nodes(tmp_path: Path) -> None:
    second = dict(REVIEW, claimReviewed="Bridges close at noon.", url="https://checker.example/bridges")
    doc = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "x"}, REVIEW, second]}
    path = tmp_path / "graph.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    got = records(path)
    assert [r.claim for r in got if isinstance(r, FactCheck)] == [REVIEW["claimReviewed"], "Bridges close at noon."]
    path2 = tmp_path / "list.json"
    path2.write_text(json.dumps([REVIEW, second]), encoding="utf-8")
    assert len(records(path2)) == 2


def test_html_ld_json(tmp_path: Path) -> None:
    page = (
        "<html><head><script type='application/ld+json'>" + json.dumps(REVIEW) + "</script>"
        '<script type="text/javascript">var x = 1;</script></head><body>hi</body></html>'
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    (fc,) = records(path)
    assert isinstance(fc, FactCheck) and fc.rating == "False"


def test_malformed_claimreview_is_a_one_line_record_error(tmp_path: Path) -> None:
    bad = {k: v for k, v in REVIEW.items() if k != "claimReviewed"}
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([REVIEW, bad, 7]), encoding="utf-8")
    got = records(path)
    assert isinstance(got[0], FactCheck)
    errors = [r for r in got if isinstance(r, RecordError)]
    assert len(errors) == 2
    assert "[1]" in str(errors[0]) and "claimReviewed" in str(errors[0])
    assert all("\n" not in str(e) for e in errors)


def test_invalid_json_file_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"@type": "ClaimReview", "claimReviewed": ', encoding="utf-8")
    with pytest.raises(InputError, match="invalid JSON at line 1"):
        records(path)
    with pytest.raises(InputError, match="no such file"):
        records(tmp_path / "missing.json")
    empty = tmp_path / "empty.json"
    empty.write_text("  ", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        records(empty)


def test_jsonl_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "reviews.jsonl"
    path.write_text(json.dumps(REVIEW) + "\n{oops\n" + json.dumps(REVIEW) + "\n", encoding="utf-8")
    got = records(path)
    assert [type(r).__name__ for r in got] == ["FactCheck", "RecordError", "FactCheck"]
    assert ":2:" in str(got[1])


def test_checkthat_tsv(tmp_path: Path) -> None:
    path = tmp_path / "vclaims.tsv"
    path.write_text('\tvclaim\ttitle\n0\tCats can "read" maps.\tDo cats read maps?\n1\tno title here\n2\n', "utf-8")
    got = records(path)
    assert got[0] == FactCheck("0", 'Cats can "read" maps.', "Do cats read maps?")
    assert got[1] == FactCheck("1", "no title here")
    assert isinstance(got[2], RecordError) and ":4:" in str(got[2])


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "checks.csv"
    path.write_text(
        "claim,rating,url,publisher,date,title\n"
        '"Rain, sleet and snow fell in July",False,https://c.example/1,Checkers,2023-07-02,Snow in July?\n'
        ",True,https://c.example/2,Checkers,2023-07-03,\n",
        encoding="utf-8",
    )
    fc, err = records(path)
    assert isinstance(fc, FactCheck) and fc.claim == "Rain, sleet and snow fell in July"
    assert fc.published == "2023-07-02" and fc.publisher == "Checkers"
    assert isinstance(err, RecordError) and "empty claim" in str(err)
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'claim' column"):
        records(nohead)


def test_ids_are_stable_across_reads_and_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REVIEW), encoding="utf-8")
    first = records(path)
    assert first == records(path)
    spaced = dict(REVIEW, claimReviewed="  The harbour   toll tripled overnight. ")
    path.write_text(json.dumps(spaced), encoding="utf-8")
    assert records(path)[0].id == first[0].id  # type: ignore[union-attr]
    given = dict(REVIEW, identifier="chk-42")
    path.write_text(json.dumps(given), encoding="utf-8")
    assert records(path)[0].id == "chk-42"  # type: ignore[union-attr]


def test_checkthat_csv_quoted_cells_are_unquoted(tmp_path: Path) -> None:
    path = tmp_path / "vclaims.tsv"
    path.write_text('\tvclaim\ttitle\n5\t"The mayor said ""never"" twice."\tDid the mayor say "never"?\n', "utf-8")
    (fc,) = records(path)
    assert isinstance(fc, FactCheck) and fc.claim == 'The mayor said "never" twice.'
    assert fc.title == 'Did the mayor say "never"?'


def test_utf16_and_legacy_encodings_are_read_binary_refused(tmp_path: Path) -> None:
    # Spreadsheets save "Unicode text" as UTF-16 with a byte-order mark; only strict UTF-8 was read before
    path = tmp_path / "checks.csv"
    path.write_bytes("claim,rating\nThe café closed for good,False\n".encode("utf-16"))
    (fc,) = records(path)
    assert isinstance(fc, FactCheck) and fc.claim == "The café closed for good"
    path.write_bytes("claim,rating\nThe café closed for good,False\n".encode("cp1252"))
    (fc,) = records(path)
    assert isinstance(fc, FactCheck) and fc.claim == "The café closed for good"
    binary = tmp_path / "checks.json"
    binary.write_bytes(b"\x00\x01\x02 not a fact-check file")
    with pytest.raises(InputError, match="binary data"):
        records(binary)


def test_unpaired_surrogate_escape_is_a_record_error(tmp_path: Path) -> None:
    # json.loads gives a str no encoding can write: computing the id or storing it raised UnicodeEncodeError
    path = tmp_path / "reviews.json"
    bad_claim = json.dumps(dict(REVIEW, claimReviewed="Tolls \ud800 tripled"))
    bad_url = json.dumps(dict(REVIEW, url="https://checker.example/\udcff"))
    google = json.dumps({"claims": [{"text": "Tolls tripled", "claimReview": [{"url": "u", "title": "\udfff"}]}]})
    path.write_text(f"[{bad_claim}, {bad_url}, {google}, {json.dumps(REVIEW)}]", encoding="utf-8")
    got = records(path)
    assert [type(r).__name__ for r in got] == ["RecordError", "RecordError", "RecordError", "FactCheck"]
    assert "[0]: the claim has an unpaired UTF-16 surrogate" in str(got[0])
    assert "[1]: url has an unpaired UTF-16 surrogate" in str(got[1])
    assert "[2].claims[0].claimReview[0]: title has an unpaired" in str(got[2])


def test_json_nested_too_deeply_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")  # was an internal RecursionError
    with pytest.raises(InputError, match=r"deep\.json: JSON arrays or objects nested too deeply to read"):
        records(path)
    path.write_text("[" * 900 + json.dumps(REVIEW) + "]" * 900, encoding="utf-8")
    (fc,) = records(path)
    assert isinstance(fc, FactCheck)


def test_csv_quote_never_closed_is_reported_not_swallowing_the_rest(tmp_path: Path) -> None:
    # csv (not strict) read everything after the stray quote, rows included, as one claim: rows were lost silently
    path = tmp_path / "checks.csv"
    path.write_text('claim,rating\nFirst claim,True\n"Second claim,False\nThird claim,True\n', encoding="utf-8")
    first, err = records(path)
    assert isinstance(first, FactCheck) and first.claim == "First claim"
    assert isinstance(err, RecordError)
    assert "checks.csv:3: a quoted field opened on this line is never closed" in str(err)
    path.write_text('claim,rating\n"Two\nlines",True\n"a""b",False\n', encoding="utf-8")
    assert [r.claim for r in records(path)] == ["Two lines", 'a"b']  # type: ignore[union-attr]
    path.write_text('"claim,rating\nx,y\n', encoding="utf-8")
    with pytest.raises(InputError, match="quoted field opened in the CSV header is never closed"):
        records(path)


def test_checkthat_tsv_with_columns_the_header_names(tmp_path: Path) -> None:
    path = tmp_path / "vclaims.tsv"
    path.write_text(
        "id\tvclaim\ttitle\tdate\n7\tTolls tripled.\tDid tolls triple?\t2020-01-01\n8\tA\tB\tC\tD\n", "utf-8"
    )
    fc, err = records(path)
    assert fc == FactCheck("7", "Tolls tripled.", "Did tolls triple?")
    assert isinstance(err, RecordError) and "expected 2 to 4 tab-separated columns, got 5" in str(err)
