/* SPDX-License-Identifier: MIT */
/*
 * VM configurations, read from the boot bundle: a flattened device tree
 * (compatible "moat,bundle-v1") whose /vms/vm@N nodes describe each VM and
 * carry its images as /incbin/ properties. See docs/config.md.
 */
#ifndef MOAT_CORE_CONFIG_H
#define MOAT_CORE_CONFIG_H
#include "lib/types.h"

#define CONFIG_MAX_VMS 8
#define CONFIG_MAX_VCPUS 8
#define CONFIG_MAX_PASSTHROUGH 4
#define CONFIG_NAME_MAX 31
#define CONFIG_ERR_MAX 320
/* bootargs, with its NUL: arm64 Linux's COMMAND_LINE_SIZE (and it must fit the guest's DTB). */
#define CONFIG_BOOTARGS_MAX 2048
/*
 * RAM moat keeps for itself when there is a host (the host gets the rest):
 * 32 MiB holds the host's stage-2 at page granularity for 16 GiB of RAM
 * (one 4 KiB table per 2 MiB) or at 2 MiB blocks for 8 TiB, with the
 * per-CPU and VM structures on top. VMs the host creates later pay for
 * their own tables with pages the host donates. See docs/host-mode.md.
 */
#define CONFIG_MOAT_POOL_DEFAULT (32ULL << 20)
#define CONFIG_MOAT_POOL_MIN (4ULL << 20)

struct vm_passthrough {
	u64 base, size;		/* MMIO range, mapped 1:1 */
	u32 intid;		/* SPI INTID, 0 = none */
};

/* "trap-tlbi": how the VM's TLB maintenance is trapped (docs/traps.md). */
enum vm_trap_tlbi {
	VM_TRAP_TLBI_OFF,	/* absent: the guest's TLBIs run on the CPU */
	VM_TRAP_TLBI_PRECISE,	/* replayed at EL2 as issued, operand sanitised */
	VM_TRAP_TLBI_SAFE,	/* every one becomes TLBI VMALLE1IS for the VM */
};

struct vm_config {
	char name[CONFIG_NAME_MAX + 1];
	u32 nr_vcpus;
	u32 cpus[CONFIG_MAX_VCPUS];	/* physical CPU (logical number) of each vCPU */
	u64 mem_base, mem_size;		/* guest RAM, in IPA space */
	const void *kernel;
	u32 kernel_size;
	const void *initrd;		/* NULL if none */
	u32 initrd_size;
	const char *bootargs;		/* NULL if none */
	u64 kernel_offset;		/* where a raw (headerless) kernel goes, from RAM base */
	bool test_device;		/* the emulated test device at MOAT_TESTDEV_BASE */
	bool console;			/* starts with the console input focus */
	bool console_raw;		/* its console output is not filtered (only VM) */
	struct vm_passthrough pt[CONFIG_MAX_PASSTHROUGH];
	u32 nr_pt;
	enum vm_trap_tlbi trap_tlbi;
	bool reset_stops;		/* on-reset = "stop": SYSTEM_RESET stops the VM */
	bool host;			/* the host VM (docs/host-mode.md) */
	u64 moat_pool;			/* host only: RAM moat keeps for itself, bytes */
};

/**
 * Parse the bundle at @blob (@size bytes) into @out (at most @max VMs).
 * @nr_cpus is how many physical CPUs are online (vCPUs pin to them).
 * On error returns a negative code and writes one line naming the VM and
 * property into @err.
 */
int config_parse(const void *blob, size_t size, unsigned int nr_cpus, struct vm_config *out,
		 unsigned int max, unsigned int *nr, char err[CONFIG_ERR_MAX]);
#endif
