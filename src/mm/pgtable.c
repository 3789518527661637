// SPDX-License-Identifier: MIT
/*
 * The page-table walker and the operations built on it. Stage-2 geometry
 * and VTCR_EL2 live in pgtable_s2.c. Design notes: docs/pgtable.md.
 */
#include "mm/pgtable.h"
#include "lib/err.h"
#include "arch/barrier.h"
#include "arch/tlb.h"
#include "arch/cache.h"

/* Above this many entries changed in one run, one whole-VMID/EL2 flush. */
#define TLBI_BATCH_MAX	16

/* Bits that may not change without break-before-make (besides OA / size). */
#define PTE_BBM_ATTRS	(GENMASK(5, 2) | PTE_SH)

/* ---- Small helpers. ----------------------------------------------------- */

static inline u64 *table_va(const struct pgtable *pgt, u64 pte)
{
	return pgt->mm->phys_to_virt(pte & PTE_OA, pgt->mm->arg);
}

static inline u64 table_pte(const struct pgtable *pgt, u64 *table)
{
	return (pgt->mm->virt_to_phys(table, pgt->mm->arg) & PTE_OA) | PTE_TYPE | PTE_VALID;
}

/* @attrs: leaf attributes without OA/type/valid. */
static inline u64 leaf_pte(u64 attrs, u64 pa, u32 level)
{
	return attrs | (pa & PTE_OA) | (level == PGT_MAX_LEVEL ? PTE_TYPE : 0) | PTE_VALID;
}

static inline u64 leaf_attrs(u64 pte)
{
	return pte & ~(PTE_OA | PTE_TYPE | PTE_VALID);
}

/* Block output address (the OA of the entry's first byte). */
static inline u64 leaf_oa(u64 pte, u32 level)
{
	return pte & PTE_OA & ~(pgt_level_size(level) - 1);
}

static inline u64 root_entries(const struct pgtable *pgt)
{
	return 1ULL << (pgt->ia_bits - pgt_level_shift(pgt->start_level));
}

/* Make stores to descriptors visible to a walker that does not snoop. */
static inline void sync_ptes(const struct pgtable *pgt, u64 *ptep, u64 n)
{
	if (pgt->flags & PGT_F_NONCOHERENT)
		dcache_clean_poc(ptep, n * sizeof(u64));
}

static void tlb_flush_leaf(const struct pgtable *pgt, u64 addr, u32 level)
{
	if (pgt->stage == PGT_STAGE2)
		tlbi_ipas2e1is(pgt->vttbr, addr, level);
	else
		tlbi_vae2is(addr, level);
}

/* Everything: also walk-cache entries left by a removed table entry. */
static void tlb_flush_all(const struct pgtable *pgt)
{
	if (pgt->stage == PGT_STAGE2)
		tlbi_vmalls12e1is(pgt->vttbr);
	else
		tlbi_alle2is();
}

/*
 * Break: make *ptep invalid and complete the invalidation of every TLB
 * entry it may have produced; afterwards a new entry may be written.
 */
static void pte_break(const struct pgtable *pgt, u64 *ptep, u64 addr, u32 level, bool table)
{
	pte_store(ptep, 0);
	sync_ptes(pgt, ptep, 1);
	dsb(ishst);
	if (table)
		tlb_flush_all(pgt);
	else
		tlb_flush_leaf(pgt, addr, level);
	dsb(ish);
	isb();
}

/* ---- The walker. -------------------------------------------------------- */

struct walk {
	struct pgtable *pgt;
	const struct pgt_walker *w;
	u64 start, end;
};

