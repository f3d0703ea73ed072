"""`make eval` section `neardup`: the near-duplicate decision (LSH candidate + signature
similarity >= THRESHOLD, exactly as the Redis index decides) on real data.

- ECB+ (``ecbplus/``): 982 news documents in 86 same-event clusters and 86 silver
  near-duplicate pairs (5-shingle Jaccard >= 0.3 within a cluster). Reported: recall on the
  silver pairs; precision against the silver pairs and against "same cluster"; the
  false-merge rate over every pair of documents from different clusters.
- Syndication variants (``article-extraction-benchmark/``): each of the 181 pages extracted,
  then five copies of it in other outlets' pages (eval/syndication.py) extracted again.
  Reported: recall on the variants, by kind; false merges among the 181 originals.
- The measurement behind the choice of MinHash: the same decision with SimHash (64 bits over
  the same shingles) at several Hamming radii, and MinHash at several thresholds.
- The measurement behind the LSH layout (bands x rows): the same decision with other layouts,
  and the share of unrelated pairs that become candidates (each one a signature the index reads
  and compares: the confirmation cost of a lookup grows with that share times the index size).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from eval.syndication import KINDS, variants
from newswatch.core import neardup
from newswatch.core.errors import NewswatchError
from newswatch.core.extract import extract_article
from newswatch.core.text import tokenize

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora"))
MAX_BYTES = 50 * 1024 * 1024
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
RADII = (3, 6, 10, 12, 16)
LAYOUTS = ((32, 2), (24, 2), (20, 2), (16, 2), (12, 2), (32, 1), (16, 1), (8, 1), (16, 3))


class Doc:
    """One text with what each method needs."""

    def __init__(self, tokens: list[str]) -> None:
        self.near = neardup.fingerprint(tokens)
        hashes = neardup.shingle_hashes(tokens)
        self.minhash = neardup.minhash_values(hashes) if self.near is not None else None
        self.values = (
            np.frombuffer(self.near.signature, dtype="<u2") if self.near is not None else None
        )
        self.bands = {b.key for b in self.near.bands} if self.near is not None else set()
        self.simhash = _simhash(hashes)

    def similarity(self, other: Doc) -> float:
        """The index's decision input: 0 unless the two share an LSH band (are candidates)."""
        if self.values is None or other.values is None or not self.bands & other.bands:
            return 0.0
        return float(np.count_nonzero(self.values == other.values)) / neardup.NUM_PERM

    def candidate(self, other: Doc, bands: int, rows: int) -> bool:
        """Whether the two share a band in the layout ``bands`` x ``rows``."""
        if self.minhash is None or other.minhash is None:
            return False
        width = bands * rows
        equal = (self.minhash[:width] == other.minhash[:width]).reshape(bands, rows)
        return bool(equal.all(axis=1).any())

    def equal_values(self, other: Doc) -> float:
        """The estimated Jaccard similarity, candidates or not."""
        if self.values is None or other.values is None:
            return 0.0
        return float(np.count_nonzero(self.values == other.values)) / neardup.NUM_PERM

    def distance(self, other: Doc) -> int:
        return (self.simhash ^ other.simhash).bit_count()


