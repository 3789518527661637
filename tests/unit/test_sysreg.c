/* SPDX-License-Identifier: MIT */
/*
 * Trapped system registers (src/emul/sysreg.c): the ID-register
 * allowlist (which feature fields a guest may see, up to what), and the trap
 * table run on a vCPU struct: ID reads, the lazy debug-register trap
 * (core/debug.c on the fake CPU), the OS lock and double lock, ACTLR, writes to read-only registers and unknown registers
 * refused (UNDEF). The host build of sysreg.c asks the test for
 * read_id_hw(); vcpu_inject_undef() is a recording stub here.
 *
 * Encodings are written by hand as ESR_EL2.ISS fields for EC 0x18:
 * op0 21:20, op2 19:17, op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, read bit 0.
 * The allowlist is checked on a CPU with every field at 0xf (each field
 * not on it must read 0), on named hidden and kept features, and on
 * hand-worked values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/exit.h"
#include "core/vm.h"
#include "emul/at.h"
#include "core/sysreg_trap.h"
#include "lib/log.h"

#define ENC_PFR0	0x300008u	/* (3,0,0,4,0) ID_AA64PFR0_EL1 */
#define ENC_PFR1	0x320008u	/* (3,0,0,4,1) ID_AA64PFR1_EL1 */
#define ENC_ZFR0	0x380008u	/* (3,0,0,4,4) ID_AA64ZFR0_EL1 */
#define ENC_DFR0	0x30000au	/* (3,0,0,5,0) ID_AA64DFR0_EL1 */
#define ENC_DFR1	0x32000au	/* (3,0,0,5,1) ID_AA64DFR1_EL1 */
#define ENC_ISAR0	0x30000cu	/* (3,0,0,6,0) ID_AA64ISAR0_EL1 */
#define ENC_ISAR1	0x32000cu	/* (3,0,0,6,1) ID_AA64ISAR1_EL1 */
#define ENC_ISAR2	0x34000cu	/* (3,0,0,6,2) ID_AA64ISAR2_EL1 */
#define ENC_MMFR0	0x30000eu	/* (3,0,0,7,0) ID_AA64MMFR0_EL1 */
#define ENC_MMFR1	0x32000eu	/* (3,0,0,7,1) ID_AA64MMFR1_EL1 */
#define ENC_MMFR2	0x34000eu	/* (3,0,0,7,2) ID_AA64MMFR2_EL1 */
#define ENC_PFR0_32	0x300002u	/* (3,0,0,1,0) ID_PFR0_EL1 (AArch32 view) */
#define ENC_MDSCR	0x240004u	/* (2,0,0,2,2) MDSCR_EL1 */
#define ENC_OSLAR	0x280400u	/* (2,0,1,0,4) OSLAR_EL1 */
#define ENC_OSLSR	0x280402u	/* (2,0,1,1,4) OSLSR_EL1 */
#define ENC_OSDLR	0x280406u	/* (2,0,1,3,4) OSDLR_EL1 */
#define ENC_DBGPRCR	0x280408u	/* (2,0,1,4,4) DBGPRCR_EL1 */
#define ENC_DBGBVR5	0x28000au	/* (2,0,0,5,4) DBGBVR5_EL1 */
#define ENC_DBGBVR6	0x28000cu	/* (2,0,0,6,4) DBGBVR6_EL1 */
#define ENC_DBGWCR3	0x2e0006u	/* (2,0,0,3,7) DBGWCR3_EL1 */
#define ENC_DBGWCR4	0x2e0008u	/* (2,0,0,4,7) DBGWCR4_EL1 */
#define ENC_DBGWCR15	0x2e001eu	/* (2,0,0,15,7) DBGWCR15_EL1 */
#define ENC_ACTLR	0x320400u	/* (3,0,1,0,1) ACTLR_EL1 */
#define ENC_ID_CRM8	0x300010u	/* (3,0,0,8,0): outside the ID space */
#define ENC_IMPDEF	0x303c00u	/* (3,0,15,0,0): IMPLEMENTATION DEFINED */
#define ENC_SCTLR	0x300400u	/* (3,0,1,0,0) SCTLR_EL1: never trapped, not in the table */

