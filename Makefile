# certdesk: the counter program (certdesk) and the central store (certdeskd).
#
#   make            build the release binaries into build/rel/
#   make run        install missing packages, build, open certdesk on a local database
#   make test       install missing packages, build, run every test (release and ASan+UBSan)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Two build trees share one rule set: build/rel (optimised) and build/san
# (AddressSanitizer + UndefinedBehaviorSanitizer). Sources are found by
# wildcard, so a new file in src/<layer>/ needs no Makefile change.

VERSION   := 0.1.0
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/certdesk
MANDIR    ?= $(PREFIX)/share/man
CC        ?= cc
SHELL     := /bin/bash

PKGS_CORE := sqlite3 jansson libsodium libcrypto zlib
PKGS_TERM := ncursesw libpcsclite harfbuzz-subset harfbuzz libqrencode
PKGS_SRV  := libmicrohttpd
# Headers only: adapt/http.c loads libcurl.so.4 with dlopen on first use,
# which saves every certdesk process about 4 ms of start-up.
PKGS_DL   := libcurl

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation -Wvla
BASEFLAGS := -std=c11 -D_GNU_SOURCE -g -pthread $(WARN) -Isrc -Iforms -Ibuild/gen \
             -DCERTDESK_VERSION='"$(VERSION)"' -DCERTDESK_DATADIR='"$(DATADIR)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS_CORE) $(PKGS_TERM) $(PKGS_SRV) $(PKGS_DL) 2>/dev/null)
LIBS_CORE  = $(shell pkg-config --libs $(PKGS_CORE) 2>/dev/null)
LIBS_TERM  = $(shell pkg-config --libs $(PKGS_TERM) 2>/dev/null) -lhpdf
LIBS_SRV   = $(shell pkg-config --libs $(PKGS_SRV) 2>/dev/null)
LIBS_TEST  = $(shell pkg-config --libs cunit 2>/dev/null)

REL_CFLAGS := -O2 -D_FORTIFY_SOURCE=2
SAN_CFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LDFLAGS:= -fsanitize=address,undefined