static int walk_table(const struct walk *wk, u64 *table, u32 level, u64 base, u64 nr)
{
	const struct pgt_walker *w = wk->w;
	u32 shift = pgt_level_shift(level);
	u64 table_end = base + (nr << shift);
	u64 end = MIN(wk->end, table_end);
	u64 idx = (MAX(wk->start, base) - base) >> shift;
	int ret;

	/* A last-level table holds only leaves: nothing to do if they are not visited. */
	if (level == PGT_MAX_LEVEL && !(w->flags & PGT_WALK_LEAF))
		return 0;
	for (; idx < nr; idx++) {
		struct pgt_visit_ctx ctx = {
			.pgt = wk->pgt, .ptep = &table[idx], .addr = base + (idx << shift),
			.start = wk->start, .end = wk->end, .table_end = table_end,
			.level = level, .arg = w->arg, .consumed = 1,
		};

		if (ctx.addr >= end)
			break;
		ctx.old = READ_ONCE(*ctx.ptep);
		if (!pte_is_table(ctx.old, level)) {
			if (!(w->flags & PGT_WALK_LEAF))
				continue;
			ret = w->cb(&ctx, PGT_WALK_LEAF);
			if (ret)
				return ret;
			ctx.old = READ_ONCE(*ctx.ptep);
			if (!pte_is_table(ctx.old, level)) {
				idx += ctx.consumed - 1;
				continue;
			}
			/* The visitor installed a table: go into it. */
		} else if (w->flags & PGT_WALK_TABLE_PRE) {
			ret = w->cb(&ctx, PGT_WALK_TABLE_PRE);
			if (ret)
				return ret;
			ctx.old = READ_ONCE(*ctx.ptep);
			if (ctx.skip || !pte_is_table(ctx.old, level))
				continue;
		}
		ret = walk_table(wk, table_va(wk->pgt, ctx.old), level + 1, ctx.addr,
				 PGT_PTRS_PER_TABLE);
		if (ret)
			return ret;
		if (w->flags & PGT_WALK_TABLE_POST) {
			ctx.old = READ_ONCE(*ctx.ptep);
			if (pte_is_table(ctx.old, level)) {
				ret = w->cb(&ctx, PGT_WALK_TABLE_POST);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

static int check_range(const struct pgtable *pgt, u64 addr, u64 size)
{
	if (!size || !IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE))
		return -EINVAL;
	if (addr + size < addr || addr + size > (1ULL << pgt->ia_bits))
		return -EINVAL;
	return 0;
}

int pgt_walk(struct pgtable *pgt, u64 addr, u64 size, const struct pgt_walker *w)
{
	struct walk wk = { .pgt = pgt, .w = w, .start = addr, .end = addr + size };
	int ret = check_range(pgt, addr, size);

	if (ret)
		return ret;
	return walk_table(&wk, pgt->pgd, pgt->start_level, 0, root_entries(pgt));
}

/* ---- Freeing tables. ---------------------------------------------------- */

static void free_table_page(const struct pgtable *pgt, u64 *table)
{
	pgt->mm->free_page(table, pgt->mm->arg);
}

static int destroy_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	free_table_page(ctx->pgt, table_va(ctx->pgt, ctx->old));
	*ctx->ptep = 0;		/* unreachable already: no maintenance */
	return 0;
}

static const struct pgt_walker destroy_walker = {
	.cb = destroy_visitor, .flags = PGT_WALK_TABLE_POST,
};

/* Free @table (at @level, covering input addresses from @base) and all below. */
static void free_subtree(struct pgtable *pgt, u64 *table, u32 level, u64 base)
{
	struct walk wk = {
		.pgt = pgt, .w = &destroy_walker,
		.start = base, .end = base + pgt_level_size(level - 1),
	};

	if (level < PGT_MAX_LEVEL)
		walk_table(&wk, table, level, base, PGT_PTRS_PER_TABLE);
	free_table_page(pgt, table);
}

void pgt_destroy(struct pgtable *pgt)
{
	struct walk wk = {
		.pgt = pgt, .w = &destroy_walker, .start = 0, .end = 1ULL << pgt->ia_bits,
	};

	if (!pgt->pgd)
		return;
	walk_table(&wk, pgt->pgd, pgt->start_level, 0, root_entries(pgt));
	if (pgt->nr_concat > 1)
		pgt->mm->free_contig(pgt->pgd, pgt->nr_concat * PAGE_SIZE, pgt->mm->arg);
	else
		pgt->mm->free_page(pgt->pgd, pgt->mm->arg);
	pgt->pgd = NULL;
}

/* ---- Pages reserved for one operation. ---------------------------------- */

/*
 * An operation first counts the table pages it will need (a dry-run walk),
 * then reserves all of them, then changes the table: running out of memory
 * is found before anything changed. Reserved pages are chained through their
 * first word; every page handed out is zero.
 */
struct pool {
	struct pgt_memcache *mc;
	void *list;
	u64 nr;
};

static void pool_release(const struct pgtable *pgt, struct pool *pool)
{
	while (pool->list) {
		void *p = pool->list;

		pool->list = *(void **)p;
		pgt->mm->free_page(p, pgt->mm->arg);
	}
	pool->nr = 0;
}

static int pool_reserve(const struct pgtable *pgt, struct pool *pool, struct pgt_memcache *mc, u64 n)
{
	pool->mc = mc;
	pool->list = NULL;
	pool->nr = 0;
	if (mc)
		return mc->nr >= n ? 0 : -ENOMEM;
	while (pool->nr < n) {
		void *p = pgt->mm->zalloc_page(pgt->mm->arg);

		if (!p) {
			pool_release(pgt, pool);
			return -ENOMEM;
		}
		*(void **)p = pool->list;
		pool->list = p;
		pool->nr++;
	}
	return 0;
}

static u64 *pool_take(struct pool *pool)
{
	u64 *p;

	if (pool->mc)
		return pool->mc->nr ? pool->mc->pages[--pool->mc->nr] : NULL;
	p = pool->list;
	if (p) {
		pool->list = *(void **)p;
		pool->nr--;
		p[0] = 0;
	}
	return p;
}

/* ---- Operations. -------------------------------------------------------- */

enum op_kind {
	OP_SET,		/* map, unmap, set_owner: every entry in range gets a new value */
	OP_ATTR,	/* update attributes of valid leaves */
};

struct op {
	struct pgtable *pgt;
	enum op_kind kind;
	u64 start, end;
	bool valid;		/* OP_SET: installs valid leaves (map) */
	u64 tmpl;		/* OP_SET: leaf attributes (map) or the invalid value */
	u64 phys;		/* OP_SET map: output address of start */
	enum pgt_prot prot;
	u64 set, clr;		/* OP_ATTR */
	u64 need;		/* dry run: table pages needed */
	struct pool pool;
};

static inline bool covers(const struct op *op, u64 addr, u32 level)
{
	return addr >= op->start && addr + pgt_level_size(level) <= op->end;
}

/* May the entry at @addr/@level become one leaf of the OP_SET operation? */
static bool leaf_ok(const struct op *op, u64 addr, u32 level)
{
	u64 size = pgt_level_size(level);

	if (!covers(op, addr, level))
		return false;
	if (!op->valid || level == PGT_MAX_LEVEL)
		return true;
	if (level < PGT_MIN_BLOCK_LEVEL)
		return false;
	if (!IS_ALIGNED(op->phys + (addr - op->start), size))
		return false;
	return !(op->pgt->force_pte &&
		 op->pgt->force_pte(op->pgt, addr, addr + size, op->prot,
				    (u32)FIELD_GET(PTE_SW_STATE, op->tmpl)));
}

static inline u64 set_value(const struct op *op, u64 addr, u32 level)
{
	return op->valid ? leaf_pte(op->tmpl, op->phys + (addr - op->start), level) : op->tmpl;
}

/* The entry at offset @off inside non-table @old once @old is split to @level. */
static inline u64 piece(u64 old, u32 level, u64 off)
{
	if (!pte_valid(old))
		return old;
	return leaf_pte(leaf_attrs(old), leaf_oa(old, level - 1) + off, level);
}

/*
 * Table pages the operation allocates below the non-table entry @old at
 * @addr/@level: a new table when the entry cannot take the operation as a
 * whole, plus what its children need in turn.
 */
static u64 count_below(const struct op *op, u64 addr, u32 level, u64 old)
{
	u64 csize, c, end, n;

	if (op->kind == OP_SET) {
		if (leaf_ok(op, addr, level) || (!op->valid && old == op->tmpl))
			return 0;
	} else if (!pte_valid(old) || covers(op, addr, level)) {
		return 0;
	}
	if (level >= PGT_MAX_LEVEL - 1)
		return level < PGT_MAX_LEVEL;	/* level-3 entries never need a table */
	n = 1;
	csize = pgt_level_size(level + 1);
	end = MIN(op->end, addr + pgt_level_size(level));
	for (c = ALIGN_DOWN(MAX(op->start, addr), csize); c < end; c += csize)
		n += count_below(op, c, level + 1, piece(old, level + 1, c - addr));
	return n;
}

static int count_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct op *op = ctx->arg;

	if (visit == PGT_WALK_TABLE_PRE) {
		/* OP_SET replaces a table it covers whole by one leaf. */
		ctx->skip = op->kind == OP_SET && leaf_ok(op, ctx->addr, ctx->level);
		return 0;
	}
	if (ctx->level == PGT_MAX_LEVEL) {
		ctx->consumed = (MIN(ctx->end, ctx->table_end) - ctx->addr) >> PGT_GRANULE_SHIFT;
		return 0;
	}
	op->need += count_below(op, ctx->addr, ctx->level, ctx->old);
	return 0;
}

/*
 * Replace the non-table entry with a table holding its pieces (the same
 * translation, or the same invalid annotation, one level down). The table
 * is complete before it becomes visible; a valid entry is broken first.
 */
static int split(struct op *op, struct pgt_visit_ctx *ctx)
{
	struct pgtable *pgt = op->pgt;
	u64 *child = pool_take(&op->pool);
	u64 csize = pgt_level_size(ctx->level + 1);
	u64 i;

	if (!child)
		return -ENOMEM;	/* cannot happen: the dry run reserved enough */
	if (ctx->old) {
		for (i = 0; i < PGT_PTRS_PER_TABLE; i++)
			child[i] = piece(ctx->old, ctx->level + 1, i * csize);
	}
	sync_ptes(pgt, child, PGT_PTRS_PER_TABLE);
	if (pte_valid(ctx->old))
		pte_break(pgt, ctx->ptep, ctx->addr, ctx->level, false);
	else
		dsb(ishst);	/* the table's contents before the pointer to it */
	pte_store(ctx->ptep, table_pte(pgt, child));
	sync_ptes(pgt, ctx->ptep, 1);
	return 0;
}

/* Flush the TLB entries of @nr changed leaves listed in @addrs (or all). */
static void flush_batch(const struct pgtable *pgt, const u64 *addrs, u64 nr, u32 level)
{
	u64 i;

	dsb(ishst);
	if (nr > TLBI_BATCH_MAX) {
		tlb_flush_all(pgt);
	} else {
		for (i = 0; i < nr; i++)
			tlb_flush_leaf(pgt, addrs[i], level);
	}
	dsb(ish);
	isb();
}

/*
 * OP_SET on @n consecutive entries from @ptep, each covered whole and none
 * a table: break the valid ones (one batched TLB flush), then write all.
 */
static void set_run(struct op *op, u64 *ptep, u64 n, u64 addr, u32 level)
{
	const struct pgtable *pgt = op->pgt;
	u64 size = pgt_level_size(level);
	u64 flush[TLBI_BATCH_MAX];
	u64 i, nr_valid = 0;

	for (i = 0; i < n; i++) {
		if (!pte_valid(ptep[i]))
			continue;
		pte_store(&ptep[i], op->valid ? 0 : op->tmpl);
		if (nr_valid < TLBI_BATCH_MAX)
			flush[nr_valid] = addr + i * size;
		nr_valid++;
	}
	if (nr_valid) {
		sync_ptes(pgt, ptep, n);
		flush_batch(pgt, flush, nr_valid, level);
	}
	if (op->valid) {
		u64 pte = set_value(op, addr, level);

		for (i = 0; i < n; i++, pte += size)
			pte_store(&ptep[i], pte);
	} else {
		for (i = 0; i < n; i++)
			pte_store(&ptep[i], op->tmpl);
	}
	sync_ptes(pgt, ptep, n);
}

/* Number of entries from the visited one that the operation covers whole. */
static inline u64 run_length(const struct pgt_visit_ctx *ctx)
{
	return (MIN(ctx->end, ctx->table_end) - ctx->addr) >> pgt_level_shift(ctx->level);
}

/* After an invalidating OP_SET: a table whose entries are all one invalid value goes. */
static void try_collapse(struct op *op, struct pgt_visit_ctx *ctx)
{
	u64 *child = table_va(op->pgt, ctx->old);
	u64 v = child[0];
	u64 i;

	if (pte_valid(v))
		return;
	for (i = 1; i < PGT_PTRS_PER_TABLE; i++)
		if (child[i] != v)
			return;
	pte_break(op->pgt, ctx->ptep, ctx->addr, ctx->level, true);
	free_table_page(op->pgt, child);
	if (v) {
		pte_store(ctx->ptep, v);
		sync_ptes(op->pgt, ctx->ptep, 1);
	}
}

static int set_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct op *op = ctx->arg;
	u32 level = ctx->level;
	u64 n;

	switch (visit) {
	case PGT_WALK_TABLE_PRE:
		if (!leaf_ok(op, ctx->addr, level))
			return 0;
		/* Covered whole: the table and everything below become one leaf. */
		pte_break(op->pgt, ctx->ptep, ctx->addr, level, true);
		free_subtree(op->pgt, table_va(op->pgt, ctx->old), level + 1, ctx->addr);
		if (op->valid || op->tmpl) {
			pte_store(ctx->ptep, set_value(op, ctx->addr, level));
			sync_ptes(op->pgt, ctx->ptep, 1);
		}
		return 0;
	case PGT_WALK_TABLE_POST:
		if (!op->valid)
			try_collapse(op, ctx);
		return 0;
	default:
		break;
	}

	if (leaf_ok(op, ctx->addr, level)) {
		n = 1;
		if (level == PGT_MAX_LEVEL) {
			n = run_length(ctx);
		} else if (!op->valid) {
			u64 max = run_length(ctx);

			while (n < max && !pte_is_table(ctx->ptep[n], level))
				n++;
		}
		set_run(op, ctx->ptep, n, ctx->addr, level);
		ctx->consumed = (u32)n;
		return 0;
	}
	if (!op->valid && ctx->old == op->tmpl)
		return 0;	/* already what the covered part should be */
	return split(op, ctx);
}

