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
#include "emul/pmu.h"
#include "emul/sysreg.h"
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

/*
 * What a guest sees of the ID registers: an allowlist. For each AArch64 ID
 * register, the fields moat supports and the highest value it lets through
 * (the guest sees min(hardware, max)); every other field reads 0, "not
 * implemented", so a feature newer than this table stays hidden until
 * someone decides how moat traps or switches its state. Signed fields (FP,
 * AdvSIMD, TGran4, TGran64, DoubleLock) use 0xf for "not implemented" and
 * keep it. Why each feature is hidden: docs/decisions.md ("Hidden CPU
 * features"), docs/traps.md. AArch32 is not offered at any EL (EL0 = EL1 =
 * AArch64 only), so the AArch32 ID registers (CRm 1..3) read 0 as well.
 */
#define IDF(f, hi, lo, m) { .name = f, .mask = GENMASK(hi, lo), .max = (m), .sign = false }
#define IDF_S(f, hi, lo, m) { .name = f, .mask = GENMASK(hi, lo), .max = (m), .sign = true }

static const struct id_field id_aa64pfr0[] = {
	IDF("EL0", 3, 0, 1),		/* AArch64 only: no AArch32 EL0 (docs/decisions.md) */
	IDF("EL1", 7, 4, 1),		/* AArch64 only */
	IDF("EL3", 15, 12, 1),		/* the guest's SMCs reach moat's PSCI; EL2 reads 0, the guest has none */
	IDF_S("FP", 19, 16, 1),
	IDF_S("AdvSIMD", 23, 20, 1),
	IDF("GIC", 27, 24, 1),		/* the virtual CPU interface is GICv3 */
	IDF("DIT", 51, 48, 1),
	IDF("CSV2", 59, 56, 1),		/* CSV2_2 would give SCXTNUM_ELx, which moat does not switch */
	IDF("CSV3", 63, 60, 1),
};

static const struct id_field id_aa64pfr1[] = {
	IDF("BT", 3, 0, 1),
	IDF("SSBS", 7, 4, 2),
	IDF("CSV2_frac", 35, 32, 1),	/* as CSV2: no SCXTNUM_ELx */
};

static const struct id_field id_aa64dfr0[] = {
	IDF("DebugVer", 3, 0, 9),
	IDF("PMUVer", 11, 8, PMUVER_V3P5),	/* emul/pmu.c; an IMPLEMENTATION DEFINED PMU (0xf) reads 0 */	/* up to Armv8.4 debug: the guest's registers run on the CPU (core/debug.c) */
	IDF("BRPs", 15, 12, 0xf),
	IDF("WRPs", 23, 20, 0xf),
	IDF("CTX_CMPs", 31, 28, 0xf),
	IDF_S("DoubleLock", 39, 36, 0),
};

static const struct id_field id_aa64isar0[] = {
	IDF("AES", 7, 4, 2), IDF("SHA1", 11, 8, 1), IDF("SHA2", 15, 12, 2),
	IDF("CRC32", 19, 16, 1), IDF("Atomic", 23, 20, 3), IDF("RDM", 31, 28, 1),
	IDF("SHA3", 35, 32, 1), IDF("SM3", 39, 36, 1), IDF("SM4", 43, 40, 1),
	IDF("DP", 47, 44, 1), IDF("FHM", 51, 48, 1), IDF("TS", 55, 52, 2),
	IDF("TLB", 59, 56, 2), IDF("RNDR", 63, 60, 1),
};

static const struct id_field id_aa64isar1[] = {
	IDF("DPB", 3, 0, 2), IDF("JSCVT", 15, 12, 1), IDF("FCMA", 19, 16, 1),
	IDF("LRCPC", 23, 20, 3), IDF("FRINTTS", 35, 32, 1), IDF("SB", 39, 36, 1),
	IDF("SPECRES", 43, 40, 1), IDF("BF16", 47, 44, 2), IDF("DGH", 51, 48, 1),
	IDF("I8MM", 55, 52, 1), IDF("XS", 59, 56, 1),
};

static const struct id_field id_aa64isar2[] = {
	IDF("WFxT", 3, 0, 2), IDF("RPRES", 7, 4, 1),
	IDF("MOPS", 19, 16, 1),		/* enabled for EL1 by HCRX_EL2.MSCEn (core/el2_config.c) */
	IDF("BC", 23, 20, 1), IDF("CLRBHB", 31, 28, 1), IDF("PRFMSLC", 43, 40, 1),
	IDF("RPRFM", 51, 48, 1), IDF("CSSC", 55, 52, 1),
};

static const struct id_field id_aa64mmfr0[] = {
	IDF("PARange", 3, 0, 6), IDF("ASIDBits", 7, 4, 2), IDF("BigEnd", 11, 8, 1),
	IDF("SNSMem", 15, 12, 1), IDF("BigEndEL0", 19, 16, 1), IDF("TGran16", 23, 20, 2),
	IDF_S("TGran64", 27, 24, 0), IDF_S("TGran4", 31, 28, 1), IDF("ExS", 47, 44, 1),
	IDF("ECV", 63, 60, 1),		/* ECV 2 is CNTPOFF_EL2, an EL2 control */
};

