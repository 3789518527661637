/* SPDX-License-Identifier: MIT */
/*
 * The software stage-1 walker (emul/at.c) on hand-built tables in a fake
 * guest memory: every fault kind at every level, each granule, TBI, TTBR1,
 * PAN, hierarchical controls, HPD, WXN, MMU off, EPD, address-size limits,
 * stage-2 faults on the walk, hardware AF/DBM. Expected PAR values are
 * written out in hex from the Arm ARM's PAR_EL1 layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/regs.h"
#include "core/esr.h"
#include "emul/at.h"
#include "emul/at_regs.h"

#define MEM_BASE	0x40000000ULL
#define MEM_SIZE	(4u << 20)
#define GB		(1ULL << 30)

static u8 guest[MEM_SIZE] __attribute__((aligned(65536)));
static u64 next_free;
static unsigned reads, updates;

static int fake_read(void *arg, u64 ipa, u64 *desc)
{
	(void)arg;
	reads++;
	assert_true((ipa & 7) == 0);
	if (ipa < MEM_BASE || ipa + 8 > MEM_BASE + MEM_SIZE)
		return AT_S2_FAULT(ESR_ELx_FSC_FAULT + 1);	/* not mapped at stage-2 level 1 */
	memcpy(desc, guest + (ipa - MEM_BASE), 8);
	return 0;
}

static int fake_update(void *arg, u64 ipa, u64 old, u64 new_desc)
{
	u64 cur;

	(void)arg;
	updates++;
	assert_int_equal(fake_read(NULL, ipa, &cur), 0);
	if (cur != old)
		return AT_DESC_CHANGED;
	memcpy(guest + (ipa - MEM_BASE), &new_desc, 8);
	return 0;
}

static const struct at_mem mem = { fake_read, fake_update, NULL };
static const struct at_mem mem_no_update = { fake_read, NULL, NULL };

static u64 table(u64 size)
{
	next_free = (next_free + size - 1) & ~(size - 1);
	assert_true(next_free + size <= MEM_SIZE);
	u64 ipa = MEM_BASE + next_free;
	memset(guest + next_free, 0, size);
	next_free += size;
	return ipa;
}

static void set(u64 tbl, u64 idx, u64 desc)
{
	memcpy(guest + (tbl - MEM_BASE) + idx * 8, &desc, 8);
}

static u64 get(u64 tbl, u64 idx)
{
	u64 d;
	memcpy(&d, guest + (tbl - MEM_BASE) + idx * 8, 8);
	return d;
}

/* MAIR: 0 Normal WB RW-allocate, 1 Device-nGnRnE, 2 Normal NC, 3 Device-nGnRE, 4 Normal WT inner/WB outer. */
#define MAIR_VAL	(0xffULL | 0x00ULL << 8 | 0x44ULL << 16 | 0x04ULL << 24 | 0xfaULL << 32)
#define TBL(a)		((a) | 3)
#define PAGE(a)		((a) | 3 | S1_DESC_AF | FIELD_PREP(S1_DESC_SH, 3))
#define BLOCK(a)	((a) | 1 | S1_DESC_AF | FIELD_PREP(S1_DESC_SH, 3))
/* PAR for success with MAIR index 0 (0xff) and SH Inner: ATTR | PA | NS | RES1 | SH=3. */
#define PAR_OK(pa)	(0xff00000000000000ULL | (pa) | 0xb80ULL)
#define PAR_FAULT(fsc)	(0x801ULL | ((u64)(fsc) << 1))

static struct at_regs regs;
static u64 l0, l1, l2, l3;

/* 4K granule, 48-bit VA both halves, 48-bit IPS, PARange 48, HPDS and PAN implemented. */
static int setup(void **state)
{
	(void)state;
	next_free = 0;
	reads = updates = 0;
	memset(guest, 0, sizeof(guest));
	regs = (struct at_regs){
		.sctlr = SCTLR_EL1_M | SCTLR_EL1_RES1,
		.tcr = FIELD_PREP(TCR_EL1_T0SZ, 16) | FIELD_PREP(TCR_EL1_T1SZ, 16) |
		       FIELD_PREP(TCR_EL1_TG0, TCR_EL1_TG0_4K) | FIELD_PREP(TCR_EL1_TG1, TCR_EL1_TG1_4K) |
		       FIELD_PREP(TCR_EL1_IPS, 5),
		.mair = MAIR_VAL,
		.mmfr0 = 5,
		.mmfr1 = FIELD_PREP(ID_AA64MMFR1_EL1_HPDS, 1) | FIELD_PREP(ID_AA64MMFR1_EL1_PAN, 2),
	};
	/* VA 0x0000_0080_4060_3000: L0 index 1, L1 index 1, L2 index 3, L3 index 3. */
	l0 = table(4096), l1 = table(4096), l2 = table(4096), l3 = table(4096);
	regs.ttbr0 = l0 | 0x1234000000000000ULL;	/* an ASID, ignored */
	set(l0, 1, TBL(l1));
	set(l1, 1, TBL(l2));
	set(l2, 3, TBL(l3));
	set(l3, 3, PAGE(0x12345000ULL));
	return 0;
}

