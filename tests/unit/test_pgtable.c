// SPDX-License-Identifier: MIT
/* Unit tests of the page-table library (src/mm/pgtable*.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/err.h"
#include "mm/pgtable.h"
#include "arch_fake.h"
#include "test_pgtable_model.h"

#define MMFR0_PA40	2	/* ID_AA64MMFR0_EL1.PARange = 40 bits */
#define MMFR0_PA48	5
#define IPA40		((1ULL << 40) - 1)
#define VTTBR_VMID7	(7ULL << 48)

static int setup(void **state)
{
	talloc_reset();
	fake_hw_reset();
	fake_hw_recording = true;
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(talloc.live, 0);
	return 0;
}

static struct pgtable new_s2(u32 flags, pgt_force_pte_fn force)
{
	struct pgtable pgt;

	assert_int_equal(pgt_s2_init(&pgt, MMFR0_PA40, IPA40, &test_mm, flags, force), 0);
	pgt_s2_set_vmid(&pgt, 7);
	return pgt;
}

static u64 *entry_ptr(struct pgtable *pgt, u64 addr, u32 level)
{
	u64 *t = pgt->pgd;
	u32 l = pgt->start_level;

	for (;;) {
		u64 idx = (addr >> pgt_level_shift(l)) & (l == pgt->start_level ?
			(pgt->nr_concat * PGT_PTRS_PER_TABLE - 1) : (PGT_PTRS_PER_TABLE - 1));

		if (l == level)
			return &t[idx];
		assert_true(pte_is_table(t[idx], l));
		t = (u64 *)(uintptr_t)(t[idx] & PTE_OA);
		l++;
	}
}

static void expect_leaf(struct pgtable *pgt, u64 addr, u32 want_level, u64 want_pa)
{
	u64 pte;
	u32 level;

	assert_int_equal(pgt_lookup(pgt, addr, &pte, &level), 0);
	assert_true(pte_valid(pte));
	assert_int_equal(level, want_level);
	assert_int_equal(pte_phys(pte, level, addr), want_pa);
}

static u64 lookup_pte(struct pgtable *pgt, u64 addr, u32 *level)
{
	u64 pte;
	u32 l;

	assert_int_equal(pgt_lookup(pgt, addr, &pte, &l), 0);
	if (level)
		*level = l;
	return pte;
}

/* ---- Arithmetic. ---- */

static void test_level_arith(void **state)
{
	assert_int_equal(pgt_level_shift(3), 12);
	assert_int_equal(pgt_level_shift(2), 21);
	assert_int_equal(pgt_level_shift(1), 30);
	assert_int_equal(pgt_level_shift(0), 39);
	assert_int_equal(pgt_level_size(1), SZ_1G);
	assert_int_equal(pgt_level_size(2), SZ_2M);
	assert_int_equal(pgt_levels_for_bits(48), 4);
	assert_int_equal(pgt_levels_for_bits(39), 3);
	assert_int_equal(pgt_levels_for_bits(40), 4);
	assert_int_equal(pgt_levels_for_bits(30), 2);
	assert_int_equal(pgt_parange_to_bits(0), 32);
	assert_int_equal(pgt_parange_to_bits(2), 40);
	assert_int_equal(pgt_parange_to_bits(5), 48);
	assert_int_equal(pgt_parange_to_bits(6), 52);
	assert_int_equal(pgt_parange_to_bits(7), -EINVAL);
}

