/* SPDX-License-Identifier: MIT */
/*
 * The page-table library: one depth-first walker and the operations built
 * on it (map, unmap, change attributes, look up, annotate, destroy) for two
 * formats, the hypervisor's own EL2 stage-1 (non-VHE) and a VM's stage-2.
 * Portable C: every hardware operation goes through arch/tlb.h and
 * arch/cache.h, which the host test build replaces with recording fakes.
 * See docs/pgtable.md for the design and the decisions.
 *
 * Addresses passed in (input addresses, output physical addresses) are
 * plain u64 here because the same walker serves IPAs (stage-2) and
 * hypervisor VAs (stage-1); the typed wrappers (ipa_t, hva_t, paddr_t) live
 * one layer up, in the stage-2 / hypervisor-mapping code that calls this.
 */
#ifndef MOAT_MM_PGTABLE_H
#define MOAT_MM_PGTABLE_H

#include "lib/types.h"
#include "lib/bitfield.h"

/* ---- Geometry: generic in the granule, instantiated for 4 KiB. ---------- */

#define PGT_GRANULE_SHIFT	12				/* 4 KiB */
#define PGT_BITS_PER_LEVEL	(PGT_GRANULE_SHIFT - 3)		/* 8-byte descriptors */
#define PGT_PTRS_PER_TABLE	(1UL << PGT_BITS_PER_LEVEL)
#define PGT_MAX_LEVEL		3				/* the page level */
#define PGT_MIN_BLOCK_LEVEL	1				/* 4 KiB: 1 GiB blocks at level 1 */
#define PGT_MAX_CONCAT		16				/* stage-2 start-level tables */
#define PGT_MAX_OA_BITS		48				/* without FEAT_LPA/LPA2 */

/* Bit position of the lowest input-address bit a level resolves. */
static inline u32 pgt_level_shift(u32 level)
{
	return PGT_GRANULE_SHIFT + (PGT_MAX_LEVEL - level) * PGT_BITS_PER_LEVEL;
}

/* Bytes mapped by one entry at @level (1 GiB, 2 MiB, 4 KiB for 4 KiB granule). */
static inline u64 pgt_level_size(u32 level)
{
	return 1ULL << pgt_level_shift(level);
}

/* Number of levels needed to translate @ia_bits of input address. */
static inline u32 pgt_levels_for_bits(u32 ia_bits)
{
	return (ia_bits - PGT_GRANULE_SHIFT + PGT_BITS_PER_LEVEL - 1) / PGT_BITS_PER_LEVEL;
}

/* ---- Descriptor fields (VMSAv8-64, 4 KiB granule). ----------------------- */

#define PTE_VALID		BIT(0)
#define PTE_TYPE		BIT(1)		/* 1: table (level < 3) or page (level 3); 0: block */
#define PTE_OA			GENMASK(47, 12)	/* output address / next-level table address */

/* Stage-1 (EL2, non-VHE: one VA range, no EL0). */
#define PTE_S1_ATTRINDX		GENMASK(4, 2)	/* index into MAIR_EL2 */
#define PTE_S1_AP_RO		BIT(7)		/* AP[2]: read-only */
#define PTE_S1_AP_RES1		BIT(6)		/* AP[1]: RES1 in the EL2 regime */
#define PTE_SH			GENMASK(9, 8)
#define PTE_AF			BIT(10)
#define PTE_S1_XN		BIT(54)		/* XN in the EL2 (single range) regime */

/* Stage-2. */
#define PTE_S2_MEMATTR		GENMASK(5, 2)
#define PTE_S2_AP_R		BIT(6)		/* S2AP[0] */
#define PTE_S2_AP_W		BIT(7)		/* S2AP[1] */
#define PTE_S2_XN		BIT(54)		/* XN[1] (XN[0] = bit 53 kept 0: no FEAT_XNX split) */

/* Software state. */
#define PTE_SW_STATE		GENMASK(58, 55)	/* valid entries: page state, ignored by hardware */
#define PTE_INVALID_OWNER	GENMASK(17, 2)	/* invalid entries: owner id, 0 = nobody */

#define PTE_SH_INNER		3
#define PTE_LEAF_ATTRS		(GENMASK(11, 2) | GENMASK(63, 50))	/* everything but OA/type */

/* MAIR_EL2 layout used by every stage-1 leaf this library writes. */
#define MAIR_IDX_NORMAL		0
#define MAIR_IDX_DEVICE_nGnRE	1
#define MAIR_ATTR_NORMAL_WB	0xffULL		/* inner/outer write-back RW-allocate */
#define MAIR_ATTR_DEVICE_nGnRE	0x04ULL
#define PGT_MAIR_EL2_VALUE	((MAIR_ATTR_NORMAL_WB << (8 * MAIR_IDX_NORMAL)) | \
				 (MAIR_ATTR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE_nGnRE)))

