"""One Settings object: shipped defaults, overridden by a user TOML file, then by flags."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError


@dataclass(frozen=True)
class Settings:
    """Limits and switches passed explicitly through ingest, analysis and outputs."""

    max_input_bytes: int = 20_000_000
    fetch_max_bytes: int = 5_000_000
    fetch_timeout: float = 15.0
    allow_private_urls: bool = False
    use_models: bool = True
    model_dir: str | None = None
    embedding_model_dir: str | None = None
    batch_size: int = 16
    server_max_latency: float = 2.0  # seconds: `newsaudit serve` admits a job only if it should finish by then
    server_max_job_seconds: float = 60.0  # seconds: a job expected to run longer is refused (413)

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        """Defaults, then the keys set in the `[newsaudit]` table of `path`, then non-None overrides."""
        settings = cls()
        if path is not None:
            try:
                data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read settings file {path}: {exc}") from exc
            settings = settings.merged(data.get("newsaudit", data))
        return settings.merged({k: v for k, v in overrides.items() if v is not None})

    def merged(self, values: dict[str, Any]) -> Settings:
        """A copy with `values` applied; an unknown key is an InputError."""
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise InputError(f"unknown setting(s): {', '.join(unknown)}")
        for name, value in values.items():
            if problem := _problem(str(known[name].type), value):
                raise InputError(f"setting {name} must be {problem}, not {value!r}")
        return replace(self, **values)


def _problem(kind: str, value: Any) -> str | None:
    """What a setting of type `kind` ("int", "float", "bool", "str | None") must be, if `value` is not that."""
    if kind == "bool":
        return None if isinstance(value, bool) else "true or false"
    if kind == "str | None":
        return None if value is None or isinstance(value, str) else "a string"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "int" and not (number and isinstance(value, int) and value > 0):
        return "a whole number above 0"
    if kind == "float" and not (number and math.isfinite(value) and value > 0):
        return "a number above 0"
    return None