static void test_s2_geometry(void **state)
{
	static const struct {
		u64 mmfr0, max_ipa;
		int ret;
		u32 ia, start, concat;
	} cases[] = {
		{ MMFR0_PA40, IPA40, 0, 40, 1, 2 },
		{ MMFR0_PA48, (1ULL << 48) - 1, 0, 48, 0, 1 },
		{ MMFR0_PA48, (1ULL << 44) - 1, 0, 44, 0, 1 },
		{ MMFR0_PA48, (1ULL << 43) - 1, 0, 43, 1, 16 },
		{ MMFR0_PA48, (1ULL << 42) - 1, 0, 42, 1, 8 },
		{ MMFR0_PA48, (1ULL << 36) - 1, 0, 36, 1, 1 },
		{ MMFR0_PA48, (1ULL << 35) - 1, 0, 35, 1, 1 },
		{ MMFR0_PA48, (1ULL << 34) - 1, 0, 34, 2, 16 },
		{ MMFR0_PA48, 0x40000000, 0, 32, 2, 4 },	/* small VM: at least 32 bits */
		{ 6, (1ULL << 48) - 1, 0, 48, 0, 1 },		/* 52-bit PA: 48 without LPA2 */
		{ MMFR0_PA40, 1ULL << 40, -ERANGE, 0, 0, 0 },	/* beyond the PA size */
		{ 7, IPA40, -EINVAL, 0, 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 ia = 0, start = 0, concat = 0;
		int ret = pgt_s2_geometry(cases[i].mmfr0, cases[i].max_ipa, &ia, &start, &concat);

		assert_int_equal(ret, cases[i].ret);
		if (ret)
			continue;
		assert_int_equal(ia, cases[i].ia);
		assert_int_equal(start, cases[i].start);
		assert_int_equal(concat, cases[i].concat);
	}
}

static void test_vtcr_tcr(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	struct pgtable s1;

	/* T0SZ 24, SL0 1, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS 40 bits, RES1. */
	assert_int_equal(pgt_s2_vtcr(&pgt, MMFR0_PA40), 0x80023558ULL);
	assert_int_equal(pgt.nr_concat, 2);
	assert_int_equal(talloc.live, 2);
	assert_int_equal(pgt.vttbr, VTTBR_VMID7 | pgt.pgd_pa);
	assert_true(IS_ALIGNED(pgt.pgd_pa, 2 * PAGE_SIZE));
	pgt_destroy(&pgt);

	assert_int_equal(pgt_s2_init(&pgt, MMFR0_PA48, (1ULL << 48) - 1, &test_mm, 0, NULL), 0);
	/* T0SZ 16, SL0 2 (level 0), PS 48 bits. */
	assert_int_equal(pgt_s2_vtcr(&pgt, MMFR0_PA48), 0x80053590ULL);
	pgt_destroy(&pgt);
	assert_int_equal(pgt_s2_init(&pgt, MMFR0_PA48, 0x40000000, &test_mm, 0, NULL), 0);
	/* T0SZ 32, SL0 0 (level 2, 4 tables). */
	assert_int_equal(pgt_s2_vtcr(&pgt, MMFR0_PA48), 0x80053520ULL);
	pgt_destroy(&pgt);

	assert_int_equal(pgt_s1_init(&s1, 48, &test_mm, 0), 0);
	assert_int_equal(s1.start_level, 0);
	assert_int_equal(pgt_s1_tcr(&s1, MMFR0_PA40), 0x80823510ULL);
	pgt_destroy(&s1);
	assert_int_equal(pgt_s1_init(&s1, 39, &test_mm, 0), 0);
	assert_int_equal(s1.start_level, 1);
	pgt_destroy(&s1);
	assert_int_equal(pgt_s1_init(&s1, 49, &test_mm, 0), -EINVAL);
}

static void test_attr_encoding(void **state)
{
	struct pgtable s2 = new_s2(0, NULL), fwb = new_s2(PGT_F_S2FWB, NULL), s1;
	u64 pte;
	u32 level;

	assert_int_equal(pgt_s1_init(&s1, 48, &test_mm, 0), 0);
	/* Stage-2 normal RW, not executable: AF, SH inner, MemAttr 0xf, S2AP RW, XN. */
	assert_int_equal(pgt_prot_attrs(&s2, PGT_PROT_RW), BIT(54) | 0x400 | 0x300 | 0xc0 | 0x3c);
	assert_int_equal(pgt_prot_attrs(&s2, PGT_PROT_R | PGT_PROT_X), 0x400 | 0x300 | 0x40 | 0x3c);
	assert_int_equal(pgt_prot_attrs(&s2, PGT_PROT_RW | PGT_PROT_DEVICE), BIT(54) | 0x7c4);
	assert_int_equal(pgt_prot_attrs(&fwb, PGT_PROT_RWX), 0x400 | 0x300 | 0xc0 | (6 << 2));
	assert_int_equal(pgt_prot_attrs(&fwb, PGT_PROT_RW | PGT_PROT_DEVICE), BIT(54) | 0x7c4);
	/* Stage-1 EL2: AP[1] RES1, AP[2] read-only, XN bit 54, AttrIndx. */
	assert_int_equal(pgt_prot_attrs(&s1, PGT_PROT_RW), BIT(54) | 0x740);
	assert_int_equal(pgt_prot_attrs(&s1, PGT_PROT_R | PGT_PROT_X), 0x7c0);
	assert_int_equal(pgt_prot_attrs(&s1, PGT_PROT_RW | PGT_PROT_DEVICE), BIT(54) | 0x744);
	for (u32 p = 0; p < 16; p++) {
		assert_int_equal(pgt_pte_prot(&s2, pgt_prot_attrs(&s2, p) | 1), p);
		assert_int_equal(pgt_pte_prot(&fwb, pgt_prot_attrs(&fwb, p) | 1), p);
		assert_int_equal(pgt_pte_prot(&s1, pgt_prot_attrs(&s1, p) | 1), p | PGT_PROT_R);
	}

	/* A page and a block as written. */
	assert_int_equal(pgt_map(&s2, 0x1234000, PAGE_SIZE, 0x8765000, PGT_PROT_RW, 5, NULL), 0);
	pte = lookup_pte(&s2, 0x1234000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pte, 0x8765000ULL | BIT(54) | (5ULL << 55) | 0x7ff);
	assert_int_equal(pgt_map(&s1, SZ_1G, SZ_1G, 3 * SZ_1G, PGT_PROT_R | PGT_PROT_X, 0, NULL), 0);
	pte = lookup_pte(&s1, SZ_1G + 0x5000, &level);
	assert_int_equal(level, 1);
	assert_int_equal(pte, 3 * SZ_1G | 0x7c1);
	/* Invalid annotation. */
	assert_int_equal(pgt_set_owner(&s2, 0, PAGE_SIZE, 0x1234, NULL), 0);
	pte = lookup_pte(&s2, 0, &level);
	assert_int_equal(pte, 0x1234ULL << 2);
	assert_int_equal(pte_owner(pte), 0x1234);
	assert_int_equal(pgt_set_owner(&s2, 0, PAGE_SIZE, 0x10000, NULL), -EINVAL);
	assert_int_equal(pgt_map(&s2, 0, PAGE_SIZE, 0, PGT_PROT_RW, 16, NULL), -EINVAL);

	pgt_destroy(&s2);
	pgt_destroy(&fwb);
	pgt_destroy(&s1);
}

/* ---- Walker. ---- */

struct trace {
	int n;
	char s[64][32];
	int fail_at;
};

static int trace_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct trace *t = ctx->arg;

	snprintf(t->s[t->n++], 32, "%c%u@%llx", visit == PGT_WALK_LEAF ? 'L' :
		 visit == PGT_WALK_TABLE_PRE ? '<' : '>', ctx->level, (unsigned long long)ctx->addr);
	return t->n == t->fail_at ? -EBUSY : 0;
}

static void test_walker(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	struct trace t = { 0 };
	struct pgt_walker w = { .cb = trace_visitor, .arg = &t,
				.flags = PGT_WALK_LEAF | PGT_WALK_TABLE_PRE | PGT_WALK_TABLE_POST };

	assert_int_equal(pgt_map(&pgt, SZ_2M, PAGE_SIZE, 0, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_walk(&pgt, SZ_2M - PAGE_SIZE, 3 * PAGE_SIZE, &w), 0);
	/* Depth-first, pre before children, post after. */
	assert_int_equal(t.n, 7);
	assert_string_equal(t.s[0], "<1@0");
	assert_string_equal(t.s[1], "L2@0");
	assert_string_equal(t.s[2], "<2@200000");
	assert_string_equal(t.s[3], "L3@200000");
	assert_string_equal(t.s[4], "L3@201000");
	assert_string_equal(t.s[5], ">2@200000");
	assert_string_equal(t.s[6], ">1@0");

	/* A visitor error stops the walk and is returned. */
	memset(&t, 0, sizeof(t));
	t.fail_at = 3;
	assert_int_equal(pgt_walk(&pgt, 0, SZ_1G, &w), -EBUSY);
	assert_int_equal(t.n, 3);

	/* Only the visits asked for. */
	memset(&t, 0, sizeof(t));
	w.flags = PGT_WALK_TABLE_POST;
	assert_int_equal(pgt_walk(&pgt, 0, 4 * SZ_2M, &w), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.s[0], ">2@200000");
	assert_string_equal(t.s[1], ">1@0");

	/* Bad ranges. */
	assert_int_equal(pgt_walk(&pgt, 1, PAGE_SIZE, &w), -EINVAL);
	assert_int_equal(pgt_walk(&pgt, 0, 0, &w), -EINVAL);
	assert_int_equal(pgt_walk(&pgt, 1ULL << 40, PAGE_SIZE, &w), -EINVAL);
	assert_int_equal(pgt_walk(&pgt, (1ULL << 40) - PAGE_SIZE, 2 * PAGE_SIZE, &w), -EINVAL);
	pgt_destroy(&pgt);
}

/* A visitor that installs a table at level 2 and then sees the walker descend into it. */
static void *installed_table;

static int install_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	int *leaves = ctx->arg;

	if (ctx->level == 2 && !pte_valid(ctx->old)) {
		installed_table = test_mm.zalloc_page(NULL);
		*ctx->ptep = (u64)(uintptr_t)installed_table | PTE_TYPE | PTE_VALID;
		return 0;
	}
	if (ctx->level == 3)
		(*leaves)++;
	return 0;
}

