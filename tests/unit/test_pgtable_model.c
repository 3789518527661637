// SPDX-License-Identifier: MIT
/* Test allocator, reference model and table checks (see the header). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_pgtable_model.h"

struct test_alloc talloc = { .fail_after = -1 };

void talloc_reset(void)
{
	talloc.live = 0;
	talloc.allocs = 0;
	talloc.fail_after = -1;
}

static void *t_alloc(size_t size)
{
	void *p;

	if (talloc.fail_after >= 0 && talloc.allocs >= talloc.fail_after)
		return NULL;
	p = aligned_alloc(size, size);
	if (!p)
		abort();
	memset(p, 0, size);
	talloc.allocs++;
	talloc.live += (long)(size / PAGE_SIZE);
	return p;
}

static void *t_zalloc_page(void *arg)
{
	return t_alloc(PAGE_SIZE);
}

static void t_free_page(void *p, void *arg)
{
	talloc.live--;
	free(p);
}

static void *t_zalloc_contig(size_t size, void *arg)
{
	return t_alloc(size);
}

static void t_free_contig(void *p, size_t size, void *arg)
{
	talloc.live -= (long)(size / PAGE_SIZE);
	free(p);
}

static void *t_phys_to_virt(u64 pa, void *arg)
{
	return (void *)(uintptr_t)pa;
}

static u64 t_virt_to_phys(void *va, void *arg)
{
	return (u64)(uintptr_t)va;
}

const struct pgt_mm_ops test_mm = {
	.zalloc_page = t_zalloc_page, .free_page = t_free_page,
	.phys_to_virt = t_phys_to_virt, .virt_to_phys = t_virt_to_phys,
	.zalloc_contig = t_zalloc_contig, .free_contig = t_free_contig,
};

/* ---- Model. ---- */

void model_init(struct model *m, u64 limit)
{
	memset(m, 0, sizeof(*m));
	m->limit = limit;
}

