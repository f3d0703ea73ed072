"""Near-duplicate fingerprints: MinHash over word shingles, cut into LSH bands.

Two copies of a wire story differ by a headline, boilerplate the extractor left, a paragraph
dropped, a byline or a sentence rewritten; most of their 5-word shingles are shared. The
Jaccard similarity of the two shingle sets measures that, and MinHash estimates it from a
fixed-size signature: the share of equal values among ``NUM_PERM`` minimum hashes.

Chosen on data (``make eval ARGS=neardup``, numbers in eval/neardup.py): SimHash needed a
Hamming radius of 12 to 16 bits out of 64 to catch 95 % of syndication variants, too close to
the distance of unrelated articles (16 and up) and too wide for a cheap index; the Jaccard of
5-word shingles kept variants (1st percentile about 0.5) and unrelated articles (at most
0.14) far apart, and MinHash LSH finds candidates in a few lookups. ``THRESHOLD`` sits in
that gap (see there).

The index (store/stories.py) finds candidates by LSH banding: ``BANDS`` bands of ``ROWS``
values each; two articles become candidates when all values of one band are equal, which for
a Jaccard similarity J happens with probability 1 - (1 - J^ROWS)^BANDS (0.95 at J = 0.3,
0.999 at J = 0.5, 0.003 at J = 0.01). Candidates are confirmed on the whole signature.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence
from types import ModuleType

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = 2
# The estimated Jaccard similarity at or above which two articles are one story, chosen on
# the data (`make eval ARGS=neardup`): 0.3 is the definition of the silver near-duplicate
# pairs of ECB+, and there the decision's recall and precision against them are both 0.94
# (0.25: 0.95 / 0.80; 0.4: 0.59 / 1.0); syndication variants of the 181 benchmark pages are
# caught at 0.997; unrelated articles sit at 0.14 and below (no false merge among the 181
# pages, none among 476,103 pairs of ECB+ documents from different clusters, down to 0.15).
THRESHOLD = 0.3
# texts under this many shingles are too short for a similarity to mean anything: they join a
# story only as exact copies
MIN_SHINGLES = 10
SEED = 20231117

_SIGNATURE_DTYPE = np.dtype("<u2")  # 16 of the 32 bits: collisions add < 0.00002 to J
SIGNATURE_BYTES = NUM_PERM * _SIGNATURE_DTYPE.itemsize
_MASK64 = (1 << 64) - 1
# a 64-bit odd multiplier for the rolling shingle hash (the golden ratio, as in splitmix64)
_K = np.uint64(0x9E3779B97F4A7C15)

# datasketch's affine32 scheme: each shingle hash is mixed once by MurmurHash3's 32-bit
# finaliser, then permuted as a * h + b modulo 2^32 by NUM_PERM (a, b) pairs drawn from SEED
_A, _B = (
    np.asarray(p, dtype=np.uint32).reshape(1, NUM_PERM)
    for p in MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
)
_A_BYTES, _B_BYTES = _A.tobytes(), _B.tobytes()  # as the compiled MinHash takes them


def _compiled() -> ModuleType | None:
    try:
        from newswatch.core import _minhash
    except ImportError:  # not built (no compiler at install), or NEWSWATCH_PURE_PYTHON set
        return None
    return _minhash


_COMPILED = _compiled()


@dataclasses.dataclass(frozen=True)
class Band:
    """One LSH band: ``key`` identifies its values exactly (band number + the ROWS values);
    ``spread`` is a well-mixed 32-bit hash of it, for choosing a shard."""

    key: bytes
    spread: int


@dataclasses.dataclass(frozen=True)
class NearFingerprint:
    signature: bytes  # SIGNATURE_BYTES: NUM_PERM little-endian 16-bit minimum hashes
    bands: tuple[Band, ...]
    shingles: int


def shingle_hashes(tokens: Sequence[str]) -> npt.NDArray[np.uint32]:
    """The distinct 32-bit hashes of the ``SHINGLE_WORDS``-word shingles of ``tokens`` (a
    text shorter than that is one shingle). Stable across processes and machines."""
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    # map() keeps the per-word loop in C: twice as fast as a generator expression
    words = np.fromiter(
        map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint64, count=len(tokens)
    )
    width = min(SHINGLE_WORDS, len(words))
    count = len(words) - width + 1
    rolled = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        rolled = rolled * _K + words[offset : offset + count]  # wraps modulo 2^64, as meant
    folded = (rolled >> np.uint64(32)) ^ (rolled & np.uint64(0xFFFFFFFF))
    return np.unique(folded.astype(np.uint32))


def minhash_values(hashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """The ``NUM_PERM`` 32-bit minimum hashes of a set of shingle hashes: datasketch's
    ``MinHash(scheme="affine32")`` values for them, computed in numpy without its per-value
    Python loop (the unit tests check the two agree)."""
    if len(hashes) == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    h = hashes.astype(np.uint32).reshape(-1, 1)  # wraps modulo 2^32, as meant
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    values: npt.NDArray[np.uint32] = (h * _A + _B).min(axis=0)
    return values


def signature(tokens: Sequence[str]) -> tuple[npt.NDArray[np.uint32], int]:
    """The ``NUM_PERM`` minimum hashes of a text's shingles and the number of its distinct
    shingles: :func:`minhash_values` of :func:`shingle_hashes`, by the compiled MinHash
    (``_minhash.c``, a quarter of the time, no temporary arrays) when it can be imported."""
    if _COMPILED is not None:
        raw, count = _COMPILED.signature(list(tokens), SHINGLE_WORDS, _A_BYTES, _B_BYTES)
        return np.frombuffer(raw, dtype=np.uint32), count
    hashes = shingle_hashes(tokens)
    return minhash_values(hashes), len(hashes)


def fingerprint(tokens: Sequence[str]) -> NearFingerprint | None:
    """The near-duplicate fingerprint of a text's words (as :func:`newswatch.core.text.tokenize`
    gives them), or None when the text has fewer than ``MIN_SHINGLES`` shingles."""
    values, count = signature(tokens)
    if count < MIN_SHINGLES:
        return None
    return NearFingerprint(
        signature=values.astype(_SIGNATURE_DTYPE).tobytes(),
        bands=bands_of(values),
        shingles=count,
    )


def bands_of(
    values: npt.NDArray[np.uint32], bands: int = BANDS, rows: int = ROWS
) -> tuple[Band, ...]:
    """The LSH bands of minimum hashes: band n holds values n * rows to (n + 1) * rows - 1
    (other layouts than the index's are for the evaluation)."""
    if bands * rows > len(values):
        raise ValueError(f"{bands} bands of {rows} need {bands * rows} values")
    raw = values[: bands * rows].astype(">u4").tobytes()  # one conversion for every band
    width = rows * 4
    made = []
    for number in range(bands):
        key = bytes((number,)) + raw[number * width : (number + 1) * width]
        made.append(Band(key, _spread(key)))
    return tuple(made)


def _spread(key: bytes) -> int:
    """splitmix64's finaliser over the key's CRC: minimum hashes are small numbers (the
    minimum of many), so their raw bits would crowd the low shards."""
    x = zlib.crc32(key)
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return (x ^ (x >> 31)) & 0xFFFFFFFF


def similarity(signature_a: bytes, signature_b: bytes) -> float:
    """The estimated Jaccard similarity of two signatures (the share of equal values).
    store/stories.py computes the same inside Redis."""
    if len(signature_a) != SIGNATURE_BYTES or len(signature_b) != SIGNATURE_BYTES:
        raise ValueError(f"signatures must be {SIGNATURE_BYTES} bytes")
    a = np.frombuffer(signature_a, dtype=_SIGNATURE_DTYPE)
    b = np.frombuffer(signature_b, dtype=_SIGNATURE_DTYPE)
    return float(np.count_nonzero(a == b)) / NUM_PERM


def matches_needed(threshold: float = THRESHOLD) -> int:
    """How many of the NUM_PERM values must be equal for ``threshold``."""
    return int(np.ceil(threshold * NUM_PERM - 1e-9))
