// SPDX-License-Identifier: MIT
/*
 * Running a vCPU. The loop is: make sure this CPU holds the vCPU's state,
 * enter, handle the exit at EL2, enter again. Only the general registers
 * move on an exit (guest_entry.S); EL1 state is loaded once, when this CPU
 * last ran a different vCPU, and FP/SIMD on the guest's first use.
 */
#include "arch/barrier.h"
#include "arch/el1_ctx.h"
#include "arch/gicv3.h"
#include "arch/percpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/debug.h"
#include "core/inject.h"
#include "core/el2_config.h"
#include "core/exit.h"
#include "core/hosted.h"
#include "core/firmware.h"
#include "moat/hypercall.h"
#include "core/irq.h"
#include "core/spectre.h"
#include "core/vgic_glue.h"
#include "core/panic.h"
#include "core/vm.h"
#include "core/sysreg_trap.h"

/* guest_entry.S's ID-register fast path matches these ESR_EL2 fields. */
_Static_assert(FAST_ID_MASK == (ESR_ELx_SYS64_OP0 | ESR_ELx_SYS64_OP1 | ESR_ELx_SYS64_CRN |
				BIT(4) /* CRm[3] */ | ESR_ELx_SYS64_DIR), "fast ID mask");
_Static_assert(FAST_ID_MATCH == (FIELD_PREP(ESR_ELx_SYS64_OP0, 3) | ESR_ELx_SYS64_DIR),
	       "fast ID match");
_Static_assert(ESR_EC_SYS64 == ESR_ELx_EC_SYS64 && ESR_EC_HVC64 == ESR_ELx_EC_HVC64 &&
	       ESR_EC_DABT_LOW == ESR_ELx_EC_DABT_LOW, "fast ECs");

_Static_assert(MAX_CPUS <= PMU_MAX_CPUS, "pmu.c keeps one holder per CPU");

/* The vCPU whose EL1 state is in each CPU's registers. */
static struct vcpu *loaded_on[MAX_CPUS];

static struct el2_config el2_cfg;
static bool el2_cfg_done;

/*
 * First called by vm_create on the boot CPU, before any vCPU runs; the
 * CPUs are assumed to have the same features.
 */
const struct el2_config *vcpu_el2_config(void)
{
	struct el2_id_regs id = {
		.pfr0 = read_sysreg(id_aa64pfr0_el1),
		.pfr1 = read_sysreg(id_aa64pfr1_el1),
		.dfr0 = read_sysreg(id_aa64dfr0_el1),
		.isar2 = read_sysreg_s("s3_0_c0_c6_2"),	/* ID_AA64ISAR2_EL1 */
		.mmfr0 = read_sysreg(id_aa64mmfr0_el1),
		.mmfr1 = read_sysreg(id_aa64mmfr1_el1),
		.mmfr2 = read_sysreg(id_aa64mmfr2_el1),
	};

	if (el2_cfg_done)
		return &el2_cfg;
	/* PMCR_EL0 is UNDEFINED without a PMUv3. */
	if (id_dfr0_has_pmuv3(id.dfr0))
		id.pmcr = read_sysreg(pmcr_el0);
	el2_config_compute(&id, &el2_cfg);
	el2_cfg_done = true;
	return &el2_cfg;
}

/*
 * Every EL2 trap and control register the CPU has, so nothing of the boot
 * firmware's survives: the same for every vCPU, and nothing else writes
 * them, so once per CPU (vcpu_load). CPTR_EL2 (the FP trap) and MDCR_EL2
 * (debug) change per vCPU: vcpu_load writes them each time.
 */
