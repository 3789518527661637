# SPDX-License-Identifier: MIT
# libFuzzer targets (clang). Declared by fragments tests/fuzz/<name>.mk:
#   FUZZ_TARGETS += name
#   fuzz_name_SRCS := tests/fuzz/fuzz_name.c src/...
# `make test` runs each briefly (FUZZ_QUICK_RUNS); `make fuzz` runs each longer.

FUZZ_QUICK_RUNS ?= 20000
FUZZ_SECONDS    ?= 120
# Seconds one input may take before libFuzzer calls it a hang, stops and keeps
# it (as $(BUILD)/fuzz/artifacts-NAME/timeout-*). Every input of these targets
# runs in milliseconds; a loaded host once stalled a niced run for 7 s on an
# ordinary input (ASan returning memory to the OS), so the bound is generous.
FUZZ_TIMEOUT    ?= 60
# libFuzzer's -seed for `make test-fuzz` (the runs are repeatable with a fixed
# one); `make fuzz` takes a fresh seed unless FUZZ_SEED is given and prints it
# ("INFO: Seed: N" in the log).
FUZZ_SEED       ?= 1
# Options for every run: a hang is a failure with its input kept in build/.
FUZZ_OPTS = -timeout=$(FUZZ_TIMEOUT) -artifact_prefix=$(BUILD)/fuzz/artifacts-$$t/
CFLAGS_F := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
            $(WARN) -Wno-missing-prototypes -Itests/fake -Isrc -Iinclude -DMOAT_HOST

FUZZ_TARGETS :=
include $(sort $(filter-out tests/fuzz/fuzz.mk,$(wildcard tests/fuzz/*.mk)))

define fuzz_rule
$(BUILD)/fuzz/$(1): $$(fuzz_$(1)_SRCS) | $(SETUP_STAMP)
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC  $$@"
	@$(CC_H) $(CFLAGS_F) -o $$@ $$(fuzz_$(1)_SRCS) -lfdt
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))

# Prints "ok - fuzz NAME" / "not ok - fuzz NAME" for the tally.
test-fuzz: $(FUZZ_BINS)
	@rc=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz/corpus-$$t $(BUILD)/fuzz/artifacts-$$t; \
	  if $(BUILD)/fuzz/$$t $(FUZZ_OPTS) -runs=$(FUZZ_QUICK_RUNS) -seed=$(FUZZ_SEED) $(BUILD)/fuzz/corpus-$$t \
	       $$( [ -d tests/fuzz/seeds/$$t ] && echo tests/fuzz/seeds/$$t ) > $(BUILD)/fuzz/$$t.log 2>&1; \
	  then echo "ok - fuzz $$t"; else echo "not ok - fuzz $$t (see $(BUILD)/fuzz/$$t.log)"; tail -30 $(BUILD)/fuzz/$$t.log; rc=1; fi; done; exit $$rc

# A crash or hang stops the loop; the input is in $(BUILD)/fuzz/artifacts-NAME/.
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do mkdir -p $(BUILD)/fuzz/corpus-$$t $(BUILD)/fuzz/artifacts-$$t; \
	  $(BUILD)/fuzz/$$t $(FUZZ_OPTS) $(if $(filter command line environment,$(origin FUZZ_SEED)),-seed=$(FUZZ_SEED)) \
	    -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$t \
	    $$( [ -d tests/fuzz/seeds/$$t ] && echo tests/fuzz/seeds/$$t ) || exit 1; done
