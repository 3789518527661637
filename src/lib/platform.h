/* SPDX-License-Identifier: MIT */
/*
 * What moat learns about the machine from the device tree it was booted
 * with. Filled once at boot by platform_parse() (src/lib/dt_platform.c);
 * read-only afterwards.
 */
#ifndef MOAT_LIB_PLATFORM_H
#define MOAT_LIB_PLATFORM_H

#include "lib/types.h"

#define PLAT_MAX_MEM 8
#define PLAT_MAX_CPUS 16
#define PLAT_MAX_RESERVED 32
#define PLAT_MAX_REDIST 4

struct plat_range {
	u64 base;
	u64 size;
};

enum psci_conduit {
	PSCI_CONDUIT_NONE = 0,
	PSCI_CONDUIT_SMC,
	PSCI_CONDUIT_HVC,
};

struct platform {
	struct plat_range mem[PLAT_MAX_MEM];	/* /memory reg, in order */
	unsigned int nr_mem;

	u64 cpu_mpidr[PLAT_MAX_CPUS];		/* /cpus/cpu@N reg (MPIDR affinity bits) */
	unsigned int nr_cpus;

	enum psci_conduit psci;			/* /psci method */
	u32 psci_cpu_on;			/* function id for CPU_ON (0.2+: 0xc4000003) */

	struct plat_range gicd;			/* GICv3 distributor */
	struct plat_range gicr[PLAT_MAX_REDIST];	/* redistributor regions */
	unsigned int nr_gicr;
	u32 gic_maint_intid;			/* maintenance interrupt, INTID (PPI 9 -> 25) */

	/* Architected timer PPIs as INTIDs (PPI n -> 16 + n). */
	u32 timer_sec_phys, timer_phys, timer_virt, timer_hyp;
	/* The PMU's overflow PPI as an INTID (arm,armv8-pmuv3), 0 if the DTB has none. */
	u32 pmu_intid;

	struct plat_range uart;			/* from /chosen/stdout-path (PL011) */
	bool have_uart;
	u32 uart_intid;				/* its interrupt (INTID), 0 if none */

	/* Memory nobody may allocate: the DTB itself, /memreserve/, /reserved-memory, initrd. */
	struct plat_range reserved[PLAT_MAX_RESERVED];
	unsigned int nr_reserved;

	struct plat_range initrd;		/* /chosen linux,initrd-start/end (boot bundle), size 0 if none */
	const char *bootargs;			/* /chosen/bootargs or NULL (points into the DTB) */

	const void *fdt;			/* the boot DTB itself (passthrough looks devices up in it) */
};

/*
 * Parse the flattened device tree at @fdt (at most @max_size bytes may be
 * read). On failure returns a negative error and, if @err is non-NULL,
 * points it at a one-line human-readable reason.
 */
int platform_parse(const void *fdt, size_t max_size, struct platform *plat, const char **err);

/*
 * The same, but @image (moat's own image, which nothing may allocate) is
 * the first reserved range, ahead of anything the tree lists: a tree with
 * more reserved ranges than moat has room for fails the parse instead of
 * leaving moat's pages free for VMs.
 */
int platform_parse_image(const void *fdt, size_t max_size, const struct plat_range *image,
			 struct platform *plat, const char **err);

/*
 * reg entry @index of @node in @fdt (a tree platform_parse() accepted),
 * translated through the buses' "ranges" to a CPU physical address.
 * 0 and *r set; 1 if the node has no such entry; negative if its reg
 * cannot be read or translated.
 */
int platform_node_reg(const void *fdt, int node, int index, struct plat_range *r);

/* Add a reserved range; -ENOSPC when the table is full. */
int platform_reserve(struct platform *plat, u64 base, u64 size);

#endif
