"""The rule registry: how heuristics plug into the engine.

A rule is a named function that looks at a :class:`~cleaner.document.Document`
and yields :class:`Decision` objects (spans to remove, or spans it chose to
keep while unsure). The engine knows nothing about any particular rule: it
imports the ``heuristics`` package, which registers its rules here with the
:func:`rule` decorator, and runs them in ``order``.

Two kinds of rules exist:

* ``text`` rules see a normalised text document (every input ends up as one);
* ``html`` rules are called as ``func(tree, ctx)`` with the parsed page (an
  lxml tree) and their :class:`RuleContext`, and yield ``(element, reason)``
  for each element whose text is boilerplate (see :mod:`cleaner.html`).

Every rule has a dotted name (``family.rule``), a one-sentence description
(the first sentence of its docstring), a default on/off switch and default
parameters; users override the last two in their TOML configuration.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cleaner.config import Config
    from cleaner.phrases import PhraseBook

Action = Literal["remove", "keep"]


@dataclass(frozen=True)
class Decision:
    """One verdict of a rule on a span of the normalised text.

    ``action`` is ``"remove"`` for boilerplate, ``"keep"`` for a span the rule
    looked at and chose to keep while unsure (it is logged, never removed).
    ``reason`` says why, with the figures behind the verdict.
    """

    start: int
    end: int
    reason: str
    action: Action = "remove"


@dataclass
class Rule:
    """A registered heuristic."""

    name: str
    func: Callable[..., Iterable[Any]]
    kind: Literal["text", "html", "corpus"] = "text"
    order: int = 500
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    local: bool = False  # judges each line from that line's text alone (see rule())

    @property
    def family(self) -> str:
        """The part of the name before the dot (the heuristics module)."""
        return self.name.split(".", 1)[0]

    @property
    def description(self) -> str:
        """The first sentence of the rule's docstring."""
        doc = " ".join((self.func.__doc__ or "").split())
        end = doc.find(". ")
        return doc if end < 0 else doc[: end + 1]


@dataclass
class RuleContext:
    """What a rule gets besides the document: its settings and data.

    ``memo`` is the rule's own scratch space for one document: it lives
    through the passes the engine makes over that document (see
    :meth:`cleaner.pipeline.Cleaner.run_to_fixpoint`), so a rule can remember
    a fact from the pass before, such as "these lines hold nothing for me".
    """

    rule: Rule
    params: dict[str, Any]
    phrases: PhraseBook
    config: Config
    corpus: Any = None
    memo: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


_REGISTRY: dict[str, Rule] = {}


def rule(
    name: str,
    *,
    kind: Literal["text", "html", "corpus"] = "text",
    order: int = 500,
    enabled: bool = True,
    local: bool = False,
    **params: Any,
) -> Callable[[Callable[..., Iterable[Any]]], Callable[..., Iterable[Any]]]:
    """Register a heuristic under ``name``.

    ``order`` sets when it runs (lower first); ``enabled`` is the default
    switch; ``local`` declares that the rule judges each line from that
    line's text alone (not its neighbours, position or repeats), which lets
    the engine skip it when it re-runs the rules on text whose lines it has
    already judged; keyword ``params`` are its tunable defaults, overridable
    from the configuration under ``[rules."<name>"]``.
    """

    def register(func: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"rule {name!r} is registered twice")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"rule {name!r} needs a docstring (its description)")
        _REGISTRY[name] = Rule(name, func, kind, order, enabled, dict(params), local)
        return func

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, in pipeline order (imports ``heuristics``)."""
    importlib.import_module("heuristics")
    return sorted(_REGISTRY.values(), key=lambda r: (r.order, r.name))
