# SPDX-License-Identifier: MIT
# libFuzzer targets (clang). Declared by fragments tests/fuzz/<name>.mk:
#   FUZZ_TARGETS += name
#   fuzz_name_SRCS := tests/fuzz/fuzz_name.c src/...
# `make test` runs each briefly (FUZZ_QUICK_RUNS); `make fuzz` runs each longer.

FUZZ_QUICK_RUNS ?= 20000
FUZZ_SECONDS    ?= 120
CFLAGS_F := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
            $(WARN) -Wno-missing-prototypes -Itests/fake -Isrc -DMOAT_HOST

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
	  mkdir -p $(BUILD)/fuzz/corpus-$$t; \
	  if $(BUILD)/fuzz/$$t -runs=$(FUZZ_QUICK_RUNS) -seed=1 $(BUILD)/fuzz/corpus-$$t \
	       $$( [ -d tests/fuzz/seeds/$$t ] && echo tests/fuzz/seeds/$$t ) > $(BUILD)/fuzz/$$t.log 2>&1; \
	  then echo "ok - fuzz $$t"; else echo "not ok - fuzz $$t (see $(BUILD)/fuzz/$$t.log)"; tail -30 $(BUILD)/fuzz/$$t.log; rc=1; fi; done; exit $$rc

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do mkdir -p $(BUILD)/fuzz/corpus-$$t; \
	  $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$t || exit 1; done
