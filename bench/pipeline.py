"""`make bench` section `pipeline`: end-to-end articles/second against bare
trafilatura.extract, per worker core.

Real article pages from the shared corpus are served behind local RSS feeds on several loopback
hosts (127.0.0.x) with an injected origin latency; `newswatch up` (embedded Redis, scheduler,
workers, API) processes them; the end-to-end rate (from the first request the origins see to
the last article processed) is compared with the rate of bare `trafilatura.extract` on the same
pages, measured in this same run. The origins answer once every worker has logged its start
(imports, topics compiled, the extraction sandbox started): a worker starts once, not per
article, as bare trafilatura's import is not counted either.

The baseline is trafilatura run with the pipeline's settings: the full algorithm, comments
left out (``include_comments=False``, as newswatch extracts; the default, comments included,
costs bare trafilatura about 6 % more and is printed too), no metadata. The pipeline extracts
with trafilatura's fast mode, falls back to the full algorithm on pages where fast mode found
little text, and checks readability's text as a cleaner candidate on suspicious pages (see
newswatch/core/main_text.py): the share of pages on each path is printed, and bare fast mode as
a floor no extraction that starts with it can beat.

Because elapsed times swing with whatever else the machine runs, CPU time is printed too: the
workers' CPU per article counts each worker process and its children (the extraction sandbox,
where the pages are parsed; rq's scheduler), read from Linux's /proc, against bare
trafilatura's CPU per page; the CPU ratio is the steadier figure. Redis's own CPU per article is
printed beside it (the scheduler's writes included). The shares per stage are of the workers'
busy time, the time spent in batches (``newswatch_stage_duration_seconds``; "batch" is the
rest of it: the batch's own reads and writes around its articles, the pages, the URL claims,
the matcher's version, and its logs and metrics; rq's dequeue and job bookkeeping happen
between batches and are in no share). Redis round trips and commands per article are the
worker's, counted by its client (``newswatch_redis_round_trips_total``): its article jobs and
its rq bookkeeping; the commands Redis ran per article (INFO commandstats, which counts each
command a script runs, and the scheduler's) are printed beside them.
"""

from __future__ import annotations

import argparse
import dataclasses
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
from typing import Any

import httpx
import redis
import trafilatura

from newswatch.config import Settings
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

    def __init__(
        self, host: str, pages: list[bytes], latency: float, *, opened: bool = True
    ) -> None:
        self.pages = pages
        self.latency = latency
        self.first_request: float | None = None
        # requests wait (up to a minute) until the origin is opened
        self.opened = threading.Event()
        if opened:
            self.opened.set()
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                origin.opened.wait(60)
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


# trafilatura's options as newswatch runs it (newswatch/core/main_text.py: no comments, no
# metadata, the other output options at their defaults)
PIPELINE_SETTINGS: dict[str, Any] = {"include_comments": False, "with_metadata": False}


def bare_rate(pages: list[bytes], *, fast: bool = False) -> float:
    """Pages per second of bare ``trafilatura.extract`` on one core, with the pipeline's
    settings (``fast=True``: its fast mode, without the fallback extractors)."""
    return bare_run(pages, [fast] * len(pages))[0]


def bare_run(
    pages: list[bytes], fast: list[bool], settings: dict[str, Any] | None = None
) -> tuple[float, float]:
    """Bare ``trafilatura.extract`` on each page (``fast`` per page; ``settings``: its other
    options, the pipeline's by default): pages per second of elapsed time, and CPU seconds per
    page (less sensitive to other load on the machine)."""
    options = PIPELINE_SETTINGS if settings is None else settings
    start, cpu = time.perf_counter(), time.process_time()
    for page, quick in zip(pages, fast, strict=True):
        trafilatura.extract(page, fast=quick, **options)
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
    pages where newswatch's text came from the fallback to it, fast mode on the others."""
    return bare_run(pages, [path != "full" for path in paths])[0]


def _proc_stats() -> dict[int, tuple[int, float, bytes]]:
    """pid -> (parent pid, CPU seconds of itself and its reaped children, command line), for
    every process now (read from Linux's /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            args = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        # utime, stime, then cutime, cstime: children it waited for (a recycled sandbox)
        cpu = sum(int(f) for f in fields[11:15]) / ticks
        found[int(stat.parent.name)] = (int(fields[1]), cpu, args)
    return found


def worker_cpu(up_pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the worker processes of the `newswatch up` ``up_pid`` (its
    children running ``newswatch.cli worker``), and by their own children (the extraction
    sandbox, rq's scheduler), which do part of every article's work."""
    procs = _proc_stats()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in procs.items():
        children.setdefault(parent, []).append(pid)
    own = below = 0.0
    for pid in children.get(up_pid, []):
        if b"worker" not in procs[pid][2].split(b"\0"):
            continue
        own += procs[pid][1]
        todo = list(children.get(pid, []))
        while todo:
            child = todo.pop()
            below += procs[child][1]
            todo += children.get(child, [])
    return own, below