/* OP_ATTR on up to @n valid-or-not consecutive leaves, each covered whole. */
static void attr_run(struct op *op, u64 *ptep, u64 n, u64 addr, u32 level)
{
	const struct pgtable *pgt = op->pgt;
	u64 size = pgt_level_size(level);
	u64 flush[TLBI_BATCH_MAX];
	u64 i, nr = 0;

	for (i = 0; i < n; i++) {
		u64 old = ptep[i], new;

		if (!pte_valid(old))
			continue;
		new = (old & ~op->clr) | op->set;
		if (new == old)
			continue;
		if ((old ^ new) & PTE_BBM_ATTRS) {
			/* Memory type or shareability: break-before-make. */
			pte_break(pgt, &ptep[i], addr + i * size, level, false);
			pte_store(&ptep[i], new);
			sync_ptes(pgt, &ptep[i], 1);
			continue;
		}
		pte_store(&ptep[i], new);
		if (nr < TLBI_BATCH_MAX)
			flush[nr] = addr + i * size;
		nr++;
	}
	if (nr) {
		sync_ptes(pgt, ptep, n);
		flush_batch(pgt, flush, nr, level);
	}
}

static int attr_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct op *op = ctx->arg;

	if (ctx->level == PGT_MAX_LEVEL) {
		u64 n = run_length(ctx);

		attr_run(op, ctx->ptep, n, ctx->addr, ctx->level);
		ctx->consumed = (u32)n;
		return 0;
	}
	if (!pte_valid(ctx->old))
		return 0;
	if (covers(op, ctx->addr, ctx->level)) {
		attr_run(op, ctx->ptep, 1, ctx->addr, ctx->level);
		return 0;
	}
	return split(op, ctx);
}

