/* SPDX-License-Identifier: MIT */
/*
 * The bystander of the attack suite (tests/guests/attack_*.c,
 * tests/qemu/attack_cases.py): a VM that shares a machine with an attacker
 * VM and notices if anything the attacker does reaches it.
 *
 * It fills RAM_FILL bytes of its RAM with a pattern seeded from the counter
 * (so no other VM can guess it), then for BYSTANDER_MS runs rounds of: one
 * 2 ms virtual-timer deadline, one SGI to itself, and a re-check of one
 * chunk of the pattern (the whole pattern is re-checked every few rounds).
 * At the end it checks: every timer interrupt and SGI arrived once, no
 * INTID it did not ask for arrived, its pattern is intact, moat still
 * answers hypercalls. The VMs share nothing, so the overlap with the
 * attacker is arranged by time: both start at boot and the bystander runs
 * for longer than an attacker needs (the runner notes when the attacker
 * outlived it). Alone (configs/attack_bystander.dts) it is the baseline:
 * the same checks pass with no attacker.
 */
#include "guest.h"
#include "smp.h"
#include "vtimer.h"

GUEST_PLAN(6);

#define BYSTANDER_MS	6000
#define RAM_FILL	(4 * 0x100000ULL)
#define CHUNK		0x4000ULL
#define SGI_SELF	3

static uint64_t seed;

static inline uint64_t pattern(uint64_t a)
{
	return seed ^ (a * 0x9e3779b97f4a7c15ULL);
}

static uint64_t verify(uint64_t from, uint64_t to)
{
	uint64_t bad = 0;

	for (uint64_t a = from; a < to; a += 8)
		bad += *(volatile uint64_t *)a != pattern(a);
	return bad;
}

int main(void)
{
	uint64_t ms = ticks_per_ms();
	uint64_t start = ((uint64_t)(uintptr_t)__image_end + 0xfffff) & ~0xfffffULL;
	uint64_t end = start + RAM_FILL, t0, chunk = start, bad = 0;
	unsigned rounds = 0, missed = 0, sgi_bad = 0, hc_bad = 0;
	int64_t lat;

	/* The DTB moat wrote is in the last 2 MiB of RAM: the fill stays below. */
	seed = counter() * 0x2545f4914f6cdd1dULL ^ 0x62797374616e6465ULL;
	for (uint64_t a = start; a < end; a += 8)
		*(volatile uint64_t *)a = pattern(a);
	printf("bystander: pattern 0x%lx-0x%lx seeded 0x%lx, running %d ms\n", start, end, seed,
	       BYSTANDER_MS);

	vtimer_irq_setup(1u << SGI_SELF);
	t0 = counter();
	while (counter() - t0 < BYSTANDER_MS * ms) {
		uint32_t s = vtlog.sgis[SGI_SELF];

		gic_send_sgi(SGI_SELF, 1u << 0);
		if (!irq_wait_count(&vtlog.sgis[SGI_SELF], s + 1, 1000 * ms) ||
		    vtlog.sgis[SGI_SELF] != s + 1)
			sgi_bad++;
		if (!vtimer_wait(counter() + 2 * ms, 1000 * ms, &lat))
			missed++;
		bad += verify(chunk, chunk + CHUNK);
		chunk = chunk + CHUNK >= end ? start : chunk + CHUNK;
		if (!(rounds % 64) && hvc_call(MOAT_HC_NOP, 0, 0, 0) != 0)
			hc_bad++;
		rounds++;
	}
	irq_disable();
	bad += verify(start, end);
	printf("bystander: %u rounds in %lu ms\n", rounds, (counter() - t0) / ms);

	unsigned stray = vtlog.others;

	for (unsigned i = 0; i < 16; i++)
		if (i != SGI_SELF)
			stray += vtlog.sgis[i];
	check(bad == 0, "bystander: memory intact (%lu words changed)", bad);
	check(rounds > 0 && missed == 0, "bystander: all %u timer interrupts kept coming (%u missed)",
	      rounds, missed);
	check(vtlog.fired == rounds, "bystander: exactly one timer interrupt per deadline (%u for %u)",
	      vtlog.fired, rounds);
	check(sgi_bad == 0 && vtlog.sgis[SGI_SELF] == rounds,
	      "bystander: every SGI to itself arrived once (%u for %u)", vtlog.sgis[SGI_SELF], rounds);
	check(stray == 0, "bystander: no INTID it did not ask for arrived (%u, last %u)", stray,
	      vtlog.last_other);
	check(hc_bad == 0, "bystander: moat answered every hypercall (%u failed)", hc_bad);
	return 0;
}
