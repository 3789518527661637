/* SPDX-License-Identifier: MIT */
/*
 * The virtual timer's interrupt (PPI 27) through moat's vGIC.
 *
 * 1. 20 times: the timer 2 ms ahead, IRQs taken between WFIs; the interrupt
 *    must come, never before its deadline (CNTVCT >= CVAL in the handler,
 *    which then masks the timer with CNTV_CTL.IMASK), and for the deadline
 *    it was armed with. How late it comes depends on the host, so lateness
 *    is a figure ("# timer: max lateness N ticks"), not a check.
 * 2. The handler re-arms itself (CVAL += 1 ms) 10 times: 11 interrupts,
 *    none early.
 * 3. A deadline already past fires at once; an IMASKed timer does not fire
 *    until IMASK is cleared (the output is a level).
 * 4. With PPI 27 disabled at the redistributor and the timer fired,
 *    GICR_ISPENDR0 bit 27 reads 1; after CNTV_CTL is masked or disabled it
 *    reads 0; once re-enabled no stale interrupt arrives.
 *    The guest drives CNTV_* directly (no trap), so moat only learns the
 *    timer's output level when the vCPU exits: the physical timer PPI
 *    makes the "fired" transition an exit of its own (the interrupt is
 *    forwarded, hardware-linked), and the exits after it resample CNTV_CTL
 *    (vgic_hw_resample); but masking or disabling the timer does not trap; so the guest makes an exit (MOAT_HC_NOP) before
 *    each GICR_ISPENDR0 read, and the read then reports the level as of
 *    that exit.
 *
 * 5. With PPI 27 enabled and IRQs masked, the fired timer's interrupt
 *    waits; masking the timer (and an exit) withdraws it, and no stale
 *    interrupt is taken once IRQs are unmasked.
 *
 * No check depends on how fast the host is. Waits for something that must
 * happen give up only after PATIENCE_MS of counter time. "Nothing arrives"
 * is never a time window: the guest sends itself SGI FENCE_SGI, at a lower
 * priority than the timer's, and waits for it; an interrupt that was wrongly
 * pending by then is taken before the SGI (the GIC hands out the highest
 * priority first), so its count must not have moved when the SGI arrives.
 */
#include "guest.h"
#include "smp.h"
#include "vtimer.h"

GUEST_PLAN(19);

#define ROUNDS		20
#define REARMS		10
#define PATIENCE_MS	10000	/* a wait that fails the check; the runner allows 60 s in all */
#define FENCE_SGI	1
#define FENCE_PRIO	0xc0	/* lower priority (larger) than the timer's 0x80 */

static uint64_t ms, patience;

static void nop_exit(void)
{
	hvc_call(MOAT_HC_NOP, 0, 0, 0);
}

/*
 * IRQs open; SGI FENCE_SGI to this CPU; wait until it was taken. Anything
 * of higher priority that was pending (the timer's PPI) was taken first.
 */
static bool irq_fence(void)
{
	uint32_t s = vtlog.sgis[FENCE_SGI];

	irq_enable();
	gic_send_sgi(FENCE_SGI, 1u << 0);
	irq_disable();
	return irq_wait_count(&vtlog.sgis[FENCE_SGI], s + 1, patience);
}

/* Spin (IRQs masked) until the virtual timer's ISTATUS reads 1, or patience runs out. */
static bool wait_istatus(void)
{
	uint64_t end = counter() + patience;

	while (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS))
		if (counter() > end)
			return false;
	return true;
}

static bool ispend27(void)
{
	return mmio_read32(gicr_base(0) + GICR_ISPENDR0) & (1u << INTID_VTIMER);
}

