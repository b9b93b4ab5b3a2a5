"""tools/test_times.py reads a pytest log with --durations=0 into the page of where the test time goes."""

import pytest

from tools.test_times import costliest_units, onednn_kernels, page

LOG = """\
12.50s call     notebooks/09_batch_size_and_epochs.ipynb::Cell 3
3.00s setup    notebooks/09_batch_size_and_epochs.ipynb::Cell 0
2.50s call     notebooks/09_batch_size_and_epochs.ipynb::exercises solved
9.00s call     tests/test_resume_after_a_crash.py::test_a_kill[before-backup]
8.00s call     tests/test_resume_after_a_crash.py::test_a_kill[after-log-row]
1.00s teardown tests/test_published_models.py::test_offline[04]
0.50s call     tests/test_notebooks.py::test_ruff
========= 3 passed, 1 warning in 20.40s (0:00:20) =========
"""


def test_a_notebook_adds_up_its_cells_and_a_test_its_parameters():
    assert costliest_units(LOG, count=3) == [("notebooks/09_batch_size_and_epochs.ipynb", 18.0),
                                             ("tests/test_resume_after_a_crash.py::test_a_kill", 17.0),
                                             ("tests/test_published_models.py::test_offline", 1.0)]


def test_the_page_gives_the_machine_the_outcome_and_the_costliest_units():
    text = page(LOG, "a test processor", "2026-12-04")
    assert "- processor: a test processor" in text and "- date: 2026-12-04" in text
    assert "- pytest: 3 passed, 1 warning in 20 s (0.3 min)" in text
    assert "| notebooks/09_batch_size_and_epochs.ipynb | 18.0 |" in text
    assert "| tests/test_notebooks.py::test_ruff | 0.5 |" in text
    assert text.startswith("# Where `make test` spends its time")
    assert page(LOG, "a test processor", "2026-12-04", "make test-without-onednn").startswith(
        "# Where `make test-without-onednn` spends its time")


def test_a_log_cut_short_gets_a_sentence_not_a_traceback():
    with pytest.raises(SystemExit, match="no pytest summary line"):
        page(LOG[: LOG.index("===")], "a test processor", "2026-12-04")  # the run stopped before its summary


def test_the_page_says_which_kernels_tensorflow_ran():
    zen_3, zen_4 = {"avx2", "fma"}, {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"}
    assert onednn_kernels(zen_3, None) == "TensorFlow's oneDNN kernels off, this processor's default"
    assert onednn_kernels(zen_4, None) == "TensorFlow's oneDNN kernels on, this processor's default"
    assert onednn_kernels({"avx2", "amx_tile"}, None).startswith("TensorFlow's oneDNN kernels on")
    assert onednn_kernels(zen_4, "0") == \
        "TensorFlow's oneDNN kernels off (TF_ENABLE_ONEDNN_OPTS=0; this processor's default: on)"
    assert onednn_kernels(zen_3, "1") == \
        "TensorFlow's oneDNN kernels on (TF_ENABLE_ONEDNN_OPTS=1; this processor's default: off)"
