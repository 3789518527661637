/* SPDX-License-Identifier: MIT */
/* Calls to the firmware below moat (PSCI over SMC or HVC, as the DTB says). */
#ifndef MOAT_CORE_FIRMWARE_H
#define MOAT_CORE_FIRMWARE_H
#include "lib/types.h"
#include "lib/platform.h"

void firmware_init(enum psci_conduit conduit);
/*
 * The conduit moat may use at EL2 for what the tree says: HVC is for an
 * OS below a hypervisor, and at EL2 it would trap to moat itself, so it
 * becomes PSCI_CONDUIT_NONE (no firmware calls: NOT_SUPPORTED).
 */
enum psci_conduit firmware_conduit_at_el2(enum psci_conduit conduit);
/** One SMCCC call to firmware; returns x0. -1 (NOT_SUPPORTED) without a conduit. */
s64 firmware_call(u64 fid, u64 a1, u64 a2, u64 a3);
/** Power the machine off (QEMU exits); returns only if firmware refused. */
void firmware_system_off(void);
#endif
