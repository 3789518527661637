/* SPDX-License-Identifier: MIT */
/*
 * Trapped TLB maintenance (HCR_EL2.TTLB), per VM: "trap-tlbi" in its
 * configuration chooses precise replay or one TLBI VMALLE1IS per trap.
 * docs/traps.md says when to use which.
 */
#ifndef MOAT_CORE_TLBI_TRAP_H
#define MOAT_CORE_TLBI_TRAP_H
#include "core/config.h"
#include "emul/tlbi.h"
#include "lib/types.h"

struct vcpu;
struct vm;

/* Per-VM counters of trapped TLBIs, incremented atomically by every vCPU. */
struct tlbi_stats {
	u64 op[TLBI_OP_NR];	/* by operation, all shareabilities and nXS together */
	u64 undef;		/* encodings the guest is not shown: UNDEF injected */
};

/* A VM's trapped-TLBI state. */
struct tlbi_vm {
	struct tlbi_stats stats;
	/*
	 * What its ID registers advertise (asid16: the CPU has 16-bit ASIDs;
	 * TCR_EL1.AS is read at each trap), read on the first trap: ID
	 * registers do not change while moat runs.
	 */
	struct tlbi_features id;
	volatile bool id_ready;
};

/** The HCR_EL2 trap bits for a VM configured with @mode (0 when not trapped). */
u64 tlbi_trap_hcr(enum vm_trap_tlbi mode);

/**
 * Emulate the trapped SYS instruction with syndrome encoding @enc and
 * operand @operand on @v's CPU. False: not a TLBI the guest is shown, the
 * caller injects an UNDEF.
 */
bool tlbi_trap(struct vcpu *v, u32 enc, u64 operand);

/** Log @vm's counters (at its exit) when its TLBIs were trapped. */
void tlbi_trap_report(const struct vm *vm);
#endif
