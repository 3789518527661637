/* SPDX-License-Identifier: MIT */
/*
 * Attack suite, system registers (configs/attack_sysreg.dts, beside the
 * bystander). From EL1 the guest reads and writes what belongs to moat,
 * the firmware or the machine: EL2 and EL3 registers, the GIC's
 * hypervisor interface, EL2-only TLB and AT operations, PMU counters the
 * CPU does not have, statistical
 * profiling, trace, activity monitors, RAS error records, LORegions,
 * SVE/SME controls, pointer-authentication keys, IMPLEMENTATION DEFINED
 * registers, the secure timer, and writes to ID registers. Every one must
 * be an undefined-instruction exception at the guest's own vector on the
 * instruction, with execution going on. Debug registers are the guest's
 * own: its breakpoints and watchpoints fire at its EL1 vector and nowhere
 * else; numbers beyond the advertised counts UNDEF. EL1 TLB maintenance of any kind must be
 * harmless. And the ID registers must not advertise what moat hides.
 */
#include "attack_lib.h"

GUEST_PLAN(28);

static unsigned n_bad;

/* One instruction that must UNDEF at EL1; counts and explains failures. */
#define MUST_UNDEF(insn)							\
	do {									\
		struct insn_try __t;						\
		TRY_INSN(&__t, insn, 0x5a5a5a5a5a5a5a5aULL, 0x40080000ULL);	\
		if (!undef_at_el1(&__t)) {					\
			n_bad++;						\
			detail_try(insn, &__t);					\
		}								\
	} while (0)

/* Both the read and the write of a register must UNDEF. */
#define RW_UNDEF(reg)	do { MUST_UNDEF("mrs " TRY_V ", " reg); MUST_UNDEF("msr " reg ", " TRY_V); } while (0)

#define GROUP_BEGIN()	(n_bad = 0)
#define GROUP_OK()	(n_bad == 0)

static volatile uint64_t watched;
static volatile unsigned dbg_hits, dbg_bad_vec;

