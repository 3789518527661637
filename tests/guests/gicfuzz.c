/* SPDX-License-Identifier: MIT */
/*
 * A guest that writes nonsense to its whole virtual GIC must not disturb
 * another VM (configs/gicfuzz.dts: two VMs of this guest, one per CPU).
 *
 * VM "gicfuzz" (bootargs "fuzz"): for at least FUZZ_MS, in passes, writes
 * a PRNG sequence to every 4-byte aligned offset of the distributor
 * (64 KiB) and of its redistributor (RD_base and SGI_base frames, 128 KiB)
 * with 1-, 2-, 4- and 8-byte accesses (8-byte ones at 8-byte aligned
 * offsets only: with the MMU off memory is Device, where a misaligned
 * access is the guest's own alignment fault, taken before any trap), reads
 * each back, and writes PRNG values to ICC_SGI1R_EL1 (trapped: SGIs inside
 * its own VM only). moat must answer every access (no abort injected),
 * keep the GIC's identity registers intact, and keep running; afterwards
 * the guest cleans its GIC up and checks its own timer interrupt still
 * works.
 *
 * VM "bystander" (bootargs "bystander"): meanwhile, and for BYSTANDER_MS in
 * all (past the end of the fuzzing), runs 2 ms virtual-timer deadlines
 * back to back and an SGI to itself each round; every interrupt must come,
 * not early, once, for the deadline it was armed with, and no INTID it did
 * not ask for may ever arrive. How late the interrupts come depends on the
 * host: it is printed ("# bystander: max lateness N ticks"), not checked.
 * A wait gives up (and fails its check) only after PATIENCE_MS.
 *
 * The VMs share nothing but the physical counter (CNTPCT_EL0, counting from
 * QEMU's start for both), so the overlap is arranged on it: the fuzzer
 * fuzzes whole passes until at least FUZZ_UNTIL_MS, the bystander watches
 * until BYSTANDER_UNTIL_MS, and the fuzzer checks that it stopped before
 * that (a generous bound: a pass takes a few seconds on a loaded host).
 * When both VMs pass, the bystander watched through all of the fuzzing,
 * however slow the host.
 */
#include "guest.h"
#include "smp.h"
#include "vtimer.h"

GUEST_PLAN(6);

#define FUZZ_UNTIL_MS		2500	/* CNTPCT_EL0, from QEMU's start */
#define BYSTANDER_UNTIL_MS	25000	/* ditto; the runner allows 60 s in all */
#define PATIENCE_MS	10000	/* a wait that fails the check; the runner allows 60 s in all */
#define SGI_SELF	1
#define SGI1R_FUZZ	2000

static uint64_t ms, patience;

/* The physical counter in ms: the same clock in both VMs. */
static uint64_t phys_ms(void)
{
	isb();
	return read_sysreg(cntpct_el0) / ms;
}
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t prng(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t n_access;

static void fuzz_region(uint64_t base, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += 4) {
		uint64_t a = base + off;

		mmio_write8(a, (uint8_t)prng());
		(void)mmio_read8(a);
		mmio_write16(a, (uint16_t)prng());
		(void)mmio_read16(a);
		mmio_write32(a, (uint32_t)prng());
		(void)mmio_read32(a);
		n_access += 6;
		if (!(off & 7)) {
			mmio_write64(a, prng());
			(void)mmio_read64(a);
			n_access += 2;
		}
	}
}

/* Everything off, nothing pending or active: a known state after the fuzz. */
static void gic_clean(void)
{
	uint64_t rd = gicr_base(0);

	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	for (uint64_t i = 0; i < 32; i++) {
		mmio_write32(GICD_BASE + 0x0180 + 4 * i, 0xffffffff);	/* ICENABLER */
		mmio_write32(GICD_BASE + 0x0280 + 4 * i, 0xffffffff);	/* ICPENDR */
		mmio_write32(GICD_BASE + 0x0380 + 4 * i, 0xffffffff);	/* ICACTIVER */
	}
	mmio_write32(rd + GICR_ICENABLER0, 0xffffffff);
	mmio_write32(rd + GICR_ICPENDR0, 0xffffffff);
	mmio_write32(rd + GICR_ICACTIVER0, 0xffffffff);
	mmio_write32(rd + GICR_ICFGR0 + 4, 0);	/* PPIs level (what the timer is) */
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(rd + GICR_IPRIORITYR0 + i, 0x80808080);
	mmio_write32(rd + GICR_IGROUPR0, 0xffffffff);
}

