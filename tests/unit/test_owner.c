// SPDX-License-Identifier: MIT
/*
 * Unit tests of page ownership (src/mm/owner.c) and the host's stage-2
 * fault path (src/mm/host_s2.c): every transition legal and illegal with
 * the checker after each, the checker catching broken states, the
 * force-page rule with ownership annotations, TLB maintenance, and a
 * two-thread race between transitions and faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "lib/err.h"
#include "mm/owner.h"
#include "arch_fake.h"
#include "test_pgtable_model.h"

#define MMFR0_PA40	2			/* ID_AA64MMFR0_EL1.PARange: 40 bits */
#define HOST_VMID	1
#define RAM0		0x40000000ULL		/* bank 0: [1 GiB, 3 GiB) */
#define RAM0_SIZE	(2 * SZ_1G)
#define RAM1		(0x800000000ULL + 0x100000)	/* bank 1: 3 MiB from a 1 MiB boundary */
#define RAM1_SIZE	0x300000ULL
#define UART		0x09000000ULL		/* a device page below RAM */
#define G_IPA		0x80000000ULL

static struct mem_host host;
static struct pgtable gpgt[2];
static struct mem_guest guest[2];
static struct scrub_rec {
	int calls;
	u64 pa, size;
	bool guest_unmapped, host_still_guests;
} scrubbed;

static void fake_scrub(u64 pa, u64 size, void *arg)
{
	struct mem_guest *g = arg;
	u64 pte;
	u32 level;

	scrubbed.calls++;
	scrubbed.pa = pa;
	scrubbed.size = size;
	/* At scrub time the VM must have lost the page and the host not have it yet. */
	assert_int_equal(pgt_lookup(&host.pgt, pa, &pte, &level), 0);
	scrubbed.host_still_guests = !pte_valid(pte) && pte_owner(pte) == g->id;
	scrubbed.guest_unmapped = true;
	for (u32 i = 0; i < 2; i++) {
		/* No VM maps it any more (its old IPA is what the test passed). */
		if (pgt_lookup(guest[i].pgt, G_IPA, &pte, &level) == 0 && pte_valid(pte) &&
		    pte_phys(pte, level, G_IPA) == pa)
			scrubbed.guest_unmapped = false;
	}
}

static int setup(void **state)
{
	static const struct plat_range ram[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

	talloc_reset();
	fake_hw_reset();
	fake_hw_recording = true;
	memset(&scrubbed, 0, sizeof(scrubbed));
	assert_int_equal(mem_host_init(&host, MMFR0_PA40, ram, 2, &test_mm, 0, HOST_VMID), 0);
	for (u32 i = 0; i < 2; i++) {
		assert_int_equal(pgt_s2_init(&gpgt[i], MMFR0_PA40, (1ULL << 36) - 1, &test_mm, 0,
					     mem_guest_force_pte), 0);
		pgt_s2_set_vmid(&gpgt[i], (u16)(2 + i));
		guest[i] = (struct mem_guest){ .pgt = &gpgt[i], .id = (u16)(3 + i),
					       .lock = SPINLOCK_INIT };
		assert_int_equal(mem_host_add_guest(&host, &guest[i]), 0);
	}
	host.scrub = fake_scrub;
	host.scrub_arg = &guest[0];
	return 0;
}

static int teardown(void **state)
{
	pgt_destroy(&host.pgt);
	pgt_destroy(&gpgt[0]);
	pgt_destroy(&gpgt[1]);
	assert_int_equal(talloc.live, 0);
	return 0;
}

static void check_ok(void)
{
	struct mem_check_report rep = { 0 };
	int ret = mem_check(&host, &rep);

	if (ret)
		fail_msg("checker: %s at 0x%llx (VM %u)", rep.what, (unsigned long long)rep.addr,
			 rep.guest);
}

static const char *check_broken(void)
{
	struct mem_check_report rep = { 0 };

	assert_int_equal(mem_check(&host, &rep), -EFAULT);
	return rep.what;
}

static u64 entry(struct pgtable *pgt, u64 addr, u32 *level)
{
	u64 pte;
	u32 l;

	assert_int_equal(pgt_lookup(pgt, addr, &pte, &l), 0);
	if (level)
		*level = l;
	return pte;
}

static void expect_owner(struct pgtable *pgt, u64 addr, u32 owner)
{
	u64 pte = entry(pgt, addr, NULL);

	assert_false(pte_valid(pte));
	assert_int_equal(pte_owner(pte), owner);
}

static void expect_mapped(struct pgtable *pgt, u64 addr, u64 pa, u32 sw, u32 want_level)
{
	u32 level;
	u64 pte = entry(pgt, addr, &level);

	assert_true(pte_valid(pte));
	assert_int_equal(pte_phys(pte, level, addr), pa);
	assert_int_equal(pte_sw(pte), sw);
	if (want_level)
		assert_int_equal(level, want_level);
}

static void fault_ok(u64 ipa, u32 want_level)
{
	u32 level = 0;

	assert_int_equal(mem_host_fault(&host, ipa, MEM_ACCESS_WRITE, &level), MEM_FAULT_MAPPED);
	assert_int_equal(level, want_level);
}

static size_t count_ops(enum fake_op op, u64 val, u64 addr, bool match_addr)
{
	size_t n = 0;

	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == op && e->val == val && (!match_addr || e->addr == addr))
			n++;
	}
	return n;
}