static int run_op(struct op *op, u64 addr, u64 size, struct pgt_memcache *mc)
{
	struct pgt_walker count = {
		.cb = count_visitor, .arg = op, .flags = PGT_WALK_LEAF | PGT_WALK_TABLE_PRE,
	};
	struct pgt_walker real = { .arg = op };
	int ret = check_range(op->pgt, addr, size);

	if (ret)
		return ret;
	op->start = addr;
	op->end = addr + size;
	op->need = 0;
	ret = pgt_walk(op->pgt, addr, size, &count);
	if (ret)
		return ret;
	ret = pool_reserve(op->pgt, &op->pool, mc, op->need);
	if (ret)
		return ret;
	if (op->kind == OP_SET) {
		real.cb = set_visitor;
		real.flags = PGT_WALK_LEAF | PGT_WALK_TABLE_PRE |
			     (op->valid ? 0 : PGT_WALK_TABLE_POST);
	} else {
		real.cb = attr_visitor;
		real.flags = PGT_WALK_LEAF;
	}
	ret = pgt_walk(op->pgt, addr, size, &real);
	pool_release(op->pgt, &op->pool);
	/* New entries visible to walkers before the caller relies on them. */
	dsb(ishst);
	isb();
	return ret;
}

u64 pgt_prot_attrs(const struct pgtable *pgt, enum pgt_prot prot)
{
	bool dev = prot & PGT_PROT_DEVICE;
	u64 a = PTE_AF | FIELD_PREP(PTE_SH, PTE_SH_INNER);

	if (pgt->stage == PGT_STAGE1_EL2) {
		a |= PTE_S1_AP_RES1;
		a |= FIELD_PREP(PTE_S1_ATTRINDX, dev ? MAIR_IDX_DEVICE_nGnRE : MAIR_IDX_NORMAL);
		if (!(prot & PGT_PROT_W))
			a |= PTE_S1_AP_RO;
		if (!(prot & PGT_PROT_X))
			a |= PTE_S1_XN;
		return a;
	}
	if (pgt->flags & PGT_F_S2FWB)
		a |= FIELD_PREP(PTE_S2_MEMATTR, dev ? S2FWB_MEMATTR_DEVICE_nGnRE : S2FWB_MEMATTR_NORMAL_WB);
	else
		a |= FIELD_PREP(PTE_S2_MEMATTR, dev ? S2_MEMATTR_DEVICE_nGnRE : S2_MEMATTR_NORMAL_WB);
	if (prot & PGT_PROT_R)
		a |= PTE_S2_AP_R;
	if (prot & PGT_PROT_W)
		a |= PTE_S2_AP_W;
	if (!(prot & PGT_PROT_X))
		a |= PTE_S2_XN;
	return a;
}

