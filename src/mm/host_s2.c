// SPDX-License-Identifier: MIT
/*
 * The host's stage-2 fault path. The host's stage-2 starts empty; every
 * translation fault maps, 1:1, the largest block around the address that
 * is entirely the host's default state, so after boot a few 1 GiB and
 * 2 MiB blocks cover most of the machine (docs/host-mode.md).
 *
 * Concurrency: the fault is handled under the host's lock, which every
 * ownership transition holds while it changes the table. A fault taken in
 * a break-before-make window, or on a range another CPU was changing,
 * finds a valid entry (or the new owner) once it holds the lock: a valid
 * entry that allows the access means "retry" (return to the host, which
 * repeats the access), never an abort.
 */
#include "lib/err.h"
#include "mm/owner.h"

static bool access_allowed(enum pgt_prot prot, enum mem_access acc)
{
	switch (acc) {
	case MEM_ACCESS_WRITE:
		return prot & PGT_PROT_W;
	case MEM_ACCESS_EXEC:
		return prot & PGT_PROT_X;
	default:
		return prot & PGT_PROT_R;
	}
}

/*
 * The level to map @ipa at. @level is where the lookup found the invalid
 * entry covering it: that entry is one value (owner 0, the host's
 * default) for its whole range, so any block inside it replaces nothing
 * but default state. Start there (at least at the first block level) and
 * go down until the block is all RAM or all device memory.
 */
static u32 fault_level(const struct mem_host *h, u64 ipa, u32 level)
{
	for (level = MAX(level, PGT_MIN_BLOCK_LEVEL); level < PGT_MAX_LEVEL; level++) {
		u64 size = pgt_level_size(level);

		if (mem_host_range_uniform(h, ALIGN_DOWN(ipa, size), ALIGN_DOWN(ipa, size) + size))
			break;
	}
	return level;
}

static int fault_locked(struct mem_host *h, u64 ipa, enum mem_access acc, u32 *out_level)
{
	u64 pte, base, size;
	u32 level;
	enum pgt_prot prot;
	int ret = pgt_lookup(&h->pgt, ipa, &pte, &level);

	if (ret)
		return MEM_FAULT_DENIED;	/* outside the physical address space */
	if (pte_valid(pte)) {
		/*
		 * Mapped by now: another CPU's fault or transition got here
		 * first, or this one hit its break-before-make window. If the
		 * mapping allows the access the host just tries again.
		 */
		if (access_allowed(pgt_pte_prot(&h->pgt, pte), acc)) {
			h->stats.retried++;
			return MEM_FAULT_RETRY;
		}
		return MEM_FAULT_DENIED;
	}
	if (pte_owner(pte) != MEM_OWNER_HOST)
		return MEM_FAULT_DENIED;	/* moat's or a VM's page */

	level = fault_level(h, ipa, level);
	size = pgt_level_size(level);
	base = ALIGN_DOWN(ipa, size);
	prot = mem_host_default_prot(h, base);
	/*
	 * -ENOMEM (moat's pool has no page for a table) goes to the caller:
	 * a smaller mapping would need more tables, not fewer.
	 */
	ret = pgt_map(&h->pgt, base, size, base, prot, MEM_PAGE_OWNED, NULL);
	if (ret)
		return ret;
	h->stats.mapped[level]++;
	if (out_level)
		*out_level = level;
	/* A device page is mapped without execute: an instruction fetch from it still fails. */
	return access_allowed(prot, acc) ? MEM_FAULT_MAPPED : MEM_FAULT_DENIED;
}

int mem_host_fault(struct mem_host *h, u64 ipa, enum mem_access acc, u32 *level)
{
	int ret;

	spin_lock(&h->lock);
	h->stats.faults++;
	ret = fault_locked(h, ALIGN_DOWN(ipa, PAGE_SIZE), acc, level);
	if (ret == MEM_FAULT_DENIED)
		h->stats.denied++;
	spin_unlock(&h->lock);
	return ret;
}
