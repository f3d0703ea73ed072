"""The compiled matching kernel (newswatch/core/query/_kernel.c); everything else is declared
in pyproject.toml. The extension is optional: where it cannot be built (no C compiler), the
package installs without it and matching runs its pure-Python twin (kernel.py)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "newswatch.core.query._kernel",
            ["newswatch/core/query/_kernel.c"],
            optional=True,
        )
    ]
)
