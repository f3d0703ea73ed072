"""Article-body scoring as the article-extraction benchmark computes it (its evaluate.py):

- texts are cut into word tokens (``\\w+``, case kept) and 4-word shingles;
- per page, true/false positives and false negatives are counted over the shingle multisets
  and normalised by their sum, so a long page weighs no more than a short one;
- precision is the mean of the per-page precisions (pages with a prediction), recall the mean
  of the per-page recalls (pages with a truth), F1 the harmonic mean of those two means.

The issue's figures (0.962 for the pipeline, 0.970 published for rs_trafilatura) are on this
scale; the benchmark's own trafilatura output scores 0.958 with it, as its README says.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import Counter

SHINGLE = 4
_WORD = re.compile(r"\w+")


@dataclasses.dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fn == 0 else self.tp / (self.tp + self.fn)


@dataclasses.dataclass(frozen=True)
class Score:
    f1: float
    precision: float
    recall: float


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text or "")
    count = max(1, len(words) - SHINGLE + 1)
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(count) if words[i : i + SHINGLE])


def score_page(truth: str, predicted: str) -> PageScore:
    want, got = _shingles(truth), _shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def score(pages: list[PageScore]) -> Score:
    precision = statistics.mean(p.precision for p in pages if p.tp + p.fp > 0)
    recall = statistics.mean(p.recall for p in pages if p.tp + p.fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(f1, precision, recall)
