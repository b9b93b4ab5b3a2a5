"""Execute the notebooks in order, headless, saving each one with its outputs.

Usage: python -m tools.run_series [NOTEBOOK ...]   (default: every notebook in notebooks/)

Each notebook runs in a fresh kernel started in notebooks/, as JupyterLab would
run it, and is written back only once all its cells succeeded, so a failed run
never replaces a good notebook. Progress goes to the terminal: each cell as it
starts, and what cells print (such as the epochs of a training) as they print it.

A full run (not FMNIST_QUICK=1) records each notebook's time, date and processor in
RUN_TIMES (benchmarks/run_times.json), the source of the README's "full run" column;
tests/test_quoted_numbers.py checks that column against it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools.project import NOTEBOOKS, NOTEBOOKS_DIR, ROOT, quick_mode

RUN_TIMES = ROOT / "benchmarks" / "run_times.json"
README_TIMES = ROOT / "README.md"  # its series table ends each row with the notebook's full-run time
TIME_CELL = re.compile(r"^(\| \d\d \| \[[^]]*\]\(notebooks/(?P<name>[^)]+\.ipynb)\) \|.*\| )(?P<time>[^|]*?)( \|)$", re.M)


def readme_time_cells(readme: str) -> dict[str, str]:
    """{notebook file name: its "full run" cell} of the README's series table."""
    return {match["name"]: match["time"] for match in TIME_CELL.finditer(readme)}


def readme_time(minutes: float) -> str:
    """A run time as the README's table gives it: whole minutes, or "< 1 min"."""
    return f"{round(minutes)} min" if minutes >= 1 else "< 1 min"


def write_readme_times() -> None:
    """Rewrite the README's "full run" column from RUN_TIMES: minutes rounded, "< 1 min" below one."""
    times = json.loads(RUN_TIMES.read_text())

    def cell(match):  # a notebook that has not had a full run yet keeps its cell as it is
        recorded = times.get(match["name"])
        return match[0] if recorded is None else match[1] + readme_time(recorded["minutes"]) + match[4]

    README_TIMES.write_text(TIME_CELL.sub(cell, README_TIMES.read_text()))


def record_run_time(name: str, seconds: float) -> None:
    """Write a full run's minutes, date and processor for notebook `name` into RUN_TIMES."""
    sys.path.insert(0, str(NOTEBOOKS_DIR))
    from fmnist_series import processor_summary  # imported here: it loads TensorFlow, which only a full run needs

    times = json.loads(RUN_TIMES.read_text()) if RUN_TIMES.exists() else {}
    times[name] = {"minutes": round(seconds / 60, 1), "date": time.strftime("%Y-%m-%d"), "processor": processor_summary()}
    RUN_TIMES.write_text(json.dumps(dict(sorted(times.items())), indent=1, ensure_ascii=False) + "\n")


def first_line(cell) -> str:
    lines = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
    return lines[0][:60] if lines else ""


class EchoingClient(NotebookClient):
    """A NotebookClient that also echoes what the cells print to the terminal."""

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            for line in msg["content"]["text"].splitlines():
                print(f"      | {line}", flush=True)
        return super().output(outs, msg, display_id, cell_index)


def run_notebook(path: Path) -> float:
    """Execute `path` in place; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    started = time.perf_counter()

    def report(cell, cell_index, **_):
        elapsed = time.perf_counter() - started
        number = code_cells.index(cell) + 1
        print(f"  [{elapsed:6.0f} s] cell {number}/{len(code_cells)}: {first_line(cell)}", flush=True)

    client = EchoingClient(
        notebook,
        timeout=None,  # a full training takes many minutes
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,  # keeps the committed notebooks free of per-run metadata
        on_cell_execute=report,
    )
    client.execute()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".ipynb")
    os.close(handle)
    nbformat.write(notebook, temporary)
    os.replace(temporary, path)
    return time.perf_counter() - started


def main(arguments: list[str]) -> int:
    paths = [Path(argument) for argument in arguments] or NOTEBOOKS
    quick = quick_mode()
    mode = "QUICK TEST RUN" if quick else "full lesson"
    print(f"Running {len(paths)} notebooks ({mode}).", flush=True)
    timings = []
    for path in paths:
        print(f"\n{path.name}", flush=True)
        try:
            seconds = run_notebook(path)
        except CellExecutionError as error:
            print(f"\n{path.name} failed; it was left unchanged.\n{error}", file=sys.stderr)
            return 1
        timings.append((path.name, seconds))
        if not quick:
            record_run_time(path.name, seconds)
        print(f"  done in {seconds / 60:.1f} min", flush=True)
    if not quick:
        write_readme_times()
    print("\nSummary:")
    for name, seconds in timings:
        print(f"  {name:<45} {seconds / 60:5.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
