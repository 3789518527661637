/* SPDX-License-Identifier: MIT */
/*
 * The guest's PMUv3 (configs/pmu.dts; moat: core/pmu.c): the counters the
 * CPU has, the cycle counter advancing and stopping, SW_INCR counting
 * PMSWINC writes, 32-bit and 64-bit overflow setting PMOVS and delivering
 * PPI 23 through the virtual GIC (once per overflow), counters beyond
 * PMCR_EL0.N UNDEFINED, the EL2 filter bit (NSH) kept clear, the device
 * tree's pmu node.
 *
 * PMUSERENR_EL0 gates EL0 (run_el0): with EN 0 an EL0 read of
 * PMCCNTR_EL0 is trapped to the guest's EL1 (the CPU checks it before
 * moat's EL2 trap), with EN 1 it reads the running counter through moat.
 */
#include "gic.h"
#include "guest.h"
#include "smp.h"

GUEST_PLAN(18);

#define PMU_INTID	23

#define PMCR_E		(1ULL << 0)
#define PMCR_P		(1ULL << 1)
#define PMCR_C		(1ULL << 2)
#define PMCR_LC		(1ULL << 6)
#define PMCR_LP		(1ULL << 7)
#define PMCR_N(v)	(((v) >> 11) & 0x1f)
#define CYCLE		(1ULL << 31)
#define EV_SW_INCR	0x00
#define TYPER_NSH	(1ULL << 27)
#define TYPER_U		(1ULL << 30)

static volatile uint32_t pmu_irqs, other_irqs;
static volatile uint64_t ovs_in_irq;

static void irq_handler(void)
{
	for (;;) {
		uint32_t intid = gic_ack();

		if (intid >= 1020)
			break;
		if (intid == PMU_INTID) {
			pmu_irqs++;
			ovs_in_irq |= read_sysreg(pmovsset_el0);
			/* Clear the overflow before the EOI: the line goes low, no second interrupt. */
			write_sysreg(~0ULL, pmovsclr_el0);
			isb();
		} else {
			other_irqs++;
		}
		gic_eoi(intid);
	}
}

/* Take the interrupts pending now: open IRQs briefly, wait a little for one to arrive. */
static bool wait_pmu_irqs(uint32_t want)
{
	bool ok;

	irq_enable();
	ok = wait_eq32(&pmu_irqs, want, 10000 * ticks_per_ms());
	irq_disable();
	return ok;
}

static uint64_t el0_read_ccnt(uint64_t x)
{
	return read_sysreg(pmccntr_el0) + x;
}

static void pmu_stop(void)
{
	write_sysreg(0, pmcr_el0);
	write_sysreg(~0ULL, pmcntenclr_el0);
	write_sysreg(~0ULL, pmintenclr_el1);
	write_sysreg(~0ULL, pmovsclr_el0);
	isb();
}

static bool fdt_has_pmu(void)
{
	/* The DTB's strings: the compatible of the pmu node is there as text. */
	const char *want = "arm,armv8-pmuv3";
	const uint8_t *p = (const uint8_t *)guest_dtb;
	size_t n = strlen(want);

	if (!guest_dtb)
		return false;
	for (size_t i = 0; i < 0x10000 - n; i++)
		if (!memcmp(p + i, want, n))
			return true;
	return false;
}