#define ONES	0x1111111111111111ULL
/* MDCR_EL2.TDA (bit 9), TDOSA (bit 10) */
#define MDCR_TDA	(1ULL << 9)
#define MDCR_TDOSA	(1ULL << 10)

/* EC 0x18, IL 1. */
static u64 esr_sys(u32 enc, u32 rt, bool read)
{
	return 0x62000000ULL | enc | ((u64)rt << 5) | (read ? 1 : 0);
}

/* ---- sysreg_sanitise_id: the allowlist ---- */

/* The AArch64 ID space: op0 3, op1 0, CRn 0, CRm 1..7, op2 0..7, as an ISS encoding. */
static u32 enc_id(u32 crm, u32 op2)
{
	return (3u << 20) | (op2 << 17) | (crm << 1);
}

/*
 * A CPU with every field of every ID register at its maximum (0xf): each
 * field the allowlist names reads its cap (0xf if signed: not implemented),
 * every other field reads 0, not implemented. Fields are 4-bit aligned and
 * do not overlap.
 */
static void test_allowlist_every_field(void **state)
{
	(void)state;
	for (u32 crm = 1; crm <= 7; crm++) {
		for (u32 op2 = 0; op2 <= 7; op2++) {
			u32 enc = enc_id(crm, op2);
			u64 out = sysreg_sanitise_id(enc, ~0ULL), seen = 0;
			size_t nr;
			const struct id_field *f = sysreg_id_allowlist(enc, &nr);

			/* AArch32 ID registers (CRm 1..3) read 0: AArch32 is not offered. */
			if (crm <= 3)
				assert_int_equal(nr, 0);
			for (size_t i = 0; i < nr; i++) {
				u32 shift = (u32)__builtin_ctzll(f[i].mask);

				assert_int_equal(f[i].mask, 0xfULL << shift);
				assert_int_equal(shift % 4, 0);
				assert_int_equal(seen & f[i].mask, 0);
				seen |= f[i].mask;
				/* PMUVer 0xf is an IMPLEMENTATION DEFINED PMU, no PMUv3: it reads 0. */
				if (enc == ENC_DFR0 && shift == 8)
					assert_int_equal((out & f[i].mask) >> shift, 0);
				else
					assert_int_equal((out & f[i].mask) >> shift, f[i].sign ? 0xf : f[i].max);
			}
			assert_int_equal(out & ~seen, 0);
			/* A CPU with nothing implemented shows nothing. */
			assert_int_equal(sysreg_sanitise_id(enc, 0), 0);
		}
	}
}

#define NIB(v, lo) (((v) >> (lo)) & 0xf)

