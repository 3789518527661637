// SPDX-License-Identifier: MIT
/*
 * Page ownership: the transitions and the checker (see owner.h and
 * docs/host-mode.md). Every transition is "check the whole range on both
 * sides, then change": the checks are walks of the stage-2 tables, which
 * are the only record of who owns what.
 */
#include <stddef.h>
#include "lib/err.h"
#include "mm/owner.h"

#define host_of(p) ((struct mem_host *)((char *)(p) - offsetof(struct mem_host, pgt)))

static bool range_ok(const struct pgtable *pgt, u64 addr, u64 size)
{
	return size && IS_ALIGNED(addr | size, PAGE_SIZE) && addr + size > addr &&
	       addr + size <= (1ULL << pgt->ia_bits);
}

/* ---- RAM or device. ----------------------------------------------------- */

/* The RAM bank holding @pa, or NULL. */
static const struct plat_range *ram_bank(const struct mem_host *h, u64 pa)
{
	for (u32 i = 0; i < h->nr_ram; i++)
		if (pa >= h->ram[i].base && pa - h->ram[i].base < h->ram[i].size)
			return &h->ram[i];
	return NULL;
}

bool mem_host_range_uniform(const struct mem_host *h, u64 addr, u64 end)
{
	const struct plat_range *b = ram_bank(h, addr);

	if (b)
		return end - b->base <= b->size;
	for (u32 i = 0; i < h->nr_ram; i++)
		if (h->ram[i].base < end && h->ram[i].base + h->ram[i].size > addr)
			return false;
	return true;
}

enum pgt_prot mem_host_default_prot(const struct mem_host *h, u64 pa)
{
	return ram_bank(h, pa) ? PGT_PROT_RWX : PGT_PROT_RW | PGT_PROT_DEVICE;
}

/* ---- Range checks: every leaf in a range against one expectation. ------- */

struct expect {
	bool valid_ok;		/* valid leaves allowed, in state @sw */
	u32 sw;
	bool invalid_ok;	/* invalid leaves allowed, with owner @owner */
	u32 owner;
	bool check_oa;		/* valid leaves translate addr to oa + (addr - start) */
	u64 oa;
	u64 start;
};

/* The leaf @pte at @level covering @a (in the range from e->start). */
static int expect_leaf(const struct expect *e, u64 pte, u32 level, u64 a)
{
	if (!pte_valid(pte))
		return e->invalid_ok && pte_owner(pte) == e->owner ? 0 : -EPERM;
	if (!e->valid_ok || pte_sw(pte) != e->sw)
		return -EPERM;
	if (e->check_oa && pte_phys(pte, level, a) != e->oa + (a - e->start))
		return -EPERM;
	return 0;
}

static int expect_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	return expect_leaf(ctx->arg, ctx->old, ctx->level, MAX(ctx->addr, ctx->start));
}

static int expect_range(struct pgtable *pgt, u64 addr, u64 size, struct expect e)
{
	struct pgt_walker w = { .cb = expect_visitor, .arg = &e, .flags = PGT_WALK_LEAF };
	u64 pte;
	u32 level;
	int ret;

	e.start = addr;
	/* One page, the commonest check (a run page, a hypercall buffer): no walker. */
	if (size == PAGE_SIZE) {
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;		/* as the walker says (pgt_lookup would round down) */
		ret = pgt_lookup(pgt, addr, &pte, &level);
		return ret ? ret : expect_leaf(&e, pte, level, addr);
	}
	return pgt_walk(pgt, addr, size, &w);
}

/* Host: every page owned by the host (mapped or not). */
static int host_owns(struct mem_host *h, u64 pa, u64 size)
{
	return expect_range(&h->pgt, pa, size, (struct expect){
		.valid_ok = true, .sw = MEM_PAGE_OWNED, .invalid_ok = true, .owner = MEM_OWNER_HOST,
		.check_oa = true, .oa = pa });
}

