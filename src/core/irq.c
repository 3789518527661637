// SPDX-License-Identifier: MIT
#include "arch/gicv3.h"
#include "arch/pl011.h"
#include "core/boot.h"
#include "core/console.h"
#include "core/guest_layout.h"
#include "core/hosted.h"
#include "core/irq.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "lib/log.h"

#define GIC_PPI_PMU	23	/* the PPI the Arm BSA recommends for the PMU */

u32 phys_pmu_ppi(void)
{
	return platform.pmu_intid ? platform.pmu_intid : GIC_PPI_PMU;
}

/*
 * The PMU overflow line of the vCPU running here (its counters are the
 * CPU's while it runs): forwarded hardware-linked to its PPI 23, left
 * active until the guest deactivates it, by when its handler has cleared
 * the overflow. With no vCPU here it is nobody's: dropped.
 */
static bool irq_pmu(struct vcpu *v, u32 intid)
{
	if (intid != phys_pmu_ppi() || !v || !pmu_offered())
		return false;
	gic_eoi(intid);
	vgic_set_irq_level(&v->vm->vgic, v->id, GUEST_PMU_INTID, true);
	return true;
}

/*
 * What a physical interrupt means here:
 * - the kick SGI and the GIC maintenance interrupt only make the CPU leave
 *   the guest (or WFI); the entry path then resyncs the list registers;
 * - the EL1 timers' PPIs go to the vCPU this CPU runs, hardware-linked
 *   (left active until the guest deactivates them);
 * - the console UART's interrupt carries input for the focused VM;
 * - a passed-through SPI goes to its VM, hardware-linked (left active);
 * - the PMU's PPI goes to the vCPU running here, likewise;
 * - anything else is unexpected: dropped and logged.
 */
static void irq_dispatch(struct vcpu *v, u32 intid)
{
	bool wake_only = intid == GIC_SGI_KICK || intid == GIC_PPI_MAINTENANCE;

	if (!wake_only && vcpu_timer_irq(v, intid))
		return;
	if (!wake_only && irq_pmu(v, intid))
		return;
	/*
	 * Anything else is not a hosted guest's own: it ends the run, the
	 * host takes what was routed to it (MOAT_EXIT_IRQ, docs/hosted.md).
	 */
	if (!wake_only && v && v->vm->hosted)
		v->host_exit = MOAT_EXIT_IRQ;
	if (!wake_only && intid && intid == platform.uart_intid) {
		int c;

		while ((c = pl011_getc()) >= 0)
			console_input((char)c);
	} else if (!wake_only && vgic_route_passthrough(intid)) {
		return;
	} else if (!wake_only && intid == phys_htimer_ppi()) {
		/* The host's own deadline, armed while a hosted guest runs: once is enough. */
		hosted_host_timer_disarm();
	} else if (!wake_only) {
		log_ratelimited(LOG_WARN, "unexpected physical interrupt %u", intid);
	}
	gic_eoi(intid);
	gic_deactivate(intid);
}

void irq_handle_pending(struct vcpu *v)
{
	/* Interrupts arrive often enough (guest timers, input) to time out waiting VM lines. */
	console_poll();
	/* One the fast path (vcpu_vtimer_refire) acknowledged and left. */
	if (v && v->acked) {
		u32 intid = v->acked - 1;

		v->acked = 0;
		if (intid < GIC_INTID_SPURIOUS)
			irq_dispatch(v, intid);
	}
	for (int n = 0; n < 64; n++) {
		u32 intid = gic_ack();

		if (intid >= GIC_INTID_SPURIOUS)
			return;
		irq_dispatch(v, intid);
	}
}
