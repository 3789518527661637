/* SPDX-License-Identifier: MIT */
/*
 * Page ownership in host mode (docs/host-mode.md).
 *
 * Every physical page has exactly one owner: the host, moat, or one VM.
 * The record lives in the stage-2 entries themselves, nowhere else:
 *
 * - in the host's stage-2 (an identity map, IPA == PA), an invalid entry
 *   carries the owner id of what it covers in PTE_INVALID_OWNER: 0 is the
 *   host itself (its default: the page is the host's and simply not
 *   mapped yet, the fault path maps it on first touch), MEM_OWNER_MOAT is
 *   moat, any other id a VM (struct mem_guest.id);
 * - a valid entry (in the host's or a VM's stage-2) carries its share
 *   state in PTE_SW_STATE: owned, shared-owned (the owner lent it to
 *   someone) or shared-borrowed (someone else's page, lent to this one).
 *
 * So a page the host owns is an invalid entry with owner 0 or a valid
 * entry in state owned; a page donated to a VM is an invalid host entry
 * with that VM's id plus a valid owned entry in the VM's stage-2; a page
 * the host shares with a VM is shared-owned in the host and
 * shared-borrowed in the VM (and the other way round).
 *
 * Each transition is one function below. It checks the whole range's
 * states on both sides first and changes nothing if any page is not in
 * the state the transition starts from (-EPERM); then it carries the
 * change out on both sides, undoing the first side if the second runs out
 * of table memory (-ENOMEM), so no half-done transition is ever visible to
 * the checker. Locks: the host's, then the VM's (always in that order).
 * Unmapping and permission reduction are done through the page-table
 * library, which issues the TLB maintenance for the table's VMID
 * (IPAS2E1IS per page, DSB, VMALLE1IS, DSB; one VMALLS12E1IS for long
 * runs) before the change counts as done.
 *
 * Portable C; the host unit tests drive it with recording fakes.
 */
#ifndef MOAT_MM_OWNER_H
#define MOAT_MM_OWNER_H
#include "lib/platform.h"
#include "lib/spinlock.h"
#include "lib/types.h"
#include "mm/pgtable.h"

/* Owner ids in invalid entries of the host's stage-2. */
#define MEM_OWNER_HOST		0	/* the default: the host's, maybe not mapped yet */
#define MEM_OWNER_MOAT		1
#define MEM_OWNER_VM_FIRST	2	/* VMs: their VMID + 1 */
#define MEM_OWNER_MAX		0xffff	/* 16 bits of PTE_INVALID_OWNER */

/* Share state of a valid entry (PTE_SW_STATE). */
enum mem_page_state {
	MEM_PAGE_OWNED		= 0,	/* the default: mapped by its owner, not shared */
	MEM_PAGE_SHARED_OWNED	= 1,	/* mapped by its owner, lent to someone else */
	MEM_PAGE_SHARED_BORROWED = 2,	/* mapped by the borrower, owned by someone else */
};

#define MEM_MAX_GUESTS	16

/** One VM as the ownership model sees it: its stage-2 and its owner id. */
struct mem_guest {
	struct pgtable *pgt;
	u16 id;				/* >= MEM_OWNER_VM_FIRST */
	spinlock_t lock;
};

/** What the host's stage-2 fault path did (counters for figures and tests). */
struct mem_host_stats {
	u64 faults;
	u64 mapped[PGT_MAX_LEVEL + 1];	/* mappings made by level: [1] 1 GiB, [2] 2 MiB, [3] 4 KiB */
	u64 retried;			/* the entry was valid by the time the lock was held */
	u64 denied;			/* not the host's page: abort injected */
};

/** The host: its identity stage-2, the RAM layout, every VM that can own pages. */
struct mem_host {
	struct pgtable pgt;
	spinlock_t lock;
	struct plat_range ram[PLAT_MAX_MEM];	/* RAM is normal memory; everything else device */
	u32 nr_ram;
	struct mem_guest *guests[MEM_MAX_GUESTS];
	u32 nr_guests;
	/* Zero [pa, pa + size) and make the zeroes visible to non-coherent observers. */
	void (*scrub)(u64 pa, u64 size, void *arg);
	void *scrub_arg;
	struct mem_host_stats stats;
	/*
	 * Where the last look at a 2 MiB block for host_relax_blocks found an
	 * entry that was not the host's default (a hint only: the next look
	 * at that block starts there, so pages returned one by one in order
	 * cost O(1) each, not a walk of 512 entries each).
	 */
	u64 relax_hint;
};

/**
 * Set up the host's stage-2 (empty: every page the host's, nothing mapped)
 * covering the whole physical address space of a CPU with this
 * ID_AA64MMFR0_EL1, with the host's force-page callback. @ram lists the
 * RAM banks (normal memory); anything else is mapped as device memory.
 */
int mem_host_init(struct mem_host *h, u64 mmfr0, const struct plat_range *ram, u32 nr_ram,
		  const struct pgt_mm_ops *mm, u32 pgt_flags, u16 vmid);