static void el2_traps_write(const struct el2_config *c)
{
	write_sysreg(hstr_el2, c->hstr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(cnthctl_el2, CNTHCTL_EL2_EL1PCTEN | CNTHCTL_EL2_EL1PCEN);
	if (c->has_hcrx)
		write_sysreg_s("s3_4_c1_c2_2", c->hcrx);	/* HCRX_EL2 */
	if (c->has_fgt) {
		write_sysreg_s("s3_4_c1_c1_4", c->hfgrtr);	/* HFGRTR_EL2 */
		write_sysreg_s("s3_4_c1_c1_5", c->hfgwtr);	/* HFGWTR_EL2 */
		write_sysreg_s("s3_4_c1_c1_6", c->hfgitr);	/* HFGITR_EL2 */
		write_sysreg_s("s3_4_c3_c1_4", c->hdfgrtr);	/* HDFGRTR_EL2 */
		write_sysreg_s("s3_4_c3_c1_5", c->hdfgwtr);	/* HDFGWTR_EL2 */
	}
	if (c->has_fgt2) {
		write_sysreg_s("s3_4_c3_c1_2", 0);	/* HFGRTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_3", 0);	/* HFGWTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_7", 0);	/* HFGITR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_0", 0);	/* HDFGRTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_1", 0);	/* HDFGWTR2_EL2 */
	}
	if (c->has_mpam)
		write_sysreg_s("s3_4_c10_c5_0", c->mpam2);	/* MPAM2_EL2 */
	if (c->has_trfcr)
		write_sysreg_s("s3_4_c1_c2_1", c->trfcr);	/* TRFCR_EL2 */
}

/*
 * The branch-predictor mitigation this CPU's guest exits need (read by
 * guest_entry.S), decided on the CPU itself before its first guest entry:
 * CPUs of a big.LITTLE system differ.
 */
static void spectre_decide(struct percpu *pc)
{
	static bool warned;
	struct spectre_inputs in = {
		.pfr0 = read_sysreg(id_aa64pfr0_el1),
		.isar2 = read_sysreg_s("s3_0_c0_c6_2"),	/* ID_AA64ISAR2_EL1 */
		.mmfr1 = read_sysreg(id_aa64mmfr1_el1),
		.fw_wa1 = firmware_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0),
		.fw_wa3 = firmware_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0, 0),
	};
	bool unmitigated;

	pc->spectre_mit = spectre_choose(&in, &unmitigated);
	pc->spectre_decided = true;
	if (unmitigated && !warned) {
		warned = true;
		log_info("CPU %u: no Spectre-v2/BHB mitigation offered by CPU or firmware "
			 "(docs/security.md)", pc->cpu);
	}
}

void vcpu_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	struct vcpu *prev = loaded_on[pc->cpu];
	struct vm *vm = v->vm;

	if (!pc->spectre_decided)
		spectre_decide(pc);
	/*
	 * The vCPU whose state the CPU holds (a host's vCPU that runs a
	 * hosted one) goes out first, before anything of @v is written:
	 * vcpu_put reads its HCR_EL2 from the CPU, and saving its live FP/SIMD
	 * registers lifts the FP trap, which @v's CPTR_EL2 below sets again.
	 */
	if (prev && prev != v) {
		vcpu_put(prev);
		loaded_on[pc->cpu] = NULL;
	}

	if (!pc->el2_traps_done) {
		el2_traps_write(vcpu_el2_config());
		pc->el2_traps_done = true;
	}
	write_sysreg(hcr_el2, v->hcr);
	write_sysreg(vtcr_el2, vm->vtcr);
	write_sysreg(vttbr_el2, vm->vttbr);
	write_sysreg(vmpidr_el2, v->vmpidr);
	write_sysreg(cntvoff_el2, vm->cntvoff);
	/* FP/SIMD traps until the guest first uses it; SVE, SME, AMU and trace always. */
	write_sysreg(cptr_el2, vcpu_el2_config()->cptr | CPTR_EL2_TFP);
	if (loaded_on[pc->cpu] != v) {
		el1_sysregs_restore(&v->sys);
		vcpu_vgic_restore(v);
		debug_vcpu_load(v);
		pmu_vcpu_load(v);
		if (pmu_offered())
			gic_enable_ppi(phys_pmu_ppi());
		/*
		 * Once per vCPU: the values do not change, and sanitising the
		 * whole ID space is thousands of instructions, which a host's
		 * vCPU switches would pay on every run of a guest.
		 */
		if (!v->id_filled) {
			sysreg_id_fill(v);
			v->id_filled = true;
		}
		loaded_on[pc->cpu] = v;
	}
	/* Debug registers trap (TDA) until they are this vCPU's (core/debug.c). */
	write_sysreg(mdcr_el2, debug_mdcr(v, vcpu_el2_config()->mdcr));
	isb();
	pc->vcpu = v;
}

