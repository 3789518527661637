// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the input is a sequence of page-table operations on a
 * 40-bit stage-2 table, each applied to the table and to the flat reference
 * model of tests/unit/test_pgtable_model.c; after each one the operation's
 * boundaries are looked up in both, at the end every leaf is compared, the
 * table-page bound checked, and destroy must leave zero pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"
#include "mm/pgtable.h"
#include "arch_fake.h"
#include "../unit/test_pgtable_model.h"

#define REC_SIZE 12

static void die(const char *what, u64 addr, u64 size, const char *err)
{
	fprintf(stderr, "pgtable fuzz: %s [%#llx +%#llx): %s\n", what, (unsigned long long)addr,
		(unsigned long long)size, err ? err : "");
	abort();
}

static bool force_region(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw)
{
	return addr < 5 * SZ_1G && end > 4 * SZ_1G + 8 * SZ_2M;
}

static u64 get(const u8 *p, int n)
{
	u64 v = 0;

	for (int i = 0; i < n; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	static const u64 units[4] = { SZ_4K, SZ_2M, SZ_1G, SZ_4K * 3 };
	struct pgtable pgt;
	struct model m;
	u64 limit = 1ULL << 40;

	fake_hw_recording = false;
	talloc_reset();
	if (pgt_s2_init(&pgt, 2, limit - 1, &test_mm, 0, force_region))
		abort();
	model_init(&m, limit);

	for (size_t off = 0; off + REC_SIZE <= len && off < 64 * REC_SIZE; off += REC_SIZE) {
		const u8 *r = data + off;
		u32 op = r[0] & 7, prot = r[1] & 15, sw = r[1] >> 4, owner = 1 + r[2];
		u64 unit = units[(r[0] >> 3) & 3];
		/* Addresses: mostly in a 32 GiB window, pages, with a nudge. */
		u64 addr = (get(r + 3, 3) << 12) % (32 * SZ_1G);
		u64 size = (1 + (get(r + 6, 2) & 0x3ff)) * unit, pa;
		struct pgt_memcache mc = { 0 };
		bool use_mc = r[0] & 0x20;
		long live, fail = (r[0] & 0x40) ? (long)(r[8] & 7) : -1;
		int ret;

		if (unit == SZ_1G)
			size = (1 + (r[6] & 3)) * SZ_1G;
		if ((r[0] & 0x80) && unit != SZ_4K)
			addr = ALIGN_DOWN(addr, unit);
		if (r[9] & 1)
			addr = (addr + (u64)r[10] * (SZ_1G + PAGE_SIZE)) % (limit - 64 * SZ_1G);
		/* PA congruent with the IPA (blocks possible) or anywhere (pages) when small. */
		pa = (addr + (u64)(r[11] & 0x3f) * SZ_1G) % (1ULL << 44);
		if (size <= 64 * SZ_2M && (r[9] & 2))
			pa = (get(r + 9, 3) << 12) % (1ULL << 44);
		if (use_mc)
			for (u32 i = 0; i < (u32)(r[8] >> 4) && i < PGT_MEMCACHE_PAGES; i++)
				mc.pages[mc.nr++] = test_mm.zalloc_page(NULL);
		live = talloc.live;
		talloc.fail_after = fail >= 0 ? talloc.allocs + fail : -1;
		switch (op) {
		case 0: case 1:
			ret = pgt_map(&pgt, addr, size, pa, prot, sw, use_mc ? &mc : NULL);
			if (!ret)
				model_map(&m, addr, size, pa, prot, sw);
			break;
		case 2:
			ret = pgt_unmap(&pgt, addr, size, use_mc ? &mc : NULL);
			if (!ret)
				model_owner(&m, addr, size, 0);
			break;
		case 3:
			ret = pgt_set_owner(&pgt, addr, size, owner, use_mc ? &mc : NULL);
			if (!ret)
				model_owner(&m, addr, size, owner);
			break;
		case 4:
			ret = pgt_set_prot(&pgt, addr, size, prot, use_mc ? &mc : NULL);
			if (!ret)
				model_set_prot(&m, addr, size, prot);
			break;
		case 5:
			ret = pgt_set_sw(&pgt, addr, size, sw, use_mc ? &mc : NULL);
			if (!ret)
				model_set_sw(&m, addr, size, sw);
			break;
		case 6:
			ret = pgt_set_af(&pgt, addr, size, r[1] & 1, use_mc ? &mc : NULL);
			if (!ret)
				model_set_af(&m, addr, size, r[1] & 1);
			break;
		default: {
			u64 pte;
			u32 level;

			ret = pgt_lookup(&pgt, addr, &pte, &level);
			break;
		}
		}
		talloc.fail_after = -1;
		if (ret && (ret != -ENOMEM || (fail < 0 && !use_mc)))
			die("unexpected error", addr, size, NULL);
		if (ret && talloc.live != live)
			die("-ENOMEM but pages kept", addr, size, NULL);
		pgt_memcache_drain(&mc, &test_mm);

		u64 probes[] = { addr, addr + size - PAGE_SIZE, addr ? addr - PAGE_SIZE : 0,
				 MIN(addr + size, limit - PAGE_SIZE), addr + size / 2 };
		for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
			const char *err = check_addr(&pgt, &m, probes[i]);

			if (err)
				die("lookup differs from model", addr, size, err);
		}
	}
	{
		u64 bad;
		const char *err = check_all(&pgt, &m, &bad);

		if (err)
			die("full check", bad, 0, err);
		if ((u64)talloc.live > model_table_bound(&m, &pgt))
			die("table pages over bound", 0, 0, NULL);
	}
	pgt_destroy(&pgt);
	model_free(&m);
	if (talloc.live != 0)
		die("destroy leaked pages", 0, 0, NULL);
	return 0;
}
