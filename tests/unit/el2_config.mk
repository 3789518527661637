# SPDX-License-Identifier: MIT
# The EL2 trap/control registers computed from fake ID registers.
UNIT_TESTS += el2_config
el2_config_SRCS := tests/unit/test_el2_config.c src/core/el2_config.c
