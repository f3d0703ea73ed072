"""The near-duplicate fingerprint: stable, similar for copies, dissimilar for other texts."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import numpy as np
import numpy.typing as npt
import pytest
from datasketch import MinHash

from newswatch.core import neardup
from newswatch.core.text import tokenize
from tests.support.compiled import compiled_module, pure_python, run_pure_python
from tests.support.stories import PARAGRAPHS, UNRELATED

TEXT = "\n".join(PARAGRAPHS)


def fp(text: str) -> neardup.NearFingerprint:
    found = neardup.fingerprint(tokenize(text))
    assert found is not None
    return found


def test_the_fingerprint_is_stable_across_processes() -> None:
    """Values are written to Redis by one process and compared by another: no per-process
    hashing (such as Python's hash()) may enter them. These bytes were computed once."""
    near = fp(PARAGRAPHS[0])
    assert near.signature[:8].hex() == "8b69631fe113d6cf"
    assert near.bands[0].key.hex() == "0002f2698b08131f63"
    assert near.bands[0].spread == 3702838159


def test_shape() -> None:
    near = fp(TEXT)
    assert len(near.signature) == neardup.SIGNATURE_BYTES == 2 * neardup.NUM_PERM
    assert len(near.bands) == neardup.BANDS
    assert len({b.key for b in near.bands}) == neardup.BANDS  # band number is in the key
    assert near.shingles == len(set(zip(*(tokenize(TEXT)[i:] for i in range(5)), strict=False)))


def test_copies_are_similar_and_other_texts_are_not() -> None:
    original = fp(TEXT)
    dropped = fp("\n".join(PARAGRAPHS[:3] + PARAGRAPHS[4:]))
    bylined = fp("By Maria Lopez\n" + TEXT + "\nFirst published on the wire.")
    assert neardup.similarity(original.signature, original.signature) == 1.0
    assert neardup.similarity(original.signature, dropped.signature) >= 0.6
    assert neardup.similarity(original.signature, bylined.signature) >= 0.8
    for _, paragraphs in UNRELATED:
        other = fp("\n".join(paragraphs))
        assert neardup.similarity(original.signature, other.signature) < 0.1


def test_case_accents_and_punctuation_do_not_matter() -> None:
    a = fp("Élysée talks: the PRESIDENT met ministers, again and again, on Monday morning, then "
           "left for Brussels.")  # fmt: skip
    b = fp("elysee talks the president met ministers again and again on monday morning then "
           "left for brussels")  # fmt: skip
    assert a == b


def test_too_short_texts_have_no_fingerprint() -> None:
    assert neardup.fingerprint(tokenize("Seven words are far too few here")) is None
    assert neardup.fingerprint([]) is None
    assert len(neardup.shingle_hashes(["a", "b"])) == 1  # shorter than a shingle: one


def test_similarity_refuses_malformed_signatures() -> None:
    with pytest.raises(ValueError, match="256 bytes"):
        neardup.similarity(b"short", fp(TEXT).signature)


def test_matches_needed() -> None:
    assert neardup.matches_needed(0.3) == int(np.ceil(0.3 * 128))
    assert neardup.matches_needed(0.25) == 32


def test_other_band_layouts_cut_the_same_values() -> None:
    """The evaluation compares layouts with bands_of; the index's layout is its default."""
    values = neardup.minhash_values(neardup.shingle_hashes(tokenize(TEXT)))
    assert neardup.bands_of(values) == fp(TEXT).bands
    single = neardup.bands_of(values, 16, 1)
    assert [b.key for b in single] == [
        bytes([n]) + int(values[n]).to_bytes(4, "big") for n in range(16)
    ]
    with pytest.raises(ValueError, match="need 132 values"):
        neardup.bands_of(values, 33, 4)


def test_minhash_values_are_datasketchs() -> None:
    """minhash_values computes datasketch's affine32 MinHash (the index's stored signatures
    were made with it) without datasketch's per-value loop: the same values."""
    rng = np.random.default_rng(7)
    for size in (1, 10, 997, 20_000):
        hashes = np.unique(rng.integers(0, 2**32, size=size, dtype=np.uint64).astype(np.uint32))
        reference = MinHash(
            num_perm=neardup.NUM_PERM, seed=neardup.SEED, scheme="affine32", hashfunc=int
        )
        reference.update_batch(hashes.tolist())
        assert np.array_equal(neardup.minhash_values(hashes), reference.hashvalues)
    reference = MinHash(num_perm=neardup.NUM_PERM, seed=neardup.SEED, scheme="affine32")
    assert np.array_equal(neardup.minhash_values(np.zeros(0, np.uint32)), reference.hashvalues)


@pytest.fixture(scope="module")
def compiled() -> ModuleType:
    return compiled_module("newswatch.core._minhash", "the compiled MinHash")


def test_the_compiled_minhash_is_built_and_used_unless_turned_off() -> None:
    if pure_python():
        assert neardup._COMPILED is None
    else:
        assert neardup._COMPILED is not None, "pip install -e . builds newswatch/core/_minhash"
    code = "from newswatch.core import neardup; print(neardup._COMPILED is None)"
    assert run_pure_python(code) == ["True"]


def _datasketch(hashes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    reference = MinHash(
        num_perm=neardup.NUM_PERM, seed=neardup.SEED, scheme="affine32", hashfunc=int
    )
    reference.update_batch(hashes.tolist())
    values: npt.NDArray[np.uint64] = reference.hashvalues
    return values


def _compiled_signature(compiled: ModuleType, tokens: list[str]) -> tuple[np.ndarray, int]:
    raw, count = compiled.signature(tokens, neardup.SHINGLE_WORDS, neardup._A_BYTES,
                                    neardup._B_BYTES)  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint32), count


@pytest.mark.corpora
def test_compiled_minhash_is_datasketchs_on_real_articles(
    compiled: ModuleType, corpora: Path
) -> None:
    """The compiled MinHash gives, for the 181 article texts of the shared benchmark, the
    values datasketch's affine32 MinHash gives for the numpy shingle hashes (what the stored
    signatures were made with), and as many distinct shingles."""
    truth = json.loads((corpora / "article-extraction-benchmark/ground-truth.json").read_bytes())
    texts = [entry["articleBody"] for entry in truth.values()]
    assert len(texts) == 181
    for text in texts:
        tokens = tokenize(text)
        hashes = neardup.shingle_hashes(tokens)
        values, count = _compiled_signature(compiled, tokens)
        assert count == len(hashes)
        assert np.array_equal(values, _datasketch(hashes))
        assert np.array_equal(values, neardup.minhash_values(hashes))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one",
        "two words",
        "four words in all",
        "exactly five words in it",
        TEXT,
        # non-ASCII words are hashed as UTF-8, as str.encode() gives them
        "Ελλάδα: η κυβέρνηση και η αντιπολίτευση συμφώνησαν σήμερα για τον προϋπολογισμό",
        "東京で首脳会談が開かれ両国の首相が共同声明を発表した",
        "हिन्दी में समाचार लेख का पाठ यहाँ है और यह लंबा है",
        "the same words again " * 40,  # repeated shingles count once
    ],
)
def test_compiled_minhash_is_the_numpy_one(compiled: ModuleType, text: str) -> None:
    tokens = tokenize(text)
    hashes = neardup.shingle_hashes(tokens)
    values, count = _compiled_signature(compiled, tokens)
    assert count == len(hashes)
    assert np.array_equal(values, neardup.minhash_values(hashes))
    assert np.array_equal(values, _datasketch(hashes)) or not len(hashes)


def test_compiled_minhash_refuses_wrong_arguments(compiled: ModuleType) -> None:
    a, b = neardup._A_BYTES, neardup._B_BYTES
    with pytest.raises(TypeError):
        compiled.signature(("a", "tuple"), 5, a, b)
    with pytest.raises(TypeError):
        compiled.signature(["a", 7], 5, a, b)
    with pytest.raises(ValueError):
        compiled.signature(["a"], 0, a, b)
    with pytest.raises(ValueError):
        compiled.signature(["a"], 5, a, b[:-4])
    with pytest.raises(UnicodeEncodeError):  # as str.encode() raises
        compiled.signature(["\ud800"], 5, a, b)
