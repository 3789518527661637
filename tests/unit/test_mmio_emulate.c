/* SPDX-License-Identifier: MIT */
/*
 * MMIO emulation for data aborts with no valid syndrome (core/mmio_emulate.c):
 * the per-element device accesses of a decoded load/store against a fake
 * region that records them (IPA from the faulting VA/IPA, pairs, the
 * region and page limits, FAR consistency, top-byte-ignore, writeback and
 * SP, device errors), and the instruction's IPA through hand-built stage-1
 * tables (execute permission per EL, MMU off, faults). Encodings from
 * `llvm-mc --triple=aarch64 -show-encoding`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/regs.h"
#include "core/esr.h"
#include "core/mmio_emulate.h"
#include "emul/at_regs.h"
#include "lib/err.h"

/* ---- a fake device: 0x100 bytes of registers at IPA 0x0b000000 ---- */

#define DEV_BASE	0x0b000000ULL
#define DEV_SIZE	0x100ULL

struct fake_access {
	u64 off;
	u32 size;
	bool write;
	u64 val;
};

static struct fake_access log_[8];
static unsigned nlog;
static int fail_at = -1;	/* access number that returns -EIO */

static u64 dev_value(u64 off)
{
	return 0x1000000000000000ULL | off;
}

static int fake_read(void *priv, u64 off, u32 size, u64 *val)
{
	(void)priv;
	assert_true(nlog < 8);
	if ((int)nlog == fail_at)
		return -EIO;
	*val = dev_value(off);
	if (size < 8)
		*val &= (1ULL << (8 * size)) - 1;
	log_[nlog++] = (struct fake_access){ off, size, false, *val };
	return 0;
}

static int fake_write(void *priv, u64 off, u32 size, u64 val)
{
	(void)priv;
	assert_true(nlog < 8);
	if ((int)nlog == fail_at)
		return -EIO;
	log_[nlog++] = (struct fake_access){ off, size, true, val };
	return 0;
}

static const struct mmio_ops fake_ops = { fake_read, fake_write };
static const struct mmio_region dev = { DEV_BASE, DEV_SIZE, &fake_ops, NULL, "fake" };

static int setup(void **state)
{
	(void)state;
	nlog = 0;
	fail_at = -1;
	memset(log_, 0, sizeof(log_));
	return 0;
}

static void decode(u32 insn, struct insn_ls *ls)
{
	assert_int_equal(insn_decode_ls(insn, ls), 0);
}

static void regs_init(struct insn_regs *r)
{
	for (u32 i = 0; i < 31; i++)
		r->x[i] = 0xdead0000ULL + i;
	r->sp = 0x5b5b5b5bULL;
}

/* The guest maps the device page at VA 0xffff000012345000 (any VA page would do). */
#define VA_PAGE		0xffff000012345000ULL

static void test_ldp_x(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0xa9400861, &ls);	/* ldp x1, x2, [x3] */
	regs_init(&r);
	r.x[3] = VA_PAGE + 0x10;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x10, DEV_BASE + 0x10, &dev), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].off, 0x10);
	assert_int_equal(log_[0].size, 8);
	assert_false(log_[0].write);
	assert_int_equal(log_[1].off, 0x18);
	assert_int_equal(r.x[1], dev_value(0x10));
	assert_int_equal(r.x[2], dev_value(0x18));
	assert_int_equal(r.x[3], VA_PAGE + 0x10);	/* no writeback */
	assert_int_equal(r.x[4], 0xdead0004ULL);
}

static void test_stp_x(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0xa9000861, &ls);	/* stp x1, x2, [x3] */
	regs_init(&r);
	r.x[1] = 0x1111, r.x[2] = 0x2222, r.x[3] = VA_PAGE + 0x40;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x40, DEV_BASE + 0x40, &dev), 0);
	assert_int_equal(nlog, 2);
	assert_true(log_[0].write && log_[1].write);
	assert_int_equal(log_[0].off, 0x40);
	assert_int_equal(log_[0].val, 0x1111);
	assert_int_equal(log_[1].off, 0x48);
	assert_int_equal(log_[1].val, 0x2222);
}

/* FAR names the second element (the first was in RAM, say): the first's IPA is still known. */
static void test_far_second_element(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0x29408861, &ls);	/* ldp w1, w2, [x3, #4] */
	regs_init(&r);
	r.x[3] = VA_PAGE + 0x20;	/* elements at +0x24 and +0x28 */
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x28, DEV_BASE + 0x28, &dev), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].off, 0x24);
	assert_int_equal(log_[0].size, 4);
	assert_int_equal(log_[1].off, 0x28);
	/* W destinations: 32 bits, upper half zero. */
	assert_int_equal(r.x[1], (u32)dev_value(0x24));
	assert_int_equal(r.x[2], (u32)dev_value(0x28));
}

