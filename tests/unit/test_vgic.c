/* SPDX-License-Identifier: MIT */
/* vGICv3 model: registers through the MMIO ops, injection, SGIs, LR flush/sync. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emul/vgic.h"
#include "lib/err.h"
#include "lib/log.h"

/* Offsets the tests use (the model keeps its own definitions private). */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR	0x0400
#define GICD_ICFGR	0x0c00
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8
#define GICR_CTLR	0x0000
#define GICR_IIDR	0x0004
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_PIDR2	0xffe8
#define SGI		0x10000
#define GICR_IGROUPR0	(SGI + 0x0080)
#define GICR_ISENABLER0	(SGI + 0x0100)
#define GICR_ICENABLER0	(SGI + 0x0180)
#define GICR_ISPENDR0	(SGI + 0x0200)
#define GICR_ICPENDR0	(SGI + 0x0280)
#define GICR_ISACTIVER0	(SGI + 0x0300)
#define GICR_ICACTIVER0	(SGI + 0x0380)
#define GICR_IPRIORITYR0 (SGI + 0x0400)
#define GICR_ICFGR0	(SGI + 0x0c00)
#define GICR_ICFGR1	(SGI + 0x0c04)

#define CTLR_EN (BIT(0) | BIT(1))

static struct vgic G, H;
static const u64 MPIDRS[VGIC_MAX_VCPUS] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static unsigned log_lines;
static char last_log[600];

static void count_log(const char *s, size_t n)
{
	log_lines++;
	if (n >= sizeof(last_log))
		n = sizeof(last_log) - 1;
	memcpy(last_log, s, n);
	last_log[n] = 0;
}

static u64 dr(struct vgic *g, u64 off, u32 size)
{
	u64 v = 0xdeadbeef;

	assert_int_equal(vgic_dist_ops.read(g, off, size, &v), 0);
	return v;
}

static void dw(struct vgic *g, u64 off, u32 size, u64 v)
{
	assert_int_equal(vgic_dist_ops.write(g, off, size, v), 0);
}

static u64 rr(struct vgic *g, u32 vcpu, u64 off, u32 size)
{
	u64 v = 0xdeadbeef;

	assert_int_equal(vgic_redist_ops.read(g, vcpu * VGIC_REDIST_STRIDE + off, size, &v), 0);
	return v;
}

static void rw(struct vgic *g, u32 vcpu, u64 off, u32 size, u64 v)
{
	assert_int_equal(vgic_redist_ops.write(g, vcpu * VGIC_REDIST_STRIDE + off, size, v), 0);
}

/* Register offset of the bank register holding @intid, and its bit. */
#define ROW(base, intid) ((base) + 4 * ((intid) / 32))
#define BITOF(intid) (1u << ((intid) % 32))

static int setup2(void **state)
{
	(void)state;
	assert_int_equal(vgic_init(&G, 2, MPIDRS, 64), 0);
	dw(&G, GICD_CTLR, 4, CTLR_EN);
	log_lines = 0;
	log_write = count_log;
	return 0;
}

static int setup4(void **state)
{
	(void)state;
	assert_int_equal(vgic_init(&G, 4, MPIDRS, 64), 0);
	dw(&G, GICD_CTLR, 4, CTLR_EN);
	log_lines = 0;
	log_write = count_log;
	return 0;
}

static void enable_spi(struct vgic *g, u32 intid)
{
	dw(g, ROW(GICD_ISENABLER, intid), 4, BITOF(intid));
}

static u32 lr_intid(u64 lr) { return (u32)FIELD_GET(ICH_LR_EL2_vINTID, lr); }
static u32 lr_state(u64 lr) { return (u32)FIELD_GET(ICH_LR_EL2_State, lr); }
static u64 lr_with_state(u64 lr, u32 st)
{
	return (lr & ~ICH_LR_EL2_State) | FIELD_PREP(ICH_LR_EL2_State, st);
}

/* ---- Register reset values ---- */

static void test_reset_values(void **state)
{
	(void)state;
	/* 64 SPIs: ITLinesNumber 2, IDbits 9 (10 bits), A3V; no LPIs/MBIS, CPUNumber 0. */
	assert_int_equal(dr(&G, GICD_TYPER, 4), 0x01480002);
	assert_int_equal(dr(&G, GICD_CTLR, 4), 0x50 | CTLR_EN);	/* ARE | DS | enables */
	assert_int_equal(dr(&G, GICD_IIDR, 4), 0x4d00043b);
	assert_int_equal(dr(&G, GICD_PIDR2, 4), 0x30);
	assert_int_equal(dr(&G, 0x000c, 4), 0);	/* TYPER2 */
	assert_int_equal(dr(&G, 0x0010, 4), 0);	/* STATUSR */
	/* ARE and DS are RAO/WI; RWP reads 0. */
	dw(&G, GICD_CTLR, 4, 0);
	assert_int_equal(dr(&G, GICD_CTLR, 4), 0x50);
	dw(&G, GICD_CTLR, 4, 0xffffffff);
	assert_int_equal(dr(&G, GICD_CTLR, 4), 0x53);

	assert_int_equal(rr(&G, 0, GICR_PIDR2, 4), 0x30);
	assert_int_equal(rr(&G, 1, GICR_IIDR, 4), 0x4d00043b);
	assert_int_equal(rr(&G, 0, GICR_TYPER, 8), 0);
	assert_int_equal(rr(&G, 1, GICR_TYPER, 8), (1ULL << 32) | (1 << 8) | BIT(4));
	assert_int_equal(rr(&G, 1, GICR_TYPER, 4), (1 << 8) | BIT(4));
	assert_int_equal(rr(&G, 1, GICR_TYPER + 4, 4), 1);
	assert_int_equal(rr(&G, 0, GICR_CTLR, 4), 0);
	/* WAKER: asleep at reset; clearing ProcessorSleep wakes it at once. */
	assert_int_equal(rr(&G, 0, GICR_WAKER, 4), 0x6);
	rw(&G, 0, GICR_WAKER, 4, 0);
	assert_int_equal(rr(&G, 0, GICR_WAKER, 4), 0);
	assert_int_equal(rr(&G, 1, GICR_WAKER, 4), 0x6);
	rw(&G, 0, GICR_WAKER, 4, 2);
	assert_int_equal(rr(&G, 0, GICR_WAKER, 4), 0x6);
	/* Group 1 at reset, SGIs edge, PPIs and SPIs level. */
	assert_int_equal(dr(&G, GICD_IGROUPR + 4, 4), 0xffffffff);
	assert_int_equal(rr(&G, 0, GICR_IGROUPR0, 4), 0xffffffff);
	assert_int_equal(rr(&G, 0, GICR_ICFGR0, 4), 0xaaaaaaaa);
	assert_int_equal(rr(&G, 0, GICR_ICFGR1, 4), 0);
	assert_int_equal(vgic_redist_size(&G), 2 * 0x20000);
}