/* ---- Set-up and the checker. ---- */

static void test_empty(void **state)
{
	expect_owner(&host.pgt, RAM0, MEM_OWNER_HOST);
	expect_owner(&host.pgt, UART, MEM_OWNER_HOST);
	check_ok();
	/* Owner ids below the VM range, and the same VM twice, are refused. */
	struct mem_guest bad = { .pgt = &gpgt[0], .id = MEM_OWNER_MOAT };

	assert_int_equal(mem_host_add_guest(&host, &bad), -EINVAL);
	assert_int_equal(mem_host_add_guest(&host, &guest[0]), -EEXIST);
}

static void test_checker_catches(void **state)
{
	/* A VM mapping a page the host's stage-2 still gives to the host. */
	assert_int_equal(pgt_map(&gpgt[0], G_IPA, PAGE_SIZE, RAM0, PGT_PROT_RW, MEM_PAGE_OWNED, NULL), 0);
	assert_string_equal(check_broken(), "VM maps a page the host's stage-2 does not give it");
	/* Host says VM 0 owns it now, but VM 1 maps it as well. */
	assert_int_equal(pgt_set_owner(&host.pgt, RAM0, PAGE_SIZE, guest[0].id, NULL), 0);
	check_ok();
	assert_int_equal(pgt_map(&gpgt[1], G_IPA, PAGE_SIZE, RAM0, PGT_PROT_RW, MEM_PAGE_OWNED, NULL), 0);
	assert_string_equal(check_broken(), "VM maps a page the host's stage-2 does not give it");
	assert_int_equal(pgt_unmap(&gpgt[1], G_IPA, PAGE_SIZE, NULL), 0);
	/* The host's record and the VM's disagree in number. */
	assert_int_equal(pgt_set_owner(&host.pgt, RAM0 + PAGE_SIZE, PAGE_SIZE, guest[0].id, NULL), 0);
	assert_string_equal(check_broken(), "pages the host records for a VM != pages it maps");
	assert_int_equal(pgt_set_owner(&host.pgt, RAM0 + PAGE_SIZE, PAGE_SIZE, 77, NULL), 0);
	assert_string_equal(check_broken(), "host stage-2: owner id of no VM");
	assert_int_equal(pgt_set_owner(&host.pgt, RAM0 + PAGE_SIZE, PAGE_SIZE, 0, NULL), 0);
	check_ok();
	/* Host mappings: not 1:1, a shared block, a borrowed page nobody lends. */
	assert_int_equal(pgt_map(&host.pgt, RAM0 + SZ_2M, PAGE_SIZE, RAM0 + 2 * SZ_2M, PGT_PROT_RWX, 0, NULL), 0);
	assert_string_equal(check_broken(), "host stage-2: not an identity mapping");
	assert_int_equal(pgt_unmap(&host.pgt, RAM0 + SZ_2M, PAGE_SIZE, NULL), 0);
	host.pgt.force_pte = NULL;
	assert_int_equal(pgt_map(&host.pgt, RAM0 + SZ_1G, SZ_2M, RAM0 + SZ_1G, PGT_PROT_RWX,
				 MEM_PAGE_SHARED_OWNED, NULL), 0);
	host.pgt.force_pte = mem_host_force_pte;
	assert_string_equal(check_broken(), "host stage-2: shared block (state must be per page)");
	assert_int_equal(pgt_map(&host.pgt, RAM0 + SZ_1G, SZ_2M, RAM0 + SZ_1G, PGT_PROT_RWX,
				 MEM_PAGE_SHARED_BORROWED, NULL), 0);
	assert_string_equal(check_broken(), "host borrows pages no VM shares");
	assert_int_equal(pgt_unmap(&host.pgt, RAM0 + SZ_1G, SZ_2M, NULL), 0);
	/* Device memory mapped as normal memory. */
	assert_int_equal(pgt_map(&host.pgt, UART, PAGE_SIZE, UART, PGT_PROT_RWX, 0, NULL), 0);
	assert_string_equal(check_broken(), "host stage-2: not the default attributes");
	assert_int_equal(pgt_unmap(&host.pgt, UART, PAGE_SIZE, NULL), 0);
	/* A VM borrowing what the host does not share. */
	assert_int_equal(pgt_map(&gpgt[1], G_IPA, PAGE_SIZE, RAM0 + 8 * PAGE_SIZE, PGT_PROT_RW,
				 MEM_PAGE_SHARED_BORROWED, NULL), 0);
	assert_string_equal(check_broken(), "VM borrows a page the host does not share");
}