/* Features moat hides (docs/decisions.md), on a CPU that has all of them. */
static void test_hidden_features(void **state)
{
	static const struct { u32 crm, op2, lo; const char *what; } hidden[] = {
		{ 4, 0, 8, "EL2" }, { 4, 0, 28, "RAS" }, { 4, 0, 32, "SVE" }, { 4, 0, 36, "SEL2" },
		{ 4, 0, 40, "MPAM" }, { 4, 0, 44, "AMU" }, { 4, 0, 52, "RME" },
		{ 4, 1, 8, "MTE" }, { 4, 1, 16, "MPAM_frac" }, { 4, 1, 24, "SME" }, { 4, 1, 36, "NMI" },
		{ 4, 1, 44, "GCS" }, { 4, 1, 48, "THE" },
		{ 4, 2, 32, "FPMR" },
		{ 5, 0, 4, "TraceVer" }, { 5, 0, 32, "PMSVer" }, { 5, 0, 48, "MTPMU" },
		{ 5, 0, 40, "TraceFilt" }, { 5, 0, 44, "TraceBuffer" }, { 5, 0, 52, "BRBE" },
		{ 6, 0, 24, "TME" },
		{ 6, 1, 4, "APA" }, { 6, 1, 8, "API" }, { 6, 1, 24, "GPA" }, { 6, 1, 28, "GPI" },
		{ 6, 1, 60, "LS64" },
		{ 6, 2, 8, "GPA3" }, { 6, 2, 12, "APA3" }, { 6, 2, 24, "PAC_frac" },
		{ 6, 2, 32, "SYSREG_128" },
		{ 7, 0, 56, "FGT" },
		{ 7, 1, 4, "VMIDBits" }, { 7, 1, 8, "VH" }, { 7, 1, 16, "LO" }, { 7, 1, 40, "HCX" },
		{ 7, 2, 24, "NV" }, { 7, 2, 40, "FWB" }, { 7, 2, 56, "EVT" },
		{ 7, 3, 0, "TCRX" }, { 7, 3, 4, "SCTLRX" }, { 7, 3, 8, "S1PIE" }, { 7, 3, 16, "S1POE" },
	};
	static const u64 cpus[] = { ~0ULL, 0x1111111111111111ULL, 0x7777777777777777ULL };

	(void)state;
	for (size_t c = 0; c < sizeof(cpus) / sizeof(cpus[0]); c++) {
		for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
			u64 out = sysreg_sanitise_id(enc_id(hidden[i].crm, hidden[i].op2), cpus[c]);

			if (NIB(out, hidden[i].lo) != 0)
				fail_msg("%s visible: 0x%016llx", hidden[i].what, (unsigned long long)out);
		}
		/* Whole registers: SVE, SME, FP8 and the AArch32 view. */
		assert_int_equal(sysreg_sanitise_id(enc_id(4, 4), cpus[c]), 0);	/* ZFR0 */
		assert_int_equal(sysreg_sanitise_id(enc_id(4, 5), cpus[c]), 0);	/* SMFR0 */
		assert_int_equal(sysreg_sanitise_id(enc_id(4, 7), cpus[c]), 0);	/* FPFR0 */
		assert_int_equal(sysreg_sanitise_id(enc_id(1, 0), cpus[c]), 0);	/* ID_PFR0 */
		assert_int_equal(sysreg_sanitise_id(enc_id(3, 0), cpus[c]), 0);	/* MVFR0 */
		/* AArch64 only at EL0 and EL1, whatever the CPU supports. */
		assert_int_equal(NIB(sysreg_sanitise_id(enc_id(4, 0), cpus[c]), 0), 1);
		assert_int_equal(NIB(sysreg_sanitise_id(enc_id(4, 0), cpus[c]), 4), 1);
	}
}

/* What guests need stays: a QEMU "max"-like CPU, worked by hand. */
static void test_kept_features(void **state)
{
	(void)state;
	/*
	 * PFR0: EL0..EL3 AArch64+AArch32 (2), FP/AdvSIMD 1, GIC 1, RAS 1, SVE 1,
	 * DIT 1, CSV2 2, CSV3 1 -> EL0/EL1 1, EL2 0, EL3 1, FP, AdvSIMD, GIC,
	 * DIT, CSV2 capped at 1, CSV3.
	 */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR0, 0x1201000111112222ULL), 0x1101000001111011ULL);
	/* No FP, no AdvSIMD (signed 0xf): still not implemented. */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR0, 0x0000000000ff0011ULL), 0x0000000000ff0011ULL);
	/* PFR1: BT 1, SSBS 2 kept, MTE 3 and SME 1 hidden. */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR1, 0x0000000001000321ULL), 0x21);
	/* ISAR0: AES 2, SHA1, SHA2 2, CRC32, Atomic (LSE) 2, RDM, SHA3, SM3, SM4, DP, FHM, TS 2, RNDR. */
	assert_int_equal(sysreg_sanitise_id(ENC_ISAR0, 0x1021111110212120ULL), 0x1021111110212120ULL);
	/* DFR0: Armv8.4 debug, 6 BRPs, 4 WRPs, PMUv3p5 kept (core/pmu.c), SPE hidden. */
	assert_int_equal(sysreg_sanitise_id(ENC_DFR0, 0x0000000100305659ULL), 0x0000000000305609ULL);
	/* A PMU newer than PMUv3p5 is offered as PMUv3p5; an IMPLEMENTATION DEFINED one not at all. */
	assert_int_equal(sysreg_sanitise_id(ENC_DFR0, 0x809ULL), 0x609ULL);
	assert_int_equal(sysreg_sanitise_id(ENC_DFR0, 0xf09ULL), 0x009ULL);
	/* MMFR0: 48-bit PA, 16-bit ASID, 4K and 64K (0) granules, 16K (1). */
	assert_int_equal(sysreg_sanitise_id(ENC_MMFR0, 0x0000000000101125ULL), 0x0000000000101125ULL);
	/* No 4K granule (signed 0xf) stays absent. */
	assert_int_equal(sysreg_sanitise_id(ENC_MMFR0, 0x00000000f0000005ULL), 0x00000000f0000005ULL);
	/* A value above the cap is lowered to it: DebugVer 0xb -> 9, SSBS 3 -> 2. */
	assert_int_equal(sysreg_sanitise_id(ENC_DFR0, 0xbULL), 9);
	assert_int_equal(sysreg_sanitise_id(ENC_PFR1, 0x30ULL), 0x20);
}