static void test_init_args(void **state)
{
	u64 dup[2] = { 0x100, 0x80000100 };	/* same affinity, other bits differ */

	(void)state;
	assert_int_equal(vgic_init(&H, 0, MPIDRS, 64), -EINVAL);
	assert_int_equal(vgic_init(&H, 9, MPIDRS, 64), -EINVAL);
	assert_int_equal(vgic_init(&H, 2, dup, 64), -EINVAL);
	assert_int_equal(vgic_init(&H, 1, MPIDRS, 988), 0);
	assert_int_equal(FIELD_GET(GENMASK(4, 0), dr(&H, GICD_TYPER, 4)), 31);
	assert_int_equal(vgic_init(&H, 1, MPIDRS, 5000), 0);
	assert_int_equal(H.nr_spis, 988);
	assert_int_equal(vgic_init(&H, 1, MPIDRS, 33), 0);
	assert_int_equal(H.nr_spis, 64);
	assert_int_equal(FIELD_GET(GENMASK(4, 0), dr(&H, GICD_TYPER, 4)), 2);
	/* GICR_TYPER.Affinity_Value is Aff3.Aff2.Aff1.Aff0. */
	u64 m = 0x0000002a00030201ULL;
	assert_int_equal(vgic_init(&H, 1, &m, 32), 0);
	assert_int_equal(rr(&H, 0, GICR_TYPER, 8), 0x2a030201ULL << 32 | BIT(4));
}

/* ---- Set/clear semantics ---- */

static void test_spi_set_clear(void **state)
{
	(void)state;
	/* Enable. */
	dw(&G, ROW(GICD_ISENABLER, 40), 4, BITOF(40) | BITOF(41));
	assert_int_equal(dr(&G, ROW(GICD_ISENABLER, 40), 4), BITOF(40) | BITOF(41));
	assert_int_equal(dr(&G, ROW(GICD_ICENABLER, 40), 4), BITOF(40) | BITOF(41));
	dw(&G, ROW(GICD_ISENABLER, 40), 4, 0);	/* zeros do nothing */
	dw(&G, ROW(GICD_ICENABLER, 40), 4, BITOF(41));
	assert_int_equal(dr(&G, ROW(GICD_ISENABLER, 40), 4), BITOF(40));
	assert_true(vgic_irq_enabled(&G, 0, 40));
	assert_false(vgic_irq_enabled(&G, 0, 41));
	/* Pending. */
	dw(&G, ROW(GICD_ISPENDR, 70), 4, BITOF(70));
	assert_int_equal(dr(&G, ROW(GICD_ISPENDR, 70), 4), BITOF(70));
	assert_int_equal(dr(&G, ROW(GICD_ICPENDR, 70), 4), BITOF(70));
	dw(&G, ROW(GICD_ICPENDR, 70), 4, 0);
	assert_int_equal(dr(&G, ROW(GICD_ISPENDR, 70), 4), BITOF(70));
	dw(&G, ROW(GICD_ICPENDR, 70), 4, BITOF(70));
	assert_int_equal(dr(&G, ROW(GICD_ISPENDR, 70), 4), 0);
	/* Active. */
	dw(&G, ROW(GICD_ISACTIVER, 95), 4, BITOF(95));
	assert_int_equal(dr(&G, ROW(GICD_ISACTIVER, 95), 4), BITOF(95));
	assert_int_equal(dr(&G, ROW(GICD_ICACTIVER, 95), 4), BITOF(95));
	dw(&G, ROW(GICD_ICACTIVER, 95), 4, BITOF(95));
	assert_int_equal(dr(&G, ROW(GICD_ISACTIVER, 95), 4), 0);
	/* Group. */
	dw(&G, GICD_IGROUPR + 4, 4, 0xfffffffe);
	assert_int_equal(dr(&G, GICD_IGROUPR + 4, 4), 0xfffffffe);
	/* Row 0 (SGIs/PPIs) is RAZ/WI in the distributor with ARE = 1. */
	dw(&G, GICD_ISENABLER, 4, 0xffffffff);
	dw(&G, GICD_ISPENDR, 4, 0xffffffff);
	assert_int_equal(dr(&G, GICD_ISENABLER, 4), 0);
	assert_int_equal(dr(&G, GICD_IGROUPR, 4), 0);
	assert_int_equal(rr(&G, 0, GICR_ISENABLER0, 4), 0);
	assert_int_equal(rr(&G, 0, GICR_ISPENDR0, 4), 0);
	/* INTIDs past the last SPI (64 SPIs: up to 95) are RAZ/WI. */
	dw(&G, GICD_ISENABLER + 12, 4, 0xffffffff);
	assert_int_equal(dr(&G, GICD_ISENABLER + 12, 4), 0);
	dw(&G, GICD_IROUTER + 8 * 96, 8, 1);
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 96, 8), 0);
}

static void test_private_set_clear(void **state)
{
	(void)state;
	rw(&G, 1, GICR_ISENABLER0, 4, 0x0800ffff);
	assert_int_equal(rr(&G, 1, GICR_ISENABLER0, 4), 0x0800ffff);
	assert_int_equal(rr(&G, 0, GICR_ISENABLER0, 4), 0);	/* banked per vCPU */
	rw(&G, 1, GICR_ICENABLER0, 4, 0x0000ff00);
	assert_int_equal(rr(&G, 1, GICR_ICENABLER0, 4), 0x080000ff);
	rw(&G, 1, GICR_ISPENDR0, 4, BIT(3) | BIT(20));
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4), BIT(3) | BIT(20));
	rw(&G, 1, GICR_ICPENDR0, 4, BIT(20));
	assert_int_equal(rr(&G, 1, GICR_ICPENDR0, 4), BIT(3));
	rw(&G, 0, GICR_ISACTIVER0, 4, BIT(17));
	assert_int_equal(rr(&G, 0, GICR_ISACTIVER0, 4), BIT(17));
	assert_int_equal(rr(&G, 1, GICR_ISACTIVER0, 4), 0);
	rw(&G, 0, GICR_ICACTIVER0, 4, BIT(17));
	assert_int_equal(rr(&G, 0, GICR_ICACTIVER0, 4), 0);
	rw(&G, 1, GICR_IGROUPR0, 4, 0x0000ffff);
	assert_int_equal(rr(&G, 1, GICR_IGROUPR0, 4), 0x0000ffff);
	assert_int_equal(rr(&G, 0, GICR_IGROUPR0, 4), 0xffffffff);
	/* IGRPMODR0 and NSACR are RAZ/WI (DS = 1). */
	rw(&G, 0, SGI + 0x0d00, 4, 0xffffffff);
	assert_int_equal(rr(&G, 0, SGI + 0x0d00, 4), 0);
	rw(&G, 0, SGI + 0x0e00, 4, 0xffffffff);
	assert_int_equal(rr(&G, 0, SGI + 0x0e00, 4), 0);
}