/* Stage-2 MemAttr encodings, without and with FEAT_S2FWB (HCR_EL2.FWB = 1). */
#define S2_MEMATTR_NORMAL_WB	0xf		/* outer WB, inner WB */
#define S2_MEMATTR_DEVICE_nGnRE	0x1
#define S2FWB_MEMATTR_NORMAL_WB	0x6		/* forced write-back */
#define S2FWB_MEMATTR_DEVICE_nGnRE 0x1

/* ---- VTCR_EL2 / TCR_EL2 fields. ----------------------------------------- */

#define VTCR_EL2_T0SZ		GENMASK(5, 0)
#define VTCR_EL2_SL0		GENMASK(7, 6)
#define VTCR_EL2_IRGN0		GENMASK(9, 8)
#define VTCR_EL2_ORGN0		GENMASK(11, 10)
#define VTCR_EL2_SH0		GENMASK(13, 12)
#define VTCR_EL2_TG0		GENMASK(15, 14)
#define VTCR_EL2_PS		GENMASK(18, 16)
#define VTCR_EL2_RES1		BIT(31)
#define TCR_EL2_T0SZ		GENMASK(5, 0)
#define TCR_EL2_IRGN0		GENMASK(9, 8)
#define TCR_EL2_ORGN0		GENMASK(11, 10)
#define TCR_EL2_SH0		GENMASK(13, 12)
#define TCR_EL2_TG0		GENMASK(15, 14)
#define TCR_EL2_PS		GENMASK(18, 16)
#define TCR_EL2_RES1		(BIT(31) | BIT(23))
#define TCR_RGN_WBWA		1
#define TCR_SH_INNER		3
#define TCR_TG0_4K		0
#define ID_AA64MMFR0_EL1_PARANGE GENMASK(3, 0)
#define VTTBR_EL2_VMID		GENMASK(63, 48)
#define VTTBR_EL2_BADDR		GENMASK(47, 1)

/* ---- Types. ------------------------------------------------------------- */

enum pgt_prot {
	PGT_PROT_R	= BIT(0),
	PGT_PROT_W	= BIT(1),
	PGT_PROT_X	= BIT(2),
	PGT_PROT_DEVICE	= BIT(3),	/* device nGnRE instead of normal write-back */
};
#define PGT_PROT_RW	(PGT_PROT_R | PGT_PROT_W)
#define PGT_PROT_RWX	(PGT_PROT_R | PGT_PROT_W | PGT_PROT_X)

enum pgt_stage {
	PGT_STAGE1_EL2,
	PGT_STAGE2,
};

enum pgt_flags {
	PGT_F_S2FWB		= BIT(0),	/* stage-2: use the FEAT_S2FWB MemAttr encoding */
	PGT_F_NONCOHERENT	= BIT(1),	/* the walker does not snoop: clean tables to PoC */
};

/*
 * Where table pages come from. zalloc_page returns one zeroed, page-aligned
 * page (or NULL); the host tests use malloc'd pages with identity
 * phys/virt, the hypervisor its page allocator and linear map.
 */
struct pgt_mm_ops {
	void *(*zalloc_page)(void *arg);
	void (*free_page)(void *page, void *arg);
	void *(*phys_to_virt)(u64 pa, void *arg);
	u64 (*virt_to_phys)(void *va, void *arg);
	/*
	 * Stage-2 start level with concatenated tables only: @size bytes,
	 * zeroed, physically contiguous and aligned to @size.
	 */
	void *(*zalloc_contig)(size_t size, void *arg);
	void (*free_contig)(void *p, size_t size, void *arg);
	void *arg;
};

/*
 * A pre-filled stock of zeroed pages, typically one per vCPU, topped up
 * where allocating is allowed (before entering the guest) and drawn from
 * where it is not (the stage-2 fault path). An operation given a memcache
 * takes pages only from it and never calls zalloc_page.
 */
#define PGT_MEMCACHE_PAGES	16
struct pgt_memcache {
	u32 nr;
	void *pages[PGT_MEMCACHE_PAGES];
};

