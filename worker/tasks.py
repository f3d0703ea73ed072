"""rq entry points. The scheduler enqueues these by path string ("worker.tasks.process_batch")
with rq's JSONSerializer, so arguments are plain JSON: a list of ``ArticleJob.to_dict()``."""

from __future__ import annotations

from typing import Any

import rq

from newswatch import metrics
from newswatch.core.models import ArticleJob
from newswatch.logs import bound
from worker import pipeline
from worker.context import get_context


def process_batch(jobs: list[dict[str, Any]]) -> dict[str, int]:
    """Process a batch of article jobs; returns counts by result (extracted, duplicate,
    failed) and the number of new alerts. A malformed job dict is recorded as a failure
    (reason ``bad_job``) and the rest of the batch goes on."""
    current = rq.get_current_job()
    context = get_context(current.connection if current is not None else None)
    articles: list[ArticleJob] = []
    bad = 0
    for raw in jobs:
        try:
            articles.append(ArticleJob.from_dict(raw))
        except (TypeError, ValueError, AttributeError) as exc:
            bad += 1
            known = raw if isinstance(raw, dict) else {}
            context.articles.record_failure(
                "decode",
                "bad_job",
                str(known.get("article_id", "")),
                str(known.get("feed_id", "")),
                f"malformed article job ({exc}): {str(raw)[:300]}",
            )
            metrics.ARTICLES_PROCESSED.labels(pipeline.Result.FAILED.value).inc()
    with bound(job_id=current.id if current is not None else None):
        counts = pipeline.process_batch(context, articles)
    counts[pipeline.Result.FAILED.value] += bad
    return counts
