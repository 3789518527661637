/* SPDX-License-Identifier: MIT */
/* Host fake of src/arch/tlb.h: every descriptor store and TLBI is recorded. */
#ifndef MOAT_ARCH_TLB_H
#define MOAT_ARCH_TLB_H

#include "lib/types.h"
#include "arch_fake.h"

static inline void pte_store(u64 *ptep, u64 val)
{
	*ptep = val;
	if (fake_hw_recording)
		fake_hw_record(FAKE_PTE_STORE, (u64)(uintptr_t)ptep, val, 0, NULL);
}

static inline void tlbi_ipas2e1is(u64 vttbr, u64 ipa, u32 level)
{
	fake_hw_record(FAKE_TLBI_IPAS2E1IS, ipa, vttbr, level, NULL);
}

static inline void tlbi_vmalls12e1is(u64 vttbr)
{
	fake_hw_record(FAKE_TLBI_VMALLS12E1IS, 0, vttbr, 0, NULL);
}

static inline void tlbi_vae2is(u64 va, u32 level)
{
	fake_hw_record(FAKE_TLBI_VAE2IS, va, 0, level, NULL);
}

static inline void tlbi_alle2is(void)
{
	fake_hw_record(FAKE_TLBI_ALLE2IS, 0, 0, 0, NULL);
}

static inline void tlbi_alle2(void)
{
	fake_hw_record(FAKE_TLBI_ALLE2, 0, 0, 0, NULL);
}

#endif
