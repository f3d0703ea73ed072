"""The cost of matching the shipped topic pack, as a ratio to the extraction of the same pages.

The pages of the extraction benchmark are extracted once (as the worker does); then, on the
same documents and in the same run, the bench times the extraction, matching with the three
pack topics (`pack: summits` ...) and matching with the three short English queries the
example configuration carried before the pack. Absolute times drift on a shared machine; the
ratios measured in one run are the figures to quote.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from newswatch.core.errors import NewswatchError
from newswatch.core.extract import extract_article
from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec
from newswatch.topics import load_pack

REPO = Path(__file__).resolve().parents[1]
# the example configuration's topics before the pack (examples/newswatch.yaml, issue 8)
BEFORE = {
    "summits": '(summit* OR "state visit*" OR "official visit*" OR "bilateral talks" OR '
    '"bilateral meeting*") AND (president* OR "prime minister*" OR chancellor* OR '
    '"head of state" OR "heads of state" OR leader*) AND NOT (everest OR mountaineer* OR '
    "climber*)",
    "arrest-warrants": '"arrest warrant*" OR ((ICC OR "international criminal court") AND '
    "warrant*)",
    "arms-deliveries": '"arms deliver*" OR "weapons deliver*" OR "arms shipment*" OR '
    '"arms transfer*" OR "arms supplies" OR ((fighter* OR tanks OR missile* OR howitzer* OR '
    '"air defence" OR "air defense") AND (deliver* OR supply OR supplies OR shipment*))',
}


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the best is kept")


def _pages(corpora: Path) -> list[tuple[bytes, str]]:
    root = corpora / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    return [
        (gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()), meta["url"])
        for key, meta in sorted(truth.items())
    ]


def _best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def run(args: argparse.Namespace) -> None:
    corpora = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
    if not (corpora / "article-extraction-benchmark").is_dir():
        print(f"the shared corpora are not at {corpora}: set NEWSWATCH_CORPORA")
        return
    pages = _pages(corpora)
    documents: list[MatchDocument] = []

    def extract_all() -> None:
        documents.clear()
        for html, url in pages:
            try:
                found = extract_article(html, url=url, max_bytes=5 * 1024 * 1024)
            except NewswatchError:
                continue
            documents.append(MatchDocument.build(title=found.title, text=found.text))

    extract = _best(args.rounds, extract_all)
    pack = TopicMatcher(TopicSpec(t.name, t.compiled) for t in load_pack().values())
    before = TopicMatcher(TopicSpec(name, query) for name, query in BEFORE.items())
    with_pack = _best(args.rounds, lambda: [pack.match(doc) for doc in documents])
    with_before = _best(args.rounds, lambda: [before.match(doc) for doc in documents])
    n = len(documents)
    print(f"{n} pages of the extraction benchmark, best of {args.rounds} rounds")
    print(f"extraction:                 {1000 * extract / n:7.2f} ms/article")
    print(f"match, the 3 pack topics:   {1000 * with_pack / n:7.2f} ms/article")
    print(f"match, the 3 former topics: {1000 * with_before / n:7.2f} ms/article")
    print(f"pack matching / extraction: {with_pack / extract:7.2f}")
    print(f"pack / former topics:       {with_pack / with_before:7.1f}")
