"""Shared fixtures: the sample corpus and its expected clean bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXPECTED = Path(__file__).resolve().parent / "data" / "expected"


def paragraphs(text: str) -> list[str]:
    """Whitespace-normalised paragraphs (split on blank lines)."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        norm = " ".join(block.split())
        if norm:
            out.append(norm)
    return out


@pytest.fixture(scope="session")
def seed_names() -> list[str]:
    """File names of the five sample documents."""
    return sorted(p.name for p in CORPUS.glob("*.txt"))
