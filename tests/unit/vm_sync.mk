# SPDX-License-Identifier: MIT
# What follows writing a VM's images: the cache and TLB maintenance sequence, recorded by the fakes.
UNIT_TESTS += vm_sync
vm_sync_SRCS := tests/unit/test_vm_sync.c src/core/vm_sync.c tests/fake/arch_fake.c