/* Host: every page mapped 1:1 in share state @sw. */
static int host_mapped(struct mem_host *h, u64 pa, u64 size, u32 sw)
{
	return expect_range(&h->pgt, pa, size, (struct expect){
		.valid_ok = true, .sw = sw, .check_oa = true, .oa = pa });
}

/* Any table: every page invalid and annotated @owner (0: plain unmapped). */
static int annotated(struct pgtable *pgt, u64 addr, u64 size, u32 owner)
{
	return expect_range(pgt, addr, size, (struct expect){ .invalid_ok = true, .owner = owner });
}

/* Guest: every page mapped in state @sw to [pa, pa + size). */
static int guest_mapped(struct mem_guest *g, u64 ipa, u64 size, u32 sw, u64 pa)
{
	return expect_range(g->pgt, ipa, size, (struct expect){
		.valid_ok = true, .sw = sw, .check_oa = true, .oa = pa });
}

/*
 * The PA @ipa maps to in @g and the permissions it has there (to restore
 * them if a transition has to be undone), or -EPERM if it is not mapped.
 */
static int guest_pa(struct mem_guest *g, u64 ipa, u64 *pa, enum pgt_prot *prot)
{
	u64 pte;
	u32 level;
	int ret = pgt_lookup(g->pgt, ipa, &pte, &level);

	if (ret)
		return ret;
	if (!pte_valid(pte))
		return -EPERM;
	*pa = pte_phys(pte, level, ipa);
	if (prot)
		*prot = pgt_pte_prot(g->pgt, pte);
	return 0;
}

static bool host_ram(const struct mem_host *h, u64 pa, u64 size)
{
	return ram_bank(h, pa) && mem_host_range_uniform(h, pa, pa + size);
}

/* The PA a VM-initiated transition acts on: where @ipa maps, all of it a valid host range. */
static int guest_side_pa(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size, u64 *pa,
			 enum pgt_prot *prot, bool ram_only)
{
	int ret = guest_pa(g, ipa, pa, prot);

	if (!ret && (!range_ok(&h->pgt, *pa, size) || (ram_only && !host_ram(h, *pa, size))))
		ret = -EINVAL;
	return ret;
}

/* Lock order: the host, then the VM. */
static void lock_both(struct mem_host *h, struct mem_guest *g)
{
	spin_lock(&h->lock);
	spin_lock(&g->lock);
}

static void unlock_both(struct mem_host *h, struct mem_guest *g)
{
	spin_unlock(&g->lock);
	spin_unlock(&h->lock);
}

/* ---- The force-page-level rule. ----------------------------------------- */

static int default_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	u64 pte = ctx->old;

	if (pte_valid(pte))
		return pte_sw(pte) == MEM_PAGE_OWNED ? 0 : -EPERM;
	return pte_owner(pte) == MEM_OWNER_HOST ? 0 : -EPERM;
}

/*
 * Why the host's stage-2 needs this: its entries are the only record of
 * who owns a page and whether it is shared. A block is one descriptor for
 * 2 MiB or 1 GiB; any later change to one page inside it (a donation, a
 * share, the fault path mapping a neighbour) must break that descriptor
 * and rebuild the range, and a block can only hold one state. So a block
 * is used only where everything it covers is the host's default state
 * (owned by the host, not shared, default attributes, all RAM or all
 * device): such a range can be rebuilt from nothing at any time. Anything
 * else stays in level-3 entries, where a change to one page writes that
 * page's descriptor and no other, and no other page's state is ever
 * transiently invalid or lost.
 */
bool mem_host_force_pte(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw)
{
	struct mem_host *h = host_of(pgt);
	struct pgt_walker w = { .cb = default_visitor, .flags = PGT_WALK_LEAF };

	if (sw != MEM_PAGE_OWNED || !mem_host_range_uniform(h, addr, end) ||
	    prot != mem_host_default_prot(h, addr))
		return true;
	/* The entries the block would replace must all be default too. */
	return pgt_walk(pgt, addr, end - addr, &w) != 0;
}

bool mem_guest_force_pte(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw)
{
	return sw != MEM_PAGE_OWNED;
}

