"""What matching many topics costs per article, against one tokenising pass of the same article.

Articles: 500 real news texts, the ground-truth texts of the article-extraction benchmark and
the ECB+ documents of topics 1-14 (the frequency table the matcher ships is built from the
other ECB+ topics, so the bench never measures on text the table has seen). The first
sentence stands for the title; language "en"; the source is the host of the page's URL.

Topics: generated (seeded) from the vocabulary of real news: the named entities (runs of
capitalised words), content words and word pairs of one article, combined by templates with
AND / OR / NOT, NEAR and ONEAR, prefix wildcards, title: scopes, lang: and source: filters, and
a few topics made only of filters. Two mixes:

- dense: every topic is written from one of the 500 measured articles (they match often);
- sparse: nine topics in ten are written from other news (the ECB+ topics >= 15), with
  only those of its names and word pairs that have a word found in no measured article: most
  topics name things absent from the measured text (their other words may be present).

All times are CPU times of the bench process (the machine is shared). Printed per size: the
matching cost per article (the mean: matching the document, and what building it costs beyond
one tokenising pass) on a second pass over the articles (a topic's evaluation form is compiled
the first time presearch picks it: the first pass, printed too, pays for that), its ratio to
one tokenising pass (folding the title and the text and cutting them into words, as
``text.tokenize`` does: a baseline that work moved into building the document cannot
inflate), candidates and matches per article, the cost per candidate; at 10,000 topics, for
both mixes, the cost of one compiled regex per topic (an alternation of the topic's terms,
searched in the text: less work than the query asks, so a lower bound), estimated from a
sample of topics and articles; the time and memory (RSS growth, for the first mix of a size)
to compile the largest size, and the time from adding one topic to the first article
matched with it.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec, parse_query
from newswatch.core.query.ast import positive_words
from newswatch.core.query.rarity import news_rarity
from newswatch.core.text import tokenize

REPO = Path(__file__).resolve().parents[1]
SEED = 9
FIRST_HELD_OUT_TOPIC = 15  # ECB+ topics from here feed the frequency table, never measured

# a name: capitalised words not opening a sentence (preceded by a lower-case word or a comma)
_ENTITY = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")
_WORD = re.compile(r"\b[a-z]{4,}\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s")
# CPU time of this process: eight helpers share two cores, and wall time would count the
# others' turns (the figures are ratios measured in the same run either way)
_clock = time.process_time


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="topic counts to measure, comma-separated (default 1000,10000,100000)",
    )
    parser.add_argument(
        "--matching-articles", type=int, default=500, help="articles measured (default 500)"
    )


class Article:
    """One measured news text and the vocabulary topics are written from."""

    def __init__(self, text: str, url: str) -> None:
        self.text = text
        self.url = url
        first = _SENTENCE.split(text.strip(), maxsplit=1)[0]
        self.title = first[:200]
        self.source = urlsplit(url).hostname or ""
        common = news_rarity()
        entities = {e for e in _ENTITY.findall(text) if len(e) > 3}
        self.entities = sorted(
            e for e in entities if " " in e or "-" in e or common.share(e.lower()) < 0.05
        )
        words = {w for w in _WORD.findall(text) if common.share(w) < 0.3}
        self.words = sorted(words)
        tokens = _WORD.findall(text)
        pairs = {f"{a} {b}" for a, b in itertools.pairwise(tokens)}
        self.pairs = sorted(p for p in pairs if all(common.share(w) < 0.5 for w in p.split()))

    def document(self) -> MatchDocument:
        return MatchDocument.build(
            title=self.title, text=self.text, language="en", source=self.source, url=self.url
        )

    def usable(self) -> bool:
        return len(self.entities) >= 1 and len(self.words) >= 3


def _articles(corpora: Path) -> tuple[list[Article], list[Article]]:
    """(measured articles, other news) from the shared corpora."""
    root = corpora / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    measured = [Article(m["articleBody"], m["url"]) for _k, m in sorted(truth.items())]
    other: list[Article] = []
    with (corpora / "ecbplus" / "documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            url = doc.get("url") or ""
            held_out = int(doc["topic"]) >= FIRST_HELD_OUT_TOPIC
            (other if held_out else measured).append(Article(doc["text"], url))
    # the other news names what the measured articles do not: keep its names and word pairs
    # with a word found in no measured article (its other words may be anywhere)
    vocabulary = {w for a in measured for w in tokenize(a.title + " " + a.text)}
    for a in other:
        a.entities = [e for e in a.entities if not set(tokenize(e)) <= vocabulary]
        a.pairs = [p for p in a.pairs if not set(tokenize(p)) <= vocabulary]
    return [a for a in measured if a.usable()], [a for a in other if a.usable()]


class Writer:
    """Writes topic queries from an article's vocabulary, one template at a time."""

    def __init__(self, rng: random.Random, everyone: Sequence[Article]) -> None:
        self.rng = rng
        self.everyone = everyone

    def entity(self, a: Article) -> str:
        name = self.rng.choice(a.entities)
        return f'"{name}"' if " " in name or "-" in name else name

    def word(self, a: Article) -> str:
        word = self.rng.choice(a.words)
        if len(word) > 6 and self.rng.random() < 0.3:
            return word[: max(4, len(word) - 3)] + "*"
        return word

    def pair(self, a: Article) -> str:
        return f'"{self.rng.choice(a.pairs)}"' if a.pairs else self.entity(a)

    def any_term(self, a: Article) -> str:
        return self.rng.choice([self.entity, self.word, self.pair])(a)

    def elsewhere(self) -> str:
        return self.word(self.rng.choice(self.everyone))

    def query(self, a: Article) -> str:
        templates: list[Callable[[Article], str]] = [
            lambda a: self.entity(a),
            lambda a: self.pair(a),
            lambda a: " OR ".join(self.entity(a) for _ in range(3)),
            lambda a: f"{self.entity(a)} AND {self.word(a)}",
            lambda a: f"{self.entity(a)} {self.word(a)} {self.word(a)}",
            lambda a: f"{self.entity(a)} AND ({self.word(a)} OR {self.word(a)})",
            lambda a: f"{self.entity(a)} NEAR/5 {self.word(a)}",
            lambda a: f"{self.pair(a)} ONEAR/3 {self.word(a)}",
            lambda a: f"{self.entity(a)} AND {self.word(a)} AND NOT {self.elsewhere()}",
            lambda a: f"title:{self.entity(a)} OR ({self.entity(a)} AND {self.word(a)})",
            lambda a: (
                f"({self.entity(a)} OR {self.entity(a)}) AND "
                f"({self.word(a)} OR {self.any_term(a)}) -{self.elsewhere()}"
            ),
            lambda a: f"lang:en AND {self.entity(a)}",
            lambda a: f"source:{a.source} AND {self.word(a)}" if a.source else self.entity(a),
            lambda a: (
                f"({self.entity(a)} OR {self.pair(a)}) NEAR/10 ({self.word(a)} OR {self.word(a)})"
            ),
        ]
        return self.rng.choice(templates)(a)

    def filter_only(self, a: Article) -> str:
        site = a.source or "example.com"
        return self.rng.choice([f"source:{site}", "lang:de", f"lang:de OR source:{site}"])


