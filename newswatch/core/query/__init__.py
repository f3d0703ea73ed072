"""The topic query language: parse queries, match documents against many topics at once.

Syntax: words, "phrases", AND / OR / NOT (upper case), ``-word`` / ``-"phrase"`` / ``-(group)``
exclusions, parentheses, implicit AND, ``word*`` prefix wildcards, ``a NEAR/n b`` and
``a ONEAR/n b`` proximity, field scopes ``title:``, ``text:``, ``feed:``, ``source:``, ``url:``,
``lang:``. Precedence: NOT > NEAR > AND > OR. Matching folds case and accents and respects word
boundaries.
"""

from newswatch.core.errors import QueryError
from newswatch.core.query.compiled import Query, parse_query
from newswatch.core.query.document import MatchDocument
from newswatch.core.query.explain import Clause, Explanation, explain
from newswatch.core.query.highlight import Highlight
from newswatch.core.query.lint import LintWarning, lint
from newswatch.core.query.matcher import TopicMatch, TopicMatcher, TopicSpec

__all__ = [
    "Clause",
    "Explanation",
    "Highlight",
    "LintWarning",
    "MatchDocument",
    "Query",
    "QueryError",
    "TopicMatch",
    "TopicMatcher",
    "TopicSpec",
    "explain",
    "lint",
    "parse_query",
]