static void test_priority_bytes(void **state)
{
	(void)state;
	dw(&G, GICD_IPRIORITYR + 33, 1, 0xa0);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 32, 4), 0x0000a000);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 33, 1), 0xa0);
	dw(&G, GICD_IPRIORITYR + 36, 4, 0x44332211);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 36, 4), 0x44332211);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 39, 1), 0x44);
	dw(&G, GICD_IPRIORITYR + 38, 1, 0xff);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 36, 4), 0x44ff2211);
	/* 16-bit and unaligned 32-bit accesses are ignored / read as zero. */
	dw(&G, GICD_IPRIORITYR + 36, 2, 0x5555);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 36, 4), 0x44ff2211);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 36, 2), 0);
	dw(&G, GICD_IPRIORITYR + 37, 4, 0);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 36, 4), 0x44ff2211);
	/* SGI/PPI priorities live in the redistributor. */
	dw(&G, GICD_IPRIORITYR + 27, 1, 0x80);
	assert_int_equal(dr(&G, GICD_IPRIORITYR + 24, 4), 0);
	rw(&G, 1, GICR_IPRIORITYR0 + 27, 1, 0x80);
	assert_int_equal(rr(&G, 1, GICR_IPRIORITYR0 + 24, 4), 0x80000000);
	assert_int_equal(rr(&G, 0, GICR_IPRIORITYR0 + 24, 4), 0);
}

static void test_icfgr(void **state)
{
	(void)state;
	dw(&G, GICD_ICFGR + 8, 4, 0xffffffff);	/* INTIDs 32..47; reserved bits ignored */
	assert_int_equal(dr(&G, GICD_ICFGR + 8, 4), 0xaaaaaaaa);
	dw(&G, GICD_ICFGR + 8, 4, 0x00000008);	/* INTID 33 edge, rest level */
	assert_int_equal(dr(&G, GICD_ICFGR + 8, 4), 0x8);
	assert_true(G.spi[1].edge);
	assert_false(G.spi[0].edge);
	/* Rows 0/1 in GICD: RAZ/WI. */
	dw(&G, GICD_ICFGR + 4, 4, 0xaaaaaaaa);
	assert_int_equal(dr(&G, GICD_ICFGR + 4, 4), 0);
	assert_int_equal(dr(&G, GICD_ICFGR, 4), 0);
	/* GICR ICFGR0 (SGIs) is read-only edge; ICFGR1 (PPIs) is programmable. */
	rw(&G, 0, GICR_ICFGR0, 4, 0);
	assert_int_equal(rr(&G, 0, GICR_ICFGR0, 4), 0xaaaaaaaa);
	rw(&G, 0, GICR_ICFGR1, 4, 0x2 << (2 * 11));	/* INTID 27 edge */
	assert_int_equal(rr(&G, 0, GICR_ICFGR1, 4), 0x2 << 22);
	assert_int_equal(rr(&G, 1, GICR_ICFGR1, 4), 0);
}

/* ---- Routing ---- */

static void test_irouter(void **state)
{
	u64 lrs[4], hcr;

	(void)state;
	dw(&G, GICD_IROUTER + 8 * 40, 8, 0xffffffffffffff01ULL);	/* RES0 bits dropped */
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40, 8), 0xff80ffff01ULL);
	dw(&G, GICD_IROUTER + 8 * 40, 8, 1);	/* Aff0 = 1: vCPU 1 */
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40, 8), 1);
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40, 4), 1);
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40 + 4, 4), 0);
	enable_spi(&G, 40);
	/* Level-triggered by default: pending while high, kick vCPU 1. */
	assert_int_equal(vgic_set_irq_level(&G, 0, 40, true), 0x2);
	assert_false(vgic_vcpu_pending(&G, 0));
	assert_true(vgic_vcpu_pending(&G, 1));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	assert_int_equal(hcr, ICH_HCR_EL2_En);
	assert_int_equal(vgic_flush_lrs(&G, 1, lrs, 4, &hcr), 1);
	assert_int_equal(lr_intid(lrs[0]), 40);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Pending);
	vgic_sync_lrs(&G, 1, lrs, 1);

	/* 32-bit halves; unknown affinity routes nowhere. */
	dw(&G, GICD_IROUTER + 8 * 40 + 4, 4, 0x7);	/* Aff3 = 7 */
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40, 8), 0x700000001ULL);
	assert_false(vgic_vcpu_pending(&G, 0));
	assert_false(vgic_vcpu_pending(&G, 1));
	assert_int_equal(vgic_set_irq_level(&G, 0, 40, true), 0);
	/* IRM = 1 (1 of N): vCPU 0. */
	dw(&G, GICD_IROUTER + 8 * 40, 4, BIT(31));
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40, 8), 0x780000000ULL);
	assert_true(vgic_vcpu_pending(&G, 0));
	assert_int_equal(vgic_take_kicks(&G) & 1, 1);
	assert_int_equal(vgic_take_kicks(&G), 0);
}

/* An active SPI stays with the vCPU that took it, and is never in two LRs. */
static void test_reroute_while_in_lr(void **state)
{
	u64 lrs[4], lrs1[4], hcr;

	(void)state;
	enable_spi(&G, 50);
	dw(&G, GICD_ICFGR + 4 * (50 / 16), 4, 2u << (2 * (50 % 16)));	/* edge */
	assert_int_equal(vgic_raise_edge(&G, 0, 50), 0x1);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	dw(&G, GICD_IROUTER + 8 * 50, 8, 1);	/* guest moves it to vCPU 1 meanwhile */
	/* A second edge: vCPU 0's LR is stale (kick it); vCPU 1 waits for the sync. */
	assert_int_equal(vgic_raise_edge(&G, 0, 50), 0x1);
	assert_int_equal(vgic_flush_lrs(&G, 1, lrs1, 4, &hcr), 0);	/* held by vCPU 0's LR */
	/* vCPU 0 acknowledged it: active there. */
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Active) }, 1);
	/* The second edge must go back to vCPU 0 too, pending+active, for it to deactivate. */
	assert_int_equal(vgic_flush_lrs(&G, 1, lrs1, 4, &hcr), 0);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_PendingActive);
	/* Deactivated; the new pending edge now follows IROUTER to vCPU 1. */
	assert_int_equal(vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Pending) }, 1),
			 0x2);	/* vCPU 1 must be told */
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	assert_int_equal(vgic_flush_lrs(&G, 1, lrs1, 4, &hcr), 1);
	assert_int_equal(lr_intid(lrs1[0]), 50);
	assert_int_equal(lr_state(lrs1[0]), ICH_LR_EL2_State_Pending);
	vgic_sync_lrs(&G, 1, (u64[]){ lr_with_state(lrs1[0], 0) }, 1);
	assert_false(vgic_vcpu_pending(&G, 1));
	assert_false(vgic_irq_pending(&G, 0, 50));
}

/* ---- SGIs ---- */