int main(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1), ver = (dfr0 >> 8) & 0xf;

	check(ver >= 1 && ver != 0xf, "ID_AA64DFR0_EL1.PMUVer says PMUv3 (%lu)", ver);
	check(fdt_has_pmu(), "the device tree has a pmu node (arm,armv8-pmuv3)");

	uint64_t pmcr = read_sysreg(pmcr_el0), n = PMCR_N(pmcr);

	printf("PMCR_EL0 0x%lx: %lu event counters; PMCEID0 0x%lx PMCEID1 0x%lx\n", pmcr, n,
	       read_sysreg(pmceid0_el0), read_sysreg(pmceid1_el0));
	check(n >= 1, "PMCR_EL0.N: at least one event counter (%lu)", n);
	check(read_sysreg(pmceid0_el0) & 1, "PMCEID0_EL0 lists SW_INCR");

	gic_dist_enable();
	gic_redist_wake(0);
	gic_cpu_init();
	set_irq_handler(irq_handler);
	gic_private_enable(0, PMU_INTID, 0x80);
	pmu_stop();

	/* Cycle counter: runs while enabled, stands still while not. */
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(CYCLE, pmcntenset_el0);
	write_sysreg(PMCR_E | PMCR_C, pmcr_el0);
	isb();
	uint64_t c0 = read_sysreg(pmccntr_el0);

	delay_ticks(1000);
	uint64_t c1 = read_sysreg(pmccntr_el0);

	check(c1 > c0, "the cycle counter advances while enabled (%lu -> %lu)", c0, c1);
	write_sysreg(0, pmcr_el0);
	isb();
	c0 = read_sysreg(pmccntr_el0);
	delay_ticks(1000);
	c1 = read_sysreg(pmccntr_el0);
	check(c1 == c0, "the cycle counter stops when PMCR_EL0.E is 0 (%lu -> %lu)", c0, c1);

	/* SW_INCR on the last event counter: counts PMSWINC writes, nothing else. */
	unsigned last = (unsigned)n - 1;

	write_sysreg(last, pmselr_el0);
	isb();
	write_sysreg(EV_SW_INCR, pmxevtyper_el0);
	write_sysreg(0, pmxevcntr_el0);
	write_sysreg(1ULL << last, pmcntenset_el0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	for (int i = 0; i < 7; i++)
		write_sysreg(1ULL << last, pmswinc_el0);
	write_sysreg(1ULL << 0 | 1ULL << 30, pmswinc_el0);	/* other counters (disabled), non-existent ones */
	isb();
	write_sysreg(last, pmselr_el0);
	isb();
	uint64_t cnt = read_sysreg(pmxevcntr_el0);

	check(cnt == 7 || (last == 0 && cnt == 8), "SW_INCR counter %u counts the 7 PMSWINC writes (%lu)", last, cnt);

	/* 32-bit overflow of event counter 0 (SW_INCR): PMOVS bit and PPI 23, once. */
	pmu_stop();
	write_sysreg(EV_SW_INCR, pmevtyper0_el0);
	write_sysreg(0xffffffffULL, pmevcntr0_el0);
	write_sysreg(1, pmintenset_el1);
	write_sysreg(1, pmcntenset_el0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	write_sysreg(1, pmswinc_el0);
	isb();
	uint64_t ovs = read_sysreg(pmovsset_el0);

	check((ovs & 1) && read_sysreg(pmevcntr0_el0) == 0,
	      "32-bit overflow of counter 0 sets PMOVSSET bit 0 (0x%lx)", ovs);
	check(wait_pmu_irqs(1) && (ovs_in_irq & 1), "the overflow is delivered as PPI 23 (%u)", pmu_irqs);
	delay_ticks(1000);
	irq_enable();
	delay_ticks(1000);
	irq_disable();
	check(pmu_irqs == 1 && other_irqs == 0 && !(read_sysreg(pmovsset_el0) & 1),
	      "cleared in the handler, it comes once (%u)", pmu_irqs);

	/* 64-bit overflow: the cycle counter with PMCR_EL0.LC, from 2^64 - 256. */
	pmu_stop();
	ovs_in_irq = 0;
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(~0ULL - 255, pmccntr_el0);
	write_sysreg(CYCLE, pmintenset_el1);
	write_sysreg(CYCLE, pmcntenset_el0);
	write_sysreg(PMCR_E | PMCR_LC, pmcr_el0);
	isb();
	check(wait_pmu_irqs(2) && (ovs_in_irq & CYCLE), "64-bit cycle-counter overflow: PMOVS bit 31 and PPI 23");
	pmu_stop();

	/* The EL2 filter never reaches the CPU: moat's code is not counted. */
	write_sysreg(EV_SW_INCR | TYPER_NSH | TYPER_U, pmevtyper0_el0);
	write_sysreg(TYPER_NSH, pmccfiltr_el0);
	isb();
	uint64_t t0 = read_sysreg(pmevtyper0_el0), cf = read_sysreg(pmccfiltr_el0);

	check(!(t0 & TYPER_NSH) && (t0 & TYPER_U) && !(cf & TYPER_NSH),
	      "PMEVTYPER0/PMCCFILTR: NSH (count at EL2) reads 0, U kept (0x%lx, 0x%lx)", t0, cf);

	/* Counters beyond N: PMSELR names one, PMXEVCNTR/PMXEVTYPER UNDEF. */
	if (n < 31) {
		struct probe dummy;
		unsigned before = exceptions_seen();

		(void)dummy;
		write_sysreg(n, pmselr_el0);
		isb();
		tolerate_exceptions(true);
		(void)read_sysreg(pmxevcntr_el0);
		bool a = exceptions_seen() == before + 1 && ESR_EC(last_exception()->esr) == ESR_EC_UNKNOWN;

		write_sysreg(0, pmxevtyper_el0);
		bool b = exceptions_seen() == before + 2 && ESR_EC(last_exception()->esr) == ESR_EC_UNKNOWN;

		tolerate_exceptions(false);
		check(a && b, "event counter %lu (= PMCR_EL0.N) does not exist: UNDEF", n);
	} else {
		check(true, "31 event counters: none beyond to try");
	}
	write_sysreg(0, pmselr_el0);

	/* PMUSERENR_EL0: the guest's, holding what it wrote. */
	write_sysreg(0xf, pmuserenr_el0);
	isb();
	uint64_t ue = read_sysreg(pmuserenr_el0);

	write_sysreg(0, pmuserenr_el0);
	check(ue == 0xf && read_sysreg(pmuserenr_el0) == 0, "PMUSERENR_EL0 holds EN, SW, CR, ER (0x%lx)", ue);

	/* PMUSERENR_EL0 gates EL0: EN 0, the read traps to EL1 (vector 0x400); EN 1, it reads. */
	pmu_stop();
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(CYCLE, pmcntenset_el0);
	write_sysreg(PMCR_E, pmcr_el0);
	write_sysreg(0, pmuserenr_el0);
	isb();
	{
		unsigned before = exceptions_seen();

		tolerate_exceptions(true);
		(void)run_el0((uintptr_t)el0_call, 0, (uintptr_t)el0_read_ccnt, SPSR_EL0T_MASKED);
		tolerate_exceptions(false);
		const struct exc_info *e = last_exception();

		check(exceptions_seen() == before + 1 && e->vec == 0x400 && ESR_EC(e->esr) == 0x18,
		      "PMUSERENR_EL0.EN 0: an EL0 read of PMCCNTR_EL0 traps to EL1 (vector 0x%lx, EC 0x%lx)",
		      e->vec, ESR_EC(e->esr));
		write_sysreg(1, pmuserenr_el0);
		isb();
		before = exceptions_seen();
		uint64_t a = run_el0((uintptr_t)el0_call, 0, (uintptr_t)el0_read_ccnt, SPSR_EL0T_MASKED);
		uint64_t b = run_el0((uintptr_t)el0_call, 0, (uintptr_t)el0_read_ccnt, SPSR_EL0T_MASKED);

		write_sysreg(0, pmuserenr_el0);
		check(exceptions_seen() == before && b > a,
		      "PMUSERENR_EL0.EN 1: EL0 reads the running cycle counter (%lu, %lu)", a, b);
	}
	pmu_stop();

	/* 64-bit event counters (PMUv3p5, PMCR_EL0.LP): overflow past 2^64, not 2^32. */
	if (ver >= 6) {
		pmu_stop();
		ovs_in_irq = 0;
		uint32_t before = pmu_irqs;

		write_sysreg(EV_SW_INCR, pmevtyper0_el0);
		write_sysreg(0xffffffffULL, pmevcntr0_el0);
		write_sysreg(1, pmintenset_el1);
		write_sysreg(1, pmcntenset_el0);
		write_sysreg(PMCR_E | PMCR_LP, pmcr_el0);
		isb();
		write_sysreg(1, pmswinc_el0);
		isb();
		bool no32 = !(read_sysreg(pmovsset_el0) & 1) && read_sysreg(pmevcntr0_el0) == 0x100000000ULL;

		write_sysreg(~0ULL, pmevcntr0_el0);
		write_sysreg(1, pmswinc_el0);
		isb();
		check(no32 && (read_sysreg(pmovsset_el0) & 1) && wait_pmu_irqs(before + 1) && (ovs_in_irq & 1),
		      "64-bit event counter (LP): no overflow at 2^32, PMOVS and PPI 23 at 2^64");
	} else {
		check(true, "no PMUv3p5: 64-bit event counters not offered");
	}
	pmu_stop();
	gic_private_disable(0, PMU_INTID);
	set_irq_handler(NULL);
	check(other_irqs == 0, "no other interrupt arrived");
	return 0;
}
