"""Configuration: defaults from the shipped settings files, overridden by the user's TOML.

Two files ship with the package and hold every default:

* ``cleaner/settings.toml``: engine settings (languages, limits, HTML
  extraction, corpus pass, output);
* ``heuristics/settings.toml``: one ``[rules."family.rule"]`` table per rule
  with its ``enabled`` switch and its thresholds.

A user file has the same shape and only needs the keys it changes, e.g.::

    languages = ["en", "de"]

    [rules."dedup.near_sentence"]
    enabled = false

    [rules."body.detector"]
    min_stopword_share = 0.25

    [phrases.newsletter]
    add = ["Join our community"]
    files = ["my-newsletter-phrases.txt"]
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cleaner.rules import Rule, all_rules, rule_packages


class ConfigError(ValueError):
    """A configuration file or option that cannot be used."""


# Engine steps that remove text under a name of their own, as a rule does: --enable/--disable NAME sets
# the switch in their settings table.
STEP_SWITCHES = {"html.main_content": ("html", "main_content")}


def _read_toml(path: Path | Any) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base`` (tables merge, values replace)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def default_settings() -> dict[str, Any]:
    """The shipped defaults: engine settings merged with the settings of every rule package."""
    data = _read_toml(resources.files("cleaner") / "settings.toml")
    for package in rule_packages():
        data = _merge(data, _read_toml(resources.files(package) / "settings.toml"))
    return data


@dataclass
class Config:
    """All settings of a run. Build it with :meth:`load`."""

    data: dict[str, Any] = field(default_factory=default_settings)
    base_dir: Path = field(default_factory=Path.cwd)

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
    ) -> Config:
        """Defaults, then the TOML file at ``path``, then ``overrides``, then switches.

        ``enable``/``disable`` take rule names or family names (``dedup``
        switches every ``dedup.*`` rule). Unknown names are an error.
        """
        data = default_settings()
        base = Path.cwd()
        if path is not None:
            p = Path(path)
            data = _merge(data, _read_toml(p))
            base = p.resolve().parent
        if overrides:
            data = _merge(data, overrides)
        cfg = cls(data, base)
        for name in disable:
            cfg._switch(name, False)
        for name in enable:
            cfg._switch(name, True)
        cfg.validate()
        return cfg

    # -- rules -------------------------------------------------------------

    def _rule_table(self, name: str) -> dict[str, Any]:
        return self.data.setdefault("rules", {}).setdefault(name, {})

    def _switch(self, name: str, on: bool) -> None:
        steps = [step for step in STEP_SWITCHES if name in (step, step.split(".", 1)[0])]
        for step in steps:
            table, key = STEP_SWITCHES[step]
            self.data.setdefault(table, {})[key] = on
        names = [r.name for r in all_rules() if name in (r.name, r.family)]
        if not names and not steps:
            raise ConfigError(f"unknown rule or family {name!r} (see clean --list-rules)")
        for n in names:
            self._rule_table(n)["enabled"] = on

    def rule_enabled(self, rule: Rule) -> bool:
        """Whether ``rule`` runs in this configuration."""
        return bool(self.data.get("rules", {}).get(rule.name, {}).get("enabled", rule.enabled))

    def rule_params(self, rule: Rule) -> dict[str, Any]:
        """The rule's parameters: decorator defaults, then settings files."""
        table = self.data.get("rules", {}).get(rule.name, {})
        return {**rule.params, **{k: v for k, v in table.items() if k != "enabled"}}

    def validate(self) -> None:
        """Reject rule tables that name no registered rule."""
        known = {r.name for r in all_rules()}
        unknown = sorted(set(self.data.get("rules", {})) - known)
        if unknown:
            raise ConfigError(f"unknown rule(s) in configuration: {', '.join(unknown)}")
        if not isinstance(self.data.get("languages", []), list):
            raise ConfigError("'languages' must be a list of language codes")
        self._validate_phrases()

    def _validate_phrases(self) -> None:
        """Reject user phrase entries that do not compile or could take exponential time (now, not mid-run)."""
        from cleaner.phrases import PhraseList, read_entries

        for name in self.data.get("phrases", {}):
            added, files = self.phrase_overrides(name)
            entries = list(added)
            for f in files:
                try:
                    entries.extend(read_entries(f.read_text(encoding="utf-8").splitlines()))
                except (OSError, UnicodeDecodeError) as exc:
                    raise ConfigError(f"phrase file {f}: cannot read ({exc})") from exc
            try:
                PhraseList(name, tuple(entries))
            except ValueError as exc:
                raise ConfigError(str(exc)) from exc

    # -- engine settings -----------------------------------------------------

    @property
    def languages(self) -> list[str]:
        """Languages whose phrase lists and stop words are loaded."""
        return list(self.data.get("languages", ["en"]))

    def section(self, name: str) -> dict[str, Any]:
        """An engine settings table, e.g. ``config.section("limits")``."""
        return dict(self.data.get(name, {}))

    def phrase_overrides(self, list_name: str) -> tuple[list[str], list[Path]]:
        """Phrases and phrase files the user added to one list."""
        table = self.data.get("phrases", {}).get(list_name, {})
        files = [(self.base_dir / f) for f in table.get("files", [])]
        return list(table.get("add", [])), files