void vcpu_put(struct vcpu *v)
{
	/* Keeps a virtual SError the guest has not taken yet (HCR_EL2.VSE). */
	v->hcr = read_sysreg(hcr_el2);
	if (v->fp_live) {
		write_sysreg(cptr_el2, CPTR_EL2_RES1);
		isb();
		fpsimd_save(&v->fp);
		v->fp_live = false;
	}
	el1_sysregs_save(&v->sys);
	vcpu_vgic_save(v);
	debug_vcpu_put(v);
	pmu_vcpu_put(v);
}

/*
 * A guest whose exception vector itself faults (VBAR_EL1 never set, or a
 * kernel that is not code at all) would take the same fault at the same
 * place for ever: hundreds of thousands of exits a second and no progress.
 * Stop the VM instead, and say what is likely wrong.
 */
static bool vcpu_fault_loops(struct vcpu *v, const struct el1_exc_regs *r)
{
	if (!inject_would_loop(&v->ctx, r, EXC_TYPE_SYNC))
		return false;
	log_err("%s: vCPU %u faults at its own exception vector 0x%llx (VBAR_EL1 0x%llx) and cannot "
		"make progress: VM stopped%s", v->vm->name, v->id, (unsigned long long)v->ctx.pc,
		(unsigned long long)r->vbar,
		v->vm->boot.arm64_image ? "" : " (its kernel has no arm64 Image header: is it an arm64 Image?)");
	vm_stop(v->vm, VM_EXIT_FAULT_LOOP);
	return true;
}

void vcpu_inject_undef(struct vcpu *v)
{
	struct el1_exc_regs r;

	el1_exc_regs_read(&r);
	if (vcpu_fault_loops(v, &r))
		return;
	inject_undef(&v->ctx, &r);
	el1_exc_regs_write(&r);
	v->stats.undef_injected++;
}

void vcpu_inject_ext_abort(struct vcpu *v, u64 far, bool instruction)
{
	struct el1_exc_regs r;

	el1_exc_regs_read(&r);
	if (vcpu_fault_loops(v, &r))
		return;
	inject_ext_abort(&v->ctx, &r, far, instruction);
	el1_exc_regs_write(&r);
	v->stats.abort_injected++;
}

/* First FP/SIMD use since this vCPU was loaded: bring its registers in. */
void vcpu_fpsimd_trap(struct vcpu *v)
{
	write_sysreg(cptr_el2, vcpu_el2_config()->cptr);
	isb();
	fpsimd_restore(&v->fp);
	v->fp_live = true;
}

void vcpu_power_off(struct vcpu *v)
{
	spin_lock(&v->lock);
	if (v->power == VCPU_ON)
		WRITE_ONCE(v->power, VCPU_OFF);
	spin_unlock(&v->lock);
}

void vcpu_kick(struct vcpu *v)
{
	/* A host vCPU inside VCPU_RUN learns of it after the guest's next exit (vcpu_loop). */
	if (v->vm->host)
		WRITE_ONCE(v->kicked, true);
	dsb(ish);
	sev();
	/* A hosted vCPU has no CPU of its own: its current one, or the host's doorbell. */
	if (v->vm->hosted) {
		hosted_kick(v);
		return;
	}
	if (v->pcpu != this_cpu()->cpu)
		gic_send_sgi(GIC_SGI_KICK, percpu_area[v->pcpu].mpidr);
}

/* Architectural reset state of a vCPU entering at its entry point. */
static void vcpu_reset_state(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	vcpu_reset_regs(v);
	/* Force vcpu_load to put this fresh EL1 state into the CPU. */
	if (loaded_on[pc->cpu] == v)
		loaded_on[pc->cpu] = NULL;
	v->reset = false;
}

/*
 * Enter, handle the exit, enter again while @v is on. With @host (a
 * hosted vCPU run for the host's vCPU @host), also stop when an exit
 * needs the host (v->host_exit) or the host's vCPU was kicked: then the
 * host has an interrupt to take, and gets its CPU back. Inlined into both
 * callers, so a static VM's loop tests nothing more.
 */