/* ---- Host <-> moat. ---- */

static void test_donate_moat(void **state)
{
	u64 p = RAM0 + SZ_2M + 5 * PAGE_SIZE;
	u32 level;

	fault_ok(p, 1);			/* the host has touched the 1 GiB around it */
	check_ok();
	fake_hw_reset();
	assert_int_equal(mem_donate_host_to_moat(&host, p, PAGE_SIZE), 0);
	expect_owner(&host.pgt, p, MEM_OWNER_MOAT);
	/* The host's block was broken with a TLBI for the host's VMID. */
	assert_int_not_equal(count_ops(FAKE_TLBI_IPAS2E1IS, host.pgt.vttbr, 0, false), 0);
	/* Its neighbours are still mapped, now page by page. */
	expect_mapped(&host.pgt, p + PAGE_SIZE, p + PAGE_SIZE, MEM_PAGE_OWNED, 3);
	check_ok();
	/* A mapped page: exactly its own TLB entry goes, then the walk and TLB are done. */
	fake_hw_reset();
	assert_int_equal(mem_donate_host_to_moat(&host, p + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(count_ops(FAKE_TLBI_IPAS2E1IS, host.pgt.vttbr, p + 2 * PAGE_SIZE, true), 1);
	assert_int_equal(mem_donate_moat_to_host(&host, p + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	check_ok();
	assert_int_equal(mem_host_fault(&host, p, MEM_ACCESS_READ, NULL), MEM_FAULT_DENIED);

	/* Illegal: twice; giving back what moat does not own; bad ranges. */
	assert_int_equal(mem_donate_host_to_moat(&host, p, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_donate_host_to_moat(&host, p - PAGE_SIZE, 2 * PAGE_SIZE), -EPERM);
	expect_mapped(&host.pgt, p - PAGE_SIZE, p - PAGE_SIZE, MEM_PAGE_OWNED, 3);
	assert_int_equal(mem_donate_moat_to_host(&host, p + PAGE_SIZE, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_donate_moat_to_host(&host, p, 2 * PAGE_SIZE), -EPERM);
	assert_int_equal(mem_donate_host_to_moat(&host, p + 1, PAGE_SIZE), -EINVAL);
	assert_int_equal(mem_donate_host_to_moat(&host, p, 0), -EINVAL);
	assert_int_equal(mem_donate_host_to_moat(&host, 1ULL << 40, PAGE_SIZE), -EINVAL);
	check_ok();

	{
		u64 tables = talloc.live;

		assert_int_equal(mem_donate_moat_to_host(&host, p, PAGE_SIZE), 0);
		/* All of its 2 MiB is the host's default again: the page table under it is freed. */
		assert_int_equal(talloc.live, tables - 1);
	}
	expect_owner(&host.pgt, p, MEM_OWNER_HOST);
	check_ok();
	/* And the next fault maps the 2 MiB block again, not a page. */
	assert_int_equal(mem_host_fault(&host, p, MEM_ACCESS_READ, &level), MEM_FAULT_MAPPED);
	assert_int_equal(level, 2);
	check_ok();

	/* A 2 MiB-aligned donation is one invalid entry: no table needed. */
	assert_int_equal(mem_donate_host_to_moat(&host, RAM0 + SZ_1G, SZ_2M), 0);
	entry(&host.pgt, RAM0 + SZ_1G, &level);
	assert_int_equal(level, 2);
	check_ok();
}

/* ---- Host -> VM donation and VM -> host reclaim. ---- */

static void test_donate_guest_reclaim(void **state)
{
	u64 pa = RAM0 + 16 * PAGE_SIZE, size = 4 * PAGE_SIZE;
	struct mem_guest *g = &guest[0];

	fault_ok(pa, 1);
	assert_int_equal(mem_donate_host_to_guest(&host, g, pa, G_IPA, size, PGT_PROT_RWX), 0);
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		expect_owner(&host.pgt, pa + off, g->id);
		expect_mapped(g->pgt, G_IPA + off, pa + off, MEM_PAGE_OWNED, 3);
	}
	check_ok();
	assert_int_equal(mem_host_fault(&host, pa, MEM_ACCESS_WRITE, NULL), MEM_FAULT_DENIED);

	/* Illegal: to another VM; other host pages at the same IPA; to moat. */
	assert_int_equal(mem_donate_host_to_guest(&host, &guest[1], pa, G_IPA, size, PGT_PROT_RW), -EPERM);
	assert_int_equal(mem_donate_host_to_guest(&host, g, pa + size, G_IPA, size, PGT_PROT_RW), -EPERM);
	expect_mapped(&host.pgt, pa + size, pa + size, MEM_PAGE_OWNED, 3);
	assert_int_equal(mem_donate_host_to_moat(&host, pa, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_donate_moat_to_host(&host, pa, PAGE_SIZE), -EPERM);
	/* Reclaim from the wrong VM, of a range partly not the VM's. */
	assert_int_equal(mem_reclaim_guest_to_host(&host, &guest[1], G_IPA, size), -EPERM);
	assert_int_equal(mem_reclaim_guest_to_host(&host, g, G_IPA, 2 * size), -EPERM);
	assert_int_equal(scrubbed.calls, 0);
	check_ok();

	assert_int_equal(mem_reclaim_guest_to_host(&host, g, G_IPA, size), 0);
	assert_int_equal(scrubbed.calls, 1);
	assert_int_equal(scrubbed.pa, pa);
	assert_int_equal(scrubbed.size, size);
	assert_true(scrubbed.guest_unmapped);		/* scrubbed after the VM lost it */
	assert_true(scrubbed.host_still_guests);	/* and before the host got it back */
	expect_owner(&host.pgt, pa, MEM_OWNER_HOST);
	expect_owner(g->pgt, G_IPA, 0);
	check_ok();
	assert_int_equal(mem_reclaim_guest_to_host(&host, g, G_IPA, size), -EPERM);
	assert_int_equal(mem_host_fault(&host, pa, MEM_ACCESS_WRITE, NULL), MEM_FAULT_MAPPED);
	check_ok();
}

/* ---- Host shares with a VM. ---- */

static void test_share_host_guest(void **state)
{
	u64 pa = RAM0 + SZ_2M, size = 2 * PAGE_SIZE;
	struct mem_guest *g = &guest[0];

	assert_int_equal(mem_share_host_with_guest(&host, g, pa, G_IPA, size, PGT_PROT_RW), 0);
	expect_mapped(&host.pgt, pa, pa, MEM_PAGE_SHARED_OWNED, 3);
	expect_mapped(&host.pgt, pa + PAGE_SIZE, pa + PAGE_SIZE, MEM_PAGE_SHARED_OWNED, 3);
	expect_mapped(g->pgt, G_IPA, pa, MEM_PAGE_SHARED_BORROWED, 3);
	check_ok();
	/* The host keeps using its page: a stale fault just retries. */
	assert_int_equal(mem_host_fault(&host, pa, MEM_ACCESS_WRITE, NULL), MEM_FAULT_RETRY);

	/* Illegal: shared twice; donated or reclaimed while shared; device memory. */
	assert_int_equal(mem_share_host_with_guest(&host, &guest[1], pa, G_IPA, size, PGT_PROT_RW), -EPERM);
	assert_int_equal(mem_donate_host_to_guest(&host, &guest[1], pa, G_IPA, size, PGT_PROT_RW), -EPERM);
	assert_int_equal(mem_donate_host_to_moat(&host, pa, size), -EPERM);
	assert_int_equal(mem_reclaim_guest_to_host(&host, g, G_IPA, size), -EPERM);
	assert_int_equal(mem_share_guest_with_host(&host, g, G_IPA, size), -EPERM);
	assert_int_equal(mem_share_host_with_guest(&host, &guest[1], UART, G_IPA, PAGE_SIZE, PGT_PROT_RW), -EINVAL);
	/* Unshare: wrong VM, wrong PA, more than was shared. */
	assert_int_equal(mem_unshare_host_from_guest(&host, &guest[1], pa, G_IPA, size), -EPERM);
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa + PAGE_SIZE, G_IPA, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa, G_IPA, 2 * size), -EPERM);
	check_ok();

	fake_hw_reset();
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa, G_IPA, size), 0);
	/* The VM's mapping was flushed for its VMID. */
	assert_int_not_equal(count_ops(FAKE_TLBI_IPAS2E1IS, g->pgt->vttbr, G_IPA, true), 0);
	expect_owner(g->pgt, G_IPA, 0);
	/*
	 * Its 2 MiB is all the host's default again: no page-level entries
	 * left behind, and (the host never touched the rest) the 1 GiB
	 * around it is one block at the next fault.
	 */
	expect_owner(&host.pgt, pa, MEM_OWNER_HOST);
	fault_ok(pa, 1);
	check_ok();
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa, G_IPA, size), -EPERM);
	/* Now it can be donated. */
	assert_int_equal(mem_donate_host_to_guest(&host, &guest[1], pa, G_IPA, size, PGT_PROT_RW), 0);
	check_ok();
}