/* ---- Set-up. ------------------------------------------------------------ */

int mem_host_init(struct mem_host *h, u64 mmfr0, const struct plat_range *ram, u32 nr_ram,
		  const struct pgt_mm_ops *mm, u32 pgt_flags, u16 vmid)
{
	int bits = pgt_parange_to_bits((u32)FIELD_GET(ID_AA64MMFR0_EL1_PARANGE, mmfr0));
	int ret;

	if (bits < 0)
		return bits;
	if (nr_ram > PLAT_MAX_MEM)
		return -E2BIG;
	*h = (struct mem_host){ .lock = SPINLOCK_INIT, .nr_ram = nr_ram };
	for (u32 i = 0; i < nr_ram; i++)
		h->ram[i] = ram[i];
	/* The whole physical address space: the host may touch any device. */
	ret = pgt_s2_init(&h->pgt, mmfr0, (1ULL << MIN(bits, PGT_MAX_OA_BITS)) - 1, mm, pgt_flags,
			  mem_host_force_pte);
	if (ret)
		return ret;
	pgt_s2_set_vmid(&h->pgt, vmid);
	return 0;
}

int mem_host_add_guest(struct mem_host *h, struct mem_guest *g)
{
	int ret = 0;

	if (g->id < MEM_OWNER_VM_FIRST)
		return -EINVAL;
	spin_lock(&h->lock);
	for (u32 i = 0; i < h->nr_guests; i++)
		if (h->guests[i]->id == g->id)
			ret = -EEXIST;
	if (!ret && h->nr_guests == MEM_MAX_GUESTS)
		ret = -ENOSPC;
	if (!ret)
		h->guests[h->nr_guests++] = g;
	spin_unlock(&h->lock);
	return ret;
}

int mem_host_remove_guest(struct mem_host *h, struct mem_guest *g)
{
	int ret = -ENOENT;

	spin_lock(&h->lock);
	for (u32 i = 0; i < h->nr_guests; i++) {
		if (h->guests[i] != g)
			continue;
		h->guests[i] = h->guests[--h->nr_guests];
		h->guests[h->nr_guests] = NULL;
		ret = 0;
		break;
	}
	spin_unlock(&h->lock);
	return ret;
}

bool mem_host_owns_ram(struct mem_host *h, u64 pa, u64 size)
{
	bool ok;

	if (!range_ok(&h->pgt, pa, size) || !host_ram(h, pa, size))
		return false;
	spin_lock(&h->lock);
	ok = host_owns(h, pa, size) == 0;
	spin_unlock(&h->lock);
	return ok;
}

struct count_owned {
	u64 pages;
};

static int count_owned_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct count_owned *c = ctx->arg;
	u64 pte = ctx->old, a = MAX(ctx->addr, ctx->start);
	u64 end = MIN(ctx->addr + pgt_level_size(ctx->level), ctx->end);

	/* The host's: its default (owner 0), or mapped by it as owner (shared or not). */
	if (pte_valid(pte) ? pte_sw(pte) != MEM_PAGE_SHARED_BORROWED : pte_owner(pte) == MEM_OWNER_HOST)
		c->pages += (end - a) >> PAGE_SHIFT;
	return 0;
}

u64 mem_host_owned_pages(struct mem_host *h)
{
	struct count_owned c = { 0 };
	struct pgt_walker w = { .cb = count_owned_visitor, .arg = &c, .flags = PGT_WALK_LEAF };

	spin_lock(&h->lock);
	for (u32 i = 0; i < h->nr_ram; i++) {
		u64 base = ALIGN_UP(h->ram[i].base, PAGE_SIZE);
		u64 end = ALIGN_DOWN(h->ram[i].base + h->ram[i].size, PAGE_SIZE);

		if (end > base && range_ok(&h->pgt, base, end - base))
			pgt_walk(&h->pgt, base, end - base, &w);
	}
	spin_unlock(&h->lock);
	return c.pages;
}

/* ---- Transitions. ------------------------------------------------------- */

