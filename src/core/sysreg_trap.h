/* SPDX-License-Identifier: MIT */
/*
 * Trapped system registers: one table keyed by (op0, op1, CRn, CRm, op2),
 * the trap glue between a guest's MSR/MRS and the emulation behind it.
 * What each row emulates and why it traps is in docs/traps.md.
 */
#ifndef MOAT_CORE_SYSREG_TRAP_H
#define MOAT_CORE_SYSREG_TRAP_H
#include "emul/sysreg.h"
#include "lib/types.h"

struct vcpu;

/**
 * Fill @v's guest_ctx.id with the guest's view of the whole ID space (op0
 * 3, op1 0, CRn 0, CRm 0..7), read from this CPU: what guest_entry.S
 * answers trapped reads from. Call on the vCPU's CPU, before it runs.
 */
void sysreg_id_fill(struct vcpu *v);

enum sysreg_result {
	SYSREG_UNDEF = 0,	/* no row claims it, or the row refused: inject UNDEF */
	SYSREG_DONE,		/* emulated: skip the instruction */
	SYSREG_RETRY,		/* the trap was turned off: the guest executes it again */
};

/** Emulate the access in @esr (EC 0x18). */
enum sysreg_result sysreg_emulate(struct vcpu *v, u64 esr);
#endif