static __attribute__((noinline)) uint64_t bp_target(uint64_t x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

/* Breakpoint (EC 0x31) or watchpoint (EC 0x35) at EL1: count, disarm, return to the instruction. */
static bool dbg_hook(const struct exc_info *e, uint64_t *elr, uint64_t *spsr)
{
	uint64_t ec = ESR_EC(e->esr);

	if (ec != 0x31 && ec != 0x35)
		return false;
	dbg_hits++;
	if (e->vec != VEC_CUR_SPX_SYNC)
		dbg_bad_vec++;
	if (ec == 0x31)
		write_sysreg(0, dbgbcr0_el1);
	else
		write_sysreg(0, dbgwcr0_el1);
	isb();
	return true;
}

static void debug_attacks(void)
{
	struct insn_try t;
	uint64_t bp = (uintptr_t)bp_target, dfr0 = read_sysreg(id_aa64dfr0_el1);
	const uint64_t bcr_set = 1 | (3 << 1) | (0xf << 5), wcr_set = 1 | (3 << 1) | (2 << 3) | (0xff << 5);

	/* Unlock the OS lock, enable debug at EL1 (KDE, MDE), unmask D. */
	set_sync_handler(dbg_hook);
	write_sysreg(0, oslar_el1);
	write_sysreg((1ULL << 13) | (1ULL << 15), mdscr_el1);
	isb();
	/* Breakpoint 0 on bp_target: enabled, EL1 and EL0, all byte lanes. */
	write_sysreg(bp, dbgbvr0_el1);
	write_sysreg(bcr_set, dbgbcr0_el1);
	/* Watchpoint 0 on `watched`: enabled, EL1 and EL0, store, 8 bytes. */
	write_sysreg((uintptr_t)&watched, dbgwvr0_el1);
	write_sysreg(wcr_set, dbgwcr0_el1);
	isb();
	uint64_t bcr = read_sysreg(dbgbcr0_el1), bvr = read_sysreg(dbgbvr0_el1);
	uint64_t wcr = read_sysreg(dbgwcr0_el1);

	__asm__ volatile("msr daifclr, #8; isb" ::: "memory");
	uint64_t r = bp_target(5);

	watched = r;
	__asm__ volatile("msr daifset, #8; isb" ::: "memory");
	set_sync_handler(NULL);
	write_sysreg(0, dbgbcr0_el1);
	write_sysreg(0, dbgwcr0_el1);
	write_sysreg(0, mdscr_el1);
	write_sysreg(1, oslar_el1);
	isb();
	printf("detail: DBGBCR0 0x%lx DBGBVR0 0x%lx DBGWCR0 0x%lx, %u debug exceptions, %u elsewhere\n",
	       bcr, bvr, wcr, dbg_hits, dbg_bad_vec);
	ATTACK(dbg_hits == 2 && dbg_bad_vec == 0 && r == 16 && watched == 16 && bvr == bp &&
	       (bcr & 0x1ff) == bcr_set && (wcr & 0x1fff) == wcr_set, "sysreg",
	       "hardware breakpoints and watchpoints are the guest's own: they fire at its EL1 vector only");

	/* MDSCR_EL1 is the guest's own: what it writes it reads back. */
	TRY_INSN(&t, "msr mdscr_el1, " TRY_V "\n mrs " TRY_V ", mdscr_el1", (1ULL << 15) | 1, 0);
	write_sysreg(0, mdscr_el1);
	isb();
	ATTACK(!t.taken && t.val == ((1ULL << 15) | 1), "sysreg",
	       "MDSCR_EL1 (MDE, SS) is the guest's own");

	/* Number 15 exists only on a CPU with 16: otherwise an unallocated encoding. */
	GROUP_BEGIN();
	if (((dfr0 >> 12) & 0xf) < 15)
		RW_UNDEF("s2_0_c0_c15_4");	/* DBGBVR15_EL1 */
	if (((dfr0 >> 20) & 0xf) < 15)
		RW_UNDEF("s2_0_c0_c15_7");	/* DBGWCR15_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "breakpoints and watchpoints beyond ID_AA64DFR0_EL1's counts UNDEF");
}

static bool field_zero(uint64_t v, unsigned shift, const char *what)
{
	uint64_t f = (v >> shift) & 0xf;

	if (f)
		printf("detail: %s = %lu (register 0x%016lx)\n", what, f, v);
	return f == 0;
}

/* A 4-bit field that says "not implemented": 0, or 0xf for the signed/debug ones. */
static bool field_none(uint64_t v, unsigned shift, const char *what)
{
	uint64_t f = (v >> shift) & 0xf;

	if (f != 0 && f != 0xf)
		printf("detail: %s = %lu (register 0x%016lx)\n", what, f, v);
	return f == 0 || f == 0xf;
}

static void id_attacks(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1), pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	uint64_t zfr0 = read_sysreg(s3_0_c0_c4_4), smfr0 = read_sysreg(s3_0_c0_c4_5);
	uint64_t dfr32 = read_sysreg(s3_0_c0_c1_2), pfr0_32 = read_sysreg(s3_0_c0_c1_0);
	uint64_t pfr2_32 = read_sysreg(s3_0_c0_c3_4);

	printf("detail: PFR0 0x%016lx PFR1 0x%016lx DFR0 0x%016lx ZFR0 0x%lx SMFR0 0x%lx\n", pfr0,
	       pfr1, dfr0, zfr0, smfr0);
	printf("detail: ID_DFR0_EL1 0x%lx ID_PFR0_EL1 0x%lx ID_PFR2_EL1 0x%lx\n", dfr32, pfr0_32,
	       pfr2_32);

	ATTACK(field_zero(pfr0, 32, "ID_AA64PFR0_EL1.SVE") && zfr0 == 0, "sysreg",
	       "with SVE hidden, ID_AA64ZFR0_EL1 (SVE features) reads 0");
	ATTACK(field_zero(pfr1, 24, "ID_AA64PFR1_EL1.SME") && smfr0 == 0, "sysreg",
	       "with SME hidden, ID_AA64SMFR0_EL1 (SME features) reads 0");
	ATTACK(field_zero(pfr0, 28, "ID_AA64PFR0_EL1.RAS") && field_zero(pfr1, 12, "ID_AA64PFR1_EL1.RAS_frac") &&
	       field_zero(pfr0, 40, "ID_AA64PFR0_EL1.MPAM") && field_zero(pfr1, 16, "ID_AA64PFR1_EL1.MPAM_frac"),
	       "sysreg", "RAS and MPAM are hidden with their fraction fields");
	ATTACK(field_zero(dfr0, 32, "ID_AA64DFR0_EL1.PMSVer") &&
	       field_zero(dfr0, 4, "ID_AA64DFR0_EL1.TraceVer") && field_zero(dfr0, 40, "ID_AA64DFR0_EL1.TraceFilt") &&
	       field_zero(dfr0, 44, "ID_AA64DFR0_EL1.TraceBuffer") && field_zero(dfr0, 52, "ID_AA64DFR0_EL1.BRBE") &&
	       field_none(dfr0, 48, "ID_AA64DFR0_EL1.MTPMU"),
	       "sysreg", "ID_AA64DFR0_EL1 shows no SPE, trace, TRBE, BRBE or MTPMU");
	ATTACK(field_none(dfr32, 24, "ID_DFR0_EL1.PerfMon") && field_zero(dfr32, 28, "ID_DFR0_EL1.TraceFilt") &&
	       field_zero(dfr32, 12, "ID_DFR0_EL1.MMapTrc") && field_zero(dfr32, 8, "ID_DFR0_EL1.CopTrc") &&
	       field_zero(pfr0_32, 28, "ID_PFR0_EL1.RAS") && field_zero(pfr0_32, 20, "ID_PFR0_EL1.AMU") &&
	       field_zero(pfr2_32, 8, "ID_PFR2_EL1.RAS_frac"),
	       "sysreg", "the AArch32 ID registers hide the PMU, trace, RAS and AMU too");
}

int main(void)
{
	GROUP_BEGIN();
	RW_UNDEF("s3_4_c1_c1_0");	/* HCR_EL2 */
	RW_UNDEF("s3_4_c2_c1_0");	/* VTTBR_EL2 */
	RW_UNDEF("s3_4_c2_c1_2");	/* VTCR_EL2 */
	RW_UNDEF("s3_4_c1_c0_0");	/* SCTLR_EL2 */
	RW_UNDEF("s3_4_c2_c0_0");	/* TTBR0_EL2 */
	ATTACK(GROUP_OK(), "sysreg", "HCR_EL2, VTTBR_EL2, VTCR_EL2, SCTLR_EL2, TTBR0_EL2 UNDEF from EL1");
	GROUP_BEGIN();
	RW_UNDEF("s3_4_c12_c0_0");	/* VBAR_EL2 */
	RW_UNDEF("s3_4_c4_c0_1");	/* ELR_EL2 */
	RW_UNDEF("s3_4_c4_c0_0");	/* SPSR_EL2 */
	RW_UNDEF("s3_4_c5_c2_0");	/* ESR_EL2 */
	RW_UNDEF("s3_4_c6_c0_0");	/* FAR_EL2 */
	RW_UNDEF("s3_4_c6_c0_4");	/* HPFAR_EL2 */
	RW_UNDEF("s3_4_c13_c0_2");	/* TPIDR_EL2 */
	RW_UNDEF("s3_4_c4_c1_0");	/* SP_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "EL2 exception state, TPIDR_EL2 and SP_EL1 UNDEF from EL1");
	GROUP_BEGIN();
	RW_UNDEF("s3_4_c1_c1_2");	/* CPTR_EL2 */
	RW_UNDEF("s3_4_c1_c1_1");	/* MDCR_EL2 */
	RW_UNDEF("s3_4_c1_c1_3");	/* HSTR_EL2 */
	RW_UNDEF("s3_4_c14_c1_0");	/* CNTHCTL_EL2 */
	RW_UNDEF("s3_4_c14_c0_3");	/* CNTVOFF_EL2 */
	RW_UNDEF("s3_4_c0_c0_5");	/* VMPIDR_EL2 */
	RW_UNDEF("s3_4_c0_c0_0");	/* VPIDR_EL2 */
	ATTACK(GROUP_OK(), "sysreg", "EL2 trap controls, CNTVOFF_EL2, VMPIDR_EL2, VPIDR_EL2 UNDEF from EL1");
	GROUP_BEGIN();
	RW_UNDEF("s3_4_c14_c2_1");	/* CNTHP_CTL_EL2 */
	RW_UNDEF("s3_4_c14_c2_2");	/* CNTHP_CVAL_EL2 */
	RW_UNDEF("s3_7_c14_c2_1");	/* CNTPS_CTL_EL1 */
	RW_UNDEF("s3_7_c14_c2_0");	/* CNTPS_TVAL_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "EL2 and secure timers UNDEF from EL1");
	GROUP_BEGIN();
	RW_UNDEF("s3_6_c1_c1_0");	/* SCR_EL3 */
	RW_UNDEF("s3_6_c12_c0_0");	/* VBAR_EL3 */
	RW_UNDEF("s3_6_c1_c3_1");	/* MDCR_EL3 */
	RW_UNDEF("s3_6_c1_c0_0");	/* SCTLR_EL3 */
	RW_UNDEF("s3_6_c4_c0_1");	/* ELR_EL3 */
	ATTACK(GROUP_OK(), "sysreg", "SCR_EL3, VBAR_EL3, MDCR_EL3, SCTLR_EL3, ELR_EL3 UNDEF from EL1");
	GROUP_BEGIN();
	RW_UNDEF("s3_4_c12_c11_0");	/* ICH_HCR_EL2 */
	RW_UNDEF("s3_4_c12_c11_7");	/* ICH_VMCR_EL2 */
	RW_UNDEF("s3_4_c12_c12_0");	/* ICH_LR0_EL2 */
	RW_UNDEF("s3_4_c12_c12_1");	/* ICH_LR1_EL2 */
	RW_UNDEF("s3_4_c12_c9_0");	/* ICH_AP1R0_EL2 */
	RW_UNDEF("s3_4_c12_c8_0");	/* ICH_AP0R0_EL2 */
	MUST_UNDEF("mrs " TRY_V ", s3_4_c12_c11_1");	/* ICH_VTR_EL2 */
	MUST_UNDEF("mrs " TRY_V ", s3_4_c12_c11_3");	/* ICH_MISR_EL2 */
	MUST_UNDEF("mrs " TRY_V ", s3_4_c12_c11_5");	/* ICH_ELRSR_EL2 */
	RW_UNDEF("s3_4_c12_c9_5");	/* ICC_SRE_EL2 */
	RW_UNDEF("s3_6_c12_c12_5");	/* ICC_SRE_EL3 */
	RW_UNDEF("s3_6_c12_c12_4");	/* ICC_CTLR_EL3 */
	ATTACK(GROUP_OK(), "sysreg", "the GIC hypervisor interface (ICH_*_EL2, ICC_SRE_EL2/EL3) UNDEFs from EL1");
	GROUP_BEGIN();
	MUST_UNDEF("tlbi alle2");
	MUST_UNDEF("tlbi alle2is");
	MUST_UNDEF("tlbi alle1");
	MUST_UNDEF("tlbi alle1is");
	MUST_UNDEF("tlbi vmalls12e1is");
	MUST_UNDEF("tlbi ipas2e1is, " TRY_IN);
	MUST_UNDEF("tlbi vae2is, " TRY_IN);
	ATTACK(GROUP_OK(), "sysreg", "EL2 TLB maintenance (ALLE2, ALLE1, VMALLS12E1, IPAS2E1, VAE2) UNDEFs from EL1");
	GROUP_BEGIN();
	MUST_UNDEF("at s12e1r, " TRY_IN);
	MUST_UNDEF("at s12e1w, " TRY_IN);
	MUST_UNDEF("at s1e2r, " TRY_IN);
	MUST_UNDEF("at s1e2w, " TRY_IN);
	MUST_UNDEF("at s1e3r, " TRY_IN);
	ATTACK(GROUP_OK(), "sysreg", "AT S12E1R/W, S1E2R/W, S1E3R UNDEF from EL1");
	{
		struct insn_try t;
		unsigned bad = 0;
		static const uint64_t ops[] = { 0, ~0ULL, 0xffff000000000000ULL, 0x40080000 >> 12 };

		for (unsigned i = 0; i < 4; i++) {
			TRY_INSN(&t, "tlbi vmalle1is\n tlbi vae1is, " TRY_IN "\n tlbi aside1is, " TRY_IN
				 "\n tlbi vaae1is, " TRY_IN "\n tlbi vale1is, " TRY_IN "\n tlbi vmalle1\n dsb ish",
				 0, ops[i]);
			bad += t.taken || !t.continued;
		}
		ATTACK(bad == 0, "sysreg", "EL1 TLB maintenance of every kind and operand is harmless");
	}
	{
		/*
		 * The PMU is the guest's: counters beyond PMCR_EL0.N (the last
		 * encoding, 30, unless the CPU has 31) and PMEVCNTR31 (no such
		 * counter) UNDEF; the EL2 filter never sticks.
		 */
		uint64_t n = (read_sysreg(pmcr_el0) >> 11) & 0x1f;

		GROUP_BEGIN();
		if (n < 31)
			RW_UNDEF("s3_3_c14_c11_6");	/* PMEVCNTR30_EL0 */
		if (n < 31)
			RW_UNDEF("s3_3_c14_c15_6");	/* PMEVTYPER30_EL0 */
		RW_UNDEF("s3_3_c14_c11_7");		/* PMEVCNTR31: not a register */
		MUST_UNDEF("msr s3_3_c9_c12_6, " TRY_V);	/* PMCEID0_EL0 is read-only */
		MUST_UNDEF("mrs " TRY_V ", s3_3_c9_c12_4");	/* PMSWINC_EL0 is write-only */
		write_sysreg((1ULL << 27) | (1ULL << 30), pmccfiltr_el0);	/* NSH: count at EL2 */
		isb();
		uint64_t cf = read_sysreg(pmccfiltr_el0);

		write_sysreg(0, pmccfiltr_el0);
		ATTACK(GROUP_OK() && !(cf & (1ULL << 27)), "sysreg",
		       "PMU: counters beyond PMCR_EL0.N UNDEF, the EL2 filter (NSH) never sticks");
	}
	GROUP_BEGIN();
	RW_UNDEF("s3_0_c9_c9_0");	/* PMSCR_EL1 */
	RW_UNDEF("s3_0_c9_c9_2");	/* PMSICR_EL1 */
	RW_UNDEF("s3_0_c9_c10_0");	/* PMBLIMITR_EL1 */
	RW_UNDEF("s3_0_c9_c10_1");	/* PMBPTR_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "statistical profiling (SPE) registers UNDEF");
	GROUP_BEGIN();
	RW_UNDEF("s3_0_c1_c2_1");	/* TRFCR_EL1 */
	RW_UNDEF("s2_1_c0_c1_0");	/* TRCPRGCTLR */
	RW_UNDEF("s3_0_c9_c11_0");	/* TRBLIMITR_EL1 */
	RW_UNDEF("s3_0_c9_c11_1");	/* TRBPTR_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "trace (ETM, TRBE, TRFCR) registers UNDEF");
	GROUP_BEGIN();
	RW_UNDEF("s3_3_c13_c2_0");	/* AMCR_EL0 */
	RW_UNDEF("s3_3_c13_c4_0");	/* AMEVCNTR00_EL0 */
	RW_UNDEF("s3_3_c13_c2_4");	/* AMCNTENSET0_EL0 */
	ATTACK(GROUP_OK(), "sysreg", "activity monitor (AMU) registers UNDEF");
	GROUP_BEGIN();
	RW_UNDEF("s3_0_c5_c3_1");	/* ERRSELR_EL1 */
	RW_UNDEF("s3_0_c5_c4_2");	/* ERXSTATUS_EL1 */
	RW_UNDEF("s3_0_c5_c4_1");	/* ERXCTLR_EL1 */
	MUST_UNDEF("mrs " TRY_V ", s3_0_c5_c3_0");	/* ERRIDR_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "RAS error-record registers UNDEF");
	GROUP_BEGIN();
	RW_UNDEF("s3_0_c10_c4_3");	/* LORC_EL1 */
	RW_UNDEF("s3_0_c10_c4_0");	/* LORSA_EL1 */
	RW_UNDEF("s3_0_c10_c5_0");	/* MPAM1_EL1 */
	RW_UNDEF("s3_0_c10_c4_1");	/* MPAM0_EL1 */
	ATTACK(GROUP_OK(), "sysreg", "LORegion and MPAM registers UNDEF");
	/*
	 * With CPACR_EL1.ZEN and SMEN open, the guest's own trap is out of the
	 * way: what stops SVE and SME is moat's CPTR_EL2.TZ/TSM, which must
	 * become an undefined-instruction exception.
	 */
	uint64_t cpacr = read_sysreg(cpacr_el1);

	write_sysreg(cpacr | (3ULL << 16) | (3ULL << 24), cpacr_el1);
	isb();
	GROUP_BEGIN();
	RW_UNDEF("s3_0_c1_c2_0");	/* ZCR_EL1 */
	RW_UNDEF("s3_0_c1_c2_6");	/* SMCR_EL1 */
	RW_UNDEF("s3_3_c4_c2_2");	/* SVCR */
	MUST_UNDEF(".inst 0x04bf5020");	/* RDVL x0, #1 */
	MUST_UNDEF(".inst 0xd503477f");	/* SMSTART */
	write_sysreg(cpacr, cpacr_el1);
	isb();
	ATTACK(GROUP_OK(), "sysreg", "SVE and SME controls and instructions UNDEF (CPACR_EL1 open)");
	/* PACIA is a NOP while SCTLR_EL1.EnIA is 0: turn it on so HCR_EL2.API is what stops it. */
	uint64_t sctlr = read_sysreg(sctlr_el1);

	write_sysreg(sctlr | (1ULL << 31), sctlr_el1);
	isb();
	GROUP_BEGIN();
	RW_UNDEF("s3_0_c2_c1_0");	/* APIAKEYLO_EL1 */
	RW_UNDEF("s3_0_c2_c3_0");	/* APGAKEYLO_EL1 */
	MUST_UNDEF(".inst 0xdac10230");	/* PACIA x16, x17 */
	MUST_UNDEF(".inst 0x9ad13210");	/* PACGA x16, x16, x17 */
	write_sysreg(sctlr, sctlr_el1);
	isb();
	ATTACK(GROUP_OK(), "sysreg", "pointer-authentication keys and instructions UNDEF (EnIA on)");
	/*
	 * IMPLEMENTATION DEFINED space (op0 3, CRn 11 and 15), trapped by
	 * HCR_EL2.TIDCP. QEMU 7.2 does not implement TIDCP and models a few
	 * Cortex-A57 registers there (CPUECTLR_EL1, L2CTLR_EL1, L2ECTLR_EL1 as
	 * inert constants), so only encodings it does not model are tried.
	 */
	GROUP_BEGIN();
	RW_UNDEF("s3_2_c15_c5_5");
	RW_UNDEF("s3_5_c15_c7_7");
	RW_UNDEF("s3_2_c11_c3_3");
	RW_UNDEF("s3_0_c15_c1_0");
	ATTACK(GROUP_OK(), "sysreg", "IMPLEMENTATION DEFINED encodings (CRn 11 and 15) UNDEF");
	{
		uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1), midr = read_sysreg(midr_el1);
		uint64_t mpidr = read_sysreg(mpidr_el1), pfr0 = read_sysreg(id_aa64pfr0_el1);

		GROUP_BEGIN();
		MUST_UNDEF("msr s3_0_c0_c7_0, " TRY_V);	/* ID_AA64MMFR0_EL1 */
		MUST_UNDEF("msr s3_0_c0_c4_0, " TRY_V);	/* ID_AA64PFR0_EL1 */
		MUST_UNDEF("msr s3_0_c0_c0_0, " TRY_V);	/* MIDR_EL1 */
		MUST_UNDEF("msr s3_0_c0_c0_5, " TRY_V);	/* MPIDR_EL1 */
		MUST_UNDEF("msr s3_0_c0_c3_7, " TRY_V);	/* unallocated ID space */
		ATTACK(GROUP_OK() && read_sysreg(id_aa64mmfr0_el1) == mmfr0 && read_sysreg(midr_el1) == midr &&
		       read_sysreg(mpidr_el1) == mpidr && read_sysreg(id_aa64pfr0_el1) == pfr0,
		       "sysreg", "writes to ID registers, MIDR and MPIDR UNDEF and change nothing");
	}
	debug_attacks();
	id_attacks();
	ATTACK(hvc_call(MOAT_HC_NOP, 0, 0, 0) == 0, "sysreg", "after all that, moat still answers");
	return 0;
}
