/* SPDX-License-Identifier: MIT */
/*
 * Software stage-1 walker for the EL1&0 translation regime (VMSAv8-64):
 * emulates AT S1E1R/W, S1E0R/W, S1E1RP/WP and returns PAR_EL1 exactly as
 * the CPU writes it. Portable C, no hardware access: every descriptor is
 * read through a callback (the hypervisor's reads the guest's IPA through
 * the VM's stage-2). See docs/at.md.
 */
#ifndef MOAT_EMUL_AT_H
#define MOAT_EMUL_AT_H

#include "lib/types.h"

/* The address-translation operations, in the order of MOAT_HC_AT_TRANSLATE's x2. */
enum at_op {
	AT_S1E1R = 0,
	AT_S1E1W,
	AT_S1E0R,
	AT_S1E0W,
	AT_S1E1RP,	/* FEAT_PAN2: privileged, honours PSTATE.PAN */
	AT_S1E1WP,
	AT_OP_NR,
};

/* The vCPU's EL1&0 translation-regime registers, as the guest sees them. */
struct at_regs {
	u64 sctlr;	/* SCTLR_EL1 */
	u64 tcr;	/* TCR_EL1 */
	u64 ttbr0;	/* TTBR0_EL1 */
	u64 ttbr1;	/* TTBR1_EL1 */
	u64 mair;	/* MAIR_EL1 */
	u64 pstate;	/* PSTATE (SPSR_EL2 at the trap): only PAN is used */
	u64 mmfr0;	/* ID_AA64MMFR0_EL1 the VM sees: PARange */
	u64 mmfr1;	/* ID_AA64MMFR1_EL1 the VM sees: HAFDBS, HPDS (0: neither) */
	u64 mmfr2;	/* ID_AA64MMFR2_EL1 the VM sees: ST (TTST), VARange (LVA) */
};

/*
 * Descriptor reads (and, with FEAT_HAFDBS, Access-flag updates) during
 * the walk. @ipa is an 8-byte aligned IPA.
 *
 * read_desc returns 0 with *desc filled (as stored in memory: the walker
 * byte-swaps for SCTLR_EL1.EE itself), or AT_S2_FAULT(fsc) when the
 * stage-2 translation of @ipa faults: fsc is the full 6-bit stage-2 fault
 * status code with its level, e.g. ESR_ELx_FSC_FAULT + 2. The walk then
 * reports F=1, FST=fsc, PTW=1, S=1. Any other negative value is reported
 * as a stage-2 synchronous external abort (FST 0x10, PTW=1, S=1).
 *
 * update_desc (optional; only called when the VM exposes FEAT_HAFDBS and
 * TCR_EL1.HA is set) atomically replaces @old by @new: returns 0 when
 * done, AT_DESC_CHANGED when the memory no longer holds @old (the walk
 * restarts), or a stage-2 fault as read_desc.
 */
struct at_mem {
	int (*read_desc)(void *arg, u64 ipa, u64 *desc);
	int (*update_desc)(void *arg, u64 ipa, u64 old, u64 new_desc);
	void *arg;
};

#define AT_S2_FAULT_TAG		0x1000
#define AT_S2_FAULT(fsc)	(-(int)(AT_S2_FAULT_TAG | ((fsc) & 0x3f)))
#define AT_DESC_CHANGED		1

/* What the walk found; at_translate() is the PAR_EL1 view of it. */
struct at_result {
	u64 par;		/* PAR_EL1 as the CPU writes it */
	bool fault;
	u8 fst;			/* fault status code (PAR.FST) when fault */
	int8_t level;		/* level of the fault or of the final descriptor */
	bool s2;		/* stage-2 fault on the walk (PTW=1, S=1) */
	u64 s2_ipa;		/* the descriptor IPA that faulted in stage 2 */
	u64 oa;			/* output address, page offset included */
	u64 size;		/* size of the block/page mapping the VA */
	u64 desc;		/* the final descriptor */
	u64 desc_ipa;		/* where it was read */
	u8 attr;		/* MAIR attribute byte */
	u8 sh;			/* PAR.SH */
	/* Effective permissions of the mapping (before PAN for pr/pw). */
	bool el1_r, el1_w, el1_x, el0_r, el0_w, el0_x;
	bool pan_blocked;	/* PAN made a privileged data access fail */
};

/* Walk @va for @op; fills @res (always) and returns res->par. */
u64 at_walk(const struct at_regs *regs, const struct at_mem *mem, u64 va, enum at_op op,
	    struct at_result *res);

/* PAR_EL1 for "AT <op>, <va>". */
u64 at_translate(const struct at_regs *regs, const struct at_mem *mem, u64 va, enum at_op op);

/*
 * The PAR_EL1 bits the architecture leaves IMPLEMENTATION DEFINED or
 * UNKNOWN for this result (docs/at.md): a comparison with a CPU's PAR must
 * ignore them. Depends on F, and on ATTR for SH.
 */
u64 at_par_unspecified_mask(u64 par);

/* "S1E1R" etc.; "?" for an out-of-range op. */
const char *at_op_name(enum at_op op);

/*
 * MOAT_HC_AT_TRANSLATE for the calling vCPU (implemented in core/at_glue.c):
 * walks @va with the vCPU's live EL1 registers, PSTATE from SPSR_EL2, the
 * ID registers the VM sees, descriptors read from the VM's RAM (anything
 * else is a stage-2 translation fault). Returns the PAR_EL1 value, or
 * SMCCC_RET_INVALID_PARAMETER for an op outside enum at_op.
 */

struct vcpu;
/* Hypervisor glue (core/at_glue.c): the loaded vCPU's registers and memory. */
void vcpu_at_regs(const struct vcpu *v, struct at_regs *regs);
void vcpu_at_mem(struct vcpu *v, struct at_mem *mem);
/* A trapped AT instruction (FEAT_NV): PAR_EL1 gets the software walk's result. */
bool at_trap_emulate(struct vcpu *v, enum at_op op, u64 va);
s64 at_hc_translate(struct vcpu *v, u64 va, u64 op);

#endif