enum pgt_prot pgt_pte_prot(const struct pgtable *pgt, u64 pte)
{
	u32 prot = 0;

	if (!pte_valid(pte))
		return 0;
	if (pgt->stage == PGT_STAGE1_EL2) {
		prot = PGT_PROT_R;
		if (!(pte & PTE_S1_AP_RO))
			prot |= PGT_PROT_W;
		if (!(pte & PTE_S1_XN))
			prot |= PGT_PROT_X;
		if (FIELD_GET(PTE_S1_ATTRINDX, pte) == MAIR_IDX_DEVICE_nGnRE)
			prot |= PGT_PROT_DEVICE;
		return prot;
	}
	if (pte & PTE_S2_AP_R)
		prot |= PGT_PROT_R;
	if (pte & PTE_S2_AP_W)
		prot |= PGT_PROT_W;
	if (!(pte & PTE_S2_XN))
		prot |= PGT_PROT_X;
	if (FIELD_GET(PTE_S2_MEMATTR, pte) == ((pgt->flags & PGT_F_S2FWB) ?
			S2FWB_MEMATTR_DEVICE_nGnRE : S2_MEMATTR_DEVICE_nGnRE))
		prot |= PGT_PROT_DEVICE;
	return prot;
}

int pgt_map(struct pgtable *pgt, u64 addr, u64 size, u64 phys, enum pgt_prot prot,
	    u32 sw, struct pgt_memcache *mc)
{
	struct op op = { .pgt = pgt, .kind = OP_SET, .valid = true, .phys = phys, .prot = prot };

	if (!IS_ALIGNED(phys, PAGE_SIZE) || phys + size < phys ||
	    phys + size > (1ULL << PGT_MAX_OA_BITS) || sw > FIELD_GET(PTE_SW_STATE, ~0ULL))
		return -EINVAL;
	if (pgt->stage == PGT_STAGE1_EL2)
		op.prot |= PGT_PROT_R;	/* EL2 stage-1 cannot express no-read */
	op.tmpl = pgt_prot_attrs(pgt, op.prot) | FIELD_PREP(PTE_SW_STATE, sw);
	return run_op(&op, addr, size, mc);
}