/*
 * Pages unshared one by one: the block comes back only when the last of
 * its pages is default again, whatever the order and whatever changed
 * behind the relax hint meanwhile.
 */
static void test_relax_one_by_one(void **state)
{
	u64 pa = RAM0 + 4 * SZ_2M;
	long tables;
	struct mem_guest *g = &guest[0];

	for (u64 i = 0; i < 4; i++)
		assert_int_equal(mem_share_host_with_guest(&host, g, pa + i * PAGE_SIZE,
							   G_IPA + i * PAGE_SIZE, PAGE_SIZE, PGT_PROT_RW), 0);
	fault_ok(pa + 8 * PAGE_SIZE, 3);
	tables = talloc.live;
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa, G_IPA, PAGE_SIZE), 0);
	/* The hint now points at page 1; page 0 is shared again behind it. */
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa + 2 * PAGE_SIZE,
						     G_IPA + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(mem_share_host_with_guest(&host, g, pa, G_IPA, PAGE_SIZE, PGT_PROT_RW), 0);
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa + PAGE_SIZE, G_IPA + PAGE_SIZE,
						     PAGE_SIZE), 0);
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa + 3 * PAGE_SIZE,
						     G_IPA + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	/* Pages 1..3 are default, page 0 is not: the table stays. */
	assert_int_equal(talloc.live, tables);
	expect_mapped(&host.pgt, pa, pa, MEM_PAGE_SHARED_OWNED, 3);
	check_ok();
	assert_int_equal(mem_unshare_host_from_guest(&host, g, pa, G_IPA, PAGE_SIZE), 0);
	assert_true(talloc.live < tables);
	expect_owner(&host.pgt, pa, MEM_OWNER_HOST);
	check_ok();
}