#define VA4K		0x0000008040603000ULL

static u64 at(u64 va, enum at_op op)
{
	return at_translate(&regs, &mem, va, op);
}

static void test_4k_page(void **state)
{
	(void)state;
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0x12345000ULL));
	/* The page offset is not in PAR; the result struct has it. */
	struct at_result r;
	reads = 0;
	at_walk(&regs, &mem, VA4K + 0xabc, AT_S1E1W, &r);
	assert_false(r.fault);
	assert_int_equal(r.oa, 0x12345abcULL);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.size, 4096);
	assert_int_equal(r.desc_ipa, l3 + 3 * 8);
	assert_int_equal(reads, 4);
	/* RW page at EL1 only: EL0 ops fault with a level 3 permission fault. */
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_FAULT(0x0f));
	assert_int_equal(at(VA4K, AT_S1E0W), PAR_FAULT(0x0f));
	assert_int_equal(PAR_FAULT(0x0f), 0x81fULL);
}

static void test_translation_fault_each_level(void **state)
{
	(void)state;
	/* Level 3 invalid */
	set(l3, 3, 0);
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(ESR_ELx_FSC_FAULT + 3));
	assert_int_equal(at(VA4K, AT_S1E1R), 0x80fULL);
	/* Level 3 reserved encoding 0b01 */
	set(l3, 3, PAGE(0x12345000ULL) & ~2ULL);
	assert_int_equal(at(VA4K, AT_S1E1R), 0x80fULL);
	/* Level 2, 1, 0 invalid (valid bit clear, other bits set) */
	set(l2, 3, TBL(l3) & ~1ULL);
	assert_int_equal(at(VA4K, AT_S1E1R), 0x80dULL);
	set(l1, 1, 0x2);
	assert_int_equal(at(VA4K, AT_S1E1R), 0x80bULL);
	set(l0, 1, 0);
	assert_int_equal(at(VA4K, AT_S1E1W), 0x809ULL);
	/* A block at level 0 is not allowed with 4K (no LPA2): translation fault level 0. */
	set(l0, 1, BLOCK(0));
	assert_int_equal(at(VA4K, AT_S1E1R), 0x809ULL);
}

static void test_4k_blocks(void **state)
{
	(void)state;
	/* 1 GiB block at level 1 */
	set(l1, 1, BLOCK(0x80000000ULL) | FIELD_PREP(S1_DESC_ATTRINDX, 1));
	struct at_result r;
	at_walk(&regs, &mem, VA4K + 0x10, AT_S1E1R, &r);
	assert_int_equal(r.oa, 0x80000000ULL + 0x00603010ULL);
	assert_int_equal(r.size, GB);
	/* Device-nGnRnE: ATTR 0x00 and SH reported 0b10 */
	assert_int_equal(r.par, 0x0000000080603000ULL | 0xa00 | 0x100);
	/* 2 MiB block at level 2, Normal NC: SH 0b10 too */
	set(l1, 1, TBL(l2));
	set(l2, 3, BLOCK(0x7fe00000ULL) | FIELD_PREP(S1_DESC_ATTRINDX, 2));
	assert_int_equal(at(VA4K, AT_S1E1R), 0x440000007fe03000ULL | 0xb00);
	/* Normal WT inner / WB outer: the descriptor's SH (non-shareable here) */
	set(l2, 3, (BLOCK(0x7fe00000ULL) & ~S1_DESC_SH) | FIELD_PREP(S1_DESC_ATTRINDX, 4));
	assert_int_equal(at(VA4K, AT_S1E1R), 0xfa0000007fe03000ULL | 0xa00);
	/* The block's OA bits below the block size are ignored */
	set(l2, 3, BLOCK(0x7fe00000ULL | 0x1ff000));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0x7fe03000ULL));
}