/** Let @g own pages (the checker walks its stage-2). -ENOSPC when full, -EINVAL for a bad id. */
int mem_host_add_guest(struct mem_host *h, struct mem_guest *g);

/** Forget @g (its stage-2 must map nothing and the host record no page of it). -ENOENT if unknown. */
int mem_host_remove_guest(struct mem_host *h, struct mem_guest *g);

/** Is [pa, pa + size) page-aligned RAM that the host owns and has not lent out? */
bool mem_host_owns_ram(struct mem_host *h, u64 pa, u64 size);

/** Pages of RAM the host owns (its default, mapped, or lent to a VM as shared). */
u64 mem_host_owned_pages(struct mem_host *h);

/** Is [addr, end) all in one RAM bank, or all outside RAM (so one block may map it)? */
bool mem_host_range_uniform(const struct mem_host *h, u64 addr, u64 end);

/** The default permissions of the host's identity mapping of @pa: RAM RWX, else device RW. */
enum pgt_prot mem_host_default_prot(const struct mem_host *h, u64 pa);

/**
 * The host stage-2's force-page-level callback (see pgtable.h): a block is
 * refused where it would mix RAM and device memory, carry non-default
 * permissions or a share state other than owned, or replace an entry that
 * records anything but the host's default (an owner id, a share state).
 */
bool mem_host_force_pte(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw);

/** A VM stage-2's force-page callback: shared pages are kept at page level. */
bool mem_guest_force_pte(struct pgtable *pgt, u64 addr, u64 end, enum pgt_prot prot, u32 sw);

/*
 * The transitions. Ranges are page-aligned, non-empty and inside the
 * tables (-EINVAL otherwise); -EPERM when a page is not in the starting
 * state (nothing changed); -ENOMEM when table memory ran out (nothing
 * changed).
 */

/** Host → moat (e.g. pages for moat's tables): host-owned → owned by moat. */
int mem_donate_host_to_moat(struct mem_host *h, u64 pa, u64 size);
/** Moat → host (pages moat no longer needs): owned by moat → host-owned. */
int mem_donate_moat_to_host(struct mem_host *h, u64 pa, u64 size);
/** Host → VM: host-owned → owned by @g, mapped at @ipa with @prot in its stage-2. */
int mem_donate_host_to_guest(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size,
			     enum pgt_prot prot);
/** Host shares RAM with VM: host owned → shared-owned; @g maps it shared-borrowed at @ipa. */
int mem_share_host_with_guest(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size,
			      enum pgt_prot prot);
/** Undo mem_share_host_with_guest: @g's mapping goes, the host's page is owned again. */
int mem_unshare_host_from_guest(struct mem_host *h, struct mem_guest *g, u64 pa, u64 ipa, u64 size);
/** VM shares its RAM at @ipa with the host: shared-owned in @g, shared-borrowed in the host. */
int mem_share_guest_with_host(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size);
/** Undo mem_share_guest_with_host: the host's mapping goes, @g owns the pages again. */
int mem_unshare_guest_from_host(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size);
/**
 * VM → host at teardown: @g's owned pages at @ipa are unmapped from it,
 * scrubbed (h->scrub), and only then become the host's again.
 */
int mem_reclaim_guest_to_host(struct mem_host *h, struct mem_guest *g, u64 ipa, u64 size);

/** The first broken invariant the checker found. */
struct mem_check_report {
	const char *what;
	u64 addr;			/* PA (host) or IPA (guest) */
	u16 guest;			/* owner id of the VM whose stage-2 it is in, or 0 */
};

/**
 * Walk the host's and every VM's stage-2 and check the invariants: every
 * page has one owner; the host maps only pages it owns or borrows, 1:1,
 * with the default attributes; every non-default state is at page level;
 * a VM maps only pages it owns (the host's entry says so) or borrows (the
 * owner's entry says shared-owned); the number of pages each side records
 * agrees. 0, or -EFAULT with @rep filled in. Takes the locks.
 */
int mem_check(struct mem_host *h, struct mem_check_report *rep);

/* ---- The host's stage-2 fault path (mm/host_s2.c). ---------------------- */

enum mem_host_fault {
	MEM_FAULT_MAPPED,	/* mapped now: return to the host */
	MEM_FAULT_RETRY,	/* already mapped (a race with another CPU): return to the host */
	MEM_FAULT_DENIED,	/* not the host's page, or an access its mapping forbids */
};

enum mem_access {
	MEM_ACCESS_READ,
	MEM_ACCESS_WRITE,
	MEM_ACCESS_EXEC,
};

/**
 * A stage-2 translation or permission fault of the host at @ipa: map the
 * largest block around it that is entirely the host's default, retry if
 * the entry is valid by now, deny if the page is not the host's. Returns
 * an enum mem_host_fault, or -ENOMEM if not even a page could be mapped.
 * Block size (1 GiB, 2 MiB, 4 KiB) placed in *level if non-NULL.
 */
int mem_host_fault(struct mem_host *h, u64 ipa, enum mem_access acc, u32 *level);

#endif
