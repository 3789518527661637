/* SPDX-License-Identifier: MIT */
/*
 * The host VM (docs/host-mode.md): a VM node with 'host;' gets every CPU
 * no other VM names, all RAM moat does not keep and no other VM owns, and
 * every device moat does not own or emulate, behind an identity stage-2
 * filled on demand whose entries record page ownership (mm/owner.h).
 */
#ifndef MOAT_CORE_HOST_H
#define MOAT_CORE_HOST_H
#include "lib/types.h"
#include "core/host_fdt.h"
#include "mm/owner.h"

struct vm;
struct vcpu;

/**
 * Give @vm (the host, created after every static VM) its memory: keep
 * cfg->moat_pool bytes of free RAM for moat, claim the rest for the host,
 * build the host's stage-2 with every page's owner recorded, and set
 * @vm's VTTBR/VTCR and its load window (where kernel, initrd and DTB go).
 */
int host_vm_memory(struct vm *vm);

/** The host vCPU's MPIDR: that of its physical CPU. */
u64 host_vcpu_mpidr(u32 pcpu);

/** Hardware-link every SPI nobody else has to the host and enable it at the GIC. */
void host_claim_spis(struct vm *vm);

/** The host's doorbell SPI (its INTID; 0: none): raised for hosted vCPUs that need a run. */
u32 host_doorbell_intid(void);

/** At the host's SYSTEM_RESET: deactivate every SPI linked to it. */
void host_reset_spis(void);

/**
 * A stage-2 abort of the host at @ipa that no emulated device takes: map
 * the page if it is the host's (or return to retry), else inject a
 * synchronous external abort with a rate-limited log line.
 */
void host_stage2_abort(struct vcpu *v, u64 ipa, enum mem_access acc);

/** The host's device tree: moat's boot tree, filtered (core/host_fdt.c). */
int host_fdt(void *buf, size_t size, const struct vm *vm, u64 initrd, u64 initrd_size);

/** Log the host stage-2 figures (faults, mappings by size). */
void host_report(void);

/** Run the ownership checker over every stage-2 and log the result. */
int host_check(void);
#endif
