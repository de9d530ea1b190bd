"""Strict settings: one typed schema, every default held once, anything unknown or mistyped refused at load time."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.config import Config, ConfigError
from cleaner.rules import all_rules
from cleaner.settings import TABLES, Limits, convert, kind_of_value, table_fields

# (a settings file's content, the words the error must hold: the key, and what is allowed)
BAD = [
    ('[rules."related.link"]\nmax_words = "abc"\n', ['[rules."related.link"] max_words', "expected an integer"]),
    ('[rules."related.link"]\nmax_wordz = 3\n', ["'max_wordz'", "did you mean 'max_words'", "max_list"]),
    ('[rules."related.link"]\nenabled = "no"\n', ['[rules."related.link"] enabled', "true or false"]),
    ('[rules."related.lnk"]\nmax_words = 3\n', ["unknown rule 'related.lnk'", "did you mean 'related.link'"]),
    ('[phrases.newsleter]\nadd = ["join the club"]\n', ["unknown phrase list 'newsleter'", "newsletter_start"]),
    ('[phrases.newsletter]\nadd = "join the club"\n', ["[phrases.newsletter] add", "a list of strings"]),
    ('[phrases.newsletter]\nadds = ["x"]\n', ["'adds'", "known: add, files"]),
    ('languages = ["en", "xx"]\n', ["unknown language 'xx'", "de, el, en"]),
    ('languages = "en"\n', ["languages", "a list of strings"]),
    ("[limits]\nmax_document_seconds = \"soon\"\n", ["[limits] max_document_seconds", "a number"]),
    ("[limits]\nmax_document_byte = 10\n", ["'max_document_byte'", "did you mean 'max_document_bytes'"]),
    ("[limts]\nmax_document_bytes = 10\n", ["unknown setting 'limts'", "did you mean 'limits'"]),
    ("[html]\nfast = 1\n", ["[html] fast", "true or false"]),
    ("html = 3\n", ["[html] must be a table"]),
    ('[rules."corpus.repeated_line"]\nmin_docs = 3\n', ["min_docs = 3 is below [corpus] min_docs = 10"]),
]


@pytest.mark.parametrize(("toml", "words"), BAD)
def test_a_bad_settings_file_is_refused_naming_the_key_and_what_is_allowed(
    tmp_path: Path, toml: str, words: list[str]
) -> None:
    path = tmp_path / "my.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Config.load(path)
    assert str(err.value).startswith(f"{path}: ")
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(("toml", "words"), BAD)
def test_the_same_settings_given_as_overrides_are_refused_alike(toml: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        Config.load(overrides=tomllib.loads(toml))
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--set", "related.link:max_words=abc"], ["max_words = 'abc'", "expected an integer"]),
        (["--set", "related.link:max_wordz=3"], ["'max_wordz'", "did you mean 'max_words'"]),
        (["--set", "related.link:enabled=no"], ["enabled = 'no'", "true or false"]),
        (["--set", "limits:max_document_seconds=x"], ["[limits] max_document_seconds", "a number"]),
        (["--set", "limits.max:x=1"], ["unknown rule 'limits.max'"]),
        (["--set", "nothing"], ["expected RULE:PARAM=VALUE"]),
        (["--disable", "relatd.link"], ["unknown rule or family 'relatd.link'", "did you mean 'related.link'"]),
        (["--enable", "dedupe"], ["unknown rule or family 'dedupe'", "did you mean 'dedup'"]),
    ],
)
def test_the_command_line_exits_2_before_reading_any_document(
    tmp_path: Path, option: list[str], words: list[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Some text.\n", encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "in"), "-o", str(tmp_path / "out"), *option])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert not (tmp_path / "out").exists()  # nothing read, nothing written


def test_good_values_of_every_type_are_taken(tmp_path: Path) -> None:
    config = Config.load(
        overrides={
            "languages": ["en", "sv"],
            "limits": {"max_document_seconds": 60},  # an integer where a number is wanted
            "html": {"fast": False},
            "corpus": {"min_docs": 2},
            "rules": {"related.link": {"max_words": 30, "enabled": False}, "dom.share_widget": {"extra_tokens": ["x"]}},
        }
    )
    assert config.languages == ["en", "sv"]
    assert config.limits.max_document_seconds == 60.0 and isinstance(config.limits.max_document_seconds, float)
    assert config.html.fast is False and config.corpus.min_docs == 2
    link = next(r for r in all_rules() if r.name == "related.link")
    assert not config.rule_enabled(link) and config.rule_params(link)["max_words"] == 30
    assert config.rules["dom.share_widget"].params["extra_tokens"] == ("x",)


def test_every_default_is_held_once_and_printed_settings_load_back(tmp_path: Path) -> None:
    """``--print-settings`` writes every setting and rule parameter; loaded back, it is the default config."""
    printed = CliRunner().invoke(main, ["--print-settings"])
    assert printed.exit_code == 0, printed.output
    data = tomllib.loads(printed.output)
    default = Config.load()
    for name, table in TABLES.items():
        assert set(data[name]) == set(table_fields(table))
    for rule in all_rules():
        assert data["rules"][rule.name] == {"enabled": rule.enabled, **_plain(rule.params)}
    path = tmp_path / "printed.toml"
    path.write_text(printed.output, encoding="utf-8")
    again = Config.load(path)
    assert again.settings == default.settings and again.rules == default.rules
    assert not any(Path(__file__).parent.parent.glob("*/settings.toml"))  # no second copy of the defaults


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def test_every_rule_parameter_has_a_settable_type() -> None:
    for rule in all_rules():
        for key, default in rule.params.items():
            assert convert(default, kind_of_value(default)) == (
                tuple(default) if isinstance(default, list) else default
            ), f"{rule.name}:{key}"


def test_the_schema_is_typed_and_frozen() -> None:
    limits = Limits()
    with pytest.raises(AttributeError):
        limits.max_rule_passes = 2  # type: ignore[misc]
    assert {k: v[0] for k, v in table_fields(Limits).items()}["max_document_bytes"] is int