static void test_walker_descends_new_table(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	int leaves = 0;
	struct pgt_walker w = { .cb = install_visitor, .arg = &leaves, .flags = PGT_WALK_LEAF };

	assert_int_equal(pgt_map(&pgt, 0, PAGE_SIZE, 0, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_walk(&pgt, SZ_2M, 4 * PAGE_SIZE, &w), 0);
	assert_int_equal(leaves, 4);
	assert_int_equal(lookup_pte(&pgt, SZ_2M, NULL), 0);
	pgt_destroy(&pgt);
}

/* ---- Operations. ---- */

static void test_map_blocks(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);

	/* 4K + 2M-4K + 1G + 2M + 4K: pages, a 2M block, a 1G block, a 2M block, a page. */
	u64 base = SZ_1G - SZ_2M - PAGE_SIZE, size = PAGE_SIZE + SZ_2M + SZ_1G + SZ_2M + PAGE_SIZE;

	assert_int_equal(pgt_map(&pgt, base, size, base + 0x100000000ULL, PGT_PROT_RW, 0, NULL), 0);
	expect_leaf(&pgt, base, 3, base + 0x100000000ULL);
	expect_leaf(&pgt, SZ_1G - SZ_2M, 2, SZ_1G - SZ_2M + 0x100000000ULL);
	expect_leaf(&pgt, SZ_1G + 0x12345000, 1, SZ_1G + 0x12345000 + 0x100000000ULL);
	expect_leaf(&pgt, 2 * SZ_1G + 0x1000, 2, 2 * SZ_1G + 0x1000 + 0x100000000ULL);
	expect_leaf(&pgt, 2 * SZ_1G + SZ_2M, 3, 2 * SZ_1G + SZ_2M + 0x100000000ULL);
	assert_int_equal(lookup_pte(&pgt, base - PAGE_SIZE, NULL), 0);
	assert_int_equal(lookup_pte(&pgt, base + size, NULL), 0);
	/* Tables: start (2) + L2 for GiB 0 + L3 at 1G-4M + L2 for GiB 2 + L3 at 2G+2M. */
	assert_int_equal(talloc.live, 6);

	/* PA not congruent with the IPA modulo 2M: pages only. */
	assert_int_equal(pgt_map(&pgt, 8 * SZ_1G, SZ_2M, 0x1000, PGT_PROT_RW, 0, NULL), 0);
	expect_leaf(&pgt, 8 * SZ_1G + 0x5000, 3, 0x6000);

	/* Mapping over a table covered whole merges it into a block. */
	assert_int_equal(pgt_map(&pgt, 0, SZ_1G, 0, PGT_PROT_R, 0, NULL), 0);
	expect_leaf(&pgt, SZ_1G - PAGE_SIZE, 1, SZ_1G - PAGE_SIZE);
	pgt_destroy(&pgt);
}