/* ---- A VM shares with the host. ---- */

static void test_share_guest_host(void **state)
{
	u64 pa = RAM0 + 64 * PAGE_SIZE;
	struct mem_guest *g = &guest[1];

	assert_int_equal(mem_donate_host_to_guest(&host, g, pa, G_IPA, PAGE_SIZE, PGT_PROT_RW), 0);
	assert_int_equal(mem_host_fault(&host, pa, MEM_ACCESS_READ, NULL), MEM_FAULT_DENIED);
	assert_int_equal(mem_share_guest_with_host(&host, g, G_IPA, PAGE_SIZE), 0);
	expect_mapped(g->pgt, G_IPA, pa, MEM_PAGE_SHARED_OWNED, 3);
	expect_mapped(&host.pgt, pa, pa, MEM_PAGE_SHARED_BORROWED, 3);
	check_ok();
	assert_int_equal(mem_host_fault(&host, pa, MEM_ACCESS_READ, NULL), MEM_FAULT_RETRY);

	/* Illegal: twice; reclaimed or donated while lent; unshared by another VM. */
	assert_int_equal(mem_share_guest_with_host(&host, g, G_IPA, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_reclaim_guest_to_host(&host, g, G_IPA, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_donate_host_to_moat(&host, pa, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_share_host_with_guest(&host, &guest[0], pa, G_IPA, PAGE_SIZE, PGT_PROT_RW), -EPERM);
	assert_int_equal(mem_unshare_guest_from_host(&host, &guest[0], G_IPA, PAGE_SIZE), -EPERM);
	/* A page the VM does not have, and one it owns but has not lent. */
	assert_int_equal(mem_share_guest_with_host(&host, g, G_IPA + PAGE_SIZE, PAGE_SIZE), -EPERM);
	assert_int_equal(mem_unshare_guest_from_host(&host, g, G_IPA + PAGE_SIZE, PAGE_SIZE), -EPERM);
	check_ok();

	fake_hw_reset();
	assert_int_equal(mem_unshare_guest_from_host(&host, g, G_IPA, PAGE_SIZE), 0);
	assert_int_not_equal(count_ops(FAKE_TLBI_IPAS2E1IS, host.pgt.vttbr, pa, true), 0);
	expect_owner(&host.pgt, pa, g->id);
	expect_mapped(g->pgt, G_IPA, pa, MEM_PAGE_OWNED, 3);
	check_ok();
	host.scrub_arg = g;
	assert_int_equal(mem_reclaim_guest_to_host(&host, g, G_IPA, PAGE_SIZE), 0);
	check_ok();
}

/* ---- -ENOMEM leaves no half-done transition. ---- */

#define ENOMEM_PA (RAM0 + SZ_1G + 3 * PAGE_SIZE)

static int enomem_donate(void)
{
	return mem_donate_host_to_guest(&host, &guest[0], ENOMEM_PA, G_IPA + SZ_1G, PAGE_SIZE, PGT_PROT_RW);
}

static int enomem_share(void)
{
	return mem_share_host_with_guest(&host, &guest[1], ENOMEM_PA + SZ_2M, G_IPA, PAGE_SIZE, PGT_PROT_RW);
}

/* Let the allocator fail after 0, 1, 2... pages: -ENOMEM with nothing changed, until it succeeds. */
static void until_enough_memory(int (*op)(void), u64 host_pa, struct mem_guest *g, u64 ipa)
{
	for (long k = 0;; k++) {
		int ret;

		talloc.fail_after = talloc.allocs + k;
		ret = op();
		talloc.fail_after = -1;
		check_ok();
		if (ret == 0)
			return;
		assert_int_equal(ret, -ENOMEM);
		expect_mapped(&host.pgt, host_pa, host_pa, MEM_PAGE_OWNED, 0);
		expect_owner(g->pgt, ipa, 0);
		assert_true(k < 16);
	}
}

static void test_enomem_atomic(void **state)
{
	fault_ok(ENOMEM_PA, 1);
	until_enough_memory(enomem_donate, ENOMEM_PA, &guest[0], G_IPA + SZ_1G);
	expect_owner(&host.pgt, ENOMEM_PA, guest[0].id);
	until_enough_memory(enomem_share, ENOMEM_PA + SZ_2M, &guest[1], G_IPA);
	expect_mapped(&host.pgt, ENOMEM_PA + SZ_2M, ENOMEM_PA + SZ_2M, MEM_PAGE_SHARED_OWNED, 3);
	check_ok();
}

/* ---- TLB maintenance is batched for ranges. ---- */

static void test_tlb_batched(void **state)
{
	u64 pa = RAM0 + 4 * SZ_2M;

	/* 64 pages mapped one by one (moat's page next to them keeps them pages), then donated. */
	assert_int_equal(mem_donate_host_to_moat(&host, pa + 64 * PAGE_SIZE, PAGE_SIZE), 0);
	for (u64 i = 0; i < 64; i++)
		assert_int_equal(mem_host_fault(&host, pa + i * PAGE_SIZE, MEM_ACCESS_READ, NULL),
				 MEM_FAULT_MAPPED);
	fake_hw_reset();
	assert_int_equal(mem_donate_host_to_moat(&host, pa, 64 * PAGE_SIZE), 0);
	assert_true(count_ops(FAKE_TLBI_IPAS2E1IS, host.pgt.vttbr, 0, false) <= 16);
	assert_int_equal(count_ops(FAKE_TLBI_VMALLS12E1IS, host.pgt.vttbr, 0, false), 1);
	check_ok();
}

/* ---- The fault path. ---- */

static void test_fault_blocks(void **state)
{
	u32 level;

	fault_ok(RAM0 + 12345 * PAGE_SIZE, 1);		/* RAM: 1 GiB of one bank */
	expect_mapped(&host.pgt, RAM0, RAM0, MEM_PAGE_OWNED, 1);
	fault_ok(UART, 1);				/* [0, 1 GiB) has no RAM: one device block */
	assert_int_equal(pgt_pte_prot(&host.pgt, entry(&host.pgt, UART, NULL)),
			 PGT_PROT_RW | PGT_PROT_DEVICE);
	/* Out of table memory: an error, nothing mapped. */
	talloc.fail_after = talloc.allocs;
	assert_int_equal(mem_host_fault(&host, RAM1, MEM_ACCESS_READ, NULL), -ENOMEM);
	talloc.fail_after = -1;
	expect_owner(&host.pgt, RAM1, MEM_OWNER_HOST);
	check_ok();
	/* Bank 1 is 3 MiB from a 1 MiB boundary: pages in its first 2 MiB, then a block. */
	fault_ok(RAM1, 3);
	fault_ok(RAM1 + 0x100000 - PAGE_SIZE, 3);
	fault_ok(RAM1 + 0x100000, 2);
	expect_mapped(&host.pgt, RAM1 + SZ_2M - PAGE_SIZE, RAM1 + SZ_2M - PAGE_SIZE, MEM_PAGE_OWNED, 2);
	/* The device memory around bank 1: pages below it, a 2 MiB block above. */
	fault_ok(RAM1 - PAGE_SIZE, 3);
	assert_int_equal(pgt_pte_prot(&host.pgt, entry(&host.pgt, RAM1 - PAGE_SIZE, NULL)),
			 PGT_PROT_RW | PGT_PROT_DEVICE);
	fault_ok(RAM1 + RAM1_SIZE, 2);
	assert_int_equal(host.stats.mapped[1], 2);
	assert_int_equal(host.stats.mapped[2], 2);
	assert_int_equal(host.stats.mapped[3], 3);
	check_ok();

	/* Valid already: retry if allowed, deny if the mapping forbids it (exec from a device). */
	assert_int_equal(mem_host_fault(&host, RAM0 + 5, MEM_ACCESS_EXEC, NULL), MEM_FAULT_RETRY);
	assert_int_equal(mem_host_fault(&host, UART, MEM_ACCESS_WRITE, NULL), MEM_FAULT_RETRY);
	assert_int_equal(mem_host_fault(&host, UART, MEM_ACCESS_EXEC, NULL), MEM_FAULT_DENIED);
	assert_int_equal(host.stats.retried, 2);
	/* Exec on a device page never touched: mapped (RW) but the fetch is denied. */
	assert_int_equal(mem_host_fault(&host, (1ULL << 40) - PAGE_SIZE, MEM_ACCESS_EXEC, &level),
			 MEM_FAULT_DENIED);
	/* Outside the physical address space. */
	assert_int_equal(mem_host_fault(&host, 1ULL << 40, MEM_ACCESS_READ, NULL), MEM_FAULT_DENIED);
	assert_int_equal(host.stats.denied, 3);
	check_ok();
}

/*
 * The force-page-level rule with ownership annotations: a page moat owns
 * inside a 2 MiB region keeps everything around it at page level, and a
 * fault on a neighbour writes exactly the neighbour's descriptor.
 */
static void test_force_pte_ownership(void **state)
{
	u64 base = RAM0 + 8 * SZ_2M, p = base + 7 * PAGE_SIZE, n = p + PAGE_SIZE;
	u64 *store_addr = NULL;
	size_t stores = 0;

	fault_ok(base, 1);
	assert_int_equal(mem_donate_host_to_moat(&host, p, PAGE_SIZE), 0);
	/* The neighbour leaves and comes back: an unmapped host page at level 3. */
	assert_int_equal(mem_donate_host_to_moat(&host, n, PAGE_SIZE), 0);
	assert_int_equal(mem_donate_moat_to_host(&host, n, PAGE_SIZE), 0);
	check_ok();

	/* The callback itself. */
	assert_true(mem_host_force_pte(&host.pgt, base, base + SZ_2M, PGT_PROT_RWX, MEM_PAGE_OWNED));
	assert_false(mem_host_force_pte(&host.pgt, base + SZ_2M, base + 2 * SZ_2M, PGT_PROT_RWX,
					MEM_PAGE_OWNED));
	assert_true(mem_host_force_pte(&host.pgt, base + SZ_2M, base + 2 * SZ_2M, PGT_PROT_RWX,
				       MEM_PAGE_SHARED_OWNED));
	assert_true(mem_host_force_pte(&host.pgt, base + SZ_2M, base + 2 * SZ_2M, PGT_PROT_RW,
				       MEM_PAGE_OWNED));
	assert_true(mem_host_force_pte(&host.pgt, RAM1 & ~(SZ_1G - 1), (RAM1 & ~(SZ_1G - 1)) + SZ_1G,
				       PGT_PROT_RW | PGT_PROT_DEVICE, MEM_PAGE_OWNED));	/* device + RAM */
	assert_false(mem_host_force_pte(&host.pgt, 0, SZ_1G, PGT_PROT_RW | PGT_PROT_DEVICE,
					MEM_PAGE_OWNED));

	fake_hw_reset();
	fault_ok(n, 3);
	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == FAKE_PTE_STORE) {
			stores++;
			store_addr = (u64 *)(uintptr_t)e->addr;
		}
		assert_true(e->op != FAKE_TLBI_VMALLS12E1IS && e->op != FAKE_TLBI_IPAS2E1IS);
	}
	assert_int_equal(stores, 1);
	assert_int_equal(*store_addr, entry(&host.pgt, n, NULL));
	expect_owner(&host.pgt, p, MEM_OWNER_MOAT);

	/* A caller mapping the whole 2 MiB over the annotation gets pages, not a block. */
	assert_int_equal(pgt_map(&host.pgt, base, SZ_2M, base, PGT_PROT_RWX, MEM_PAGE_OWNED, NULL), 0);
	expect_mapped(&host.pgt, base, base, MEM_PAGE_OWNED, 3);
	/* Contrast: the next 2 MiB, all default, is one block. */
	assert_int_equal(mem_donate_host_to_moat(&host, base + SZ_2M, SZ_2M), 0);
	assert_int_equal(mem_donate_moat_to_host(&host, base + SZ_2M, SZ_2M), 0);
	fault_ok(base + SZ_2M + PAGE_SIZE, 2);
	check_ok();
}

/* ---- Two CPUs: transitions on one, faults on the same range on the other. ---- */

#define RACE_ROUNDS 300
static volatile bool race_done;

static const char *race_error;

/*
 * Pages 0-7 of the region change hands; pages 8-511 are always the host's.
 * cmocka's asserts cannot fail from a second thread: the first transition
 * that does not succeed is recorded and checked after the join.
 */
static void *race_changer(void *arg)
{
	u64 base = RAM0 + 32 * SZ_2M;

	for (int i = 0; i < RACE_ROUNDS && !race_error; i++) {
		u64 p = base + (u64)(i % 8) * PAGE_SIZE;

		if (mem_donate_host_to_moat(&host, p, PAGE_SIZE))
			race_error = "donate to moat";
		else if (mem_donate_moat_to_host(&host, p, PAGE_SIZE))
			race_error = "moat gives back";
		else if (mem_share_host_with_guest(&host, &guest[0], p, G_IPA, PAGE_SIZE, PGT_PROT_RW))
			race_error = "share";
		else if (mem_unshare_host_from_guest(&host, &guest[0], p, G_IPA, PAGE_SIZE))
			race_error = "unshare";
		else if (mem_donate_host_to_guest(&host, &guest[0], p, G_IPA + SZ_2M, PAGE_SIZE, PGT_PROT_RW))
			race_error = "donate to VM";
		else if (mem_reclaim_guest_to_host(&host, &guest[0], G_IPA + SZ_2M, PAGE_SIZE))
			race_error = "reclaim";
	}
	race_done = true;
	return NULL;
}

static void race_yield(void)
{
	sched_yield();
}

static void test_race(void **state)
{
	u64 base = RAM0 + 32 * SZ_2M;
	pthread_t t;
	u64 n = 0;

	fake_hw_recording = false;	/* the log is not thread-safe */
	/* Every descriptor store yields: break-before-make windows become wide open. */
	fake_pte_store_hook = race_yield;
	race_done = false;
	race_error = NULL;
	assert_int_equal(pthread_create(&t, NULL, race_changer, NULL), 0);
	while (!race_done && !race_error) {
		u64 q = base + (8 + n % 504) * PAGE_SIZE;
		int ret;

		/* Now and then the page leaves and comes back unmapped, so the next access faults. */
		if (n % 3 == 0) {
			assert_int_equal(mem_donate_host_to_moat(&host, q, PAGE_SIZE), 0);
			assert_int_equal(mem_donate_moat_to_host(&host, q, PAGE_SIZE), 0);
		}
		/* The host's own page is never refused, whatever the other CPU does next to it. */
		ret = mem_host_fault(&host, q, MEM_ACCESS_WRITE, NULL);
		if (ret != MEM_FAULT_MAPPED && ret != MEM_FAULT_RETRY)
			race_error = "host page refused";
		/*
		 * A page changing hands may go either way, but must never be mapped
		 * over another owner's record: the other CPU's next transition
		 * (which checks its starting state) and the checker would see it.
		 */
		ret = mem_host_fault(&host, base + (n % 8) * PAGE_SIZE, MEM_ACCESS_READ, NULL);
		if (ret < 0)
			race_error = "fault failed";
		n++;
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	fake_pte_store_hook = NULL;
	fake_hw_recording = true;
	if (race_error)
		fail_msg("race: %s", race_error);
	check_ok();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_donate_moat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_donate_guest_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_host_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relax_one_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_guest_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_force_pte_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