static void test_sgi(void **state)
{
	(void)state;
	for (u32 v = 0; v < 4; v++)
		rw(&G, v, GICR_ISENABLER0, 4, 0xffff);
	/* TargetList 0b0110, INTID 5, from vCPU 0. */
	assert_int_equal(vgic_sgi_write(&G, 0, (5ULL << 24) | 0x6), 0x6);
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4), BIT(5));
	assert_int_equal(rr(&G, 2, GICR_ISPENDR0, 4), BIT(5));
	assert_int_equal(rr(&G, 0, GICR_ISPENDR0, 4), 0);
	assert_int_equal(rr(&G, 3, GICR_ISPENDR0, 4), 0);
	/* IRM = 1: everyone but the sender. */
	assert_int_equal(vgic_sgi_write(&G, 2, BIT(40) | (9ULL << 24)), 0xb);
	assert_int_equal(rr(&G, 2, GICR_ISPENDR0, 4), BIT(5));
	assert_int_equal(rr(&G, 3, GICR_ISPENDR0, 4), BIT(9));
	/* Aff1 = 1 names a cluster that does not exist; RS = 1 names Aff0 16..31. */
	assert_int_equal(vgic_sgi_write(&G, 0, (1ULL << 16) | (3ULL << 24) | 0xf), 0);
	assert_int_equal(vgic_sgi_write(&G, 0, (1ULL << 44) | (3ULL << 24) | 0xffff), 0);
	assert_int_equal(rr(&G, 0, GICR_ISPENDR0, 4) & BIT(3), 0);
	/* A Group 0 SGI on the target is not raised by ICC_SGI1R, only by ICC_SGI0R. */
	rw(&G, 3, GICR_IGROUPR0, 4, ~BIT(7));
	assert_int_equal(vgic_sgi_write(&G, 0, (7ULL << 24) | 0x8), 0);
	assert_int_equal(rr(&G, 3, GICR_ISPENDR0, 4) & BIT(7), 0);
	assert_int_equal(vgic_sgi0_write(&G, 0, (7ULL << 24) | 0x8), 0x8);
	assert_int_equal(rr(&G, 3, GICR_ISPENDR0, 4) & BIT(7), BIT(7));
	/* A disabled SGI latches but kicks nobody. */
	rw(&G, 1, GICR_ICENABLER0, 4, BIT(2));
	assert_int_equal(vgic_sgi_write(&G, 0, (2ULL << 24) | 0x2), 0);
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4) & BIT(2), BIT(2));
	/* Bad sender: nothing. */
	assert_int_equal(vgic_sgi_write(&G, 4, 0xffff), 0);
	/* SGIs cannot be injected as lines. */
	assert_int_equal(vgic_set_irq_level(&G, 0, 3, true), -EINVAL);
}

/* An SGI a vCPU sends to itself (TargetList names its own Aff0) is pending on it alone. */
static void test_sgi_to_self(void **state)
{
	(void)state;
	for (u32 v = 0; v < 4; v++)
		rw(&G, v, GICR_ISENABLER0, 4, 0xffff);
	assert_int_equal(vgic_sgi_write(&G, 2, (11ULL << 24) | BIT(2)), BIT(2));
	assert_int_equal(rr(&G, 2, GICR_ISPENDR0, 4), BIT(11));
	for (u32 v = 0; v < 4; v++)
		if (v != 2)
			assert_int_equal(rr(&G, v, GICR_ISPENDR0, 4), 0);
	/* It reaches the sender's list registers like any other. */
	assert_true(vgic_vcpu_pending(&G, 2));
	/* Self and others at once. */
	assert_int_equal(vgic_sgi0_write(&G, 0, (4ULL << 24) | 0x3), 0);
	assert_int_equal(vgic_sgi_write(&G, 0, (4ULL << 24) | 0x3), 0x3);
	assert_int_equal(rr(&G, 0, GICR_ISPENDR0, 4), BIT(4));
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4), BIT(4));
}

/* ---- List registers ---- */

static void test_flush_order_overflow(void **state)
{
	static const u32 ids[6] = { 33, 34, 35, 36, 37, 38 };
	static const u8 prio[6] = { 0xa0, 0x20, 0x80, 0x20, 0xf0, 0x00 };
	u64 lrs[8], hcr;

	(void)state;
	for (int i = 0; i < 6; i++) {
		enable_spi(&G, ids[i]);
		dw(&G, GICD_IPRIORITYR + ids[i], 1, prio[i]);
		vgic_raise_edge(&G, 0, ids[i]);
	}
	/* A disabled pending one and a pending one in a disabled group stay out. */
	vgic_raise_edge(&G, 0, 40);
	dw(&G, GICD_IGROUPR + 4, 4, ~BIT(9));	/* INTID 41 -> Group 0 */
	enable_spi(&G, 41);
	vgic_raise_edge(&G, 0, 41);
	dw(&G, GICD_CTLR, 4, BIT(1));		/* Group 1 only */
	lrs[4] = 0x1234;
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 4);
	assert_int_equal(lrs[4], 0x1234);	/* only nr_lrs are written */
	assert_int_equal(lr_intid(lrs[0]), 38);	/* prio 0x00 */
	assert_int_equal(lr_intid(lrs[1]), 34);	/* 0x20, lower INTID first */
	assert_int_equal(lr_intid(lrs[2]), 36);	/* 0x20 */
	assert_int_equal(lr_intid(lrs[3]), 35);	/* 0x80 */
	assert_int_equal(FIELD_GET(ICH_LR_EL2_Priority, lrs[0]), 0);
	assert_int_equal(FIELD_GET(ICH_LR_EL2_Priority, lrs[3]), 0x80);
	assert_true(lrs[0] & ICH_LR_EL2_Group);
	assert_int_equal(hcr, ICH_HCR_EL2_En | ICH_HCR_EL2_UIE);
	/* A second flush before sync is refused. */
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), -EBUSY);
	/* The guest took all four; the next flush brings the other two, no UIE. */
	u64 done[4] = { 0 };
	for (int i = 0; i < 4; i++)
		done[i] = lr_with_state(lrs[i], 0);
	vgic_sync_lrs(&G, 0, done, 4);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 2);
	assert_int_equal(lr_intid(lrs[0]), 33);
	assert_int_equal(lr_intid(lrs[1]), 37);
	assert_int_equal(lrs[2], 0);	/* unused LRs are cleared */
	assert_int_equal(lrs[3], 0);
	assert_int_equal(hcr, ICH_HCR_EL2_En);
	vgic_sync_lrs(&G, 0, (u64[]){ 0, 0 }, 2);
	/* Group 0 enabled: INTID 41 goes out as Group 0. */
	dw(&G, GICD_CTLR, 4, CTLR_EN);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_intid(lrs[0]), 41);
	assert_false(lrs[0] & ICH_LR_EL2_Group);
	vgic_sync_lrs(&G, 0, lrs, 1);
	/* Enabling INTID 40 makes it deliverable and asks for a kick. */
	vgic_take_kicks(&G);
	enable_spi(&G, 40);
	assert_int_equal(vgic_take_kicks(&G), 0x1);
}

/* Active interrupts are kept in LRs ahead of pending ones, whatever their priority. */
static void test_flush_active_first(void **state)
{
	u64 lrs[1], hcr;

	(void)state;
	enable_spi(&G, 33);
	enable_spi(&G, 34);
	dw(&G, GICD_IPRIORITYR + 32, 4, 0x0000f000);	/* 33: 0xf0, 34: 0x00 */
	vgic_raise_edge(&G, 0, 33);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 1, &hcr), 1);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Active) }, 1);
	vgic_raise_edge(&G, 0, 34);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 1, &hcr), 1);
	assert_int_equal(lr_intid(lrs[0]), 33);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Active);
	assert_int_equal(hcr, ICH_HCR_EL2_En | ICH_HCR_EL2_UIE);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 1, &hcr), 1);
	assert_int_equal(lr_intid(lrs[0]), 34);
}

