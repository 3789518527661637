// SPDX-License-Identifier: MIT
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/esr.h"
#include "core/el2_config.h"
#include "core/exit.h"
#include "core/tlbi_trap.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "emul/at.h"
#include "core/pmu.h"
#include "core/sysreg_trap.h"
#include "lib/log.h"

#define SYS(op0, op1, crn, crm, op2) ((u32)ESR_ELx_SYS64_REG(op0, op1, crn, crm, op2))
#define SYS_MASK_ALL ((u32)ESR_ELx_SYS64_REG_MASK)
#define SYS_MASK_ANY_CRM (SYS_MASK_ALL & ~(u32)ESR_ELx_SYS64_CRM)

struct sysreg_access {
	u32 enc;
	u32 rt;
	bool read;
	bool retry;	/* set by a row: the trap is off now, execute the instruction again */
};

struct sysreg_row {
	u32 enc, mask;
	const char *name;
	/* Return false to refuse (UNDEF). Reads set *val. */
	bool (*access)(struct vcpu *v, struct sysreg_access *a, u64 *val);
};

#ifndef MOAT_HOST
/* The ID space (op0 3, op1 0, CRn 0, CRm 1..7) read from the CPU by encoding. */
#define ID_CASE(crm, op2)                                                                \
	case SYS(3, 0, 0, crm, op2):                                                     \
		return read_sysreg_s("s3_0_c0_c" #crm "_" #op2);
#define ID_ROW(crm) ID_CASE(crm, 0) ID_CASE(crm, 1) ID_CASE(crm, 2) ID_CASE(crm, 3)     \
		    ID_CASE(crm, 4) ID_CASE(crm, 5) ID_CASE(crm, 6) ID_CASE(crm, 7)

static u64 read_id_hw(u32 enc)
{
	switch (enc) {
	ID_ROW(1) ID_ROW(2) ID_ROW(3) ID_ROW(4) ID_ROW(5) ID_ROW(6) ID_ROW(7)
	default:
		return 0;
	}
}
#else
u64 read_id_hw(u32 enc);
#endif

void sysreg_id_fill(struct vcpu *v)
{
	for (u32 i = 0; i < GCTX_ID_NR; i++) {
		u32 enc = SYS(3, 0, 0, i / 8, i % 8);

		/* CRm 0 (MIDR_EL1 and friends) is not trapped; read_id_hw gives 0 for it. */
		v->ctx.id[i] = sysreg_sanitise_id(enc, read_id_hw(enc));
	}
}

/*
 * Reads of the ID space normally never get here: guest_exit_SYNC answers
 * them from guest_ctx.id (sysreg_id_fill). This is the general path, for
 * the host tests and anything the fast path does not match.
 */
static bool id_reg(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (!a->read)
		return false;	/* writes to ID registers are UNDEFINED */
	*val = sysreg_sanitise_id(a->enc, read_id_hw(a->enc));
	return true;
}

/* Read as zero, writes ignored. */
static bool raz_wi(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (a->read)
		*val = 0;
	return true;
}

/* While the guest's OS lock is locked: its debug registers on the shadow copy. */
static bool debug_shadow(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	struct vcpu_debug *d = &v->dbg;
	u32 op2 = (u32)FIELD_GET(ESR_ELx_SYS64_OP2, a->enc);
	u32 crm = (u32)FIELD_GET(ESR_ELx_SYS64_CRM, a->enc);
	u64 *reg = NULL;

	if (FIELD_GET(ESR_ELx_SYS64_CRN, a->enc) == 0 && op2 >= 4) {
		u64 *regs[] = { d->bvr, d->bcr, d->wvr, d->wcr };

		reg = &regs[op2 - 4][crm];
	} else if (a->enc == SYS(2, 0, 0, 2, 2)) {
		reg = &d->mdscr;
	} else if (a->enc == SYS(2, 0, 0, 2, 0)) {
		reg = &d->mdccint;
	}
	/*
	 * The debug communications channel, the claim tags and DBGAUTHSTATUS
	 * (which QEMU 7.2 does not implement): quiet while locked.
	 */
	if (!reg)
		return raz_wi(v, a, val);
	if (a->read)
		*val = *reg;
	else
		*reg = *val;
	return true;
}

/*
 * A debug register trapped by MDCR_EL2.TDA: the vCPU's debug registers go
 * into the CPU and the trap is turned off (core/debug.c); the guest then
 * executes the access again, on the CPU. While its OS lock is locked they
 * stay out and the access is emulated instead. A breakpoint or watchpoint
 * the CPU does not have is an unallocated encoding: UNDEFINED, as on the
 * CPU.
 */
static bool debug_lazy(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	u32 op2 = (u32)FIELD_GET(ESR_ELx_SYS64_OP2, a->enc);
	u32 crm = (u32)FIELD_GET(ESR_ELx_SYS64_CRM, a->enc);

	/* DBGBVR/BCR (op2 4, 5) and DBGWVR/WCR (op2 6, 7) <n> = CRm, in CRn 0. */
	if (FIELD_GET(ESR_ELx_SYS64_CRN, a->enc) == 0 && op2 >= 4 &&
	    crm >= (op2 < 6 ? debug_nr_bps() : debug_nr_wps()))
		return false;
	if (debug_os_locked(&v->dbg))
		return debug_shadow(v, a, val);
	debug_trap_load(v);
	a->retry = true;
	return true;
}

/*
 * The OS lock, the OS double lock and DBGPRCR_EL1 stay trapped
 * (MDCR_EL2.TDOSA) and emulated: their effect (debug exceptions off) is
 * put into the CPU's own OS lock while the vCPU's registers are live, and
 * DBGPRCR_EL1.CORENPDRQ never reaches the power controller.
 */
/* OSLAR_EL1 (write-only) sets OSLSR_EL1.OSLK. */
static bool oslar(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (a->read)
		return false;
	v->dbg.oslsr = (v->dbg.oslsr & ~OSLSR_EL1_OSLK) |
		       FIELD_PREP(OSLSR_EL1_OSLK, FIELD_GET(OSLAR_EL1_OSLK, *val));
	debug_os_lock_changed(v);
	return true;
}

static bool oslsr(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (!a->read)
		return false;
	*val = v->dbg.oslsr;
	return true;
}

/* OSDLR_EL1.DLK where the guest's ID_AA64DFR0_EL1 says FEAT_DoubleLock (0: implemented); else RAZ/WI. */
static bool osdlr(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	u64 dfr0 = sysreg_sanitise_id(SYS(3, 0, 0, 5, 0), read_sysreg(id_aa64dfr0_el1));

	if (FIELD_GET(ID_AA64DFR0_EL1_DoubleLock, dfr0) != 0)
		return raz_wi(v, a, val);
	if (a->read) {
		*val = v->dbg.osdlr;
		return true;
	}
	v->dbg.osdlr = *val & OSDLR_EL1_DLK;
	debug_os_lock_changed(v);
	return true;
}

static bool dbgprcr(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (a->read) {
		*val = v->dbg.dbgprcr;
		return true;
	}
	v->dbg.dbgprcr = *val & DBGPRCR_EL1_CORENPDRQ;
	debug_os_lock_changed(v);
	return true;
}

/* PMU registers (MDCR_EL2.TPM, TPMCR): forwarded to the CPU's PMU after checks (core/pmu.c). */
static bool pmu_row(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	return pmu_access(v, a->enc, a->read, val);
}

/* ACTLR_EL1 is IMPLEMENTATION DEFINED: the guest gets a private, inert copy. */
static bool actlr(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (a->read)
		*val = v->sys.actlr;
	else
		v->sys.actlr = *val;
	return true;
}

/* SGI generation is always trapped when HCR_EL2.IMO is set; the registers are write-only. */
static bool icc_sgi1r(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (a->read)
		return false;
	vcpu_sgi_write(v, true, *val);
	return true;
}

static bool icc_sgi0r(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	if (a->read)
		return false;
	vcpu_sgi_write(v, false, *val);
	return true;
}

/* AT S1E1R.. (op0 1, op1 0, CRn 7, CRm 8/9): trapped only with FEAT_NV (HCR_EL2.AT). */
static bool at_insn(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	static const enum at_op ops[2][4] = {
		{ AT_S1E1R, AT_S1E1W, AT_S1E0R, AT_S1E0W },	/* CRm 8 */
		{ AT_S1E1RP, AT_S1E1WP, AT_OP_NR, AT_OP_NR },	/* CRm 9 */
	};
	u32 crm = (u32)FIELD_GET(ESR_ELx_SYS64_CRM, a->enc);
	u32 op2 = (u32)FIELD_GET(ESR_ELx_SYS64_OP2, a->enc);

	if (a->read || op2 > 3)
		return false;
	return at_trap_emulate(v, ops[crm - 8][op2], *val);
}

/* TLBI (op0 1, op1 0, CRn 8, or 9 for nXS): trapped by HCR_EL2.TTLB for VMs with "trap-tlbi". */
static bool tlbi_insn(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	return !a->read && tlbi_trap(v, a->enc, *val);
}

static const struct sysreg_row sysreg_table[] = {
	{ SYS(1, 0, 7, 8, 0), SYS_MASK_ALL & ~(u32)ESR_ELx_SYS64_OP2, "AT S1E1R/W, S1E0R/W", at_insn },
	{ SYS(1, 0, 7, 9, 0), SYS_MASK_ALL & ~(u32)ESR_ELx_SYS64_OP2, "AT S1E1RP/WP", at_insn },
	{ SYS(1, 0, 8, 0, 0), SYS_MASK_ANY_CRM & ~(u32)(ESR_ELx_SYS64_OP2 | SYS(0, 0, 1, 0, 0)), "TLBI", tlbi_insn },
	{ SYS(3, 0, 12, 11, 5), SYS_MASK_ALL, "ICC_SGI1R_EL1", icc_sgi1r },
	{ SYS(3, 1, 12, 11, 6), SYS_MASK_ALL, "ICC_ASGI1R_EL1", raz_wi },
	{ SYS(3, 2, 12, 11, 7), SYS_MASK_ALL, "ICC_SGI0R_EL1", icc_sgi0r },
	{ SYS(3, 0, 0, 0, 0), SYS_MASK_ALL & ~(u32)(ESR_ELx_SYS64_CRM | ESR_ELx_SYS64_OP2), "ID space", id_reg },
	/* MDCR_EL2.TDA: load the vCPU's debug registers, stop trapping, retry. */
	{ SYS(2, 0, 0, 2, 2), SYS_MASK_ALL, "MDSCR_EL1", debug_lazy },
	{ SYS(2, 0, 0, 0, 4), SYS_MASK_ANY_CRM, "DBGBVR<n>_EL1", debug_lazy },
	{ SYS(2, 0, 0, 0, 5), SYS_MASK_ANY_CRM, "DBGBCR<n>_EL1", debug_lazy },
	{ SYS(2, 0, 0, 0, 6), SYS_MASK_ANY_CRM, "DBGWVR<n>_EL1", debug_lazy },
	{ SYS(2, 0, 0, 0, 7), SYS_MASK_ANY_CRM, "DBGWCR<n>_EL1", debug_lazy },
	{ SYS(2, 0, 0, 2, 0), SYS_MASK_ALL, "MDCCINT_EL1", debug_lazy },
	{ SYS(2, 3, 0, 1, 0), SYS_MASK_ALL, "MDCCSR_EL0", debug_lazy },
	{ SYS(2, 3, 0, 4, 0), SYS_MASK_ALL, "DBGDTR_EL0", debug_lazy },
	{ SYS(2, 3, 0, 5, 0), SYS_MASK_ALL, "DBGDTRRX/TX_EL0", debug_lazy },
	{ SYS(2, 0, 0, 0, 2), SYS_MASK_ALL, "OSDTRRX_EL1", debug_lazy },
	{ SYS(2, 0, 0, 3, 2), SYS_MASK_ALL, "OSDTRTX_EL1", debug_lazy },
	{ SYS(2, 0, 7, 8, 6), SYS_MASK_ALL, "DBGCLAIMSET_EL1", debug_lazy },
	{ SYS(2, 0, 7, 9, 6), SYS_MASK_ALL, "DBGCLAIMCLR_EL1", debug_lazy },
	{ SYS(2, 0, 7, 14, 6), SYS_MASK_ALL, "DBGAUTHSTATUS_EL1", debug_lazy },
	/* MDCR_EL2.TDOSA: emulated. */
	{ SYS(2, 0, 1, 0, 4), SYS_MASK_ALL, "OSLAR_EL1", oslar },
	{ SYS(2, 0, 1, 1, 4), SYS_MASK_ALL, "OSLSR_EL1", oslsr },
	{ SYS(2, 0, 1, 3, 4), SYS_MASK_ALL, "OSDLR_EL1", osdlr },
	{ SYS(2, 0, 1, 4, 4), SYS_MASK_ALL, "DBGPRCR_EL1", dbgprcr },
	{ SYS(2, 0, 0, 6, 2), SYS_MASK_ALL, "OSECCR_EL1", raz_wi },
	/* MDCR_EL2.TPM/TPMCR: PMCR..PMOVSSET (op1 3, CRn 9, CRm 12..14), PMINTEN/PMMIR, PMEV*<n> (CRm 8..15). */
	{ SYS(3, 3, 9, 12, 0), SYS_MASK_ALL & ~(u32)(SYS(0, 0, 0, 3, 7)), "PMU (CRn 9)", pmu_row },
	{ SYS(3, 0, 9, 14, 0), SYS_MASK_ALL & ~(u32)ESR_ELx_SYS64_OP2, "PMINTENSET/CLR_EL1, PMMIR_EL1", pmu_row },
	{ SYS(3, 3, 14, 8, 0), SYS_MASK_ALL & ~(u32)(SYS(0, 0, 0, 7, 7)), "PMEVCNTR/PMEVTYPER<n>_EL0", pmu_row },
	/* MDCR_EL2.TDRA: no memory-mapped debug ROM table for the guest. */
	{ SYS(2, 0, 1, 0, 0), SYS_MASK_ALL, "MDRAR_EL1", raz_wi },
	{ SYS(3, 0, 1, 0, 1), SYS_MASK_ALL, "ACTLR_EL1", actlr },
};

enum sysreg_result sysreg_emulate(struct vcpu *v, u64 esr)
{
	struct sysreg_access a = {
		.enc = (u32)(esr & ESR_ELx_SYS64_REG_MASK),
		.rt = (u32)FIELD_GET(ESR_ELx_SYS64_RT, esr),
		.read = (esr & ESR_ELx_SYS64_DIR) != 0,
	};

	/* The ID space only covers CRm 0..7. */
	for (size_t i = 0; i < ARRAY_SIZE(sysreg_table); i++) {
		const struct sysreg_row *row = &sysreg_table[i];
		u64 val;

		if ((a.enc & row->mask) != row->enc)
			continue;
		if (row->access == id_reg && FIELD_GET(ESR_ELx_SYS64_CRM, a.enc) > 7)
			continue;
		val = a.read ? 0 : vcpu_reg(v, a.rt);
		if (!row->access(v, &a, &val))
			return SYSREG_UNDEF;
		if (a.retry)
			return SYSREG_RETRY;
		if (a.read)
			vcpu_set_reg(v, a.rt, val);
		return SYSREG_DONE;
	}
	return SYSREG_UNDEF;
}

void handle_sysreg(struct vcpu *v)
{
	u64 esr = v->ctx.esr;

	switch (sysreg_emulate(v, esr)) {
	case SYSREG_DONE:
		vcpu_skip_instr(v);
		return;
	case SYSREG_RETRY:
		return;
	case SYSREG_UNDEF:
		break;
	}
	vcpu_log(v, LOG_WARN, "%s of unhandled system register "
			"op0=%llu op1=%llu CRn=%llu CRm=%llu op2=%llu at PC 0x%llx: undefined instruction injected",
			(esr & ESR_ELx_SYS64_DIR) ? "read" : "write",
			(unsigned long long)FIELD_GET(ESR_ELx_SYS64_OP0, esr),
			(unsigned long long)FIELD_GET(ESR_ELx_SYS64_OP1, esr),
			(unsigned long long)FIELD_GET(ESR_ELx_SYS64_CRN, esr),
			(unsigned long long)FIELD_GET(ESR_ELx_SYS64_CRM, esr),
			(unsigned long long)FIELD_GET(ESR_ELx_SYS64_OP2, esr), (unsigned long long)v->ctx.pc);
	vcpu_inject_undef(v);
}
