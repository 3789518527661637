// SPDX-License-Identifier: MIT
/* A minimal GICv3 driver for test guests; see gic.h. */
#include "gic.h"

#define SPIN_LIMIT	1000000

void gic_dist_enable(void)
{
	mmio_write32(GICD_BASE + GICD_CTLR,
		     GICD_CTLR_ARE | GICD_CTLR_EnableGrp1 | GICD_CTLR_EnableGrp0);
	for (int i = 0; i < SPIN_LIMIT && (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
}

void gic_redist_wake(unsigned cpu)
{
	uint64_t rd = gicr_base(cpu);

	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
	for (int i = 0; i < SPIN_LIMIT && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CASLEEP); i++)
		;
}

void gic_cpu_init(void)
{
	write_sysreg(read_sysreg(s3_0_c12_c12_5) | 1, s3_0_c12_c12_5);	/* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(0xff, s3_0_c4_c6_0);				/* ICC_PMR_EL1 */
	write_sysreg(0, s3_0_c12_c12_3);				/* ICC_BPR1_EL1 */
	write_sysreg(1, s3_0_c12_c12_7);				/* ICC_IGRPEN1_EL1 */
	isb();
}

void gic_private_enable(unsigned cpu, unsigned intid, uint8_t prio)
{
	uint64_t rd = gicr_base(cpu);

	mmio_write32(rd + GICR_IGROUPR0, mmio_read32(rd + GICR_IGROUPR0) | (1u << intid));
	mmio_write8(rd + GICR_IPRIORITYR0 + intid, prio);
	mmio_write32(rd + GICR_ISENABLER0, 1u << intid);
	dsb(sy);
}

void gic_private_disable(unsigned cpu, unsigned intid)
{
	mmio_write32(gicr_base(cpu) + GICR_ICENABLER0, 1u << intid);
	dsb(sy);
}
