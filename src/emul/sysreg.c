// SPDX-License-Identifier: MIT
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/esr.h"
#include "core/exit.h"
#include "core/tlbi_trap.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "emul/at.h"
#include "emul/sysreg.h"
#include "lib/log.h"

#define SYS(op0, op1, crn, crm, op2) ((u32)ESR_ELx_SYS64_REG(op0, op1, crn, crm, op2))
#define SYS_MASK_ALL ((u32)ESR_ELx_SYS64_REG_MASK)
#define SYS_MASK_ANY_CRM (SYS_MASK_ALL & ~(u32)ESR_ELx_SYS64_CRM)

#define SYS_ID_AA64PFR0_EL1 SYS(3, 0, 0, 4, 0)
#define SYS_ID_AA64PFR1_EL1 SYS(3, 0, 0, 4, 1)
#define SYS_ID_AA64DFR0_EL1 SYS(3, 0, 0, 5, 0)
#define SYS_ID_AA64ISAR1_EL1 SYS(3, 0, 0, 6, 1)
#define SYS_ID_AA64ISAR2_EL1 SYS(3, 0, 0, 6, 2)
#define SYS_ID_AA64MMFR1_EL1 SYS(3, 0, 0, 7, 1)
#define SYS_ID_AA64MMFR2_EL1 SYS(3, 0, 0, 7, 2)

struct sysreg_access {
	u32 enc;
	u32 rt;
	bool read;
};

struct sysreg_row {
	u32 enc, mask;
	const char *name;
	/* Return false to refuse (UNDEF). Reads set *val. */
	bool (*access)(struct vcpu *v, const struct sysreg_access *a, u64 *val);
};

u64 sysreg_sanitise_id(u32 enc, u64 hw)
{
	switch (enc) {
	case SYS_ID_AA64PFR0_EL1:
		return hw & ~(ID_AA64PFR0_EL1_SVE | ID_AA64PFR0_EL1_AMU | ID_AA64PFR0_EL1_MPAM |
			      ID_AA64PFR0_EL1_RAS | ID_AA64PFR0_EL1_SEL2 | ID_AA64PFR0_EL1_RME);
	case SYS_ID_AA64PFR1_EL1:
		return hw & ~(ID_AA64PFR1_EL1_MTE | ID_AA64PFR1_EL1_SME | ID_AA64PFR1_EL1_MPAM_frac |
			      ID_AA64PFR1_EL1_NMI);
	case SYS_ID_AA64DFR0_EL1:
		return hw & ~(ID_AA64DFR0_EL1_TraceVer | ID_AA64DFR0_EL1_PMUVer |
			      ID_AA64DFR0_EL1_PMSVer | ID_AA64DFR0_EL1_TraceFilt |
			      ID_AA64DFR0_EL1_TraceBuffer | ID_AA64DFR0_EL1_BRBE);
	case SYS_ID_AA64ISAR1_EL1:
		return hw & ~(ID_AA64ISAR1_EL1_APA | ID_AA64ISAR1_EL1_API | ID_AA64ISAR1_EL1_GPA |
			      ID_AA64ISAR1_EL1_GPI);
	case SYS_ID_AA64ISAR2_EL1:
		return hw & ~(ID_AA64ISAR2_EL1_APA3 | ID_AA64ISAR2_EL1_GPA3);
	case SYS_ID_AA64MMFR1_EL1:
		return hw & ~(ID_AA64MMFR1_EL1_LO | ID_AA64MMFR1_EL1_VH);
	case SYS_ID_AA64MMFR2_EL1:
		return hw & ~ID_AA64MMFR2_EL1_NV;
	default:
		return hw;
	}
}

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

static bool id_reg(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (!a->read)
		return false;	/* writes to ID registers are UNDEFINED */
	*val = sysreg_sanitise_id(a->enc, read_id_hw(a->enc));
	return true;
}

/* Read as zero, writes ignored: debug registers moat does not give guests. */
static bool raz_wi(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (a->read)
		*val = 0;
	return true;
}

