"""Put a verified copy of Fashion-MNIST where Keras looks for it.

`keras.datasets.fashion_mnist.load_data()` reads four gzipped IDX files from its
cache (`~/.keras/datasets/fashion-mnist/`, or `$KERAS_HOME/datasets/fashion-mnist/`)
and downloads only the ones that are missing. This script fills that cache:

1. a cached file whose decompressed contents match the published SHA-256 is kept;
2. otherwise it is copied from Debian's package `dataset-fashion-mnist`
   (`/usr/share/datasets/fashion-mnist/`), which works offline;
3. otherwise it is downloaded from the address Keras itself uses.

Every file is checked before it lands in the cache, and lands there by an atomic
rename, so the cache never holds a half-written file. Anything that cannot be put
right stops with a message that names the file and the fix.

Usage: python tools/prepare_data.py
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tempfile
import urllib.request
import zlib
from pathlib import Path

# SHA-256 of the *decompressed* IDX files. Compressed files differ between
# sources (Debian re-gzips them), their contents do not. data/README.md lists
# the same values for readers.
EXPECTED_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
OFFLINE_FIX = (
    "On a machine without internet, install Debian's copy of the dataset "
    "(apt-get install dataset-fashion-mnist) and run this again."
)


class DatasetError(Exception):
    """A dataset file is missing or damaged and could not be replaced."""


def keras_cache_dir() -> Path:
    """The folder where `keras.datasets.fashion_mnist.load_data()` looks for its files."""
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home) / "datasets" / "fashion-mnist"


def problem_with(path: Path, name: str | None = None) -> str | None:
    """Why `path` is not a good copy of the dataset file `name` (default: its own name), or None."""
    if not path.is_file():
        return "is missing"
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except (OSError, EOFError, zlib.error) as error:
        return f"is truncated or not gzip data ({error})"
    if digest.hexdigest() != EXPECTED_SHA256[name or path.name]:
        return "decompresses to the wrong contents (SHA-256 mismatch)"
    return None


def install_verified(fetch, target: Path) -> str | None:
    """Write a file with `fetch(temporary_path)` and keep it only if it verifies.

    The new file replaces `target` by an atomic rename, so `target` is either
    its old self or a verified copy, never a partial file. Returns the problem
    with the fetched file, or None once it is in place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    temporary = Path(temporary)
    try:
        fetch(temporary)
        temporary.chmod(0o644)  # mkstemp creates files readable by their owner only
        problem = problem_with(temporary, target.name)
        if problem is None:
            os.replace(temporary, target)
        return problem
    finally:
        temporary.unlink(missing_ok=True)


def prepare(cache_dir: Path, debian_dir: Path, origin: str | None) -> list[str]:
    """Make every dataset file in `cache_dir` verified; return what was done, one line per file.

    Missing or damaged files are copied from `debian_dir`, or else downloaded from `origin`
    (None: never download).
    """
    report = []
    for name in EXPECTED_SHA256:
        target = cache_dir / name
        cached_problem = problem_with(target)
        if cached_problem is None:
            report.append(f"{name}: verified in {cache_dir}")
            continue

        attempts = [f"{target} {cached_problem}"]
        source = debian_dir / name
        if source.is_file():
            problem = install_verified(lambda path, source=source: shutil.copyfile(source, path), target)
            if problem is None:
                report.append(f"{name}: copied from {debian_dir} and verified")
                continue
            attempts.append(
                f"{source} {problem}; reinstall it with: apt-get install --reinstall dataset-fashion-mnist"
            )
        if origin is not None:
            url = origin + name
            try:
                problem = install_verified(lambda path, url=url: urllib.request.urlretrieve(url, path), target)
            except OSError as error:
                problem = f"could not be downloaded ({error})"
            if problem is None:
                report.append(f"{name}: downloaded and verified")
                continue
            attempts.append(f"{url} {problem}")

        details = "\n  - ".join(attempts)
        raise DatasetError(
            f"Fashion-MNIST file {name} could not be prepared:\n  - {details}\n"
            f"{OFFLINE_FIX}\n"
            f"Nothing unverified was written to the Keras cache ({cache_dir})."
        )
    return report


def main() -> int:
    try:
        for line in prepare(keras_cache_dir(), DEBIAN_DIR, KERAS_ORIGIN):
            print(line)
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
