# SPDX-License-Identifier: MIT
# Page-table operations from fuzz input, checked against the flat model.
FUZZ_TARGETS += pgtable
fuzz_pgtable_SRCS := tests/fuzz/fuzz_pgtable.c tests/unit/test_pgtable_model.c \
                     src/mm/pgtable.c src/mm/pgtable_s2.c tests/fake/arch_fake.c
