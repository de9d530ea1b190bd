"""The benchmark's datasets: labelled pages, the texts extractors made of them, and their sites.

* ``aeb-dev`` (in this repository, ``bench/data/aeb-dev``): 111 news pages of
  the public article-extraction benchmark.
* ``cleaneval-dev`` and ``dragnet-dev``: 1,049 pages of two public
  web-cleaning datasets, in ``web-dev`` beside the project
  (``../shared/bench/web-dev``, or the folder ``BENCH_DATA`` names). They are
  development data, not part of the repository: without them the bench runs
  on aeb-dev alone and says so.

Each dataset has the gold body of every page, its HTML, and
``inputs/<kind>.json``: the page's full visible text (``fulltext``) and what
seven extractors returned for it. Every page also has a *site* (its host),
and every site a *fold*: anything fitted to this data is fitted on some folds
and measured on the others, so that no page is judged by a model that saw a
page of its site.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AEB = HERE / "data" / "aeb-dev"
KINDS = ("fulltext", "trafilatura", "readability", "newspaper", "goose3", "boilerpy3", "resiliparse", "justext")
EXTRACTED = KINDS[1:]  # the kinds that are an extractor's output (already an article, more or less)
FOLDS = 5


@dataclass
class Dataset:
    """One labelled dataset: gold bodies, pages, extractor outputs and sites."""

    name: str
    root: Path
    ids: list[str]
    gold: dict[str, str]
    urls: dict[str, str] = field(default_factory=dict)

    def inputs(self, kind: str) -> dict[str, str]:
        """``{id: text}`` of one input kind (empty when the dataset lacks it)."""
        path = self.root / "inputs" / f"{kind}.json"
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: data.get(k) or "" for k in self.ids}

    def html(self, doc_id: str) -> bytes:
        """The page's bytes."""
        return gzip.decompress((self.root / "html" / f"{doc_id}.html.gz").read_bytes())

    @cached_property
    def sites(self) -> dict[str, str]:
        """The site (host without ``www.``) of every page."""
        return {k: (self.urls.get(k) and _host(self.urls[k])) or _site_in_page(self.html(k)) or k for k in self.ids}

    def fold(self, doc_id: str) -> int:
        """The page's fold: a stable hash of its site (all pages of a site share one)."""
        return fold_of(self.sites[doc_id])


def fold_of(site: str) -> int:
    """The fold of a site (0 to ``FOLDS - 1``), the same in every run and on every machine."""
    return int(hashlib.md5(site.encode("utf-8")).hexdigest(), 16) % FOLDS


def _host(url: str) -> str:
    host = urlparse(url).netloc.lower().split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


_PAGE_URL = (
    re.compile(rb"""<link[^>]+rel=["']canonical["'][^>]*href=["'](https?://[^"']+)""", re.I),
    re.compile(rb"""<meta[^>]+property=["']og:url["'][^>]*content=["'](https?://[^"']+)""", re.I),
    re.compile(rb"""<base[^>]+href=["'](https?://[^"']+)""", re.I),
)
_LINK_HOST = re.compile(rb"""href=["']https?://([^"'/:?#]+)""", re.I)


def _site_in_page(html: bytes) -> str:
    """The page's own host (canonical link, og:url or base), else the host most of its links point to."""
    for pattern in _PAGE_URL:
        m = pattern.search(html)
        if m:
            return _host(m.group(1).decode("ascii", "replace"))
    hosts = Counter(_host("http://" + h.decode("ascii", "replace")) for h in _LINK_HOST.findall(html))
    return hosts.most_common(1)[0][0] if hosts else ""


def web_dev_root() -> Path | None:
    """The web-dev folder: ``$BENCH_DATA``, else ``../shared/bench/web-dev``; None when absent."""
    env = os.environ.get("BENCH_DATA")
    for path in ([Path(env), Path(env) / "web-dev"] if env else []) + [REPO.parent / "shared" / "bench" / "web-dev"]:
        if (path / "ground-truth.json").exists():
            return path
    return None


def _gold(path: Path) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def load(names: list[str] | None = None) -> list[Dataset]:
    """The datasets present (aeb-dev always; the web-dev ones when their folder exists), optionally by name."""
    out: list[Dataset] = []
    aeb = _gold(AEB / "ground-truth.json")
    out.append(Dataset("aeb-dev", AEB, sorted(aeb), {k: v["articleBody"] for k, v in aeb.items()},
                       {k: v.get("url", "") for k, v in aeb.items()}))
    root = web_dev_root()
    if root is not None:
        web = _gold(root / "ground-truth.json")
        for dataset in sorted({v["dataset"] for v in web.values()}):
            ids = sorted(k for k, v in web.items() if v["dataset"] == dataset)
            out.append(Dataset(f"{dataset}-dev", root, ids, {k: web[k]["articleBody"] for k in ids}))
    if names:
        unknown = set(names) - {d.name for d in out}
        if unknown:
            raise SystemExit(f"unknown or absent dataset(s): {', '.join(sorted(unknown))}")
        out = [d for d in out if d.name in names]
    return out


def availability_note() -> str:
    """One line saying which datasets this run has."""
    root = web_dev_root()
    if root is None:
        return ("datasets: aeb-dev only (web-dev not found: put it at ../shared/bench/web-dev "
                "or set BENCH_DATA=DIR to add cleaneval-dev and dragnet-dev)")
    return f"datasets: aeb-dev (repository), cleaneval-dev and dragnet-dev ({root})"
