"""Settings from TOML and flags: known keys only, each of the type and range its default has."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit.errors import InputError
from newsaudit.settings import Settings


def test_a_settings_file_overrides_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "newsaudit.toml"
    path.write_text('[newsaudit]\nmax_input_bytes = 1000\nfetch_timeout = 2\nmodel_dir = "/models"\n')
    settings = Settings.load(path, use_models=False)
    assert (settings.max_input_bytes, settings.fetch_timeout, settings.model_dir) == (1000, 2, "/models")
    assert settings.use_models is False


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"max_input_bytes": -5}, "max_input_bytes must be a whole number above 0"),
        ({"batch_size": 1.5}, "batch_size must be a whole number above 0"),
        ({"fetch_timeout": float("nan")}, "fetch_timeout must be a number above 0"),
        ({"server_max_latency": 0}, "server_max_latency must be a number above 0"),
        ({"use_models": "yes"}, "use_models must be true or false"),
        ({"model_dir": 3}, "model_dir must be a string"),
        ({"max_bytes": 3}, "unknown setting(s): max_bytes"),
    ],
)
def test_a_bad_setting_is_named(values: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings().merged(values)
