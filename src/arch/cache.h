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

#define DCZID_EL0_BS		GENMASK(3, 0)	/* log2(words) of the DC ZVA block */
#define DCZID_EL0_DZP		BIT(4)		/* DC ZVA prohibited */

/*
 * Zero [addr, addr + size), both multiples of 4 KiB, with DC ZVA: one
 * instruction per block (64 bytes on most CPUs) instead of eight stores,
 * which is what zeroing a VM's RAM costs at creation and reset. Plain
 * stores where DC ZVA is prohibited. Cacheable memory only (moat's map of RAM).
 */
static inline void memzero_pages(void *addr, size_t size)
{
	u64 dczid = read_sysreg(dczid_el0);
	u64 block = 4ULL << FIELD_GET(DCZID_EL0_BS, dczid);
	u64 p = (u64)(uintptr_t)addr, end = p + size;

	if ((dczid & DCZID_EL0_DZP) || block > PAGE_SIZE) {
		for (; p < end; p += 8)
			*(volatile u64 *)(uintptr_t)p = 0;
		return;
	}
	/* Four blocks a turn (a 4 KiB page holds at least two 2 KiB blocks, the largest). */
	for (; p + 4 * block <= end; p += 4 * block)
		__asm__ volatile("dc zva, %0\n\tdc zva, %1\n\tdc zva, %2\n\tdc zva, %3"
				 :: "r"(p), "r"(p + block), "r"(p + 2 * block), "r"(p + 3 * block)
				 : "memory");
	for (; p < end; p += block)
		__asm__ volatile("dc zva, %0" :: "r"(p) : "memory");
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
