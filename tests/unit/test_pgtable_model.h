/* SPDX-License-Identifier: MIT */
/*
 * Shared by the page-table unit tests and the fuzz target: a counting test
 * allocator with failure injection, a flat reference model of what a table
 * should translate, and checks of a table against the model.
 */
#ifndef MOAT_TESTS_PGTABLE_MODEL_H
#define MOAT_TESTS_PGTABLE_MODEL_H

#include "mm/pgtable.h"

/* ---- Allocator. ---- */
struct test_alloc {
	long live;		/* pages allocated and not freed */
	long allocs;		/* successful allocations so far */
	long fail_after;	/* allocations allowed before failing; < 0: never fail */
};
extern struct test_alloc talloc;
extern const struct pgt_mm_ops test_mm;
void talloc_reset(void);

/* ---- Reference model: sorted, non-overlapping intervals. ---- */
enum model_kind { M_NONE, M_MAPPED, M_OWNED };

struct model_ent {
	u64 start, end;
	enum model_kind kind;
	u64 pa;			/* M_MAPPED: PA of start */
	u32 prot, sw, owner;
	bool af;
};

struct model {
	struct model_ent *e;
	size_t nr, cap;
	u64 limit;		/* input range size */
};

void model_init(struct model *m, u64 limit);
void model_free(struct model *m);
void model_map(struct model *m, u64 addr, u64 size, u64 pa, u32 prot, u32 sw);
void model_owner(struct model *m, u64 addr, u64 size, u32 owner);
void model_set_prot(struct model *m, u64 addr, u64 size, u32 prot);
void model_set_sw(struct model *m, u64 addr, u64 size, u32 sw);
void model_set_af(struct model *m, u64 addr, u64 size, bool af);
/* The model's entry for @addr (a M_NONE one for gaps). */
struct model_ent model_get(const struct model *m, u64 addr);

/*
 * Compare the table's translation of @addr with the model. Returns NULL if
 * they agree, else a static description of the difference.
 */
const char *check_addr(struct pgtable *pgt, const struct model *m, u64 addr);
/* Walk the whole table and compare every leaf with the model. */
const char *check_all(struct pgtable *pgt, const struct model *m, u64 *bad_addr);
/*
 * Upper bound on table pages (including the start level) given the model's
 * contents: a table page exists only if some entry below it is not empty.
 */
u64 model_table_bound(const struct model *m, const struct pgtable *pgt);

/* A hash of every entry reachable in the table (structure and values). */
u64 table_hash(struct pgtable *pgt);

/* xorshift64* */
static inline u64 rng_next(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

#endif
