/* SPDX-License-Identifier: MIT */
/*
 * Where a VM's emulated devices sit in its IPA space: the same places as
 * on QEMU's virt machine, so a kernel finds nothing unusual. A VM's RAM
 * and passed-through devices must stay clear of these windows.
 */
#ifndef MOAT_CORE_GUEST_LAYOUT_H
#define MOAT_CORE_GUEST_LAYOUT_H
#include "moat/hypercall.h"

#define GUEST_GICD_BASE		0x08000000ULL
#define GUEST_GICD_SIZE		0x10000ULL
#define GUEST_GICR_BASE		0x080a0000ULL
#define GUEST_GICR_STRIDE	0x20000ULL	/* RD_base + SGI_base frames per vCPU */
#define GUEST_UART_BASE		0x09000000ULL
#define GUEST_UART_SIZE		0x1000ULL
#define GUEST_UART_INTID	33		/* SPI 1 */
/* The guest's timer PPIs (what its device tree says, whatever the machine's are). */
#define GUEST_PTIMER_SEC_INTID	29
#define GUEST_PTIMER_INTID	30
#define GUEST_VTIMER_INTID	27
#define GUEST_HTIMER_INTID	26
#define GUEST_GIC_MAINT_INTID	25
/* The PMU overflow interrupt (PPI 7), when the VM has a PMU (core/pmu.c). */
#define GUEST_PMU_INTID		23
/* The window reserved for everything above: no RAM or passthrough inside. */
#define GUEST_DEVICES_BASE	0x08000000ULL
#define GUEST_DEVICES_END	0x0c000000ULL
#endif
