"""Publish the models of a full run: their weights to models/published/, with their SHA-256.

Usage: python -m tools.publish_models   (from the repository root, after `make series`; `make publish` runs it)

A notebook opened alone (in Colab, say) downloads a missing model's weights from models/published/
on GitHub, checks them against the SHA-256 written into its code, and rebuilds the model. Weights,
unlike whole `.keras` files, load in every Keras 3 version the series supports (a `.keras` file
saved by Keras 3.15 does not load in Colab's 3.10). This script writes the files
and those hashes: into PUBLISHED_SHA256 in series/config.py (then into the module made from it) and into
the table of models/README.md. Then run `make release` (the module's own SHA-256 changed) and commit it all together.

The lesson model's weights keep Adam's state, which notebook 05 shows; the better and tiny CNNs
are published without it (the notebooks only predict with them), which keeps them small.
"""

import os
import re
import sys
import tempfile
from pathlib import Path

from tools.export_module import module_text
from tools.project import CONFIG, FULL_RUN_MODELS_DIR, MODULE, ROOT, sha256

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before Keras is imported (in publish): no C++ info lines

PUBLISHED_DIR = FULL_RUN_MODELS_DIR / "published"
README = FULL_RUN_MODELS_DIR / "README.md"

# published file -> the model in models/ it is made from
PUBLISHED = {
    "lesson_cnn.weights.h5": "lesson_cnn.keras",
    "lesson_history.json": "lesson_history.json",
    "better_cnn.weights.h5": "better_cnn.keras",
    "tiny_cnn.weights.h5": "tiny_cnn.keras",
}
TABLE_START, TABLE_END = "<!-- published: start -->", "<!-- published: end -->"


def same_weights(path, other):
    """True when two weight files hold equal arrays under the same names; their bytes differ anyway (HDF5 metadata)."""
    import h5py
    import numpy as np

    def arrays(weights_path):
        found = {}
        with h5py.File(weights_path, "r") as weights:
            weights.visititems(lambda name, item: found.update({name: item[()]}) if isinstance(item, h5py.Dataset) else None)
        return found

    first, second = arrays(path), arrays(other)
    return first.keys() == second.keys() and all(np.array_equal(first[name], second[name]) for name in first)


def publish(name, source_name, models_dir=FULL_RUN_MODELS_DIR, published_dir=PUBLISHED_DIR):
    """Write `published_dir`/`name` (models/published/) from `models_dir`/`source_name`, atomically.

    Weights equal to those already published leave the published file as it is, so that its SHA-256
    and the notebooks' copies of it do not change for nothing.
    """
    source = models_dir / source_name
    target = published_dir / name
    with tempfile.TemporaryDirectory(dir=published_dir) as folder:
        temporary = Path(folder) / name
        if name.endswith(".weights.h5"):
            import keras

            # The lesson model keeps Adam's state (notebook 05 shows it); the others need only their weights.
            keras.models.load_model(source, compile=name.startswith("lesson")).save_weights(temporary)
        else:
            temporary.write_bytes(source.read_bytes())
        if name.endswith(".weights.h5") and target.exists() and same_weights(temporary, target):
            print(f"{name}: the same weights as the published file, which stays as it is")
            return target
        os.replace(temporary, target)
    return target


def set_hash_in_config(name, digest):
    """Rewrite the entry of `name` in PUBLISHED_SHA256 of series/config.py; True when it changed."""
    text = CONFIG.read_text()
    updated = re.sub(rf'^(    "{re.escape(name)}": )"[0-9a-f]*",$', rf'\g<1>"{digest}",', text, count=1, flags=re.M)
    CONFIG.write_text(updated)
    return updated != text


def main():
    missing = [source for source in PUBLISHED.values() if not (FULL_RUN_MODELS_DIR / source).exists()]
    if missing:  # checked before anything is written, so that files, README and notebooks stay in step
        sys.exit(f"Missing {', '.join(missing)} in {FULL_RUN_MODELS_DIR}: run the full series first (make series).")
    PUBLISHED_DIR.mkdir(exist_ok=True)
    rows = []
    for name, source_name in PUBLISHED.items():
        path = publish(name, source_name)
        digest = sha256(path)
        print(f"{name}: {digest} ({'rewritten' if set_hash_in_config(name, digest) else 'unchanged'} in series/config.py)")
        rows.append(f"| `{name}` | {path.stat().st_size:,} | `{digest}` |")
    for stale in set(PUBLISHED_DIR.iterdir()) - {PUBLISHED_DIR / name for name in PUBLISHED}:
        print(f"removing {stale.name}, which is no longer published")
        stale.unlink()
    total = sum(path.stat().st_size for path in PUBLISHED_DIR.iterdir())
    readme = README.read_text()
    table = "\n".join(["| file | bytes | SHA-256 |", "|---|---:|---|", *rows])
    readme = re.sub(f"{TABLE_START}.*?{TABLE_END}", f"{TABLE_START}\n{table}\n{TABLE_END}", readme, flags=re.S)
    README.write_text(readme)
    MODULE.write_text(module_text())
    print(f"{total / 2**20:.1f} MiB in {PUBLISHED_DIR.relative_to(ROOT)}/; models/README.md updated")


if __name__ == "__main__":
    main()