static void test_access_flag(void **state)
{
	(void)state;
	set(l3, 3, PAGE(0x12345000ULL) & ~S1_DESC_AF);
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(ESR_ELx_FSC_ACCESS + 3));
	/* The access flag fault has priority over the permission fault */
	assert_int_equal(at(VA4K, AT_S1E0W), PAR_FAULT(0x0b));
	set(l2, 3, BLOCK(0x40000000ULL) & ~S1_DESC_AF);
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x0a));
	set(l1, 1, BLOCK(0x40000000ULL) & ~S1_DESC_AF);
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x09));
	assert_int_equal(updates, 0);
}

static void test_hw_access_flag(void **state)
{
	(void)state;
	set(l3, 3, PAGE(0x12345000ULL) & ~S1_DESC_AF);
	/* TCR.HA set, but the VM does not expose FEAT_HAFDBS: still a fault */
	regs.tcr |= TCR_EL1_HA;
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x0b));
	regs.mmfr1 |= FIELD_PREP(ID_AA64MMFR1_EL1_HAFDBS, 1);
	/* A permission fault does not set AF */
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_FAULT(0x0f));
	assert_int_equal(get(l3, 3) & S1_DESC_AF, 0);
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0x12345000ULL));
	assert_int_equal(get(l3, 3), PAGE(0x12345000ULL));
	assert_int_equal(updates, 1);
	/* Without an update callback the walk still succeeds */
	set(l3, 3, PAGE(0x12345000ULL) & ~S1_DESC_AF);
	assert_int_equal(at_translate(&regs, &mem_no_update, VA4K, AT_S1E1R), PAR_OK(0x12345000ULL));
	assert_int_equal(get(l3, 3) & S1_DESC_AF, 0);
}

static void test_dirty_bit_modifier(void **state)
{
	(void)state;
	set(l3, 3, PAGE(0x12345000ULL) | S1_DESC_AP2 | S1_DESC_DBM);
	assert_int_equal(at(VA4K, AT_S1E1W), PAR_FAULT(0x0f));
	regs.mmfr1 |= FIELD_PREP(ID_AA64MMFR1_EL1_HAFDBS, 2);
	regs.tcr |= TCR_EL1_HA | TCR_EL1_HD;
	assert_int_equal(at(VA4K, AT_S1E1W), PAR_OK(0x12345000ULL));
	/* APTable[1] still forbids the write */
	set(l2, 3, TBL(l3) | S1_DESC_APTABLE1);
	assert_int_equal(at(VA4K, AT_S1E1W), PAR_FAULT(0x0f));
}

static void test_permissions(void **state)
{
	(void)state;
	static const struct { u64 ap; bool e1r, e1w, e0r, e0w; } t[] = {
		{ 0, true, true, false, false },
		{ 1, true, true, true, true },
		{ 2, true, false, false, false },
		{ 3, true, false, true, false },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		set(l3, 3, PAGE(0x12345000ULL) | FIELD_PREP(S1_DESC_AP, t[i].ap) | S1_DESC_UXN | S1_DESC_PXN);
		bool want[AT_OP_NR] = { t[i].e1r, t[i].e1w, t[i].e0r, t[i].e0w, t[i].e1r, t[i].e1w };
		for (int op = 0; op < AT_OP_NR; op++)
			assert_int_equal(at(VA4K, (enum at_op)op),
					 want[op] ? PAR_OK(0x12345000ULL) : PAR_FAULT(0x0f));
	}
}

static void test_pan(void **state)
{
	(void)state;
	/* EL0-accessible page (AP=01) */
	set(l3, 3, PAGE(0x12345000ULL) | FIELD_PREP(S1_DESC_AP, 1));
	regs.pstate = PSR_PAN;
	/* Plain S1E1R/W ignore PAN */
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0x12345000ULL));
	assert_int_equal(at(VA4K, AT_S1E1W), PAR_OK(0x12345000ULL));
	/* S1E1RP/WP honour it */
	assert_int_equal(at(VA4K, AT_S1E1RP), PAR_FAULT(0x0f));
	assert_int_equal(at(VA4K, AT_S1E1WP), PAR_FAULT(0x0f));
	/* EL0 ops are not privileged accesses */
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_OK(0x12345000ULL));
	/* Read-only for EL0 (AP=11) is still EL0-accessible */
	set(l3, 3, PAGE(0x12345000ULL) | FIELD_PREP(S1_DESC_AP, 3));
	assert_int_equal(at(VA4K, AT_S1E1RP), PAR_FAULT(0x0f));
	/* PAN off */
	regs.pstate = 0;
	assert_int_equal(at(VA4K, AT_S1E1RP), PAR_OK(0x12345000ULL));
	assert_int_equal(at(VA4K, AT_S1E1WP), PAR_FAULT(0x0f));
	/* Not EL0-accessible: PAN does not matter */
	regs.pstate = PSR_PAN;
	set(l3, 3, PAGE(0x12345000ULL));
	assert_int_equal(at(VA4K, AT_S1E1WP), PAR_OK(0x12345000ULL));
	/* APTable[0] takes EL0 access away, so PAN no longer applies */
	set(l3, 3, PAGE(0x12345000ULL) | FIELD_PREP(S1_DESC_AP, 1));
	set(l1, 1, TBL(l2) | S1_DESC_APTABLE0);
	assert_int_equal(at(VA4K, AT_S1E1RP), PAR_OK(0x12345000ULL));
}

