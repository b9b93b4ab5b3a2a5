"""Write benchmarks/test_times.md, where the test suite spends its time, from the log of one run.

Usage, on a fresh clone with the machine otherwise idle:

    PYTEST_ADDOPTS="--durations=0" make test 2>&1 | tee test.log
    .venv/bin/python -m tools.test_times test.log

TensorFlow turns its oneDNN kernels on by default only on processors with AVX512-VNNI, AVX512-BF16,
AVX-VNNI or AMX; AVX2-only processors (AMD Zen 2 and Zen 3) run its own, slower kernels instead, and
emulate bfloat16. `make test-without-onednn` runs the tests with those kernels on any processor; give
this tool the same setting and it writes benchmarks/test_times_without_onednn.md instead:

    PYTEST_ADDOPTS="--durations=0" make test-without-onednn 2>&1 | tee test.log
    TF_ENABLE_ONEDNN_OPTS=0 .venv/bin/python -m tools.test_times test.log

The page gives the processor, pytest's own wall-clock time and count of tests, and the 20 costliest
units of work: a notebook under nbval (its cells and its solved exercises) or a test function (all its
parameters). With two test processes, the units' seconds add up to about twice the wall-clock time.
The README's test times quote this page, and tests/test_quoted_numbers.py checks that they do.
"""

import contextlib
import io
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

from tools.project import NOTEBOOKS_DIR, ROOT

TEST_TIMES = ROOT / "benchmarks" / "test_times.md"
TEST_TIMES_WITHOUT_ONEDNN = ROOT / "benchmarks" / "test_times_without_onednn.md"
DURATION = re.compile(r"^([\d.]+)s (?:call|setup|teardown)\s+(\S+?\.(?:py|ipynb))(?:::([^[\n]+?))?(?:\[.*\])?\s*$", re.M)
SUMMARY = re.compile(r"=+ (.*?) in ([\d.]+)s \(")


def costliest_units(log: str, count: int = 20) -> list[tuple[str, float]]:
    """The `count` units of work with the most seconds: a notebook file, or a test file's function."""
    seconds = Counter()
    for match in DURATION.finditer(log):
        path, function = match.group(2), match.group(3)
        unit = path if path.endswith(".ipynb") or function is None else f"{path}::{function}"
        seconds[unit] += float(match.group(1))
    return seconds.most_common(count)


def page(log: str, machine: str, date: str, command: str = "make test") -> str:
    summaries = SUMMARY.findall(log)
    if not summaries:
        raise SystemExit("The log has no pytest summary line (\"N passed ... in S s\"): give the log of a whole run.")
    outcome, seconds = summaries[-1]
    rows = "\n".join(f"| {unit} | {unit_seconds:.1f} |" for unit, unit_seconds in costliest_units(log))
    return (f"# Where `{command}` spends its time\n\nWritten by `tools/test_times.py` from the log of one run.\n\n"
            f"- processor: {machine}\n- date: {date}\n- pytest: {outcome} in {float(seconds):.0f} s "
            f"({float(seconds) / 60:.1f} min)\n\n"
            f"The 20 costliest units of work (seconds in setup, call and teardown, added up over both test processes):\n\n"
            f"| unit | seconds |\n|---|---|\n{rows}\n")


def shared_module():
    """notebooks/fmnist_series.py, imported when first needed: it loads TensorFlow."""
    sys.path.insert(0, str(NOTEBOOKS_DIR))
    import fmnist_series

    return fmnist_series


def onednn_kernels(flags: set[str], onednn_setting: str | None) -> str:
    """Which kernels TensorFlow ran: oneDNN's or its own, by the processor's flags and TF_ENABLE_ONEDNN_OPTS."""
    series = shared_module()
    default = "on" if series.onednn_kernels_on(flags, None) else "off"
    if series.onednn_setting(onednn_setting) is not None:
        return (f"TensorFlow's oneDNN kernels {'on' if series.onednn_kernels_on(flags, onednn_setting) else 'off'} "
                f"(TF_ENABLE_ONEDNN_OPTS={onednn_setting}; this processor's default: {default})")
    return f"TensorFlow's oneDNN kernels {default}, this processor's default"


def machine_description() -> str:
    """The shared module's description of the processor, its cores and its timing flags (`describe_machine`), and
    which kernels TensorFlow ran, on one line: AVX2-only machines take longer."""
    series = shared_module()
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        series.describe_machine()
    kernels = onednn_kernels(series.machine()["flags"], os.environ.get("TF_ENABLE_ONEDNN_OPTS"))
    return "; ".join([*printed.getvalue().splitlines(), kernels])


if __name__ == "__main__":
    without_onednn = shared_module().onednn_setting(os.environ.get("TF_ENABLE_ONEDNN_OPTS")) is False
    written = TEST_TIMES_WITHOUT_ONEDNN if without_onednn else TEST_TIMES
    written.write_text(page(Path(sys.argv[1]).read_text(), machine_description(), time.strftime("%Y-%m-%d"),
                            "make test-without-onednn" if without_onednn else "make test"))
    print(f"wrote {written}")