static const struct id_field id_aa64mmfr1[] = {
	IDF("HAFDBS", 3, 0, 2), IDF("HPDS", 15, 12, 2), IDF("PAN", 23, 20, 3),
	IDF("ETS", 39, 36, 2), IDF("AFP", 47, 44, 1), IDF("nTLBPA", 51, 48, 1),
	IDF("CMOW", 59, 56, 1), IDF("ECBHB", 63, 60, 1),
};

static const struct id_field id_aa64mmfr2[] = {
	IDF("CnP", 3, 0, 1), IDF("UAO", 7, 4, 1), IDF("LSM", 11, 8, 1),
	IDF("IESB", 15, 12, 1), IDF("VARange", 19, 16, 1), IDF("CCIDX", 23, 20, 1),
	IDF("ST", 31, 28, 1), IDF("AT", 35, 32, 1), IDF("IDS", 39, 36, 1),
	IDF("TTL", 51, 48, 1), IDF("BBM", 55, 52, 2), IDF("E0PD", 63, 60, 1),
};

#define ID_REG(crm, op2, n, t) { SYS(3, 0, 0, crm, op2), n, t, ARRAY_SIZE(t) }

static const struct id_reg {
	u32 enc;
	const char *name;
	const struct id_field *fields;
	size_t nr;
} id_regs[] = {
	ID_REG(4, 0, "ID_AA64PFR0_EL1", id_aa64pfr0),
	ID_REG(4, 1, "ID_AA64PFR1_EL1", id_aa64pfr1),
	ID_REG(5, 0, "ID_AA64DFR0_EL1", id_aa64dfr0),
	ID_REG(6, 0, "ID_AA64ISAR0_EL1", id_aa64isar0),
	ID_REG(6, 1, "ID_AA64ISAR1_EL1", id_aa64isar1),
	ID_REG(6, 2, "ID_AA64ISAR2_EL1", id_aa64isar2),
	ID_REG(7, 0, "ID_AA64MMFR0_EL1", id_aa64mmfr0),
	ID_REG(7, 1, "ID_AA64MMFR1_EL1", id_aa64mmfr1),
	ID_REG(7, 2, "ID_AA64MMFR2_EL1", id_aa64mmfr2),
};

const struct id_field *sysreg_id_allowlist(u32 enc, size_t *nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(id_regs); i++) {
		if (id_regs[i].enc == enc) {
			*nr = id_regs[i].nr;
			return id_regs[i].fields;
		}
	}
	*nr = 0;
	return NULL;
}

u64 sysreg_sanitise_id(u32 enc, u64 hw)
{
	const struct id_field *f;
	size_t nr;
	u64 out = 0;

	f = sysreg_id_allowlist(enc, &nr);
	for (size_t i = 0; i < nr; i++) {
		u64 val = FIELD_GET(f[i].mask, hw);

		/* A negative signed field means "not implemented": it stays so. */
		if (f[i].sign && (val & 8))
			val = FIELD_GET(f[i].mask, ~0ULL);
		else
			val = MIN(val, (u64)f[i].max);
		out |= FIELD_PREP(f[i].mask, val);
	}
	/* PMUVer 0xf is a PMU that is not a PMUv3: none for the guest. */
	if (enc == SYS(3, 0, 0, 5, 0) && !el2_has_pmuv3(hw))
		out &= ~ID_AA64DFR0_EL1_PMUVer;
	return out;
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

void sysreg_id_fill(struct vcpu *v)
{
	for (u32 i = 0; i < GCTX_ID_NR; i++) {
		u32 enc = SYS(3, 0, 0, i / 8, i % 8);

		/* CRm 0 (MIDR_EL1 and friends) is not trapped; read_id_hw gives 0 for it. */
		v->ctx.id[i] = sysreg_sanitise_id(enc, read_id_hw(enc));
	}
}

static bool id_reg(struct vcpu *v, struct sysreg_access *a, u64 *val)
{
	u32 i = (u32)(FIELD_GET(ESR_ELx_SYS64_CRM, a->enc) * 8 + FIELD_GET(ESR_ELx_SYS64_OP2, a->enc));
	u64 hw;

	if (!a->read)
		return false;	/* writes to ID registers are UNDEFINED */
	hw = read_id_hw(a->enc);
	if (hw != v->id_hw[i]) {
		v->id_hw[i] = hw;
		v->id_val[i] = sysreg_sanitise_id(a->enc, hw);
	}
	*val = v->id_val[i];
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

/* PMU registers (MDCR_EL2.TPM, TPMCR): forwarded to the CPU's PMU after checks (emul/pmu.c). */
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
