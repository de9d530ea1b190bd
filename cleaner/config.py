"""Configuration: the defaults of the schema, overridden by the user's TOML file and options, checked strictly.

Every default is held once: engine settings in :mod:`cleaner.settings`,
rule switches and thresholds by the rules themselves (:func:`cleaner.rules.rule`).
A user file only needs what it changes, e.g.::

    languages = ["en", "de"]

    [limits]
    max_document_seconds = 60

    [rules."dedup.near_sentence"]
    enabled = false

    [rules."body.detector"]
    min_stopword_share = 0.25

    [phrases.newsletter]
    add = ["Join our community"]
    files = ["my-newsletter-phrases.txt"]

Anything that names no setting, rule, parameter, phrase list or language,
and any value of the wrong type, is a :class:`ConfigError` naming the key and
what is allowed, raised when the configuration is loaded (the command line
exits with status 2 before it reads any document).
"""

from __future__ import annotations

import copy
import difflib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cleaner.lang import LANGUAGE_NAMES
from cleaner.rules import Rule, all_rules
from cleaner.settings import TABLES, PhraseAdditions, Settings, convert, kind_of_value, table_fields, type_name


class ConfigError(ValueError):
    """A configuration file or option that cannot be used."""


# Engine steps that remove text under a name of their own, as a rule does: --enable/--disable NAME sets
# the switch in their settings table.
STEP_SWITCHES = {"html.main_content": ("html", "main_content")}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


def merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base`` (tables merge, values replace)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _allowed(names: Iterable[str], given: str) -> str:
    """``(did you mean X? known: ...)`` for an unknown ``given`` name."""
    names = sorted(names)
    close = difflib.get_close_matches(given, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"({hint}known: {', '.join(names)})"


def _typed(where: str, value: Any, kind: Any) -> Any:
    try:
        return convert(value, kind)
    except TypeError:
        raise ConfigError(f"{where} = {value!r}: expected {type_name(kind)}") from None


@dataclass(frozen=True)
class RuleSettings:
    """One rule's switch and parameters in a configuration."""

    enabled: bool
    params: Mapping[str, Any]


def known_phrase_lists(packages: Iterable[str]) -> set[str]:
    """The names of the phrase lists the rule packages ship (``<package>/data/<lang>/<list>.txt``)."""
    names: set[str] = set()
    for package in packages:
        data = resources.files(package) / "data"
        if not data.is_dir():
            continue
        for lang in data.iterdir():
            if lang.is_dir() and lang.name in LANGUAGE_NAMES:
                names.update(p.name[: -len(".txt")] for p in lang.iterdir() if p.name.endswith(".txt"))
    return names


@dataclass(frozen=True)
class Resolved:
    """A checked configuration: typed settings, every rule's switch and parameters, the phrase additions."""

    settings: Settings
    rules: dict[str, RuleSettings]
    phrases: dict[str, PhraseAdditions]


def resolve(data: Mapping[str, Any]) -> Resolved:
    """Check ``data`` (a settings file's shape, holding only what differs from the defaults) against the schema
    and the rule registry; the typed result, or a :class:`ConfigError` naming the key and what is allowed."""
    tops = {"languages", "rule_packages", "rules", "phrases", *TABLES}
    for key in data:
        if key not in tops:
            raise ConfigError(f"unknown setting {key!r} {_allowed(tops, key)}")
    top = table_fields(Settings)
    values: dict[str, Any] = {}
    for key in ("languages", "rule_packages"):
        if key in data:
            values[key] = _typed(key, data[key], top[key][0])
    for lang in values.get("languages", ()):
        if lang not in LANGUAGE_NAMES:
            raise ConfigError(f"unknown language {lang!r} in languages {_allowed(LANGUAGE_NAMES, lang)}")
    for name, table in TABLES.items():
        try:
            values[name] = table(**_table(f"[{name}]", data.get(name, {}), table_fields(table)))
        except ValueError as exc:  # a value of the right type that the table refuses (ConfigError is one too)
            raise ConfigError(exc if isinstance(exc, ConfigError) else f"[{name}] {exc}") from None
    settings = Settings(**values)
    rules = _rules(data.get("rules", {}), settings.rule_packages)
    _check_corpus_bars(settings, rules)
    phrases = _phrases(data.get("phrases", {}), settings.rule_packages)
    return Resolved(settings, rules, phrases)


def _check_corpus_bars(settings: Settings, rules: Mapping[str, RuleSettings]) -> None:
    """A corpus rule's ``min_docs``/``min_share`` below the corpus pass's would never see the lines it wants."""
    bars = settings.corpus
    for rule in all_rules(settings.rule_packages):
        for key, bar in (("min_docs", bars.min_docs), ("min_share", bars.min_share)):
            value = rules[rule.name].params.get(key)
            if rule.kind == "corpus" and rules[rule.name].enabled and value is not None and value < bar:
                raise ConfigError(
                    f'[rules."{rule.name}"] {key} = {value} is below [corpus] {key} = {bar}, the lowest bar of '
                    f"the corpus pass: lower [corpus] {key} too"
                )


def _table(where: str, given: Any, spec: Mapping[str, tuple[Any, Any, str]]) -> dict[str, Any]:
    """The checked values of one table (``spec``: name -> (type, default, doc))."""
    if not isinstance(given, Mapping):
        raise ConfigError(f"{where} must be a table, not {given!r}")
    out = {}
    for key, value in given.items():
        if key not in spec:
            raise ConfigError(f"unknown setting {key!r} in {where} {_allowed(spec, key)}")
        out[key] = _typed(f"{where} {key}", value, spec[key][0])
    return out


def _rules(given: Any, packages: tuple[str, ...]) -> dict[str, RuleSettings]:
    """Every rule's switch and parameters: its own defaults, then the ``[rules."name"]`` tables of ``given``."""
    if not isinstance(given, Mapping):
        raise ConfigError(f"[rules] must be a table of rule tables, not {given!r}")
    registry = {r.name: r for r in all_rules(packages)}
    for name in given:
        if name not in registry:
            hint = " (html.main_content is an engine step: [html] main_content)" if name in STEP_SWITCHES else ""
            raise ConfigError(f"unknown rule {name!r} in [rules]{hint} {_allowed(registry, name)}")
    out = {}
    for name, r in registry.items():
        spec = {"enabled": (bool, r.enabled, ""), **{k: (kind_of_value(v), v, "") for k, v in r.params.items()}}
        defaults = {k: convert(v, kind) for k, (kind, v, _) in spec.items()}
        table = {**defaults, **_table(f'[rules."{name}"]', given.get(name, {}), spec)}
        for key, allowed in r.choices.items():
            if table[key] not in allowed:
                raise ConfigError(f'[rules."{name}"] {key} = {table[key]!r}: expected one of {", ".join(allowed)}')
        out[name] = RuleSettings(table.pop("enabled"), table)
    return out


def _phrases(given: Any, packages: tuple[str, ...]) -> dict[str, PhraseAdditions]:
    if not isinstance(given, Mapping):
        raise ConfigError(f"[phrases] must be a table of phrase-list tables, not {given!r}")
    known = known_phrase_lists(packages)
    out = {}
    for name, table in given.items():
        if name not in known:
            raise ConfigError(f"unknown phrase list {name!r} in [phrases] {_allowed(known, name)}")
        out[name] = PhraseAdditions(**_table(f"[phrases.{name}]", table, table_fields(PhraseAdditions)))
    return out


@dataclass
class Config:
    """All settings of a run: ``data`` (what differs from the defaults, as in a settings file), checked and typed.

    Build it with :meth:`load`; ``Config(data, base_dir)`` checks ``data``
    the same way. ``base_dir`` is where relative phrase files are found.
    """

    data: dict[str, Any] = field(default_factory=dict)
    base_dir: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        self._resolved = resolve(self.data)
        self._validate_phrases()

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
    ) -> Config:
        """The defaults, then the TOML file at ``path``, then ``overrides``, then switches, each checked.

        ``enable``/``disable`` take rule names or family names (``dedup``
        switches every ``dedup.*`` rule). Unknown names are an error.
        """
        data: dict[str, Any] = {}
        base = Path.cwd()
        if path is not None:
            p = Path(path)
            data = _read_toml(p)
            try:
                resolve(data)
            except ConfigError as exc:
                raise ConfigError(f"{p}: {exc}") from None
            base = p.resolve().parent
        if overrides:
            data = merge(data, overrides)
        for name in disable:
            _switch(data, name, False)
        for name in enable:
            _switch(data, name, True)
        return cls(data, base)

    # -- typed views -----------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """Every engine setting, typed."""
        return self._resolved.settings

    @property
    def limits(self) -> Any:
        """The ``[limits]`` table (:class:`cleaner.settings.Limits`)."""
        return self._resolved.settings.limits

    @property
    def html(self) -> Any:
        """The ``[html]`` table (:class:`cleaner.settings.HtmlSettings`)."""
        return self._resolved.settings.html

    @property
    def output(self) -> Any:
        """The ``[output]`` table (:class:`cleaner.settings.OutputSettings`)."""
        return self._resolved.settings.output

    @property
    def corpus(self) -> Any:
        """The ``[corpus]`` table (:class:`cleaner.settings.CorpusSettings`)."""
        return self._resolved.settings.corpus

    @property
    def languages(self) -> list[str]:
        """Languages whose phrase lists and stop words are loaded."""
        return list(self._resolved.settings.languages)

    @property
    def rules(self) -> dict[str, RuleSettings]:
        """Every rule of the configured rule packages: its switch and parameters."""
        return self._resolved.rules

    def section(self, name: str) -> dict[str, Any]:
        """An engine settings table as a dict, e.g. ``config.section("limits")`` (for display; code reads
        ``config.limits``)."""
        return asdict(getattr(self._resolved.settings, name))

    def enabled_rules(self) -> list[Rule]:
        """The rules that run in this configuration, in pipeline order."""
        return [r for r in all_rules(self.settings.rule_packages) if self.rule_enabled(r)]

    def rule_enabled(self, rule: Rule) -> bool:
        """Whether ``rule`` runs in this configuration."""
        found = self._resolved.rules.get(rule.name)
        return found is not None and found.enabled

    def rule_params(self, rule: Rule) -> dict[str, Any]:
        """The rule's parameters: its defaults, then the user's values."""
        return dict(self._resolved.rules[rule.name].params)

    def phrase_overrides(self, list_name: str) -> tuple[list[str], list[Path]]:
        """Phrases and phrase files the user added to one list."""
        table = self._resolved.phrases.get(list_name, PhraseAdditions())
        return list(table.add), [self.base_dir / f for f in table.files]

    def phrase_entries(self, list_name: str) -> list[str]:
        """The entries the user added to one list: those given inline, then those of its files (read now)."""
        from cleaner.phrases import read_entries

        added, files = self.phrase_overrides(list_name)
        entries = list(added)
        for f in files:
            try:
                entries.extend(read_entries(f.read_text(encoding="utf-8").splitlines()))
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"phrase file {f}: cannot read ({exc})") from exc
        return entries

    @property
    def phrase_lists_added_to(self) -> list[str]:
        """The phrase lists the user added to."""
        return list(self._resolved.phrases)

    # -- checks across settings -------------------------------------------------------

    def _validate_phrases(self) -> None:
        """Reject user phrase entries that do not compile or could take exponential time (now, not mid-run)."""
        from cleaner.phrases import PhraseList

        for name in self._resolved.phrases:
            entries = self.phrase_entries(name)
            try:
                PhraseList(name, tuple(entries))
            except ValueError as exc:
                raise ConfigError(str(exc)) from exc


