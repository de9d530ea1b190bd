"""The rule registry: how heuristics plug into the engine.

A rule is a named function registered with the :func:`rule` decorator. The
engine knows nothing about any particular rule: it imports the rule
packages (``heuristics``), which register their rules here, and runs the
enabled ones in ``order``. Three kinds exist, with two protocols:

* ``text`` rules (:class:`TextRule`) see a normalised text document (every
  input ends up as one) and yield :class:`Decision` objects: spans to
  remove, or spans they chose to keep while unsure;
* ``corpus`` rules are text rules that also read the corpus model in their
  context (they run when the corpus pass ran);
* ``html`` rules (:class:`HtmlRule`) see the parsed page (an lxml tree) and
  an :class:`HtmlContext` holding the page's index, and yield
  ``(element, reason)`` for each element whose text is boilerplate (see
  :mod:`cleaner.html.flags`). Their ``max_words`` parameter is the most
  words of main content a flagged element may hold.

Every rule has a dotted name (``family.rule``), a one-sentence description
(the first sentence of its docstring), a default on/off switch and default
parameters; users override the last two in their TOML configuration.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from cleaner.config import Config
    from cleaner.document import Document
    from cleaner.html.index import PageIndex
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


class TextRule(Protocol):
    """A ``text`` (or ``corpus``) rule: its verdicts on a document."""

    def __call__(self, doc: Document, ctx: RuleContext, /) -> Iterable[Decision]: ...


class HtmlRule(Protocol):
    """An ``html`` rule: the elements of a page it flags, each with the reason."""

    def __call__(self, tree: HtmlElement, ctx: HtmlContext, /) -> Iterable[tuple[HtmlElement, str]]: ...


@dataclass(frozen=True)
class Param:
    """A rule parameter declared with a description: ``max_words=Param(30, "longer lines are never prompts")``."""

    default: Any
    doc: str = ""
    choices: tuple[str, ...] = ()  # the values a string parameter may take (empty: any)


@dataclass
class Rule:
    """A registered heuristic; ``params`` are its parameters' defaults (their types are the defaults' types)."""

    name: str
    func: TextRule | HtmlRule
    kind: Literal["text", "html", "corpus"] = "text"
    order: int = 500
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    local: bool = False  # judges each line from that line's text alone (see rule())
    docs: dict[str, str] = field(default_factory=dict)  # what each parameter means, when the rule says
    why_off: str = ""  # for a rule off by default: why (what it costs on the development pages)
    language_specific: bool = False  # needs to know the document's language (its phrase lists are a language's)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the allowed values of enumerated parameters

    @property
    def package(self) -> str:
        """The package whose module registered the rule."""
        return str(getattr(self.func, "__module__", "")).split(".", 1)[0]

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


@dataclass
class HtmlContext(RuleContext):
    """An html rule's context: a rule's, plus the index of the page (made once a page, shared by its html rules)."""

    page: PageIndex | None = None


_REGISTRY: dict[str, Rule] = {}


def rule(
    name: str,
    *,
    kind: Literal["text", "html", "corpus"] = "text",
    order: int = 500,
    enabled: bool = True,
    why_off: str = "",
    local: bool = False,
    language_specific: bool = False,
    **params: Any,
) -> Callable[[Any], Any]:
    """Register a heuristic under ``name``.

    ``order`` sets when it runs (lower first); ``enabled`` is the default
    switch (a rule off by default says why in ``why_off``); ``local`` declares that the rule judges each line from that
    line's text alone (not its neighbours, position or repeats), which lets
    the engine skip it when it re-runs the rules on text whose lines it has
    already judged; ``language_specific`` that it relies on words of the
    document's language (phrase lists), so that it is skipped on a document
    whose language is not recognised; keyword ``params`` are its tunable parameters, each a
    default (whose type is the parameter's type) or a :class:`Param` with a
    description, overridable from the configuration under ``[rules."<name>"]``.
    They are declared here only: a rule body uses ``ctx["name"]``, no literal.
    """

    def register(func: Any) -> Any:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"rule {name!r} is registered twice")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"rule {name!r} needs a docstring (its description)")
        if not enabled and not why_off:
            raise ValueError(f"rule {name!r} is off by default: say why (why_off)")
        defaults = {k: v.default if isinstance(v, Param) else v for k, v in params.items()}
        docs = {k: v.doc for k, v in params.items() if isinstance(v, Param) and v.doc}
        choices = {k: v.choices for k, v in params.items() if isinstance(v, Param) and v.choices}
        _REGISTRY[name] = Rule(name, func, kind, order, enabled, defaults, local, docs, why_off, language_specific,
                               choices)
        return func

    return register


def rule_packages() -> tuple[str, ...]:
    """The default rule packages (the ``rule_packages`` setting, see :class:`cleaner.settings.Settings`)."""
    from cleaner.settings import Settings

    return Settings().rule_packages


def all_rules(packages: Iterable[str] | None = None) -> list[Rule]:
    """Every rule of ``packages`` (the default rule packages when None), in pipeline order; imports them first."""
    wanted = tuple(rule_packages() if packages is None else packages)
    for package in wanted:
        importlib.import_module(package)
    found = [r for r in _REGISTRY.values() if r.package in wanted]
    return sorted(found, key=lambda r: (r.order, r.name))
