# Every target sets up what it needs: the virtual environment, then the data.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: series test data lab clean

series: data  ## run every notebook in order, full mode, saving outputs and models/
	$(BIN)/python tools/run_series.py

test: data  ## run the test suite: unit tests, then every notebook in quick mode under nbval
	$(BIN)/python -m pytest

lab: data  ## open the series in JupyterLab
	$(BIN)/jupyter lab notebooks/

data: $(BIN)/.installed  ## put a verified Fashion-MNIST into the Keras cache
	$(BIN)/python tools/prepare_data.py

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

clean:  ## remove the virtual environment and everything the notebooks wrote
	rm -rf $(VENV)
	find models -mindepth 1 ! -name README.md -exec rm -rf {} +
