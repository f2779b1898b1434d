# toulmin: `make site` builds the site, `make test` runs every test.
# Both set up what they need on first use (.venv, the package, Chromium for tests).

PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: site build serve check site-zensical test test-fast browser-deps bench lint clean

site: build
	@echo "Site built in site/. Preview it with: make serve"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# An editable install leaves toulmin uncompiled; where PYTHONDONTWRITEBYTECODE is set
	@# every run would compile it again. Compile once, as installing a wheel does.
	$(BIN)/python -m compileall -q src/toulmin
	@rm -f $(VENV)/.installed-*
	@touch $@

# The toulmin plugin builds beside site/ and puts the new site in place only when the
# build finished, so a failed, interrupted or killed build leaves the previous site intact.
build: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet

serve: $(STAMP)
	$(BIN)/mkdocs serve

# The same site built with Zensical (MkDocs' successor): the check gates it, `toulmin
# generate` writes what Zensical reads, the site lands in .toulmin/site-src/site.
site-zensical: $(STAMP)
	$(BIN)/toulmin check
	$(BIN)/toulmin generate
	$(BIN)/zensical build -f .toulmin/site-src/mkdocs.yml
	$(BIN)/toulmin postbuild
	@echo "Site built with Zensical in .toulmin/site-src/site/"

check: $(STAMP)
	$(BIN)/toulmin check

# Debian's Chromium drives the browser tests (Playwright never downloads a browser).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not oracle"

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf site .site.building-* .site.old-* .cache build bench/out .toulmin
