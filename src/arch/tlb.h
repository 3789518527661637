/* SPDX-License-Identifier: MIT */
/*
 * Translation-table maintenance: descriptor stores and TLB invalidation.
 * The host test build replaces this file (tests/fake/arch/tlb.h) with one
 * that records every call, so tests can assert break-before-make order.
 *
 * The functions issue the TLBI (and what the architecture needs around it
 * to make it mean what the name says) but leave the surrounding barriers to
 * the caller: DSB ISHST before (the invalid descriptor must be visible to
 * walkers first) and DSB ISH after (the invalidation must be complete
 * before the old translation can be assumed gone).
 */
#ifndef MOAT_ARCH_TLB_H
#define MOAT_ARCH_TLB_H

#include "lib/types.h"
#include "lib/bitfield.h"
#include "arch/barrier.h"
#include "arch/sysreg.h"
#include "lib/err.h"

/* TLBI operand: VA/IPA bits [55:12] (VA) or [47:12] (IPA) in bits [43:0]. */
#define TLBI_ADDR		GENMASK(43, 0)

/* Every store of a translation-table descriptor goes through here. */
static inline void pte_store(u64 *ptep, u64 val)
{
	WRITE_ONCE(*ptep, val);
}

/*
 * Run @body with VTTBR_EL2 = @vttbr, so TLBIs that act on "the current
 * VMID" act on that VM's. Callers run with interrupts masked (all of EL2
 * does), so nothing can observe the temporary VTTBR.
 */
#define __with_vttbr(vttbr, body) do {					\
	u64 __old = read_sysreg(vttbr_el2);				\
	if (__old != (vttbr)) {						\
		write_sysreg(vttbr_el2, (vttbr));			\
		isb();							\
	}								\
	body;								\
	if (__old != (vttbr)) {						\
		write_sysreg(vttbr_el2, __old);				\
		isb();							\
	}								\
} while (0)

/*
 * Stage-2 entries for one IPA page of the VM whose VTTBR_EL2 value is
 * @vttbr (its VMID selects the VM), at @level (a hint only: the TTL field
 * needs FEAT_TTL, so it is left 0 = "any level"). Because IPAS2E1IS does not
 * touch combined stage-1+2 entries, the VM's stage-1 entries are dropped
 * too (VMALLE1IS), after the first invalidation has completed.
 */
static inline void tlbi_ipas2e1is(u64 vttbr, u64 ipa, u32 level)
{
	(void)level;
	__with_vttbr(vttbr, {
		u64 __arg = FIELD_PREP(TLBI_ADDR, ipa >> 12);
		__asm__ volatile("tlbi ipas2e1is, %0" :: "r"(__arg) : "memory");
		dsb(ish);
		__asm__ volatile("tlbi vmalle1is" ::: "memory");
		dsb(ish);
	});
}

/* Every stage-1 and stage-2 entry of the VM whose VTTBR_EL2 is @vttbr. */
static inline void tlbi_vmalls12e1is(u64 vttbr)
{
	__with_vttbr(vttbr, {
		__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
		dsb(ish);
	});
}

/* The EL2 entries for one VA page, all CPUs of the inner-shareable domain. */
static inline void tlbi_vae2is(u64 va, u32 level)
{
	(void)level;
	u64 arg = FIELD_PREP(TLBI_ADDR, va >> 12);
	__asm__ volatile("tlbi vae2is, %0" :: "r"(arg) : "memory");
}

/* Every EL2 entry, all CPUs of the inner-shareable domain. */
static inline void tlbi_alle2is(void)
{
	__asm__ volatile("tlbi alle2is" ::: "memory");
}

/* Every EL2 entry, this CPU only (boot, before others run). */
static inline void tlbi_alle2(void)
{
	__asm__ volatile("tlbi alle2" ::: "memory");
}

/* Which barrier completes a replayed EL1 TLBI: its own shareability domain. */
enum tlb_dsb {
	TLB_DSB_NSH,
	TLB_DSB_ISH,
	TLB_DSB_OSH,
};

