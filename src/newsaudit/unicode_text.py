"""Text characters that need care: lone UTF-16 surrogates (a Python str can hold one, JSON may spell "\\ud800" without
its pair, no encoding can write it) and the line breaks str.splitlines() knows."""

from __future__ import annotations

import re

SURROGATE = re.compile("[\ud800-\udfff]")
# The characters str.splitlines() breaks lines at, and one such break as a pattern ("\r\n" is one break, so a "\r"
# right before "\n" is never a break of its own).
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
LINE_BREAK = "(?:\r\n|\r(?!\n)|[" + LINE_BREAKS.replace("\r", "") + "])"


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
