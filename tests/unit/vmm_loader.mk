# SPDX-License-Identifier: MIT
# moat-vmm's placement of the Image, initrd and DTB in guest RAM (host/vmm/loader.c).
UNIT_TESTS += vmm_loader
vmm_loader_SRCS := tests/unit/test_vmm_loader.c host/vmm/loader.c host/vmm/guest_mem.c