/* Records where the walk met an entry that is not the host's default. */
static int nondefault_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	int ret = default_visitor(ctx, visit);

	if (ret)
		*(u64 *)ctx->arg = ctx->addr;
	return ret;
}

/* Is there an entry in [from, to) that is not the host's default? Where: *at. */
static bool any_nondefault(struct mem_host *h, u64 from, u64 to, u64 *at)
{
	struct pgt_walker w = { .cb = nondefault_visitor, .arg = at, .flags = PGT_WALK_LEAF };

	return from < to && pgt_walk(&h->pgt, from, to - from, &w) != 0;
}

/*
 * Pages that come back to the host's default state come back at page
 * level: the donation, share or reclaim that took them split the block
 * that mapped them. Once all of a 2 MiB block around them is the host's
 * default again, its entries go: the table under it is freed (the
 * collapse in pgtable.c, with break-before-make) and the next fault maps
 * one block. Without this every VM created and destroyed leaves tables
 * from moat's pool behind, and the host on 4 KiB pages where it had
 * blocks. Called with h->lock held. h->relax_hint makes a VM's pages
 * returned one by one, in order, cost O(1) each here instead of a walk
 * of the 512 entries of their block each.
 */
static void host_relax_blocks(struct mem_host *h, u64 pa, u64 size)
{
	u64 b = ALIGN_DOWN(pa, SZ_2M), end = ALIGN_UP(pa + size, SZ_2M);
	u64 pte, at;
	u32 level;

	for (; b < end; b += SZ_2M) {
		u64 from = h->relax_hint > b && h->relax_hint < b + SZ_2M ? h->relax_hint : b;

		if (!range_ok(&h->pgt, b, SZ_2M) || !mem_host_range_uniform(h, b, b + SZ_2M))
			continue;
		/* Only where a table maps it: a block or an empty entry has nothing to free. */
		if (pgt_lookup(&h->pgt, b, &pte, &level) || level < PGT_MAX_LEVEL)
			continue;
		/* From the hint first; the part before it is checked only when the rest passed. */
		if (any_nondefault(h, from, b + SZ_2M, &at) || any_nondefault(h, b, from, &at)) {
			h->relax_hint = at;
			continue;
		}
		pgt_set_owner(&h->pgt, b, SZ_2M, MEM_OWNER_HOST, NULL);
	}
}

int mem_donate_host_to_moat(struct mem_host *h, u64 pa, u64 size)
{
	int ret;

	if (!range_ok(&h->pgt, pa, size))
		return -EINVAL;
	spin_lock(&h->lock);
	ret = host_owns(h, pa, size);
	/* Unmaps whatever the host had mapped (with TLB maintenance) and records moat. */
	ret = ret ?: pgt_set_owner(&h->pgt, pa, size, MEM_OWNER_MOAT, NULL);
	spin_unlock(&h->lock);
	return ret;
}

int mem_donate_moat_to_host(struct mem_host *h, u64 pa, u64 size)
{
	int ret;

	if (!range_ok(&h->pgt, pa, size))
		return -EINVAL;
	spin_lock(&h->lock);
	ret = annotated(&h->pgt, pa, size, MEM_OWNER_MOAT);
	/* Owner 0 is the host's default: the fault path maps it on first touch. */
	ret = ret ?: pgt_set_owner(&h->pgt, pa, size, MEM_OWNER_HOST, NULL);
	if (!ret)
		host_relax_blocks(h, pa, size);
	spin_unlock(&h->lock);
	return ret;
}

static bool guest_args_ok(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size)
{
	return range_ok(&h->pgt, pa, size) && range_ok(g->pgt, ipa, size);
}

int mem_donate_host_to_guest(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size,
			     enum pgt_prot prot)
{
	int ret;