static void test_sync_lifecycle(void **state)
{
	u64 lrs[4], hcr;

	(void)state;
	enable_spi(&G, 33);
	dw(&G, GICD_ICFGR + 8, 4, 0x8);	/* 33 edge */
	assert_int_equal(vgic_set_irq_level(&G, 0, 33, true), 0x1);
	/* Level high again without a low in between: no second edge. */
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_false(lrs[0] & ICH_LR_EL2_EOI);	/* edge: no EOI maintenance */
	assert_false(lrs[0] & ICH_LR_EL2_HW);
	/* While in the LR the ISPENDR view still shows it. */
	assert_int_equal(dr(&G, ROW(GICD_ISPENDR, 33), 4), BITOF(33));
	/* Not taken yet: still pending afterwards. */
	vgic_sync_lrs(&G, 0, lrs, 1);
	assert_true(vgic_irq_pending(&G, 0, 33));
	/* pending -> active */
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Active) }, 1);
	assert_false(vgic_irq_pending(&G, 0, 33));
	assert_int_equal(dr(&G, ROW(GICD_ISACTIVER, 33), 4), BITOF(33));
	assert_false(vgic_vcpu_pending(&G, 0));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Active);
	/* EOI'd: LR invalid. Gone. */
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_int_equal(dr(&G, ROW(GICD_ISACTIVER, 33), 4), 0);
	assert_false(vgic_irq_pending(&G, 0, 33));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	/* Flush with nothing to do: sync may be skipped (or called with 0). */
	vgic_sync_lrs(&G, 0, lrs, 0);

	/* An edge that arrives while the LR is live is not lost. */
	vgic_set_irq_level(&G, 0, 33, false);
	vgic_set_irq_level(&G, 0, 33, true);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(vgic_raise_edge(&G, 0, 33), 0x1);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_true(vgic_irq_pending(&G, 0, 33));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	/* The guest clears it with ICPENDR while it is in the LR: gone after sync. */
	dw(&G, ROW(GICD_ICPENDR, 33), 4, BITOF(33));
	vgic_sync_lrs(&G, 0, lrs, 1);
	assert_false(vgic_irq_pending(&G, 0, 33));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	/* The guest deactivates with ICACTIVER while it is in the LR. */
	vgic_raise_edge(&G, 0, 33);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	dw(&G, ROW(GICD_ICACTIVER, 33), 4, BITOF(33));
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Active) }, 1);
	assert_int_equal(dr(&G, ROW(GICD_ISACTIVER, 33), 4), 0);
}

static void test_level_repend(void **state)
{
	u64 lrs[4], hcr;

	(void)state;
	enable_spi(&G, 45);	/* level by default */
	assert_int_equal(vgic_set_irq_level(&G, 0, 45, true), 0x1);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_true(lrs[0] & ICH_LR_EL2_EOI);	/* exit on EOI to resample */
	/* Acked: active; the line is high but a level IRQ is not re-signalled while active. */
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Active) }, 1);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Active);
	/* EOI'd while still high: pending again. */
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_true(vgic_irq_pending(&G, 0, 45));
	assert_true(vgic_vcpu_pending(&G, 0));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Pending);
	/* The line drops while the LR still says pending: the vCPU is kicked, then it is gone. */
	assert_int_equal(vgic_set_irq_level(&G, 0, 45, false), 0x1);
	vgic_sync_lrs(&G, 0, lrs, 1);
	assert_false(vgic_irq_pending(&G, 0, 45));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	/* ISPENDR on a level IRQ latches; acknowledging consumes the latch. */
	dw(&G, ROW(GICD_ISPENDR, 45), 4, BITOF(45));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_false(vgic_irq_pending(&G, 0, 45));
}

static void test_timer_ppi(void **state)
{
	u64 lrs[4], hcr;

	(void)state;
	vgic_take_kicks(&G);
	/* Disabled: the level shows in ISPENDR0, nobody is kicked. */
	assert_int_equal(vgic_set_irq_level(&G, 1, VGIC_INTID_VTIMER, true), 0);
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4), BIT(27));
	assert_int_equal(rr(&G, 0, GICR_ISPENDR0, 4), 0);
	assert_false(vgic_vcpu_pending(&G, 1));
	assert_int_equal(vgic_flush_lrs(&G, 1, lrs, 4, &hcr), 0);
	/* The guest masks the timer: the lead drops the level, ISPENDR0 follows. */
	assert_int_equal(vgic_set_irq_level(&G, 1, VGIC_INTID_VTIMER, false), 0);
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4), 0);
	/* ICPENDR does not clear a level that is still high. */
	vgic_set_irq_level(&G, 1, VGIC_INTID_VTIMER, true);
	rw(&G, 1, GICR_ICPENDR0, 4, BIT(27));
	assert_int_equal(rr(&G, 1, GICR_ISPENDR0, 4), BIT(27));
	/* Enabled: deliverable on vCPU 1 only. */
	rw(&G, 1, GICR_ISENABLER0, 4, BIT(27));
	assert_int_equal(vgic_take_kicks(&G), 0x2);
	assert_true(vgic_vcpu_pending(&G, 1));
	assert_false(vgic_vcpu_pending(&G, 0));
	assert_int_equal(vgic_set_irq_level(&G, 1, VGIC_INTID_VTIMER, true), 0x2);
	assert_int_equal(vgic_flush_lrs(&G, 1, lrs, 4, &hcr), 1);
	assert_int_equal(lr_intid(lrs[0]), 27);
	vgic_sync_lrs(&G, 1, lrs, 1);
	/* Bad arguments. */
	assert_int_equal(vgic_set_irq_level(&G, 2, VGIC_INTID_VTIMER, true), -EINVAL);
	assert_int_equal(vgic_set_irq_level(&G, 0, 96, true), -EINVAL);
	assert_int_equal(vgic_set_irq_level(&G, 0, 1023, true), -EINVAL);
}

static void test_hw_bit(void **state)
{
	u64 lrs[4], hcr;

	(void)state;
	assert_int_equal(vgic_set_hw(&G, 33, 79), 0);
	assert_int_equal(vgic_set_hw(&G, 33, 20), -EINVAL);
	assert_int_equal(vgic_set_hw(&G, 27, 27), -EINVAL);
	assert_int_equal(vgic_set_hw(&G, 200, 40), -EINVAL);
	assert_int_equal(vgic_set_hw_ppi(&G, 1, 27, 27), 0);
	assert_int_equal(vgic_set_hw_ppi(&G, 2, 27, 27), -EINVAL);
	enable_spi(&G, 33);
	assert_int_equal(vgic_set_irq_level(&G, 0, 33, true), 0x1);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_true(lrs[0] & ICH_LR_EL2_HW);
	assert_int_equal(FIELD_GET(ICH_LR_EL2_pINTID, lrs[0]), 79);
	assert_int_equal(lr_intid(lrs[0]), 33);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Pending);
	/* The guest deactivates (and so the physical one): LR invalid, done. */
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_false(vgic_irq_pending(&G, 0, 33));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	/* Unlinked: plain level IRQ with EOI maintenance. */
	assert_int_equal(vgic_set_hw(&G, 33, 0), 0);
	vgic_set_irq_level(&G, 0, 33, true);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_false(lrs[0] & ICH_LR_EL2_HW);
	assert_true(lrs[0] & ICH_LR_EL2_EOI);
	vgic_sync_lrs(&G, 0, lrs, 1);
}

/* ---- Guest nonsense ---- */

