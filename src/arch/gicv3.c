// SPDX-License-Identifier: MIT
#include "arch/barrier.h"
#include "arch/gicv3.h"
#include "arch/percpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "lib/err.h"
#include "lib/log.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		BIT(31)
#define GICD_CTLR_ARE_NS	BIT(4)
#define GICD_CTLR_EnableGrp1A	BIT(1)
#define GICD_CTLR_EnableGrp1	BIT(0)
#define GICD_TYPER		0x0004
#define GICD_TYPER_ITLinesNumber GENMASK(4, 0)
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ICPENDR		0x0280
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6100

#define GICR_STRIDE		0x20000
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_TYPER_Last		BIT(4)
#define GICR_TYPER_Affinity	GENMASK(63, 32)
#define GICR_WAKER		0x0014
#define GICR_WAKER_ProcessorSleep BIT(1)
#define GICR_WAKER_ChildrenAsleep BIT(2)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380)
#define GICR_IPRIORITYR0	(GICR_SGI + 0x0400)

#define ICC_SRE_EL2_SRE		BIT(0)
#define ICC_SRE_EL2_DFB		BIT(1)
#define ICC_SRE_EL2_DIB		BIT(2)
#define ICC_SRE_EL2_Enable	BIT(3)
#define ICC_CTLR_EL1_EOImode	BIT(1)
#define ICH_VTR_EL2_ListRegs	GENMASK(4, 0)

#define GIC_PRIO_DEFAULT	0xa0

static u64 gicd;
static u32 gic_lines;
static const struct platform *gic_plat;
static u64 gicr_of_cpu[MAX_CPUS];

static inline u32 rd32(u64 a) { return *(volatile u32 *)a; }
static inline void wr32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline u64 rd64(u64 a) { return *(volatile u64 *)a; }
static inline void wr64(u64 a, u64 v) { *(volatile u64 *)a = v; }

static void gicd_wait_rwp(void)
{
	for (int i = 0; i < 1000000 && (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
}

int gic_init(const struct platform *plat)
{
	u32 lines;

	if (!plat->gicd.size || !plat->nr_gicr)
		return -ENODEV;
	gic_plat = plat;
	gicd = plat->gicd.base;
	wr32(gicd + GICD_CTLR, 0);
	gicd_wait_rwp();
	lines = 32 * ((u32)FIELD_GET(GICD_TYPER_ITLinesNumber, rd32(gicd + GICD_TYPER)) + 1);
	gic_lines = lines < GIC_INTID_SPURIOUS ? lines : GIC_INTID_SPURIOUS;
	for (u32 i = 32; i < lines && i < 1020; i += 32) {
		wr32(gicd + GICD_ICENABLER + i / 8, ~0u);
		wr32(gicd + GICD_ICPENDR + i / 8, ~0u);
		wr32(gicd + GICD_IGROUPR + i / 8, ~0u);
	}
	for (u32 i = 32; i < lines && i < 1020; i += 4)
		wr32(gicd + GICD_IPRIORITYR + i, GIC_PRIO_DEFAULT * 0x01010101u);
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_EnableGrp1A | GICD_CTLR_EnableGrp1);
	gicd_wait_rwp();
	return 0;
}

/* The redistributor whose GICR_TYPER affinity matches this CPU's MPIDR. */
static u64 find_gicr(u64 mpidr)
{
	u32 aff = (u32)(FIELD_GET(MPIDR_EL1_AFF3, mpidr) << 24 | (mpidr & 0xffffff));

	for (unsigned int r = 0; r < gic_plat->nr_gicr; r++) {
		u64 base = gic_plat->gicr[r].base, end = base + gic_plat->gicr[r].size;

		for (u64 f = base; f + GICR_STRIDE <= end; f += GICR_STRIDE) {
			u64 typer = rd64(f + GICR_TYPER);

			if (FIELD_GET(GICR_TYPER_Affinity, typer) == aff)
				return f;
			if (typer & GICR_TYPER_Last)
				break;
		}
	}
	return 0;
}

int gic_cpu_init(void)
{
	struct percpu *pc = this_cpu();
	u64 gicr = find_gicr(read_sysreg(mpidr_el1));

	if (!gicr) {
		log_err("CPU %u: no GIC redistributor for MPIDR 0x%llx", pc->cpu,
			(unsigned long long)read_sysreg(mpidr_el1));
		return -ENODEV;
	}
	gicr_of_cpu[pc->cpu] = gicr;
	wr32(gicr + GICR_WAKER, rd32(gicr + GICR_WAKER) & ~GICR_WAKER_ProcessorSleep);
	for (int i = 0; i < 1000000 && (rd32(gicr + GICR_WAKER) & GICR_WAKER_ChildrenAsleep); i++)
		;
	wr32(gicr + GICR_ICENABLER0, ~0u);
	pc->ppi_enabled = 0;
	wr32(gicr + GICR_IGROUPR0, ~0u);
	for (u32 i = 0; i < 32; i += 4)
		wr32(gicr + GICR_IPRIORITYR0 + i, GIC_PRIO_DEFAULT * 0x01010101u);

	/* System-register interface for EL2, and for EL1 (the guests' virtual one). */
	write_sysreg(icc_sre_el2, ICC_SRE_EL2_SRE | ICC_SRE_EL2_DFB | ICC_SRE_EL2_DIB |
				  ICC_SRE_EL2_Enable);
	isb();
	write_sysreg(icc_pmr_el1, 0xff);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, ICC_CTLR_EL1_EOImode);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
	gic_enable_ppi(GIC_SGI_KICK);
	gic_enable_ppi(GIC_PPI_MAINTENANCE);
	/* Empty list registers (their reset value is UNKNOWN): what a vCPU finds before its first flush. */
	for (u32 i = 0; i < gic_nr_lrs(); i++)
		gic_write_lr(i, 0);
	return 0;
}