def settings_toml(config: Config) -> str:
    """Every setting of ``config`` and every rule's switch and parameters, with what they mean, as TOML."""
    lines = ["# Every setting with its value in this configuration; copy what you change into your own file.", ""]
    top = table_fields(Settings)
    for key in ("languages", "rule_packages"):
        lines += [f"# {top[key][2]}", f"{key} = {_toml(list(getattr(config.settings, key)))}", ""]
    for name, table in TABLES.items():
        lines += [f"[{name}]", *_comment(table.__doc__ or "")]
        values = getattr(config.settings, name)
        for key, (_, _, doc) in table_fields(table).items():
            lines += [*_comment(doc), f"{key} = {_toml(getattr(values, key))}"]
        lines.append("")
    for rule in all_rules(config.settings.rule_packages):
        rs = config.rules[rule.name]
        lines += [f'[rules."{rule.name}"]', *_comment(rule.description), f"enabled = {_toml(rs.enabled)}"]
        for key, value in rs.params.items():
            lines += [*_comment(rule.docs.get(key, "")), f"{key} = {_toml(value)}"]
        lines.append("")
    return "\n".join(lines)


def _comment(text: str) -> list[str]:
    import textwrap

    return [f"# {line}" for line in textwrap.wrap(" ".join(text.split()), 100)]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _switch(data: dict[str, Any], name: str, on: bool) -> None:
    """Switch a rule, a family, or an engine step (see ``STEP_SWITCHES``) on or off in ``data``."""
    steps = [step for step in STEP_SWITCHES if name in (step, step.split(".", 1)[0])]
    for step in steps:
        table, key = STEP_SWITCHES[step]
        data.setdefault(table, {})[key] = on
    packages = data.get("rule_packages", Settings().rule_packages)
    names = [r.name for r in all_rules(tuple(packages)) if name in (r.name, r.family)]
    if not names and not steps:
        known = {r.name for r in all_rules(tuple(packages))} | {r.family for r in all_rules(tuple(packages))}
        raise ConfigError(f"unknown rule or family {name!r} {_allowed(known | set(STEP_SWITCHES), name)}")
    for n in names:
        data.setdefault("rules", {}).setdefault(n, {})["enabled"] = on