	if (!guest_args_ok(h, g, pa, ipa, size))
		return -EINVAL;
	lock_both(h, g);
	ret = host_owns(h, pa, size);
	ret = ret ?: annotated(g->pgt, ipa, size, 0);
	ret = ret ?: pgt_map(g->pgt, ipa, size, pa, prot, MEM_PAGE_OWNED, NULL);
	if (!ret) {
		/* The host loses its mapping (TLB maintenance included) before the VM can use it. */
		ret = pgt_set_owner(&h->pgt, pa, size, g->id, NULL);
		if (ret)
			pgt_unmap(g->pgt, ipa, size, NULL);
	}
	unlock_both(h, g);
	return ret;
}

int mem_share_host_with_guest(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size,
			      enum pgt_prot prot)
{
	int ret;

	if (!guest_args_ok(h, g, pa, ipa, size) || !host_ram(h, pa, size))
		return -EINVAL;
	lock_both(h, g);
	ret = host_owns(h, pa, size);
	ret = ret ?: annotated(g->pgt, ipa, size, 0);
	/* The host's side first: its entries become page-level shared-owned mappings. */
	ret = ret ?: pgt_map(&h->pgt, pa, size, pa, mem_host_default_prot(h, pa),
			     MEM_PAGE_SHARED_OWNED, NULL);
	if (!ret) {
		ret = pgt_map(g->pgt, ipa, size, pa, prot, MEM_PAGE_SHARED_BORROWED, NULL);
		/* Back to owned; the pages stay mapped (an owned page may be). */
		if (ret)
			pgt_set_sw(&h->pgt, pa, size, MEM_PAGE_OWNED, NULL);
	}
	unlock_both(h, g);
	return ret;
}

int mem_unshare_host_from_guest(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size)
{
	enum pgt_prot prot = PGT_PROT_RW;
	u64 mapped_pa;
	int ret;

	if (!guest_args_ok(h, g, pa, ipa, size))
		return -EINVAL;
	lock_both(h, g);
	ret = guest_pa(g, ipa, &mapped_pa, &prot);
	ret = ret ?: host_mapped(h, pa, size, MEM_PAGE_SHARED_OWNED);
	ret = ret ?: guest_mapped(g, ipa, size, MEM_PAGE_SHARED_BORROWED, pa);
	/* The borrower's mapping (and its TLB entries) is gone before the owner has it alone. */
	ret = ret ?: pgt_unmap(g->pgt, ipa, size, NULL);
	if (!ret) {
		/* Shared pages are page-level (force_pte): an in-place SW-bit change needs no memory. */
		ret = pgt_set_sw(&h->pgt, pa, size, MEM_PAGE_OWNED, NULL);
		if (ret)
			pgt_map(g->pgt, ipa, size, pa, prot, MEM_PAGE_SHARED_BORROWED, NULL);
		else
			host_relax_blocks(h, pa, size);
	}
	unlock_both(h, g);
	return ret;
}

int mem_share_guest_with_host(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size)
{
	u64 pa = 0;
	int ret;

	if (!range_ok(g->pgt, ipa, size))
		return -EINVAL;
	lock_both(h, g);
	ret = guest_side_pa(h, g, ipa, size, &pa, NULL, true);
	ret = ret ?: guest_mapped(g, ipa, size, MEM_PAGE_OWNED, pa);
	ret = ret ?: annotated(&h->pgt, pa, size, g->id);
	ret = ret ?: pgt_set_sw(g->pgt, ipa, size, MEM_PAGE_SHARED_OWNED, NULL);
	if (!ret) {
		ret = pgt_map(&h->pgt, pa, size, pa, mem_host_default_prot(h, pa),
			      MEM_PAGE_SHARED_BORROWED, NULL);
		if (ret)
			pgt_set_sw(g->pgt, ipa, size, MEM_PAGE_OWNED, NULL);
	}
	unlock_both(h, g);
	return ret;
}

