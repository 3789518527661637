/* SPDX-License-Identifier: MIT */
/*
 * Device passthrough end to end (configs/passthrough.dts): QEMU virt's
 * PL031 RTC (0x09010000, SPI 2 = INTID 34), which moat never uses, is
 * given to this VM with `passthrough = <0 0x09010000 0 0x1000 34>`.
 *
 * moat maps the page 1:1 as device memory in the VM's stage 2, claims the
 * physical SPI, routes it to vCPU 0's CPU, and when it fires drops its
 * priority (EOImode = 1) and injects INTID 34 through a hardware-linked
 * list register (HW = 1, pINTID 34): the guest's EOI (ICC_CTLR_EL1.EOImode
 * = 0, so EOI also deactivates) deactivates the physical interrupt.
 *
 * 1. The PL031 and PrimeCell ID registers read right (32-bit loads through
 *    the stage-2 mapping); a write to RTCLR reaches the device (RTCDR reads
 *    the loaded value back); RTCDR advances by the seconds the counter
 *    saw go by over a 1.2 s wait (at least 1, at most that many + 1).
 * 2. The guest's GIC: distributor on, INTID 34 Group 1, priority 0x80,
 *    level, GICD_IROUTER = Aff0 0 (vCPU 0), enabled; CPU interface on.
 *    Round A: match = RTCDR + 1, spinning with IRQs open: INTID 34 comes
 *    once, not before RTCDR reached the match; the handler clears it
 *    (RTCICR) and EOIs.
 *    Round B: the same, waiting in WFI (a virtual-timer backstop wakes the
 *    vCPU if nothing comes): a second interrupt can only come if the
 *    guest's EOI deactivated the physical one through the HW-linked LR.
 *    Round C: interrupt masked at the device (RTCIMSC = 0): the match sets
 *    RTCRIS, nothing is delivered (checked when a self-SGI of lower
 *    priority, sent after RTCRIS was seen, has arrived: an INTID 34 moat
 *    had to deliver would have been taken first); unmasking it raises the
 *    level and the interrupt comes.
 *    Round D: one more match. No INTID 34 came in between: the handler
 *    only ever saw RTCMIS set (a storming or stale interrupt finds it
 *    clear), and round D's came for its own match. No INTID but 34, the
 *    fence SGI and the backstop timer's 27 was ever taken.
 *
 * Nothing depends on host speed: waits give up (and fail) after
 * PATIENCE_MS; "nothing else came" is ordered against a later interrupt.
 * 3. The page after the passed-through one (0x09011000) is not mapped: a
 *    load and a store there get a data abort at the guest's own vector; so
 *    does a load from QEMU's PL061 (0x09030000), a real device in the same
 *    2 MiB block that a too-wide mapping would expose.
 */
#include "gic.h"
#include "guest.h"
#include "smp.h"

GUEST_PLAN(17);

#define RTC_BASE	0x09010000ULL
#define RTC_SIZE	0x1000ULL
#define RTC_INTID	34
#define GPIO_BASE	0x09030000ULL	/* QEMU virt's PL061, not passed through */

#define RTCDR		0x000
#define RTCMR		0x004
#define RTCLR		0x008
#define RTCCR		0x00c
#define RTCIMSC		0x010
#define RTCRIS		0x014
#define RTCMIS		0x018
#define RTCICR		0x01c
#define RTC_PERIPHID0	0xfe0
#define RTC_PCELLID0	0xff0
#define RTC_INT		(1u << 0)

#define CNTV_CTL_ENABLE		(1u << 0)
#define CNTV_CTL_IMASK		(1u << 1)

/* Distributor registers the SPI needs (gic.h has the ones shared by all guests). */
#define GICD_IGROUPR		0x0080
#define GICD_ICENABLER		0x0180
#define GICD_ICPENDR		0x0280
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000	/* + 8 * INTID (SPIs only) */

#define PATIENCE_MS	10000	/* a wait that fails the check; the runner allows 60 s in all */
#define FENCE_SGI	1
#define FENCE_PRIO	0xc0	/* lower priority (larger) than INTID 34's 0x80 */