static void test_unmap(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	long before;

	before = talloc.live;
	assert_int_equal(pgt_map(&pgt, 0, 4 * SZ_2M, 0, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_map(&pgt, 5 * SZ_2M, 16 * PAGE_SIZE, 0, PGT_PROT_RW, 0, NULL), 0);
	/* Unmap of a whole block and of whole pages: TLBI each. */
	fake_hw_reset();
	assert_int_equal(pgt_unmap(&pgt, SZ_2M, SZ_2M, NULL), 0);
	assert_int_equal(pgt_unmap(&pgt, 5 * SZ_2M + PAGE_SIZE, PAGE_SIZE, NULL), 0);
	{
		int tlbis = 0;

		for (size_t i = 0; i < fake_hw_count(); i++) {
			const struct fake_event *e = fake_hw_event(i);

			if (e->op == FAKE_TLBI_IPAS2E1IS) {
				assert_int_equal(e->val, pgt.vttbr);
				assert_true((e->addr == SZ_2M && e->level == 2) ||
					    (e->addr == 5 * SZ_2M + PAGE_SIZE && e->level == 3));
				tlbis++;
			}
		}
		assert_int_equal(tlbis, 2);
	}
	assert_int_equal(lookup_pte(&pgt, SZ_2M + 0x3000, NULL), 0);
	expect_leaf(&pgt, 0, 2, 0);
	expect_leaf(&pgt, 2 * SZ_2M, 2, 2 * SZ_2M);
	assert_int_equal(lookup_pte(&pgt, 5 * SZ_2M + PAGE_SIZE, NULL), 0);
	expect_leaf(&pgt, 5 * SZ_2M + 2 * PAGE_SIZE, 3, 2 * PAGE_SIZE);
	/* Unmapping the rest frees the emptied tables. */
	assert_int_equal(pgt_unmap(&pgt, 5 * SZ_2M, 16 * PAGE_SIZE, NULL), 0);
	assert_int_equal(talloc.live, before + 1);	/* the level-2 table holding the blocks */
	assert_int_equal(pgt_unmap(&pgt, 0, SZ_1G, NULL), 0);
	assert_int_equal(talloc.live, before);
	/* Unmapping nothing allocates nothing. */
	assert_int_equal(pgt_unmap(&pgt, 12345 * PAGE_SIZE, 7 * PAGE_SIZE, NULL), 0);
	assert_int_equal(talloc.live, before);
	pgt_destroy(&pgt);
}

static void test_set_attrs(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	u64 pte;
	u32 level;

	assert_int_equal(pgt_map(&pgt, 0, SZ_2M, 0, PGT_PROT_RWX, 3, NULL), 0);
	assert_int_equal(pgt_set_prot(&pgt, 0, SZ_2M, PGT_PROT_R, NULL), 0);
	pte = lookup_pte(&pgt, 0x1000, &level);
	assert_int_equal(level, 2);
	assert_int_equal(pgt_pte_prot(&pgt, pte), PGT_PROT_R);
	assert_int_equal(pte_sw(pte), 3);
	/* Part of a block: split, neighbours keep everything. */
	assert_int_equal(pgt_set_sw(&pgt, 0x3000, PAGE_SIZE, 9, NULL), 0);
	pte = lookup_pte(&pgt, 0x3000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pte_sw(pte), 9);
	assert_int_equal(pgt_pte_prot(&pgt, pte), PGT_PROT_R);
	pte = lookup_pte(&pgt, 0x4000, &level);
	assert_int_equal(pte_sw(pte), 3);
	assert_int_equal(pte_phys(pte, level, 0x4000), 0x4000);
	/* Access flag. */
	assert_int_equal(pgt_set_af(&pgt, 0x3000, PAGE_SIZE, false, NULL), 0);
	assert_false(lookup_pte(&pgt, 0x3000, NULL) & PTE_AF);
	assert_true(lookup_pte(&pgt, 0x2000, NULL) & PTE_AF);
	assert_int_equal(pgt_set_af(&pgt, 0x3000, PAGE_SIZE, true, NULL), 0);
	assert_true(lookup_pte(&pgt, 0x3000, NULL) & PTE_AF);
	/* Invalid entries are left alone. */
	assert_int_equal(pgt_set_owner(&pgt, 0x5000, PAGE_SIZE, 4, NULL), 0);
	assert_int_equal(pgt_set_prot(&pgt, 0, SZ_2M, PGT_PROT_RW, NULL), 0);
	assert_int_equal(lookup_pte(&pgt, 0x5000, NULL), 4 << 2);
	assert_int_equal(pgt_pte_prot(&pgt, lookup_pte(&pgt, 0x6000, NULL)), PGT_PROT_RW);
	/* Changing the memory type is break-before-make. */
	fake_hw_reset();
	assert_int_equal(pgt_set_prot(&pgt, 0x6000, PAGE_SIZE, PGT_PROT_RW | PGT_PROT_DEVICE, NULL), 0);
	assert_true(fake_hw_count() > 2);
	assert_int_equal(fake_hw_event(0)->op, FAKE_PTE_STORE);
	assert_int_equal(fake_hw_event(0)->val, 0);
	assert_int_equal(pgt_pte_prot(&pgt, lookup_pte(&pgt, 0x6000, NULL)), PGT_PROT_RW | PGT_PROT_DEVICE);
	assert_int_equal(pgt_update_attrs(&pgt, 0, PAGE_SIZE, PTE_OA, 0, NULL), -EINVAL);
	pgt_destroy(&pgt);
}

static void test_owner(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	long base = talloc.live;
	u32 level;

	/* A whole GiB owned: one entry at level 1. */
	assert_int_equal(pgt_set_owner(&pgt, SZ_1G, SZ_1G, 3, NULL), 0);
	assert_int_equal(lookup_pte(&pgt, SZ_1G + 0x123000, &level), 3 << 2);
	assert_int_equal(level, 1);
	assert_int_equal(talloc.live, base);
	/* Map one page inside: the annotation of the rest survives the split. */
	assert_int_equal(pgt_map(&pgt, SZ_1G + SZ_2M, PAGE_SIZE, 0, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(lookup_pte(&pgt, SZ_1G + SZ_2M + PAGE_SIZE, NULL), 3 << 2);
	assert_int_equal(lookup_pte(&pgt, SZ_1G + SZ_2M - PAGE_SIZE, NULL), 3 << 2);
	assert_int_equal(lookup_pte(&pgt, 2 * SZ_1G - PAGE_SIZE, NULL), 3 << 2);
	expect_leaf(&pgt, SZ_1G + SZ_2M, 3, 0);
	assert_int_equal(talloc.live, base + 2);
	/* Owning it back collapses the tables again. */
	assert_int_equal(pgt_set_owner(&pgt, SZ_1G + SZ_2M, PAGE_SIZE, 3, NULL), 0);
	assert_int_equal(talloc.live, base);
	assert_int_equal(lookup_pte(&pgt, SZ_1G + SZ_2M, &level), 3 << 2);
	assert_int_equal(level, 1);
	/* Unmap clears the owner. */
	assert_int_equal(pgt_unmap(&pgt, SZ_1G, SZ_2M, NULL), 0);
	assert_int_equal(lookup_pte(&pgt, SZ_1G, NULL), 0);
	assert_int_equal(lookup_pte(&pgt, SZ_1G + SZ_2M, NULL), 3 << 2);
	pgt_destroy(&pgt);
}

static void test_destroy_frees_all(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);

	for (u64 i = 0; i < 64; i++)
		assert_int_equal(pgt_map(&pgt, i * 3 * SZ_1G + i * SZ_2M + i * PAGE_SIZE, 5 * PAGE_SIZE,
					 0x1000, PGT_PROT_RW, 0, NULL), 0);
	assert_true(talloc.live > 64);
	pgt_destroy(&pgt);
	assert_int_equal(talloc.live, 0);
	pgt_destroy(&pgt);	/* twice is harmless */
}

static void test_memcache(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	struct pgt_memcache mc = { 0 };
	long allocs;

	assert_int_equal(pgt_memcache_topup(&mc, 2, &test_mm), 0);
	allocs = talloc.allocs;
	/* Needs an L2 and an L3 table: 2 pages, from the cache only. */
	assert_int_equal(pgt_map(&pgt, 0x1000, PAGE_SIZE, 0, PGT_PROT_RW, 0, &mc), 0);
	assert_int_equal(talloc.allocs, allocs);
	assert_int_equal(mc.nr, 0);
	/* Empty cache: -ENOMEM, nothing changed, even though mm has memory. */
	assert_int_equal(pgt_map(&pgt, SZ_1G + 0x1000, PAGE_SIZE, 0, PGT_PROT_RW, 0, &mc), -ENOMEM);
	assert_int_equal(lookup_pte(&pgt, SZ_1G + 0x1000, NULL), 0);
	/* Needs nothing: fine with an empty cache. */
	assert_int_equal(pgt_map(&pgt, 0x2000, PAGE_SIZE, 0, PGT_PROT_RW, 0, &mc), 0);
	assert_int_equal(pgt_memcache_topup(&mc, 100, &test_mm), 0);
	assert_int_equal(mc.nr, PGT_MEMCACHE_PAGES);
	pgt_memcache_drain(&mc, &test_mm);
	assert_int_equal(mc.nr, 0);
	talloc.fail_after = talloc.allocs;
	assert_int_equal(pgt_memcache_topup(&mc, 1, &test_mm), -ENOMEM);
	talloc.fail_after = -1;
	pgt_destroy(&pgt);
}

/* ---- Break-before-make, through the fakes. ---- */

static size_t find_event(size_t from, enum fake_op op, u64 addr, bool match_addr)
{
	for (size_t i = from; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == op && (!match_addr || e->addr == addr))
			return i;
	}
	return SIZE_MAX;
}

/*
 * Assert, on the log since the last reset, that the valid entry *ptep (for
 * input address @addr at @level) was replaced by a table with BBM: store
 * invalid, [clean], DSB ISHST, TLBI of exactly that entry, DSB ISH, then the
 * table store; and that the new table was complete before it was visible
 * (no descriptor store into it that would change a piece afterwards except
 * for @op_lo..@op_hi, the range the operation itself changes).
 */
static void assert_bbm_split(struct pgtable *pgt, u64 *ptep, u64 addr, u32 level, bool noncoh)
{
	size_t brk = find_event(0, FAKE_PTE_STORE, (u64)(uintptr_t)ptep, true);
	size_t clean, ishst, tlbi, ish, make;
	const struct fake_event *e;
	enum fake_op tlbi_op = pgt->stage == PGT_STAGE2 ? FAKE_TLBI_IPAS2E1IS : FAKE_TLBI_VAE2IS;

	if (brk == SIZE_MAX)
		fake_hw_dump();
	assert_true(brk != SIZE_MAX);
	assert_int_equal(fake_hw_event(brk)->val, 0);
	ishst = brk + 1;
	if (noncoh) {
		clean = brk + 1;
		e = fake_hw_event(clean);
		assert_int_equal(e->op, FAKE_DC_CVAC);
		assert_int_equal(e->addr, (u64)(uintptr_t)ptep);
		ishst = clean + 1;
	}
	e = fake_hw_event(ishst);
	assert_int_equal(e->op, FAKE_DSB);
	assert_string_equal(e->opt, "ishst");
	tlbi = ishst + 1;
	e = fake_hw_event(tlbi);
	assert_int_equal(e->op, tlbi_op);
	assert_int_equal(e->addr, addr);
	assert_int_equal(e->level, level);
	if (pgt->stage == PGT_STAGE2)
		assert_int_equal(e->val, pgt->vttbr);
	ish = tlbi + 1;
	e = fake_hw_event(ish);
	assert_int_equal(e->op, FAKE_DSB);
	assert_string_equal(e->opt, "ish");
	make = find_event(ish, FAKE_PTE_STORE, (u64)(uintptr_t)ptep, true);
	assert_true(make != SIZE_MAX);
	e = fake_hw_event(make);
	assert_true(pte_is_table(e->val, level));
	/* Nothing else was stored to the entry in between. */
	assert_true(find_event(brk + 1, FAKE_PTE_STORE, (u64)(uintptr_t)ptep, true) == make);
	/* The entry now holds that table. */
	assert_int_equal(*ptep, e->val);
}

/* Every piece of the new table at @ptep not in [lo, hi) is the block's piece. */
static void assert_pieces(u64 *table, u64 block, u32 level, u64 base, u64 lo, u64 hi)
{
	u64 csize = pgt_level_size(level + 1);

	for (u64 i = 0; i < PGT_PTRS_PER_TABLE; i++) {
		u64 a = base + i * csize, want;

		if (a + csize > lo && a < hi)
			continue;
		want = (block & ~(PTE_OA | PTE_TYPE)) | (((block & PTE_OA) + i * csize) & PTE_OA) |
		       (level + 1 == PGT_MAX_LEVEL ? PTE_TYPE : 0);
		assert_int_equal(table[i], want);
	}
}

/*
 * On the log since the last reset: the leaf *ptep (input address @addr at
 * @level) ended up holding @want, and between the store that changed it
 * away from its old value and the end of the operation a TLBI removed its
 * old translation (one for that leaf, or one for the whole VMID), followed
 * by a DSB ISH. With @bbm, the first store was the break (0) and the TLBI
 * and DSB came before the final store (the make).
 */
static void assert_leaf_flushed(struct pgtable *pgt, u64 *ptep, u64 addr, u32 level,
				u64 want, bool bbm)
{
	size_t first = find_event(0, FAKE_PTE_STORE, (u64)(uintptr_t)ptep, true);
	size_t last = first, tlbi = SIZE_MAX, ish = SIZE_MAX;

	assert_true(first != SIZE_MAX);
	for (size_t i = first; i != SIZE_MAX; i = find_event(i + 1, FAKE_PTE_STORE, (u64)(uintptr_t)ptep, true))
		last = i;
	assert_int_equal(*ptep, want);
	assert_int_equal(fake_hw_event(last)->val, want);
	for (size_t i = first + 1; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (tlbi == SIZE_MAX &&
		    ((e->op == FAKE_TLBI_IPAS2E1IS && e->addr == addr && e->level == level) ||
		     e->op == FAKE_TLBI_VMALLS12E1IS)) {
			assert_int_equal(e->val, pgt->vttbr);
			tlbi = i;
		} else if (tlbi != SIZE_MAX && e->op == FAKE_DSB && !strcmp(e->opt, "ish")) {
			ish = i;
			break;
		}
	}
	if (tlbi == SIZE_MAX || ish == SIZE_MAX)
		fake_hw_dump();
	assert_true(tlbi != SIZE_MAX);
	assert_true(ish != SIZE_MAX);
	if (bbm) {
		assert_int_equal(fake_hw_event(first)->val, 0);
		assert_true(first < last);
		assert_true(ish < last);
	}
}

/* Mapping over valid leaves with another output address is break-before-make. */
static void test_map_over_valid_flushes(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	const u64 pages = 4, many = 40;

	/* Pages, then a 2 MiB block, then more pages than one TLBI batch. */
	assert_int_equal(pgt_map(&pgt, 0, pages * PAGE_SIZE, SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_map(&pgt, 4 * SZ_2M, SZ_2M, SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_map(&pgt, 8 * SZ_2M, many * PAGE_SIZE, SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	fake_hw_reset();
	assert_int_equal(pgt_map(&pgt, 0, pages * PAGE_SIZE, 2 * SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	for (u64 i = 0; i < pages; i++) {
		u64 a = i * PAGE_SIZE;

		assert_leaf_flushed(&pgt, entry_ptr(&pgt, a, 3), a, 3, lookup_pte(&pgt, a, NULL), true);
		expect_leaf(&pgt, a, 3, 2 * SZ_1G + a);
	}
	fake_hw_reset();
	assert_int_equal(pgt_map(&pgt, 4 * SZ_2M, SZ_2M, 2 * SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	assert_leaf_flushed(&pgt, entry_ptr(&pgt, 4 * SZ_2M, 2), 4 * SZ_2M, 2,
			    lookup_pte(&pgt, 4 * SZ_2M, NULL), true);
	expect_leaf(&pgt, 4 * SZ_2M + PAGE_SIZE, 2, 2 * SZ_1G + PAGE_SIZE);
	fake_hw_reset();
	assert_int_equal(pgt_map(&pgt, 8 * SZ_2M, many * PAGE_SIZE, 2 * SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	for (u64 i = 0; i < many; i++) {
		u64 a = 8 * SZ_2M + i * PAGE_SIZE;

		assert_leaf_flushed(&pgt, entry_ptr(&pgt, a, 3), a, 3, lookup_pte(&pgt, a, NULL), true);
	}
	pgt_destroy(&pgt);
}

/* Reducing permissions flushes every changed leaf, batched or whole-VMID. */
static void test_attr_change_flushes(void **state)
{
	struct pgtable pgt = new_s2(0, NULL);
	const u64 pages = 5, many = 40;

	assert_int_equal(pgt_map(&pgt, 0, pages * PAGE_SIZE, SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_map(&pgt, 4 * SZ_2M, SZ_2M, SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	assert_int_equal(pgt_map(&pgt, 8 * SZ_2M, many * PAGE_SIZE, SZ_1G, PGT_PROT_RW, 0, NULL), 0);
	fake_hw_reset();
	assert_int_equal(pgt_set_prot(&pgt, 0, pages * PAGE_SIZE, PGT_PROT_R, NULL), 0);
	for (u64 i = 0; i < pages; i++) {
		u64 a = i * PAGE_SIZE, pte = lookup_pte(&pgt, a, NULL);

		assert_int_equal(pgt_pte_prot(&pgt, pte), PGT_PROT_R);
		assert_leaf_flushed(&pgt, entry_ptr(&pgt, a, 3), a, 3, pte, false);
	}
	fake_hw_reset();
	assert_int_equal(pgt_set_prot(&pgt, 4 * SZ_2M, SZ_2M, PGT_PROT_R, NULL), 0);
	assert_leaf_flushed(&pgt, entry_ptr(&pgt, 4 * SZ_2M, 2), 4 * SZ_2M, 2,
			    lookup_pte(&pgt, 4 * SZ_2M, NULL), false);
	fake_hw_reset();
	assert_int_equal(pgt_set_prot(&pgt, 8 * SZ_2M, many * PAGE_SIZE, PGT_PROT_R, NULL), 0);
	for (u64 i = 0; i < many; i++) {
		u64 a = 8 * SZ_2M + i * PAGE_SIZE;

		assert_leaf_flushed(&pgt, entry_ptr(&pgt, a, 3), a, 3, lookup_pte(&pgt, a, NULL), false);
	}
	/* A memory-type change is break-before-make, page by page. */
	fake_hw_reset();
	assert_int_equal(pgt_set_prot(&pgt, 0, 2 * PAGE_SIZE, PGT_PROT_RW | PGT_PROT_DEVICE, NULL), 0);
	for (u64 i = 0; i < 2; i++) {
		u64 a = i * PAGE_SIZE;

		assert_leaf_flushed(&pgt, entry_ptr(&pgt, a, 3), a, 3, lookup_pte(&pgt, a, NULL), true);
	}
	pgt_destroy(&pgt);
}

enum split_kind { SPLIT_MAP, SPLIT_UNMAP, SPLIT_ATTR, SPLIT_OWNER };

static int do_split_op(struct pgtable *pgt, enum split_kind k, u64 addr, u64 size)
{
	switch (k) {
	case SPLIT_MAP:
		return pgt_map(pgt, addr, size, 0x40000000ULL, PGT_PROT_R, 2, NULL);
	case SPLIT_UNMAP:
		return pgt_unmap(pgt, addr, size, NULL);
	case SPLIT_ATTR:
		return pgt_set_prot(pgt, addr, size, PGT_PROT_R, NULL);
	default:
		return pgt_set_owner(pgt, addr, size, 9, NULL);
	}
}

static void bbm_case(enum pgt_stage stage, u32 flags, enum split_kind k, u32 block_level, u32 target_level)
{
	struct pgtable pgt;
	u64 bsize = pgt_level_size(block_level), tsize = pgt_level_size(target_level);
	u64 base = 4 * SZ_1G, addr = base + 3 * tsize, *ptep, block;

	talloc_reset();
	if (stage == PGT_STAGE2)
		pgt = new_s2(flags, NULL);
	else
		assert_int_equal(pgt_s1_init(&pgt, 48, &test_mm, flags), 0);
	assert_int_equal(pgt_map(&pgt, base, bsize, 8 * SZ_1G, PGT_PROT_RWX, 6, NULL), 0);
	ptep = entry_ptr(&pgt, base, block_level);
	block = *ptep;
	assert_true(pte_valid(block) && !(block & PTE_TYPE));
	fake_hw_reset();
	assert_int_equal(do_split_op(&pgt, k, addr, tsize), 0);
	assert_bbm_split(&pgt, ptep, base, block_level, flags & PGT_F_NONCOHERENT);
	assert_pieces((u64 *)(uintptr_t)(*ptep & PTE_OA), block, block_level, base, addr, addr + tsize);
	if (target_level > block_level + 1) {
		/* The second split (of the new level's piece) is BBM too. */
		u64 *p2 = entry_ptr(&pgt, addr, block_level + 1);
		size_t first = find_event(0, FAKE_PTE_STORE, (u64)(uintptr_t)ptep, true);

		assert_true(pte_is_table(*p2, block_level + 1));
		assert_true(find_event(first, FAKE_PTE_STORE, (u64)(uintptr_t)p2, true) != SIZE_MAX);
		(void)first;
	}
	/* Neighbours unchanged, software bits included. */
	for (u64 off = 0; off < bsize; off += bsize / 8) {
		u64 a = base + off + (off ? 0 : 4 * tsize), pte;
		u32 level;

		pte = lookup_pte(&pgt, a, &level);
		assert_int_equal(pte_phys(pte, level, a), 8 * SZ_1G + (a - base));
		assert_int_equal(pte_sw(pte), 6);
		assert_int_equal(pgt_pte_prot(&pgt, pte), PGT_PROT_RWX);
	}
	pgt_destroy(&pgt);
	assert_int_equal(talloc.live, 0);
}

static void test_bbm_all_splits(void **state)
{
	static const u32 levels[][2] = { { 1, 2 }, { 2, 3 }, { 1, 3 } };

	for (int k = SPLIT_MAP; k <= SPLIT_OWNER; k++)
		for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
			bbm_case(PGT_STAGE2, 0, k, levels[l][0], levels[l][1]);
			bbm_case(PGT_STAGE2, PGT_F_NONCOHERENT, k, levels[l][0], levels[l][1]);
			bbm_case(PGT_STAGE1_EL2, 0, k, levels[l][0], levels[l][1]);
		}
}

/* ---- The force-page-level rule. ---- */

static bool force_2m_to_4m(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw)
{
	return addr < 2 * SZ_2M && end > SZ_2M;
}

static void test_force_pte(void **state)
{
	struct pgtable pgt = new_s2(0, force_2m_to_4m);
	u64 *stateful = NULL, pte;
	u32 level;

	assert_int_equal(pgt_map(&pgt, 0, 4 * SZ_2M, 0, PGT_PROT_RW, 0, NULL), 0);
	expect_leaf(&pgt, 0, 2, 0);
	expect_leaf(&pgt, SZ_2M, 3, SZ_2M);
	expect_leaf(&pgt, 2 * SZ_2M - PAGE_SIZE, 3, 2 * SZ_2M - PAGE_SIZE);
	expect_leaf(&pgt, 2 * SZ_2M, 2, 2 * SZ_2M);
	/* The entries carry state: page state on one page, an owner on the next. */
	assert_int_equal(pgt_set_sw(&pgt, SZ_2M + 0x10000, PAGE_SIZE, 5, NULL), 0);
	assert_int_equal(pgt_set_owner(&pgt, SZ_2M + 0x11000, PAGE_SIZE, 42, NULL), 0);
	stateful = entry_ptr(&pgt, SZ_2M + 0x10000, 3);

	/* A neighbour's map, then unmap: exactly their own descriptors are written. */
	fake_hw_reset();
	assert_int_equal(pgt_map(&pgt, SZ_2M + 0x12000, PAGE_SIZE, 0x99000, PGT_PROT_R, 0, NULL), 0);
	assert_int_equal(pgt_unmap(&pgt, SZ_2M + 0xf000, PAGE_SIZE, NULL), 0);
	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == FAKE_PTE_STORE)
			assert_true(e->addr == (u64)(uintptr_t)(stateful + 2) ||
				    e->addr == (u64)(uintptr_t)(stateful - 1));
		assert_true(e->op != FAKE_TLBI_VMALLS12E1IS);
	}
	pte = lookup_pte(&pgt, SZ_2M + 0x10000, &level);
	assert_int_equal(pte_sw(pte), 5);
	assert_int_equal(lookup_pte(&pgt, SZ_2M + 0x11000, NULL), 42 << 2);
	/* Mapping the whole forced 2M again keeps pages (no merge into a block). */
	assert_int_equal(pgt_map(&pgt, SZ_2M, SZ_2M, SZ_2M, PGT_PROT_RW, 0, NULL), 0);
	expect_leaf(&pgt, SZ_2M, 3, SZ_2M);

	/*
	 * Contrast: in a block (not forced), a neighbour's unmap breaks the
	 * descriptor that holds everyone's state for the whole 2M.
	 */
	assert_int_equal(pgt_set_sw(&pgt, 0, SZ_2M, 5, NULL), 0);
	fake_hw_reset();
	assert_int_equal(pgt_unmap(&pgt, 0xf000, PAGE_SIZE, NULL), 0);
	assert_bbm_split(&pgt, entry_ptr(&pgt, 0, 2), 0, 2, false);
	pgt_destroy(&pgt);
}

/* ---- -ENOMEM atomicity. ---- */

static bool force_low_4g(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw)
{
	return addr < 3 * SZ_1G + 4 * SZ_2M && end > 3 * SZ_1G;
}

static void build_mixed(struct pgtable *pgt)
{
	assert_int_equal(pgt_map(pgt, 0, 4 * SZ_1G, 0, PGT_PROT_RW, 1, NULL), 0);
	assert_int_equal(pgt_map(pgt, 7 * SZ_2M + 0x3000, 5 * PAGE_SIZE, 0x1000, PGT_PROT_R, 2, NULL), 0);
	assert_int_equal(pgt_set_owner(pgt, 5 * SZ_1G, SZ_1G, 7, NULL), 0);
}

static int enomem_op(struct pgtable *pgt, int which, struct pgt_memcache *mc)
{
	switch (which) {
	case 0:	/* split 1G -> 2M -> 4K in three places, cross into owned and empty space */
		return pgt_map(pgt, SZ_1G - PAGE_SIZE, 5 * SZ_1G + 2 * PAGE_SIZE, 65 * SZ_1G - PAGE_SIZE,
			       PGT_PROT_RW, 3, mc);
	case 1:
		return pgt_unmap(pgt, 0x5000, 3 * SZ_1G + SZ_2M, mc);
	case 2:
		return pgt_set_sw(pgt, 0x1000, 2 * SZ_1G + 0x1000, 9, mc);
	default:
		return pgt_set_owner(pgt, 2 * SZ_2M + 0x1000, 5 * SZ_1G, 8, mc);
	}
}

static void test_enomem_atomic(void **state)
{
	for (int which = 0; which < 4; which++) {
		long k;

		for (k = 0;; k++) {
			struct pgtable pgt = new_s2(0, force_low_4g);
			u64 h;
			long live;
			int ret;

			build_mixed(&pgt);
			h = table_hash(&pgt);
			live = talloc.live;
			talloc.fail_after = talloc.allocs + k;
			ret = enomem_op(&pgt, which, NULL);
			talloc.fail_after = -1;
			if (ret == 0) {
				assert_true(table_hash(&pgt) != h);
				pgt_destroy(&pgt);
				break;
			}
			assert_int_equal(ret, -ENOMEM);
			assert_int_equal(table_hash(&pgt), h);
			assert_int_equal(talloc.live, live);
			pgt_destroy(&pgt);
			assert_int_equal(talloc.live, 0);
		}
		/* The ops need real work: several pages at least (k = pages needed). */
		printf("# enomem op %d needs %ld pages\n", which, k);
		assert_true(k >= 1);

		/* With a memcache of k pages: fails below, works at k. */
		for (long n = 0; n <= k; n++) {
			struct pgtable pgt = new_s2(0, force_low_4g);
			struct pgt_memcache mc = { 0 };
			u64 h;
			int ret;

			build_mixed(&pgt);
			h = table_hash(&pgt);
			for (long i = 0; i < n && i < PGT_MEMCACHE_PAGES; i++)
				mc.pages[mc.nr++] = test_mm.zalloc_page(NULL);
			ret = enomem_op(&pgt, which, &mc);
			if (n < k || k > PGT_MEMCACHE_PAGES) {
				assert_int_equal(ret, -ENOMEM);
				assert_int_equal(table_hash(&pgt), h);
				assert_int_equal(mc.nr, MIN(n, (long)PGT_MEMCACHE_PAGES));
			} else {
				assert_int_equal(ret, 0);
				assert_int_equal(mc.nr, 0);
			}
			pgt_memcache_drain(&mc, &test_mm);
			pgt_destroy(&pgt);
			assert_int_equal(talloc.live, 0);
		}
	}
}

/* ---- Randomised differential test against the flat model. ---- */

static bool force_16g_20g(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw)
{
	return addr < 20 * SZ_1G && end > 16 * SZ_1G;
}

static u64 rand_range(u64 *rng, u64 limit, u64 *size)
{
	u64 r = rng_next(rng), addr, sz;
	/* Mostly a 32 GiB window so operations collide; sometimes anywhere. */
	u64 window = (r & 7) ? 32 * SZ_1G : limit;

	switch ((r >> 3) % 6) {
	case 0:	/* pages */
		sz = (1 + rng_next(rng) % 16) * PAGE_SIZE;
		addr = ALIGN_DOWN(rng_next(rng) % window, PAGE_SIZE);
		break;
	case 1:	/* around 2 MiB blocks, page-misaligned edges */
		sz = (1 + rng_next(rng) % 4) * SZ_2M + ((rng_next(rng) % 3) - 1) * PAGE_SIZE * (1 + rng_next(rng) % 4);
		addr = ALIGN_DOWN(rng_next(rng) % window, SZ_2M) + ((rng_next(rng) & 1) ? PAGE_SIZE * (rng_next(rng) % 8) : 0);
		break;
	case 2:	/* 2 MiB aligned */
		sz = (1 + rng_next(rng) % 8) * SZ_2M;
		addr = ALIGN_DOWN(rng_next(rng) % window, SZ_2M);
		break;
	case 3:	/* around 1 GiB */
		sz = (1 + rng_next(rng) % 2) * SZ_1G + ((rng_next(rng) & 1) ? SZ_2M * (rng_next(rng) % 3) : 0);
		addr = ALIGN_DOWN(rng_next(rng) % window, SZ_1G) + ((rng_next(rng) & 1) ? SZ_2M * (rng_next(rng) % 5) : 0);
		break;
	case 4:	/* 1 GiB aligned */
		sz = (1 + rng_next(rng) % 3) * SZ_1G;
		addr = ALIGN_DOWN(rng_next(rng) % window, SZ_1G);
		break;
	default:	/* anything up to 64 MiB */
		sz = (1 + rng_next(rng) % 16384) * PAGE_SIZE;
		addr = ALIGN_DOWN(rng_next(rng) % window, PAGE_SIZE);
		break;
	}
	if (!sz)
		sz = PAGE_SIZE;
	if (addr + sz > limit)
		addr = limit - sz;
	*size = sz;
	return addr;
}

static void test_random_vs_model(void **state)
{
	const char *env = getenv("PGTABLE_SEED");
	u64 seed = env ? strtoull(env, NULL, 0) : 0x5eed0000ULL + (u64)time(NULL);
	u64 rng = seed * 2 + 1, limit = 1ULL << 40;
	int steps = getenv("PGTABLE_STEPS") ? atoi(getenv("PGTABLE_STEPS")) : 3000;
	struct pgtable pgt = new_s2(0, force_16g_20g);
	struct model m;
	u64 maxpages = 0;

	printf("# pgtable random: PGTABLE_SEED=%#llx steps=%d\n", (unsigned long long)seed, steps);
	fflush(stdout);
	fake_hw_recording = false;
	model_init(&m, limit);
	for (int step = 0; step < steps; step++) {
		u64 size, addr = rand_range(&rng, limit, &size), r = rng_next(&rng);
		u64 pa = (r & 1) ? addr + ((r >> 8) % 64) * SZ_1G : ALIGN_DOWN(r >> 20, PAGE_SIZE) % (1ULL << 44);
		u32 prot = (u32)(r >> 1) & 15, sw = (u32)(r >> 5) & 15, owner = 1 + (u32)((r >> 9) % 1000);
		int op = (int)((r >> 40) % 8), ret;
		long live = talloc.live, fail = -1;
		struct pgt_memcache mc = { 0 };
		bool use_mc = ((r >> 50) & 15) == 0;
		const char *err;

		if (((r >> 54) & 15) == 0)
			fail = talloc.allocs + (long)((r >> 58) % 4);	/* inject -ENOMEM */
		if (pa + size > (1ULL << 48))
			pa = 0;
		if (use_mc)
			for (u32 i = 0; i < ((r >> 44) % 6); i++)
				mc.pages[mc.nr++] = test_mm.zalloc_page(NULL);
		live = talloc.live;
		talloc.fail_after = fail;
		switch (op) {
		case 0: case 1: case 2:
			ret = pgt_map(&pgt, addr, size, pa, prot, sw, use_mc ? &mc : NULL);
			if (!ret)
				model_map(&m, addr, size, pa, prot, sw);
			break;
		case 3:
			ret = pgt_unmap(&pgt, addr, size, use_mc ? &mc : NULL);
			if (!ret)
				model_owner(&m, addr, size, 0);
			break;
		case 4:
			ret = pgt_set_owner(&pgt, addr, size, owner, use_mc ? &mc : NULL);
			if (!ret)
				model_owner(&m, addr, size, owner);
			break;
		case 5:
			ret = pgt_set_prot(&pgt, addr, size, prot, use_mc ? &mc : NULL);
			if (!ret)
				model_set_prot(&m, addr, size, prot);
			break;
		case 6:
			ret = pgt_set_sw(&pgt, addr, size, sw, use_mc ? &mc : NULL);
			if (!ret)
				model_set_sw(&m, addr, size, sw);
			break;
		default:
			ret = pgt_set_af(&pgt, addr, size, r & 1, use_mc ? &mc : NULL);
			if (!ret)
				model_set_af(&m, addr, size, r & 1);
			break;
		}
		talloc.fail_after = -1;
		if (ret) {
			if (ret != -ENOMEM || (fail < 0 && !use_mc))
				fail_msg("step %d op %d [%#llx +%#llx): ret %d (seed %#llx)", step, op,
					 (unsigned long long)addr, (unsigned long long)size, ret,
					 (unsigned long long)seed);
			/* Unchanged: no page kept (the cache's pages are still in it). */
			assert_int_equal(talloc.live, live);
		}
		pgt_memcache_drain(&mc, &test_mm);

		/* Boundaries of the operation and random addresses. */
		u64 probes[24] = { addr, addr + size - PAGE_SIZE, addr ? addr - PAGE_SIZE : 0,
				   MIN(addr + size, limit - PAGE_SIZE) };
		for (int i = 4; i < 24; i++) {
			u64 x = rng_next(&rng);
			probes[i] = (i & 1) ? x % limit : (addr + x % (size + 64 * SZ_2M)) % limit;
		}
		for (int i = 0; i < 24; i++) {
			err = check_addr(&pgt, &m, probes[i]);
			if (err)
				fail_msg("step %d op %d [%#llx +%#llx): %s (seed %#llx)", step, op,
					 (unsigned long long)addr, (unsigned long long)size, err,
					 (unsigned long long)seed);
		}
		if (step % 100 == 99 || step == steps - 1) {
			u64 bad, bound = model_table_bound(&m, &pgt);

			err = check_all(&pgt, &m, &bad);
			if (err)
				fail_msg("step %d full check: %s (seed %#llx)", step, err, (unsigned long long)seed);
			if ((u64)talloc.live > bound)
				fail_msg("step %d: %ld table pages > bound %llu (seed %#llx)", step, talloc.live,
					 (unsigned long long)bound, (unsigned long long)seed);
		}
		maxpages = MAX(maxpages, (u64)talloc.live);
	}
	printf("# pgtable random: %zu model intervals, %ld table pages at the end, max %llu\n",
	       m.nr, talloc.live, (unsigned long long)maxpages);
	pgt_destroy(&pgt);
	model_free(&m);
	fake_hw_recording = true;
	assert_int_equal(talloc.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_level_arith, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s2_geometry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vtcr_tcr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attr_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walker_descends_new_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_attrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_over_valid_flushes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attr_change_flushes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_frees_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memcache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bbm_all_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_force_pte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_vs_model, setup, teardown),
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
