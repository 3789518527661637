# SPDX-License-Identifier: MIT
# moat-vmm's command line (host/vmm/options.c).
UNIT_TESTS += vmm_options
vmm_options_SRCS := tests/unit/test_vmm_options.c host/vmm/options.c
