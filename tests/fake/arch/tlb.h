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
	if (fake_pte_store_hook)
		fake_pte_store_hook();
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

enum tlb_dsb {
	TLB_DSB_NSH,
	TLB_DSB_ISH,
	TLB_DSB_OSH,
};

/* Recorded as FAKE_TLBI_EL1 (addr: operand, val: vttbr, level: CRn << 8 | CRm << 4 | op2), then the DSB. */
static inline int tlbi_el1_sys(u64 vttbr, u32 crn, u32 crm, u32 op2, u64 arg, enum tlb_dsb dsb)
{
	static const char *const dom[] = { "nsh", "ish", "osh" };

	fake_hw_record(FAKE_TLBI_EL1, arg, vttbr, crn << 8 | crm << 4 | op2, NULL);
	fake_hw_record(FAKE_DSB, 0, 0, 0, dom[dsb]);
	return 0;
}

static inline void tlbi_vmalle1is(u64 vttbr)
{
	fake_hw_record(FAKE_TLBI_VMALLE1IS, 0, vttbr, 0, NULL);
	fake_hw_record(FAKE_DSB, 0, 0, 0, "ish");
}

#endif