static void test_hierarchical(void **state)
{
	struct at_result r;

	(void)state;
	set(l3, 3, PAGE(0x12345000ULL) | FIELD_PREP(S1_DESC_AP, 1));	/* RW at EL0 and EL1 */
	at_walk(&regs, &mem, VA4K, AT_S1E1R, &r);
	assert_true(r.el0_r && r.el0_w && r.el1_w && r.el0_x);
	assert_false(r.el1_x);	/* EL1 never executes EL0-writable memory */
	/* APTable[1] at level 0: no writes anywhere below */
	set(l0, 1, TBL(l1) | S1_DESC_APTABLE1);
	assert_int_equal(at(VA4K, AT_S1E1W), PAR_FAULT(0x0f));
	assert_int_equal(at(VA4K, AT_S1E0W), PAR_FAULT(0x0f));
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_OK(0x12345000ULL));
	/* APTable[0] at level 2: no EL0 access */
	set(l0, 1, TBL(l1));
	set(l2, 3, TBL(l3) | S1_DESC_APTABLE0);
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_FAULT(0x0f));
	assert_int_equal(at(VA4K, AT_S1E1W), PAR_OK(0x12345000ULL));
	/* HPD0 disables the hierarchical controls (FEAT_HPDS implemented)... */
	regs.tcr |= TCR_EL1_HPD0;
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_OK(0x12345000ULL));
	/* ... but not when the VM's ID registers say FEAT_HPDS is absent (HPD0 is RES0) */
	regs.mmfr1 = 0;
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_FAULT(0x0f));
	/* HPD1 does not affect TTBR0 walks */
	regs.mmfr1 = FIELD_PREP(ID_AA64MMFR1_EL1_HPDS, 1);
	regs.tcr ^= TCR_EL1_HPD0 | TCR_EL1_HPD1;
	assert_int_equal(at(VA4K, AT_S1E0R), PAR_FAULT(0x0f));
	/* UXNTable / PXNTable: execute permissions only, AT data results unchanged */
	set(l2, 3, TBL(l3) | S1_DESC_UXNTABLE);
	set(l3, 3, PAGE(0x12345000ULL) | FIELD_PREP(S1_DESC_AP, 2));
	at_walk(&regs, &mem, VA4K, AT_S1E1R, &r);
	assert_false(r.fault);
	assert_true(r.el1_x);
	assert_false(r.el0_x);
	set(l2, 3, TBL(l3) | S1_DESC_PXNTABLE);
	at_walk(&regs, &mem, VA4K, AT_S1E1R, &r);
	assert_false(r.el1_x);
	regs.tcr |= TCR_EL1_HPD0;
	at_walk(&regs, &mem, VA4K, AT_S1E1R, &r);
	assert_true(r.el1_x);
}

static void test_wxn(void **state)
{
	struct at_result r;

	(void)state;
	at_walk(&regs, &mem, VA4K, AT_S1E1W, &r);
	assert_true(r.el1_x);
	regs.sctlr |= SCTLR_EL1_WXN;
	assert_int_equal(at_walk(&regs, &mem, VA4K, AT_S1E1W, &r), PAR_OK(0x12345000ULL));
	assert_false(r.el1_x);	/* writable, so execute-never */
	set(l3, 3, PAGE(0x12345000ULL) | S1_DESC_AP2);
	at_walk(&regs, &mem, VA4K, AT_S1E1R, &r);
	assert_true(r.el1_x);
}

