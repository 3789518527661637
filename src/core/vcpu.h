/* SPDX-License-Identifier: MIT */
/*
 * A virtual CPU: its exit-time registers (struct guest_ctx, first so the
 * world switch finds them at offset 0), the EL1 context that moves only
 * when a physical CPU switches to another vCPU, and lazily moved FP/SIMD.
 */
#ifndef MOAT_CORE_VCPU_H
#define MOAT_CORE_VCPU_H
#include "arch/el1_ctx.h"
#include "arch/guest_ctx.h"
#include "arch/regs.h"
#include "core/debug.h"
#include "core/esr.h"
#include "core/pmu.h"
#include "core/exit_stats.h"
#include "lib/spinlock.h"
#include "lib/types.h"

struct vm;

enum vcpu_power {
	VCPU_OFF = 0,		/* waiting for PSCI CPU_ON */
	VCPU_ON_PENDING,	/* CPU_ON accepted, not yet entered */
	VCPU_ON,
	VCPU_STOPPED,		/* its VM has stopped */
};

/* Counters of what the vCPU's exits did, for logs and benchmarks. */
struct vcpu_stats {
	u64 undef_injected, abort_injected;
	u64 at_retries;		/* permission faults whose AT S1E1R failed: guest retried */
};

struct vcpu {
	struct guest_ctx ctx;
	struct vm *vm;
	u32 id;			/* index in the VM */
	u32 pcpu;		/* physical CPU it runs on */
	u64 vmpidr;		/* VMPIDR_EL2 value */
	u64 hcr;		/* HCR_EL2 while it runs */
	volatile enum vcpu_power power;
	u64 entry, context_id;	/* where CPU_ON starts it */
	volatile bool reset;	/* start afresh at entry with x0 = context_id */
	volatile bool running;	/* inside vcpu_run on its CPU */
	spinlock_t lock;	/* power state transitions */

	struct el1_sysregs sys;	/* valid while not loaded */
	struct fpsimd_state fp;	/* valid while fp_live is false */
	bool fp_live;		/* the guest's FP/SIMD registers are in the CPU */
	struct vcpu_debug dbg;	/* debug registers, moved lazily (core/debug.c) */
	struct vcpu_pmu pmu;	/* PMU registers, valid while not loaded (core/pmu.c) */

	/* Virtual GIC CPU interface (core/vgic_glue.c). */
	u32 lrs_used;		/* list registers holding interrupts since the last flush */
	u32 lrs_written;	/* list registers that may be non-zero in the CPU */
	u32 vgic_gen;		/* vgic generation of the last empty flush */
	u32 flush_gen;		/* vgic generation of the last flush */
	u32 acked;		/* INTID + 1 of an interrupt the IRQ fast path acknowledged, not handled; 0: none */
	u8 timer_fwd;		/* EL1 timers whose physical PPI is active for the guest (vgic_glue.c) */
	u64 ich_vmcr, ich_ap0r[4], ich_ap1r[4];

	struct vcpu_stats stats;
	struct exit_stats xstats;	/* per exit reason (core/exit_stats.h) */
	u8 exit_reason;		/* of the exit being handled, set by its handler */
	const struct mmio_region *mmio_last;	/* the device of the last fast MMIO exit (exit.c) */
	bool id_filled;		/* ctx.id holds the sanitised ID registers (sysreg_id_fill) */

	/* VMs created by the host (core/hosted.c, core/hosted_run.c). */
	u8 host_exit;		/* a hosted vCPU: the MOAT_EXIT_* that ends its run; 0: none yet */
	volatile bool kicked;	/* the host's vCPU: kicked (it has an interrupt to look at) */
};

/** CPU_OFF semantics: a vCPU that is ON goes OFF (a STOPPED one stays so). */
void vcpu_power_off(struct vcpu *v);
/** Make @v's CPU notice a change (power state, a new interrupt). */
void vcpu_kick(struct vcpu *v);
/** WFI: return when @v has an interrupt to take (or something needs moat's attention). */
void vcpu_wait_for_interrupt(struct vcpu *v);
/** PSCI calls; false if @v's x0 is not a PSCI function. */
bool handle_psci(struct vcpu *v);

/** Reset @v's registers and trapped state to a fresh start at v->entry (core/vcpu_reset.c). */
void vcpu_reset_regs(struct vcpu *v);
/**
 * MOAT_HC_VCPU_RUN: run hosted vCPU @v on this CPU in place of the host's
 * vCPU @host (whose exit this is) until the host is needed; @host's
 * state is back in the CPU on return. Returns the MOAT_EXIT_* reason.
 */
u32 vcpu_run_hosted(struct vcpu *v, struct vcpu *host);
/** Run @v on this physical CPU while it is powered on. */
void vcpu_run(struct vcpu *v);
/** Put @v's state into this CPU (if another vCPU's is there) and set its traps. */
void vcpu_load(struct vcpu *v);

struct el2_config;
/** The EL2 controls for this machine's CPUs (computed on first use, at boot). */
const struct el2_config *vcpu_el2_config(void);
/** Take @v's lazily held state (FP) out of the CPU. */
void vcpu_put(struct vcpu *v);

/* Exception injection into the loaded vCPU. */
void vcpu_inject_undef(struct vcpu *v);
void vcpu_inject_ext_abort(struct vcpu *v, u64 far, bool instruction);

/** Read/write a general register by number; 31 is XZR (reads 0, writes ignored). */
static inline u64 vcpu_reg(const struct vcpu *v, u32 n)
{
	return n == 31 ? 0 : v->ctx.x[n];
}

static inline void vcpu_set_reg(struct vcpu *v, u32 n, u64 val)
{
	if (n != 31)
		v->ctx.x[n] = val;
}

/** Skip the trapped instruction: 4 bytes, or 2 for a 16-bit T32 one (ESR.IL = 0). */
static inline void vcpu_skip_instr(struct vcpu *v)
{
	v->ctx.pc += (v->ctx.esr & ESR_ELx_IL) ? 4 : 2;
	/*
	 * The instruction completed: a software step of it is done, so the
	 * step exception comes right after the return (PSTATE.SS 0:
	 * active-pending), as if the CPU had executed it.
	 */
	v->ctx.pstate &= ~(u64)PSR_SS;
}
#endif