def _simhash(hashes: np.ndarray) -> int:
    """64-bit SimHash (Charikar) of the shingle hashes, each shingle weighted 1."""
    if not len(hashes):
        return 0
    wide = np.array(
        [
            int.from_bytes(hashlib.blake2b(int(h).to_bytes(4, "little"), digest_size=8).digest())
            for h in hashes
        ],
        dtype=np.uint64,
    )
    bits = (wide[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    votes = (2 * bits.astype(np.int64) - 1).sum(axis=0)
    return sum(1 << i for i in range(64) if votes[i] > 0)


def add_arguments(parser: argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--neardup-skip-simhash", action="store_true", help="skip the SimHash comparison"
    )


def run(args: argparse.Namespace) -> None:
    if not (CORPORA / "ecbplus").is_dir():
        sys.exit(f"no corpora at {CORPORA}: set NEWSWATCH_CORPORA to the shared corpora folder")
    print(
        f"decision: share one of {neardup.BANDS} LSH bands ({neardup.ROWS} values each) and "
        f">= {neardup.matches_needed()} of {neardup.NUM_PERM} MinHash values equal "
        f"(estimated Jaccard >= {neardup.THRESHOLD}), {neardup.SHINGLE_WORDS}-word shingles"
    )
    ecb, ecb_layouts = _ecbplus(args)
    syn, syn_layouts = _syndication(args)
    _layout_table(ecb_layouts, syn_layouts)
    if not args.neardup_skip_simhash:
        _comparison(ecb, syn)


Sims = tuple[list[float], list[float], list[int], list[int]]
# layout -> (recall, precision vs silver or merges, false merges, candidate share of unrelated)
LayoutFigures = dict[tuple[int, int], tuple[float, float, int, float]]


def _ecbplus(args: argparse.Namespace) -> tuple[Sims, LayoutFigures]:
    folder = CORPORA / "ecbplus"
    records = [json.loads(line) for line in (folder / "documents.jsonl").open(encoding="utf-8")]
    index = {r["doc_name"]: n for n, r in enumerate(records)}
    clusters = [r["cluster"] for r in records]
    docs = [Doc(tokenize(r["text"])) for r in records]
    silver: set[tuple[int, int]] = set()
    with (folder / "near_duplicate_pairs.silver.tsv").open(encoding="utf-8") as pairs:
        next(pairs)
        for line in pairs:
            a, b = line.split("\t")[:2]
            silver.add((min(index[a], index[b]), max(index[a], index[b])))

    decided, cross, cross_total = set(), 0, 0
    pos_sim, neg_sim, pos_dist, neg_dist = [], [], [], []
    other_sim: list[float] = []  # same cluster, not silver
    for a, b in itertools.combinations(range(len(docs)), 2):
        sim = docs[a].similarity(docs[b])
        if sim >= neardup.THRESHOLD:
            decided.add((a, b))
        if (a, b) in silver:
            pos_sim.append(sim)
            pos_dist.append(docs[a].distance(docs[b]))
        elif clusters[a] == clusters[b]:
            other_sim.append(sim)
        else:
            cross_total += 1
            cross += sim >= neardup.THRESHOLD
            neg_sim.append(sim)
            neg_dist.append(docs[a].distance(docs[b]))
    hits = len(decided & silver)
    same_cluster = sum(1 for a, b in decided if clusters[a] == clusters[b])
    print(f"\nECB+: {len(docs)} documents, {len(silver)} silver pairs, {cross_total} cross pairs")
    print(f"  recall on silver pairs:            {hits / len(silver):.3f} ({hits}/{len(silver)})")
    print(f"  precision vs silver pairs:         {_ratio(hits, len(decided))} "
          f"({hits}/{len(decided)} decided)")  # fmt: skip
    print(f"  precision vs same cluster:         {_ratio(same_cluster, len(decided))}")
    print(f"  false-merge rate across clusters:  {cross / cross_total:.2e} ({cross} pairs)")
    print("  at other thresholds: threshold, recall, precision vs silver, vs same cluster")
    for t in THRESHOLDS:
        found = sum(s >= t for s in pos_sim)
        extra = sum(s >= t for s in other_sim)
        wrong = sum(s >= t for s in neg_sim)
        print(f"    {t:5.2f}  {found / len(pos_sim):.3f}  {_ratio(found, found + extra + wrong)}  "
              f"{_ratio(found + extra, found + extra + wrong)}")  # fmt: skip
    return (pos_sim, neg_sim, pos_dist, neg_dist), _ecb_layouts(docs, silver, clusters)


def _ecb_layouts(
    docs: list[Doc], silver: set[tuple[int, int]], clusters: list[str]
) -> LayoutFigures:
    """The ECB+ decision under every layout of LAYOUTS, over every pair at once (matrices)."""
    n, width = len(docs), neardup.NUM_PERM
    valid = np.array([d.minhash is not None for d in docs])
    full = np.stack(
        [d.minhash if d.minhash is not None else np.zeros(width, np.uint32) for d in docs]
    )
    low = full.astype("<u2")  # the stored signature: its equal values are the similarity
    equal = np.zeros((n, n), dtype=np.int16)
    for k in range(width):
        equal += low[:, k, None] == low[None, :, k]
    upper = np.triu_indices(n, 1)
    both = (valid[:, None] & valid[None, :])[upper]
    similar = (equal[upper] >= neardup.matches_needed()) & both
    is_silver = np.zeros((n, n), dtype=bool)
    for a, b in silver:
        is_silver[a, b] = True
    is_silver = is_silver[upper]
    label = np.array(clusters)
    cross = (label[:, None] != label[None, :])[upper]
    figures: LayoutFigures = {}
    for bands, rows in LAYOUTS:
        candidate = np.zeros((n, n), dtype=bool)
        for band in range(bands):
            same = np.ones((n, n), dtype=bool)
            for k in range(band * rows, (band + 1) * rows):
                same &= full[:, k, None] == full[None, :, k]
            candidate |= same
        cand = candidate[upper] & both
        decided = cand & similar
        hits = int(np.count_nonzero(decided & is_silver))
        figures[(bands, rows)] = (
            hits / len(silver),
            hits / max(1, int(np.count_nonzero(decided))),
            int(np.count_nonzero(decided & cross)),
            float(np.count_nonzero(cand & cross)) / int(np.count_nonzero(cross)),
        )
    return figures


def _syndication(args: argparse.Namespace) -> tuple[Sims, LayoutFigures]:
    files = sorted((CORPORA / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    originals: list[Doc] = []
    pos_sim, pos_dist, kinds = [], [], []
    copies: list[tuple[Doc, Doc | None]] = []  # (original, its copy as extracted)
    unextracted = 0
    for n, path in enumerate(files):
        page = gzip.decompress(path.read_bytes())
        extracted = extract_article(page, url=f"https://origin.example/{n}", max_bytes=MAX_BYTES)
        original = Doc(tokenize(extracted.text))
        originals.append(original)
        paragraphs = [p for p in extracted.text.split("\n") if p.strip()]
        for variant in variants(extracted.title, paragraphs, seed=n):
            try:
                copy = extract_article(
                    variant.page, url=f"https://copy.example/{n}", max_bytes=MAX_BYTES
                )
            except NewswatchError:
                unextracted += 1  # counted as missed: the copy never reaches the index
                pos_sim.append(0.0)
                pos_dist.append(64)
                kinds.append(variant.kind)
                copies.append((original, None))
                continue
            other = Doc(tokenize(copy.text))
            copies.append((original, other))
            pos_sim.append(original.similarity(other))
            pos_dist.append(original.distance(other))
            kinds.append(variant.kind)
    neg_sim = [a.similarity(b) for a, b in itertools.combinations(originals, 2)]
    neg_dist = [a.distance(b) for a, b in itertools.combinations(originals, 2)]
    caught = [s >= neardup.THRESHOLD for s in pos_sim]
    merged = sum(s >= neardup.THRESHOLD for s in neg_sim)
    print(f"\nSyndication variants of {len(originals)} benchmark pages: {len(caught)} variants "
          f"({unextracted} not extractable, counted as missed)")  # fmt: skip
    print(f"  recall on variants:                {np.mean(caught):.3f} "
          f"({sum(caught)}/{len(caught)})")  # fmt: skip
    for kind in KINDS:
        chosen = [c for c, k in zip(caught, kinds, strict=True) if k == kind]
        print(f"    {kind:9s}                        {np.mean(chosen):.3f}")
    print(f"  false merges among the originals:  {merged} of {len(neg_sim)} pairs")
    return (pos_sim, neg_sim, pos_dist, neg_dist), _syndication_layouts(originals, copies)


def _syndication_layouts(
    originals: list[Doc], copies: list[tuple[Doc, Doc | None]]
) -> LayoutFigures:
    needed = neardup.matches_needed() / neardup.NUM_PERM
    pairs = list(itertools.combinations(originals, 2))
    close = [(a, b) for a, b in pairs if a.equal_values(b) >= needed]
    figures: LayoutFigures = {}
    for bands, rows in LAYOUTS:
        caught = sum(
            1
            for a, b in copies
            if b is not None and a.equal_values(b) >= needed and a.candidate(b, bands, rows)
        )
        merged = sum(1 for a, b in close if a.candidate(b, bands, rows))
        candidates = sum(1 for a, b in pairs if a.candidate(b, bands, rows))
        figures[(bands, rows)] = (caught / len(copies), 0.0, merged, candidates / len(pairs))
    return figures


def _layout_table(ecb: LayoutFigures, syn: LayoutFigures) -> None:
    print(f"\nLSH layouts (the same threshold, {neardup.THRESHOLD}); lookups = bands per partition "
          "read; candidates = share of unrelated pairs sharing a band:")  # fmt: skip
    print("  bands x rows  ECB+ recall  precision  cross merges  candidates   "
          "variant recall  original merges  candidates")  # fmt: skip
    for layout in LAYOUTS:
        recall, precision, merges, share = ecb[layout]
        s_recall, _, s_merges, s_share = syn[layout]
        mark = " *" if layout == (neardup.BANDS, neardup.ROWS) else "  "
        print(f"  {layout[0]:5d} x {layout[1]}{mark}  {recall:11.3f}  {precision:9.3f}  "
              f"{merges:12d}  {share:10.2e}   {s_recall:14.3f}  {s_merges:15d}  "
              f"{s_share:10.2e}")  # fmt: skip


def _comparison(
    ecb: tuple[list[float], list[float], list[int], list[int]],
    syn: tuple[list[float], list[float], list[int], list[int]],
) -> None:
    print("\nMinHash (this decision) at other thresholds:")
    print("  threshold  ECB+ recall  ECB+ cross merges  variant recall  original merges")
    for t in THRESHOLDS:
        print(f"  {t:9.2f}  {_share(ecb[0], lambda s, t=t: s >= t):11.3f}  "
              f"{_count(ecb[1], lambda s, t=t: s >= t):17d}  "
              f"{_share(syn[0], lambda s, t=t: s >= t):14.3f}  "
              f"{_count(syn[1], lambda s, t=t: s >= t):15d}")  # fmt: skip
    print("SimHash, 64 bits over the same shingles, Hamming distance <= r:")
    print("  radius     ECB+ recall  ECB+ cross merges  variant recall  original merges")
    for r in RADII:
        print(f"  {r:9d}  {_share(ecb[2], lambda d, r=r: d <= r):11.3f}  "
              f"{_count(ecb[3], lambda d, r=r: d <= r):17d}  "
              f"{_share(syn[2], lambda d, r=r: d <= r):14.3f}  "
              f"{_count(syn[3], lambda d, r=r: d <= r):15d}")  # fmt: skip
    print(f"  smallest distance between unrelated texts: ECB+ {min(ecb[3])}, "
          f"originals {min(syn[3])}; an index for radius r probes C(64, r) buckets "
          "or r + 1 blocks")  # fmt: skip


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a (nothing decided)"


def _share(values: Iterable[float], keep: object) -> float:
    chosen = list(values)
    return sum(1 for v in chosen if keep(v)) / len(chosen)  # type: ignore[operator]


def _count(values: Iterable[float], keep: object) -> int:
    return sum(1 for v in values if keep(v))  # type: ignore[operator]
