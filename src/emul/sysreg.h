/* SPDX-License-Identifier: MIT */
/*
 * Trapped system registers: one table keyed by (op0, op1, CRn, CRm, op2).
 * What each row emulates and why it traps is in docs/traps.md.
 */
#ifndef MOAT_EMUL_SYSREG_H
#define MOAT_EMUL_SYSREG_H
#include "lib/types.h"

struct vcpu;

/** Feature fields moat hides from a guest's view of an ID register. */
u64 sysreg_sanitise_id(u32 enc, u64 hw);

/** Emulate the access in @esr (EC 0x18); false if no row claims it (inject UNDEF). */
bool sysreg_emulate(struct vcpu *v, u64 esr);
#endif