static void test_unimplemented_raz_wi(void **state)
{
	struct vgic snap;

	(void)state;
	memcpy(&snap, &G, sizeof(G));
	dw(&G, 0x0040, 4, 0xffffffff);		/* SETSPI_NSR: no MBIs */
	dw(&G, 0x0044, 4, 0xffffffff);
	dw(&G, 0x2000, 4, 0xffffffff);
	dw(&G, 0x0f00, 4, 0xffffffff);		/* GICD_SGIR: WI with ARE */
	dw(&G, 0x0800 + 40, 4, 0xffffffff);	/* ITARGETSR: RAZ/WI */
	rw(&G, 0, 0x0070, 8, ~0ULL);		/* PROPBASER: no LPIs */
	rw(&G, 0, SGI + 0x0084, 4, ~0ULL);	/* extended PPI range */
	rw(&G, 0, GICR_CTLR, 4, 1);		/* EnableLPIs RAZ/WI */
	assert_int_equal(dr(&G, 0x0040, 4), 0);
	assert_int_equal(dr(&G, 0x2000, 4), 0);
	assert_int_equal(dr(&G, 0x0800 + 40, 4), 0);
	assert_int_equal(rr(&G, 0, 0x0070, 8), 0);
	assert_int_equal(rr(&G, 0, GICR_CTLR, 4), 0);
	/* Nothing but the log-once bookkeeping changed. */
	snap.warned = G.warned;
	snap.lock = G.lock;
	snap.gen = G.gen;
	assert_memory_equal(&snap, &G, sizeof(G));
	/* Logged once per class: repeating the same nonsense prints nothing more. */
	unsigned n = log_lines;
	assert_true(n >= 3);
	assert_non_null(strstr(last_log, "vgic"));
	for (int i = 0; i < 100; i++) {
		dw(&G, 0x0040 + 4 * (i % 8), 4, 1);
		rr(&G, 0, 0x0070, 8);
	}
	assert_int_equal(log_lines, n);
	/* Beyond the last redistributor. */
	assert_int_equal(rr(&G, 2, GICR_TYPER, 8), 0);
	rw(&G, 2, GICR_ISENABLER0, 4, 0xffffffff);
	assert_int_equal(log_lines, n + 1);
}

static void test_wrong_sizes(void **state)
{
	(void)state;
	assert_int_equal(dr(&G, GICD_CTLR, 8), 0);
	assert_int_equal(dr(&G, GICD_TYPER, 2), 0);
	assert_int_equal(dr(&G, GICD_TYPER, 1), 0);
	assert_int_equal(dr(&G, GICD_TYPER + 1, 4), 0);
	dw(&G, GICD_CTLR, 1, 0);
	dw(&G, GICD_CTLR, 8, 0);
	assert_int_equal(dr(&G, GICD_CTLR, 4), 0x53);
	dw(&G, ROW(GICD_ISENABLER, 32), 1, 0xff);
	dw(&G, ROW(GICD_ISENABLER, 32), 8, ~0ULL);
	dw(&G, ROW(GICD_ISENABLER, 32), 2, 0xffff);
	assert_int_equal(dr(&G, ROW(GICD_ISENABLER, 32), 4), 0);
	dw(&G, GICD_IROUTER + 8 * 40 + 2, 2, 0x1);
	dw(&G, GICD_IROUTER + 8 * 40 + 4, 8, 0x1);
	assert_int_equal(dr(&G, GICD_IROUTER + 8 * 40, 8), 0);
	assert_int_equal(rr(&G, 0, GICR_TYPER + 4, 8), 0);
	assert_int_equal(rr(&G, 1, GICR_TYPER, 2), 0);
	rw(&G, 0, GICR_WAKER, 8, 0);
	rw(&G, 0, GICR_WAKER, 1, 0);
	assert_int_equal(rr(&G, 0, GICR_WAKER, 4), 6);
	rw(&G, 0, GICR_ISENABLER0, 2, 0xffff);
	rw(&G, 0, GICR_ISENABLER0, 8, ~0ULL);
	assert_int_equal(rr(&G, 0, GICR_ISENABLER0, 4), 0);
	rw(&G, 0, GICR_IPRIORITYR0, 8, ~0ULL);
	assert_int_equal(rr(&G, 0, GICR_IPRIORITYR0, 4), 0);
	/* Sizes that are not 1/2/4/8 at all. */
	dw(&G, GICD_CTLR, 0, 0);
	dw(&G, GICD_CTLR, 3, 0);
	rw(&G, 0, GICR_WAKER, 3, 0);
	assert_int_equal(dr(&G, GICD_CTLR, 4), 0x53);
	/* Reported, but only once per class. */
	assert_true(log_lines >= 1 && log_lines <= 4);
}

/* Every offset, every size, read then write nonsense, on A; B must not change. */
static void test_sweep_two_instances(void **state)
{
	static struct vgic before;
	static const u64 junk[] = { ~0ULL, 0, 0x5555555555555555ULL, 0xdeadbeefcafef00dULL };
	static const u32 sizes[] = { 1, 2, 4, 8 };
	u64 lrs[4], hcr, v;

	(void)state;
	assert_int_equal(vgic_init(&H, 2, MPIDRS, 64), 0);
	dw(&H, GICD_CTLR, 4, CTLR_EN);
	enable_spi(&H, 33);
	vgic_raise_edge(&H, 0, 33);
	memcpy(&before, &H, sizeof(H));

	vgic_raise_edge(&G, 0, 34);	/* something live in A during the sweep */
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);
	for (u64 off = 0; off < VGIC_DIST_SIZE + 16; off++)
		for (u32 s = 0; s < 4; s++) {
			vgic_dist_ops.read(&G, off, sizes[s], &v);
			vgic_dist_ops.write(&G, off, sizes[s], junk[(off + s) % 4]);
		}
	for (u64 off = 0; off < vgic_redist_size(&G) + 0x20000 + 16; off++)
		for (u32 s = 0; s < 4; s++) {
			vgic_redist_ops.read(&G, off, sizes[s], &v);
			vgic_redist_ops.write(&G, off, sizes[s], junk[(off + s) % 4]);
		}
	assert_memory_equal(&before, &H, sizeof(H));
	/* A still works: architectural RAO bits, TYPER, redistributor identity. */
	assert_int_equal(dr(&G, GICD_TYPER, 4), 0x01480002);
	assert_int_equal(dr(&G, GICD_CTLR, 4) & 0x50, 0x50);
	assert_int_equal(rr(&G, 1, GICR_TYPER, 8), (1ULL << 32) | (1 << 8) | BIT(4));
	int n = vgic_flush_lrs(&G, 0, lrs, 4, &hcr);
	assert_true(n >= 0 && n <= 4);
	vgic_sync_lrs(&G, 0, lrs, (u32)n);
	n = vgic_flush_lrs(&G, 1, lrs, 4, &hcr);
	assert_true(n >= 0 && n <= 4);
	vgic_sync_lrs(&G, 1, lrs, (u32)n);
	/* Bounded logging: one line per class, never one per access. */
	assert_true(log_lines > 0 && log_lines <= 64);
	/* B still delivers its interrupt. */
	assert_int_equal(vgic_flush_lrs(&H, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_intid(lrs[0]), 33);
}

