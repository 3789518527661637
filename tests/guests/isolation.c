/* SPDX-License-Identifier: MIT */
/*
 * Isolation between VMs. configs/isolation.dts runs two VMs of this guest at
 * once, one per physical CPU, each with 16 MiB at IPA 0x40000000 backed by
 * different memory. Each fills 4 MiB of its RAM with a pattern of its own
 * (a fixed seed per VM, named by its bootargs "iso0"/"iso1", so the two
 * differ and every run writes the same values), checks it,
 * probes IPAs outside its RAM (just past the end, every MiB up to 2 GiB —
 * where the other VM's memory could be if moat mapped physical addresses —
 * and beyond), loads and stores, each of which must take a data abort; and
 * finally checks its pattern is still intact after the other VM has run the
 * same stores.
 *
 * "After the other VM's stores" is not a time window: the VMs share nothing
 * but the physical counter (CNTPCT_EL0, counting from QEMU's start for
 * both), so they meet at a fixed count, MEET_MS. Each VM checks that its
 * own stores were done before it (a generous bound: they take well under
 * a second), and looks at its pattern only after it. When both VMs pass,
 * the other's stores came before this one's last look, however slow the
 * host.
 */
#include "guest.h"

GUEST_PLAN(10);

#define MiB		0x100000ULL
#define FILL_SIZE	(4 * MiB)
#define MEET_MS		10000	/* CNTPCT_EL0, from QEMU's start; the runner allows 60 s */

static uint64_t seed;

static inline uint64_t pattern(uint64_t addr)
{
	return seed ^ (addr * 0x9e3779b97f4a7c15ULL);
}

static uint64_t verify(uint64_t start, uint64_t end)
{
	uint64_t bad = 0;

	for (uint64_t a = start; a < end; a += 8)
		bad += *(volatile uint64_t *)a != pattern(a);
	return bad;
}

/* Probe [from, to) every step: each load and store must take a data abort at FAR. */
static unsigned scan(uint64_t from, uint64_t to, uint64_t step, unsigned *n)
{
	unsigned leaks = 0;
	struct probe p;

	*n = 0;
	for (uint64_t a = from; a < to; a += step) {
		(*n)++;
		probe_read64(a, &p);
		bool ok = p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR && p.exc.far == a;
		probe_write64(a, pattern(a), &p);
		ok = ok && p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR && p.exc.far == a;
		if (!ok) {
			if (++leaks <= 4)
				printf("IPA 0x%lx did not abort as expected\n", a);
		}
	}
	return leaks;
}

int main(void)
{
	uint64_t start = ((uint64_t)(uintptr_t)__image_end + MiB - 1) & ~(MiB - 1);
	uint64_t end = start + FILL_SIZE;
	uint64_t freq = read_sysreg(cntfrq_el0);
	unsigned n, leaks;
	struct probe p;

	/* Keep clear of a DTB moat may have put in our RAM. */
	if (guest_dtb >= start - MiB && guest_dtb < end + MiB) {
		start = (guest_dtb + 2 * MiB) & ~(MiB - 1);
		end = start + FILL_SIZE;
	}
	seed = bootargs_has("iso1") ? 0x69736f31a5c3e10fULL : 0x69736f30e10fa5c3ULL;
	check(bootargs_has("iso0") != bootargs_has("iso1"), "bootargs name this VM: \"%s\"",
	      guest_bootargs());
	printf("pattern seed 0x%016lx, filling 0x%lx-0x%lx\n", seed, start, end);
	for (uint64_t a = start; a < end; a += 8)
		*(volatile uint64_t *)a = pattern(a);
	check(verify(start, end) == 0, "own RAM holds its pattern after writing 4 MiB");

	probe_read64(GUEST_RAM_END, &p);
	check(p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR && p.exc.far == GUEST_RAM_END,
	      "load just past RAM (0x%llx) takes a data abort", GUEST_RAM_END);
	probe_write64(GUEST_RAM_END, 0x5555, &p);
	check(p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR && p.exc.far == GUEST_RAM_END,
	      "store just past RAM (0x%llx) takes a data abort", GUEST_RAM_END);
	probe_read64(0, &p);
	check(p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR && p.exc.far == 0,
	      "load from IPA 0 takes a data abort");

	leaks = scan(GUEST_RAM_END, 0x80000000ULL, MiB, &n);
	check(leaks == 0, "%u IPAs 0x%llx-0x80000000 (every MiB): loads and stores abort (%u did not)",
	      n, GUEST_RAM_END, leaks);
	leaks = scan(0x80000000ULL, 0x140000000ULL, 16 * MiB, &n);
	check(leaks == 0, "%u IPAs 0x80000000-0x140000000 (every 16 MiB) abort (%u did not)",
	      n, leaks);
	leaks = scan(0x4000000000ULL, 0x4000000000ULL + 4 * MiB, MiB, &n);
	check(leaks == 0, "IPAs at 256 GiB abort (%u did not)", leaks);

	/* Meet the other VM after both did all of the above, then look again. */
	uint64_t meet = MEET_MS * (freq / 1000), done = read_sysreg(cntpct_el0);

	printf("# isolation: stores done at %lu ms of CNTPCT, meeting at %d ms\n",
	       done / (freq / 1000), MEET_MS);
	while (read_sysreg(cntpct_el0) < meet)
		;
	check(done < meet && verify(start, end) == 0,
	      "own RAM pattern intact once both VMs are past their stores (done at %lu ms < %d ms)",
	      done / (freq / 1000), MEET_MS);
	check(verify(start, start + 4096) == 0 && *(volatile uint64_t *)start == pattern(start),
	      "first page of the pattern still ours (0x%lx)", *(volatile uint64_t *)start);
	return 0;
}
