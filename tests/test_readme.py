"""The README stays true: it names every rule and the two set-up commands."""

from __future__ import annotations

from pathlib import Path

from cleaner.rules import all_rules

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_rule() -> None:
    missing = [r.name for r in all_rules() if f"`{r.name}`" not in README]
    assert not missing, f"README does not list: {missing}"


def test_readme_shows_the_two_commands() -> None:
    assert "make install" in README and "make test" in README
