/* SPDX-License-Identifier: MIT */
/* Host fake of src/arch/cache.h: maintenance is recorded, one event per call. */
#ifndef MOAT_ARCH_CACHE_H
#define MOAT_ARCH_CACHE_H

#include "lib/types.h"
#include "arch_fake.h"
#include <string.h>

static inline void dcache_clean_poc(const void *addr, size_t size)
{
	fake_hw_record(FAKE_DC_CVAC, (u64)(uintptr_t)addr, size, 0, NULL);
}

static inline void memzero_pages(void *addr, size_t size)
{
	memset(addr, 0, size);
}

static inline void icache_inval_all_is(void)
{
	fake_hw_record(FAKE_IC_IALLUIS, 0, 0, 0, NULL);
	fake_hw_record(FAKE_DSB, 0, 0, 0, "ish");
	fake_hw_record(FAKE_ISB, 0, 0, 0, NULL);
}

#endif
