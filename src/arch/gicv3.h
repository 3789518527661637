/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3, as moat uses it at EL2: every interrupt is Group 1,
 * EOImode = 1 (priority drop and deactivation are separate, so an
 * interrupt forwarded to a guest with a hardware-linked list register is
 * deactivated by the guest), SGI 0 is the "kick" IPI between CPUs.
 */
#ifndef MOAT_ARCH_GICV3_H
#define MOAT_ARCH_GICV3_H
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
/** Number of list registers (ICH_VTR_EL2.ListRegs + 1). */
u32 gic_nr_lrs(void);
void gic_write_lr(u32 n, u64 v);
u64 gic_read_lr(u32 n);
#endif
