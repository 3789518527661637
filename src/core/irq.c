// SPDX-License-Identifier: MIT
#include "arch/gicv3.h"
#include "core/irq.h"
#include "core/vm.h"
#include "lib/log.h"

static void irq_dispatch(struct vcpu *v, u32 intid)
{
	switch (intid) {
	case GIC_SGI_KICK:
		/* Only here to make the CPU leave the guest or WFI; the caller rechecks state. */
		gic_eoi(intid);
		gic_deactivate(intid);
		return;
	default:
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
