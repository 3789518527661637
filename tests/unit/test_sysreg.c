/* SPDX-License-Identifier: MIT */
/*
 * Trapped system registers (src/emul/sysreg.c): the ID-register
 * sanitisation (which feature fields a guest must not see), and the trap
 * table run on a vCPU struct: ID reads, MDSCR/OSLAR/OSLSR/ACTLR state, RAZ/WI
 * debug registers, writes to read-only registers and unknown registers
 * refused (UNDEF). The host build of sysreg.c asks the test for
 * read_id_hw(); vcpu_inject_undef() is a recording stub here.
 *
 * Encodings are written by hand as ESR_EL2.ISS fields for EC 0x18:
 * op0 21:20, op2 19:17, op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, read bit 0.
 * Expected values use a hardware value with every 4-bit field set to 1
 * (0x1111111111111111), so each hidden field shows as a 0 nibble.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/exit.h"
#include "core/vm.h"
#include "emul/at.h"
#include "emul/sysreg.h"
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
#define ENC_DBGBVR5	0x28000au	/* (2,0,0,5,4) DBGBVR5_EL1 */
#define ENC_DBGWCR15	0x2e001eu	/* (2,0,0,15,7) DBGWCR15_EL1 */
#define ENC_ACTLR	0x320400u	/* (3,0,1,0,1) ACTLR_EL1 */
#define ENC_ID_CRM8	0x300010u	/* (3,0,0,8,0): outside the ID space */
#define ENC_IMPDEF	0x303c00u	/* (3,0,15,0,0): IMPLEMENTATION DEFINED */
#define ENC_SCTLR	0x300400u	/* (3,0,1,0,0) SCTLR_EL1: never trapped, not in the table */

#define ONES	0x1111111111111111ULL

/* EC 0x18, IL 1. */
static u64 esr_sys(u32 enc, u32 rt, bool read)
{
	return 0x62000000ULL | enc | ((u64)rt << 5) | (read ? 1 : 0);
}

/* ---- sysreg_sanitise_id ---- */

static void test_sanitise_pfr0(void **state)
{
	(void)state;
	/*
	 * Hidden: RAS 31:28, SVE 35:32, SEL2 39:36, MPAM 43:40, AMU 47:44,
	 * RME 55:52. Kept: EL0..EL3, FP, AdvSIMD, GIC, DIT 51:48, CSV2, CSV3.
	 */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR0, ONES), 0x1101000001111111ULL);
	assert_int_equal(sysreg_sanitise_id(ENC_PFR0, ~0ULL), 0xff0f00000fffffffULL);
	/* A QEMU "max"-like value: EL0-3 AArch64 (1), FP/AdvSIMD 1, GIC 1, RAS 1, SVE 1, DIT 1, CSV2/3. */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR0, 0x1101000111111111ULL), 0x1101000001111111ULL);
}

static void test_sanitise_pfr1(void **state)
{
	(void)state;
	/* Hidden: MTE 11:8, MPAM_frac 19:16, SME 27:24, NMI 39:36. Kept: BT, SSBS, RAS_frac, CSV2_frac... */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR1, ONES), 0x1111110110101011ULL);
	assert_int_equal(sysreg_sanitise_id(ENC_PFR1, 0x0000000000000021ULL), 0x21);	/* BT, SSBS */
	assert_int_equal(sysreg_sanitise_id(ENC_PFR1, 0x0000001001000321ULL), 0x21);	/* + NMI, SME, MTE 3 */
}

static void test_sanitise_dfr0(void **state)
{
	(void)state;
	/*
	 * Hidden: TraceVer 7:4, PMUVer 11:8, PMSVer (SPE) 35:32, TraceFilt 43:40,
	 * TraceBuffer 47:44, BRBE 55:52. Kept: DebugVer, BRPs, WRPs, CTX_CMPs, DoubleLock...
	 */
	assert_int_equal(sysreg_sanitise_id(ENC_DFR0, ONES), 0x1101001011111001ULL);
	/* Armv8.4 debug (DebugVer 9), 6 BRPs, 4 WRPs, PMUv3p5 (6), SPE 1: only debug remains. */
	assert_int_equal(sysreg_sanitise_id(ENC_DFR0, 0x0000000100305659ULL), 0x0000000000305009ULL);
}

static void test_sanitise_pauth(void **state)
{
	(void)state;
	/* ISAR1: APA 7:4, API 11:8, GPA 27:24, GPI 31:28 hidden; DPB, JSCVT, FCMA, LRCPC... kept. */
	assert_int_equal(sysreg_sanitise_id(ENC_ISAR1, ONES), 0x1111111100111001ULL);
	/* ISAR2: GPA3 11:8, APA3 15:12 hidden; WFxT, RPRES, MOPS, BC... kept. */
	assert_int_equal(sysreg_sanitise_id(ENC_ISAR2, ONES), 0x1111111111110011ULL);
}

