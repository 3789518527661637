/* SPDX-License-Identifier: MIT */
/*
 * The EL1 virtual timer with its interrupt (PPI 27) on CPU 0 of a test
 * guest: GIC set-up, an IRQ handler that records when the interrupt came,
 * and a "wait for the next deadline" loop. Used by the timer guest and the
 * gicfuzz bystander.
 */
#ifndef GUEST_VTIMER_H
#define GUEST_VTIMER_H

#include "gic.h"
#include "guest.h"

#define CNTV_CTL_ENABLE		(1u << 0)
#define CNTV_CTL_IMASK		(1u << 1)
#define CNTV_CTL_ISTATUS	(1u << 2)

struct vtimer_log {
	uint32_t fired;		/* timer interrupts taken */
	uint32_t early;		/* ... with CNTVCT < CNTV_CVAL in the handler */
	uint32_t rearm_left;	/* handler re-arms by rearm_period this many more times */
	uint64_t rearm_period;
	uint64_t at;		/* CNTVCT_EL0 in the handler, last interrupt */
	uint64_t cval;		/* CNTV_CVAL_EL0 then */
	uint32_t sgis[16];	/* SGIs taken, per INTID */
	uint32_t others;	/* any other INTID */
	uint32_t last_other;
};
extern volatile struct vtimer_log vtlog;

/*
 * Distributor on, CPU 0's redistributor awake, PPI 27 Group 1 priority 0x80
 * enabled, @sgi_mask SGIs enabled too, CPU interface on, IRQ handler set.
 * IRQs stay masked in PSTATE.
 */
void vtimer_irq_setup(uint16_t sgi_mask);

static inline void vtimer_arm(uint64_t cval, uint32_t ctl)
{
	write_sysreg(cval, cntv_cval_el0);
	write_sysreg(ctl, cntv_ctl_el0);
	isb();
}

/*
 * Arm the timer for @deadline and wait (WFI, taking IRQs between WFIs)
 * until its interrupt was taken or @timeout ticks after the deadline.
 * True when exactly one came; *latency = handler time - deadline.
 */
bool vtimer_wait(uint64_t deadline, uint64_t timeout, int64_t *latency);

/* Wait (WFI, IRQs taken) until *p reaches @want or @ticks pass. */
bool irq_wait_count(const volatile uint32_t *p, uint32_t want, uint64_t ticks);

#endif
