/* SPDX-License-Identifier: MIT */
/*
 * Trapped system registers: one table keyed by (op0, op1, CRn, CRm, op2).
 * What each row emulates and why it traps is in docs/traps.md.
 */
#ifndef MOAT_EMUL_SYSREG_H
#define MOAT_EMUL_SYSREG_H
#include "lib/types.h"

struct vcpu;

/** One ID register field a guest may see, up to @max (signed: 0xf = not implemented stays). */
struct id_field {
	const char *name;
	u64 mask;
	u8 max;
	bool sign;
};

/** The allowlist of the ID register @enc (ESR ISS encoding); NULL, *nr = 0 if it has none. */
const struct id_field *sysreg_id_allowlist(u32 enc, size_t *nr);

/** The guest's view of ID register @enc: allowlisted fields capped, all others 0. */
u64 sysreg_sanitise_id(u32 enc, u64 hw);

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