static bool mdscr(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (a->read)
		*val = v->mdscr;
	else
		v->mdscr = *val;
	return true;
}

/* OSLAR_EL1 (write-only) sets OSLSR_EL1.OSLK. */
static bool oslar(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (a->read)
		return false;
	v->oslsr = (v->oslsr & ~2ULL) | ((*val & 1) << 1);
	return true;
}

static bool oslsr(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (!a->read)
		return false;
	*val = v->oslsr;
	return true;
}

/* ACTLR_EL1 is IMPLEMENTATION DEFINED: the guest gets a private, inert copy. */
static bool actlr(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (a->read)
		*val = v->sys.actlr;
	else
		v->sys.actlr = *val;
	return true;
}

/* SGI generation is always trapped when HCR_EL2.IMO is set; the registers are write-only. */
static bool icc_sgi1r(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (a->read)
		return false;
	vcpu_sgi_write(v, true, *val);
	return true;
}

static bool icc_sgi0r(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	if (a->read)
		return false;
	vcpu_sgi_write(v, false, *val);
	return true;
}

/* AT S1E1R.. (op0 1, op1 0, CRn 7, CRm 8/9): trapped only with FEAT_NV (HCR_EL2.AT). */
static bool at_insn(struct vcpu *v, const struct sysreg_access *a, u64 *val)
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
static bool tlbi_insn(struct vcpu *v, const struct sysreg_access *a, u64 *val)
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
	{ SYS(2, 0, 0, 2, 2), SYS_MASK_ALL, "MDSCR_EL1", mdscr },
	{ SYS(2, 0, 1, 0, 4), SYS_MASK_ALL, "OSLAR_EL1", oslar },
	{ SYS(2, 0, 1, 1, 4), SYS_MASK_ALL, "OSLSR_EL1", oslsr },
	{ SYS(2, 0, 1, 3, 4), SYS_MASK_ALL, "OSDLR_EL1", raz_wi },
	{ SYS(2, 0, 1, 4, 4), SYS_MASK_ALL, "DBGPRCR_EL1", raz_wi },
	{ SYS(2, 0, 0, 0, 4), SYS_MASK_ANY_CRM, "DBGBVR<n>_EL1", raz_wi },
	{ SYS(2, 0, 0, 0, 5), SYS_MASK_ANY_CRM, "DBGBCR<n>_EL1", raz_wi },
	{ SYS(2, 0, 0, 0, 6), SYS_MASK_ANY_CRM, "DBGWVR<n>_EL1", raz_wi },
	{ SYS(2, 0, 0, 0, 7), SYS_MASK_ANY_CRM, "DBGWCR<n>_EL1", raz_wi },
	{ SYS(2, 0, 0, 2, 0), SYS_MASK_ALL, "MDCCINT_EL1", raz_wi },
	{ SYS(2, 3, 0, 1, 0), SYS_MASK_ALL, "MDCCSR_EL0", raz_wi },
	{ SYS(2, 0, 7, 8, 6), SYS_MASK_ALL, "DBGCLAIMSET_EL1", raz_wi },
	{ SYS(2, 0, 7, 9, 6), SYS_MASK_ALL, "DBGCLAIMCLR_EL1", raz_wi },
	{ SYS(2, 0, 7, 14, 6), SYS_MASK_ALL, "DBGAUTHSTATUS_EL1", raz_wi },
	{ SYS(3, 0, 1, 0, 1), SYS_MASK_ALL, "ACTLR_EL1", actlr },
};

bool sysreg_emulate(struct vcpu *v, u64 esr)
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
			return false;
		if (a.read)
			vcpu_set_reg(v, a.rt, val);
		return true;
	}
	return false;
}

void handle_sysreg(struct vcpu *v)
{
	u64 esr = v->ctx.esr;

	if (sysreg_emulate(v, esr)) {
		vcpu_skip_instr(v);
		return;
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
