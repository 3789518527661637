/* SPDX-License-Identifier: MIT */
/*
 * System-register traps. IMPLEMENTATION DEFINED registers (op0=3, CRn=11/15,
 * trapped to moat by HCR_EL2.TIDCP) are not emulated: moat must inject an
 * undefined-instruction exception that arrives at the guest's own vector
 * (VBAR_EL1 + 0x200) with ESR_EL1.EC = 0 (UNKNOWN), IL = 1 and ELR_EL1 = the
 * faulting instruction. ID registers (trapped by TID3) are readable and
 * sanitised: SVE and AMU hidden; unallocated ID-space encodings read as 0.
 */
#include "guest.h"

GUEST_PLAN(35);

/* Access the register with one instruction; report where it was and whether
 * execution went on after it. */
#define SYSREG_ACCESS(insn, pc, cont, val)					\
	__asm__ volatile("adr %0, 1f\n"						\
			 "1:	" insn "\n"					\
			 "	mov %1, #1\n"					\
			 : "=&r"(pc), "+r"(cont), "+r"(val) : : "memory")

static void expect_undef(const char *what, uint64_t pc, uint64_t cont)
{
	const struct exc_info *e = last_exception();
	bool taken = exception_taken();

	expect_none();
	check(taken, "%s: undefined-instruction exception taken", what);
	check(taken && e->vec == VEC_CUR_SPX_SYNC && ESR_EC(e->esr) == ESR_EC_UNKNOWN &&
	      (e->esr & ESR_IL) && ESR_ISS(e->esr) == 0,
	      "%s: at VBAR+0x200 with ESR EC=0 IL=1 (vector 0x%lx ESR 0x%lx)",
	      what, e->vec, e->esr);
	check(taken && e->elr == pc, "%s: ELR_EL1 = the instruction (0x%lx, ELR 0x%lx)",
	      what, pc, e->elr);
	check(cont == 1, "%s: execution continues after the handler", what);
}

#define UNDEF_CASE(insn, name)							\
	do {									\
		uint64_t pc, cont = 0, val = 0x1234;				\
		expect_exception();						\
		SYSREG_ACCESS(insn, pc, cont, val);				\
		expect_undef(name, pc, cont);					\
	} while (0)

uint64_t sysreg_id_every_rt(uint64_t out[31]);

int main(void)
{
	/* IMPLEMENTATION DEFINED registers: trapped by TIDCP, not emulated. */
	UNDEF_CASE("mrs %2, s3_0_c15_c0_0", "IMPDEF read mrs s3_0_c15_c0_0");
	UNDEF_CASE("msr s3_0_c15_c0_0, %2", "IMPDEF write msr s3_0_c15_c0_0");
	UNDEF_CASE("mrs %2, s3_7_c15_c15_7", "IMPDEF read mrs s3_7_c15_c15_7");
	UNDEF_CASE("mrs %2, s3_0_c11_c0_0", "IMPDEF read mrs s3_0_c11_c0_0");
	/* Writing an ID register is UNDEFINED by the architecture itself. */
	UNDEF_CASE("msr s3_0_c0_c4_0, %2", "ID register write msr ID_AA64PFR0_EL1");

	/* ID registers through TID3. */
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	uint64_t isar0 = read_sysreg(id_aa64isar0_el1);
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);

	printf("ID_AA64PFR0_EL1 0x%016lx PFR1 0x%016lx DFR0 0x%016lx (PMUVer %lu TraceVer %lu)\n",
	       pfr0, pfr1, dfr0, (dfr0 >> 8) & 0xf, (dfr0 >> 4) & 0xf);
	printf("ID_AA64ISAR0_EL1 0x%016lx MMFR0 0x%016lx\n", isar0, mmfr0);
	check(((pfr0 >> 32) & 0xf) == 0, "ID_AA64PFR0_EL1.SVE = 0 (SVE hidden): 0x%016lx", pfr0);
	check(((pfr0 >> 44) & 0xf) == 0, "ID_AA64PFR0_EL1.AMU = 0 (AMU hidden): 0x%016lx", pfr0);
	check((pfr0 & 0xf) != 0 && ((pfr0 >> 4) & 0xf) != 0,
	      "ID_AA64PFR0_EL1 shows EL0 and EL1 in AArch64: 0x%016lx", pfr0);
	check(read_sysreg(id_aa64pfr0_el1) == pfr0, "ID_AA64PFR0_EL1 reads the same twice");
	{
		/* Into every general register (moat's fast path writes Rt itself). */
		uint64_t out[31];
		uint64_t changed = sysreg_id_every_rt(out);
		unsigned same = 0;

		for (unsigned i = 0; i < 31; i++)
			same += out[i] == pfr0;
		check(same == 31 && changed == 0,
		      "ID_AA64PFR0_EL1 read into each of x0..x30 (and XZR): %u of 31 right, %lu other "
		      "registers changed", same, changed);
	}
	check((mmfr0 & 0xf) <= 6, "ID_AA64MMFR0_EL1.PARange valid: %lu", mmfr0 & 0xf);
	/* The allowlist: AArch64 only at EL0 (no AArch32 EL0), no EL2, nothing newer than moat knows. */
	check((pfr0 & 0xf) == 1, "ID_AA64PFR0_EL1.EL0 = 1 (AArch64 only): 0x%016lx", pfr0);
	check(((pfr0 >> 8) & 0xf) == 0, "ID_AA64PFR0_EL1.EL2 = 0 (no EL2 in a VM): 0x%016lx", pfr0);
	check(read_sysreg(s3_0_c0_c7_3) == 0, "ID_AA64MMFR3_EL1 = 0 (TCR2, SCTLR2, S1PIE, POE hidden)");
	check(read_sysreg(s3_0_c0_c1_0) == 0, "ID_PFR0_EL1 = 0 (no AArch32 state)");

	/* Unallocated encodings in the ID space are RAZ, not UNDEFINED. */
	{
		uint64_t pc, cont = 0, val = 0x1234;
		unsigned before = exceptions_seen();

		expect_exception();
		SYSREG_ACCESS("mrs %2, s3_0_c0_c3_7", pc, cont, val);
		expect_none();
		check(exceptions_seen() == before && val == 0,
		      "unallocated ID register s3_0_c0_c3_7 reads as 0 (got 0x%lx%s)", val,
		      exceptions_seen() != before ? ", exception taken" : "");
		val = 0x1234;
		before = exceptions_seen();
		expect_exception();
		SYSREG_ACCESS("mrs %2, s3_0_c0_c7_7", pc, cont, val);
		expect_none();
		check(exceptions_seen() == before && val == 0,
		      "unallocated ID register s3_0_c0_c7_7 reads as 0 (got 0x%lx%s)", val,
		      exceptions_seen() != before ? ", exception taken" : "");
	}

	uint64_t midr = read_sysreg(midr_el1);
	uint64_t mpidr = read_sysreg(mpidr_el1);

	printf("MIDR_EL1 0x%lx MPIDR_EL1 0x%lx\n", midr, mpidr);
	check(midr != 0 && (midr >> 32) == 0, "MIDR_EL1 readable and plausible: 0x%lx", midr);
	check((mpidr >> 31) & 1, "MPIDR_EL1 readable, RES1 bit 31 set: 0x%lx", mpidr);
	check((mpidr & 0xff00ffffffULL) == 0, "MPIDR_EL1 affinity of vCPU 0 is 0: 0x%lx", mpidr);
	return 0;
}
