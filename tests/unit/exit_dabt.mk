# SPDX-License-Identifier: MIT
# handle_exit on stage-2 data aborts (src/core/exit.c) with a recording device and injection stubs.
UNIT_TESTS += exit_dabt
exit_dabt_SRCS := tests/unit/test_exit_dabt.c src/core/exit.c src/core/dabt.c src/core/esr.c \
                  src/emul/mmio.c src/lib/err.c src/lib/log.c src/lib/printf.c tests/fake/arch_fake.c