void model_free(struct model *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static size_t find_first_end_after(const struct model *m, u64 addr)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {		/* first entry with end > addr */
		size_t mid = (lo + hi) / 2;

		if (m->e[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void insert_at(struct model *m, size_t i, struct model_ent e)
{
	if (m->nr == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->e = realloc(m->e, m->cap * sizeof(*m->e));
		if (!m->e)
			abort();
	}
	memmove(&m->e[i + 1], &m->e[i], (m->nr - i) * sizeof(*m->e));
	m->e[i] = e;
	m->nr++;
}

/* Make @x an interval boundary. */
static void split_at(struct model *m, u64 x)
{
	size_t i = find_first_end_after(m, x);
	struct model_ent hi;

	if (i == m->nr || m->e[i].start >= x)
		return;
	hi = m->e[i];
	hi.start = x;
	if (hi.kind == M_MAPPED)
		hi.pa += x - m->e[i].start;
	m->e[i].end = x;
	insert_at(m, i + 1, hi);
}

static void assign(struct model *m, u64 addr, u64 size, struct model_ent e)
{
	u64 end = addr + size;
	size_t i, j;

	split_at(m, addr);
	split_at(m, end);
	i = find_first_end_after(m, addr);
	for (j = i; j < m->nr && m->e[j].start < end; j++)
		;
	if (j > i) {
		memmove(&m->e[i], &m->e[j], (m->nr - j) * sizeof(*m->e));
		m->nr -= j - i;
	}
	if (e.kind != M_NONE) {
		e.start = addr;
		e.end = end;
		insert_at(m, i, e);
	}
}

void model_map(struct model *m, u64 addr, u64 size, u64 pa, u32 prot, u32 sw)
{
	assign(m, addr, size, (struct model_ent){ .kind = M_MAPPED, .pa = pa, .prot = prot,
						  .sw = sw, .af = true });
}

void model_owner(struct model *m, u64 addr, u64 size, u32 owner)
{
	assign(m, addr, size, (struct model_ent){ .kind = owner ? M_OWNED : M_NONE, .owner = owner });
}

enum attr_field { A_PROT, A_SW, A_AF };

static void model_attr(struct model *m, u64 addr, u64 size, enum attr_field f, u32 v)
{
	u64 end = addr + size;
	size_t i;

	split_at(m, addr);
	split_at(m, end);
	for (i = find_first_end_after(m, addr); i < m->nr && m->e[i].start < end; i++) {
		if (m->e[i].kind != M_MAPPED)
			continue;
		if (f == A_PROT)
			m->e[i].prot = v;
		else if (f == A_SW)
			m->e[i].sw = v;
		else
			m->e[i].af = v;
	}
}

void model_set_prot(struct model *m, u64 addr, u64 size, u32 prot)
{
	model_attr(m, addr, size, A_PROT, prot);
}

void model_set_sw(struct model *m, u64 addr, u64 size, u32 sw)
{
	model_attr(m, addr, size, A_SW, sw);
}

void model_set_af(struct model *m, u64 addr, u64 size, bool af)
{
	model_attr(m, addr, size, A_AF, af);
}

struct model_ent model_get(const struct model *m, u64 addr)
{
	size_t i = find_first_end_after(m, addr);
	struct model_ent e;

	if (i == m->nr || m->e[i].start > addr)
		return (struct model_ent){ .kind = M_NONE, .start = addr, .end = addr + PAGE_SIZE };
	e = m->e[i];
	if (e.kind == M_MAPPED)
		e.pa += ALIGN_DOWN(addr, PAGE_SIZE) - e.start;
	return e;
}

/* ---- Checks. ---- */

static char msg[256];

static const char *compare(const struct pgtable *pgt, u64 pte, u32 level, u64 addr,
			   const struct model_ent *e)
{
	if (!pte_valid(pte)) {
		u32 want = e->kind == M_OWNED ? e->owner : 0;

		if (e->kind == M_MAPPED)
			snprintf(msg, sizeof(msg), "%#llx: invalid (pte %#llx L%u), model mapped to %#llx",
				 (unsigned long long)addr, (unsigned long long)pte, level,
				 (unsigned long long)e->pa);
		else if (pte_owner(pte) != want || (pte & ~PTE_INVALID_OWNER))
			snprintf(msg, sizeof(msg), "%#llx: owner %u (pte %#llx L%u), model %u",
				 (unsigned long long)addr, pte_owner(pte), (unsigned long long)pte,
				 level, want);
		else
			return NULL;
		return msg;
	}
	if (e->kind != M_MAPPED) {
		snprintf(msg, sizeof(msg), "%#llx: mapped (pte %#llx L%u), model %s %u",
			 (unsigned long long)addr, (unsigned long long)pte, level,
			 e->kind == M_OWNED ? "owned by" : "empty", e->owner);
		return msg;
	}
	if (level < PGT_MAX_LEVEL && (pte & PTE_TYPE)) {
		snprintf(msg, sizeof(msg), "%#llx: table where a leaf was expected", (unsigned long long)addr);
		return msg;
	}
	if (level == PGT_MAX_LEVEL && !(pte & PTE_TYPE)) {
		snprintf(msg, sizeof(msg), "%#llx: level-3 entry without the page bit", (unsigned long long)addr);
		return msg;
	}
	if (pte_phys(pte, level, addr) != e->pa || pgt_pte_prot(pgt, pte) != e->prot ||
	    pte_sw(pte) != e->sw || !!(pte & PTE_AF) != e->af) {
		snprintf(msg, sizeof(msg),
			 "%#llx: pte %#llx L%u -> pa %#llx prot %x sw %u af %d; model pa %#llx prot %x sw %u af %d",
			 (unsigned long long)addr, (unsigned long long)pte, level,
			 (unsigned long long)pte_phys(pte, level, addr), pgt_pte_prot(pgt, pte),
			 pte_sw(pte), !!(pte & PTE_AF), (unsigned long long)e->pa, e->prot, e->sw, e->af);
		return msg;
	}
	return NULL;
}

const char *check_addr(struct pgtable *pgt, const struct model *m, u64 addr)
{
	u64 pte;
	u32 level;
	struct model_ent e;

	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (pgt_lookup(pgt, addr, &pte, &level)) {
		snprintf(msg, sizeof(msg), "%#llx: lookup failed", (unsigned long long)addr);
		return msg;
	}
	e = model_get(m, addr);
	return compare(pgt, pte, level, addr, &e);
}

struct check_all_state {
	const struct model *m;
	const char *err;
	u64 bad;
	u64 tables;
};

/* Every page a leaf covers must agree: check its first and last page and model boundaries inside. */
static int check_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	struct check_all_state *s = ctx->arg;
	u64 size = pgt_level_size(ctx->level), a, end = ctx->addr + size;
	size_t i;

	if (visit == PGT_WALK_TABLE_PRE) {
		s->tables++;
		return 0;
	}
	/* Probe the entry's start and every model boundary inside it (and the page before). */
	a = ctx->addr;
	for (;;) {
		struct model_ent e = model_get(s->m, a);

		s->err = compare(ctx->pgt, ctx->old, ctx->level, a, &e);
		if (s->err) {
			s->bad = a;
			return -1;
		}
		/* Next interval boundary inside the entry. */
		i = find_first_end_after(s->m, a);
		if (i == s->m->nr)
			break;
		if (s->m->e[i].start > a)
			a = s->m->e[i].start;
		else
			a = s->m->e[i].end;
		if (a >= end)
			break;
		if (a - PAGE_SIZE > ctx->addr) {
			e = model_get(s->m, a - PAGE_SIZE);
			s->err = compare(ctx->pgt, ctx->old, ctx->level, a - PAGE_SIZE, &e);
			if (s->err) {
				s->bad = a - PAGE_SIZE;
				return -1;
			}
		}
	}
	return 0;
}

const char *check_all(struct pgtable *pgt, const struct model *m, u64 *bad_addr)
{
	struct check_all_state s = { .m = m };
	struct pgt_walker w = { .cb = check_visitor, .arg = &s,
				.flags = PGT_WALK_LEAF | PGT_WALK_TABLE_PRE };

	pgt_walk(pgt, 0, 1ULL << pgt->ia_bits, &w);
	if (bad_addr)
		*bad_addr = s.bad;
	return s.err;
}

u64 model_table_bound(const struct model *m, const struct pgtable *pgt)
{
	u64 n = pgt->nr_concat;
	u32 level;
	size_t i;

	/* Tables at level L + 1 are indexed by regions of level L's entry size. */
	for (level = pgt->start_level; level < PGT_MAX_LEVEL; level++) {
		u64 size = pgt_level_size(level), last = ~0ULL;

		for (i = 0; i < m->nr; i++) {
			u64 first = m->e[i].start / size, final = (m->e[i].end - 1) / size;

			if (first == last)
				first++;
			if (final + 1 > first)
				n += final + 1 - first;
			last = final;
		}
	}
	return n;
}

static int hash_visitor(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit)
{
	u64 *h = ctx->arg;
	u64 v = ctx->old;

	if (visit == PGT_WALK_TABLE_PRE)
		v = PTE_TYPE | PTE_VALID;	/* table addresses differ run to run */
	*h = (*h ^ (v + ctx->addr * 31 + ctx->level)) * 0x100000001b3ULL;
	return 0;
}

u64 table_hash(struct pgtable *pgt)
{
	u64 h = 0xcbf29ce484222325ULL;
	struct pgt_walker w = { .cb = hash_visitor, .arg = &h,
				.flags = PGT_WALK_LEAF | PGT_WALK_TABLE_PRE };

	pgt_walk(pgt, 0, 1ULL << pgt->ia_bits, &w);
	return h;
}
