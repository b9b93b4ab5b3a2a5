# Every target sets up what it needs: the virtual environment, then the data.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: series results publish module release site test test-alone test-without-onednn test-oldest benchmark ablation speedrun demo data lab clean

# The oldest TensorFlow and Keras the notebooks support: Colab's announced runtime.
OLDEST_TENSORFLOW := 2.19.0
OLDEST_KERAS := 3.10.0

series: data  ## run every notebook in order, full mode, saving outputs and models/
	$(BIN)/python -m tools.run_series
	$(BIN)/python -m tools.write_results

results: $(BIN)/.installed  ## copy each notebook's finding (the Markdown its run generated) into RESULTS.md
	$(BIN)/python -m tools.write_results

publish: $(BIN)/.installed  ## after make series: copy its models to models/published/, record their SHA-256
	$(BIN)/python -m tools.publish_models

module: $(BIN)/.installed  ## copy the definitions that notebooks mark `# @save` into notebooks/fmnist_series.py
	$(BIN)/python -m tools.export_module

release: $(BIN)/.installed  ## make release VERSION=v2.0.0: write the release tag and fmnist_series.py's SHA-256 everywhere
	@test -n "$(VERSION)" || (echo "usage: make release VERSION=vMAJOR.MINOR.PATCH"; exit 2)
	$(BIN)/python -m tools.release $(VERSION)

site: $(BIN)/.installed  ## build the course site from the committed notebooks, without running them, into build/site/
	$(BIN)/python -m tools.build_site

test: data  ## run the test suite in two processes: unit tests and every notebook in quick mode under nbval
	$(BIN)/python -m pytest

test-alone: data  ## run every notebook copied alone into an empty folder, as in Colab, against this checkout served locally
	$(BIN)/python -m pytest -m alone --dist load tests/test_published_models.py

test-without-onednn: data  ## run the tests with TensorFlow's own kernels, as on AVX2-only processors (its default there)
	TF_ENABLE_ONEDNN_OPTS=0 $(BIN)/python -m pytest

test-oldest: data  ## run the tests with Colab's TensorFlow and Keras, in .venv-oldest
	$(PYTHON) -m venv .venv-oldest
	.venv-oldest/bin/pip install --quiet --upgrade pip
	grep -vE '^(tensorflow-cpu|keras|numpy)==' requirements.txt > .venv-oldest/requirements.txt
	.venv-oldest/bin/pip install --quiet -r .venv-oldest/requirements.txt \
		tensorflow-cpu==$(OLDEST_TENSORFLOW) keras==$(OLDEST_KERAS)
	.venv-oldest/bin/python -c "import tensorflow as tf, keras; print('TensorFlow', tf.__version__, 'Keras', keras.__version__)"
	# --nbval-lax: every notebook must run without error; outputs may differ between versions.
	.venv-oldest/bin/python -m pytest --nbval-lax

benchmark: data  ## measure the training speeds of notebook 11 and the LiteRT files of 12 (after make series)
	$(BIN)/python -m benchmarks.faster_and_smaller

ablation: data  ## train notebook 10's better CNN without one choice at a time, against its saved model (after make series)
	$(BIN)/python -m benchmarks.better_cnn_ablation

speedrun: data  ## run notebook 17 in full: the speedrun's ladder and records, written to benchmarks/speedrun.md
	$(BIN)/python -m tools.run_series notebooks/17_speedrun.ipynb

demo: data  ## serve notebook 16's web page for the lesson CNN on 127.0.0.1 (the address is printed; Ctrl+C stops it)
	cd notebooks && ../$(BIN)/python -c "import fmnist_series; fmnist_series.serve_demo()"

lab: data  ## open the series in JupyterLab
	$(BIN)/jupyter lab notebooks/

data: $(BIN)/.installed  ## put a verified Fashion-MNIST into the Keras cache
	$(BIN)/python tools/prepare_data.py

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

clean:  ## remove the virtual environments, the screenshots, the built site and everything the notebooks wrote
	rm -rf $(VENV) .venv-oldest screenshots build
	find models -mindepth 1 -maxdepth 1 ! -name README.md ! -name published -exec rm -rf {} +