/* ---- The trap table ---- */

/* The host build's hardware ID registers: a recognisable value per encoding. */
u64 read_id_hw(u32 enc);
u64 read_id_hw(u32 enc)
{
	/* Distinct per register, in nibbles 0 and 5, which no sanitised register hides. */
	return ONES ^ enc;
}

static unsigned int undef_count;

void vcpu_inject_undef(struct vcpu *v)
{
	(void)v;
	undef_count++;
}

/* Recording stand-in for the walker glue (the real path is in test_at_trap.c). */
static unsigned int at_calls;

bool at_trap_emulate(struct vcpu *v, enum at_op op, u64 va)
{
	(void)v;
	(void)op;
	(void)va;
	at_calls++;
	return true;
}

/* Recording stand-in for the vGIC glue. */
static unsigned int sgi_calls;
static bool sgi_group1;
static u64 sgi_val;

void vcpu_sgi_write(struct vcpu *v, bool group1, u64 val)
{
	(void)v;
	sgi_calls++;
	sgi_group1 = group1;
	sgi_val = val;
}

static char logbuf[2048];
static size_t loglen;

static void capture(const char *s, size_t n)
{
	if (loglen + n >= sizeof(logbuf))
		n = sizeof(logbuf) - 1 - loglen;
	memcpy(logbuf + loglen, s, n);
	loglen += n;
	logbuf[loglen] = 0;
}

struct fixture {
	struct vm *vm;
	struct vcpu *v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->vm = calloc(1, sizeof(*f->vm));
	strcpy(f->vm->name, "sysvm");
	f->v = &f->vm->vcpus[0];
	f->v->vm = f->vm;
	f->v->ctx.pc = 0x80001000;
	for (int i = 0; i < 31; i++)
		f->v->ctx.x[i] = 0xa0a0a0a000000000ULL | (u64)i;
	undef_count = 0;
	loglen = 0;
	logbuf[0] = 0;
	log_write = capture;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	log_write = NULL;
	free(f->vm);
	free(f);
	return 0;
}

static void test_emulate_id_read(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	/* MRS x3, ID_AA64PFR0_EL1: the hardware value through the allowlist. */
	assert_true(sysreg_emulate(v, esr_sys(ENC_PFR0, 3, true)));
	/*
	 * read_id_hw = ONES ^ 0x300008 = 0x1111111111211119: EL0 9 -> 1,
	 * EL2, RAS, SVE, SEL2, MPAM, AMU, RME -> 0, AdvSIMD 2 -> 1.
	 */
	assert_int_equal(v->ctx.x[3], 0x1101000001111011ULL);
	/* MRS x30, ID_AA64ISAR0_EL1 (ONES ^ 0x30000c): RES0 nibble 0 and TME cleared, Atomic 2 kept. */
	assert_true(sysreg_emulate(v, esr_sys(ENC_ISAR0, 30, true)));
	assert_int_equal(v->ctx.x[30], 0x1111111110211110ULL);
	/* Other registers and the PC untouched by sysreg_emulate. */
	assert_int_equal(v->ctx.x[2], 0xa0a0a0a000000002ULL);
	assert_int_equal(v->ctx.x[4], 0xa0a0a0a000000004ULL);
	assert_int_equal(v->ctx.pc, 0x80001000);
}