/*
 * A hardware-linked timer PPI: forwarded (level high latches it), then
 * resampled after exits. Pending and line still high: stays; line fell
 * before the guest took it: withdrawn (idle, the caller deactivates the
 * physical PPI); taken: active until the guest deactivates it; ICPENDR by
 * the guest: idle.
 */
static void test_hw_resample(void **state)
{
	u64 lrs[4], hcr;

	(void)state;
	assert_int_equal(vgic_set_hw_ppi(&G, 0, VGIC_INTID_VTIMER, 27), 0);
	rw(&G, 0, GICR_ISENABLER0, 4, BITOF(VGIC_INTID_VTIMER));
	assert_int_equal(vgic_hw_resample(&G, 0, 26, true), -EINVAL);	/* not linked */
	assert_int_equal(vgic_hw_resample(&G, 5, VGIC_INTID_VTIMER, true), -EINVAL);
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, false), VGIC_HW_IDLE);
	assert_int_equal(vgic_hw_forward(&G, 0, 26), -EINVAL);	/* not linked */
	assert_int_equal(vgic_hw_forward(&G, 0, 33), -EINVAL);	/* not a PPI */
	assert_int_equal(vgic_hw_forward(&G, 2, VGIC_INTID_VTIMER), -EINVAL);
	assert_false(vgic_irq_pending(&G, 0, 26));

	/* Forwarded, not taken, line still high. */
	assert_int_equal(vgic_hw_forward(&G, 0, VGIC_INTID_VTIMER), 0);
	assert_true(vgic_vcpu_pending(&G, 0));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_true(lrs[0] & ICH_LR_EL2_HW);
	assert_false(lrs[0] & ICH_LR_EL2_EOI);
	assert_int_equal(FIELD_GET(ICH_LR_EL2_pINTID, lrs[0]), 27);
	vgic_sync_lrs(&G, 0, lrs, 1);
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, true), VGIC_HW_PENDING);
	assert_true(vgic_irq_pending(&G, 0, VGIC_INTID_VTIMER));
	/* The guest masked its timer before taking it: withdrawn. */
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, false), VGIC_HW_IDLE);
	assert_false(vgic_irq_pending(&G, 0, VGIC_INTID_VTIMER));
	assert_false(vgic_vcpu_pending(&G, 0));
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 0);

	/* Taken: active whatever the line, until the guest's deactivation. */
	vgic_set_irq_level(&G, 0, VGIC_INTID_VTIMER, true);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], ICH_LR_EL2_State_Active) }, 1);
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, false), VGIC_HW_ACTIVE);
	assert_int_equal(vgic_flush_lrs(&G, 0, lrs, 4, &hcr), 1);
	assert_int_equal(lr_state(lrs[0]), ICH_LR_EL2_State_Active);
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, false), VGIC_HW_ACTIVE);
	vgic_sync_lrs(&G, 0, (u64[]){ lr_with_state(lrs[0], 0) }, 1);
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, false), VGIC_HW_IDLE);

	/* Pending, guest clears it with ICPENDR: idle though the line is high. */
	vgic_set_irq_level(&G, 0, VGIC_INTID_VTIMER, true);
	rw(&G, 0, GICR_ICPENDR0, 4, BITOF(VGIC_INTID_VTIMER));
	assert_int_equal(vgic_hw_resample(&G, 0, VGIC_INTID_VTIMER, true), VGIC_HW_IDLE);
}

/* ---- Tracking sets (flush and WFI look only at tracked interrupts) ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* What a full scan of every INTID finds for @v: the interrupts flush must consider. */
static u32 scan_candidates(struct vgic *g, u32 v, bool *wakes)
{
	u32 n = 0;

	*wakes = false;
	for (u32 intid = 0; intid < VGIC_NR_PRIVATE + g->nr_spis; intid++) {
		struct vgic_irq *irq = vgic_irq_lookup(g, v, intid);
		bool pend = irq->pending_latch || (!irq->edge && !irq->hw_intid && irq->level);

		if (pend || irq->active)
			assert_true(vgic_irq_tracked(g, irq));
		if (vgic_irq_dest(irq) != v)
			continue;
		if (vgic_irq_deliverable(g, irq) && (irq->lr_vcpu == VGIC_NO_VCPU || irq->lr_vcpu == v))
			*wakes = true;
		if (irq->lr_vcpu == VGIC_NO_VCPU && (irq->active || vgic_irq_deliverable(g, irq)))
			n++;
	}
	return n;
}

/* The generation each vCPU's last flush in random_step saw (what vcpu_vgic_flush records). */
static u32 flush_gen[4];

/* One random guest or hypervisor action on G (4 vCPUs, 64 SPIs). */
static void random_step(u64 *live, u32 *used)
{
	u32 v = (u32)(rnd() % 4), intid = 16 + (u32)(rnd() % 80), bits = (u32)rnd();
	static const u64 banks[] = { GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR, GICD_ICPENDR,
				     GICD_ISACTIVER, GICD_ICACTIVER, GICD_ICFGR };
	u64 bank = banks[rnd() % 7];

	switch (rnd() % 8) {
	case 0:
		vgic_set_irq_level(&G, v, intid, rnd() & 1);
		break;
	case 7:
		vgic_hw_forward(&G, v, VGIC_INTID_VTIMER);	/* its timer fired */
		break;
	case 1:
		vgic_raise_edge(&G, v, intid);
		break;
	case 2:
		vgic_sgi_write(&G, v, FIELD_PREP(GENMASK(27, 24), rnd() % 16) | (rnd() & 0xf));
		break;
	case 3:
		dw(&G, bank + 4 * (1 + rnd() % 2), 4, bits);
		break;
	case 4:
		rw(&G, v, SGI + bank, 4, bits);
		break;
	case 5:
		dw(&G, GICD_IROUTER + 8 * (32 + rnd() % 64), 8, rnd() % 5);
		break;
	default:
		if (used[v] != ~0u) {
			/* The guest took, finished or left each one. */
			for (u32 i = 0; i < used[v]; i++)
				live[v * VGIC_MAX_LRS + i] = lr_with_state(live[v * VGIC_MAX_LRS + i],
									   (u32)(rnd() % 4));
			vgic_sync_lrs(&G, v, &live[v * VGIC_MAX_LRS], used[v]);
			used[v] = ~0u;
		} else {
			u64 hcr;
			int n;

			flush_gen[v] = G.gen;
			n = vgic_flush_lrs(&G, v, &live[v * VGIC_MAX_LRS], 4, &hcr);

			assert_true(n >= 0);
			used[v] = (u32)n;
		}
		break;
	}
}

/*
 * Model check: through random injections, SGIs, register writes and LR
 * round trips, every pending or active interrupt is tracked, and flush and
 * the WFI check (which look only at tracked ones) agree with a scan of
 * every INTID.
 */
/*
 * The IRQ fast path's promise (vgic_hw_refire_lr): when it gives a list
 * register for vCPU @v's timer, the full path — sync with the guest done
 * with it, forward, flush — gives the same one and leaves the same model.
 * Checked on a copy, so G goes on unchanged.
 */
