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
#include "emul/mmio.h"

#define HOSTED_MAX_VMS		8

_Static_assert(MOAT_VM_MAX_VCPUS <= VM_MAX_VCPUS, "hosted vCPUs fit a struct vm");

/* One vCPU's side of the run page, kept by moat (the host's page is only written). */
struct hosted_vcpu {
	struct moat_run exit;		/* what the run that ends now reports */
	struct mmio_access read;	/* the MMIO read the host completes on the next run */
	bool read_pending;
	/* The last run page checked: run_ok says whether it was the host's at run_gen (hosted.c). */
	bool run_ok;
	u64 run_pa, run_gen;
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
	struct vm *host;		/* the host VM that made it (its doorbell) */
	struct hosted_vcpu vcpu[MOAT_VM_MAX_VCPUS];
};

/** Is @fid one of the host calls (answered by hosted_call)? */
static inline bool hosted_fid(u32 fid)
{
	return fid >= MOAT_HC_HOST_VERSION && fid <= MOAT_HC_EXIT_STATS_RESET;
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
/** The host resets: every VM it made goes, as by VM_DESTROY (its vCPUs are not running). */
void hosted_destroy_all(struct vm *host);
s64 hosted_vcpu_init(struct vm *host, u64 handle, u64 vcpu, u64 pc, u64 x0);
s64 hosted_irq_line(struct vm *host, u64 handle, u64 intid, u64 level);
s64 hosted_mem_stats(struct vm *host, u64 which);

/*
 * MOAT_HC_VCPU_RUN, around the world switch (vcpu_run_hosted in
 * core/vcpu.c): hosted_run_begin claims the vCPU (MOAT_EBUSY if it runs
 * elsewhere, MOAT_ENOENT for a bad handle, vCPU or one never initialised,
 * MOAT_EFAULT for a run page that is not the host's) and completes the
 * MMIO read of the last run with the run page's data; hosted_run_end
 * writes the exit into the run page and releases the vCPU.
 */
s64 hosted_run_begin(struct vm *host, u64 handle, u64 vcpu, u64 run_pa, struct vcpu **out);
void hosted_run_end(struct vcpu *v, u64 run_pa, u32 reason);
s64 hosted_vcpu_run(struct vcpu *host_vcpu, u64 handle, u64 vcpu, u64 run_pa);

/*
 * Exits of a hosted vCPU that need the host (called from the exit
 * handlers, with the vCPU loaded): each records the exit and sets
 * v->host_exit, which ends the run.
 */
/** A data abort at @ipa outside RAM and the vGIC: MOAT_EXIT_MMIO (ISV = 0: an abort instead). */
void hosted_mmio_exit(struct vcpu *v, u64 ipa);
/** WFI with nothing pending: MOAT_EXIT_WFI with the guest's timer deadline. */
void hosted_wfi(struct vcpu *v);
/** After the run: the reason it ended (recorded for the run page). */
u32 hosted_exit_reason(struct vcpu *v);
/**
 * When an EL1 timer with these CTL/CVAL values fires, in physical counter
 * ticks, for a counter @offset behind the physical one (CNTVOFF for the
 * virtual timer); UINT64_MAX: it does not (disabled or masked).
 */
u64 hosted_timer_deadline(u64 ctl, u64 cval, u64 offset);

/* core/hosted_run.c (hardware). */
/** vcpu_kick of a hosted vCPU: an SGI to the CPU running it, else the host's doorbell. */
void hosted_kick(struct vcpu *v);
/** Arm the EL2 physical timer at the host vCPU @host's own timer deadline (saved state). */
void hosted_host_timer_arm(struct vcpu *host);
void hosted_host_timer_disarm(void);
/** Physical INTID of the EL2 physical timer (CNTHP). */
u32 phys_htimer_ppi(void);

/**
 * Called with the VM's vCPUs about to be told: PSCI SYSTEM_OFF/RESET of a
 * hosted VM stops the whole VM and every vCPU's run returns
 * MOAT_EXIT_SYSTEM_EVENT with @type.
 */
void hosted_system_event(struct vm *vm, u32 type);
#endif
