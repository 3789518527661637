/* SPDX-License-Identifier: MIT */
/* Host fake of src/arch/sysreg.h: registers live in a name -> value store. */
#ifndef MOAT_ARCH_SYSREG_H
#define MOAT_ARCH_SYSREG_H

#include "lib/types.h"
#include "arch_fake.h"

#define read_sysreg(r) fake_read_sysreg(#r)
#define write_sysreg(r, v) fake_write_sysreg(#r, (u64)(v))
#define read_sysreg_s(r) fake_read_sysreg(r)
#define write_sysreg_s(r, v) fake_write_sysreg(r, (u64)(v))

/* AT S1E1R: the test decides PAR_EL1 through a hook; by default it faults (F = 1). */
extern u64 (*fake_at_s1e1r)(u64 va);
static inline void at_s1e1r(u64 va)
{
	fake_write_sysreg("par_el1", fake_at_s1e1r ? fake_at_s1e1r(va) : 1);
}

static inline u32 current_el(void)
{
	return 2;
}

#endif
