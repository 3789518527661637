/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3, as moat uses it at EL2: every interrupt is Group 1,
 * EOImode = 1 (priority drop and deactivation are separate, so an
 * interrupt forwarded to a guest with a hardware-linked list register is
 * deactivated by the guest), SGI 0 is the "kick" IPI between CPUs.
 */
#ifndef MOAT_ARCH_GICV3_H
#define MOAT_ARCH_GICV3_H
#include "arch/regs.h"
#include "lib/bitfield.h"
#include "lib/platform.h"
#include "lib/types.h"

#define GIC_SGI_KICK 0
#define GIC_INTID_SPURIOUS 1020
#define GIC_PPI_MAINTENANCE 25
#define GIC_PPI_VTIMER 27
#define GIC_PPI_PTIMER 30	/* EL1 physical timer (non-secure) */

/** Distributor setup, once, on the boot CPU. */
int gic_init(const struct platform *plat);
/** This CPU's redistributor and CPU interface; call on every CPU. */
int gic_cpu_init(void);
/** Enable a PPI (INTID 16..31) on this CPU. */
void gic_enable_ppi(u32 intid);
/** Make a PPI of this CPU inactive (no effect if it is not active): a forwarded interrupt the guest will not deactivate. */
void gic_clear_active_ppi(u32 intid);
/** Disable a PPI on this CPU. */
void gic_disable_ppi(u32 intid);
/** Enable an SPI, routed to the CPU with affinity @mpidr, level-triggered. */
void gic_enable_spi(u32 intid, u64 mpidr);
/** Make an SPI inactive at the distributor (a VM reset drops what its guest owed). */
void gic_clear_active_spi(u32 intid);
/** Acknowledge the highest-priority pending interrupt; GIC_INTID_SPURIOUS if none. */
u32 gic_ack(void);
/** Priority drop (ICC_EOIR1_EL1). */
void gic_eoi(u32 intid);
/** Deactivate (ICC_DIR_EL1). */
void gic_deactivate(u32 intid);
/** Send SGI @intid to the CPU with affinity @mpidr. */
void gic_send_sgi(u32 intid, u64 mpidr);
/** INTIDs the distributor implements: 32 * (GICD_TYPER.ITLinesNumber + 1), at most 1020; 0 before gic_init(). */
u32 gic_nr_lines(void);

#define ICC_SGI1R_EL1_TargetList GENMASK(15, 0)
#define ICC_SGI1R_EL1_Aff1	GENMASK(23, 16)
#define ICC_SGI1R_EL1_INTID	GENMASK(27, 24)
#define ICC_SGI1R_EL1_Aff2	GENMASK(39, 32)
#define ICC_SGI1R_EL1_RS	GENMASK(47, 44)
#define ICC_SGI1R_EL1_Aff3	GENMASK(55, 48)

/*
 * ICC_SGI1R_EL1 for SGI @intid to the one CPU with affinity @mpidr.
 * TargetList has 16 bits: it names Aff0 values 16 * RS .. 16 * RS + 15,
 * so a CPU with Aff0 >= 16 needs RS = Aff0 / 16.
 */
static inline u64 gic_sgi1r_value(u32 intid, u64 mpidr)
{
	u64 aff0 = FIELD_GET(MPIDR_EL1_AFF0, mpidr);

	return FIELD_PREP(ICC_SGI1R_EL1_TargetList, 1u << (aff0 % 16)) |
	       FIELD_PREP(ICC_SGI1R_EL1_RS, aff0 / 16) |
	       FIELD_PREP(ICC_SGI1R_EL1_Aff1, FIELD_GET(MPIDR_EL1_AFF1, mpidr)) |
	       FIELD_PREP(ICC_SGI1R_EL1_INTID, intid) |
	       FIELD_PREP(ICC_SGI1R_EL1_Aff2, FIELD_GET(MPIDR_EL1_AFF2, mpidr)) |
	       FIELD_PREP(ICC_SGI1R_EL1_Aff3, FIELD_GET(MPIDR_EL1_AFF3, mpidr));
}
/** Number of list registers (ICH_VTR_EL2.ListRegs + 1). */
u32 gic_nr_lrs(void);
void gic_write_lr(u32 n, u64 v);
u64 gic_read_lr(u32 n);
#endif
