/* SPDX-License-Identifier: MIT */
/* System register access. The host test build replaces this file. */
#ifndef MOAT_ARCH_SYSREG_H
#define MOAT_ARCH_SYSREG_H

#include "lib/types.h"

#define read_sysreg(r) ({ u64 __rv; __asm__ volatile("mrs %0, " #r : "=r"(__rv)); __rv; })
#define write_sysreg(r, v) do { u64 __wv = (u64)(v); __asm__ volatile("msr " #r ", %x0" :: "rZ"(__wv)); } while (0)
/* For registers the assembler knows only by encoding (e.g. ICH_*_EL2 on old binutils). */
#define read_sysreg_s(r) ({ u64 __v; __asm__ volatile("mrs %0, " r : "=r"(__v)); __v; })
#define write_sysreg_s(r, v) do { u64 __v = (u64)(v); __asm__ volatile("msr " r ", %x0" :: "rZ"(__v)); } while (0)

/* AT S1E1R: translate @va with the EL1&0 stage 1 (result in PAR_EL1 after an ISB). */
static inline void at_s1e1r(u64 va)
{
	__asm__ volatile("at s1e1r, %0" :: "r"(va));
}

static inline u32 current_el(void)
{
	return (u32)((read_sysreg(CurrentEL) >> 2) & 3);
}

#endif
