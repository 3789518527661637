/* SPDX-License-Identifier: MIT */
/*
 * Attack suite, the virtual GIC (configs/attack_gic.dts, beside the
 * bystander). The attacker abuses its distributor, redistributor and CPU
 * interface: INTIDs past what the distributor implements, writes to
 * read-only registers, the GICv2 SGI register, message-based SPIs, LPI
 * tables pointed at memory it does not own, SGIs with every combination
 * of TargetList, Aff1-3, RS and IRM (only its own vCPU may ever get one,
 * and only when the combination names it), Group 0 and alias SGIs, every
 * SPI pended at once, SPIs routed to vCPUs it does not have, and ICC_*
 * registers with reserved and out-of-range values. Interrupts are counted
 * per INTID by the guest's own handler; the bystander notices any that
 * leak across.
 */
#include "attack_lib.h"
#include "gic.h"
#include "smp.h"
#include "vtimer.h"

GUEST_PLAN(17);

#define GICD_IIDR		0x0008
#define GICD_TYPER_LINES(t)	((((t) & 0x1f) + 1) * 32)
#define GICD_TYPER_LPIS		(1u << 17)
#define GICD_TYPER_MBIS		(1u << 16)
#define GICD_SETSPI_NSR		0x0040
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER_		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_SGIR		0x0f00
#define GICD_IROUTER		0x6000
#define GICR_IIDR		0x0004
#define GICR_CTLR_EnableLPIs	(1u << 0)
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078

#define SGI_PROBE	5	/* the SGI the combinations send */
#define SGI_MARK	6	/* a marker that surely reaches itself */

static volatile uint32_t got[1024];

static void irq(void)
{
	for (;;) {
		uint32_t i = gic_ack();

		if (i >= 1020)
			break;
		got[i]++;
		dsb(sy);
		gic_eoi(i);
	}
}

static uint64_t ms;

/*
 * Send the marker SGI and wait for it: by then every interrupt pended
 * before it (synchronously, by the trapped or emulated write) has been
 * taken too.
 */
static bool drain(void)
{
	uint32_t m = got[SGI_MARK];

	gic_send_sgi(SGI_MARK, 1);
	irq_enable();
	bool ok = irq_wait_count(&got[SGI_MARK], m + 1, 2000 * ms);

	irq_disable();
	return ok;
}

/* Is the SGI1R value one that names this VM's only vCPU (MPIDR 0.0.0.0)? */
static bool names_self(uint64_t v)
{
	if (v & SGI1R_IRM)
		return false;	/* "all but self": there is nobody else */
	return ((v >> 44) & 0xf) == 0 && ((v >> 16) & 0xff) == 0 && ((v >> 32) & 0xff) == 0 &&
	       ((v >> 48) & 0xff) == 0 && (v & 1);
}

/* A write that is either ignored or an undefined-instruction exception (QEMU 7.2's answer). */
static bool refused_or_ignored(const struct insn_try *t)
{
	return t->continued && (!t->taken || undef_at_el1(t));
}

