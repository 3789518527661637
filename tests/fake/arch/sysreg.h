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

static inline u32 current_el(void)
{
	return 2;
}

#endif
