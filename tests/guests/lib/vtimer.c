// SPDX-License-Identifier: MIT
/* The virtual timer and its PPI for test guests; see vtimer.h. */
#include "vtimer.h"

volatile struct vtimer_log vtlog;

static void vtimer_irq(void)
{
	for (;;) {
		uint32_t intid = gic_ack();

		if (intid >= 1020)
			break;
		if (intid == INTID_VTIMER) {
			uint64_t now = read_sysreg(cntvct_el0);
			uint64_t cval = read_sysreg(cntv_cval_el0);

			vtlog.at = now;
			vtlog.cval = cval;
			if (now < cval)
				vtlog.early++;
			if (vtlog.rearm_left) {
				vtlog.rearm_left--;
				write_sysreg(cval + vtlog.rearm_period, cntv_cval_el0);
			} else {
				write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
			}
			isb();
			vtlog.fired++;
		} else if (intid < 16) {
			vtlog.sgis[intid]++;
		} else {
			vtlog.others++;
			vtlog.last_other = intid;
		}
		dsb(sy);
		gic_eoi(intid);
	}
}

void vtimer_irq_setup(uint16_t sgi_mask)
{
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_dist_enable();
	gic_redist_wake(0);
	for (unsigned i = 0; i < 16; i++)
		if (sgi_mask & (1u << i))
			gic_private_enable(0, i, 0x80);
	gic_private_enable(0, INTID_VTIMER, 0x80);
	set_irq_handler(vtimer_irq);
	gic_cpu_init();
}

static bool wait_until(const volatile uint32_t *p, uint32_t want, uint64_t end)
{
	/* Masked while checking, so an interrupt cannot slip in before the WFI. */
	__asm__ volatile("msr daifset, #2" ::: "memory");
	while (*p < want && counter() < end) {
		__asm__ volatile("dsb sy; wfi" ::: "memory");
		__asm__ volatile("msr daifclr, #2; isb; msr daifset, #2" ::: "memory");
	}
	return *p >= want;
}

bool irq_wait_count(const volatile uint32_t *p, uint32_t want, uint64_t ticks)
{
	return wait_until(p, want, counter() + ticks);
}

bool vtimer_wait(uint64_t deadline, uint64_t timeout, int64_t *latency)
{
	uint32_t start = vtlog.fired;
	bool ok;

	vtimer_arm(deadline, CNTV_CTL_ENABLE);
	ok = wait_until(&vtlog.fired, start + 1, deadline + timeout);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	*latency = (int64_t)(vtlog.at - deadline);
	return ok && vtlog.fired == start + 1;
}
