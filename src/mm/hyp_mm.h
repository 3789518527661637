/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own memory: the physical page allocator over free RAM
 * and the EL2 stage-1 tables, built with the page-table library. EL2 maps
 * physical memory 1:1 (VA == PA), so a paddr_t converts to a pointer
 * without arithmetic; what is mapped, and how, is listed in docs/memory.md.
 */
#ifndef MOAT_MM_HYP_MM_H
#define MOAT_MM_HYP_MM_H
#include "lib/platform.h"
#include "lib/types.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"

/** Set up the page allocator over free RAM and build the EL2 page tables. */
int hyp_mm_init(const struct platform *plat);

/** The allocator for everything moat allocates after boot. */
extern struct page_alloc hyp_pages;
/** Table pages for any page table moat builds (EL2 stage-1, VM stage-2). */
extern const struct pgt_mm_ops hyp_pgt_mm_ops;

static inline void *pa_to_ptr(paddr_t p)
{
	return (void *)(uintptr_t)pa_addr(p);
}

static inline paddr_t ptr_to_pa(const void *p)
{
	return pa_init((u64)(uintptr_t)p);
}

/** Turn on this CPU's EL2 MMU with the hypervisor's tables (each CPU at boot). */
void boot_cpu_init_mmu(void);

/** Allocate @size bytes (page multiple) of zeroed physical memory aligned to @align. */
void *hyp_alloc_zeroed(u64 size, u64 align);
#endif
