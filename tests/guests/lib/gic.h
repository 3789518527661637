/* SPDX-License-Identifier: MIT */
/*
 * A minimal GICv3 driver for test guests, for the virt machine layout moat
 * gives each VM: distributor at 0x08000000, vCPU n's redistributor at
 * 0x080a0000 + n * 0x20000 (RD_base frame, then the SGI_base frame), the
 * CPU interface through the ICC_* system registers. Interrupts are Group 1
 * (non-secure, what moat's vGIC delivers as IRQs).
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include "guest.h"

#define GICD_BASE		0x08000000ULL
#define GICD_SIZE		0x10000ULL
#define GICR_BASE		0x080a0000ULL
#define GICR_STRIDE		0x20000ULL
#define GICR_SGI		0x10000ULL	/* SGI_base frame inside a redistributor */

#define GICD_CTLR		0x0000
#define GICD_CTLR_EnableGrp0	(1u << 0)
#define GICD_CTLR_EnableGrp1	(1u << 1)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_TYPER		0x0004
#define GICD_ISENABLER		0x0100
#define GICD_PIDR2		0xffe8

#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_WAKER_PSLEEP	(1u << 1)
#define GICR_WAKER_CASLEEP	(1u << 2)
#define GICR_PIDR2		0xffe8
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI + 0x0200)
#define GICR_ICPENDR0		(GICR_SGI + 0x0280)
#define GICR_ISACTIVER0		(GICR_SGI + 0x0300)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380)
#define GICR_IPRIORITYR0	(GICR_SGI + 0x0400)
#define GICR_ICFGR0		(GICR_SGI + 0x0c00)

#define GIC_INTID_SPURIOUS	1023
#define INTID_VTIMER		27

/* ICC_SGI1R_EL1 fields. */
#define SGI1R_TARGETS(list)	((uint64_t)(list) & 0xffff)
#define SGI1R_AFF1(a)		((uint64_t)((a) & 0xff) << 16)
#define SGI1R_INTID(i)		((uint64_t)((i) & 0xf) << 24)
#define SGI1R_AFF2(a)		((uint64_t)((a) & 0xff) << 32)
#define SGI1R_IRM		(1ULL << 40)
#define SGI1R_RS(r)		((uint64_t)((r) & 0xf) << 44)
#define SGI1R_AFF3(a)		((uint64_t)((a) & 0xff) << 48)

static inline uint64_t gicr_base(unsigned cpu)
{
	return GICR_BASE + cpu * GICR_STRIDE;
}

/* Distributor: affinity routing, both groups on; waits for RWP. */
void gic_dist_enable(void);
/* Wake @cpu's redistributor (GICR_WAKER.ProcessorSleep = 0), wait for ChildrenAsleep = 0. */
void gic_redist_wake(unsigned cpu);
/* This CPU's interface: ICC_SRE_EL1.SRE, ICC_PMR_EL1 = 0xff, ICC_IGRPEN1_EL1 = 1. */
void gic_cpu_init(void);
/* SGI/PPI @intid of @cpu's redistributor: Group 1, priority @prio, then enable. */
void gic_private_enable(unsigned cpu, unsigned intid, uint8_t prio);
void gic_private_disable(unsigned cpu, unsigned intid);

static inline uint32_t gic_ack(void)
{
	uint64_t v = read_sysreg(s3_0_c12_c12_0);	/* ICC_IAR1_EL1 */

	dsb(sy);
	return (uint32_t)(v & 0xffffff);
}

static inline void gic_eoi(uint32_t intid)
{
	write_sysreg(intid, s3_0_c12_c12_1);		/* ICC_EOIR1_EL1 */
	isb();
}

static inline void gic_send_sgi1r(uint64_t val)
{
	dsb(sy);
	write_sysreg(val, s3_0_c12_c11_5);		/* ICC_SGI1R_EL1 */
	isb();
}

/* SGI @intid to the CPUs of Aff0 bitmap @targets (Aff3..1 = 0). */
static inline void gic_send_sgi(unsigned intid, uint16_t targets)
{
	gic_send_sgi1r(SGI1R_INTID(intid) | SGI1R_TARGETS(targets));
}

/* SGI @intid to every CPU but this one (IRM = 1). */
static inline void gic_send_sgi_others(unsigned intid)
{
	gic_send_sgi1r(SGI1R_INTID(intid) | SGI1R_IRM);
}

#endif