static void test_sanitise_mmfr(void **state)
{
	(void)state;
	/* MMFR1: VH 11:8 and LO 19:16 hidden; HAFDBS, VMIDBits, HPDS, PAN... kept. */
	assert_int_equal(sysreg_sanitise_id(ENC_MMFR1, ONES), 0x1111111111101011ULL);
	/* MMFR2: NV 27:24 hidden; FWB, CnP, UAO... kept. */
	assert_int_equal(sysreg_sanitise_id(ENC_MMFR2, ONES), 0x1111111110111111ULL);
	assert_int_equal(sysreg_sanitise_id(ENC_MMFR2, 0x0000000002000000ULL), 0);	/* NV2 */
}

static void test_sanitise_others_unchanged(void **state)
{
	static const u32 encs[] = {
		ENC_ZFR0, ENC_DFR1, ENC_ISAR0, ENC_MMFR0, ENC_PFR0_32, ENC_MDSCR, ENC_ACTLR, ENC_SCTLR,
		/* PFR0 with a different op1 / CRn: not PFR0. */
		0x304008u, 0x300408u, 0,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		assert_int_equal(sysreg_sanitise_id(encs[i], ONES), ONES);
		assert_int_equal(sysreg_sanitise_id(encs[i], ~0ULL), ~0ULL);
		assert_int_equal(sysreg_sanitise_id(encs[i], 0x0123456789abcdefULL), 0x0123456789abcdefULL);
	}
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

	/* MRS x3, ID_AA64PFR0_EL1: the hardware value with SVE/RAS/... hidden. */
	assert_true(sysreg_emulate(v, esr_sys(ENC_PFR0, 3, true)));
	/* read_id_hw = ONES ^ 0x300008 = 0x1111111111211119 -> nibbles 13, 11..7 cleared. */
	assert_int_equal(v->ctx.x[3], 0x1101000001211119ULL);
	/* MRS x30, ID_AA64ISAR0_EL1: unchanged (ONES ^ 0x30000c). */
	assert_true(sysreg_emulate(v, esr_sys(ENC_ISAR0, 30, true)));
	assert_int_equal(v->ctx.x[30], 0x111111111121111dULL);
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

static void test_emulate_mdscr_actlr(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	v->ctx.x[5] = 0x8000;	/* MDSCR_EL1.MDE */
	assert_true(sysreg_emulate(v, esr_sys(ENC_MDSCR, 5, false)));
	assert_int_equal(v->mdscr, 0x8000);
	assert_true(sysreg_emulate(v, esr_sys(ENC_MDSCR, 6, true)));
	assert_int_equal(v->ctx.x[6], 0x8000);
	/* MSR MDSCR_EL1, xzr writes 0. */
	assert_true(sysreg_emulate(v, esr_sys(ENC_MDSCR, 31, false)));
	assert_int_equal(v->mdscr, 0);

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

	v->oslsr = 0x8;	/* OSLM = 0b10 (bit 3), OSLK clear */
	v->ctx.x[1] = 1;
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, false)));
	assert_int_equal(v->oslsr, 0xa);	/* OSLK (bit 1) set, OSLM kept */
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSLSR, 9, true)));
	assert_int_equal(v->ctx.x[9], 0xa);
	v->ctx.x[1] = 0xfffffffffffffffeULL;	/* only bit 0 of OSLAR matters */
	assert_true(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, false)));
	assert_int_equal(v->oslsr, 0x8);
	/* OSLAR is write-only, OSLSR read-only. */
	assert_false(sysreg_emulate(v, esr_sys(ENC_OSLAR, 1, true)));
	assert_false(sysreg_emulate(v, esr_sys(ENC_OSLSR, 1, false)));
	assert_int_equal(v->oslsr, 0x8);
}

static void test_emulate_raz_wi(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = f->v;

	assert_true(sysreg_emulate(v, esr_sys(ENC_DBGBVR5, 4, false)));
	assert_true(sysreg_emulate(v, esr_sys(ENC_DBGBVR5, 4, true)));
	assert_int_equal(v->ctx.x[4], 0);
	assert_true(sysreg_emulate(v, esr_sys(ENC_DBGWCR15, 10, true)));
	assert_int_equal(v->ctx.x[10], 0);
	assert_int_equal(v->ctx.x[11], 0xa0a0a0a00000000bULL);
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
	/* ONES ^ 0x34000e = 0x111111111125111f, with NV (27:24) cleared. */
	assert_int_equal(v->ctx.x[2], 0x111111111025111fULL);

	/* Unknown register: UNDEF injected, PC not advanced, one log line naming VM and encoding. */
	v->ctx.esr = esr_sys(ENC_IMPDEF, 2, true);
	handle_sysreg(v);
	assert_int_equal(undef_count, 1);
	assert_int_equal(v->ctx.pc, 0x80001004);
	assert_int_equal(v->ctx.x[2], 0x111111111025111fULL);
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
		cmocka_unit_test(test_sanitise_pfr0),
		cmocka_unit_test(test_sanitise_pfr1),
		cmocka_unit_test(test_sanitise_dfr0),
		cmocka_unit_test(test_sanitise_pauth),
		cmocka_unit_test(test_sanitise_mmfr),
		cmocka_unit_test(test_sanitise_others_unchanged),
		cmocka_unit_test_setup_teardown(test_emulate_id_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_id_xzr_and_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_mdscr_actlr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_os_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_raz_wi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emulate_sgi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_sysreg, setup, teardown),
	};

	return cmocka_run_group_tests_name("sysreg", tests, NULL, NULL);
}