int mem_unshare_guest_from_host(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size)
{
	u64 pa = 0;
	int ret;

	if (!range_ok(g->pgt, ipa, size))
		return -EINVAL;
	lock_both(h, g);
	ret = guest_side_pa(h, g, ipa, size, &pa, NULL, false);
	ret = ret ?: guest_mapped(g, ipa, size, MEM_PAGE_SHARED_OWNED, pa);
	ret = ret ?: host_mapped(h, pa, size, MEM_PAGE_SHARED_BORROWED);
	/* The borrower (the host) loses its mapping first, TLB maintenance included. */
	ret = ret ?: pgt_set_owner(&h->pgt, pa, size, g->id, NULL);
	if (!ret) {
		ret = pgt_set_sw(g->pgt, ipa, size, MEM_PAGE_OWNED, NULL);
		if (ret)
			pgt_map(&h->pgt, pa, size, pa, mem_host_default_prot(h, pa),
				MEM_PAGE_SHARED_BORROWED, NULL);
	}
	unlock_both(h, g);
	return ret;
}

int mem_reclaim_guest_to_host(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size)
{
	enum pgt_prot prot = PGT_PROT_RWX;
	u64 pa = 0;
	int ret;

	if (!range_ok(g->pgt, ipa, size) || !h->scrub)
		return -EINVAL;
	lock_both(h, g);
	ret = guest_side_pa(h, g, ipa, size, &pa, &prot, false);
	ret = ret ?: guest_mapped(g, ipa, size, MEM_PAGE_OWNED, pa);
	ret = ret ?: annotated(&h->pgt, pa, size, g->id);
	ret = ret ?: pgt_unmap(g->pgt, ipa, size, NULL);
	if (!ret) {
		/* Nothing the VM wrote may reach the host: zero it while nobody maps it. */
		h->scrub(pa, size, h->scrub_arg);
		ret = pgt_set_owner(&h->pgt, pa, size, MEM_OWNER_HOST, NULL);
		if (ret)
			pgt_map(g->pgt, ipa, size, pa, prot, MEM_PAGE_OWNED, NULL);
		else
			host_relax_blocks(h, pa, size);
	}
	unlock_both(h, g);
	return ret;
}

/* ---- The checker. ------------------------------------------------------- */

struct check {
	struct mem_host *h;
	struct mem_guest *g;		/* the VM whose stage-2 is walked, NULL: the host's */
	struct mem_check_report *rep;
	u64 host_owner_pages[MEM_MAX_GUESTS];	/* host: pages annotated with guests[i]'s id */
	u64 guest_owned_pages[MEM_MAX_GUESTS];	/* guests[i]: pages it maps owned */
	u64 host_so, host_sb;		/* host: shared-owned / shared-borrowed pages */
	u64 guest_so, guest_sb;		/* all VMs together */
	int guest_idx;
};

static int check_fail(struct check *c, const char *what, u64 addr)
{
	c->rep->what = what;
	c->rep->addr = addr;
	c->rep->guest = c->g ? c->g->id : 0;
	return -EFAULT;
}

static int guest_index(const struct mem_host *h, u32 id)
{
	for (u32 i = 0; i < h->nr_guests; i++)
		if (h->guests[i]->id == id)
			return (int)i;
	return -1;
}

/* The part of leaf @ctx that lies in the walked range, in pages. */
static u64 leaf_pages(const struct pgt_visit_ctx *ctx, u64 *first)
{
	u64 a = MAX(ctx->addr, ctx->start);
	u64 end = MIN(ctx->addr + pgt_level_size(ctx->level), ctx->end);

	*first = a;
	return (end - a) >> PAGE_SHIFT;
}

