# InfraScope — build, run and test.
#
#   make            release build (cgi-bin/infrascope.fcgi, batch/infrascope-*)
#   make run        install what is missing, build, start PostgreSQL + app + nginx on 127.0.0.1:$(PORT)
#   make test       the whole suite: unit, integration, e2e, then unit + integration under ASan/UBSan
#   make test-asan  only the sanitizer half of the suite
#   make bench      poll-all benchmark against prometheus-snmp-exporter (root; docs/PERFORMANCE.md)
#   make deps       install the Debian packages below (as root), or print the apt-get command
#   make clean
#
# Variants: VARIANT=release (default, -O2, hardening) or VARIANT=asan (ASan+UBSan).
# Release binaries land where the design card puts them (cgi-bin/, batch/); every other
# output lives under build/$(VARIANT)/.

VERSION    := 0.1.0
VARIANT    ?= release
PORT       ?= 8080
B          := build/$(VARIANT)

# ---- Debian packages: the one list (README "Dependencies" shows it; a test checks they agree) ----
DEPS_BUILD := build-essential pkg-config libfcgi-dev libpq-dev libjson-c-dev libctemplate-dev libssl-dev libargon2-dev libjwt-dev libsnmp-dev
DEPS_RUN   := postgresql-15 nginx openssl curl iproute2
DEPS_TEST  := libcmocka-dev jq prometheus prometheus-node-exporter chromium chromium-driver snmp snmpd snmpsim util-linux
DEPS_ALL   := $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_TEST)
# Only for `make bench` (bench/poll): the peer it is compared with, and GNU time for peak RSS.
DEPS_BENCH := prometheus-snmp-exporter time

PKGS       := fcgi json-c libpq libctemplate libcrypto libargon2 libjwt netsnmp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CC         ?= gcc
CXX        ?= g++
WARN       := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
              -Wmissing-prototypes -Wno-format-nonliteral
CPPFLAGS   := -D_GNU_SOURCE -Ilib -I$(B)/gen $(PKG_CFLAGS)
ifeq ($(VARIANT),asan)
OPT        := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDOPT      := -fsanitize=address,undefined
BINDIR_APP := $(B)/cgi-bin
BINDIR_BAT := $(B)/batch
else
OPT        := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDOPT      := -pie -Wl,-z,relro,-z,now
BINDIR_APP := cgi-bin
BINDIR_BAT := batch
endif
CFLAGS     := -std=c17 $(WARN) $(OPT) -MMD -MP
CXXFLAGS   := -std=c++17 -Wall -Wextra -Werror $(OPT) -MMD -MP
LDFLAGS    := $(LDOPT) -Wl,--as-needed
LDLIBS     := $(PKG_LIBS) -lstdc++ -lpthread -lm