def metric_sum(http: httpx.Client, prefix: str) -> float:
    """The sum of every sample whose line starts with ``prefix`` on the API's /metrics."""
    return metric_sums(http, [prefix])[0]


def metric_sums(http: httpx.Client, prefixes: list[str]) -> list[float]:
    """For each of ``prefixes``, the sum of the samples whose line starts with it, from one
    read of the API's /metrics."""
    lines = http.get("/metrics").text.splitlines()
    return [
        sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(prefix))
        for prefix in prefixes
    ]


def pipeline_rate(
    pages: list[bytes], *, hosts: int, latency: float, workers: int, batch_size: int
) -> float:
    """End-to-end articles per second of `newswatch up` on ``pages``."""
    return pipeline_run(
        pages, hosts=hosts, latency=latency, workers=workers, batch_size=batch_size
    ).rate


STAGES = ("extract", "dedup", "match", "store")
_STAGE = 'newswatch_stage_duration_seconds_sum{{stage="{}"}}'.format
_WORKER_CLIENTS = ("worker_articles", "worker_queue")
_COUNTED = [
    "newswatch_articles_processed_total{",
    *(f'newswatch_redis_round_trips_total{{client="{c}"}}' for c in _WORKER_CLIENTS),
    *(f'newswatch_redis_commands_total{{client="{c}"}}' for c in _WORKER_CLIENTS),
]


# How often the run's progress is read from the API's /metrics: every _POLL_FAR seconds while
# the rest of the run, at the rate so far, would take more than two of those, then every
# _POLL_NEAR (the end's resolution). Each read makes the API merge every process's metric
# files: read every 50 ms for the whole run, the API took about 5 ms of CPU per article on the
# 2-core development machine (more than the worker process itself), slowing what it measured.
_POLL_NEAR, _POLL_FAR = 0.05, 1.0


def _near_end(done: float, total: int, seconds: float) -> bool:
    """Whether the rest of a run that did ``done`` of ``total`` articles in ``seconds`` would
    take less than two slow polls at that rate (or nothing is known yet)."""
    return not done or (total - done) * seconds / done < 2 * _POLL_FAR


@dataclasses.dataclass
class PipelineRun:
    """What one end-to-end run measured (per article unless said)."""

    rate: float  # articles per second, elapsed
    cpu: float  # CPU seconds of the workers and their children
    cpu_workers: float  # of which the worker processes themselves
    cpu_children: float  # and their children (the extraction sandbox)
    cpu_redis: float  # Redis's own CPU seconds (every client's commands)
    round_trips: dict[str, float]  # the worker's, by client
    commands: dict[str, float]  # the worker's commands sent, by client
    redis_commands: float  # commands Redis ran (scripts' included; every client)
    busy: float  # share of the run the workers were in a job
    shares: dict[str, float]  # share of the busy time per stage (and "batch": the rest)


def _counters(http: httpx.Client) -> list[float]:
    try:
        return metric_sums(http, _COUNTED)
    except httpx.HTTPError:
        return [0.0] * len(_COUNTED)


def _redis_counters(client: redis.Redis) -> tuple[float, float]:
    """Redis's CPU seconds and the commands it ran so far."""
    cpu: Any = client.info("cpu")
    stats: Any = client.info("stats")
    return cpu["used_cpu_sys"] + cpu["used_cpu_user"], float(stats["total_commands_processed"])


def _workers_started(log: Path) -> int:
    """How many workers of `newswatch up` logged their start (their log is echoed in its)."""
    try:
        return log.read_text(errors="replace").count('"worker started"')
    except OSError:
        return 0