/*
 * The force-page-level rule.
 *
 * A block entry is one descriptor for the whole 2 MiB or 1 GiB: it holds one
 * state for all of it, and any later operation on a part of it (map, unmap,
 * permission change of one page) must replace that descriptor — a
 * break-before-make during which the whole block is invalid, followed by a
 * split that needs memory. That is harmless when everything in the block can
 * be rebuilt lazily (a concurrent fault on a neighbouring page simply maps
 * it again with the default state). It is wrong when the entries themselves
 * are the only record of state — page ownership, sharing, non-default
 * permissions: a neighbour's map or unmap would transiently destroy that
 * record, and a fault taken in the window would rebuild it with the default
 * state, i.e. lose it. So a table may carry force_pte(pgt, addr, end, prot,
 * sw), asked during every map for each candidate block [addr, end) with the
 * permissions and software page state (PTE_SW_STATE) being mapped: when it
 * answers true only level-3 page entries are used there, and an operation
 * on one page then writes exactly that page's descriptor and no other.
 * The callback may read @pgt (e.g. walk [addr, end) to look at the entries
 * the block would replace) but not change it. It must answer the same for
 * the same arguments during one operation (the library asks it twice: once
 * to count pages, once to map).
 */
struct pgtable;
typedef bool (*pgt_force_pte_fn)(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw);

struct pgtable {
	enum pgt_stage stage;
	u32 ia_bits;			/* input-address size */
	u32 start_level;
	u32 nr_concat;			/* concatenated start-level tables (stage-2), else 1 */
	u32 flags;			/* enum pgt_flags */
	u64 *pgd;			/* start-level table(s), nr_concat contiguous pages */
	u64 pgd_pa;
	const struct pgt_mm_ops *mm;
	pgt_force_pte_fn force_pte;	/* may be NULL */
	/*
	 * Stage-2 only: the VM's VTTBR_EL2 value (VMID and base address) used
	 * for TLB invalidation by IPA; set by pgt_s2_set_vmid().
	 */
	u64 vttbr;
};

/* ---- The walker. -------------------------------------------------------- */

enum pgt_walk_flags {
	PGT_WALK_LEAF		= BIT(0),	/* non-table entries: invalid, block, page */
	PGT_WALK_TABLE_PRE	= BIT(1),	/* table entry, before its children */
	PGT_WALK_TABLE_POST	= BIT(2),	/* table entry, after its children */
};

struct pgt_visit_ctx {
	struct pgtable *pgt;
	u64 *ptep;		/* the entry */
	u64 old;		/* its value when visited */
	u64 addr;		/* input address the entry starts at (aligned to its level) */
	u64 start, end;		/* the walk's range, [start, end) */
	u64 table_end;		/* input address where the entry's table ends */
	u32 level;
	void *arg;		/* struct pgt_walker.arg */
	/*
	 * Set by a LEAF visitor that handled n > 1 consecutive entries of this
	 * table in one go (default 1); set to true by a TABLE_PRE visitor to
	 * skip the subtree.
	 */
	u32 consumed;
	bool skip;
};

/*
 * A visitor returns 0 to go on or a negative error to stop the walk with
 * it. It may replace *ptep: after a LEAF visit, if the entry has become a
 * table the walker descends into it; after a TABLE_PRE visit, if it is no
 * longer a table the walker does not.
 */
typedef int (*pgt_visitor_fn)(struct pgt_visit_ctx *ctx, enum pgt_walk_flags visit);

struct pgt_walker {
	pgt_visitor_fn cb;
	void *arg;
	enum pgt_walk_flags flags;	/* which visits to make */
};

/* Walk [addr, addr + size) depth-first; both page-aligned, inside ia_bits. */
int pgt_walk(struct pgtable *pgt, u64 addr, u64 size, const struct pgt_walker *w);

/* ---- Setting up. -------------------------------------------------------- */

/* Output-address bits for an ID_AA64MMFR0_EL1.PARange value (-EINVAL if reserved). */
int pgt_parange_to_bits(u32 parange);

/*
 * Stage-2 geometry for a VM whose highest IPA is @max_ipa on a CPU whose
 * ID_AA64MMFR0_EL1 is @mmfr0: IPA bits (at least 32, at most the PA size and
 * 48), start level and concatenated start tables (the fewest levels the
 * architecture allows, up to 16 tables).
 */
int pgt_s2_geometry(u64 mmfr0, u64 max_ipa, u32 *ia_bits, u32 *start_level, u32 *nr_concat);

/* Stage-1 EL2 table of @va_bits (25..48) of virtual address. */
int pgt_s1_init(struct pgtable *pgt, u32 va_bits, const struct pgt_mm_ops *mm, u32 flags);

/* Stage-2 table covering IPAs up to @max_ipa on a CPU with this ID_AA64MMFR0_EL1. */
int pgt_s2_init(struct pgtable *pgt, u64 mmfr0, u64 max_ipa,
		const struct pgt_mm_ops *mm, u32 flags, pgt_force_pte_fn force_pte);