int pgt_set_owner(struct pgtable *pgt, u64 addr, u64 size, u32 owner, struct pgt_memcache *mc)
{
	struct op op = { .pgt = pgt, .kind = OP_SET, .valid = false };

	if (owner > FIELD_GET(PTE_INVALID_OWNER, ~0ULL))
		return -EINVAL;
	op.tmpl = FIELD_PREP(PTE_INVALID_OWNER, owner);
	return run_op(&op, addr, size, mc);
}

int pgt_unmap(struct pgtable *pgt, u64 addr, u64 size, struct pgt_memcache *mc)
{
	return pgt_set_owner(pgt, addr, size, 0, mc);
}

int pgt_update_attrs(struct pgtable *pgt, u64 addr, u64 size, u64 set, u64 clr,
		     struct pgt_memcache *mc)
{
	struct op op = { .pgt = pgt, .kind = OP_ATTR, .set = set, .clr = clr };

	if ((set | clr) & ~PTE_LEAF_ATTRS)
		return -EINVAL;
	return run_op(&op, addr, size, mc);
}

int pgt_set_prot(struct pgtable *pgt, u64 addr, u64 size, enum pgt_prot prot, struct pgt_memcache *mc)
{
	u64 mask = pgt->stage == PGT_STAGE2 ?
		(PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN | PTE_S2_MEMATTR) :
		(PTE_S1_AP_RO | PTE_S1_XN | PTE_S1_ATTRINDX);

	if (pgt->stage == PGT_STAGE1_EL2)
		prot |= PGT_PROT_R;
	return pgt_update_attrs(pgt, addr, size, pgt_prot_attrs(pgt, prot) & mask, mask, mc);
}

