# shomei - one plain Makefile on pkg-config. Everything generated goes under
# $(BUILD); nothing lands in the source folders.
#
#   make              library and the three programs (build/issuer, build/wallet, build/verifier)
#   make check        installs missing packages, then builds with ASan+UBSan under
#                     build/san and runs every unit test, end-to-end script and fuzz
#                     regression corpus; prints "N passed, N failed" last
#   make demo         the main job: an institution, a class, a wallet, a verifier
#   make bench        throughput figures against raw libsodium Ed25519 (optimised build)
#   make fuzz         builds the libFuzzer harnesses and fuzzes each for FUZZ_SECONDS
#   make install      PREFIX=/usr/local (DESTDIR honoured)

CC ?= cc
CLANG ?= clang
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BUILD ?= build
PKG_CONFIG ?= pkg-config
FUZZ_SECONDS ?= 60

PKGS := libsodium jansson libcurl libqrencode libpng libjpeg zbar zlib libcrypto
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka) -lutil

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wvla \
	-Wpointer-arith -Wwrite-strings -Wundef -Wcast-align -Wimplicit-fallthrough \
	-Wnull-dereference
# gcc's own: clang does not know them (CC=clang builds too).
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
WARNINGS += -Wformat-overflow=2 -Wno-format-truncation
endif
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(CFLAGS) $(EXTRA_CFLAGS) \
	-Icommon $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

# SANITIZE=1 is what `make check` uses.
ifeq ($(SANITIZE),1)
EXTRA_CFLAGS += -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
EXTRA_LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(sort $(wildcard common/*.c common/internal/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libshomei.a
PROGRAMS := issuer wallet verifier
# common/prog/: the programs' shared main and stderr owner, not in the library.
PROG_SUPPORT_SRC := $(sort $(wildcard common/prog/*.c))
define program_vars
$(1)_SRC := $$(sort $$(wildcard $(1)/*.c)) $$(PROG_SUPPORT_SRC)
$(1)_OBJ := $$($(1)_SRC:%.c=$$(BUILD)/obj/%.o)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_vars,$(p))))
PROGRAM_BINS := $(PROGRAMS:%=$(BUILD)/%)

# tests/unit/test_<module>.c is one cmocka program; other .c files there are
# support code linked into every test program.
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_SUPPORT_SRC := $(filter-out $(TEST_SRC),$(sort $(wildcard tests/unit/*.c)))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BINS := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# tests/tools/: fixture makers the end-to-end scripts run (not installed).
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

BENCH_SRC := $(sort $(wildcard tests/bench/*.c))

.PHONY: all deps check demo bench fuzz fuzz-build install uninstall clean format tests-build
all: $(LIB) $(PROGRAM_BINS)

deps:
	@sh scripts/deps.sh

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

define program_rule
$$(BUILD)/$(1): $$($(1)_OBJ) $$(LIB)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$($(1)_OBJ) $$(LIB) $$(PKG_LIBS) -lm
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(LIB) $(PKG_LIBS) $(TEST_LIBS) -lm

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) -lm

tests-build: $(LIB) $(PROGRAM_BINS) $(TEST_BINS) $(TOOL_BINS)

# The fuzz harnesses are built with clang's libFuzzer against the library
# sources, compiled once into an instrumented archive.
comma := ,
FUZZ_FLAGS := -std=c17 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Icommon
FUZZ_OBJ_FLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=fuzzer-no-link$(comma),$(FUZZ_FLAGS))
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_LIB := $(BUILD)/fuzz/libshomei-fuzz.a
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_OBJ_FLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_LIB): $(FUZZ_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -lm
-include $(FUZZ_OBJ:.o=.d)
fuzz-build: $(FUZZ_BINS)

check: deps
	$(MAKE) SANITIZE=1 BUILD=$(BUILD)/san tests-build
	$(MAKE) fuzz-build
	sh tests/run.sh $(BUILD)/san $(BUILD)/fuzz

demo: deps
	$(MAKE) all
	sh scripts/demo.sh $(BUILD)

$(BUILD)/bench: $(BENCH_SRC) $(LIB)
	$(CC) $(ALL_CFLAGS) -O3 -march=native -o $@ $(BENCH_SRC) $(LIB) $(PKG_LIBS) -lm
bench: deps
	$(MAKE) all $(BUILD)/bench
	$(BUILD)/bench $(BUILD)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(PROGRAM_BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 docs/man/*.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(PROGRAMS:%=$(DESTDIR)$(MANDIR)/man1/%.1)

format:
	clang-format -i $(LIB_SRC) $(wildcard common/*.h common/internal/*.h) \
		$(foreach p,$(PROGRAMS),$($(p)_SRC) $(wildcard $(p)/*.h)) $(wildcard tests/*/*.c tests/*/*.h)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
