/* SPDX-License-Identifier: MIT */
/*
 * The page allocator over fake physical addresses (it never touches the
 * memory it hands out): exhaustion, uniqueness, freeing, double free,
 * reserved ranges, contiguous and aligned runs, banks with holes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "mm/page_alloc.h"

static struct page_alloc pa;
static u64 storage[4096];

#define MB(x) ((u64)(x) << 20)

static void init_ok(const struct plat_range *mem, unsigned nm, const struct plat_range *rsv,
		    unsigned nr)
{
	assert_true(page_alloc_bitmap_bytes(mem, nm) <= sizeof(storage));
	assert_int_equal(page_alloc_init(&pa, mem, nm, rsv, nr, storage, sizeof(storage)), 0);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

static bool in(u64 a, const struct plat_range *r)
{
	return a >= r->base && a - r->base < r->size;
}

static void test_exhaustion_and_uniqueness(void **state)
{
	const struct plat_range mem[] = { { 0x40000000, MB(1) }, { 0x80000000, MB(2) } };
	const u64 total = (MB(1) + MB(2)) / PAGE_SIZE;
	u64 *got = calloc(total, sizeof(u64));
	paddr_t p;

	(void)state;
	init_ok(mem, 2, NULL, 0);
	assert_int_equal(page_alloc_nr_free(&pa), total);
	for (u64 i = 0; i < total; i++) {
		assert_int_equal(page_alloc_page(&pa, &p), 0);
		got[i] = pa_addr(p);
		assert_true(IS_ALIGNED(got[i], PAGE_SIZE));
		assert_true(in(got[i], &mem[0]) || in(got[i], &mem[1]));
		assert_int_equal(page_alloc_nr_free(&pa), total - i - 1);
	}
	/* Exhausted: an error, not a crash, and nothing changes. */
	assert_int_equal(page_alloc_page(&pa, &p), -ENOMEM);
	assert_int_equal(page_alloc_pages(&pa, 2, 0, &p), -ENOMEM);
	assert_int_equal(page_alloc_nr_free(&pa), 0);

	qsort(got, total, sizeof(u64), cmp_u64);
	for (u64 i = 1; i < total; i++)
		assert_true(got[i] != got[i - 1]);
	free(got);
}

