# SPDX-License-Identifier: MIT
# handle_exit on stage-2 data aborts (src/core/exit.c) with a recording device and injection stubs;
# the host's aborts go through the real ownership code (src/mm/owner.c, host_s2.c).
UNIT_TESTS += exit_dabt
exit_dabt_SRCS := tests/unit/test_exit_dabt.c src/core/exit.c src/core/dabt.c src/core/esr.c \
                  src/emul/mmio.c src/lib/err.c src/lib/log.c src/lib/printf.c tests/fake/arch_fake.c \
                  src/core/host_abort.c src/mm/owner.c src/mm/host_s2.c src/mm/pgtable.c \
                  src/mm/pgtable_s2.c tests/unit/test_pgtable_model.c