# Layers (DESIGN.md): the library holds everything below the front ends.
LIB_DIRS  := util model store svc adapt sync
LIB_SRC   := $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c))
UI_SRC    := $(wildcard src/ui/*.c)
CLI_SRC   := $(wildcard src/cli/*.c)
SRV_SRC   := $(wildcard src/server/*.c)
UNIT_SRC  := $(wildcard tests/unit/*.c)
TOOL_SRC  := $(wildcard tests/tools/*.c)
BENCH_SRC := $(wildcard src/bench/*.c)
BENCH_GEN_SRC := $(filter src/bench/gen.c src/bench/gen_party.c src/bench/gen_paper.c src/bench/gen_run.c src/bench/gen_audit.c src/bench/synth.c,$(BENCH_SRC))

MIGRATIONS := $(sort $(wildcard db/migrations/*.sql))
EMBED_TEXT := $(sort $(wildcard print/*.txt print/*.layout db/seed/*.txt))
GEN_SRC    := build/gen/migrations.c build/gen/embedded.c
UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))

# Quiet by default; make V=1 shows every command.
ifeq ($(V),1)
Q :=
echo_cmd = @true
else
Q := @
echo_cmd = @printf '  %-6s %s\n'
endif

.PHONY: FORCE all rel san run bench test test-unit test-e2e test-integration install clean deps deps-test soak
all: rel

deps:
	@scripts/deps.sh
deps-test:
	@scripts/deps.sh --test

build/gen/migrations.c: $(MIGRATIONS) scripts/embed.sh
	@mkdir -p $(@D)
	$(echo_cmd) GEN $@
	$(Q)scripts/embed.sh migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

build/gen/embedded.c: $(EMBED_TEXT) scripts/embed.sh
	@mkdir -p $(@D)
	$(echo_cmd) GEN $@
	$(Q)scripts/embed.sh files $(EMBED_TEXT) > $@.tmp && mv $@.tmp $@

# The unit suites: each tests/unit/test_NAME.c defines suite_NAME().
build/gen/suites.def: FORCE
	@mkdir -p $(@D)
	@printf 'SUITE(%s)\n' $(UNIT_NAMES) > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
FORCE:

# $(call tree,NAME,CFLAGS,LDFLAGS) defines the objects and binaries of one build tree.
define tree
$(1)_LIB_OBJ  := $$(patsubst %.c,build/$(1)/%.o,$(LIB_SRC) $(GEN_SRC:build/gen/%=gen/%))
$(1)_UI_OBJ   := $$(patsubst %.c,build/$(1)/%.o,$(UI_SRC))
$(1)_CLI_OBJ  := $$(patsubst %.c,build/$(1)/%.o,$(CLI_SRC))
$(1)_SRV_OBJ  := $$(patsubst %.c,build/$(1)/%.o,$(SRV_SRC))
$(1)_UNIT_OBJ := $$(patsubst %.c,build/$(1)/%.o,$(UNIT_SRC))
# unit.h includes the list, so every unit object needs it made first.
$$($(1)_UNIT_OBJ): build/gen/suites.def
$(1)_BENCH_OBJ:= $$(patsubst %.c,build/$(1)/%.o,$(BENCH_SRC))

build/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(echo_cmd) CC $$@
	$$(Q)$$(CC) $$(BASEFLAGS) $(2) $$(PKG_CFLAGS) -MMD -MP -c $$< -o $$@

build/$(1)/gen/%.o: build/gen/%.c
	@mkdir -p $$(@D)
	$$(echo_cmd) CC $$@
	$$(Q)$$(CC) $$(BASEFLAGS) $(2) -c $$< -o $$@

build/$(1)/libcertdesk.a: $$($(1)_LIB_OBJ)
	@rm -f $$@
	$$(echo_cmd) AR $$@
	$$(Q)ar rcs $$@ $$^

build/$(1)/certdesk: $$($(1)_UI_OBJ) $$($(1)_CLI_OBJ) $$($(1)_BENCH_OBJ) build/$(1)/libcertdesk.a
	$$(echo_cmd) LINK $$@
	$$(Q)$$(CC) $(3) -pthread -o $$@ $$^ $$(LIBS_TERM) $$(LIBS_CORE) -lm

build/$(1)/certdeskd: $$($(1)_SRV_OBJ) build/$(1)/libcertdesk.a
	$$(echo_cmd) LINK $$@
	$$(Q)$$(CC) $(3) -pthread -Wl,--as-needed -o $$@ $$^ $$(LIBS_SRV) $$(LIBS_TERM) $$(LIBS_CORE) -lm

# The unit tests also exercise the benchmark's data generator.
build/$(1)/unit: $$($(1)_UNIT_OBJ) $$(patsubst %.c,build/$(1)/%.o,$(BENCH_GEN_SRC)) build/$(1)/libcertdesk.a
	$$(echo_cmd) LINK $$@
	$$(Q)$$(CC) $(3) -pthread -o $$@ $$^ $$(LIBS_TEST) $$(LIBS_TERM) $$(LIBS_CORE) -lm

build/$(1)/tools/%: tests/tools/%.c build/$(1)/libcertdesk.a
	@mkdir -p $$(@D)
	$$(echo_cmd) LINK $$@
	$$(Q)$$(CC) $$(BASEFLAGS) $(2) $$(PKG_CFLAGS) $(3) -o $$@ $$^ $$(LIBS_TERM) $$(LIBS_CORE) -lm

$(1): build/$(1)/certdesk build/$(1)/certdeskd build/$(1)/unit $$(patsubst tests/tools/%.c,build/$(1)/tools/%,$(TOOL_SRC))

-include $$(shell find build/$(1) -name '*.d' 2>/dev/null)
endef

$(eval $(call tree,rel,$(REL_CFLAGS),))
$(eval $(call tree,san,$(SAN_CFLAGS),$(SAN_LDFLAGS)))

# Figures on a generated database of 1,000,000 applications (docs/benchmarks.md);
# BENCH_APPS=100000 make bench for a quick run. Reports; never fails on a figure.
bench:
	@scripts/bench.sh

# The sync fault tests at length (scripts/soak-sync.sh): SOAK_TRIALS=1000 kills.
soak: rel
	@scripts/soak-sync.sh

run: deps
	@$(MAKE) --no-print-directory rel
	build/rel/certdesk $(ARGS)

# The whole suite, first on the optimised build, then under the sanitizers.
test: deps-test
	@$(MAKE) --no-print-directory rel san
	scripts/test.sh rel
	scripts/test.sh san

# Only the named kind of test, on the release build: make test-unit | test-e2e | test-integration
test-unit test-e2e test-integration: deps-test
	@$(MAKE) --no-print-directory rel
	scripts/test.sh rel $(@:test-%=%)

install: rel
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 755 build/rel/certdesk build/rel/certdeskd $(DESTDIR)$(BINDIR)/
	install -m 644 docs/certdesk.1 docs/certdeskd.1 $(DESTDIR)$(MANDIR)/man1/
	$(if $(wildcard print/*),install -m 644 $(wildcard print/*) $(DESTDIR)$(DATADIR)/)
	install -d $(DESTDIR)$(PREFIX)/share/doc/certdesk
	install -m 644 LICENSE README.md docs/DESIGN.md $(DESTDIR)$(PREFIX)/share/doc/certdesk/

clean:
	rm -rf build
