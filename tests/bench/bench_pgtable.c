// SPDX-License-Identifier: MIT
/*
 * Host benchmark of the page-table library (make bench-pgtable). Table pages
 * come from a pre-touched pool so page faults of the host are not measured;
 * the hardware fakes do not record. Each figure is the best of several runs
 * and is compared with the floor: a plain loop writing the same number of
 * 8-byte descriptors into the same amount of pre-touched memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/pgtable.h"
#include "arch_fake.h"

#define POOL_PAGES	4096
#define RUNS		7

static void *pool_free_list;
static long pool_used, pool_peak;

static void *b_zalloc(void *arg)
{
	void *p = pool_free_list;

	if (!p)
		return NULL;
	pool_free_list = *(void **)p;
	memset(p, 0, PAGE_SIZE);
	if (++pool_used > pool_peak)
		pool_peak = pool_used;
	return p;
}

static void b_free(void *p, void *arg)
{
	*(void **)p = pool_free_list;
	pool_free_list = p;
	pool_used--;
}

static void *b_p2v(u64 pa, void *arg) { return (void *)(uintptr_t)pa; }
static u64 b_v2p(void *va, void *arg) { return (u64)(uintptr_t)va; }

static const struct pgt_mm_ops bench_mm = {
	.zalloc_page = b_zalloc, .free_page = b_free, .phys_to_virt = b_p2v, .virt_to_phys = b_v2p,
};

static void pool_init(void)
{
	u8 *mem = aligned_alloc(PAGE_SIZE, (size_t)POOL_PAGES * PAGE_SIZE);

	if (!mem)
		abort();
	memset(mem, 1, (size_t)POOL_PAGES * PAGE_SIZE);	/* touch */
	for (long i = POOL_PAGES - 1; i >= 0; i--)
		b_free(mem + i * PAGE_SIZE, NULL);
	pool_used = 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static bool force_all(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw) { return true; }

static struct pgtable new_table(bool force)
{
	struct pgtable pgt;

	/* 40-bit IPA needs 2 concatenated tables; use 39 bits (one page, level 1 start). */
	if (pgt_s2_init(&pgt, 2, (1ULL << 39) - 1, &bench_mm, 0, force ? force_all : NULL))
		abort();
	return pgt;
}

static volatile u64 sink;

int main(void)
{
	const u64 npages = SZ_1G / PAGE_SIZE;
	double floor_ns = 1e30, map_ns = 1e30, blk_ns = 1e30, unmap_ns = 1e30, unmap1_ns = 1e30,
	       lookup_ns = 1e30;
	long table_bytes = 0, blk_bytes = 0;
	const u64 nblocks = 256, nlookups = 1 << 20, nsingle = 8 * 512;

	fake_hw_recording = false;
	pool_init();

	for (int run = 0; run < RUNS; run++) {
		/* Floor: the same number of 8-byte entries, into the same amount of memory. */
		u64 *pages[512];
		double t0, t1;

		for (int i = 0; i < 512; i++)
			pages[i] = b_zalloc(NULL);
		t0 = now_ns();
		for (int i = 0; i < 512; i++) {
			u64 *p = pages[i], v = ((u64)i << 21) | 0x7ff;

			for (int j = 0; j < 512; j++, v += PAGE_SIZE)
				((volatile u64 *)p)[j] = v;
		}
		t1 = now_ns();
		floor_ns = MIN(floor_ns, (t1 - t0) / npages);
		for (int i = 0; i < 512; i++)
			b_free(pages[i], NULL);

		/* Map 1 GiB as 4 KiB pages (forced). */
		struct pgtable pgt = new_table(true);
		long before = pool_used;

		t0 = now_ns();
		if (pgt_map(&pgt, SZ_1G, SZ_1G, 5 * SZ_1G, PGT_PROT_RW, 0, NULL))
			abort();
		t1 = now_ns();
		map_ns = MIN(map_ns, (t1 - t0) / npages);
		table_bytes = (pool_used - before) * (long)PAGE_SIZE;

		/* Random look-ups in it. */
		u64 rng = 0x9e3779b97f4a7c15ULL, acc = 0;

		t0 = now_ns();
		for (u64 i = 0; i < nlookups; i++) {
			u64 pte;
			u32 level;

			rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
			pgt_lookup(&pgt, SZ_1G + (rng & (SZ_1G - 1)), &pte, &level);
			acc += pte;
		}
		t1 = now_ns();
		sink = acc;
		lookup_ns = MIN(lookup_ns, (t1 - t0) / nlookups);

		/* Unmap single pages, one call each (no table emptied). */
		t0 = now_ns();
		for (u64 i = 0; i < nsingle; i++)
			pgt_unmap(&pgt, SZ_1G + i * 2 * PAGE_SIZE, PAGE_SIZE, NULL);
		t1 = now_ns();
		unmap1_ns = MIN(unmap1_ns, (t1 - t0) / nsingle);

		/* Unmap the whole GiB of pages. */
		t0 = now_ns();
		if (pgt_unmap(&pgt, SZ_1G, SZ_1G, NULL))
			abort();
		t1 = now_ns();
		unmap_ns = MIN(unmap_ns, (t1 - t0) / npages);
		pgt_destroy(&pgt);

		/* Map 1 GiB blocks. */
		pgt = new_table(false);
		before = pool_used;
		t0 = now_ns();
		if (pgt_map(&pgt, 0, nblocks * SZ_1G, 64 * SZ_1G, PGT_PROT_RW, 0, NULL))
			abort();
		t1 = now_ns();
		blk_ns = MIN(blk_ns, (t1 - t0) / nblocks);
		blk_bytes = (pool_used - before + 1) * (long)PAGE_SIZE;
		pgt_destroy(&pgt);
	}

	printf("pgtable floor (write 8-byte entries): %.2f ns/entry\n", floor_ns);
	printf("pgtable map 4KiB pages: %.2f ns/page (%.1f x floor)\n", map_ns, map_ns / floor_ns);
	printf("pgtable map 1GiB blocks: %.2f ns/block (%.1f x floor)\n", blk_ns, blk_ns / floor_ns);
	printf("pgtable unmap 4KiB pages: %.2f ns/page (%.1f x floor)\n", unmap_ns, unmap_ns / floor_ns);
	printf("pgtable unmap 4KiB pages one call each: %.2f ns/page (%.1f x floor)\n", unmap1_ns,
	       unmap1_ns / floor_ns);
	printf("pgtable lookup random: %.2f ns/op (%.1f x floor)\n", lookup_ns, lookup_ns / floor_ns);
	printf("pgtable table memory for 1GiB of 4KiB pages: %ld bytes\n", table_bytes);
	printf("pgtable table memory for %llu GiB of 1GiB blocks: %ld bytes (start level included)\n",
	       (unsigned long long)nblocks, blk_bytes);
	return 0;
}
