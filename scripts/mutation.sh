#!/usr/bin/env bash
# Mutation testing of the measurement core (src/alliance/measures, src/alliance/monitoring)
# against its own tests (tests/measures, tests/monitoring), with mutmut 3.
#
# Not part of CI: a full run takes about three quarters of an hour on two cores (the
# trajectory fits are the slow part). It prints the mutation score, killed / (killed +
# survived), overall and per module, and lists every surviving mutant with the line it
# changed: a survivor that changes behaviour (a threshold, a comparison, a severity, an
# evidence key or value, a rule, a computed figure) is a test to write; one that changes only
# the wording of an explanation, or nothing at all, is not. A mutant under which the tests
# stop with an error (a test module that cannot be imported) counts as killed; mutmut itself
# files it under "timeout".
#
#   scripts/mutation.sh                                      # both packages
#   scripts/mutation.sh src/alliance/monitoring/ruptures.py  # only these files (globs too)
#   scripts/mutation.sh --exclude 'src/alliance/monitoring/trajectory.py'
#   scripts/mutation.sh --keep ...                           # keep the work folder afterwards
#   scripts/mutation.sh --jobs 1 ...                         # mutants tested at once (default: cores)
#   scripts/mutation.sh --diff ...                           # full diff of every survivor
#   scripts/mutation.sh --report DIR                         # the report again, from a kept folder
#
# The run happens in a temporary copy of src/ and of the two test folders, outside the
# repository, so mutmut's mutants/ folder, its configuration (a setup.cfg written there) and
# every cache stay out of the work tree. The copy has no tests/conftest.py: these tests need
# neither Django nor a database, and pytest runs with the Django plugin off. The site's data
# folder is an empty one, so a developer's own cutoffs.toml or wording cannot change a result.
# mutmut itself (pinned below) is installed into .venv when missing.
set -euo pipefail

MUTMUT_VERSION="3.8.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="$VENV/bin/python"

keep=0
diff=0
report_only=""
jobs="$(nproc 2>/dev/null || echo 2)"
patterns=()
excludes=()
while (($#)); do
    case "$1" in
        --keep) keep=1 ;;
        --diff) diff=1 ;;
        --jobs) jobs="$2"; shift ;;
        --exclude) excludes+=("$2"); shift ;;
        --report) report_only="$2"; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
        *) patterns+=("$1") ;;
    esac
    shift