static void test_emulate_id_xzr_and_write(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;
	struct guest_ctx before = v->ctx;

	/* MRS xzr, ID_AA64PFR1_EL1: claimed, nothing written anywhere (x[31] would be the PC). */
	assert_true(sysreg_emulate(v, esr_sys(ENC_PFR1, 31, true)));
	assert_memory_equal(&v->ctx, &before, sizeof(before));
	/* MSR ID_AA64PFR0_EL1, x1: ID registers are read-only -> UNDEF. */
	assert_false(sysreg_emulate(v, esr_sys(ENC_PFR0, 1, false)));
	assert_memory_equal(&v->ctx, &before, sizeof(before));
	/* CRm 8 is outside the ID space, even with op0 3, op1 0, CRn 0. */
	assert_false(sysreg_emulate(v, esr_sys(ENC_ID_CRM8, 1, true)));
	assert_memory_equal(&v->ctx, &before, sizeof(before));
}

/* MDCR_EL2.TDA traps the first access: the registers go live, TDA is cleared, the guest retries. */
static void test_emulate_debug_lazy(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;
	struct guest_ctx before;

	fake_sysreg_reset();
	fake_write_sysreg("id_aa64dfr0_el1", 0x10305009);	/* 6 breakpoints, 4 watchpoints */
	fake_write_sysreg("mdcr_el2", MDCR_TDA | MDCR_TDOSA);
	debug_reset(&v->dbg);
	v->dbg.oslsr = 0x8;	/* unlocked */
	v->dbg.bvr[5] = 0x4000;
	before = v->ctx;
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_MDSCR, 5, false)), SYSREG_RETRY);
	assert_true(v->dbg.live);
	assert_int_equal(fake_read_sysreg("dbgbvr5_el1"), 0x4000);
	assert_int_equal(fake_read_sysreg("mdcr_el2"), MDCR_TDOSA);
	/* Nothing emulated: the registers and the PC are the guest's to retry with. */
	assert_memory_equal(&v->ctx, &before, sizeof(before));
	v->ctx.esr = esr_sys(ENC_DBGBVR5, 4, true);
	handle_sysreg(v);
	assert_int_equal(v->ctx.pc, 0x80001000);
	assert_int_equal(undef_count, 0);

	/* Breakpoint 6 and watchpoint 4 do not exist on this CPU: UNDEF, nothing loaded. */
	debug_reset(&v->dbg);
	v->dbg.oslsr = 0x8;
	fake_write_sysreg("mdcr_el2", MDCR_TDA | MDCR_TDOSA);
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_DBGBVR6, 4, true)), SYSREG_UNDEF);
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_DBGWCR4, 4, false)), SYSREG_UNDEF);
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_DBGWCR15, 4, true)), SYSREG_UNDEF);
	assert_false(v->dbg.live);
	assert_int_equal(fake_read_sysreg("mdcr_el2"), MDCR_TDA | MDCR_TDOSA);
	/* The last existing ones load. */
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_DBGWCR3, 4, true)), SYSREG_RETRY);
	assert_true(v->dbg.live);
}

/* While the OS lock is locked the registers stay out of the CPU and are emulated on the copy. */
static void test_emulate_debug_locked(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	fake_sysreg_reset();
	fake_write_sysreg("id_aa64dfr0_el1", 0x10305009);
	fake_write_sysreg("mdcr_el2", MDCR_TDA | MDCR_TDOSA);
	debug_reset(&v->dbg);	/* locked, as after reset */
	v->ctx.x[5] = 0x8000;	/* MDSCR_EL1.MDE */
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_MDSCR, 5, false)), SYSREG_DONE);
	assert_int_equal(v->dbg.mdscr, 0x8000);
	v->ctx.x[7] = 0x4008;
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_DBGBVR5, 7, false)), SYSREG_DONE);
	assert_int_equal(v->dbg.bvr[5], 0x4008);
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_DBGBVR5, 6, true)), SYSREG_DONE);
	assert_int_equal(v->ctx.x[6], 0x4008);
	assert_false(v->dbg.live);
	assert_int_equal(fake_read_sysreg("dbgbvr5_el1"), 0);
	assert_int_equal(fake_read_sysreg("mdcr_el2"), MDCR_TDA | MDCR_TDOSA);

	/* Unlocking with MDE set loads at once: the armed breakpoint works from the next instruction. */
	v->ctx.x[1] = 0;
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, false)), SYSREG_DONE);
	assert_true(v->dbg.live);
	assert_int_equal(fake_read_sysreg("dbgbvr5_el1"), 0x4008);
	assert_int_equal(fake_read_sysreg("mdscr_el1"), 0x8000);
	assert_int_equal(fake_read_sysreg("mdcr_el2"), MDCR_TDOSA);

	/* Locking again saves what the guest changed on the CPU and disarms it. */
	fake_write_sysreg("dbgbvr5_el1", 0x5000);
	v->ctx.x[1] = 1;
	assert_int_equal(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, false)), SYSREG_DONE);
	assert_false(v->dbg.live);
	assert_int_equal(v->dbg.bvr[5], 0x5000);
	assert_int_equal(fake_read_sysreg("mdscr_el1"), 0);
	assert_int_equal(fake_read_sysreg("mdcr_el2"), MDCR_TDA | MDCR_TDOSA);
}

