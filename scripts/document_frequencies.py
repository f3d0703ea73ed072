"""Build newswatch/core/query/document_frequencies.txt: in how many news articles each word
occurs, from the real news text of the shared corpora.

The matcher uses the table to choose the rarest words of a query as its presearch triggers,
and the query linter to spot topics made only of common words. Only the counts are shipped,
never the text. The articles are the ECB+ documents of topics 15 and above; topics 1-14 and
the extraction benchmark's articles are left out because `make bench` (section matching)
measures on them.

    python scripts/document_frequencies.py [CORPORA]
"""

from __future__ import annotations

import collections
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newswatch.core.text import tokenize  # noqa: E402

OUTPUT = REPO / "newswatch" / "core" / "query" / "document_frequencies.txt"
FIRST_TOPIC = 15  # ECB+ topics below this one are the benchmark's
MIN_DOCUMENTS = 2  # a word seen in one article is as rare as an unknown one


def main() -> None:
    default = os.environ.get("NEWSWATCH_CORPORA", REPO.parent / "shared" / "corpora")
    corpora = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    counts: collections.Counter[str] = collections.Counter()
    documents = 0
    with (corpora / "ecbplus" / "documents.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if int(doc["topic"]) < FIRST_TOPIC:
                continue
            documents += 1
            counts.update(set(tokenize(doc["text"])))
    rows = sorted(
        ((w, n) for w, n in counts.items() if n >= MIN_DOCUMENTS), key=lambda r: (-r[1], r[0])
    )
    with OUTPUT.open("w", encoding="utf-8") as out:
        out.write(f"# news articles\t{documents}\n")
        out.write("# source: ECB+ (CC-BY 3.0) topics >= 15, counts only; see scripts/\n")
        out.writelines(f"{word}\t{n}\n" for word, n in rows)
    print(f"{len(rows)} words from {documents} articles -> {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