static int fuzzer(void)
{
	uint64_t t0 = counter(), t_pass = 0;
	unsigned passes = 0, before = exceptions_seen();
	int64_t lat;
	uint32_t typer_d0 = mmio_read32(GICD_BASE + GICD_TYPER);

	tolerate_exceptions(true);
	/*
	 * Whole passes until FUZZ_UNTIL_MS, checking the time every 4 KiB once
	 * one full pass is done, so the fuzzing ends soon after the later of
	 * FUZZ_UNTIL_MS and the end of the first pass.
	 */
	for (;;) {
		uint64_t p0 = counter();
		bool stop = false;

		for (uint64_t off = 0; off < GICD_SIZE + GICR_STRIDE && !stop; off += 0x1000) {
			fuzz_region(off < GICD_SIZE ? GICD_BASE + off : GICR_BASE + off - GICD_SIZE,
				    0x1000);
			stop = passes >= 1 && phys_ms() >= FUZZ_UNTIL_MS;
		}
		if (stop)
			break;
		for (unsigned i = 0; i < SGI1R_FUZZ; i++)
			gic_send_sgi1r(prng());
		passes++;
		t_pass = counter() - p0;
		if (phys_ms() >= FUZZ_UNTIL_MS)
			break;
	}
	uint64_t end_ms = phys_ms();

	tolerate_exceptions(false);
	unsigned faults = exceptions_seen() - before;

	printf("%u full passes (%lu GIC accesses in all + %u SGI1R writes a pass), one pass %lu ms, %lu ms in all\n",
	       passes, n_access, SGI1R_FUZZ, t_pass / ms, (counter() - t0) / ms);
	printf("# gicfuzz: fuzzing ended at %lu ms of CNTPCT; the bystander watches till %d ms\n",
	       end_ms, BYSTANDER_UNTIL_MS);
	check(passes >= 1 && faults == 0 && end_ms < BYSTANDER_UNTIL_MS,
	      "fuzzed every GICD/GICR offset, 1/2/4/8-byte PRNG writes+reads, %u pass(es), while "
	      "watched: no abort (%u)", passes, faults);

	uint32_t pidr2d = mmio_read32(GICD_BASE + GICD_PIDR2);
	uint32_t pidr2r = mmio_read32(gicr_base(0) + GICR_PIDR2);

	check(((pidr2d >> 4) & 0xf) == 3 && ((pidr2r >> 4) & 0xf) == 3,
	      "GICD_PIDR2/GICR_PIDR2 still say GICv3 (0x%x, 0x%x)", pidr2d, pidr2r);
	uint64_t typer = mmio_read64(gicr_base(0) + GICR_TYPER);

	check((typer >> 32) == 0 && (typer & (1u << 4)),
	      "GICR_TYPER still says affinity 0.0.0.0, last (0x%lx)", typer);

	/*
	 * Clean up; our own timer interrupt still works. The CPU interface
	 * was never enabled (ICC_IGRPEN1_EL1 = 0), so nothing was acknowledged
	 * during the fuzz and no active priority is left behind.
	 */
	irq_disable();
	gic_clean();
	memset((void *)&vtlog, 0, sizeof(vtlog));
	vtimer_irq_setup(0);
	bool ok = vtimer_wait(counter() + 2 * ms, patience, &lat);

	check(ok && lat >= 0 && vtlog.others == 0,
	      "afterwards, its own timer interrupt comes, not early (lateness %ld ticks, %u stray)",
	      (long)lat, vtlog.others);
	int64_t r = hvc_call(MOAT_HC_NOP, 0, 0, 0);

	check(r == 0, "moat still answers hypercalls (MOAT_HC_NOP returns %ld)", (long)r);
	uint32_t typer_d = mmio_read32(GICD_BASE + GICD_TYPER);

	check(typer_d == typer_d0, "GICD_TYPER is unchanged by the fuzz (0x%x, was 0x%x)", typer_d,
	      typer_d0);
	return 0;
}

static int bystander(void)
{
	uint64_t t0 = counter();
	unsigned rounds = 0, missed = 0, wrong_cval = 0, sgi_bad = 0;
	int64_t lat, lat_max = INT64_MIN, lat_min = INT64_MAX, lat_max_last = INT64_MIN;

	vtimer_irq_setup(1u << SGI_SELF);
	while (phys_ms() < BYSTANDER_UNTIL_MS) {
		uint32_t s = vtlog.sgis[SGI_SELF];

		gic_send_sgi(SGI_SELF, 1u << 0);
		if (!irq_wait_count(&vtlog.sgis[SGI_SELF], s + 1, patience) ||
		    vtlog.sgis[SGI_SELF] != s + 1)
			sgi_bad++;
		uint64_t deadline = counter() + 2 * ms;

		if (!vtimer_wait(deadline, patience, &lat)) {
			missed++;
		} else {
			if (vtlog.cval != deadline)
				wrong_cval++;
			if (lat > lat_max)
				lat_max = lat;
			if (lat < lat_min)
				lat_min = lat;
			/* The last second: after the fuzzing, normally. */
			if (phys_ms() > BYSTANDER_UNTIL_MS - 1000 && lat > lat_max_last)
				lat_max_last = lat;
		}
		rounds++;
	}
	printf("%u rounds in %lu ms: %u missed\n", rounds, (counter() - t0) / ms, missed);
	printf("# bystander: max lateness %ld ticks (min %ld; max %ld in the last second; %lu ticks/ms)\n",
	       (long)lat_max, (long)lat_min, (long)lat_max_last, ms);
	check(rounds > 0 && missed == 0, "all %u timer interrupts arrived while the other VM fuzzed its GIC",
	      rounds);
	check(vtlog.early == 0 && lat_min >= 0, "none early (%u; min latency %ld)", vtlog.early,
	      (long)lat_min);
	check(rounds > 0 && wrong_cval == 0,
	      "each one taken for the deadline it was armed with (%u with another CVAL)", wrong_cval);
	check(vtlog.fired == rounds - missed, "exactly one timer interrupt per deadline (%u for %u)",
	      vtlog.fired, rounds);
	check(sgi_bad == 0 && vtlog.sgis[SGI_SELF] == rounds,
	      "every SGI to itself arrived once (%u for %u rounds)", vtlog.sgis[SGI_SELF], rounds);
	unsigned stray = vtlog.others;

	for (unsigned i = 0; i < 16; i++)
		if (i != SGI_SELF)
			stray += vtlog.sgis[i];
	check(stray == 0, "no INTID it did not ask for ever arrived (%u, last %u)", stray,
	      vtlog.last_other);
	return 0;
}

int main(void)
{
	ms = ticks_per_ms();
	patience = PATIENCE_MS * ms;
	if (bootargs_has("bystander"))
		return bystander();
	if (bootargs_has("fuzz"))
		return fuzzer();
	check(false, "bootargs name a role, \"fuzz\" or \"bystander\" (got \"%s\")", guest_bootargs());
	return 1;
}