struct pt_log {
	uint32_t rtc;		/* INTID 34 taken */
	uint32_t rtc_unmatched;	/* ... with RTCMIS clear in the handler */
	uint32_t fence;		/* FENCE_SGI taken */
	uint32_t vtimer;	/* backstop timer interrupts */
	uint32_t others;	/* any other INTID */
	uint32_t last_other;
	uint32_t mis;		/* RTCMIS in the handler, last INTID 34 */
	uint32_t ris_after;	/* RTCRIS after the handler's RTCICR write */
	uint32_t dr;		/* RTCDR in the handler */
	uint64_t at;		/* CNTVCT in the handler */
};
static volatile struct pt_log plog;
static uint64_t ms;

static uint32_t rtc_read(uint32_t off)
{
	return mmio_read32(RTC_BASE + off);
}

static void rtc_write(uint32_t off, uint32_t v)
{
	mmio_write32(RTC_BASE + off, v);
	dsb(sy);
}

static void irq_handler(void)
{
	for (;;) {
		uint32_t intid = gic_ack();

		if (intid >= 1020)
			break;
		if (intid == RTC_INTID) {
			plog.at = read_sysreg(cntvct_el0);
			plog.mis = rtc_read(RTCMIS);
			if (!(plog.mis & RTC_INT))
				plog.rtc_unmatched++;
			plog.dr = rtc_read(RTCDR);
			rtc_write(RTCICR, RTC_INT);
			plog.ris_after = rtc_read(RTCRIS);
			plog.rtc++;
		} else if (intid == FENCE_SGI) {
			plog.fence++;
		} else if (intid == INTID_VTIMER) {
			write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, cntv_ctl_el0);
			isb();
			plog.vtimer++;
		} else {
			plog.others++;
			plog.last_other = intid;
		}
		dsb(sy);
		gic_eoi(intid);
	}
}

static void spi_setup(unsigned intid, uint8_t prio)
{
	uint32_t bit = 1u << (intid % 32), reg = 4 * (intid / 32);
	uint64_t cfg = GICD_BASE + GICD_ICFGR + 4 * (intid / 16);

	mmio_write32(GICD_BASE + GICD_ICENABLER + reg, bit);
	mmio_write32(GICD_BASE + GICD_ICPENDR + reg, bit);
	mmio_write32(GICD_BASE + GICD_IGROUPR + reg, mmio_read32(GICD_BASE + GICD_IGROUPR + reg) | bit);
	mmio_write8(GICD_BASE + GICD_IPRIORITYR + intid, prio);
	/* Level-sensitive: Int_config bit 1 of the field = 0. */
	mmio_write32(cfg, mmio_read32(cfg) & ~(2u << (2 * (intid % 16))));
	mmio_write64(GICD_BASE + GICD_IROUTER + 8 * intid, 0);	/* Aff3.Aff2.Aff1.Aff0 = 0.0.0.0 */
	mmio_write32(GICD_BASE + GICD_ISENABLER + reg, bit);
	dsb(sy);
}

/*
 * Wait until plog.rtc reaches @want or @ticks pass. With @wfi, sleep in WFI
 * between checks, the virtual timer armed for the deadline so the vCPU
 * wakes even if nothing comes; otherwise spin with IRQs open.
 */