/* SPE, TRBE and trace filter registers trap (TPMS, E2PB/E2TB = 0, TTRF) and no row claims them: UNDEF. */
static void test_spe_trace_undef(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;
	static const u32 regs[] = {
		0x302412u,	/* (3,0,9,9,0) PMSCR_EL1 */
		0x342412u,	/* (3,0,9,9,2) PMSICR_EL1 */
		0x302414u,	/* (3,0,9,10,0) PMBLIMITR_EL1 */
		0x322414u,	/* (3,0,9,10,1) PMBPTR_EL1 */
		0x362414u,	/* (3,0,9,10,3) PMBSR_EL1 */
		0x302416u,	/* (3,0,9,11,0) TRBLIMITR_EL1 */
		0x322416u,	/* (3,0,9,11,1) TRBPTR_EL1 */
		0x320404u,	/* (3,0,1,2,1) TRFCR_EL1 */
	};

	/* Even with a PMU, whose rows sit next to them. */
	fake_sysreg_reset();
	fake_write_sysreg("id_aa64dfr0_el1", (6ULL << 8) | (1ULL << 32) | (1ULL << 40) | (1ULL << 44));
	fake_write_sysreg("pmcr_el0", 6ULL << 11);
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		assert_int_equal(sysreg_emulate(v, esr_sys(regs[i], 1, true)), SYSREG_UNDEF);
		assert_int_equal(sysreg_emulate(v, esr_sys(regs[i], 1, false)), SYSREG_UNDEF);
	}
	/* ... whose own registers are claimed. */
	assert_int_equal(sysreg_emulate(v, esr_sys(0x30e418u, 1, true)), SYSREG_DONE);	/* PMCR_EL0 (3,3,9,12,0) */
}

static void test_emulate_actlr(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	v->ctx.x[7] = 0x123;
	assert_true(sysreg_emulate(v, esr_sys(ENC_ACTLR, 7, false)));
	assert_int_equal(v->sys.actlr, 0x123);
	assert_true(sysreg_emulate(v, esr_sys(ENC_ACTLR, 8, true)));
	assert_int_equal(v->ctx.x[8], 0x123);
}

static void test_emulate_os_lock(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	fake_sysreg_reset();
	fake_write_sysreg("id_aa64dfr0_el1", 0x10305009);	/* DoubleLock 0: implemented */
	debug_reset(&v->dbg);
	v->dbg.oslsr = 0x8;	/* OSLM = 0b10 (bit 3), OSLK clear */
	v->ctx.x[1] = 1;
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, false)));
	assert_int_equal(v->dbg.oslsr, 0xa);	/* OSLK (bit 1) set, OSLM kept */
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSLSR, 9, true)));
	assert_int_equal(v->ctx.x[9], 0xa);
	v->ctx.x[1] = 0xfffffffffffffffeULL;	/* only bit 0 of OSLAR matters */
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, false)));
	assert_int_equal(v->dbg.oslsr, 0x8);
	/* OSLAR is write-only, OSLSR read-only. */
	assert_false(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, true)));
	assert_false(sysreg_emulate(v, esr_sys(ENC_OSLSR, 1, false)));
	assert_int_equal(v->dbg.oslsr, 0x8);
	assert_false(debug_os_locked(&v->dbg));

	/* The double lock locks unless DBGPRCR_EL1.CORENPDRQ asks for powerdown emulation. */
	v->ctx.x[2] = 1;
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSDLR, 2, false)));
	assert_true(debug_os_locked(&v->dbg));
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSDLR, 3, true)));
	assert_int_equal(v->ctx.x[3], 1);
	assert_true(sysreg_emulate(v, esr_sys(ENC_DBGPRCR, 2, false)));
	assert_false(debug_os_locked(&v->dbg));
	/* Without FEAT_DoubleLock (field 0xf), OSDLR_EL1 is RAZ/WI. */
	debug_reset(&v->dbg);
	v->dbg.oslsr = 0x8;
	fake_write_sysreg("id_aa64dfr0_el1", 0xf010305009ULL);
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSDLR, 2, false)));
	assert_false(debug_os_locked(&v->dbg));
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSDLR, 3, true)));
	assert_int_equal(v->ctx.x[3], 0);
}