LIB_SRC    := $(wildcard lib/*.c)
LIB_CXX    := $(wildcard lib/*.cc)
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/obj/%.o) $(LIB_CXX:%.cc=$(B)/obj/%.o)
LIB_A      := $(B)/libinfrascope.a

APP_SRC    := $(wildcard cgi-bin/*.c)
APP_OBJ    := $(APP_SRC:%.c=$(B)/obj/%.o)
APP_BIN    := $(BINDIR_APP)/infrascope.fcgi

BATCH_SRC  := $(wildcard batch/infrascope-*.c)
BATCH_BIN  := $(BATCH_SRC:batch/%.c=$(BINDIR_BAT)/%)

UNIT_SRC   := $(wildcard tests/unit/*_test.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Test-only helpers (tests/unit/*.c that are not *_test.c, e.g. the snmprec reader) go into an
# archive linked before libinfrascope.a: a unit test pulls in only the helpers it calls. They
# never enter libinfrascope.a.
UNIT_SUP   := $(filter-out %_test.c,$(wildcard tests/unit/*.c))
UNIT_SUP_A := $(B)/libunitsupport.a
TOOL_SRC   := $(wildcard tests/tools/*.c)
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

# The device simulator (tests/sim: test code, never installed): infrascope-sim and the
# cmocka tests of its modules (build/$(VARIANT)/tests/sim_*_test, run with the unit tests).
SIM_MODSRC := $(filter-out tests/sim/sim.c tests/sim/simnet.c %_test.c,$(wildcard tests/sim/*.c))
SIM_MODOBJ := $(SIM_MODSRC:%.c=$(B)/obj/%.o)
SIM_BIN    := $(B)/tools/infrascope-sim
SIM_TSRC   := $(wildcard tests/sim/*_test.c)
SIM_TBIN   := $(SIM_TSRC:tests/sim/%.c=$(B)/tests/sim_%)

# The benchmark's helpers (bench/*.c: benchmark code, never installed).
BENCH_SRC  := $(wildcard bench/*.c)
BENCH_BIN  := $(BENCH_SRC:bench/%.c=$(B)/bench/%)
BENCH_SIZES ?= 1000 10000

.PHONY: all build tests sim bench bench-build deps-bench run test test-asan deps deps-build deps-run deps-test deps-list \
        nginx-conf clean install db-stop db-start FORCE
.DEFAULT_GOAL := all
.SECONDARY:

all: $(APP_BIN) $(BATCH_BIN)
build: all
tests: all $(UNIT_BIN) $(TOOL_BIN) sim
sim: $(SIM_BIN) $(SIM_TBIN)
bench-build: all $(SIM_BIN) $(BENCH_BIN)

# The version string carries the git revision; the header is rewritten only when it changes,
# so a commit does not force a full rebuild.
$(B)/gen/version_gen.h: FORCE
	@mkdir -p $(@D)
	@rev=$$(git rev-parse --short HEAD 2>/dev/null || echo unknown); \
	 dirty=$$(git diff --quiet HEAD -- lib cgi-bin batch 2>/dev/null || echo -dirty); \
	 printf '#define INFRASCOPE_VERSION "%s+%s%s"\n' "$(VERSION)" "$$rev" "$$dirty" > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(B)/obj/%.o: %.c | $(B)/gen/version_gen.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(B)/obj/lib/version.o: $(B)/gen/version_gen.h

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(APP_BIN): $(APP_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BINDIR_BAT)/%: $(B)/obj/batch/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(UNIT_SUP_A): $(UNIT_SUP:%.c=$(B)/obj/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(UNIT_SUP_A) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

$(B)/tools/%: $(B)/obj/tests/tools/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(SIM_BIN): $(B)/obj/tests/sim/sim.o $(B)/obj/tests/sim/simnet.o $(SIM_MODOBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -o $@

$(B)/tests/sim_%_test: $(B)/obj/tests/sim/%_test.o $(SIM_MODOBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -lcmocka -o $@

$(B)/bench/%: $(B)/obj/bench/%.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ -o $@

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- packages ----
deps-list:
	@echo "build: $(DEPS_BUILD)"; echo "run:   $(DEPS_RUN)"; echo "test:  $(DEPS_TEST)"; echo "bench: $(DEPS_BENCH)"
deps:       ; @tests/harness/deps.sh $(DEPS_ALL)
deps-build: ; @tests/harness/deps.sh $(DEPS_BUILD)
deps-run:   ; @tests/harness/deps.sh $(DEPS_BUILD) $(DEPS_RUN)
deps-test:  ; @tests/harness/deps.sh $(DEPS_ALL)
deps-bench: ; @tests/harness/deps.sh $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_BENCH)

# ---- the benchmark (not part of make test): docs/PERFORMANCE.md ----
bench: deps-bench
	@$(MAKE) --no-print-directory VARIANT=release bench-build
	@bench/poll $(BENCH_SIZES)

# ---- the two commands ----
run: deps-run
	@$(MAKE) --no-print-directory all $(SIM_BIN)
	@PORT=$(PORT) tests/harness/devstack.sh run

db-stop: ; @tests/harness/devstack.sh db-stop
db-start: ; @tests/harness/devstack.sh db-start

test: deps-test
	@$(MAKE) --no-print-directory VARIANT=release tests
	@$(MAKE) --no-print-directory VARIANT=asan tests
	@tests/harness/run-tests.sh --variants "release asan"

test-asan: deps-test
	@$(MAKE) --no-print-directory VARIANT=asan tests
	@tests/harness/run-tests.sh --variants asan

# Renders the production nginx configuration from the template into build/nginx/ (see docs/OPERATIONS.md).
nginx-conf:
	@tests/harness/render-nginx.sh production build/nginx/infrascope.conf
	@echo "rendered build/nginx/infrascope.conf"

# ---- install: the layout of docs/OPERATIONS.md; DESTDIR stages it (packaging, tests) ----
LIBDIR     ?= /usr/lib/infrascope
SHAREDIR   ?= /usr/share/infrascope
ETCDIR     ?= /etc/infrascope
CRONDIR    ?= /etc/cron.d

install:
	@[ "$(VARIANT)" = release ] || { echo "make install installs the release build only" >&2; exit 1; }
	@$(MAKE) --no-print-directory all
	install -d $(DESTDIR)$(LIBDIR)/cgi-bin $(DESTDIR)$(LIBDIR)/batch $(DESTDIR)$(LIBDIR)/sql \
		$(DESTDIR)$(LIBDIR)/templates/i18n $(DESTDIR)$(SHAREDIR)/static $(DESTDIR)$(ETCDIR) \
		$(DESTDIR)$(CRONDIR)
	install -m 0755 $(APP_BIN) $(DESTDIR)$(LIBDIR)/cgi-bin/
	install -m 0755 $(BATCH_BIN) $(DESTDIR)$(LIBDIR)/batch/
	install -m 0644 sql/*.sql $(DESTDIR)$(LIBDIR)/sql/
	install -m 0644 templates/*.tpl $(DESTDIR)$(LIBDIR)/templates/
	install -m 0644 templates/i18n/*.tsv $(DESTDIR)$(LIBDIR)/templates/i18n/
	cp -R static/. $(DESTDIR)$(SHAREDIR)/static/
	sed 's|^PATH=/usr/lib/infrascope/batch:|PATH=$(LIBDIR)/batch:|; s|/etc/infrascope/|$(ETCDIR)/|g' \
		crontab >$(DESTDIR)$(CRONDIR)/infrascope
	chmod 0644 $(DESTDIR)$(CRONDIR)/infrascope
	@if [ -e $(DESTDIR)$(ETCDIR)/infrascope.env ]; then \
		echo "kept $(DESTDIR)$(ETCDIR)/infrascope.env"; \
	else \
		install -m 0640 docs/infrascope.env.example $(DESTDIR)$(ETCDIR)/infrascope.env; \
		echo "wrote $(DESTDIR)$(ETCDIR)/infrascope.env: fill in the keys and passwords"; \
	fi

clean:
	rm -rf build cgi-bin/infrascope.fcgi $(BATCH_SRC:%.c=%)
