"""Settings: one declaration each, read from the environment, documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics import settings
from analytics.cli import main
from analytics.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def test_value_is_the_default_without_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", raising=False)
    assert settings.value("max_briefing_mb") == 10.0


def test_value_reads_and_parses_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", "2.5")
    assert settings.value("max_briefing_mb") == 2.5


def test_value_refuses_an_environment_value_it_cannot_use(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", "-1")
    with pytest.raises(
        InputError, match=r"MAX_BRIEFING_MB must be a positive number of MB; got '-1'"
    ):
        settings.value("max_briefing_mb")


def test_override_wins_and_ends_with_its_block(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFING_ATLAS_MAX_BRIEFING_MB", "3")
    with settings.override(max_briefing_mb=7.0):
        assert settings.value("max_briefing_mb") == 7.0
    assert settings.value("max_briefing_mb") == 3.0


def test_unknown_setting_is_refused():
    with pytest.raises(InputError, match=r"unknown setting; expected one of .*got 'colour'"):
        settings.value("colour")
    with pytest.raises(InputError, match=r"got 'colour'"):
        with settings.override(colour="blue"):
            pass


def test_names_and_environment_variables_are_unique():
    names = [s.name for s in settings.SETTINGS]
    envs = [s.env for s in settings.SETTINGS if s.env]
    assert len(names) == len(set(names)) and len(envs) == len(set(envs))
    assert all(env.startswith("BRIEFING_ATLAS_") for env in envs)
    assert all(s.help for s in settings.SETTINGS)


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in settings.SETTINGS if s.env and s.env not in readme]
    assert not missing


def test_no_module_reads_the_environment_but_settings():
    core = ROOT / "src" / "analytics"
    readers = [
        path.relative_to(core).as_posix()
        for path in core.rglob("*.py")
        if re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8"))
    ]
    assert readers == ["settings.py"]


def test_cli_lists_the_settings(capsys: pytest.CaptureFixture[str]):
    assert main(["settings"]) == 0
    printed = capsys.readouterr().out
    assert "max_briefing_mb (BRIEFING_ATLAS_MAX_BRIEFING_MB; default 10.0)" in printed
