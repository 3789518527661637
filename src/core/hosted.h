/* SPDX-License-Identifier: MIT */
/*
 * VMs the host creates at run time (docs/hosted.md): the host-only
 * hypercalls of moat/hypercall.h ("Host calls"). core/hosted.c keeps their
 * life cycle and memory (portable, unit-tested with fakes);
 * core/hosted_run.c runs their vCPUs on the host's CPUs.
 */
#ifndef MOAT_CORE_HOSTED_H
#define MOAT_CORE_HOSTED_H
#include "core/config.h"
#include "core/vm.h"
#include "moat/hypercall.h"
#include "mm/owner.h"
#include "mm/pgtable.h"

#define HOSTED_MAX_VMS		8

_Static_assert(MOAT_VM_MAX_VCPUS <= VM_MAX_VCPUS, "hosted vCPUs fit a struct vm");

/* An MMIO read the host is completing: where its value goes on the next run. */
struct hosted_mmio {
	bool pending;
	u8 rt;			/* target register (31: XZR) */
	u8 len;			/* 1, 2, 4, 8 */
	bool sign;		/* SSE: sign-extend to ... */
	bool sf;		/* ... 64 bits (else 32, upper half zero) */
};

/*
 * One hosted VM. It lives at the start of the host's donation; the rest
 * of the donation is its stage-2 table pages (pool_*), so its tables never
 * come from moat's own pool.
 */
struct hosted_vm {
	struct vm vm;
	struct vm_config cfg;
	struct mem_guest guest;		/* its entry in the host's ownership records */
	struct pgt_mm_ops mm;		/* its stage-2 tables: from the pool below */
	u32 handle;			/* > 0, never reused */
	bool protected;			/* its RAM is donated, not shared */
	u32 vcpus_made;			/* MOAT_HC_VCPU_INIT done, one bit per vCPU */
	u32 running;			/* inside MOAT_HC_VCPU_RUN, one bit per vCPU */
	u32 system_event;		/* MOAT_SYSTEM_* once a vCPU asked; the VM is stopped */
	u64 don_pa, don_pages;
	u64 pool_next, pool_end;	/* table pages never handed out yet: [next, end) */
	void *pool_free;		/* pages given back: a list through their first word */
	u64 pool_left;			/* pages it can still hand out */
	struct hosted_mmio mmio[MOAT_VM_MAX_VCPUS];
};

/** Is @fid one of the host calls (answered by hosted_call)? */
static inline bool hosted_fid(u32 fid)
{
	return fid >= MOAT_HC_HOST_VERSION && fid <= MOAT_HC_MEM_STATS;
}

/**
 * A host call from @v (x0 = function id, x1.. arguments): the result for
 * x0. Anything but the host VM gets SMCCC_RET_NOT_SUPPORTED.
 */
s64 hosted_call(struct vcpu *v);

/** Is the page at @ipa RAM of hosted VM @vm (its host mapped it)? */
bool hosted_ipa_is_ram(struct vm *vm, u64 ipa);

/** Pages of donation a VM of @nr_vcpus and @mem_bytes needs (0: a bad size). */
u64 hosted_donation_pages(u64 nr_vcpus, u64 mem_bytes);

/* The lifecycle calls, for the host VM @host (the unit tests call them directly). */
s64 hosted_vm_create(struct vm *host, u64 config, u64 pa, u64 pages);
s64 hosted_vm_map(struct vm *host, u64 handle, u64 ipa, u64 list_pa, u64 count);
s64 hosted_vm_destroy(struct vm *host, u64 handle);
s64 hosted_vcpu_init(struct vm *host, u64 handle, u64 vcpu, u64 pc, u64 x0);
s64 hosted_irq_line(struct vm *host, u64 handle, u64 intid, u64 level);
s64 hosted_mem_stats(struct vm *host, u64 which);

/*
 * The run call, with the lookups done here and the world switch in
 * core/hosted_run.c: hosted_run_begin claims the vCPU (MOAT_EBUSY if it
 * runs elsewhere, MOAT_ENOENT for a bad handle, vCPU or one never
 * initialised) and hosted_run_end releases it.
 */
s64 hosted_run_begin(struct vm *host, u64 handle, u64 vcpu, u64 run_pa, struct vcpu **out);
void hosted_run_end(struct vcpu *v);
s64 hosted_vcpu_run(struct vcpu *host_vcpu, u64 handle, u64 vcpu, u64 run_pa);

/**
 * Called with the VM's vCPUs about to be told: PSCI SYSTEM_OFF/RESET of a
 * hosted VM stops the whole VM and every vCPU's run returns
 * MOAT_EXIT_SYSTEM_EVENT with @type.
 */
void hosted_system_event(struct vm *vm, u32 type);
#endif
