"""CLI subcommands: each module defines `register(subparsers)` and sets `func(args, settings) -> int`."""
