/* SPDX-License-Identifier: MIT */
/* Calls to the firmware below moat (PSCI over SMC or HVC, as the DTB says). */
#ifndef MOAT_CORE_FIRMWARE_H
#define MOAT_CORE_FIRMWARE_H
#include "lib/types.h"
#include "lib/platform.h"

void firmware_init(enum psci_conduit conduit);
/** One SMCCC call to firmware; returns x0. -1 (NOT_SUPPORTED) without a conduit. */
s64 firmware_call(u64 fid, u64 a1, u64 a2, u64 a3);
/** Power the machine off (QEMU exits); returns only if firmware refused. */
void firmware_system_off(void);
#endif