/* One EL1 TLBI by its SYS encoding (op0 1, op1 0), as "sys #0, cCRn, cCRm, #op2". */
#define __TLBI_EL1_KEY(crn, crm, op2) ((u32)(crn) << 8 | (u32)(crm) << 4 | (u32)(op2))
#define __TLBI_EL1_CASE(crn, crm, op2, arg)						\
	case __TLBI_EL1_KEY(crn, crm, op2):						\
		__asm__ volatile("sys #0, c" #crn ", c" #crm ", #" #op2 ", %0"		\
				 :: "r"(arg) : "memory");				\
		break;
/* VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1 (op2 0, 1, 2, 3, 5, 7). */
#define __TLBI_EL1_PLAIN(crn, crm, arg)							\
	__TLBI_EL1_CASE(crn, crm, 0, arg) __TLBI_EL1_CASE(crn, crm, 1, arg)		\
	__TLBI_EL1_CASE(crn, crm, 2, arg) __TLBI_EL1_CASE(crn, crm, 3, arg)		\
	__TLBI_EL1_CASE(crn, crm, 5, arg) __TLBI_EL1_CASE(crn, crm, 7, arg)
/* RVAE1, RVAAE1, RVALE1, RVAALE1 (op2 1, 3, 5, 7). */
#define __TLBI_EL1_RANGE(crn, crm, arg)							\
	__TLBI_EL1_CASE(crn, crm, 1, arg) __TLBI_EL1_CASE(crn, crm, 3, arg)		\
	__TLBI_EL1_CASE(crn, crm, 5, arg) __TLBI_EL1_CASE(crn, crm, 7, arg)
/* CRm 1 (OS), 3 (IS), 7 (this PE); range CRm 5 (OS), 2 (IS), 6 (this PE). */
#define __TLBI_EL1_ALL(crn, arg)							\
	__TLBI_EL1_PLAIN(crn, 1, arg) __TLBI_EL1_PLAIN(crn, 3, arg)			\
	__TLBI_EL1_PLAIN(crn, 7, arg) __TLBI_EL1_RANGE(crn, 2, arg)			\
	__TLBI_EL1_RANGE(crn, 5, arg) __TLBI_EL1_RANGE(crn, 6, arg)

/*
 * Issue the EL1 TLBI whose SYS encoding is (@crn, @crm, @op2) with operand
 * @arg for the VM whose VTTBR_EL2 is @vttbr (the current one while its vCPU
 * is loaded, so normally no VTTBR write), then the DSB @dsb that completes
 * it. Only the 60 EL1 TLBI encodings (CRn 8, and 9 for the nXS forms) are
 * issued; anything else returns -EINVAL having issued nothing. The
 * instruction names are spelt as SYS so the assembler needs no
 * -march for FEAT_TLBIOS/TLBIRANGE/XS: the caller checked they exist.
 */
static inline int tlbi_el1_sys(u64 vttbr, u32 crn, u32 crm, u32 op2, u64 arg, enum tlb_dsb dsb)
{
	int ret = 0;

	__with_vttbr(vttbr, {
		switch (__TLBI_EL1_KEY(crn, crm, op2)) {
		__TLBI_EL1_ALL(8, arg)
		__TLBI_EL1_ALL(9, arg)
		default:
			ret = -EINVAL;
			break;
		}
		if (dsb == TLB_DSB_NSH)
			dsb(nsh);
		else if (dsb == TLB_DSB_OSH)
			dsb(osh);
		else
			dsb(ish);
	});
	return ret;
}

/* Every EL1&0 entry of the VM whose VTTBR_EL2 is @vttbr, all CPUs (Inner Shareable), completed. */
static inline void tlbi_vmalle1is(u64 vttbr)
{
	__with_vttbr(vttbr, {
		__asm__ volatile("tlbi vmalle1is" ::: "memory");
		dsb(ish);
	});
}

#endif
