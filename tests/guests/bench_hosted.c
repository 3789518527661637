/* SPDX-License-Identifier: MIT */
/*
 * The hosted benchmark (make bench, tests/bench/bench_guest.py): this
 * guest is the host (tests/guests/configs/bench_hosted.dts) and creates a
 * VM running tests/guests/bench_hosted_vm.S. It prints
 *
 *   hosted hypercall: X ticks/op        MOAT_HC_NOP from the hosted VM
 *   vcpu switch clean debug: X ticks/op one VCPU_RUN round trip (host ->
 *   vcpu switch dirty debug: X ticks/op  VM -> MMIO exit -> host), the
 *                                        VM's debug state untouched / live
 *
 * timed with the counter under -icount shift=0 (a tick = 16 instructions).
 */
#include "guest.h"
#include "hostcall.h"

GUEST_PLAN(0);

#define CODE_IPA	0x80000000ULL
#define DEV		0x0a000000ULL
#define HVC_N		2000
#define RUNS_N		500

extern char bench_hosted_vm[], bench_hosted_vm_end[];

static uint64_t run_pa, list_pa, don_pa, ram_pa;

static void print_ticks(const char *name, uint64_t ticks, uint64_t n)
{
	uint64_t x100 = ticks * 100 / n;

	printf("%s: %lu.%02lu ticks/op\n", name, x100 / 100, x100 % 100);
}

/* One VM with the benchmark's code; x0 = dirty; returns the handle or <= 0. */
static int64_t bench_vm(uint64_t pages, uint64_t dirty)
{
	volatile uint64_t *list = (volatile uint64_t *)list_pa;
	const uint32_t *src = (const uint32_t *)bench_hosted_vm;
	volatile uint32_t *dst = (volatile uint32_t *)ram_pa;
	int64_t vm = hc(MOAT_HC_VM_CREATE, MOAT_VM_CFG(1, 36, 0), don_pa, pages, 0);

	if (vm <= 0)
		return vm;
	for (uint64_t i = 0; i < (uint64_t)(bench_hosted_vm_end - bench_hosted_vm) / 4; i++)
		dst[i] = src[i];
	list[0] = ram_pa;
	if (hc(MOAT_HC_VM_MAP, (uint64_t)vm, CODE_IPA, list_pa, 1) != 1 ||
	    hc(MOAT_HC_VCPU_INIT, (uint64_t)vm, 0, CODE_IPA, dirty) != 0)
		return -1;
	return vm;
}

static void bench(uint64_t pages, uint64_t dirty)
{
	volatile struct moat_run *rp = (volatile struct moat_run *)run_pa;
	int64_t vm = bench_vm(pages, dirty), r;
	uint64_t t0, best = ~0ULL;

	if (vm <= 0) {
		check(false, "bench VM created (%ld)", (long)vm);
		return;
	}
	r = hc(MOAT_HC_VCPU_RUN, (uint64_t)vm, 0, run_pa, 0);
	if (r != MOAT_EXIT_MMIO || rp->mmio.addr != DEV) {
		check(false, "bench VM reports its hypercall figure (%ld)", (long)r);
		return;
	}
	if (!dirty)
		print_ticks("hosted hypercall", rp->mmio.data, HVC_N);
	for (int k = 0; k < 3; k++) {
		t0 = counter();
		for (int i = 0; i < RUNS_N; i++)
			hc(MOAT_HC_VCPU_RUN, (uint64_t)vm, 0, run_pa, 0);
		t0 = counter() - t0;
		if (t0 < best)
			best = t0;
	}
	print_ticks(dirty ? "vcpu switch dirty debug" : "vcpu switch clean debug", best, RUNS_N);
	hc(MOAT_HC_VM_DESTROY, (uint64_t)vm, 0, 0, 0);
}

int main(void)
{
	struct host_region r = host_region();
	uint64_t pages;

	run_pa = r.run;
	list_pa = r.list;
	don_pa = r.don;
	ram_pa = r.ram;
	pages = (uint64_t)hc(MOAT_HC_VM_DONATION, 1, 1 << 20, 0, 0);
	bench(pages, 0);
	bench(pages, 1);
	return 0;
}