static void test_mmu_off(void **state)
{
	(void)state;
	regs.sctlr &= ~SCTLR_EL1_M;
	/* Flat, Device-nGnRnE (ATTR 0), Outer Shareable, no table read */
	assert_int_equal(at(0x12345678ULL, AT_S1E0W), 0x0000000012345000ULL | 0xb00);
	assert_int_equal(at(0x0000ffffffff0000ULL, AT_S1E1R), 0x0000ffffffff0000ULL | 0xb00);
	assert_int_equal(reads, 0);
	/* Above the 48-bit PA size: address size fault, level 0 */
	assert_int_equal(at(0x0001000000000000ULL, AT_S1E1R), PAR_FAULT(0x00));
	assert_int_equal(at(0xff00000012345000ULL, AT_S1E1R), 0x801ULL);
	/* TBI: the top byte is ignored */
	regs.tcr |= TCR_EL1_TBI1;
	assert_int_equal(at(0xff00000012345000ULL, AT_S1E1R), 0x801ULL);	/* bit 55 set: TBI1, 55:48 not 0 */
	regs.tcr |= TCR_EL1_TBI0;
	assert_int_equal(at(0x7f00000012345000ULL, AT_S1E1R), 0x0000000012345000ULL | 0xb00);
	/* PARange 36 bits */
	regs.mmfr0 = 1;
	assert_int_equal(at(0x1000000000ULL, AT_S1E1R), 0x801ULL);
	assert_int_equal(at(0xfffffffffULL, AT_S1E1R), 0xffffff000ULL | 0xb00);
}

static void test_tbi(void **state)
{
	(void)state;
	u64 tagged = VA4K | 0xab00000000000000ULL;
	assert_int_equal(at(tagged, AT_S1E1R), PAR_FAULT(0x04));
	regs.tcr |= TCR_EL1_TBI1;	/* the other half's TBI does not help */
	assert_int_equal(at(tagged, AT_S1E1R), PAR_FAULT(0x04));
	regs.tcr |= TCR_EL1_TBI0;
	assert_int_equal(at(tagged, AT_S1E1R), PAR_OK(0x12345000ULL));
	/* TBID0 concerns instruction fetches only */
	regs.tcr |= TCR_EL1_TBID0;
	assert_int_equal(at(tagged, AT_S1E1R), PAR_OK(0x12345000ULL));
	/* Bits 55:48 still must match */
	assert_int_equal(at(tagged | BIT(50), AT_S1E1R), PAR_FAULT(0x04));
}

static void test_ttbr1_and_range(void **state)
{
	(void)state;
	/* TTBR1, T1SZ 25 (39-bit), TG1 = 16K (encoding 1, where TG0's 1 means 64K) */
	u64 t1 = table(16384), t2 = table(16384), t3 = table(16384);
	regs.tcr = (regs.tcr & ~(TCR_EL1_T1SZ | TCR_EL1_TG1)) | FIELD_PREP(TCR_EL1_T1SZ, 25) |
		   FIELD_PREP(TCR_EL1_TG1, TCR_EL1_TG1_16K);
	regs.ttbr1 = t1;
	/* 16K, 39 bits: start level 1 (bits 38:36, 8 entries), L2 bits 35:25, L3 bits 24:14 */
	u64 va = 0xffffffc000000000ULL | (5ULL << 36) | (7ULL << 25) | (9ULL << 14) | 0x123;
	set(t1, 5, TBL(t2));
	set(t2, 7, TBL(t3));
	set(t3, 9, PAGE(0x2468c000ULL));
	assert_int_equal(at(va, AT_S1E1R), PAR_OK(0x2468c000ULL));
	/* Just below the TTBR1 range: the gap, translation fault level 0 */
	assert_int_equal(at(0xffffff7fffffffffULL, AT_S1E1R), PAR_FAULT(0x04));
	assert_int_equal(at(0xffffffbfffffffffULL, AT_S1E1R), PAR_FAULT(0x05));
	/* Above the TTBR0 range (T0SZ 25): fault too */
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 25);
	assert_int_equal(at(0x0000008000000000ULL, AT_S1E1R), PAR_FAULT(0x04));
	/* EPD1: translation fault at level 0, TTBR0 unaffected */
	regs.tcr |= TCR_EL1_EPD1;
	assert_int_equal(at(va, AT_S1E1R), PAR_FAULT(0x04));
	regs.tcr |= TCR_EL1_EPD0;
	assert_int_equal(at(0x1000, AT_S1E1R), PAR_FAULT(0x04));
	assert_int_equal(reads, 4);
}

