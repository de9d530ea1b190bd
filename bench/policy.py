"""Policy families: which removed gold characters are a disagreement about policy, which are article text lost.

``bench/policy.toml`` tags rules with the policy family they remove (SPEC.md:
comments, bylines, credits, related links, legal footers, promotions) and
says which families each dataset's gold keeps. A gold character removed by a
rule of a family the dataset's gold keeps is a *policy disagreement* with
that gold; every other removed gold character is *article text lost*. The
raw removal precision counts both; the bench prints the split beside it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

FILE = Path(__file__).resolve().parent / "policy.toml"


@dataclass
class Split:
    """Word characters removed, and the removed gold characters split into policy disagreement and article text."""

    chars: int = 0
    policy: int = 0
    article: int = 0

    def add(self, chars: int, lost: int, policy: bool) -> None:
        self.chars += chars
        if policy:
            self.policy += lost
        else:
            self.article += lost

    @property
    def raw_precision(self) -> float:
        """Share of the removed characters not in the gold body (every gold character counts as lost)."""
        return 1.0 - (self.policy + self.article) / self.chars if self.chars else 1.0

    @property
    def article_precision(self) -> float:
        """Share of the removed characters that are not article text lost (policy disagreements set aside)."""
        return 1.0 - self.article / self.chars if self.chars else 1.0


@dataclass
class Policy:
    """Rule → family, and dataset → the families its gold keeps."""

    family_of: dict[str, str] = field(default_factory=dict)
    keeps: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = FILE) -> Policy:
        """Read ``policy.toml``; a dataset that keeps an undeclared family is an error (a typo would hide it)."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        families = data.get("families", {})
        family_of = {r: name for name, fam in families.items() for r in fam.get("rules", [])}
        keeps = {}
        for ds, entry in data.get("datasets", {}).items():
            unknown = set(entry.get("keeps", [])) - set(families)
            if unknown:
                raise ValueError(f"{path}: dataset {ds} keeps unknown families {sorted(unknown)}")
            keeps[ds] = frozenset(entry.get("keeps", []))
        return cls(family_of, keeps)

    def family(self, rule: str) -> str:
        """The rule's policy family ('' when it has none)."""
        return self.family_of.get(rule, "")

    def disagrees(self, dataset: str, rule: str) -> bool:
        """Whether ``dataset``'s gold keeps what ``rule`` removes by policy."""
        fam = self.family(rule)
        return bool(fam) and fam in self.keeps.get(dataset, frozenset())
