"""The heuristics: one module per family of boilerplate rules.

Importing this package imports every module in it, and each module
registers its rules with :func:`cleaner.rules.rule`. Rule thresholds and
switches are declared with each rule (its ``@rule`` decorator); phrase lists in
``data/<lang>/<list>.txt``.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