static void sgi_attacks(void)
{
	static const uint16_t lists[] = { 0, 1, 2, 3, 0x8000, 0xfffe, 0xffff };
	static const uint8_t affs[] = { 0, 1, 0xff };
	unsigned sent = 0, want = 0;
	bool drained = true;

	for (unsigned rs = 0; rs < 16; rs += 5)
		for (unsigned a1 = 0; a1 < 3; a1++)
			for (unsigned a2 = 0; a2 < 3; a2++)
				for (unsigned a3 = 0; a3 < 3; a3++)
					for (unsigned l = 0; l < 7; l++)
						for (unsigned irm = 0; irm < 2; irm++) {
							uint64_t v = SGI1R_INTID(SGI_PROBE) |
								SGI1R_TARGETS(lists[l]) |
								SGI1R_AFF1(affs[a1]) | SGI1R_AFF2(affs[a2]) |
								SGI1R_AFF3(affs[a3]) | SGI1R_RS(rs) |
								(irm ? SGI1R_IRM : 0);

							gic_send_sgi1r(v);
							want += names_self(v);
							sent++;
							/* SGIs pending at once merge: take each before the next. */
							drained = drain() && drained;
						}
	/* Reserved bits set as well: bits 23:16 are Aff1, 31:28 and 39:33 and 47:44... */
	gic_send_sgi1r(~0ULL & ~SGI1R_IRM);	/* names Aff 255.255.255 only */
	drained = drain() && drained;
	gic_send_sgi1r(0xf0000000ULL | SGI1R_INTID(SGI_PROBE) | 1);	/* reserved 31:28, names self */
	want += 1;
	sent += 2;
	drained = drain() && drained;
	printf("detail: %u SGI1R writes, %u name this vCPU, %u arrived\n", sent, want, got[SGI_PROBE]);
	ATTACK(drained && got[SGI_PROBE] == want, "gic",
	       "SGIs with every TargetList/Aff/RS/IRM combination reach itself exactly when they name it");

	uint32_t before = got[SGI_PROBE];

	struct insn_try t0, t1;

	TRY_INSN(&t0, "msr s3_2_c12_c11_7, " TRY_V "\n isb", SGI1R_INTID(SGI_PROBE) | 1, 0);	/* ICC_SGI0R_EL1 */
	drained = drain();
	TRY_INSN(&t1, "msr s3_2_c12_c11_7, " TRY_V "\n isb", SGI1R_INTID(SGI_PROBE) | SGI1R_IRM, 0);
	drained = drain() && drained;
	detail_try("ICC_SGI0R_EL1", &t0);
	ATTACK(refused_or_ignored(&t0) && refused_or_ignored(&t1) && drained && got[SGI_PROBE] == before, "gic",
	       "Group 0 SGIs (ICC_SGI0R_EL1) do not raise its Group 1 SGI");
	TRY_INSN(&t0, "msr s3_1_c12_c11_6, " TRY_V "\n isb", SGI1R_INTID(SGI_PROBE) | 1, 0);	/* ICC_ASGI1R_EL1 */
	drained = drain();
	TRY_INSN(&t1, "msr s3_1_c12_c11_6, " TRY_V "\n isb", SGI1R_INTID(SGI_PROBE) | SGI1R_IRM, 0);
	drained = drain() && drained;
	detail_try("ICC_ASGI1R_EL1", &t0);
	ATTACK(refused_or_ignored(&t0) && refused_or_ignored(&t1) && drained && got[SGI_PROBE] == before, "gic",
	       "alias SGIs (ICC_ASGI1R_EL1, Secure Group 1) raise nothing");
	mmio_write32(GICD_BASE + GICD_SGIR, (2u << 24) | (1u << 16) | SGI_PROBE);	/* self */
	drained = drain();
	mmio_write32(GICD_BASE + GICD_SGIR, (1u << 24) | SGI_PROBE);			/* others */
	drained = drain() && drained;
	mmio_write32(GICD_BASE + GICD_SGIR, 0xff0000 | SGI_PROBE);			/* list */
	drained = drain() && drained;
	ATTACK(drained && got[SGI_PROBE] == before, "gic",
	       "the GICv2 GICD_SGIR (affinity routing on) raises nothing");
}

