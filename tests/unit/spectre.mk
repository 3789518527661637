# SPDX-License-Identifier: MIT
# The guest-exit branch-predictor mitigation choice, and SMCCC_ARCH_WORKAROUND_2
# through handle_smccc with a recording firmware_call().
UNIT_TESTS += spectre
spectre_SRCS := tests/unit/test_spectre.c src/core/spectre.c src/core/smccc.c src/lib/log.c src/lib/printf.c