int main(void)
{
	int64_t lat, lat_min = INT64_MAX, lat_max = INT64_MIN, lat_sum = 0;
	unsigned delivered = 0, wrong_cval = 0;
	uint32_t f;
	bool ok;

	ms = ticks_per_ms();
	patience = PATIENCE_MS * ms;
	printf("CNTFRQ_EL0 %lu Hz\n", read_sysreg(cntfrq_el0));
	vtimer_irq_setup(0);
	gic_private_enable(0, FENCE_SGI, FENCE_PRIO);

	/* 1. 2 ms one-shots. */
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t deadline = counter() + 2 * ms;

		if (!vtimer_wait(deadline, patience, &lat)) {
			printf("round %u: no interrupt (fired %u)\n", i, vtlog.fired);
			continue;
		}
		delivered++;
		if (vtlog.cval != deadline)
			wrong_cval++;
		lat_sum += lat;
		if (lat < lat_min)
			lat_min = lat;
		if (lat > lat_max)
			lat_max = lat;
	}
	if (delivered)
		printf("# timer: max lateness %ld ticks (min %ld, avg %ld; %lu ticks/ms)\n",
		       (long)lat_max, (long)lat_min, (long)(lat_sum / (int64_t)delivered), ms);
	check(delivered == ROUNDS, "%u of %u timer interrupts (2 ms ahead, WFI) delivered", delivered,
	      ROUNDS);
	check(vtlog.early == 0 && delivered && lat_min >= 0,
	      "none before its deadline: CNTVCT >= CVAL in the handler (%u early, min latency %ld)",
	      vtlog.early, (long)lat_min);
	check(delivered && wrong_cval == 0,
	      "each one taken for the deadline it was armed with (%u with another CVAL)", wrong_cval);
	check(vtlog.fired == ROUNDS, "exactly one interrupt per deadline (%u in all)", vtlog.fired);

	/* 2. Re-armed from the handler. */
	f = vtlog.fired;
	vtlog.rearm_period = ms;
	vtlog.rearm_left = REARMS;
	dsb(sy);
	vtimer_arm(counter() + ms, CNTV_CTL_ENABLE);
	ok = irq_wait_count(&vtlog.fired, f + REARMS + 1, patience);
	/* The handler masked the timer after the last one: nothing more may come. */
	ok = irq_fence() && ok;
	write_sysreg(0, cntv_ctl_el0);
	isb();
	check(ok && vtlog.fired == f + REARMS + 1 && vtlog.early == 0,
	      "handler re-arming CVAL += 1 ms: %u interrupts (%d expected), none early",
	      vtlog.fired - f, REARMS + 1);

	/* 3. A deadline in the past; a masked timer. */
	f = vtlog.fired;
	vtimer_arm(counter() - 1000, CNTV_CTL_ENABLE);
	ok = irq_wait_count(&vtlog.fired, f + 1, patience);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	check(ok, "a deadline already past fires");

	/* Fired (ISTATUS) but masked; an exit makes moat sample it; then the fence. */
	f = vtlog.fired;
	vtimer_arm(counter() + ms, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	ok = wait_istatus();
	nop_exit();
	ok = irq_fence() && ok;
	check(ok && vtlog.fired == f && (read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS),
	      "with CNTV_CTL.IMASK set the fired timer (ISTATUS) raises no interrupt");
	uint64_t t0 = counter();

	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	ok = irq_wait_count(&vtlog.fired, f + 1, patience);
	printf("after clearing IMASK: interrupt in %lu ticks\n", counter() - t0);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	check(ok && vtlog.fired == f + 1, "clearing IMASK delivers it");

	/* 4. The level in GICR_ISPENDR0 while the PPI is disabled. */
	gic_private_disable(0, INTID_VTIMER);
	nop_exit();
	check(!ispend27(), "timer off: GICR_ISPENDR0 bit 27 reads 0");
	f = vtlog.fired;
	vtimer_arm(counter() + ms, CNTV_CTL_ENABLE);
	ok = wait_istatus();
	nop_exit();
	bool pend = ispend27();

	check(ok && pend, "PPI 27 disabled, timer fired: GICR_ISPENDR0 bit 27 reads 1");
	ok = irq_fence();
	check(ok && vtlog.fired == f, "... and no interrupt is delivered while it is disabled");

	write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
	isb();
	nop_exit();
	check(!ispend27(), "after CNTV_CTL.IMASK (and an exit): bit 27 reads 0");

	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	nop_exit();
	pend = ispend27();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	nop_exit();
	check(pend && !ispend27(), "unmasked again bit 27 reads 1; after CNTV_CTL = 0 (and an exit) 0");

	gic_private_enable(0, INTID_VTIMER, 0x80);
	ok = irq_fence();
	check(ok && vtlog.fired == f,
	      "re-enabling PPI 27 after the level fell delivers no stale interrupt");

	/*
	 * 5. PPI 27 enabled but IRQs masked in PSTATE: the fired timer's
	 *    interrupt waits (in a list register). Masking the timer before
	 *    taking it withdraws it at the next exit: bit 27 reads 0 and
	 *    unmasking IRQs delivers nothing.
	 */
	f = vtlog.fired;
	vtimer_arm(counter() + ms, CNTV_CTL_ENABLE);
	ok = wait_istatus();
	nop_exit();
	pend = ispend27();
	write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
	isb();
	nop_exit();
	check(ok && pend && !ispend27(),
	      "IRQs masked, timer fired: bit 27 reads 1; after CNTV_CTL.IMASK (and an exit) 0");
	ok = irq_fence();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	check(ok && vtlog.fired == f, "... and unmasking IRQs then delivers no stale interrupt");

	/* And it still works. */
	ok = vtimer_wait(counter() + 2 * ms, patience, &lat);
	check(ok && lat >= 0, "one more timer interrupt, not early, afterwards (lateness %ld)",
	      (long)lat);
	check(vtlog.others == 0, "no other INTIDs taken (%u, last %u)", vtlog.others,
	      vtlog.last_other);

	/*
	 * The EL1 physical timer (CNTP, PPI 30): the guest programs it directly
	 * (CNTHCTL_EL2.EL1PCEN) and moat injects its PPI. With IRQs masked in
	 * PSTATE the guest polls: the line shows in GICR_ISPENDR0 (after an
	 * exit, which is when moat samples it), and ICC_IAR1_EL1 hands out 30.
	 */
	{
		uint64_t p0 = read_sysreg(cntpct_el0);
		uint32_t got = 0;

		gic_private_enable(0, 30, 0x80);
		write_sysreg(p0 + 2 * ms, cntp_cval_el0);
		write_sysreg(CNTV_CTL_ENABLE, cntp_ctl_el0);
		isb();
		while (!(read_sysreg(cntp_ctl_el0) & CNTV_CTL_ISTATUS) &&
		       read_sysreg(cntpct_el0) < p0 + patience)
			;
		nop_exit();
		pend = mmio_read32(gicr_base(0) + GICR_ISPENDR0) & (1u << 30);
		got = gic_ack();
		write_sysreg(0, cntp_ctl_el0);
		isb();
		if (got < 1020)
			gic_eoi(got);
		check(pend && got == 30 && read_sysreg(cntpct_el0) >= p0 + 2 * ms,
		      "EL1 physical timer: PPI 30 pending and acknowledged (IAR %u)", got);
		gic_private_disable(0, 30);
	}
	return 0;
}