static void test_txsz_limits(void **state)
{
	(void)state;
	/* T0SZ 40 > 39 without FEAT_TTST: translation fault level 0 */
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 40);
	assert_int_equal(at(0x1000, AT_S1E1R), PAR_FAULT(0x04));
	/* With FEAT_TTST, T0SZ 48 (16-bit VA) starts at level 3 */
	regs.mmfr2 = FIELD_PREP(ID_AA64MMFR2_EL1_ST, 1);
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 48);
	u64 t = table(4096);
	regs.ttbr0 = t;
	set(t, 0xf, PAGE(0x55555000ULL));
	assert_int_equal(at(0xf000, AT_S1E1R), PAR_OK(0x55555000ULL));
	assert_int_equal(at(0x10000, AT_S1E1R), PAR_FAULT(0x04));
	/* T0SZ 15 < 16 */
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 15);
	assert_int_equal(at(0x1000, AT_S1E1R), PAR_FAULT(0x04));
	/* T0SZ 39: 4K starts at level 2 with 16 entries */
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 39);
	set(t, 0xf, 0);
	set(t, 0xa, BLOCK(0x40000000ULL));
	assert_int_equal(at(0x1400000ULL + 0x5000, AT_S1E1R), PAR_OK(0x40005000ULL));
}

static void test_16k(void **state)
{
	(void)state;
	/* TG0 16K, T0SZ 17 (47-bit): start level 1, 2048 entries (bits 46:36) */
	regs.tcr = (regs.tcr & ~(TCR_EL1_TG0 | TCR_EL1_T0SZ)) | FIELD_PREP(TCR_EL1_TG0, TCR_EL1_TG0_16K) |
		   FIELD_PREP(TCR_EL1_T0SZ, 17);
	u64 a = table(16384), b = table(16384), c = table(16384);
	regs.ttbr0 = a;
	u64 va = (0x401ULL << 36) | (0x3ULL << 25) | (0x7ffULL << 14) | 0x3fff;
	set(a, 0x401, TBL(b));
	set(b, 3, TBL(c));
	set(c, 0x7ff, PAGE(0x87654000ULL));
	/* PAR.PA[13:12] of a 16K page come from the VA */
	assert_int_equal(at(va, AT_S1E1R), PAR_OK(0x87657000ULL));
	/* 32 MiB block at level 2 */
	set(b, 3, BLOCK(0x86000000ULL));
	assert_int_equal(at(va, AT_S1E1R), PAR_OK(0x87fff000ULL));
	/* No level-1 block with 16K (DS=0) */
	set(a, 0x401, BLOCK(0));
	assert_int_equal(at(va, AT_S1E1R), PAR_FAULT(0x05));
	/* T0SZ 16 (48-bit) uses level 0 with two entries (bit 47) */
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 16);
	set(a, 1, TBL(b));
	set(a, 0x401, 0);
	set(b, 0x401, TBL(c));
	set(c, 0x7ff, PAGE(0x87654000ULL) | FIELD_PREP(S1_DESC_AP, 2));
	u64 va48 = BIT(47) | (0x401ULL << 36) | (0x3ULL << 25) | (0x7ffULL << 14);
	assert_int_equal(at(va48, AT_S1E1R), PAR_FAULT(0x06));	/* b[3] is the block, not table c */
	set(b, 3, TBL(c));
	assert_int_equal(at(va48 & ~(0x401ULL << 36), AT_S1E1R), PAR_FAULT(0x05));
	va48 = BIT(47) | (0x401ULL << 36) | (0x3ULL << 25) | (0x7ffULL << 14);
	set(b, 0x401, TBL(c));
	/* index at level 1 is bits 46:36 = 0x401 -> b[0x401] -> c (level 2 index 3 -> c[3] invalid) */
	assert_int_equal(at(va48, AT_S1E1R), PAR_FAULT(0x06));
	set(c, 3, TBL(c));
	assert_int_equal(at(va48, AT_S1E1W), PAR_FAULT(0x0f));	/* c[0x7ff] RO page */
}