def topics(
    count: int, mix: str, measured: Sequence[Article], other: Sequence[Article]
) -> list[TopicSpec]:
    """``count`` topic specs of the mix, the same for the same arguments."""
    rng = random.Random(f"{SEED}-{mix}-{count}")
    writer = Writer(rng, list(measured) + list(other))
    specs = []
    for i in range(count):
        if rng.random() < 0.002:
            query = writer.filter_only(rng.choice(measured))
        else:
            elsewhere = mix == "sparse" and rng.random() < 0.9
            query = writer.query(rng.choice(other if elsewhere else measured))
        specs.append(TopicSpec(f"{mix}-{i}", query))
    return specs


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _build(specs: list[TopicSpec]) -> tuple[TopicMatcher, float, int]:
    gc.collect()
    before = _rss()
    start = _clock()
    matcher = TopicMatcher(specs)
    seconds = _clock() - start
    gc.collect()
    memory = _rss() - before
    # as the worker does after a build: the compiled topics live as long as the catalogue
    # version, and full collections walking millions of them would land on articles
    gc.freeze()
    return matcher, seconds, memory


def _tokenise(a: Article) -> None:
    """One tokenising pass: the title and the text folded and cut into words."""
    tokenize(a.title)
    tokenize(a.text)


def _tokenising(articles: Sequence[Article]) -> float:
    """Seconds per article for one tokenising pass (the best of three rounds)."""
    best = []
    for _ in range(3):
        start = _clock()
        for a in articles:
            _tokenise(a)
        best.append(_clock() - start)
    return min(best) / len(articles)


def _matching(
    matcher: TopicMatcher, articles: Sequence[Article]
) -> tuple[float, float, float, float]:
    """(seconds matching, seconds tokenising, candidates, matches) per article. The plain
    tokenising pass is timed article by article in the same pass, so the ratio of the two is
    measured under the same load. Matching counts building the document beyond that pass
    (what ``MatchDocument.build`` prepares besides the words) and matching it."""
    seconds = tokenising = building = 0.0
    candidates = matches = 0
    for a in articles:
        start = _clock()
        _tokenise(a)
        tokenised = _clock()
        doc = a.document()
        built = _clock()
        found = matcher.match(doc)
        done = _clock()
        tokenising += tokenised - start
        building += built - tokenised
        seconds += done - built
        matches += len(found)
        candidates += len(matcher.candidates(a.document()))
    n = len(articles)
    seconds += max(0.0, building - tokenising)
    return seconds / n, tokenising / n, candidates / n, matches / n