done
if ((${#patterns[@]} == 0)); then
    patterns=("src/alliance/measures/*" "src/alliance/monitoring/*")
fi
for pattern in "${patterns[@]}" "${excludes[@]}"; do
    case "$pattern" in
        src/alliance/measures/* | src/alliance/monitoring/*) ;;
        *) echo "$pattern: only files under src/alliance/measures and src/alliance/monitoring" >&2
           exit 2 ;;
    esac
done

# The score from mutmut's per-file results, and the survivors with what they changed; run
# in the work folder (mutmut reads its setup.cfg).
report() {
    SHOW_DIFF="$diff" "$PYTHON" - <<'PY'
"""The score from mutmut's per-file results, and the survivors with what they changed."""

import os
from collections import Counter
from pathlib import Path

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files

# A test run that raised instead of finishing (the worker exits with -1).
ERRORED = 255
by_module: dict[str, Counter[str]] = {}
survivors: list[tuple[str, Path]] = []
for path in sorted(walk_mutatable_files()):
    data = SourceFileMutationData(path=path)
    data.load()
    if not data.exit_code_by_key:
        continue
    module = str(path.relative_to("src/alliance"))
    counts = by_module.setdefault(module, Counter())
    for name, exit_code in sorted(data.exit_code_by_key.items()):
        status = status_by_exit_code[exit_code]
        if exit_code == ERRORED:
            # mutmut files these under "timeout", but they ran no clock out: pytest stopped
            # with an error (a test module that cannot be imported under the mutant, say),
            # so the tests did not pass: the mutant is killed.
            status = "killed"
            counts["of them by an error"] += 1
        counts[status] += 1
        if status == "survived":
            survivors.append((name, path))


def score(counts: Counter[str]) -> str:
    judged = counts["killed"] + counts["survived"]
    return f"{100 * counts['killed'] / judged:5.1f}%" if judged else "    -"


def other(counts: Counter[str]) -> str:
    rest = {k: v for k, v in counts.items() if k not in ("killed", "survived")}
    errored = rest.pop("of them by an error", 0)
    parts = [f"{v} {k}" for k, v in sorted(rest.items())]
    return ", ".join(([f"killed {errored} of them by an error"] if errored else []) + parts)


total: Counter[str] = Counter()
print("mutation score = killed / (killed + survived)")
print(f"{'module':34} {'killed':>7} {'survived':>9} {'score':>7}  other")
for module, counts in by_module.items():
    total += counts
    print(f"{module:34} {counts['killed']:7} {counts['survived']:9} {score(counts):>7}  {other(counts)}")
print(f"{'overall':34} {total['killed']:7} {total['survived']:9} {score(total):>7}  {other(total)}")

print(f"\nsurviving mutants ({len(survivors)}):")
full = os.environ.get("SHOW_DIFF") == "1"
for name, path in survivors:
    print(f"  {name}")
    diff = get_diff_for_mutant(name, path=path)
    for line in diff.splitlines():
        if full:
            print(f"      {line}")
        elif line[:1] in "-+" and not line.startswith(("---", "+++")):
            print(f"      {line.strip()}")
PY
}

if [[ ! -x "$PYTHON" ]]; then
    echo "no virtualenv at $VENV: create it first (python3.11 -m venv .venv; pip install -e '.[test]')" >&2
    exit 1
fi
if [[ -n "$report_only" ]]; then
    cd "$report_only" && report
    exit 0
fi
if ! "$PYTHON" -c "import importlib.metadata as m, sys; sys.exit(m.version('mutmut') != '$MUTMUT_VERSION')" 2>/dev/null; then
    echo "installing mutmut==$MUTMUT_VERSION into .venv"
    "$VENV/bin/pip" install -q "mutmut==$MUTMUT_VERSION"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/alliance-mutation.XXXXXX")"
cleanup() {
    if ((keep)); then
        echo "work folder kept: $work (mutmut show NAME / mutmut browse from there)"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# A snapshot of the work tree as it is now: edits made while the run goes on do not leak in.
mkdir -p "$work/tests" "$work/site-data"
(cd "$ROOT" && tar -cf - --exclude='__pycache__' --exclude='*.py[co]' src \
    tests/__init__.py tests/measures tests/monitoring) | tar -xf - -C "$work"

{
    echo "[mutmut]"
    echo "source_paths = src"
    echo "only_mutate ="
    printf '    %s\n' "${patterns[@]}"
    if ((${#excludes[@]})); then
        echo "do_not_mutate ="
        printf '    %s\n' "${excludes[@]}"
    fi
    echo "pytest_add_cli_args_test_selection ="
    echo "    tests/measures"
    echo "    tests/monitoring"
    # One argument a line (mutmut splits the value on new lines).
    echo "pytest_add_cli_args ="
    printf '    %s\n' -p no:django -p no:cacheprovider --strict-markers
    echo "use_git_change_detection = false"
    # Each mutant's tests run in a process forked from a server that has imported the
    # libraries but run nothing, so the caches of the core (definitions, compiled scoring
    # keys) are filled afresh under the mutant: a mutant of the code that fills them is
    # tested too, not hidden behind values the clean run left in memory.
    echo "process_isolation = forkserver"
    echo "forkserver_warmup = import"
    echo "preload_modules_file = $work/preload-modules.txt"
    echo
    # pytest's own settings for the copy (the repository's pyproject.toml, which names the
    # Django settings, is not copied).
    echo "[tool:pytest]"
    echo "addopts = -p no:cacheprovider"
} >"$work/setup.cfg"
printf '%s\n' pytest hypothesis numpy scipy.stats statsmodels.api pydantic platformdirs \
    alliance.measures alliance.monitoring >"$work/preload-modules.txt"

cd "$work"
export ALLIANCE_DATA_DIR="$work/site-data"
echo "mutating ${patterns[*]}${excludes:+ (not ${excludes[*]})} in $work; $jobs at once"
echo "mutmut's log: $work/mutmut.log"
started=$(date +%s)
if ! "$VENV/bin/mutmut" run --max-children "$jobs" >"$work/mutmut.log" 2>&1; then
    echo "mutmut failed; the end of its log:" >&2
    tr '\r' '\n' <"$work/mutmut.log" | grep -v '^\s*$' | tail -n 60 >&2
    exit 1
fi
elapsed=$(($(date +%s) - started))
printf 'run time: %dm %02ds\n\n' $((elapsed / 60)) $((elapsed % 60))
report
