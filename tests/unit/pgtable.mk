# SPDX-License-Identifier: MIT
# Page-table library: unit tests, BBM via the recording fakes, -ENOMEM
# atomicity, randomised differential test (PGTABLE_SEED=... replays).
UNIT_TESTS += pgtable
pgtable_SRCS := tests/unit/test_pgtable.c tests/unit/test_pgtable_model.c \
                src/mm/pgtable.c src/mm/pgtable_s2.c tests/fake/arch_fake.c
