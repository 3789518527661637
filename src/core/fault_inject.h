/* SPDX-License-Identifier: MIT */
#ifndef MOAT_CORE_FAULT_INJECT_H
#define MOAT_CORE_FAULT_INJECT_H
/*
 * Test-only: "moat.fault=KIND" in /chosen/bootargs (QEMU: -append) makes
 * the boot CPU commit a deliberate hypervisor fault so the panic dump can be
 * checked. KIND: undef, unmapped, write-text, stack-overflow.
 */
void fault_inject_from_bootargs(const char *bootargs);
#endif
