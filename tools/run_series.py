"""Execute the notebooks in order, headless, saving each one with its outputs.

Usage: python tools/run_series.py [NOTEBOOK ...]   (default: every notebook in notebooks/)

Each notebook runs in a fresh kernel started in notebooks/, as JupyterLab would
run it, and is written back only once all its cells succeeded, so a failed run
never replaces a good notebook. Progress goes to the terminal: each cell as it
starts, and what cells print (such as the epochs of a training) as they print it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


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
    paths = [Path(argument) for argument in arguments] or sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    mode = "QUICK TEST RUN" if os.environ.get("FMNIST_QUICK") == "1" else "full lesson"
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
        print(f"  done in {seconds / 60:.1f} min", flush=True)
    print("\nSummary:")
    for name, seconds in timings:
        print(f"  {name:<45} {seconds / 60:5.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
