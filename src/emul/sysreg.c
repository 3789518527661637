// SPDX-License-Identifier: MIT
/*
 * The guest's view of the ID registers, as data and one pure function
 * (host-tested): what core/sysreg_trap.c answers a trapped ID read with.
 */
#include "arch/esr.h"
#include "arch/regs.h"
#include "emul/sysreg.h"
#include "lib/bitfield.h"

#define SYS(op0, op1, crn, crm, op2) ((u32)ESR_ELx_SYS64_REG(op0, op1, crn, crm, op2))

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
	IDF("PMUVer", 11, 8, PMUVER_V3P5),	/* core/pmu.c; an IMPLEMENTATION DEFINED PMU (0xf) reads 0 */	/* up to Armv8.4 debug: the guest's registers run on the CPU (core/debug.c) */
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
	if (enc == SYS(3, 0, 0, 5, 0) && !id_dfr0_has_pmuv3(hw))
		out &= ~ID_AA64DFR0_EL1_PMUVer;
	return out;
}

