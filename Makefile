# The two commands of the README: `make demo` (install, build a real sample image, scan it)
# and `make test` (what CI runs). Everything else is a helper of those.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_DIR ?= $(HOME)/.cache/hullguard-test-images

.PHONY: venv demo test lint services bench clean

$(BIN)/hullguard: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(BIN)/hullguard

services:
	bash .ci/start-services.sh

demo: venv
	@command -v debootstrap >/dev/null || (apt-get update -qq && apt-get install -y -qq debootstrap)
	@out=$$($(BIN)/python -m tests.images.build --out $(SAMPLE_DIR) --only oci) && \
	  $(BIN)/hullguard image inspect oci-layout:$$out/sample-oci-gzip:sample && \
	  $(BIN)/hullguard sbom oci-layout:$$out/sample-oci-gzip:sample && \
	  $(BIN)/hullguard scan --scanners secret,misconfig oci-layout:$$out/sample-oci-gzip:sample

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src tests

test: venv lint
	$(BIN)/python -m tests.images.build --out $(SAMPLE_DIR) >/dev/null
	$(BIN)/pytest -n 2 --dist loadgroup -q

bench: venv
	$(BIN)/python bench/run.py --write bench/RESULTS.md
	$(BIN)/python bench/run_scan.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
