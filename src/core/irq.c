// SPDX-License-Identifier: MIT
#include "arch/gicv3.h"
#include "arch/pl011.h"
#include "core/boot.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "lib/log.h"

static void irq_dispatch(struct vcpu *v, u32 intid)
{
	switch (intid) {
	case GIC_PPI_MAINTENANCE:
	case GIC_PPI_VTIMER:
	case GIC_SGI_KICK:
		/*
		 * Only here to make the CPU leave the guest or WFI: the exit path
		 * resyncs the list registers and the timer's level.
		 */
		gic_eoi(intid);
		gic_deactivate(intid);
		return;
	default:
		if (intid == platform.uart_intid && intid) {
			int c;

			while ((c = pl011_getc()) >= 0)
				console_input((char)c);
			gic_eoi(intid);
			gic_deactivate(intid);
			return;
		}
		if (vgic_route_passthrough(intid))
			return;
		gic_eoi(intid);
		gic_deactivate(intid);
		log_ratelimited(LOG_WARN, "unexpected physical interrupt %u", intid);
	}
}

void irq_handle_pending(struct vcpu *v)
{
	for (int n = 0; n < 64; n++) {
		u32 intid = gic_ack();

		if (intid >= GIC_INTID_SPURIOUS)
			return;
		irq_dispatch(v, intid);
	}
}