static void test_free_and_double_free(void **state)
{
	const struct plat_range mem[] = { { 0x40000000, 16 * PAGE_SIZE } };
	paddr_t p[16], q;

	(void)state;
	init_ok(mem, 1, NULL, 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(page_alloc_page(&pa, &p[i]), 0);
	assert_int_equal(page_alloc_page(&pa, &q), -ENOMEM);

	assert_int_equal(page_free(&pa, p[5]), 0);
	assert_int_equal(page_alloc_nr_free(&pa), 1);
	assert_int_equal(page_alloc_page(&pa, &q), 0);
	assert_int_equal(pa_addr(q), pa_addr(p[5]));	/* the only free page */

	assert_int_equal(page_free(&pa, p[3]), 0);
	assert_int_equal(page_free(&pa, p[3]), -EINVAL);	/* double free */
	assert_int_equal(page_alloc_nr_free(&pa), 1);

	/* Not page aligned, outside every bank, runs off the bank end. */
	assert_int_equal(page_free(&pa, pa_init(pa_addr(p[4]) + 8)), -EINVAL);
	assert_int_equal(page_free(&pa, pa_init(0x10000000)), -EINVAL);
	assert_int_equal(page_free_pages(&pa, p[15], 2), -EINVAL);
	assert_int_equal(page_free_pages(&pa, p[0], 0), -EINVAL);
	/* A range containing a free page is refused as a whole. */
	assert_int_equal(page_free_pages(&pa, p[2], 3), -EINVAL);
	assert_int_equal(page_alloc_nr_free(&pa), 1);

	/* Free everything; all of it comes back. */
	for (int i = 0; i < 16; i++)
		if (i != 3)
			assert_int_equal(page_free(&pa, p[i]), 0);
	assert_int_equal(page_alloc_nr_free(&pa), 16);
	assert_int_equal(page_alloc_pages(&pa, 16, 0, &q), 0);
	assert_int_equal(pa_addr(q), 0x40000000);
	assert_int_equal(page_free_pages(&pa, q, 16), 0);
}

static void test_reserved_never_handed_out(void **state)
{
	const struct plat_range mem[] = { { 0x40000000, MB(4) } };
	/* Unaligned reservations widen to whole pages; one straddles the bank start, one is outside. */
	const struct plat_range rsv[] = {
		{ 0x40080010, 0x10 },		/* page 0x40080000 */
		{ 0x400ff000, 0x1001 },		/* pages 0x400ff000, 0x40100000 */
		{ 0x3ffff000, 0x2000 },		/* page 0x40000000 */
		{ 0x50000000, MB(1) },		/* outside RAM: ignored */
		{ 0x40200000, MB(1) },		/* 256 pages */
		{ 0x40300000, 0 },		/* empty */
	};
	const u64 total = MB(4) / PAGE_SIZE, reserved = 1 + 2 + 1 + 256;
	paddr_t p;
	u64 n = 0;

	(void)state;
	init_ok(mem, 1, rsv, 6);
	assert_int_equal(page_alloc_nr_free(&pa), total - reserved);
	while (page_alloc_page(&pa, &p) == 0) {
		u64 a = pa_addr(p);

		n++;
		for (size_t i = 0; i < 5; i++) {
			u64 lo = ALIGN_DOWN(rsv[i].base, PAGE_SIZE);
			u64 hi = ALIGN_UP(rsv[i].base + rsv[i].size, PAGE_SIZE);

			assert_false(a >= lo && a < hi);
		}
	}
	assert_int_equal(n, total - reserved);
	/* Reserved pages cannot be freed into the pool either. */
	assert_int_equal(page_free(&pa, pa_init(0x40080000)), -EINVAL);
	assert_int_equal(page_free(&pa, pa_init(0x40000000)), -EINVAL);
	assert_int_equal(page_free_pages(&pa, pa_init(0x40200000), 256), -EINVAL);
	assert_int_equal(page_alloc_nr_free(&pa), 0);
}

static void test_contiguous_aligned(void **state)
{
	/* The bank starts off a 2 MiB boundary so alignment must be absolute. */
	const struct plat_range mem[] = { { 0x40001000, MB(8) } };
	paddr_t a, b, c, d;

	(void)state;
	init_ok(mem, 1, NULL, 0);
	assert_int_equal(page_alloc_page(&pa, &a), 0);
	assert_int_equal(pa_addr(a), 0x40001000);

	assert_int_equal(page_alloc_pages(&pa, 512, SZ_2M, &b), 0);
	assert_true(IS_ALIGNED(pa_addr(b), SZ_2M));
	assert_int_equal(pa_addr(b), 0x40200000);

	assert_int_equal(page_alloc_pages(&pa, 3, SZ_64K, &c), 0);
	assert_true(IS_ALIGNED(pa_addr(c), SZ_64K));
	assert_true(pa_addr(c) + 3 * PAGE_SIZE <= pa_addr(b) || pa_addr(c) >= pa_addr(b) + SZ_2M);

	/* Non-power-of-two alignment and zero pages are errors. */
	assert_int_equal(page_alloc_pages(&pa, 1, 3 * PAGE_SIZE, &d), -EINVAL);
	assert_int_equal(page_alloc_pages(&pa, 0, 0, &d), -EINVAL);
	/* More than exists at all. */
	assert_int_equal(page_alloc_pages(&pa, MB(9) / PAGE_SIZE, 0, &d), -ENOMEM);
	/* An alignment nothing in the bank satisfies with room to spare. */
	assert_int_equal(page_alloc_pages(&pa, 2, SZ_1G * 4, &d), -ENOMEM);

	/* Next fit put c right after b, at 0x40400000, so of the remaining 2 MiB blocks only
	 * 0x40600000 is whole (0x40800000 would end past the bank end 0x40801000). */
	assert_int_equal(pa_addr(c), 0x40400000);
	assert_int_equal(page_alloc_pages(&pa, 512, SZ_2M, &d), 0);
	assert_int_equal(pa_addr(d), 0x40600000);
	assert_int_equal(page_alloc_pages(&pa, 512, SZ_2M, &d), -ENOMEM);
	/* Smaller runs still fit in the gaps below. */
	assert_int_equal(page_alloc_pages(&pa, 100, 0, &d), 0);
	assert_true(pa_addr(d) >= 0x40002000 && pa_addr(d) + 100 * PAGE_SIZE <= 0x40200000);

	assert_int_equal(page_free_pages(&pa, b, 512), 0);
	assert_int_equal(page_alloc_pages(&pa, 512, SZ_2M, &d), 0);
	assert_int_equal(pa_addr(d), 0x40200000);
}

static void test_fragmented_contiguous(void **state)
{
	const struct plat_range mem[] = { { 0x0, 64 * PAGE_SIZE } };
	paddr_t p[64], q;

	(void)state;
	init_ok(mem, 1, NULL, 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(page_alloc_page(&pa, &p[i]), 0);
	assert_int_equal(pa_addr(p[0]), 0);	/* physical address 0 is a valid page */
	/* Free every other page: 32 free, but no two adjacent. */
	for (int i = 0; i < 64; i += 2)
		assert_int_equal(page_free(&pa, p[i]), 0);
	assert_int_equal(page_alloc_nr_free(&pa), 32);
	assert_int_equal(page_alloc_pages(&pa, 2, 0, &q), -ENOMEM);
	assert_int_equal(page_free(&pa, p[41]), 0);
	assert_int_equal(page_alloc_pages(&pa, 3, 0, &q), 0);
	assert_int_equal(pa_addr(q), pa_addr(p[40]));
}

static void test_banks_with_holes(void **state)
{
	/* Unaligned edges are trimmed inwards; a bank smaller than a page vanishes. */
	const struct plat_range mem[] = {
		{ 0x80000800, 3 * PAGE_SIZE },	/* pages 0x80001000, 0x80002000 */
		{ 0x40000000, 2 * PAGE_SIZE },
		{ 0x90000010, 0x100 },		/* no whole page */
		{ 0xa0000000, 4 * PAGE_SIZE },
	};
	const struct plat_range holes[] = { { 0x40002000, 0x3fffe000 }, { 0x80003000, 0x1fffd000 } };
	paddr_t p, q;
	int n = 0;

	(void)state;
	init_ok(mem, 4, NULL, 0);
	assert_int_equal(page_alloc_nr_free(&pa), 2 + 2 + 4);
	while (page_alloc_page(&pa, &p) == 0) {
		n++;
		assert_false(in(pa_addr(p), &holes[0]) || in(pa_addr(p), &holes[1]));
		assert_false(pa_addr(p) == 0x80000000);
	}
	assert_int_equal(n, 8);
	/* Runs never span banks, even adjacent-looking ones. */
	init_ok(mem, 4, NULL, 0);
	assert_int_equal(page_alloc_pages(&pa, 4, 0, &q), 0);
	assert_int_equal(pa_addr(q), 0xa0000000);
	assert_int_equal(page_alloc_pages(&pa, 3, 0, &q), -ENOMEM);
	/* A free across a hole is refused. */
	assert_int_equal(page_free_pages(&pa, pa_init(0x80002000), 2), -EINVAL);
}

static void test_bad_init(void **state)
{
	const struct plat_range overlap[] = { { 0x40000000, MB(2) }, { 0x40100000, MB(2) } };
	const struct plat_range wrap[] = { { 0xfffffffffffff000ULL, 0x2000 } };
	const struct plat_range top[] = { { 0xffffffffffff0000ULL, 0x10000 } };	/* ends exactly at 2^64 */
	const struct plat_range big[] = { { 0x0, SZ_1G * 64 } };
	const struct plat_range many[PAGE_ALLOC_MAX_BANKS + 1] = { { 0 } };
	paddr_t p;

	(void)state;
	assert_int_equal(page_alloc_init(&pa, overlap, 2, NULL, 0, storage, sizeof(storage)), -EINVAL);
	assert_int_equal(page_alloc_init(&pa, wrap, 1, NULL, 0, storage, sizeof(storage)), -EINVAL);
	assert_int_equal(page_alloc_init(&pa, overlap, 1, wrap, 1, storage, sizeof(storage)), -EINVAL);
	assert_int_equal(page_alloc_init(&pa, big, 1, NULL, 0, storage, sizeof(storage)), -ENOMEM);
	assert_int_equal(page_alloc_init(&pa, big, 1, NULL, 0, NULL, 0), -ENOMEM);
	assert_int_equal(page_alloc_init(&pa, many, PAGE_ALLOC_MAX_BANKS + 1, NULL, 0, storage,
					 sizeof(storage)), -E2BIG);
	/* Unaligned storage is fine; the top of the address space is fine. */
	assert_int_equal(page_alloc_init(&pa, top, 1, NULL, 0, (char *)storage + 3,
					 sizeof(storage) - 3), 0);
	assert_int_equal(page_alloc_nr_free(&pa), 16);
	assert_int_equal(page_alloc_pages(&pa, 16, 0, &p), 0);
	assert_int_equal(pa_addr(p), 0xffffffffffff0000ULL);
	assert_int_equal(page_free_pages(&pa, p, 16), 0);
	/* An empty allocator just says no. */
	assert_int_equal(page_alloc_init(&pa, NULL, 0, NULL, 0, storage, sizeof(storage)), 0);
	assert_int_equal(page_alloc_page(&pa, &p), -ENOMEM);
}

static void test_claim(void **state)
{
	const struct plat_range mem[] = { { 0x40000000, 8 * PAGE_SIZE } };
	paddr_t p;

	(void)state;
	init_ok(mem, 1, NULL, 0);
	assert_int_equal(page_alloc_claim(&pa, pa_init(0x40000000), 2), 0);
	assert_int_equal(page_alloc_claim(&pa, pa_init(0x40001000), 2), -EBUSY);
	assert_int_equal(page_alloc_claim(&pa, pa_init(0x50000000), 1), -EINVAL);
	assert_int_equal(page_alloc_nr_free(&pa), 6);
	assert_int_equal(page_alloc_page(&pa, &p), 0);
	assert_int_equal(pa_addr(p), 0x40002000);
}

/* Free runs, in bank order, from any address (the host's RAM is built from them). */
static void test_free_runs(void **state)
{
	const struct plat_range mem[] = { { 0x40000000, 16 * PAGE_SIZE }, { 0x80000000, 4 * PAGE_SIZE } };
	const struct plat_range rsv[] = { { 0x40003000, 2 * PAGE_SIZE } };
	u64 base, size;

	(void)state;
	init_ok(mem, 2, rsv, 1);
	assert_int_equal(page_alloc_claim(&pa, pa_init(0x4000a000), 1), 0);
	assert_int_equal(page_alloc_next_free_run(&pa, 0, &base, &size), 0);
	assert_int_equal(base, 0x40000000);
	assert_int_equal(size, 3 * PAGE_SIZE);
	assert_int_equal(page_alloc_next_free_run(&pa, base + size, &base, &size), 0);
	assert_int_equal(base, 0x40005000);
	assert_int_equal(size, 5 * PAGE_SIZE);
	/* From inside a run: the rest of it (an unaligned address rounds up). */
	assert_int_equal(page_alloc_next_free_run(&pa, 0x40006001, &base, &size), 0);
	assert_int_equal(base, 0x40007000);
	assert_int_equal(size, 3 * PAGE_SIZE);
	assert_int_equal(page_alloc_next_free_run(&pa, 0x4000a000, &base, &size), 0);
	assert_int_equal(base, 0x4000b000);
	assert_int_equal(size, 5 * PAGE_SIZE);
	assert_int_equal(page_alloc_next_free_run(&pa, 0x40010000, &base, &size), 0);
	assert_int_equal(base, 0x80000000);
	assert_int_equal(size, 4 * PAGE_SIZE);
	assert_int_equal(page_alloc_next_free_run(&pa, 0x80004000, &base, &size), -ENOENT);
}

static int lock_calls;
static void count_lock(void *arg) { (*(int *)arg)++; }
static void count_unlock(void *arg) { (*(int *)arg)--; lock_calls++; }

static void test_lock_hooks(void **state)
{
	const struct plat_range mem[] = { { 0x40000000, 8 * PAGE_SIZE } };
	int depth = 0;
	paddr_t p;

	(void)state;
	init_ok(mem, 1, NULL, 0);
	pa.lock = count_lock;
	pa.unlock = count_unlock;
	pa.lock_arg = &depth;
	lock_calls = 0;
	assert_int_equal(page_alloc_page(&pa, &p), 0);
	assert_int_equal(page_free(&pa, p), 0);
	assert_int_equal(page_free(&pa, p), -EINVAL);
	assert_int_equal(lock_calls, 3);
	assert_int_equal(depth, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustion_and_uniqueness),
		cmocka_unit_test(test_free_and_double_free),
		cmocka_unit_test(test_reserved_never_handed_out),
		cmocka_unit_test(test_contiguous_aligned),
		cmocka_unit_test(test_fragmented_contiguous),
		cmocka_unit_test(test_banks_with_holes),
		cmocka_unit_test(test_bad_init),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_free_runs),
		cmocka_unit_test(test_lock_hooks),
	};

	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
