"""The compiled matching kernel (newswatch/core/query/_kernel.c) and MinHash
(newswatch/core/_minhash.c); everything else is declared in pyproject.toml. The extensions are
optional: where they cannot be built (no C compiler), the package installs without them and
matching runs its pure-Python twin (kernel.py), near-duplicate fingerprints their numpy one
(neardup.py)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "newswatch.core.query._kernel",
            ["newswatch/core/query/_kernel.c"],
            optional=True,
        ),
        Extension("newswatch.core._minhash", ["newswatch/core/_minhash.c"], optional=True),
    ]
)
