/* SPDX-License-Identifier: MIT */
/*
 * Data-cache maintenance by address. The host test build replaces this file
 * (tests/fake/arch/cache.h) with one that records every call.
 */
#ifndef MOAT_ARCH_CACHE_H
#define MOAT_ARCH_CACHE_H

#include "lib/types.h"
#include "lib/bitfield.h"
#include "arch/barrier.h"
#include "arch/sysreg.h"

#define CTR_EL0_DMINLINE	GENMASK(19, 16)	/* log2(words) of the smallest D-cache line */

static inline u64 dcache_line_size(void)
{
	return 4ULL << FIELD_GET(CTR_EL0_DMINLINE, read_sysreg(ctr_el0));
}

/*
 * Clean [addr, addr + size) to the point of coherency (DC CVAC on every
 * line), so a non-snooping observer (a table walker that is not coherent)
 * sees it; complete with DSB ISH.
 */
static inline void dcache_clean_poc(const void *addr, size_t size)
{
	u64 line = dcache_line_size();
	u64 p = ALIGN_DOWN((u64)(uintptr_t)addr, line);
	u64 end = (u64)(uintptr_t)addr + size;

	for (; p < end; p += line)
		__asm__ volatile("dc cvac, %0" :: "r"(p) : "memory");
	dsb(ish);
}

/*
 * Invalidate every instruction cache of the inner-shareable domain to the
 * point of unification, after code was written through the D-side (and
 * cleaned there), before anyone executes it.
 */
static inline void icache_inval_all_is(void)
{
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}

#endif
