"""Copy every definition that a notebook marks `# @save` into the generated part of notebooks/fmnist_series.py.

Usage: python -m tools.export_module           (rewrite the generated part; `make module` runs it)
       python -m tools.export_module --check   (exit 1 when the module and the notebooks differ)

A notebook marks a top-level `def`, `class` or constant by ending its first line with `# @save`, in the
cell that teaches it. The definition is copied word for word, without the mark, with "Defined in
notebook NN." added to its docstring (to a comment above a constant). Everything above the generated
part's header is written by hand and left as it is.
"""

import ast
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
MODULE = NOTEBOOKS_DIR / "fmnist_series.py"
MARK = "# @save"
GENERATED_HEADER = "# Part 2, generated from the notebooks by `make module`: do not edit below this line.\n"
RULE = "# " + "-" * 99 + "\n"


def notebooks():
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def marked_definitions(path):
    """(name, source) of each definition that notebook `path` marks `# @save`, in order."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code" or MARK not in cell.source:
            continue
        source = cell.source
        lines = source.splitlines()
        for node in ast.parse(source).body:
            if not lines[node.lineno - 1].rstrip().endswith(MARK):
                continue
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                name = node.name
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
            else:
                raise ValueError(f"{path.name}: `{MARK}` marks a line that is not a def, class or NAME = value")
            source_lines = lines[node.lineno - 1 : node.end_lineno]
            # Inside the module, the names a notebook calls `series.NAME` are its own globals.
            yield name, "\n".join(source_lines).replace("series.", ""), node


def with_origin(source, node, number):
    """`source` without the mark, with "Defined in notebook NN." in its docstring or a comment above."""
    lines = source.splitlines()
    first = lines[0].rstrip()
    lines[0] = first[: -len(MARK)].rstrip()
    origin = f"Defined in notebook {number}."
    body = getattr(node, "body", None)
    if not (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        return f"# {origin}\n" + "\n".join(lines)
    start, end = body[0].lineno - node.lineno, body[0].end_lineno - node.lineno
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    if start == end:  # """One line."""
        closing = lines[end].rstrip()
        quote = closing[-3:]
        lines[end] = f"{closing[:-3]}\n\n{indent}{origin}\n{indent}{quote}"
    else:  # the closing quotes on a line of their own
        lines[end] = f"\n{indent}{origin}\n{lines[end]}"
    return "\n".join(lines)


def generated_part():
    """The generated part of the module, from the notebooks as they are now."""
    seen = {}
    blocks = [RULE + GENERATED_HEADER + RULE]
    for path in notebooks():
        number = path.name[:2]
        for name, source, node in marked_definitions(path):
            if name in seen:
                raise ValueError(f"{name} is marked `{MARK}` in notebook {seen[name]} and in notebook {number}")
            seen[name] = number
            blocks.append(with_origin(source, node, number) + "\n")
    return "\n\n".join(blocks)


def module_text():
    """The whole module: its hand-written part as it is, then the generated part made anew."""
    text = MODULE.read_text()
    hand_written = text[: text.index(RULE + GENERATED_HEADER)]
    return hand_written + generated_part()


def main(arguments):
    expected = module_text()
    if "--check" in arguments:
        if MODULE.read_text() != expected:
            print(f"{MODULE.relative_to(ROOT)} and the notebooks are not in sync: run make module.")
            return 1
        return 0
    if MODULE.read_text() != expected:
        MODULE.write_text(expected)
        print(f"wrote {MODULE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