static void test_64k(void **state)
{
	(void)state;
	/* TG0 64K, T0SZ 22 (42-bit): start level 2 (bits 41:29), L3 bits 28:16 */
	regs.tcr = (regs.tcr & ~(TCR_EL1_TG0 | TCR_EL1_T0SZ)) | FIELD_PREP(TCR_EL1_TG0, TCR_EL1_TG0_64K) |
		   FIELD_PREP(TCR_EL1_T0SZ, 22);
	u64 a = table(65536), b = table(65536);
	regs.ttbr0 = a;
	u64 va = (0x1fffULL << 29) | (0x1234ULL << 16) | 0xfedc;
	set(a, 0x1fff, TBL(b));
	set(b, 0x1234, PAGE(0x990000ULL));
	assert_int_equal(at(va, AT_S1E1R), PAR_OK(0x99f000ULL));
	/* 512 MiB block at level 2 */
	set(a, 0x1fff, BLOCK(0x20000000ULL));
	assert_int_equal(at(va, AT_S1E1R), PAR_OK(0x20000000ULL + 0x1234f000ULL));
	/* T0SZ 16 (48-bit): start at level 1 with 64 entries (bits 47:42); no level-1 block without 52-bit PA */
	regs.tcr = (regs.tcr & ~TCR_EL1_T0SZ) | FIELD_PREP(TCR_EL1_T0SZ, 16);
	set(a, 0x2a, BLOCK(0));
	assert_int_equal(at(0x2aULL << 42, AT_S1E1R), PAR_FAULT(0x05));
	set(a, 0x2a, TBL(b));
	set(b, 1, BLOCK(0x60000000ULL) | FIELD_PREP(S1_DESC_AP, 3));
	assert_int_equal(at((0x2aULL << 42) | (1ULL << 29) | 0x10000, AT_S1E0R), PAR_OK(0x60010000ULL));
	assert_int_equal(at((0x2aULL << 42) | (1ULL << 29), AT_S1E0W), PAR_FAULT(0x0e));
}

static void test_64k_52bit(void **state)
{
	(void)state;
	/* FEAT_LPA: PARange and IPS 52 bits, 64K granule; OA[51:48] in descriptor bits 15:12 */
	regs.mmfr0 = 6;
	regs.tcr = (regs.tcr & ~(TCR_EL1_TG0 | TCR_EL1_T0SZ | TCR_EL1_IPS)) |
		   FIELD_PREP(TCR_EL1_TG0, TCR_EL1_TG0_64K) | FIELD_PREP(TCR_EL1_T0SZ, 16) |
		   FIELD_PREP(TCR_EL1_IPS, 6);
	u64 a = table(65536), b = table(65536), c = table(65536);
	regs.ttbr0 = a;
	set(a, 0, TBL(b));
	set(b, 0, TBL(c));
	set(c, 0, PAGE(0x10000ULL) | FIELD_PREP(S1_DESC_OA_51_48, 0xa));
	assert_int_equal(at(0x1234, AT_S1E1R), PAR_OK(0x000a000000011000ULL));
	/* A level-1 block is allowed with 52-bit OA */
	set(a, 1, BLOCK(0) | FIELD_PREP(S1_DESC_OA_51_48, 1));
	assert_int_equal(at(1ULL << 42, AT_S1E1R), PAR_OK(0x0001000000000000ULL));
	/* With the 4K granule IPS 52 acts as 48: bit 47 of an OA is fine, nothing above */
	regs.tcr = (regs.tcr & ~(TCR_EL1_TG0)) | FIELD_PREP(TCR_EL1_TG0, TCR_EL1_TG0_4K);
	regs.ttbr0 = l0;
	set(l3, 3, PAGE(0x800000000000ULL));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0x800000000000ULL));
}

static void test_address_size(void **state)
{
	(void)state;
	/* IPS 40 bits: a page at 1 TiB is out of range, level 3 */
	regs.tcr = (regs.tcr & ~TCR_EL1_IPS) | FIELD_PREP(TCR_EL1_IPS, 2);
	set(l3, 3, PAGE(0x10000000000ULL));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x03));
	set(l3, 3, PAGE(0xfffffff000ULL));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0xfffffff000ULL));
	/* A block at level 2 out of range */
	set(l2, 3, BLOCK(0x20000000000ULL));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x02));
	/* A table pointer at level 1 out of range */
	set(l1, 1, TBL(0x40000000000ULL));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x01));
	/* The TTBR itself out of range: level 0 */
	regs.ttbr0 = 0x100000000000ULL | l0;
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x00));
	/* IPS above PARange is capped at PARange (36 bits here) */
	regs.ttbr0 = l0;
	set(l1, 1, TBL(l2));
	set(l2, 3, TBL(l3));
	regs.tcr = (regs.tcr & ~TCR_EL1_IPS) | FIELD_PREP(TCR_EL1_IPS, 5);
	regs.mmfr0 = 1;
	set(l3, 3, PAGE(0x1000000000ULL));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x03));
	/* The address size fault has priority over the access flag fault */
	set(l3, 3, PAGE(0x1000000000ULL) & ~S1_DESC_AF);
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x03));
}