static int check_host_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct check *c = ctx->arg;
	struct mem_host *h = c->h;
	u64 pte = ctx->old, a, n = leaf_pages(ctx, &a);
	u32 sw = pte_sw(pte);

	if (!pte_valid(pte)) {
		u32 owner = pte_owner(pte);
		int i;

		if (owner == MEM_OWNER_HOST || owner == MEM_OWNER_MOAT)
			return 0;
		i = guest_index(h, owner);
		if (i < 0)
			return check_fail(c, "host stage-2: owner id of no VM", a);
		c->host_owner_pages[i] += n;
		return 0;
	}
	if (pte_phys(pte, ctx->level, ctx->addr) != ctx->addr)
		return check_fail(c, "host stage-2: not an identity mapping", a);
	if (pgt_pte_prot(&h->pgt, pte) != mem_host_default_prot(h, ctx->addr) ||
	    !mem_host_range_uniform(h, ctx->addr, ctx->addr + pgt_level_size(ctx->level)))
		return check_fail(c, "host stage-2: not the default attributes", a);
	if (sw != MEM_PAGE_OWNED && ctx->level != PGT_MAX_LEVEL)
		return check_fail(c, "host stage-2: shared block (state must be per page)", a);
	if (sw == MEM_PAGE_SHARED_OWNED)
		c->host_so += n;
	else if (sw == MEM_PAGE_SHARED_BORROWED)
		c->host_sb += n;
	else if (sw != MEM_PAGE_OWNED)
		return check_fail(c, "host stage-2: unknown share state", a);
	return 0;
}

static int check_guest_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct check *c = ctx->arg;
	struct mem_host *h = c->h;
	u64 pte = ctx->old, ipa, n = leaf_pages(ctx, &ipa), pa, size;
	u32 sw = pte_sw(pte);

	if (!pte_valid(pte))
		return pte_owner(pte) ? check_fail(c, "VM stage-2: owner annotation", ipa) : 0;
	pa = pte_phys(pte, ctx->level, ipa);
	size = n << PAGE_SHIFT;
	if (!range_ok(&h->pgt, pa, size))
		return check_fail(c, "VM stage-2: maps a PA outside the host's range", ipa);
	switch (sw) {
	case MEM_PAGE_OWNED:
		if (annotated(&h->pgt, pa, size, c->g->id))
			return check_fail(c, "VM maps a page the host's stage-2 does not give it", ipa);
		c->guest_owned_pages[c->guest_idx] += n;
		return 0;
	case MEM_PAGE_SHARED_BORROWED:
		if (host_mapped(h, pa, size, MEM_PAGE_SHARED_OWNED))
			return check_fail(c, "VM borrows a page the host does not share", ipa);
		c->guest_sb += n;
		return 0;
	case MEM_PAGE_SHARED_OWNED:
		if (ctx->level != PGT_MAX_LEVEL)
			return check_fail(c, "VM stage-2: shared block (state must be per page)", ipa);
		if (host_mapped(h, pa, size, MEM_PAGE_SHARED_BORROWED))
			return check_fail(c, "VM shares a page the host does not borrow", ipa);
		c->guest_so += n;
		return 0;
	default:
		return check_fail(c, "VM stage-2: unknown share state", ipa);
	}
}

static int check_walk(struct pgtable *pgt, pgt_visitor_fn cb, struct check *c)
{
	struct pgt_walker w = { .cb = cb, .arg = c, .flags = PGT_WALK_LEAF };

	return pgt_walk(pgt, 0, 1ULL << pgt->ia_bits, &w);
}

int mem_check(struct mem_host *h, struct mem_check_report *rep)
{
	struct check c = { .h = h, .rep = rep };
	int ret;

	spin_lock(&h->lock);
	ret = check_walk(&h->pgt, check_host_visitor, &c);
	for (u32 i = 0; i < h->nr_guests && !ret; i++) {
		c.g = h->guests[i];
		c.guest_idx = (int)i;
		spin_lock(&c.g->lock);
		ret = check_walk(c.g->pgt, check_guest_visitor, &c);
		if (!ret && c.host_owner_pages[i] != c.guest_owned_pages[i])
			ret = check_fail(&c, "pages the host records for a VM != pages it maps", 0);
		spin_unlock(&c.g->lock);
	}
	c.g = NULL;
	/* Every shared page has its borrower, every borrowed page its owner. */
	if (!ret && c.host_so != c.guest_sb)
		ret = check_fail(&c, "host shares pages no VM borrows", 0);
	if (!ret && c.host_sb != c.guest_so)
		ret = check_fail(&c, "host borrows pages no VM shares", 0);
	spin_unlock(&h->lock);
	return ret;
}
