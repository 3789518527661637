/* SPDX-License-Identifier: MIT */
/*
 * The benchmark guest (make bench, tests/bench/bench_guest.py). Times, with
 * CNTVCT_EL0, N round trips of: a null hypercall (SMCCC_VERSION over HVC),
 * MOAT_HC_NOP, an MMIO read, and a trapped system-register read
 * (ID_AA64PFR0_EL1, trapped by TID3), a TLBI VALE1IS + DSB ISH (trapped
 * when the VM has trap-tlbi), and prints "NAME: X.YZ ticks/op (net
 * A.BC)" (best of 3 runs): X per loop iteration, net minus the same loop
 * with a NOP. Also a GICD_TYPER read (vGIC MMIO), a PL011 register write
 * (UARTIMSC = 0), and the virtual timer interrupt's latency (see
 * vtimer_latency). Under QEMU's -icount shift=0 a tick is 16 executed
 * instructions, so figures repeat.
 *
 * Floor mode (booted straight under QEMU at EL1, no moat): the hypercalls
 * are answered by QEMU's firmware emulation (NOT_SUPPORTED), the system
 * register read is native, and, since there is no test device, the MMIO
 * read goes to the PL011's UARTPeriphID0 register, a read-only register of
 * a device QEMU emulates: the cost of an MMIO read with no hypervisor.
 */
#include "guest.h"
#include "vtimer.h"

GUEST_PLAN(0);

#define N		4000
#define RUNS		3
#define PL011_PERIPHID0	0x09000fe0ULL
#define PL011_IMSC	0x09000038ULL
/* Timer latency: events per repetition, repetitions, how far ahead each deadline is. */
#define VT_EVENTS	100
#define VT_REPS		5
#define VT_DELTA	400

uint64_t bench_empty(uint64_t n, uint32_t lo);
uint64_t bench_hvc_version(uint64_t n, uint32_t lo);
uint64_t bench_hvc(uint64_t n, uint32_t fid);
uint64_t bench_mmio(uint64_t n, uint64_t addr);
uint64_t bench_sysreg(uint64_t n, uint32_t lo);
uint64_t bench_pmu(uint64_t n, uint32_t lo);
uint64_t bench_tlbi(uint64_t n, uint64_t operand);
uint64_t bench_mmio32(uint64_t n, uint64_t addr);
uint64_t bench_mmio_write32(uint64_t n, uint64_t addr);
uint64_t bench_vtimer(uint64_t delta, uint64_t wfi);

/* TLBI VALE1IS operand: a page the guest never maps (its MMU is off), so nothing is lost. */
#define TLBI_OPERAND	(0x7f000000ULL >> 12)

static uint64_t best(uint64_t (*fn)(uint64_t, uint64_t), uint64_t arg)
{
	uint64_t min = ~0ULL;

	for (int i = 0; i < RUNS; i++) {
		uint64_t t = fn(N, arg);

		if (t < min)
			min = t;
	}
	return min;
}

/*
 * moat prints a VM's lines within its log budget (LOG_RATELIMIT_BURST = 10
 * a second), and under -icount a second is long: after a few lines, sleep
 * (the virtual timer, WFI with IRQs masked) into the next second. Needs
 * vtimer_irq_setup() first.
 */
static void pace(void)
{
	static unsigned lines;
	uint64_t hz = read_sysreg(cntfrq_el0), end;

	if (++lines < 8)
		return;
	lines = 1;
	end = (counter() / hz + 1) * hz;
	vtimer_arm(end, CNTV_CTL_ENABLE);
	while (counter() < end)
		__asm__ volatile("dsb sy; wfi" ::: "memory");
	write_sysreg(0, cntv_ctl_el0);
	isb();
}

/*
 * X is the whole loop iteration (as PLATFORM.md's reference figures for KVM
 * and for QEMU alone are measured: with no hypervisor an HVC loop costs
 * 0.31); "net" has the empty loop subtracted.
 */
static void print_op(const char *name, uint64_t ticks, uint64_t empty)
{
	uint64_t gross = ticks * 100 / N;
	uint64_t net = (ticks > empty ? ticks - empty : 0) * 100 / N;

	pace();
	printf("%s: %lu.%02lu ticks/op (net %lu.%02lu)\n", name, gross / 100, gross % 100,
	       net / 100, net % 100);
}

/*
 * Virtual-timer interrupt latency, CNTV_CVAL deadline to the first
 * instruction of the guest's IRQ vector, with the vCPU spinning or in WFI:
 * VT_REPS repetitions of VT_EVENTS events, min/mean/max over all of them
 * (mean to 1/100 tick). "vtimer NAME: min A mean B.CD max C ticks".
 */
static void vtimer_latency(const char *name, uint64_t wfi)
{
	uint64_t min = ~0ULL, max = 0, sum = 0;

	bench_vtimer(VT_DELTA, wfi);	/* warm up */
	for (int r = 0; r < VT_REPS; r++) {
		for (int i = 0; i < VT_EVENTS; i++) {
			uint64_t t = bench_vtimer(VT_DELTA, wfi);

			sum += t;
			min = t < min ? t : min;
			max = t > max ? t : max;
		}
	}
	sum = sum * 100 / (VT_REPS * VT_EVENTS);
	pace();
	printf("vtimer %s: min %lu mean %lu.%02lu max %lu ticks\n", name, min, sum / 100,
	       sum % 100, max);
}

int main(void)
{
	bool moat = moat_present();
	uint64_t mmio_addr = moat ? MOAT_TESTDEV_BASE + MOAT_TESTDEV_MAGIC : PL011_PERIPHID0;
	uint64_t empty;

	vtimer_irq_setup(0);
	printf("mode: %s; iterations: %d, best of %d; mmio target 0x%lx\n",
	       moat ? "moat" : "bare (no hypervisor)", N, RUNS, mmio_addr);
	/* Warm up: first FP/TLB/translation-cache effects out of the way. */
	bench_hvc_version(16, 0);
	bench_mmio(16, mmio_addr);
	bench_sysreg(16, 0);
	bench_pmu(16, 0);
	bench_tlbi(16, TLBI_OPERAND);
	bench_mmio32(16, GICD_BASE + GICD_TYPER);
	bench_mmio_write32(16, PL011_IMSC);

	empty = best((uint64_t (*)(uint64_t, uint64_t))bench_empty, 0);
	pace();
	printf("loop: %lu.%02lu ticks/iteration\n", empty * 100 / N / 100, empty * 100 / N % 100);
	print_op("hypercall", best((uint64_t (*)(uint64_t, uint64_t))bench_hvc_version, 0), empty);
	print_op("nop hypercall", best((uint64_t (*)(uint64_t, uint64_t))bench_hvc, MOAT_HC_NOP),
		 empty);
	print_op("mmio read", best((uint64_t (*)(uint64_t, uint64_t))bench_mmio, mmio_addr), empty);
	print_op("sysreg read", best((uint64_t (*)(uint64_t, uint64_t))bench_sysreg, 0), empty);
	print_op("pmu read", best((uint64_t (*)(uint64_t, uint64_t))bench_pmu, 0), empty);
	/* Trapped only in the VMs configured with trap-tlbi (bench_tlbi_*.dts). */
	print_op("tlbi", best(bench_tlbi, TLBI_OPERAND), empty);
	print_op("gicd read", best(bench_mmio32, GICD_BASE + GICD_TYPER), empty);
	print_op("pl011 write", best(bench_mmio_write32, PL011_IMSC), empty);
	vtimer_latency("spin", 0);
	vtimer_latency("wfi", 1);
	return 0;
}
