"""The data setup: every way a dataset file can be missing or damaged ends in a clear message."""

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from tools import prepare_data
from tools.prepare_data import DatasetError, prepare

NAMES = list(prepare_data.EXPECTED_SHA256)


def idx_bytes(name: str) -> bytes:
    """Small stand-in contents for one dataset file (the real ones are 30 MB)."""
    return f"stand-in contents of {name}".encode()


@pytest.fixture(autouse=True)
def small_dataset(monkeypatch):
    """Make the expected checksums those of the small stand-in files."""
    monkeypatch.setattr(
        prepare_data,
        "EXPECTED_SHA256",
        {name: hashlib.sha256(idx_bytes(name)).hexdigest() for name in NAMES},
    )


def write_good_copies(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        (folder / name).write_bytes(gzip.compress(idx_bytes(name)))
    return folder


def test_copies_verified_files_from_the_debian_package(tmp_path):
    debian = write_good_copies(tmp_path / "debian")
    report = prepare(tmp_path / "cache", debian_dir=debian, origin=None)
    assert all("copied from" in line for line in report)
    for name in NAMES:
        assert gzip.decompress((tmp_path / "cache" / name).read_bytes()) == idx_bytes(name)


def test_keeps_a_verified_cache_without_a_source(tmp_path):
    cache = write_good_copies(tmp_path / "cache")
    report = prepare(cache, debian_dir=tmp_path / "nowhere", origin=None)
    assert all("verified in" in line for line in report)


def test_downloads_when_there_is_no_local_copy(tmp_path):
    server = write_good_copies(tmp_path / "server")
    report = prepare(tmp_path / "cache", debian_dir=tmp_path / "nowhere", origin=server.as_uri() + "/")
    assert all("downloaded" in line for line in report)


def test_missing_dataset_offline_names_the_file_and_the_fix(tmp_path):
    unreachable = (tmp_path / "no-server").as_uri() + "/"
    with pytest.raises(DatasetError) as error:
        prepare(tmp_path / "cache", debian_dir=tmp_path / "nowhere", origin=unreachable)
    message = str(error.value)
    assert NAMES[0] in message
    assert "is missing" in message
    assert "could not be downloaded" in message
    assert "apt-get install dataset-fashion-mnist" in message


def test_truncated_cache_file_is_replaced_by_a_good_copy(tmp_path):
    cache = write_good_copies(tmp_path / "cache")
    damaged = cache / NAMES[1]
    damaged.write_bytes(damaged.read_bytes()[:20])
    report = prepare(cache, debian_dir=write_good_copies(tmp_path / "debian"), origin=None)
    assert report[1] == f"{NAMES[1]}: copied from {tmp_path / 'debian'} and verified"
    assert gzip.decompress(damaged.read_bytes()) == idx_bytes(NAMES[1])


def test_truncated_source_is_reported_and_the_cache_left_alone(tmp_path):
    debian = write_good_copies(tmp_path / "debian")
    (debian / NAMES[0]).write_bytes((debian / NAMES[0]).read_bytes()[:20])
    cache = tmp_path / "cache"
    cache.mkdir()
    previous = cache / NAMES[0]
    previous.write_bytes(b"an earlier, broken download")

    with pytest.raises(DatasetError) as error:
        prepare(cache, debian_dir=debian, origin=None)

    message = str(error.value)
    assert f"{debian / NAMES[0]} is truncated or not gzip data" in message
    assert "apt-get install --reinstall dataset-fashion-mnist" in message
    assert previous.read_bytes() == b"an earlier, broken download"
    assert sorted(path.name for path in cache.iterdir()) == [NAMES[0]], "no temporary file left behind"


def test_file_with_wrong_contents_is_caught_by_its_checksum(tmp_path):
    debian = write_good_copies(tmp_path / "debian")
    (debian / NAMES[2]).write_bytes(gzip.compress(b"valid gzip, wrong data"))
    with pytest.raises(DatasetError, match=re.escape(f"{debian / NAMES[2]} decompresses to the wrong contents")):
        prepare(tmp_path / "cache", debian_dir=debian, origin=None)


def test_command_line_prints_one_error_and_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(prepare_data, "DEBIAN_DIR", tmp_path / "nowhere")
    monkeypatch.setattr(prepare_data, "KERAS_ORIGIN", (tmp_path / "no-server").as_uri() + "/")
    assert prepare_data.main() == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: Fashion-MNIST file train-images-idx3-ubyte.gz could not be prepared")
    assert "Traceback" not in captured.err


def test_cache_follows_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert prepare_data.keras_cache_dir() == tmp_path / "datasets" / "fashion-mnist"


def test_data_readme_lists_the_checksums_the_setup_checks(monkeypatch):
    monkeypatch.undo()  # the real checksums, not the stand-ins
    readme = (Path(__file__).parent.parent / "data" / "README.md").read_text()
    listed = dict(re.findall(r"^\| `([\w.-]+\.gz)` \| `([0-9a-f]{64})` \|$", readme, re.MULTILINE))
    assert listed == prepare_data.EXPECTED_SHA256
