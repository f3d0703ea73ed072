"""`make bench` section `pipeline`: end-to-end articles/second against bare
trafilatura.extract, per worker core.

Real article pages from the shared corpus are served behind local RSS feeds on several loopback
hosts (127.0.0.x) with an injected origin latency; `newswatch up` (embedded Redis, scheduler,
workers, API) processes them; the end-to-end rate (from the first request the origins see to
the last article processed) is compared with the rate of bare `trafilatura.extract` on the same
pages, measured in this same run. Absolute times on these machines are noisy; the ratio is the
result. The pipeline extracts with trafilatura's fast mode, falls back to the full algorithm on
pages where fast mode found little text, and checks readability's text as a cleaner candidate
(see newswatch/core/main_text.py): the share of pages on each path is printed, and so is the
rate of bare trafilatura making the same choices (`extract(fast=True)` on the pages newswatch
kept in fast mode, `extract()` on the pages that took the fallback). Because elapsed times
swing with whatever else the machine runs, the workers' CPU time per article (every stage,
read from /proc) is printed next to bare trafilatura's, as a second ratio.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import trafilatura

from newswatch.core.extract import extract_article
from newswatch.embedded_redis import free_port

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
TOPICS = [
    {"name": "summits", "query": "(summit OR talks) AND (president OR minister)"},
    {"name": "arrest-warrants", "query": '"arrest warrant" OR (court AND warrant)'},
    {"name": "arms-deliveries", "query": "(arms OR weapons) AND (deliver OR delivery)"},
]


def load_pages(count: int) -> list[bytes]:
    """``count`` distinct pages: the corpus pages, then copies made distinct by a sentence
    prepended to their first paragraph (so no copy is an exact duplicate)."""
    files = sorted((CORPORA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages under {CORPORA}/article-extraction-benchmark: set NEWSWATCH_CORPORA")
    originals = [gzip.decompress(f.read_bytes()) for f in files]
    pages = []
    for n in range(count):
        page = originals[n % len(originals)]
        edition = n // len(originals)
        if edition:
            page = re.sub(
                rb"<p(\s[^>]*)?>",
                lambda m, e=edition: m.group(0) + f"Edition {e} of this report. ".encode(),
                page,
                count=1,
            )
        pages.append(page)
    return pages


class Origin:
    """One loopback host serving a feed of its pages, each response delayed by ``latency``."""

    def __init__(self, host: str, pages: list[bytes], latency: float) -> None:
        self.pages = pages
        self.latency = latency
        self.first_request: float | None = None
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if origin.first_request is None:
                    origin.first_request = time.monotonic()
                time.sleep(origin.latency)
                if self.path == "/feed.xml":
                    body, ctype = origin.feed(), "application/rss+xml"
                elif m := re.fullmatch(r"/a/(\d+)\.html", self.path):
                    body, ctype = origin.pages[int(m.group(1))], "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>Article {i}</title><link>{self.base}/a/{i}.html</link>"
            f"<guid>{self.base}/a/{i}.html</guid>"
            "<pubDate>Fri, 17 Mar 2023 12:00:00 GMT</pubDate></item>"
            for i in range(len(self.pages))
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>'
            f"<link>{self.base}/</link><description>bench</description>{items}</channel></rss>"
        ).encode()


def bare_rate(pages: list[bytes], *, fast: bool = False) -> float:
    """Pages per second of bare ``trafilatura.extract`` on one core (``fast=True`` skips its
    fallback extractors, as the pipeline does)."""
    return bare_run(pages, [fast] * len(pages))[0]


def bare_run(pages: list[bytes], fast: list[bool]) -> tuple[float, float]:
    """Bare ``trafilatura.extract`` on each page (``fast`` per page): pages per second of
    elapsed time, and CPU seconds per page (less sensitive to other load on the machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    for page, quick in zip(pages, fast, strict=True):
        trafilatura.extract(page, fast=quick)
    cpu = time.process_time() - cpu
    return len(pages) / (time.perf_counter() - start), cpu / len(pages)


def extraction_paths(pages: list[bytes]) -> list[str]:
    """The path newswatch's extraction takes on each page, as the worker runs it (the feed
    gives the date, so no metadata search): "fast" (readability not run: nothing suspicious),
    "fast, checked" (readability run, fast mode's text kept), "readability", "union" or
    "full" (the fallback)."""
    paths = []
    for page in pages:
        got = extract_article(page, url="https://bench.example/a", max_bytes=len(page) + 1,
                              metadata_fallback=False)  # fmt: skip
        paths.append("fast, checked" if got.method == "fast" and got.checked else got.method)
    return paths


def bare_same_choices_rate(pages: list[bytes], paths: list[str]) -> float:
    """Pages per second of bare ``trafilatura.extract`` on one core, full algorithm on the
    pages where newswatch fell back to it, fast mode on the others."""
    return bare_run(pages, [path != "full" for path in paths])[0]


def worker_cpu(up_pid: int) -> float:
    """CPU seconds used so far by the worker processes of the `newswatch up` ``up_pid``
    (its children running ``newswatch.cli worker``; read from Linux's /proc)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != up_pid:
                continue
            args = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        if b"worker" in args:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def metric_sum(http: httpx.Client, prefix: str) -> float:
    """The sum of every sample whose line starts with ``prefix`` on the API's /metrics."""
    text = http.get("/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix)
    )


def pipeline_rate(
    pages: list[bytes], *, hosts: int, latency: float, workers: int, batch_size: int
) -> float:
    """End-to-end articles per second of `newswatch up` on ``pages``."""
    return pipeline_run(
        pages, hosts=hosts, latency=latency, workers=workers, batch_size=batch_size
    )[0]


def pipeline_run(
    pages: list[bytes], *, hosts: int, latency: float, workers: int, batch_size: int
) -> tuple[float, float]:
    """End-to-end articles per second, and the workers' CPU seconds per article (every
    stage; from the origins' first request to the last article)."""
    shards = [pages[h::hosts] for h in range(hosts)]
    origins = [Origin(f"127.0.0.{h + 1}", shard, latency) for h, shard in enumerate(shards)]
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-") as tmp:
        config = Path(tmp) / "bench.yaml"
        lines = ["feeds:"]
        lines += [f"  - url: {o.base}/feed.xml\n    interval: 3600" for o in origins]
        lines.append("topics:")
        for t in TOPICS:
            lines.append(f"  - name: {t['name']}\n    query: '{t['query']}'")
        config.write_text("\n".join(lines) + "\n")
        port = free_port()
        env = dict(os.environ)
        env.pop("NEWSWATCH_REDIS_URL", None)
        env.update(
            NEWSWATCH_API_PORT=str(port),
            NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",
            NEWSWATCH_ALLOWED_PORTS="1-65535",
            NEWSWATCH_BATCH_SIZE=str(batch_size),
        )
        with (Path(tmp) / "up.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
                 "--workers", str(workers), "--data-dir", str(Path(tmp) / "data")],
                env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        try:
            deadline = time.monotonic() + 600
            done = 0.0
            cpu_start: float | None = None
            while time.monotonic() < deadline:
                if cpu_start is None and any(o.first_request is not None for o in origins):
                    cpu_start = worker_cpu(proc.pid)
                if proc.poll() is not None:
                    sys.exit("newswatch up exited:\n" + (Path(tmp) / "up.log").read_text()[-3000:])
                try:
                    done = metric_sum(http, "newswatch_articles_processed_total{")
                except httpx.HTTPError:
                    done = 0.0
                if done >= len(pages):
                    break
                time.sleep(0.05)
            end = time.monotonic()
            cpu = (worker_cpu(proc.pid) - (cpu_start or 0.0)) / len(pages)
            if done < len(pages):
                sys.exit(f"only {done:.0f} of {len(pages)} articles processed in time")
            start = min(o.first_request for o in origins if o.first_request is not None)
            stage = 'newswatch_stage_duration_seconds_sum{{stage="{}"}}'.format
            busy = metric_sum(http, stage("job"))
            shares = ", ".join(
                f"{name} {metric_sum(http, stage(name)) / busy:.0%}"
                for name in ("extract", "dedup", "match", "store")
            )
            print(f"  workers busy {busy / (end - start) / workers:.0%} of the run; "
                  f"of that: {shares}")  # fmt: skip
            return len(pages) / (end - start), cpu
        finally:
            http.close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
            for o in origins:
                o.server.shutdown()
                o.server.server_close()


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    # six editions of the 181 corpus pages: long enough that the pipeline's fill time (one
    # feed and one page latency before the first job exists) is a small part of the run
    parser.add_argument("--articles", type=int, default=1086, help="pages to process")
    parser.add_argument("--latency", type=float, default=0.2, help="origin latency, seconds")
    parser.add_argument("--hosts", type=int, default=16, help="loopback hosts serving feeds")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--batch-sizes", default="1,8", help="articles per rq job, comma-separated runs"
    )