/* FAR outside the access the registers give: the instruction is not the one that faulted. */
static void test_far_mismatch(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0xa9400861, &ls);	/* ldp x1, x2, [x3] */
	regs_init(&r);
	r.x[3] = VA_PAGE + 0x10;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x20, DEV_BASE + 0x20, &dev), -EFAULT);
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x8, DEV_BASE + 0x8, &dev), -EFAULT);
	assert_int_equal(nlog, 0);
	assert_int_equal(r.x[1], 0xdead0001ULL);
}

/* A pair leaving the region, or the faulting page: nothing is accessed, not even the first store. */
static void test_pair_limits(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0xa9000861, &ls);	/* stp x1, x2, [x3] */
	regs_init(&r);
	/* Second element at region offset 0x100: past the end. */
	r.x[3] = VA_PAGE + 0xf8;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0xf8, DEV_BASE + 0xf8, &dev), -EFAULT);
	assert_int_equal(nlog, 0);
	/* A region ending at a page end, the pair crossing into the next VA page. */
	{
		const struct mmio_region big = { DEV_BASE, 0x2000, &fake_ops, NULL, "big" };

		r.x[3] = VA_PAGE + 0xff8;
		assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0xff8, DEV_BASE + 0xff8, &big),
				 -EFAULT);
		assert_int_equal(nlog, 0);
		/* The same pair inside the page is fine. */
		r.x[3] = VA_PAGE + 0xfe8;
		assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0xfe8, DEV_BASE + 0xfe8, &big), 0);
		assert_int_equal(nlog, 2);
		assert_int_equal(log_[1].off, 0xff0);
	}
	/* Below the region: the fault IPA itself is not in it. */
	nlog = 0;
	r.x[3] = VA_PAGE + 0x10;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x10, DEV_BASE - 0x1000 + 0x10, &dev),
			 -EFAULT);
	assert_int_equal(nlog, 0);
}

/* Top-byte-ignore: the base register carries a tag FAR need not show. */
static void test_tbi(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0xa9400861, &ls);	/* ldp x1, x2, [x3] */
	regs_init(&r);
	r.x[3] = (0x5aULL << 56) | ((VA_PAGE + 0x30) & GENMASK(55, 0));
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x30, DEV_BASE + 0x30, &dev), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].off, 0x30);
	assert_int_equal(log_[1].off, 0x38);
}

static void test_writeback_and_sign(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	/* ldpsw x1, x2, [x3], #8: sign-extended words, x3 += 8 */
	decode(0x68c10861, &ls);
	regs_init(&r);
	r.x[3] = VA_PAGE + 0x80;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x80, DEV_BASE + 0x80, &dev), 0);
	assert_int_equal(r.x[1], 0x80);	/* dev_value's low word: positive */
	assert_int_equal(r.x[2], 0x84);
	assert_int_equal(r.x[3], VA_PAGE + 0x88);

	/* ldrsh w1, [x3], #2 of 0x..8002: 0xffff8002 (upper half zero), x3 += 2 */
	nlog = 0;
	decode(0x78c02461, &ls);
	regs_init(&r);
	r.x[3] = VA_PAGE + 0x20;
	{
		const struct mmio_region hi = { DEV_BASE - 0x8000, 0x10000, &fake_ops, NULL, "hi" };

		assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x20, DEV_BASE + 0x20, &hi), 0);
		assert_int_equal(log_[0].off, 0x8020);
		assert_int_equal(r.x[1], 0xffff8020ULL);
		assert_int_equal(r.x[3], VA_PAGE + 0x22);
	}

	/* str x1, [x3], #-8: store at x3, then x3 -= 8 */
	nlog = 0;
	decode(0xf81f8461, &ls);
	regs_init(&r);
	r.x[1] = 0xabcdef;
	r.x[3] = VA_PAGE;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE, DEV_BASE, &dev), 0);
	assert_int_equal(nlog, 1);
	assert_true(log_[0].write);
	assert_int_equal(log_[0].off, 0);
	assert_int_equal(log_[0].val, 0xabcdef);
	assert_int_equal(r.x[3], VA_PAGE - 8);
}

static void test_sp_base(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	/* ldr x1, [sp], #8 */
	decode(0xf84087e1, &ls);
	regs_init(&r);
	r.sp = VA_PAGE + 0x10;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x10, DEV_BASE + 0x10, &dev), 0);
	assert_int_equal(r.x[1], dev_value(0x10));
	assert_int_equal(r.sp, VA_PAGE + 0x18);
	assert_int_equal(r.x[31 - 1], 0xdead001eULL);	/* x30 untouched */

	/* stp x1, x2, [sp, #-16]! */
	nlog = 0;
	decode(0xa9bf0be1, &ls);
	regs_init(&r);
	r.sp = VA_PAGE + 0x20;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x10, DEV_BASE + 0x10, &dev), 0);
	assert_int_equal(nlog, 2);
	assert_int_equal(log_[0].off, 0x10);
	assert_int_equal(log_[0].val, 0xdead0001ULL);
	assert_int_equal(log_[1].off, 0x18);
	assert_int_equal(r.sp, VA_PAGE + 0x10);
}