def pipeline_run(
    pages: list[bytes], *, hosts: int, latency: float, workers: int, batch_size: int
) -> PipelineRun:
    """One end-to-end run of `newswatch up` on ``pages`` (from the origins' first request to
    the last article)."""
    shards = [pages[h::hosts] for h in range(hosts)]
    origins = [
        Origin(f"127.0.0.{h + 1}", shard, latency, opened=False) for h, shard in enumerate(shards)
    ]
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
        data = Path(tmp) / "data"
        with (Path(tmp) / "up.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
                 "--workers", str(workers), "--data-dir", str(data)],
                env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        store: redis.Redis | None = None
        try:
            # the origins answer once every worker is ready (imports, topics compiled, the
            # sandbox's child started): a worker's start is not per-article work
            ready_by = time.monotonic() + 120
            while time.monotonic() < ready_by and not all(o.opened.is_set() for o in origins):
                if proc.poll() is not None:
                    sys.exit("newswatch up exited:\n" + (Path(tmp) / "up.log").read_text()[-3000:])
                if _workers_started(Path(tmp) / "up.log") >= workers:
                    for o in origins:
                        o.opened.set()
                time.sleep(0.05)
            if not all(o.opened.is_set() for o in origins):
                print("  (the workers did not log their start within 120 s: origins opened anyway)")
                for o in origins:
                    o.opened.set()
            deadline = time.monotonic() + 600
            done = asked = began = 0.0
            first: tuple[tuple[float, float], list[float], tuple[float, float]] | None = None
            while time.monotonic() < deadline:
                if store is None and (data / "redis.url").is_file():
                    store = redis.Redis.from_url((data / "redis.url").read_text().strip())
                if first is None and any(o.first_request is not None for o in origins):
                    assert store is not None, "the origins were asked before Redis started"
                    first = (worker_cpu(proc.pid), _counters(http), _redis_counters(store))
                    began = time.monotonic()
                if proc.poll() is not None:
                    sys.exit("newswatch up exited:\n" + (Path(tmp) / "up.log").read_text()[-3000:])
                now = time.monotonic()
                if now - asked >= _POLL_FAR or _near_end(done, len(pages), now - began):
                    asked, done = time.monotonic(), _counters(http)[0]
                    if done >= len(pages):
                        break
                time.sleep(_POLL_NEAR)
            end = time.monotonic()
            last = (worker_cpu(proc.pid), _counters(http), _redis_counters(store))  # type: ignore[arg-type]
            if done < len(pages) or first is None:
                sys.exit(f"only {done:.0f} of {len(pages)} articles processed in time")
            start = min(o.first_request for o in origins if o.first_request is not None)
            n = len(pages)
            own, below = ((b - a) / n for a, b in zip(first[0], last[0], strict=True))
            counted = [(b - a) / n for a, b in zip(first[1], last[1], strict=True)]
            redis_cpu, redis_commands = (
                (b - a) / n for a, b in zip(first[2], last[2], strict=True)
            )
            stage_sums = metric_sums(http, [_STAGE(name) for name in ("job", *STAGES)])
            job, per_stage = stage_sums[0], dict(zip(STAGES, stage_sums[1:], strict=True))
            shares = {name: value / job for name, value in per_stage.items()}
            shares["batch"] = max(0.0, 1 - sum(shares.values()))
            k = len(_WORKER_CLIENTS)
            return PipelineRun(
                rate=n / (end - start),
                cpu=own + below,
                cpu_workers=own,
                cpu_children=below,
                cpu_redis=redis_cpu,
                round_trips=dict(zip(_WORKER_CLIENTS, counted[1 : 1 + k], strict=True)),
                commands=dict(zip(_WORKER_CLIENTS, counted[1 + k :], strict=True)),
                redis_commands=redis_commands,
                busy=job / (end - start) / workers,
                shares=shares,
            )
        finally:
            http.close()
            if store is not None:
                store.close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
            for o in origins:
                o.server.shutdown()
                o.server.server_close()


# The scheduler is polite: two requests to one host start at least fetch_host_gap (0.25 s by
# default) apart, so the origins can hand over at most hosts / gap pages a second. With 16 hosts
# that was 64 a second, under bare trafilatura's rate on this machine: the elapsed ratio then
# measured the politeness, and the worker waited for pages. 64 hosts supply 256 a second.
HOSTS = 64

# six editions of the 181 corpus pages: long enough that the pipeline's fill time (one feed and
# one page latency before the first job exists, the first batch's linger) is a small part of
# the run; with half as many, the same code measured 0.83 of bare trafilatura instead of 0.99
ARTICLES = 1086


def supply_ceiling(hosts: int) -> float:
    """Pages a second the scheduler can fetch from ``hosts`` hosts at the default host gap."""
    return hosts / Settings.model_fields["fetch_host_gap"].default


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument("--pipeline-articles", type=int, default=ARTICLES, help="pages to process")
    parser.add_argument("--latency", type=float, default=0.2, help="origin latency, seconds")
    parser.add_argument("--hosts", type=int, default=HOSTS, help="loopback hosts serving feeds")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--batch-sizes", default="1,8", help="articles per rq job, comma-separated runs"
    )