static void test_stage2_fault_on_walk(void **state)
{
	struct at_result r;

	(void)state;
	/* The level-2 table lives at an IPA the fake stage-2 does not map */
	set(l1, 1, TBL(0x80000000ULL));
	assert_int_equal(at_walk(&regs, &mem, VA4K, AT_S1E1R, &r), 0xb0bULL);
	assert_true(r.s2);
	assert_int_equal(r.fst, ESR_ELx_FSC_FAULT + 1);
	assert_int_equal(r.s2_ipa, 0x80000000ULL + 3 * 8);
	/* The TTBR's table itself */
	regs.ttbr0 = 0x90000000ULL;
	assert_int_equal(at(VA4K, AT_S1E0W), PAR_EL1_F | PAR_EL1_PTW | PAR_EL1_S | PAR_EL1_RES1 |
					     FIELD_PREP(PAR_EL1_FST, ESR_ELx_FSC_FAULT + 1));
}

static int failing_read(void *arg, u64 ipa, u64 *desc)
{
	(void)arg, (void)ipa, (void)desc;
	return -5;
}

static void test_other_read_error(void **state)
{
	(void)state;
	const struct at_mem m = { failing_read, NULL, NULL };
	assert_int_equal(at_translate(&regs, &m, VA4K, AT_S1E1R), 0xb21ULL);	/* FST 0x10, PTW, S */
	/* A bad op number is refused without reading */
	assert_int_equal(at((u64)0, (enum at_op)7), PAR_FAULT(0x04));
}

static void test_big_endian_tables(void **state)
{
	(void)state;
	regs.sctlr |= SCTLR_EL1_EE;
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_FAULT(0x04));	/* swapped l0[1] has bit 0 clear */
	set(l0, 1, __builtin_bswap64(TBL(l1)));
	set(l1, 1, __builtin_bswap64(TBL(l2)));
	set(l2, 3, __builtin_bswap64(TBL(l3)));
	set(l3, 3, __builtin_bswap64(PAGE(0x12345000ULL)));
	assert_int_equal(at(VA4K, AT_S1E1R), PAR_OK(0x12345000ULL));
}

static void test_unspecified_mask(void **state)
{
	(void)state;
	assert_int_equal(at_par_unspecified_mask(0x801), 0xffff000000000000ULL);
	assert_int_equal(at_par_unspecified_mask(PAR_OK(0x1000)), 0x00f0000000000600ULL);
	assert_int_equal(at_par_unspecified_mask(0x0000000000001b00ULL), 0x00f0000000000780ULL);
	assert_int_equal(at_par_unspecified_mask(0x4400000000001b00ULL), 0x00f0000000000780ULL);
	assert_string_equal(at_op_name(AT_S1E1WP), "S1E1WP");
	assert_string_equal(at_op_name((enum at_op)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_4k_page, setup),
		cmocka_unit_test_setup(test_translation_fault_each_level, setup),
		cmocka_unit_test_setup(test_4k_blocks, setup),
		cmocka_unit_test_setup(test_access_flag, setup),
		cmocka_unit_test_setup(test_hw_access_flag, setup),
		cmocka_unit_test_setup(test_dirty_bit_modifier, setup),
		cmocka_unit_test_setup(test_permissions, setup),
		cmocka_unit_test_setup(test_pan, setup),
		cmocka_unit_test_setup(test_hierarchical, setup),
		cmocka_unit_test_setup(test_wxn, setup),
		cmocka_unit_test_setup(test_mmu_off, setup),
		cmocka_unit_test_setup(test_tbi, setup),
		cmocka_unit_test_setup(test_ttbr1_and_range, setup),
		cmocka_unit_test_setup(test_txsz_limits, setup),
		cmocka_unit_test_setup(test_16k, setup),
		cmocka_unit_test_setup(test_64k, setup),
		cmocka_unit_test_setup(test_64k_52bit, setup),
		cmocka_unit_test_setup(test_address_size, setup),
		cmocka_unit_test_setup(test_stage2_fault_on_walk, setup),
		cmocka_unit_test_setup(test_other_read_error, setup),
		cmocka_unit_test_setup(test_big_endian_tables, setup),
		cmocka_unit_test_setup(test_unspecified_mask, setup),
	};
	return cmocka_run_group_tests_name("at", tests, NULL, NULL);
}
