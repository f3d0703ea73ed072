"""`make eval` section `extraction`: article-body F1 on the shared article-extraction benchmark
(181 pages with ground truth), newswatch's extraction next to bare trafilatura, same run.

Rows: newswatch (``extract_article``, as the worker runs it: our decoding, fast mode, the
fallback when fast mode returns little, readability when it is the cleaner candidate), bare
``trafilatura.extract`` with its default settings (full algorithm, comments included), bare
``trafilatura.extract(fast=True)``, and the benchmark's own recipe (``include_comments=False``:
the 0.958 in its README). Scores are the benchmark's (see :mod:`eval.scoring`); the last line
says how often each extraction path was taken, and on how many pages readability ran.

``--benchmark DIR`` scores any set in the same layout (``ground-truth.json`` mapping ids to
``{"articleBody", "url"}``, pages in ``html/<id>.html.gz``), e.g. a held-out set of other
publishers.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from eval.scoring import PageScore, score, score_page
from newswatch.core.extract import extract_article

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
DEFAULT_BENCHMARK = CORPORA / "article-extraction-benchmark"
MAX_BYTES = 50 * 1024 * 1024


def load_benchmark(base: Path) -> list[tuple[str, str, bytes, str]]:
    """(id, url, page bytes, true article body) of every page of a benchmark folder."""
    truth_file = base / "ground-truth.json"
    if not truth_file.is_file():
        sys.exit(f"no benchmark at {base} (ground-truth.json missing): set NEWSWATCH_CORPORA")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        path = base / "html" / f"{key}.html.gz"
        if not path.is_file():
            sys.exit(f"{base}: page {path.name} of the ground truth is missing")
        pages.append(
            (key, item.get("url") or "", gzip.decompress(path.read_bytes()), item["articleBody"])
        )
    return pages


def newswatch_text(page: bytes, url: str, methods: collections.Counter[str]) -> str:
    extracted = extract_article(page, url=url or "https://example.com/", max_bytes=MAX_BYTES)
    methods[extracted.method] += 1
    methods["readability run"] += extracted.checked
    return extracted.text


def run_extractor(
    pages: list[tuple[str, str, bytes, str]], extract: Callable[[bytes, str], str]
) -> tuple[list[PageScore], float]:
    scores, start = [], time.perf_counter()
    for _, url, page, truth in pages:
        scores.append(score_page(truth, extract(page, url) or ""))
    return scores, time.perf_counter() - start


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--benchmark",
        type=Path,
        default=DEFAULT_BENCHMARK,
        help="folder with ground-truth.json and html/ (default: the shared 181-page benchmark)",
    )


def run(args: argparse.Namespace) -> None:
    pages = load_benchmark(args.benchmark)
    methods: collections.Counter[str] = collections.Counter()
    rows: list[tuple[str, Callable[[bytes, str], str]]] = [
        ("newswatch extract_article", lambda page, url: newswatch_text(page, url, methods)),
        ("trafilatura.extract (default)", lambda page, url: trafilatura.extract(page) or ""),
        (
            "trafilatura.extract(fast=True)",
            lambda page, url: trafilatura.extract(page, fast=True) or "",
        ),
        (
            "trafilatura, benchmark recipe",
            lambda page, url: trafilatura.extract(page, include_comments=False) or "",
        ),
    ]
    print(f"{len(pages)} pages of {args.benchmark}; F1 of mean per-page shingle P/R")
    print(f"{'extractor':34s} {'F1':>6s} {'P':>6s} {'R':>6s}   ms/page")
    for name, extract in rows:
        scores, seconds = run_extractor(pages, extract)
        total = score(scores)
        print(f"{name:34s} {total.f1:6.3f} {total.precision:6.3f} {total.recall:6.3f}   "
              f"{seconds * 1000 / len(pages):7.1f}")  # fmt: skip
    checked = methods.pop("readability run", 0)
    taken = ", ".join(f"{method} {n / len(pages):.0%}" for method, n in methods.most_common())
    print(f"newswatch extraction paths: {taken}; readability run on {checked / len(pages):.0%}")