static inline __attribute__((always_inline)) void vcpu_loop(struct vcpu *v, struct vcpu *host)
{
	/* Exit statistics: ticks from each exit to the next entry (exit_stats.h). */
	u64 t_exit = 0;
	u32 last = EXIT_R_NR;	/* the slot no exit is counted in */
	struct exit_stat *xs = v->xstats.r;

	/* Kept in a register as is: count and ticks then load and store as one pair. */
	__asm__("" : "+r"(xs));

	while (smp_load_acquire(&v->power) == VCPU_ON && !v->reset && !READ_ONCE(panic_in_progress)) {
		u64 kind;

		vcpu_vgic_flush(v);
		if (EXIT_STATS) {
			u64 now = read_sysreg(cntpct_el0);
			struct exit_stat s = xs[last];

			s.count++;
			s.ticks += now - t_exit;
			xs[last] = s;
		}
		kind = guest_enter(&v->ctx);
		if (EXIT_STATS)
			t_exit = read_sysreg(cntpct_el0);
		vcpu_vgic_sync(v);
		handle_exit(v, kind);
		last = v->exit_reason;
		if (host && (v->host_exit || READ_ONCE(host->kicked))) {
			if (!v->host_exit)
				v->host_exit = MOAT_EXIT_IRQ;
			/*
			 * The exit that goes to the host is counted here, timed
			 * to this point: no next entry of this run would count it.
			 */
			if (EXIT_STATS) {
				struct exit_stat s = xs[last];

				s.count++;
				s.ticks += read_sysreg(cntpct_el0) - t_exit;
				xs[last] = s;
			}
			break;
		}
	}
}

/* After a vCPU's last exit here: a PMU overflow it never deactivated is dropped. */
static void vcpu_leave(struct vcpu *v)
{
	/* Leaving the CPU: if the vCPU comes back it may have been reset. */
	vcpu_put(v);
	/*
	 * A PMU overflow it was forwarded and never deactivated (stopped or
	 * reset in its handler) would keep the CPU's PMU PPI active for good;
	 * its counters are stopped now (pmu_vcpu_put), so the line is low.
	 */
	if (pmu_offered())
		gic_clear_active_ppi(phys_pmu_ppi());
	loaded_on[this_cpu()->cpu] = NULL;
	this_cpu()->vcpu = NULL;
	/* Release: what vcpu_put saved is complete before a resetter sees us gone. */
	smp_store_release(&v->running, false);
	dsb(ish);
	sev();
}

void vcpu_run(struct vcpu *v)
{
	v->running = true;
	/*
	 * SYSTEM_RESET on another CPU stores power, then reads running; this
	 * CPU stores running, then reads power. The full barrier on each side
	 * means at least one of them sees the other's store.
	 */
	smp_mb();
	if (v->reset)
		vcpu_reset_state(v);
	vcpu_load(v);
	vcpu_loop(v, NULL);
	vcpu_leave(v);
}

u32 vcpu_run_hosted(struct vcpu *v, struct vcpu *host)
{
	v->pcpu = this_cpu()->cpu;
	v->host_exit = 0;
	WRITE_ONCE(host->kicked, false);
	/*
	 * A kick (vcpu_kick) stores the vCPU's new state, then reads running;
	 * this CPU stores running, then reads the state: one of the two sees
	 * the other (and a kick that saw running sends its SGI here).
	 */
	v->running = true;
	smp_mb();
	if (v->reset)
		vcpu_reset_state(v);
	/*
	 * An interrupt the host has already (it called with its own masked)
	 * goes first: kicks from here on set host->kicked, and what came
	 * before is in its vGIC.
	 */
	if (vgic_vcpu_pending(&host->vm->vgic, host->id))
		v->host_exit = MOAT_EXIT_IRQ;
	if (!v->host_exit && smp_load_acquire(&v->power) == VCPU_ON) {
		/* Puts the host's vCPU (its EL1, FP, vGIC, debug, PMU state) and loads @v. */
		vcpu_load(v);
		hosted_host_timer_arm(host);
		vcpu_loop(v, host);
		hosted_host_timer_disarm();
		vcpu_leave(v);
		/* The host's vCPU again, all of it: its exit handler returns into vcpu_run. */
		vcpu_load(host);
	} else {
		/* Ordered before hosted_exit_reason looks for a wake-up it missed. */
		WRITE_ONCE(v->running, false);
		smp_mb();
	}
	return hosted_exit_reason(v);
}
