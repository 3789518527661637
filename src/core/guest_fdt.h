/* SPDX-License-Identifier: MIT */
/*
 * The device tree a Linux guest boots with, generated from plain
 * parameters with libfdt's sequential-write API. The tree follows what
 * QEMU's "virt" machine gives a guest (compatible "linux,dummy-virt"):
 *
 *   /                       #address-cells = #size-cells = 2, interrupt-parent = <&gic>
 *   /psci                   arm,psci-1.0 / arm,psci-0.2 / arm,psci, method "hvc"
 *   /memory@<base>
 *   /cpus/cpu@<mpidr>       arm,armv8, enable-method "psci", reg = MPIDR affinity
 *   /intc@<gicd>            arm,gic-v3: distributor + one redistributor region
 *   /timer                  arm,armv8-timer, always-on
 *   /apb-pclk               fixed-clock, 24 MHz, for the UART
 *   /pl011@<base>           arm,pl011 + arm,primecell
 *   /<name>@<base>          each passed-through device
 *   /chosen                 bootargs, stdout-path, linux,initrd-start/end
 *   /aliases                serial0
 *
 * It depends on nothing but libfdt; the caller fills the parameters from
 * its VM description.
 */
#ifndef MOAT_CORE_GUEST_FDT_H
#define MOAT_CORE_GUEST_FDT_H
#include "lib/types.h"

/* Phandles the generator assigns. */
#define GUEST_FDT_PHANDLE_GIC	1
#define GUEST_FDT_PHANDLE_CLK	2

/* The UART's reference clock when the caller gives none. */
#define GUEST_FDT_UART_CLOCK_HZ	24000000

/* GICv3 redistributor frames (RD_base + SGI_base) per vCPU. */
#define GUEST_FDT_GICR_STRIDE	0x20000

/* Comfortably more than any tree this produces (a few KiB for 8 vCPUs). */
#define GUEST_FDT_MAX_SIZE	SZ_64K

/* Affinity fields of MPIDR_EL1 that go into a cpu node's reg. */
#define GUEST_FDT_MPIDR_AFF_MASK	0xff00ffffffULL
#define GUEST_FDT_MPIDR_AFF3		0xff00000000ULL

/* A device passed through to the guest. */
struct guest_fdt_dev {
	const char *name;	/* node name before '@'; NULL means "passthrough" */
	const char *compatible;	/* NULL: the node has no compatible */
	u64 base, size;		/* MMIO range in guest physical space */
	u32 intid;		/* SPI INTID (32..1019); 0: no interrupt */
};

struct guest_fdt_params {
	/* Guest RAM. */
	u64 mem_base, mem_size;

	/* vCPUs: mpidr[i] is vCPU i's MPIDR_EL1 (only the affinity fields are used). */
	u32 nr_vcpus;
	const u64 *mpidr;

	/* GICv3: distributor, one redistributor region of gicr_stride * nr_vcpus bytes. */
	u64 gicd_base, gicd_size;
	u64 gicr_base;
	u64 gicr_stride;	/* 0 means GUEST_FDT_GICR_STRIDE */
	u32 gic_maint_intid;	/* maintenance interrupt, a PPI INTID (16..31) */

	/* Architected timer PPIs, as INTIDs (16..31). */
	u32 timer_sec_intid, timer_ns_intid, timer_virt_intid, timer_hyp_intid;

	/* PMUv3 overflow interrupt, a PPI INTID; 0: no PMU node. */
	u32 pmu_intid;

	/* The emulated PL011. */
	u64 uart_base, uart_size;
	u32 uart_intid;		/* an SPI INTID: 33 for SPI 1 */
	u32 uart_clock_hz;	/* 0 means GUEST_FDT_UART_CLOCK_HZ */

	/* /chosen */
	const char *bootargs;	/* NULL: none */
	u64 initrd_start, initrd_size;	/* size 0: no initrd */

	/* Passed-through devices. */
	const struct guest_fdt_dev *devs;
	u32 nr_devs;
};

/**
 * Write the guest's DTB into @buf (@size bytes, 8-byte aligned). Returns 0
 * (the blob's length is then fdt_totalsize(buf)), -ENOSPC if it does not
 * fit (nothing is written past @size), -EINVAL for inconsistent parameters
 * (no vCPU or memory, an INTID of the wrong kind, a misaligned buffer),
 * -EIO for any other libfdt error.
 *
 * libfdt is Debian's packaged build, which may use FP/SIMD registers: call
 * this only where no guest FP state is live (see DESIGN.md).
 */
int guest_fdt_build(void *buf, size_t size, const struct guest_fdt_params *p);
#endif
