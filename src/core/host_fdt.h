/* SPDX-License-Identifier: MIT */
/* The host's device tree, filtered from moat's boot device tree (docs/host-mode.md). */
#ifndef MOAT_CORE_HOST_FDT_H
#define MOAT_CORE_HOST_FDT_H
#include "lib/platform.h"
#include "lib/types.h"

/** Compatible strings of the devices moat keeps (DMA masters, the ITS, SMMUs). */
extern const char *const host_moat_devices[];
extern const size_t host_nr_moat_devices;

struct host_fdt_params {
	const void *boot_fdt;			/* moat's boot device tree */
	const char *bootargs;			/* NULL: empty */
	u64 initrd, initrd_size;		/* size 0: none */
	const u64 *mpidr;			/* the host's CPUs (MPIDR affinity) */
	u32 nr_cpus;
	const struct plat_range *mem;		/* the RAM banks */
	u32 nr_mem;
	const struct plat_range *host_ram;	/* the host's runs, by address */
	u32 nr_host_ram;
	const struct plat_range *taken;		/* devices other VMs have */
	u32 nr_taken;
	u32 doorbell_intid;			/* the doorbell SPI's INTID (moat/hypercall.h); 0: none */
};

/**
 * Into @buf (@size bytes): the boot tree without moat's devices, other
 * VMs' devices and CPUs the host does not run on; PSCI over HVC; /chosen
 * with the host's bootargs and initrd; every RAM range not the host's as
 * /reserved-memory no-map; a node compatible = MOAT_DT_COMPATIBLE naming
 * the doorbell SPI (edge). 0 or a libfdt error (-FDT_ERR_*).
 */
int host_fdt_build(void *buf, size_t size, const struct host_fdt_params *p);
#endif