static bool refire_matches_full_path(u32 v, const u64 *live, u32 used)
{
	static struct vgic S;
	u64 lr = vgic_hw_refire_lr(&G, v, VGIC_INTID_VTIMER, flush_gen[v]), lrs[4], hcr;

	if (!lr)
		return false;
	assert_int_equal(used, 1);
	S = G;
	vgic_sync_lrs(&S, v, (u64[]){ lr_with_state(live[0], 0) }, 1);
	assert_int_equal(vgic_hw_forward(&S, v, VGIC_INTID_VTIMER), 0);
	assert_int_equal(vgic_flush_lrs(&S, v, lrs, 4, &hcr), 1);
	assert_int_equal(lrs[0], lr);
	assert_false(hcr & ICH_HCR_EL2_UIE);
	assert_memory_equal(&S.cpu[v].priv, &G.cpu[v].priv, sizeof(G.cpu[v].priv));
	assert_int_equal(S.cpu[v].nr_lr_used, G.cpu[v].nr_lr_used);
	assert_int_equal(S.cpu[v].lrs_live, G.cpu[v].lrs_live);
	assert_memory_equal(S.cpu[v].lr_val, G.cpu[v].lr_val, sizeof(G.cpu[v].lr_val[0]));
	assert_memory_equal(&S.spi, &G.spi, sizeof(G.spi));
	return true;
}

static void test_tracking_matches_scan(void **state)
{
	u64 live[4 * VGIC_MAX_LRS];
	u32 used[4] = { ~0u, ~0u, ~0u, ~0u };

	(void)state;
	for (u32 v = 0; v < 4; v++)
		assert_int_equal(vgic_set_hw_ppi(&G, v, VGIC_INTID_VTIMER, 27), 0);
	for (u32 step = 0; step < 20000; step++) {
		random_step(live, used);
		for (u32 v = 0; v < 4; v++) {
			bool wakes;
			u32 want = scan_candidates(&G, v, &wakes);
			u64 lrs[4], hcr;
			int n;

			if (used[v] != ~0u)
				continue;	/* its LRs are live: flush must wait for sync */
			/* Nothing in its list registers: nothing to refire. */
			assert_int_equal(vgic_hw_refire_lr(&G, v, VGIC_INTID_VTIMER, G.gen), 0);
			assert_int_equal(vgic_vcpu_pending(&G, v), wakes);
			n = vgic_flush_lrs(&G, v, lrs, 4, &hcr);
			assert_int_equal(n, MIN(want, 4u));
			assert_int_equal(!!(hcr & ICH_HCR_EL2_UIE), want > 4);
			vgic_sync_lrs(&G, v, lrs, (u32)n);	/* nothing happened in between */
		}
	}
}

/*
 * The timer's life on two vCPUs — forwarded, flushed, taken and finished
 * by the guest, refired — with now and then something else: another
 * interrupt, a priority or pending-state write, the guest still holding
 * it. Wherever vgic_hw_refire_lr gives a list register, the full path
 * agrees (refire_matches_full_path); it declines whenever anything it
 * relies on moved.
 */
static void test_hw_refire(void **state)
{
	u64 live[2 * VGIC_MAX_LRS], hcr;
	u32 used[2] = { ~0u, ~0u }, refires = 0, declines = 0;

	(void)state;
	for (u32 v = 0; v < 2; v++) {
		assert_int_equal(vgic_set_hw_ppi(&G, v, VGIC_INTID_VTIMER, 27), 0);
		rw(&G, v, GICR_ISENABLER0, 4, BITOF(VGIC_INTID_VTIMER) | BITOF(28));
	}
	enable_spi(&G, 40);
	/* Not for a vCPU without the timer in an LR, nor for a bad vCPU or INTID. */
	assert_int_equal(vgic_hw_refire_lr(&G, 0, VGIC_INTID_VTIMER, G.gen), 0);
	assert_int_equal(vgic_hw_refire_lr(&G, 2, VGIC_INTID_VTIMER, G.gen), 0);
	assert_int_equal(vgic_hw_refire_lr(&G, 0, 40, G.gen), 0);
	for (u32 step = 0; step < 20000; step++) {
		u32 v = (u32)(rnd() % 2), r = (u32)(rnd() % 16);
		u64 *lr = &live[v * VGIC_MAX_LRS];

		if (r < 4) {
			vgic_hw_forward(&G, v, VGIC_INTID_VTIMER);
		} else if (r < 8 && used[v] == ~0u) {
			int n;

			flush_gen[v] = G.gen;
			n = vgic_flush_lrs(&G, v, lr, 4, &hcr);
			assert_true(n >= 0);
			used[v] = (u32)n;
		} else if (r < 11 && used[v] != ~0u) {
			/* The guest took it and finished (mostly), or not yet. */
			for (u32 i = 0; i < used[v]; i++)
				lr[i] = lr_with_state(lr[i], rnd() % 4 ? 0 : (u32)(rnd() % 4));
			if (used[v] == 1 && !lr_state(lr[0])) {
				/* The timer fires again: the fast path, or the full one. */
				if (refire_matches_full_path(v, lr, used[v])) {
					refires++;
					lr[0] = lr_with_state(lr[0], ICH_LR_EL2_State_Pending);
					continue;
				}
				declines++;
			}
			vgic_sync_lrs(&G, v, lr, used[v]);
			used[v] = ~0u;
		} else if (r == 11) {
			vgic_set_irq_level(&G, v, 28, rnd() & 1);
		} else if (r == 12) {
			vgic_set_irq_level(&G, 0, 40, rnd() & 1);
		} else if (r == 13) {
			rw(&G, v, GICR_IPRIORITYR0 + VGIC_INTID_VTIMER, 1, (rnd() % 4) << 4);
		} else if (r == 14) {
			rw(&G, v, GICR_ICPENDR0, 4, BITOF(VGIC_INTID_VTIMER));
		}
	}
	assert_true(refires > 100);
	assert_true(declines > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup2),
		cmocka_unit_test_setup(test_init_args, setup2),
		cmocka_unit_test_setup(test_spi_set_clear, setup2),
		cmocka_unit_test_setup(test_private_set_clear, setup2),
		cmocka_unit_test_setup(test_priority_bytes, setup2),
		cmocka_unit_test_setup(test_icfgr, setup2),
		cmocka_unit_test_setup(test_irouter, setup2),
		cmocka_unit_test_setup(test_reroute_while_in_lr, setup2),
		cmocka_unit_test_setup(test_sgi, setup4),
		cmocka_unit_test_setup(test_sgi_to_self, setup4),
		cmocka_unit_test_setup(test_flush_order_overflow, setup2),
		cmocka_unit_test_setup(test_flush_active_first, setup2),
		cmocka_unit_test_setup(test_sync_lifecycle, setup2),
		cmocka_unit_test_setup(test_level_repend, setup2),
		cmocka_unit_test_setup(test_timer_ppi, setup2),
		cmocka_unit_test_setup(test_hw_bit, setup2),
		cmocka_unit_test_setup(test_unimplemented_raz_wi, setup2),
		cmocka_unit_test_setup(test_wrong_sizes, setup2),
		cmocka_unit_test_setup(test_sweep_two_instances, setup2),
		cmocka_unit_test_setup(test_hw_resample, setup2),
		cmocka_unit_test_setup(test_tracking_matches_scan, setup4),
		cmocka_unit_test_setup(test_hw_refire, setup2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