static bool wait_rtc(uint32_t want, uint64_t ticks, bool wfi)
{
	uint64_t end = counter() + ticks;

	if (!wfi) {
		irq_enable();
		while (plog.rtc < want && counter() < end)
			;
		irq_disable();
		return plog.rtc >= want;
	}
	write_sysreg(end, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
	while (plog.rtc < want && counter() < end) {
		__asm__ volatile("dsb sy; wfi" ::: "memory");
		__asm__ volatile("msr daifclr, #2; isb; msr daifset, #2" ::: "memory");
	}
	write_sysreg(0, cntv_ctl_el0);
	isb();
	return plog.rtc >= want;
}

/* Match at the next second; returns the match value. */
static uint32_t rtc_arm(void)
{
	uint32_t mr = rtc_read(RTCDR) + 1;

	rtc_write(RTCMR, mr);
	return mr;
}

/* One armed match with the interrupt unmasked: exactly one INTID 34, handled right. */
static void round(const char *name, uint32_t n, bool wfi)
{
	uint32_t mr;
	uint64_t t0;
	bool ok;

	rtc_write(RTCICR, RTC_INT);
	rtc_write(RTCIMSC, RTC_INT);
	mr = rtc_arm();
	t0 = counter();
	ok = wait_rtc(n, PATIENCE_MS * ms, wfi);
	printf("%s: match %u, %u interrupts, handler %lu ms after arming, RTCDR %u there\n", name,
	       mr, plog.rtc, ok ? (plog.at - t0) / ms : 0, plog.dr);
	check(ok && plog.rtc == n,
	      "%s: armed match (RTCMR = RTCDR + 1) -> INTID 34, once (%u taken)", name, plog.rtc);
	check(ok && (plog.mis & RTC_INT) && plog.dr >= mr && !(plog.ris_after & RTC_INT),
	      "%s: in the handler RTCMIS set, RTCDR >= match (%u >= %u), RTCICR clears RTCRIS (%u)",
	      name, plog.dr, mr, plog.ris_after);
}

static void check_unmapped(const char *what, uint64_t addr, bool write, const char *why)
{
	struct probe p;

	if (write)
		probe_write64(addr, 0x5a5a5a5a5a5a5a5aULL, &p);
	else
		probe_read64(addr, &p);
	const struct exc_info *e = &p.exc;

	check(p.faulted && e->vec == VEC_CUR_SPX_SYNC && ESR_EC(e->esr) == ESR_EC_DABT_CUR &&
	      e->far == addr && e->elr == p.pc && p.continued &&
	      !!(e->esr & ESR_DABT_WNR) == write,
	      "%s 0x%lx, %s: data abort at VBAR+0x200, FAR ok (%s, ESR 0x%lx FAR 0x%lx)",
	      what, addr, why, p.faulted ? "taken" : "none", e->esr, e->far);
}

int main(void)
{
	uint32_t pid[4], cid[4], d0, d1, mr, mr_d, rtc_c;
	uint64_t c0, c1;
	bool ok;

	ms = ticks_per_ms();

	/* 1. The device through the stage-2 mapping. */
	for (unsigned i = 0; i < 4; i++) {
		pid[i] = rtc_read(RTC_PERIPHID0 + 4 * i);
		cid[i] = rtc_read(RTC_PCELLID0 + 4 * i);
	}
	check(pid[0] == 0x31 && pid[1] == 0x10 && (pid[2] == 0x04 || pid[2] == 0x14) && pid[3] == 0,
	      "PL031 PeriphID0-3 read through the mapping: %02x %02x %02x %02x (31 10 04/14 00)",
	      pid[0], pid[1], pid[2], pid[3]);
	check(cid[0] == 0x0d && cid[1] == 0xf0 && cid[2] == 0x05 && cid[3] == 0xb1,
	      "PrimeCell ID0-3 at the end of the page: %02x %02x %02x %02x (0d f0 05 b1)",
	      cid[0], cid[1], cid[2], cid[3]);

	rtc_write(RTCIMSC, 0);
	rtc_write(RTCICR, RTC_INT);
	rtc_write(RTCLR, 0x10000000);
	d0 = rtc_read(RTCDR);
	check(d0 == 0x10000000 || d0 == 0x10000001,
	      "a write to RTCLR reaches the device: RTCDR reads 0x%x (0x10000000 loaded)", d0);

	/*
	 * The RTC reads lie inside [c0, c1], so they see at most the whole
	 * seconds between those counter reads + 1 second boundary; and at
	 * least 1, the wait being 1.2 s. However long the host kept us away.
	 */
	c0 = counter();
	d0 = rtc_read(RTCDR);
	delay_ticks(1200 * ms);
	d1 = rtc_read(RTCDR);
	c1 = counter();
	check(d1 - d0 >= 1 && d1 - d0 <= (c1 - c0) / (1000 * ms) + 1,
	      "RTCDR advances with the counter over 1.2 s: %u -> %u in %lu ms", d0, d1,
	      (c1 - c0) / ms);

	/* 2. Its interrupt through the vGIC. */
	gic_dist_enable();
	gic_redist_wake(0);
	spi_setup(RTC_INTID, 0x80);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_private_enable(0, INTID_VTIMER, 0x80);
	gic_private_enable(0, FENCE_SGI, FENCE_PRIO);
	set_irq_handler(irq_handler);
	gic_cpu_init();
	check(mmio_read64(GICD_BASE + GICD_IROUTER + 8 * RTC_INTID) == 0 &&
	      (mmio_read32(GICD_BASE + GICD_ISENABLER + 4) & (1u << (RTC_INTID - 32))),
	      "guest GIC: INTID 34 enabled, routed to Aff0 0 (vCPU 0)");

	round("round A (spinning)", 1, false);
	round("round B (WFI)", 2, true);
	check(plog.rtc == 2,
	      "a second interrupt came: the guest's EOI deactivated the physical SPI (HW-linked LR)");

	/* Round C: masked at the device, the match only sets RTCRIS. */
	rtc_write(RTCIMSC, 0);
	rtc_write(RTCICR, RTC_INT);
	mr = rtc_arm();
	{
		uint64_t end = counter() + PATIENCE_MS * ms;
		uint32_t f = plog.fence;

		irq_enable();
		while (!(rtc_read(RTCRIS) & RTC_INT) && counter() < end)
			;
		/* The fence: anything moat had to deliver is taken before it. */
		gic_send_sgi(FENCE_SGI, 1u << 0);
		while (plog.fence == f && counter() < end)
			;
		irq_disable();
		ok = plog.fence == f + 1;
	}
	rtc_c = plog.rtc;
	check(ok && (rtc_read(RTCRIS) & RTC_INT) && !(rtc_read(RTCMIS) & RTC_INT) && rtc_c == 2,
	      "round C: RTCIMSC = 0: match %u sets RTCRIS, no interrupt delivered (%u taken "
	      "by the fence SGI)", mr, rtc_c);
	uint64_t t0 = counter();

	rtc_write(RTCIMSC, RTC_INT);
	ok = wait_rtc(3, PATIENCE_MS * ms, false);
	printf("round C: interrupt %lu us after unmasking\n", ok ? (plog.at - t0) * 1000 / ms : 0);
	check(ok && !(plog.ris_after & RTC_INT),
	      "round C: unmasking raises the line: INTID 34 comes, cleared in the handler");

	/* Round D: the next interrupt must be the next match's, and nothing in between. */
	rtc_write(RTCICR, RTC_INT);
	mr_d = rtc_arm();
	ok = wait_rtc(4, PATIENCE_MS * ms, false);
	check(ok && plog.rtc == 4 && plog.dr >= mr_d && plog.rtc_unmatched == 0,
	      "no INTID 34 after it was cleared till the next match's (RTCDR %u >= %u; "
	      "%u with RTCMIS clear)", plog.dr, mr_d, plog.rtc_unmatched);
	check(plog.others == 0, "no other INTID taken (%u, last %u; backstop timer %u)", plog.others,
	      plog.last_other, plog.vtimer);
	rtc_write(RTCIMSC, 0);
	rtc_write(RTCICR, RTC_INT);

	/* 3. Nothing beyond the passed-through page. */
	check_unmapped("load", RTC_BASE + RTC_SIZE, false, "page after the RTC");
	check_unmapped("store", RTC_BASE + RTC_SIZE, true, "page after the RTC");
	/* A real device in the same 2 MiB block (QEMU's PL061): not the VM's either. */
	check_unmapped("load", GPIO_BASE + RTC_PERIPHID0, false, "PL061 not passed through");
	return 0;
}