/* VTCR_EL2 for @pgt (a stage-2 table) on a CPU with this ID_AA64MMFR0_EL1. */
u64 pgt_s2_vtcr(const struct pgtable *pgt, u64 mmfr0);

/* Record the VM's VMID; returns (and stores in pgt->vttbr) its VTTBR_EL2. */
u64 pgt_s2_set_vmid(struct pgtable *pgt, u16 vmid);

/* TCR_EL2 (non-VHE) for @pgt (a stage-1 EL2 table); use with PGT_MAIR_EL2_VALUE. */
u64 pgt_s1_tcr(const struct pgtable *pgt, u64 mmfr0);

/* Free every table page, including the start level. */
void pgt_destroy(struct pgtable *pgt);

/* ---- Operations. -------------------------------------------------------- */
/*
 * All take page-aligned [addr, addr + size) inside the table's input range
 * (-EINVAL otherwise). Those that may need table pages take an optional
 * memcache: with one, pages come only from it; without, from mm. Either
 * way, if there are not enough pages the operation returns -ENOMEM before
 * changing anything (the pages needed are counted first, see docs).
 */

/*
 * Map [addr, addr + size) to [phys, phys + size) with @prot and software
 * page state @sw (0..15, PTE_SW_STATE), replacing whatever was there.
 * Uses 1 GiB / 2 MiB blocks where alignment, range and force_pte allow.
 */
int pgt_map(struct pgtable *pgt, u64 addr, u64 size, u64 phys, enum pgt_prot prot,
	    u32 sw, struct pgt_memcache *mc);

/* Make [addr, addr + size) invalid (and owned by nobody); frees emptied tables. */
int pgt_unmap(struct pgtable *pgt, u64 addr, u64 size, struct pgt_memcache *mc);

/* Make [addr, addr + size) invalid and annotated with @owner (0 = like unmap). */
int pgt_set_owner(struct pgtable *pgt, u64 addr, u64 size, u32 owner, struct pgt_memcache *mc);

/*
 * Raw attribute update of every valid leaf in the range: clear @clr, then
 * set @set (both within PTE_LEAF_ATTRS). Splits blocks partly covered.
 */
int pgt_update_attrs(struct pgtable *pgt, u64 addr, u64 size, u64 set, u64 clr,
		     struct pgt_memcache *mc);

/* Convenience forms of pgt_update_attrs. */
int pgt_set_prot(struct pgtable *pgt, u64 addr, u64 size, enum pgt_prot prot, struct pgt_memcache *mc);
int pgt_set_sw(struct pgtable *pgt, u64 addr, u64 size, u32 sw, struct pgt_memcache *mc);
int pgt_set_af(struct pgtable *pgt, u64 addr, u64 size, bool young, struct pgt_memcache *mc);

/* The entry translating @addr and its level (an invalid entry too). */
int pgt_lookup(struct pgtable *pgt, u64 addr, u64 *pte, u32 *level);

/* ---- Descriptor helpers. ------------------------------------------------ */

static inline bool pte_valid(u64 pte) { return pte & PTE_VALID; }
static inline bool pte_is_table(u64 pte, u32 level)
{
	return level < PGT_MAX_LEVEL && (pte & (PTE_VALID | PTE_TYPE)) == (PTE_VALID | PTE_TYPE);
}
static inline u32 pte_owner(u64 pte) { return pte_valid(pte) ? 0 : (u32)FIELD_GET(PTE_INVALID_OWNER, pte); }
static inline u32 pte_sw(u64 pte) { return pte_valid(pte) ? (u32)FIELD_GET(PTE_SW_STATE, pte) : 0; }

/* Physical address @addr translates to, given its leaf @pte at @level. */
static inline u64 pte_phys(u64 pte, u32 level, u64 addr)
{
	return (pte & PTE_OA & ~(pgt_level_size(level) - 1)) | (addr & (pgt_level_size(level) - 1));
}

/* Leaf attribute bits (format-specific) that encode @prot. */
u64 pgt_prot_attrs(const struct pgtable *pgt, enum pgt_prot prot);
/* The permissions a valid leaf grants. */
enum pgt_prot pgt_pte_prot(const struct pgtable *pgt, u64 pte);

/* ---- Memcache. ---------------------------------------------------------- */

/* Fill @mc up to @nr pages from mm (-ENOMEM if mm runs out; what was added stays). */
int pgt_memcache_topup(struct pgt_memcache *mc, u32 nr, const struct pgt_mm_ops *mm);
/* Give every page back to mm. */
void pgt_memcache_drain(struct pgt_memcache *mc, const struct pgt_mm_ops *mm);

#endif
