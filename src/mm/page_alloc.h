/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator for the hypervisor's own use (page tables,
 * per-CPU data, VM structures). One bitmap per RAM bank, one bit per 4 KiB
 * page (1 = in use or reserved), with a next-fit hint per bank.
 *
 * The allocator never touches the memory it manages (only its bitmaps), so
 * it works on fake addresses in host tests, and callers must zero pages
 * themselves if they need to.
 *
 * Locking: none inside. Callers serialise, or set pa->lock/pa->unlock
 * (called around every alloc/free with pa->lock_arg) once more than one
 * CPU may allocate.
 */
#ifndef MOAT_MM_PAGE_ALLOC_H
#define MOAT_MM_PAGE_ALLOC_H

#include "lib/platform.h"
#include "lib/types.h"

#define PAGE_ALLOC_MAX_BANKS PLAT_MAX_MEM
/* Reserved ranges remembered to refuse freeing them; more than the DT ones for the boot code's own. */
#define PAGE_ALLOC_MAX_RSV (PLAT_MAX_RESERVED + 16)

struct page_alloc_bank {
	u64 base;	/* physical address of page 0, page aligned */
	u64 nr_pages;
	u64 nr_free;
	u64 hint;	/* page index where the next search starts */
	u64 *bitmap;	/* nr_pages bits rounded up to words; the padding bits are set */
};

/* A reserved range in page frame numbers, [first, end). */
struct page_alloc_rsv {
	u64 first_pfn;
	u64 end_pfn;
};

struct page_alloc {
	struct page_alloc_bank bank[PAGE_ALLOC_MAX_BANKS];
	unsigned int nr_banks;
	u64 nr_pages;	/* managed, including reserved */
	u64 nr_free;
	struct page_alloc_rsv rsv[PAGE_ALLOC_MAX_RSV];
	unsigned int nr_rsv;
	void (*lock)(void *arg);
	void (*unlock)(void *arg);
	void *lock_arg;
};

/* Bytes of bitmap storage page_alloc_init() needs for these banks. */
size_t page_alloc_bitmap_bytes(const struct plat_range *mem, unsigned int nr_mem);

/*
 * Manage the pages of @mem (trimmed inwards to whole pages) minus @rsv
 * (widened outwards to whole pages), with bitmaps carved from
 * @bitmap_storage (8-byte aligned or not; the first bytes are skipped
 * to align). Banks must not overlap or wrap.
 * Errors: -EINVAL (bad ranges), -E2BIG (too many banks or reserved ranges),
 * -ENOMEM (storage too small).
 */
int page_alloc_init(struct page_alloc *pa, const struct plat_range *mem, unsigned int nr_mem,
		    const struct plat_range *rsv, unsigned int nr_rsv, void *bitmap_storage,
		    size_t bitmap_bytes);

/* One page. -ENOMEM when none is free. */
int page_alloc_page(struct page_alloc *pa, paddr_t *out);

/*
 * @nr contiguous pages whose first address is a multiple of @align (a
 * power of two in bytes; 0 or anything up to PAGE_SIZE means page
 * alignment). -EINVAL for nr == 0 or a bad alignment, -ENOMEM when no
 * such run is free.
 */
int page_alloc_pages(struct page_alloc *pa, u64 nr, u64 align, paddr_t *out);

/*
 * Give back @nr pages from @p, which must all be allocated pages (not
 * reserved, not free). On -EINVAL (double free, unaligned, outside any
 * bank, reserved) nothing is changed.
 */
int page_free_pages(struct page_alloc *pa, paddr_t p, u64 nr);
int page_free(struct page_alloc *pa, paddr_t p);

/* Mark @nr pages from @p in use after init (e.g. memory the boot code took). -EBUSY if any is in use. */
int page_alloc_claim(struct page_alloc *pa, paddr_t p, u64 nr);

/*
 * The first run of free pages at or above @from (banks in the order they
 * were given): its base and length in bytes. -ENOENT when there is none.
 */
int page_alloc_next_free_run(struct page_alloc *pa, u64 from, u64 *base, u64 *size);

u64 page_alloc_nr_free(const struct page_alloc *pa);

#endif