static void spi_setup(unsigned lines)
{
	for (unsigned i = 32; i < lines; i += 32) {
		mmio_write32(GICD_BASE + GICD_IGROUPR + i / 8, 0xffffffff);
		mmio_write32(GICD_BASE + GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (unsigned i = 32; i < lines; i += 4)
		mmio_write32(GICD_BASE + GICD_IPRIORITYR + i, 0xa0a0a0a0);
	for (unsigned i = 32; i < lines; i++)
		mmio_write64(GICD_BASE + GICD_IROUTER + 8 * i, 0);
}

static unsigned count_spis(unsigned lines, unsigned want)
{
	unsigned bad = 0;

	for (unsigned i = 32; i < lines; i++) {
		if (got[i] != want) {
			if (++bad <= 4)
				printf("detail: SPI %u arrived %u times, expected %u\n", i, got[i], want);
		}
	}
	return bad;
}

static void spi_attacks(void)
{
	uint32_t typer = mmio_read32(GICD_BASE + GICD_TYPER);
	unsigned lines = GICD_TYPER_LINES(typer);

	if (lines > 1020)
		lines = 1020;
	printf("detail: GICD_TYPER 0x%x: %u INTIDs\n", typer, lines);
	spi_setup(lines);

	/* Past the end of what is implemented: RAZ/WI. */
	unsigned bad = 0;

	for (unsigned i = lines; i < 1024; i += 32) {
		mmio_write32(GICD_BASE + GICD_ISENABLER_ + i / 8, 0xffffffff);
		mmio_write32(GICD_BASE + GICD_ISPENDR + i / 8, 0xffffffff);
		mmio_write32(GICD_BASE + GICD_ISACTIVER + i / 8, 0xffffffff);
		bad += mmio_read32(GICD_BASE + GICD_ISENABLER_ + i / 8) != 0;
		bad += mmio_read32(GICD_BASE + GICD_ISPENDR + i / 8) != 0;
	}
	for (unsigned i = lines; i < 1024; i += 4) {
		mmio_write32(GICD_BASE + GICD_IPRIORITYR + i, 0xffffffff);
		bad += mmio_read32(GICD_BASE + GICD_IPRIORITYR + i) != 0;
	}
	for (unsigned i = lines; i < 1024; i++) {
		mmio_write64(GICD_BASE + GICD_IROUTER + 8 * i, ~0ULL);
		bad += mmio_read64(GICD_BASE + GICD_IROUTER + 8 * i) != 0;
	}
	/* IROUTER<n> for n < 32 is reserved. */
	mmio_write64(GICD_BASE + GICD_IROUTER + 8 * 27, ~0ULL);
	bad += mmio_read64(GICD_BASE + GICD_IROUTER + 8 * 27) != 0;
	bool drained = drain();

	for (unsigned i = lines; i < 1024; i++)
		bad += got[i] != 0;
	ATTACK(bad == 0 && drained, "gic",
	       "INTIDs past the implemented ones (enable, pend, active, priority, route) read 0 and raise nothing");

	/* Every SPI it has, pended and enabled at once: each arrives once, here. */
	for (unsigned i = 32; i < lines; i += 32) {
		mmio_write32(GICD_BASE + GICD_ISPENDR + i / 8, 0xffffffff);
		mmio_write32(GICD_BASE + GICD_ISENABLER_ + i / 8, 0xffffffff);
	}
	drained = drain();
	for (uint64_t t0 = counter(); count_spis(lines, 1) && counter() - t0 < 2000 * ms;) {
		irq_enable();
		delay_ticks(ms);
		irq_disable();
	}
	ATTACK(drained && count_spis(lines, 1) == 0, "gic",
	       "every SPI pended at once arrives exactly once, at its own vCPU");

	/* SPIs routed to vCPUs it does not have (and 1-of-N), then pended. */
	for (unsigned i = 32; i < lines; i++)
		mmio_write64(GICD_BASE + GICD_IROUTER + 8 * i,
			     (i & 1) ? 0x0000000000000005ULL : 0xff00ff0000ULL | (1ULL << 31));
	for (unsigned i = 32; i < lines; i += 32)
		mmio_write32(GICD_BASE + GICD_ISPENDR + i / 8, 0xffffffff);
	drained = drain();
	bad = 0;
	for (unsigned i = 32; i < lines; i++)
		bad += got[i] > 2 || ((i & 1) && got[i] != 1);
	printf("detail: after routing away: SPI 32 %u, SPI 33 %u times\n", got[32], got[33]);
	ATTACK(drained && bad == 0, "gic",
	       "SPIs routed to absent vCPUs and pended never arrive (1-of-N ones arrive here at most once)");
	for (unsigned i = 32; i < lines; i += 32) {
		mmio_write32(GICD_BASE + GICD_ICENABLER + i / 8, 0xffffffff);
		mmio_write32(GICD_BASE + GICD_ICPENDR + i / 8, 0xffffffff);
	}

	/* Message-based SPIs are not implemented: SETSPI_NSR is reserved. */
	uint32_t before = got[40];

	if (!(typer & GICD_TYPER_MBIS)) {
		mmio_write32(GICD_BASE + GICD_ISENABLER_ + 4, 1u << 8);
		mmio_write32(GICD_BASE + GICD_SETSPI_NSR, 40);
		mmio_write32(GICD_BASE + GICD_SETSPI_NSR, 1020);
		mmio_write32(GICD_BASE + GICD_SETSPI_NSR, 0xffffffff);
		drained = drain();
		mmio_write32(GICD_BASE + GICD_ICENABLER + 4, 1u << 8);
	}
	ATTACK(!(typer & GICD_TYPER_MBIS) && drained && got[40] == before, "gic",
	       "GICD_SETSPI_NSR (no message-based SPIs) raises nothing");
}

static void ro_and_lpi_attacks(void)
{
	uint64_t rd = gicr_base(0);
	uint32_t typer = mmio_read32(GICD_BASE + GICD_TYPER), iidr = mmio_read32(GICD_BASE + GICD_IIDR);
	uint32_t pidr2 = mmio_read32(GICD_BASE + GICD_PIDR2);
	uint64_t rtyper = mmio_read64(rd + GICR_TYPER);
	uint32_t riidr = mmio_read32(rd + GICR_IIDR);
	unsigned exc = exceptions_seen();

	tolerate_exceptions(true);
	mmio_write32(GICD_BASE + GICD_TYPER, ~typer);
	mmio_write32(GICD_BASE + GICD_IIDR, ~iidr);
	mmio_write32(GICD_BASE + GICD_PIDR2, 0);
	mmio_write64(rd + GICR_TYPER, ~rtyper);
	mmio_write32(rd + GICR_IIDR, ~riidr);
	mmio_write32(rd + GICR_PIDR2, 0);
	tolerate_exceptions(false);
	ATTACK(exceptions_seen() == exc && mmio_read32(GICD_BASE + GICD_TYPER) == typer &&
	       mmio_read32(GICD_BASE + GICD_IIDR) == iidr && mmio_read32(GICD_BASE + GICD_PIDR2) == pidr2 &&
	       mmio_read64(rd + GICR_TYPER) == rtyper && mmio_read32(rd + GICR_IIDR) == riidr,
	       "gic", "writes to read-only GICD/GICR identity registers are ignored");

	/* LPI tables pointed at memory it does not own; LPIs cannot be switched on. */
	mmio_write64(rd + GICR_PROPBASER, 0x7ff00000ULL | 0x1f);
	mmio_write64(rd + GICR_PENDBASER, 0x7fe00000ULL);
	mmio_write32(rd + GICR_CTLR, mmio_read32(rd + GICR_CTLR) | GICR_CTLR_EnableLPIs);
	uint32_t ctlr = mmio_read32(rd + GICR_CTLR);

	printf("detail: GICD_TYPER.LPIS %d, GICR_CTLR 0x%x, PROPBASER 0x%lx\n",
	       !!(typer & GICD_TYPER_LPIS), ctlr, mmio_read64(rd + GICR_PROPBASER));
	ATTACK(!(typer & GICD_TYPER_LPIS) && !(ctlr & GICR_CTLR_EnableLPIs), "gic",
	       "LPIs with tables outside its RAM cannot be enabled (no LPIs)");

	/* Affinity routing cannot be switched off; the distributor answers again once re-enabled. */
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	uint32_t c0 = mmio_read32(GICD_BASE + GICD_CTLR);

	gic_dist_enable();
	ATTACK((c0 & GICD_CTLR_ARE) && drain(), "gic",
	       "GICD_CTLR.ARE stays set when cleared; interrupts still come after re-enabling");
}

static void icc_attacks(void)
{
	struct insn_try t;
	bool ok;

	/* Priority mask and binary points: out-of-range values are cut to what exists. */
	TRY_INSN(&t, "msr s3_0_c4_c6_0, " TRY_V "\n isb\n mrs " TRY_V ", s3_0_c4_c6_0", ~0ULL, 0);
	ok = !t.taken && t.val <= 0xff;
	TRY_INSN(&t, "msr s3_0_c12_c12_3, " TRY_V "\n isb\n mrs " TRY_V ", s3_0_c12_c12_3", ~0ULL, 0);
	ok = ok && !t.taken && t.val <= 7;
	TRY_INSN(&t, "msr s3_0_c12_c8_3, " TRY_V "\n isb\n mrs " TRY_V ", s3_0_c12_c8_3", ~0ULL, 0);
	ok = ok && !t.taken && t.val <= 7;
	if (!ok)
		detail_try("ICC_PMR/BPR", &t);
	write_sysreg(0xff, s3_0_c4_c6_0);
	write_sysreg(0, s3_0_c12_c12_3);
	isb();
	ATTACK(ok && drain(), "gic", "ICC_PMR_EL1, ICC_BPR0/1_EL1 = all ones read back in range");

	/* Control: read-only fields stay; SRE cannot be cleared. */
	uint64_t ctlr = read_sysreg(s3_0_c12_c12_4);

	TRY_INSN(&t, "msr s3_0_c12_c12_4, " TRY_V "\n isb\n mrs " TRY_V ", s3_0_c12_c12_4", ~0ULL, 0);
	bool ro = !t.taken && (t.val & 0xff00ULL) == (ctlr & 0xff00ULL) &&
		  ((t.val >> 14) & 0x3f) == ((ctlr >> 14) & 0x3f);
	write_sysreg(ctlr, s3_0_c12_c12_4);
	TRY_INSN(&t, "msr s3_0_c12_c12_5, " TRY_V "\n isb\n mrs " TRY_V ", s3_0_c12_c12_5", 0, 0);
	bool sre = (t.val & 1) && t.continued;

	if (!ro || !sre)
		detail_try("ICC_CTLR/SRE", &t);
	isb();
	ATTACK(ro && sre && drain(), "gic",
	       "ICC_CTLR_EL1 read-only fields and ICC_SRE_EL1.SRE survive all-ones and zero writes");

	/* Active priorities full of garbage, then cleared: interrupts come back. */
	TRY_INSN(&t, "msr s3_0_c12_c9_0, " TRY_V "\n msr s3_0_c12_c8_4, " TRY_V "\n isb", ~0ULL, 0);
	ok = !t.taken;
	write_sysreg(0, s3_0_c12_c9_0);
	write_sysreg(0, s3_0_c12_c8_4);
	isb();
	ATTACK(ok && drain(), "gic", "ICC_AP0R0/AP1R0_EL1 all ones then cleared: interrupts still come");

	/* End-of-interrupt and deactivate with INTIDs never acknowledged. */
	static const uint64_t junk[] = { 27, 1020, 1023, 0xffffff, SGI_MARK, 5000 };

	ok = true;
	for (unsigned i = 0; i < 6; i++) {
		TRY_INSN(&t, "msr s3_0_c12_c12_1, " TRY_V "\n msr s3_0_c12_c11_1, " TRY_V
			 "\n msr s3_0_c12_c8_1, " TRY_V "\n isb", junk[i], 0);
		ok = ok && !t.taken && t.continued;
	}
	ATTACK(ok && drain() && drain(), "gic",
	       "EOIR/DIR with INTIDs never acknowledged are harmless; interrupts still come");
}

int main(void)
{
	ms = ticks_per_ms();
	gic_dist_enable();
	gic_redist_wake(0);
	gic_private_enable(0, SGI_PROBE, 0x80);
	gic_private_enable(0, SGI_MARK, 0xc0);	/* lower priority than the probe: taken after it */
	set_irq_handler(irq);
	gic_cpu_init();

	ATTACK(drain(), "gic", "its own marker SGI arrives (the channel the other attacks use)");
	sgi_attacks();
	spi_attacks();
	ro_and_lpi_attacks();
	icc_attacks();
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "gic", "after all that, moat still answers");
	return 0;
}
