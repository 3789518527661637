# SPDX-License-Identifier: MIT
# The host calls' life cycle and memory (src/core/hosted.c) on the real ownership code and
# page tables: argument checks, donation, map (donated or shared, all or nothing), destroy.
UNIT_TESTS += hosted
hosted_SRCS := tests/unit/test_hosted.c src/core/hosted.c src/core/dabt.c src/emul/mmio.c src/mm/owner.c src/mm/pgtable.c \
               src/mm/pgtable_s2.c src/mm/page_alloc.c src/lib/err.c src/lib/log.c src/lib/printf.c \
               tests/fake/arch_fake.c tests/unit/test_pgtable_model.c
