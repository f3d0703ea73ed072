"""The caps on a page handed to extraction, apart from :mod:`newswatch.core.extract` so that
the settings take their defaults from here without loading trafilatura."""

from __future__ import annotations

# The elements of a page handed to trafilatura at most: its cost follows the number of
# elements (about 50 µs each), not of characters (5 MB in one <p> takes 0.5 s; 5 MB of short
# <p>, 88,000 elements, took 13 to 20 s, 70 s on a loaded machine). The 181 pages of the shared
# benchmark have at most 1,600; a page with more is refused as too large (``too_large``), after
# a parse that costs a few milliseconds per 10,000 elements. The default of the setting
# ``extract_max_elements``.
MAX_ELEMENTS = 20_000
