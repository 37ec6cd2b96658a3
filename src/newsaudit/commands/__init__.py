"""CLI subcommands: each module defines `register(subparsers)` and sets `func(args, settings) -> int`."""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL: in a file name, an error or a stored article they could break a one-line
# message or drive the terminal (colours, the window title, the clipboard).
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROLS_BUT_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` for a terminal: each control character (tab aside, newlines too unless kept) shown as `\\xNN`."""
    pattern = _CONTROLS_BUT_NEWLINE if keep_newlines else _CONTROLS
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
