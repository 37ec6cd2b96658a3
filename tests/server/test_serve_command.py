"""`newsaudit serve`: refuses unsafe or broken configurations with one line and exit code 2, before binding."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit.cli import main


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["serve", "--host", "0.0.0.0"], "without --token"),
        (["serve", "--host", "192.168.1.20", "--port", "8123"], "without --token"),
        (["serve", "--workers", "0"], "--workers"),
        (["serve", "--port", "70000"], "--port"),
    ],
)
def test_refused_configurations(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsaudit: error: ") and fragment in err
    assert err.count("\n") == 1


def test_corrupt_db_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    assert main(["serve", "--db", str(bad), "--port", "8124"]) == 2
    err = capsys.readouterr().err
    assert "bad.db" in err and err.count("\n") == 1


def test_token_from_the_environment_allows_a_public_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """With NEWSAUDIT_TOKEN set the checks pass and uvicorn is started (replaced here, so nothing binds)."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setenv("NEWSAUDIT_TOKEN", "s3cret")
    monkeypatch.setenv("NEWSAUDIT_SERVE_CONFIG", "")  # restored after the test
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    assert main(["serve", "--host", "0.0.0.0", "--port", "8125", "--workers", "2"]) == 0
    assert calls and calls[0]["host"] == "0.0.0.0" and calls[0]["workers"] == 2 and calls[0]["factory"] is True