/* Only this CPU changes its PPIs' enables: enabling again (every vCPU load) costs nothing. */
void gic_enable_ppi(u32 intid)
{
	struct percpu *pc = this_cpu();

	if (pc->ppi_enabled & (1u << intid))
		return;
	wr32(gicr_of_cpu[pc->cpu] + GICR_ISENABLER0, 1u << intid);
	dsb(sy);
	pc->ppi_enabled |= 1u << intid;
}

void gic_clear_active_ppi(u32 intid)
{
	wr32(gicr_of_cpu[this_cpu()->cpu] + GICR_ICACTIVER0, 1u << intid);
	dsb(sy);
}

void gic_disable_ppi(u32 intid)
{
	struct percpu *pc = this_cpu();

	wr32(gicr_of_cpu[pc->cpu] + GICR_ICENABLER0, 1u << intid);
	dsb(sy);
	pc->ppi_enabled &= ~(1u << intid);
}

void gic_enable_spi(u32 intid, u64 mpidr)
{
	wr64(gicd + GICD_IROUTER + 8 * (intid - 32), mpidr & MPIDR_AFFINITY_MASK);
	wr32(gicd + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
	dsb(sy);
}

void gic_clear_active_spi(u32 intid)
{
	wr32(gicd + GICD_ICACTIVER + 4 * (intid / 32), 1u << (intid % 32));
	dsb(sy);
}

u32 gic_ack(void)
{
	u32 intid = (u32)read_sysreg(icc_iar1_el1) & 0xffffff;

	dsb(sy);
	return intid;
}

void gic_eoi(u32 intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	isb();
}

void gic_deactivate(u32 intid)
{
	write_sysreg(icc_dir_el1, intid);
	isb();
}

void gic_send_sgi(u32 intid, u64 mpidr)
{
	u64 v = gic_sgi1r_value(intid, mpidr);

	dsb(ishst);
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}

u32 gic_nr_lines(void)
{
	return gic_lines;
}

u32 gic_nr_lrs(void)
{
	return (u32)FIELD_GET(ICH_VTR_EL2_ListRegs, read_sysreg(ich_vtr_el2)) + 1;
}

#define LR_CASE(n) case n: write_sysreg(ich_lr##n##_el2, v); break;
void gic_write_lr(u32 n, u64 v)
{
	switch (n) {
	LR_CASE(0) LR_CASE(1) LR_CASE(2) LR_CASE(3) LR_CASE(4) LR_CASE(5) LR_CASE(6) LR_CASE(7)
	LR_CASE(8) LR_CASE(9) LR_CASE(10) LR_CASE(11) LR_CASE(12) LR_CASE(13) LR_CASE(14) LR_CASE(15)
	}
}

#define LR_READ(n) case n: return read_sysreg(ich_lr##n##_el2);
u64 gic_read_lr(u32 n)
{
	switch (n) {
	LR_READ(0) LR_READ(1) LR_READ(2) LR_READ(3) LR_READ(4) LR_READ(5) LR_READ(6) LR_READ(7)
	LR_READ(8) LR_READ(9) LR_READ(10) LR_READ(11) LR_READ(12) LR_READ(13) LR_READ(14) LR_READ(15)
	}
	return 0;
}
