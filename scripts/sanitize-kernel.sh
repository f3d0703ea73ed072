#!/usr/bin/env bash
# The C extensions, the matching kernel (newswatch/core/query/_kernel.c) and the MinHash
# (newswatch/core/_minhash.c), built with AddressSanitizer and UndefinedBehaviorSanitizer, and
# their tests run against that build: in a copy of the tree in a temporary directory (the
# installed extensions are left alone).
#   scripts/sanitize-kernel.sh [PYTEST ARGS]
# Default: the kernel's tests, the matcher's, the property tests against the reference
# evaluator and the near-duplicate tests. Needs gcc (or CC) with its sanitizer libraries; stops
# at the first report.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
cc=${CC:-gcc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && git ls-files -z | xargs -0 cp --parents -t "$work")
include=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
suffix=$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
for extension in newswatch/core/query/_kernel newswatch/core/_minhash; do
  "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
    -shared -fPIC -I"$include" "$work/$extension.c" -o "$work/$extension$suffix"
done
preload="$("$cc" -print-file-name=libasan.so) $("$cc" -print-file-name=libubsan.so)"
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(tests/unit/test_query_kernel.py tests/unit/test_query_matcher.py
    tests/unit/test_query_properties.py tests/unit/test_neardup.py)
fi
cd "$work"
# every object through malloc (CPython's own allocator hides overruns inside its pools); no
# leak report (the interpreter keeps objects to its end)
LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 PYTHONMALLOC=malloc \
  NEWSWATCH_CORPORA="${NEWSWATCH_CORPORA:-$here/../shared/corpora}" PYTHONPATH="$work" \
  "$python" -m pytest -q -p no:cacheprovider "${tests[@]}"
