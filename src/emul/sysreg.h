/* SPDX-License-Identifier: MIT */
/*
 * The guest's view of the ID registers: an allowlist per register, with
 * the highest value of each field a guest may see (docs/decisions.md).
 * The trapped-register table itself is core/sysreg_trap.h.
 */
#ifndef MOAT_EMUL_SYSREG_H
#define MOAT_EMUL_SYSREG_H
#include "lib/types.h"


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
#endif