/* ICC_SGI1R_EL1 (3,0,12,11,5) and ICC_SGI0R_EL1 (3,2,12,11,7): write-only, go to the vGIC. */
static void test_emulate_sgi(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;
	u32 sgi1r = (3u << 20) | (5u << 17) | (0u << 14) | (12u << 10) | (11u << 1);
	u32 sgi0r = (3u << 20) | (7u << 17) | (2u << 14) | (12u << 10) | (11u << 1);

	sgi_calls = 0;
	v->ctx.x[7] = 0x0000000001000003ULL;	/* SGI 1 to Aff0 0 and 1 */
	assert_true(sysreg_emulate(v, (u64)sgi1r | (7u << 5)));
	assert_int_equal(sgi_calls, 1);
	assert_true(sgi_group1);
	assert_int_equal(sgi_val, 0x0000000001000003ULL);
	assert_true(sysreg_emulate(v, (u64)sgi0r | (7u << 5)));
	assert_int_equal(sgi_calls, 2);
	assert_false(sgi_group1);
	/* Reading them is UNDEFINED. */
	assert_false(sysreg_emulate(v, (u64)sgi1r | (7u << 5) | 1));
	assert_int_equal(sgi_calls, 2);
}

static void test_handle_sysreg(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	/* Handled: the PC moves past the MRS, no UNDEF. */
	v->ctx.esr = esr_sys(ENC_MMFR2, 2, true);
	handle_sysreg(v);
	assert_int_equal(v->ctx.pc, 0x80001004);
	assert_int_equal(undef_count, 0);
	/*
	 * ONES ^ 0x34000e = 0x111111111125111f: CnP 0xf, VARange 5, CCIDX 2
	 * capped at 1; NV, FWB, EVT and the unnamed nibble 11 cleared.
	 */
	assert_int_equal(v->ctx.x[2], 0x1011001110111111ULL);

	/* Unknown register: UNDEF injected, PC not advanced, one log line naming VM and encoding. */
	v->ctx.esr = esr_sys(ENC_IMPDEF, 2, true);
	handle_sysreg(v);
	assert_int_equal(undef_count, 1);
	assert_int_equal(v->ctx.pc, 0x80001004);
	assert_int_equal(v->ctx.x[2], 0x1011001110111111ULL);
	assert_non_null(strstr(logbuf, "sysvm"));
	assert_non_null(strstr(logbuf, "CRn=15"));
	assert_non_null(strstr(logbuf, "read"));

	/* Write to an ID register: UNDEF too. */
	v->ctx.esr = esr_sys(ENC_PFR0, 2, false);
	handle_sysreg(v);
	assert_int_equal(undef_count, 2);
	assert_int_equal(v->ctx.pc, 0x80001004);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowlist_every_field),
		cmocka_unit_test(test_hidden_features),
		cmocka_unit_test(test_kept_features),
		cmocka_unit_test_setup_teardown(test_emulate_id_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_id_xzr_and_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_debug_lazy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_debug_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spe_trace_undef, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_actlr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_os_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_sgi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_sysreg, setup, teardown),
	};

	return cmocka_run_group_tests_name("sysreg", tests, NULL, NULL);
}