def _regex(spec: TopicSpec) -> re.Pattern[str]:
    terms = [w.text for w in positive_words(parse_query(spec.query).root)]
    body = "|".join(re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else "") for t in terms)
    return re.compile(rf"\b(?:{body or '(?!)'})\b", re.IGNORECASE)


def _regex_per_topic(specs: Sequence[TopicSpec], articles: Sequence[Article]) -> float:
    """Seconds per article to search every topic's regex, from a sample scaled up."""
    rng = random.Random(SEED)
    sample = rng.sample(list(specs), min(300, len(specs)))
    texts = [a.title + "\n" + a.text for a in rng.sample(list(articles), min(40, len(articles)))]
    patterns = [_regex(s) for s in sample]
    start = _clock()
    for text in texts:
        for pattern in patterns:
            pattern.search(text)
    per_topic = (_clock() - start) / (len(texts) * len(patterns))
    return per_topic * len(specs)


def _first_match(matcher: TopicMatcher, article: Article) -> float | None:
    """Seconds from adding one topic to the first article matched with it, when the matcher
    can take a topic without a rebuild; None otherwise."""
    add = getattr(matcher, "add", None)
    if add is None:
        return None
    spec = TopicSpec("added-topic", article.entities[0].join('""'))
    start = _clock()
    add(spec)
    found = [m.topic for m in matcher.match(article.document())]
    seconds = _clock() - start
    assert "added-topic" in found
    return seconds


def run(args: argparse.Namespace) -> None:
    corpora = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
    if not (corpora / "ecbplus").is_dir():
        print(f"the shared corpora are not at {corpora}: set NEWSWATCH_CORPORA")
        return
    measured, other = _articles(corpora)
    articles = measured[: args.matching_articles]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    token = _tokenising(articles)
    print(f"{len(articles)} news articles; one tokenising pass {1000 * token:.3f} ms/article")
    print(
        "(ms/article: the second pass over the articles; the 1st pass also compiles the "
        "evaluation form of each topic the first time presearch picks it; building the "
        "document beyond one tokenising pass counts as matching. x tokenise: the ratio to the "
        "tokenising pass timed article by article in the same pass)"
    )
    print(
        f"{'topics':>8} {'mix':>6} {'1st pass':>9} {'ms/article':>10} {'x tokenise':>10} "
        f"{'cand.':>8} "
        f"{'matches':>8} {'us/cand.':>8} {'build s':>8} {'MB':>6}"
    )
    results: dict[tuple[int, str], float] = {}
    for size in sizes:
        for mix in ("dense", "sparse"):
            specs = topics(size, mix, articles, other)
            matcher, build, memory = _build(specs)
            first, _token, _c, _m = _matching(matcher, articles)
            seconds, token, candidates, matches = _matching(matcher, articles)
            results[(size, mix)] = seconds
            print(
                f"{size:>8} {mix:>6} {1000 * first:>9.3f} "
                f"{1000 * seconds:>10.3f} {seconds / token:>10.2f} "
                f"{candidates:>8.1f} {matches:>8.1f} "
                f"{1e6 * seconds / max(candidates, 1e-9):>8.2f} {build:>8.2f} "
                # a second build of a size reuses the memory the first one freed
                f"{memory / 2**20 if mix == 'dense' else float('nan'):>6.0f}",
                flush=True,
            )
            if size == 10_000:
                regex = _regex_per_topic(specs, articles)
                print(
                    f"{'':>8} one regex per topic, {mix} (sample of 300 topics x 40 articles, "
                    f"scaled): {1000 * regex:.1f} ms/article, matcher {regex / seconds:.0f}x "
                    "faster"
                )
            if mix == "sparse" and size == max(sizes):
                change = _first_match(matcher, articles[0])
                if change is not None:
                    print(f"{'':>8} add one topic -> first match: {1000 * change:.2f} ms")
            del matcher
            gc.unfreeze()
    if (10_000, "sparse") in results and (100_000, "sparse") in results:
        ratio = results[(100_000, "sparse")] / results[(10_000, "sparse")]
        print(f"sparse: cost at 100,000 topics / cost at 10,000: {ratio:.2f}")
    print(f"(per-article times are means over {len(articles)} articles; " + _noise() + ")")


def _noise() -> str:
    load = os.getloadavg()[0]
    return f"load average {load:.1f} on {os.cpu_count()} cores"
