/* SPDX-License-Identifier: MIT */
/*
 * WFI/WFE. With PSTATE.I masked, the EL1 virtual timer is armed and the
 * guest executes WFI: a pending interrupt wakes WFI whatever the PSTATE
 * masks, so it must return once the timer fires (moat traps WFI with TWI and
 * must idle until then, not forever and preferably not spinning). WFE after
 * SEVL returns at once; a plain WFE returns on the timer event stream.
 *
 * The guest enables the virtual timer's PPI (INTID 27) in the GICv3 of the
 * virt machine layout first, as an OS would: without that the floor run (no
 * moat) never wakes. That setup runs tolerant (under moat without a vGIC
 * distributor the accesses fault and are skipped).
 *
 * Nothing here depends on how fast the host is: "returns at once" means
 * "returns, within PATIENCE_MS" (a WFI/WFE that wrongly blocks never
 * returns at all), and "waits rather than spins" counts the wake-ups that
 * came before the timer fired, which an idling moat keeps near one however
 * slow the host, and a spinning one makes by the hundred in 20 ms.
 */
#include "guest.h"

GUEST_PLAN(8);

#define GICD_BASE		0x08000000ULL
#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1u << 31)
#define GICR_BASE		0x080a0000ULL	/* redistributor of CPU 0 */
#define GICR_WAKER		0x0014
#define GICR_WAKER_PSLEEP	(1u << 1)
#define GICR_WAKER_CASLEEP	(1u << 2)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_IPRIORITYR		(GICR_SGI + 0x0400)
#define VTIMER_INTID		27

#define CNTV_CTL_ENABLE		(1u << 0)
#define CNTV_CTL_IMASK		(1u << 1)
#define CNTV_CTL_ISTATUS	(1u << 2)
#define CNTKCTL_EVNTEN		(1u << 2)
#define CNTKCTL_EVNTI(n)	((uint64_t)(n) << 4)

#define PATIENCE_MS		10000	/* fails the check; the runner allows 60 s in all */
#define IDLE_MS			20	/* the deadline the wake-ups are counted against */
#define EARLY_WAKES_MAX		10	/* WFI may complete spuriously, now and then */

static void gic_enable_vtimer(void)
{
	unsigned before = exceptions_seen();

	tolerate_exceptions(true);
	mmio_write32(GICD_BASE + GICD_CTLR, (1u << 4) | (1u << 1) | (1u << 0));
	for (int i = 0; i < 100000 && (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
	mmio_write32(GICR_BASE + GICR_WAKER,
		     mmio_read32(GICR_BASE + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
	for (int i = 0; i < 100000 && (mmio_read32(GICR_BASE + GICR_WAKER) & GICR_WAKER_CASLEEP); i++)
		;
	mmio_write32(GICR_BASE + GICR_IGROUPR0,
		     mmio_read32(GICR_BASE + GICR_IGROUPR0) | (1u << VTIMER_INTID));
	mmio_write8(GICR_BASE + GICR_IPRIORITYR + VTIMER_INTID, 0x80);
	mmio_write32(GICR_BASE + GICR_ISENABLER0, 1u << VTIMER_INTID);
	/* CPU interface: system registers, priority mask open, group 1 on. */
	write_sysreg(read_sysreg(s3_0_c12_c12_5) | 1, s3_0_c12_c12_5);	/* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(0xff, s3_0_c4_c6_0);				/* ICC_PMR_EL1 */
	write_sysreg(1, s3_0_c12_c12_7);				/* ICC_IGRPEN1_EL1 */
	isb();
	tolerate_exceptions(false);
	printf("GIC set up for INTID %d (%u accesses faulted)\n", VTIMER_INTID,
	       exceptions_seen() - before);
}

static void timer_arm(uint64_t deadline)
{
	write_sysreg(deadline, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
}

/*
 * WFI until the counter passes deadline; returns the number of wake-ups,
 * and in *early those after which the timer had not fired yet.
 */
static unsigned wfi_until(uint64_t deadline, unsigned *early)
{
	unsigned wakes = 0;

	*early = 0;
	do {
		__asm__ volatile("dsb sy; wfi" ::: "memory");
		wakes++;
		if (!(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS))
			(*early)++;
	} while (counter() < deadline && wakes < 1000000);
	return wakes;
}

int main(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t ms = freq / 1000;
	uint64_t t0, t1, deadline, patience = PATIENCE_MS * ms;
	unsigned wakes, early;

	printf("CNTFRQ_EL0 %lu Hz\n", freq);
	gic_enable_vtimer();

	/* 1. WFI, IRQs masked, the timer IDLE_MS ahead. */
	t0 = counter();
	deadline = t0 + IDLE_MS * ms;
	timer_arm(deadline);
	wakes = wfi_until(deadline, &early);
	t1 = counter();
	printf("# wfi: %u wake-up(s), returned %ld ticks after the deadline\n", wakes,
	       (long)(t1 - deadline));
	check(t1 >= deadline, "WFI returns once the virtual timer fires (IRQs masked)");
	check(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS, "CNTV_CTL_EL0.ISTATUS set after the deadline");
	check(early <= EARLY_WAKES_MAX,
	      "WFI waits rather than spins: %u wake-ups before the timer fired (%d ms ahead)", early,
	      IDLE_MS);

	/* 2. The timer condition still holds: WFI returns at once. */
	t0 = counter();
	__asm__ volatile("dsb sy; wfi" ::: "memory");
	t1 = counter();
	check(t1 - t0 < patience, "WFI with the timer already fired returns (%lu ticks)", t1 - t0);

	/*
	 * 3. Re-armed 5 ms ahead: the new deadline counts, not the old state.
	 * The interrupt the guest never acknowledged may still sit pending in
	 * a list register until the vCPU next exits, so WFI can complete early
	 * here (WFI may complete at any time; docs/vgic.md): only the deadline
	 * is checked, the wake-ups are reported.
	 */
	deadline = counter() + 5 * ms;
	timer_arm(deadline);
	wakes = wfi_until(deadline, &early);
	t1 = counter();
	printf("re-armed WFI: %u wake-ups\n", wakes);
	check(t1 >= deadline, "WFI after re-arming the timer returns after the new deadline");
	write_sysreg(0, cntv_ctl_el0);
	isb();

	/* 4. WFE: after SEVL the event register is set, WFE returns at once. */
	t0 = counter();
	__asm__ volatile("sevl; wfe" ::: "memory");
	t1 = counter();
	check(t1 - t0 < patience, "SEVL; WFE returns (%lu ticks)", t1 - t0);

	/* 5. Plain WFE, twice, with the event stream on (an event every 1024 ticks). */
	uint64_t kctl = read_sysreg(cntkctl_el1);

	write_sysreg(kctl | CNTKCTL_EVNTEN | CNTKCTL_EVNTI(9), cntkctl_el1);
	isb();
	t0 = counter();
	__asm__ volatile("wfe" ::: "memory");
	t1 = counter();
	check(t1 - t0 < patience, "WFE returns on the timer event stream (%lu ticks)", t1 - t0);
	t0 = counter();
	__asm__ volatile("wfe" ::: "memory");
	t1 = counter();
	check(t1 - t0 < patience, "second WFE returns too (%lu ticks)", t1 - t0);
	write_sysreg(kctl, cntkctl_el1);
	isb();
	return 0;
}