def run(args: argparse.Namespace) -> None:
    pages = load_pages(args.articles)
    print(f"{len(pages)} pages, origin latency {args.latency * 1000:.0f} ms, "
          f"{args.hosts} hosts, {args.workers} worker(s)")  # fmt: skip
    paths = extraction_paths(pages)
    shares = ", ".join(f"{p} {paths.count(p) / len(paths):.1%}" for p in sorted(set(paths)))
    print(f"newswatch extraction paths: {shares} (full = the fallback)")
    checked = sum(p not in ("fast", "full") for p in paths) / len(paths)
    print(f"readability run on {checked:.1%} of pages (fast text suspicious)")
    choices = {"default": [False] * len(pages), "fast=True": [True] * len(pages),
               "same choices": [path != "full" for path in paths]}  # fmt: skip
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}

    def measure_bare() -> None:
        # keep the best of each: the machine's speed drifts during a run
        for name, fast in choices.items():
            wall, cpu = bare_run(pages, fast)
            walls[name] = max(walls.get(name, 0.0), wall)
            cpus[name] = min(cpus.get(name, float("inf")), cpu)

    measure_bare()
    print(f"bare trafilatura.extract:             {walls['default']:8.1f} articles/s (one core)")
    print(f"bare trafilatura.extract(fast=True):  {walls['fast=True']:8.1f} articles/s (one core)")
    print(
        f"bare trafilatura, same choices:       {walls['same choices']:8.1f} articles/s (one core)"
    )
    for batch in (int(b) for b in args.batch_sizes.split(",")):
        rate, cpu = pipeline_run(
            pages, hosts=args.hosts, latency=args.latency, workers=args.workers, batch_size=batch
        )
        measure_bare()
        bare, bare_fast, bare_same = walls["default"], walls["fast=True"], walls["same choices"]
        print(f"end to end, batch {batch:3d}: {rate:8.1f} articles/s   ratio per worker core: "
              f"{rate / (bare * args.workers):.2f} (vs fast=True: "
              f"{rate / (bare_fast * args.workers):.2f}, vs same choices: "
              f"{rate / (bare_same * args.workers):.2f})")  # fmt: skip
        # CPU time is less sensitive than elapsed time to other programs on the machine
        print(f"  CPU per article: workers {cpu * 1000:.1f} ms, bare trafilatura.extract "
              f"{cpus['default'] * 1000:.1f} ms (fast=True {cpus['fast=True'] * 1000:.1f}, same "
              f"choices {cpus['same choices'] * 1000:.1f}); ratio {cpus['default'] / cpu:.2f} "
              f"(vs fast=True: {cpus['fast=True'] / cpu:.2f}, vs same choices: "
              f"{cpus['same choices'] / cpu:.2f})")  # fmt: skip