/* A device error on the second element: the error, registers untouched. */
static void test_device_error(void **state)
{
	struct insn_ls ls;
	struct insn_regs r;

	(void)state;
	decode(0x68c10861, &ls);	/* ldpsw x1, x2, [x3], #8 */
	regs_init(&r);
	r.x[3] = VA_PAGE + 0x80;
	fail_at = 1;
	assert_int_equal(mmio_emulate_ls(&ls, &r, VA_PAGE + 0x80, DEV_BASE + 0x80, &dev), -EIO);
	assert_int_equal(r.x[1], 0xdead0001ULL);
	assert_int_equal(r.x[2], 0xdead0002ULL);
	assert_int_equal(r.x[3], VA_PAGE + 0x80);
}

/* ---- the instruction's IPA through stage-1 ---- */

#define MEM_BASE	0x40000000ULL
static u64 tables[512] __attribute__((aligned(4096)));	/* level-1 table at MEM_BASE */

static int mem_read(void *arg, u64 ipa, u64 *desc)
{
	(void)arg;
	if (ipa < MEM_BASE || ipa + 8 > MEM_BASE + sizeof(tables))
		return AT_S2_FAULT(ESR_ELx_FSC_FAULT + 1);
	memcpy(desc, (u8 *)tables + (ipa - MEM_BASE), 8);
	return 0;
}

static const struct at_mem tmem = { mem_read, NULL, NULL };

/* 4K granule, 39-bit VAs (T0SZ 25: start at level 1), 40-bit IPA; MMU on. */
static struct at_regs mmu_on(void)
{
	return (struct at_regs){
		.sctlr = SCTLR_EL1_M,
		.tcr = FIELD_PREP(TCR_EL1_T0SZ, 25) | FIELD_PREP(TCR_EL1_IPS, 2),
		.ttbr0 = MEM_BASE,
		.mair = 0xff,
		.mmfr0 = 2,	/* PARange 40 bits */
	};
}

/* A 1 GiB block at VA 1 GiB -> IPA 0x80000000. */
#define CODE_VA		0x40000000ULL
#define CODE_IPA	0x80000000ULL
#define BLOCK(extra)	(CODE_IPA | S1_DESC_AF | S1_DESC_TYPE_BLOCK | (extra))

static void test_insn_ipa(void **state)
{
	struct at_regs regs = mmu_on();
	u64 ipa = 0;

	(void)state;
	memset(tables, 0, sizeof(tables));
	/* EL1 code: read-only for EL1, no EL0 access, UXN. */
	tables[1] = BLOCK(S1_DESC_AP2 | S1_DESC_UXN);
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA + 0x1234, false, &ipa), 0);
	assert_int_equal(ipa, CODE_IPA + 0x1234);
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA + 0x1234, true, &ipa), -EFAULT);

	/* EL0 execute-only (AP[1] = 0, UXN = 0, PXN): EL0 fetched it although it cannot read it. */
	tables[1] = BLOCK(S1_DESC_AP2 | S1_DESC_PXN);
	ipa = 0;
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA + 8, true, &ipa), 0);
	assert_int_equal(ipa, CODE_IPA + 8);
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA + 8, false, &ipa), -EFAULT);

	/* EL0-writable: never executable at EL1 (and not EL0 with UXN). */
	tables[1] = BLOCK(S1_DESC_AP1 | S1_DESC_UXN);
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA, false, &ipa), -EFAULT);

	/* Access flag clear, invalid descriptor: the walk faults. */
	tables[1] = BLOCK(S1_DESC_AP2) & ~S1_DESC_AF;
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA, false, &ipa), -EFAULT);
	tables[1] = 0;
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA, false, &ipa), -EFAULT);

	/* The tables outside guest memory: a stage-2 fault on the walk. */
	regs.ttbr0 = 0x10000000ULL;
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, CODE_VA, false, &ipa), -EFAULT);

	/* MMU off: the IPA is the PC, whatever the EL. */
	regs.sctlr = 0;
	assert_int_equal(mmio_insn_ipa(&regs, &tmem, 0x40081e5cULL, true, &ipa), 0);
	assert_int_equal(ipa, 0x40081e5cULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ldp_x, setup),
		cmocka_unit_test_setup(test_stp_x, setup),
		cmocka_unit_test_setup(test_far_second_element, setup),
		cmocka_unit_test_setup(test_far_mismatch, setup),
		cmocka_unit_test_setup(test_pair_limits, setup),
		cmocka_unit_test_setup(test_tbi, setup),
		cmocka_unit_test_setup(test_writeback_and_sign, setup),
		cmocka_unit_test_setup(test_sp_base, setup),
		cmocka_unit_test_setup(test_device_error, setup),
		cmocka_unit_test(test_insn_ipa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
