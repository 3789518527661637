/* SPDX-License-Identifier: MIT */
/* Physical interrupts taken at EL2 (HCR_EL2.IMO/FMO): who they are for. */
#ifndef MOAT_CORE_IRQ_H
#define MOAT_CORE_IRQ_H
#include "lib/types.h"

struct vcpu;

/** Take every pending physical interrupt on this CPU; @v is the vCPU loaded here (or NULL). */
void irq_handle_pending(struct vcpu *v);

/** The machine's PMU overflow PPI (from its DTB; PPI 7, INTID 23, if it names none). */
u32 phys_pmu_ppi(void);
#endif
