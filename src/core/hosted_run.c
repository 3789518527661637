// SPDX-License-Identifier: MIT
/*
 * The hardware side of running a hosted vCPU (docs/hosted.md): the host's
 * own timer while a guest has its CPU, and waking a hosted vCPU that
 * gets an interrupt (an SGI to the CPU running it, or the host's
 * doorbell). The run itself is vcpu_run_hosted (core/vcpu.c), around it
 * core/hosted.c.
 */
#include "arch/barrier.h"
#include "arch/gicv3.h"
#include "arch/percpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/boot.h"
#include "core/host.h"
#include "core/hosted.h"
#include "core/vgic_glue.h"

/* The non-secure EL2 physical timer's PPI (Arm BSA: 26). */
#define GIC_PPI_HTIMER	26

u32 phys_htimer_ppi(void)
{
	return platform.timer_hyp ? platform.timer_hyp : GIC_PPI_HTIMER;
}

/*
 * While a hosted guest runs, its EL1 timers are in the CPU and the host's
 * are saved (vcpu_put): the host's earliest deadline goes to the EL2
 * physical timer, whose interrupt ends the run (irq.c), so the host's
 * scheduler tick still comes and preempts the guest.
 */
void hosted_host_timer_arm(struct vcpu *host)
{
	u64 dv = hosted_timer_deadline(host->sys.cntv_ctl, host->sys.cntv_cval, host->vm->cntvoff);
	u64 dp = hosted_timer_deadline(host->sys.cntp_ctl, host->sys.cntp_cval, 0);
	u64 d = MIN(dv, dp);

	if (d == UINT64_MAX) {
		write_sysreg(cnthp_ctl_el2, 0);
		return;
	}
	write_sysreg(cnthp_cval_el2, d);
	write_sysreg(cnthp_ctl_el2, CNTV_CTL_ENABLE);
	gic_enable_ppi(phys_htimer_ppi());
	isb();
}

void hosted_host_timer_disarm(void)
{
	/* Disabled, its line falls: nothing stays pending for a host that re-arms its own timer. */
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

/*
 * Raise the host's doorbell: its module wakes the vCPU threads that
 * wait, and they run again. An edge each time: a level would need
 * lowering, and a missed second edge is harmless (the pending one wakes
 * the same threads).
 */
static void hosted_doorbell(struct vm *host)
{
	u32 intid = host_doorbell_intid();
	int mask;

	if (!intid)
		return;
	mask = vgic_raise_edge(&host->vgic, 0, intid);
	if (mask > 0)
		vm_kick_mask(host, (u32)mask);
}

void hosted_kick(struct vcpu *v)
{
	/*
	 * vcpu_kick stored the new state and fenced; vcpu_run_hosted stores
	 * running and fences before it looks at the state. A vCPU seen
	 * running looks again after the SGI (or before it enters); one seen
	 * not running looks when it is run next, after the doorbell, and one
	 * that just stopped running looks once more (hosted_exit_reason).
	 */
	if (READ_ONCE(v->running)) {
		if (v->pcpu != this_cpu()->cpu)
			gic_send_sgi(GIC_SGI_KICK, percpu_area[v->pcpu].mpidr);
		return;
	}
	hosted_doorbell(v->vm->hosted->host);
}
