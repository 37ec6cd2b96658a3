"""Lone UTF-16 surrogates: a Python str can hold one (JSON may spell "\\ud800" without its pair), no encoding can."""

from __future__ import annotations

import re

SURROGATE = re.compile("[\ud800-\udfff]")


def unicode_problem(value: str) -> str | None:
    """What makes `value` invalid Unicode text (an unpaired surrogate, which can be neither stored, hashed nor
    printed), or None."""
    match = SURROGATE.search(value)
    if match is None:
        return None
    return (
        f"has an unpaired UTF-16 surrogate (\\u{ord(match.group()):04x} at character {match.start()}),"
        " which is not valid Unicode text"
    )


def replace_surrogates(text: str) -> str:
    """`text` with each unpaired surrogate replaced by U+FFFD: one character for one, so offsets still hold."""
    return SURROGATE.sub("\ufffd", text)
