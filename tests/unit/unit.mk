# SPDX-License-Identifier: MIT
# Host unit tests (cmocka), built with AddressSanitizer and UBSan.
# Each test is declared by a fragment tests/unit/<name>.mk:
#   UNIT_TESTS += name
#   name_SRCS := tests/unit/test_name.c src/... tests/fake/...
# Portable sources are compiled for the host with tests/fake/ ahead of src/
# on the include path, so "arch/..." headers resolve to recording fakes.

CC_H     := clang
SAN_H    := -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS_H := -std=gnu11 -g -O1 $(SAN_H) -fno-omit-frame-pointer $(WARN) -Wno-missing-prototypes \
            -Itests/fake -Isrc -Iinclude -DMOAT_HOST -MMD -MP
LDLIBS_H := -lcmocka -lfdt

UNIT_TESTS :=
include $(sort $(filter-out tests/unit/unit.mk,$(wildcard tests/unit/*.mk)))

define unit_rule
$(BUILD)/unit/$(1): $$(patsubst %.c,$(BUILD)/h/%.o,$$($(1)_SRCS)) | $(SETUP_STAMP)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTLD  $$@"
	@$(CC_H) $(SAN_H) -o $$@ $$^ $(LDLIBS_H)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

$(BUILD)/h/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC_H) $(CFLAGS_H) -c $< -o $@

-include $(wildcard $(BUILD)/h/*/*.d $(BUILD)/h/*/*/*.d $(BUILD)/h/*/*/*/*.d)

UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

unit-build: $(UNIT_BINS)

# Each binary prints TAP ("ok N - name" / "not ok N - name"); tests/run-all.sh counts them.
test-unit: $(UNIT_BINS)
	@rc=0; for t in $(UNIT_BINS); do echo "# unit: $$t"; \
	  CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1 $$t || rc=1; done; exit $$rc