int pgt_set_sw(struct pgtable *pgt, u64 addr, u64 size, u32 sw, struct pgt_memcache *mc)
{
	if (sw > FIELD_GET(PTE_SW_STATE, ~0ULL))
		return -EINVAL;
	return pgt_update_attrs(pgt, addr, size, FIELD_PREP(PTE_SW_STATE, sw), PTE_SW_STATE, mc);
}

int pgt_set_af(struct pgtable *pgt, u64 addr, u64 size, bool young, struct pgt_memcache *mc)
{
	return pgt_update_attrs(pgt, addr, size, young ? PTE_AF : 0, PTE_AF, mc);
}

/*
 * One address: straight down from the start level, no visitor (the walker
 * costs a few hundred instructions for one page; hot paths such as a
 * hosted vCPU's run-page check look pages up one at a time). The start
 * level's concatenated tables are indexed as one.
 */
int pgt_lookup(struct pgtable *pgt, u64 addr, u64 *pte, u32 *level)
{
	u64 a = ALIGN_DOWN(addr, PAGE_SIZE), e;
	u32 l = pgt->start_level;
	int ret = check_range(pgt, a, PAGE_SIZE);

	if (ret)
		return ret;
	e = READ_ONCE(pgt->pgd[a >> pgt_level_shift(l)]);
	while (pte_is_table(e, l)) {
		l++;
		e = READ_ONCE(table_va(pgt, e)[(a >> pgt_level_shift(l)) & (PGT_PTRS_PER_TABLE - 1)]);
	}
	if (pte)
		*pte = e;
	if (level)
		*level = l;
	return 0;
}

/* ---- Memcache. ---------------------------------------------------------- */

int pgt_memcache_topup(struct pgt_memcache *mc, u32 nr, const struct pgt_mm_ops *mm)
{
	nr = MIN(nr, (u32)PGT_MEMCACHE_PAGES);
	while (mc->nr < nr) {
		void *p = mm->zalloc_page(mm->arg);

		if (!p)
			return -ENOMEM;
		mc->pages[mc->nr++] = p;
	}
	return 0;
}

void pgt_memcache_drain(struct pgt_memcache *mc, const struct pgt_mm_ops *mm)
{
	while (mc->nr)
		mm->free_page(mc->pages[--mc->nr], mm->arg);
}