# the bare baselines: name -> (fast mode, trafilatura's options)
BASELINES: dict[str, tuple[bool, dict[str, Any]]] = {
    "same settings": (False, PIPELINE_SETTINGS),
    "default": (False, {}),
    "fast mode": (True, PIPELINE_SETTINGS),
}


class Bare:
    """Bare trafilatura's best rate and CPU per page for each baseline, measured again around
    each pipeline run (the machine's speed drifts during a run)."""

    def __init__(self, pages: list[bytes]) -> None:
        self.pages = pages
        self.rate: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def measure(self) -> None:
        for name, (fast, options) in BASELINES.items():
            rate, cpu = bare_run(self.pages, [fast] * len(self.pages), options)
            self.rate[name] = max(self.rate.get(name, 0.0), rate)
            self.cpu[name] = min(self.cpu.get(name, float("inf")), cpu)


def print_run(got: PipelineRun, bare: Bare, *, batch: int, workers: int) -> None:
    """The end-to-end table of one run against bare trafilatura."""
    same = "same settings"
    others = ", ".join(
        f"{name} {got.rate / (bare.rate[name] * workers):.2f}" for name in BASELINES if name != same
    )
    print(f"end to end, batch {batch:3d}: {got.rate:8.1f} articles/s, bare (same settings) "
          f"{bare.rate[same]:.1f}/s per core: ratio {got.rate / (bare.rate[same] * workers):.2f} "
          f"elapsed (vs {others})")  # fmt: skip
    others = ", ".join(
        f"{name} {bare.cpu[name] / got.cpu:.2f}" for name in BASELINES if name != same
    )
    print(f"  CPU per article: {got.cpu * 1000:.1f} ms (worker processes "
          f"{got.cpu_workers * 1000:.1f}, their children {got.cpu_children * 1000:.1f}); "
          f"bare {bare.cpu[same] * 1000:.1f} ms: ratio {bare.cpu[same] / got.cpu:.2f} "
          f"(vs {others}); Redis {got.cpu_redis * 1000:.2f} ms")  # fmt: skip
    shares = ", ".join(f"{name} {share:.0%}" for name, share in got.shares.items())
    print(f"  workers busy {got.busy:.0%} of the run; of that: {shares}")
    trips = sum(got.round_trips.values())
    print(f"  Redis per article: {trips:.2f} round trips ("
          + ", ".join(f"{c} {v:.2f}" for c, v in got.round_trips.items())
          + f"), {sum(got.commands.values()):.1f} commands sent ("
          + ", ".join(f"{c} {v:.1f}" for c, v in got.commands.items())
          + f"); Redis ran {got.redis_commands:.1f} (scripts' commands and the scheduler's "
          "included)")  # fmt: skip


def run(args: argparse.Namespace) -> None:
    pages = load_pages(args.pipeline_articles)
    print(f"{len(pages)} pages, origin latency {args.latency * 1000:.0f} ms, "
          f"{args.hosts} hosts (the scheduler's politeness lets them supply at most "
          f"{supply_ceiling(args.hosts):.0f} pages/s), {args.workers} worker(s)")  # fmt: skip
    paths = extraction_paths(pages)
    shares = ", ".join(f"{p} {paths.count(p) / len(paths):.1%}" for p in sorted(set(paths)))
    print(f"newswatch extraction paths: {shares} (full = the fallback)")
    checked = sum(p not in ("fast", "full") for p in paths) / len(paths)
    print(f"readability run on {checked:.1%} of pages (fast text suspicious)")
    bare = Bare(pages)
    bare.measure()
    for name, (fast, options) in BASELINES.items():
        call = ", ".join(["fast=True"] * fast + [f"{k}={v}" for k, v in options.items()])
        print(f"bare trafilatura.extract({call}) [{name}]: {bare.rate[name]:.1f} articles/s, "
              f"{bare.cpu[name] * 1000:.1f} ms CPU per page (one core)")  # fmt: skip
    for batch in (int(b) for b in args.batch_sizes.split(",")):
        got = pipeline_run(
            pages, hosts=args.hosts, latency=args.latency, workers=args.workers, batch_size=batch
        )
        bare.measure()
        print_run(got, bare, batch=batch, workers=args.workers)
