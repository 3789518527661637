// SPDX-License-Identifier: MIT
/*
 * A guest's trapped TLBI through the whole EL2 path on the host: the ESR
 * goes to handle_sysreg(), the TLBI row, core/tlbi_trap.c, and what would
 * be issued on the CPU is read back from the fake arch log: which TLBI,
 * with which operand, under which VTTBR, completed by which DSB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "arch/regs.h"
#include "core/esr.h"
#include "core/vm.h"
#include "core/exit.h"
#include "emul/at.h"
#include "core/sysreg_trap.h"

#define VTTBR 0x0005000040123000ULL	/* VMID 5 */
#define PC 0x40081000ULL

static unsigned int undef_count;

void vcpu_inject_undef(struct vcpu *v)
{
	(void)v;
	undef_count++;
}

u64 read_id_hw(u32 enc);
u64 read_id_hw(u32 enc)
{
	(void)enc;
	return 0;
}

bool at_trap_emulate(struct vcpu *v, enum at_op op, u64 va)
{
	(void)v;
	(void)op;
	(void)va;
	return false;
}

void vcpu_sgi_write(struct vcpu *v, bool group1, u64 val)
{
	(void)v;
	(void)group1;
	(void)val;
}

static struct vm *vm;
static struct vm_config cfg;
static struct vcpu *v;

/* The CPU shows everything: FEAT_TLBIOS + TLBIRANGE, XS, TTL, 16-bit ASIDs. */
static void all_features(void)
{
	fake_write_sysreg("id_aa64isar0_el1", FIELD_PREP(ID_AA64ISAR0_EL1_TLB, 2));
	fake_write_sysreg("id_aa64isar1_el1", FIELD_PREP(ID_AA64ISAR1_EL1_XS, 1));
	fake_write_sysreg("id_aa64mmfr0_el1", FIELD_PREP(ID_AA64MMFR0_EL1_ASIDBITS, 2));
	fake_write_sysreg("id_aa64mmfr2_el1", FIELD_PREP(ID_AA64MMFR2_EL1_TTL, 1));
	fake_write_sysreg("tcr_el1", TCR_EL1_AS);
}

static int setup(void **state)
{
	(void)state;
	vm = calloc(1, sizeof(*vm));
	strcpy(vm->name, "tlbivm");
	memset(&cfg, 0, sizeof(cfg));
	cfg.trap_tlbi = VM_TRAP_TLBI_PRECISE;
	vm->cfg = &cfg;
	vm->vttbr = VTTBR;
	vm->hcr = 0;
	v = &vm->vcpus[0];
	v->vm = vm;
	fake_sysreg_reset();
	all_features();
	fake_hw_reset();
	undef_count = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(vm);
	return 0;
}

/* Trap "sys #0, cCRn, cCRm, #op2, x7" with x7 = @operand (or SYSL with @read). */
static void trap(u32 crn, u32 crm, u32 op2, u64 operand, bool read)
{
	v->ctx.esr = ((u64)ESR_ELx_EC_SYS64 << 26) | ESR_ELx_IL | ESR_ELx_SYS64_REG(1, 0, crn, crm, op2) |
		     FIELD_PREP(ESR_ELx_SYS64_RT, 7) | (read ? ESR_ELx_SYS64_DIR : 0);
	v->ctx.x[7] = operand;
	v->ctx.pc = PC;
	fake_hw_reset();
	handle_sysreg(v);
}

/* The trap was emulated: exactly one TLBI (by encoding) with @arg under the VM's VTTBR, then DSB @dom. */
static void assert_replayed(u32 crn, u32 crm, u32 op2, u64 arg, const char *dom)
{
	assert_int_equal(undef_count, 0);
	assert_int_equal(v->ctx.pc, PC + 4);
	assert_int_equal(fake_hw_count(), 2);
	assert_int_equal(fake_hw_event(0)->op, FAKE_TLBI_EL1);
	assert_int_equal(fake_hw_event(0)->level, crn << 8 | crm << 4 | op2);
	assert_int_equal(fake_hw_event(0)->addr, arg);
	assert_int_equal(fake_hw_event(0)->val, VTTBR);
	assert_int_equal(fake_hw_event(1)->op, FAKE_DSB);
	assert_string_equal(fake_hw_event(1)->opt, dom);
}

/* Precise: the same instruction, same shareability, sanitised operand. */
static void test_precise_replays_as_issued(void **state)
{
	(void)state;
	trap(8, 3, 1, 0xabcd00000012345ULL | 0xf000ULL << 32, false);	/* VAE1IS */
	assert_replayed(8, 3, 1, 0xabcd00000012345ULL | 0xf000ULL << 32, "ish");
	trap(8, 1, 2, 0x1234ffffffffffffULL, false);			/* ASIDE1OS: [47:0] RES0 */
	assert_replayed(8, 1, 2, 0x1234000000000000ULL, "osh");
	trap(9, 2, 7, 0xffff000000000042ULL | FIELD_PREP(TLBI_RANGE_TG, 1), false);	/* RVAALE1ISnXS */
	assert_replayed(9, 2, 7, 0x42 | FIELD_PREP(TLBI_RANGE_TG, 1), "ish");
	trap(8, 7, 0, 0xdead, false);					/* VMALLE1: operand ignored */
	assert_replayed(8, 7, 0, 0, "nsh");
	trap(8, 6, 5, FIELD_PREP(TLBI_RANGE_TG, 2) | 7, false);		/* RVALE1 */
	assert_replayed(8, 6, 5, FIELD_PREP(TLBI_RANGE_TG, 2) | 7, "nsh");
	assert_int_equal(vm->tlbi.stats.op[TLBI_VAE1], 1);
	assert_int_equal(vm->tlbi.stats.op[TLBI_ASIDE1], 1);
	assert_int_equal(vm->tlbi.stats.op[TLBI_RVAALE1], 1);
	assert_int_equal(vm->tlbi.stats.op[TLBI_VMALLE1], 1);
	assert_int_equal(vm->tlbi.stats.op[TLBI_RVALE1], 1);
	assert_int_equal(vm->tlbi.stats.undef, 0);
}

/* Precise operand masking follows the guest's TCR_EL1.AS and the features it is shown. */
static void test_precise_masks_by_context(void **state)
{
	(void)state;
	fake_write_sysreg("tcr_el1", 0);	/* 8-bit ASIDs */
	trap(8, 3, 5, 0xabcdULL << 48 | 0x77, false);			/* VALE1IS */
	assert_replayed(8, 3, 5, 0xcdULL << 48 | 0x77, "ish");
	fake_write_sysreg("id_aa64mmfr2_el1", 0);	/* no FEAT_TTL: TTL is RES0 */
	vm->tlbi.id_ready = false;	/* a CPU without it: moat reads ID registers once per VM */
	trap(8, 3, 3, 0x6ULL << 44 | 0x99, false);			/* VAAE1IS */
	assert_replayed(8, 3, 3, 0x99, "ish");
	/* A range with the reserved TG 0 becomes VMALLE1 of the same shareability. */
	trap(8, 5, 1, 0x1234, false);					/* RVAE1OS */
	assert_replayed(8, 1, 0, 0, "osh");
}

/* With HCR_EL2.FB the CPU would have broadcast a non-shareable TLBI: so does the replay. */
static void test_precise_force_broadcast(void **state)
{
	(void)state;
	vm->hcr = HCR_EL2_FB;
	trap(8, 7, 1, 0x55, false);					/* VAE1 */
	assert_replayed(8, 3, 1, 0x55, "ish");
	trap(9, 6, 3, FIELD_PREP(TLBI_RANGE_TG, 3), false);		/* RVAAE1nXS */
	assert_replayed(9, 2, 3, FIELD_PREP(TLBI_RANGE_TG, 3), "ish");
	trap(8, 1, 0, 0, false);					/* VMALLE1OS stays OS */
	assert_replayed(8, 1, 0, 0, "osh");
}

/* Safe: every form, whatever its operand, is one VMALLE1IS for the VM, completed by DSB ISH. */
static void test_safe_everything_is_vmalle1is(void **state)
{
	static const u8 forms[][3] = { { 8, 7, 1 }, { 8, 3, 2 }, { 8, 1, 3 }, { 9, 7, 5 }, { 8, 2, 7 },
				       { 9, 5, 1 }, { 8, 6, 3 }, { 8, 3, 0 } };

	(void)state;
	cfg.trap_tlbi = VM_TRAP_TLBI_SAFE;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		trap(forms[i][0], forms[i][1], forms[i][2], ~0ULL, false);
		assert_int_equal(undef_count, 0);
		assert_int_equal(v->ctx.pc, PC + 4);
		assert_int_equal(fake_hw_count(), 2);
		assert_int_equal(fake_hw_event(0)->op, FAKE_TLBI_VMALLE1IS);
		assert_int_equal(fake_hw_event(0)->val, VTTBR);
		assert_int_equal(fake_hw_event(1)->op, FAKE_DSB);
		assert_string_equal(fake_hw_event(1)->opt, "ish");
	}
	assert_int_equal(vm->tlbi.stats.op[TLBI_VAE1], 1);
	assert_int_equal(vm->tlbi.stats.op[TLBI_VMALLE1], 1);
	assert_int_equal(vm->tlbi.stats.op[TLBI_RVAE1], 1);
}

/* Forms the guest is not shown, reserved encodings and SYSL: UNDEF, nothing issued, PC unchanged. */
static void test_undef(void **state)
{
	static const u8 forms[][3] = { { 8, 1, 0 }, { 8, 2, 1 }, { 9, 7, 0 }, { 8, 5, 7 }, { 9, 3, 1 } };
	static const u8 reserved[][3] = { { 8, 3, 4 }, { 8, 3, 6 }, { 8, 2, 0 }, { 8, 4, 0 }, { 9, 0, 0 } };
	unsigned int n = 0;

	(void)state;
	fake_write_sysreg("id_aa64isar0_el1", 0);
	fake_write_sysreg("id_aa64isar1_el1", 0);
	vm->tlbi.id_ready = false;
	for (int safe = 0; safe < 2; safe++) {
		cfg.trap_tlbi = safe ? VM_TRAP_TLBI_SAFE : VM_TRAP_TLBI_PRECISE;
		for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
			trap(forms[i][0], forms[i][1], forms[i][2], 0, false);
			assert_int_equal(undef_count, ++n);
			assert_int_equal(v->ctx.pc, PC);
			assert_int_equal(fake_hw_count(), 0);
		}
		for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
			trap(reserved[i][0], reserved[i][1], reserved[i][2], 0, false);
			assert_int_equal(undef_count, ++n);
			assert_int_equal(fake_hw_count(), 0);
		}
		trap(8, 3, 0, 0, true);		/* SYSL x7, #0, c8, c3, #0 */
		assert_int_equal(undef_count, ++n);
		assert_int_equal(fake_hw_count(), 0);
	}
	/* The plain IS form is still there. */
	trap(8, 3, 0, 0, false);
	assert_int_equal(undef_count, n);
	assert_int_equal(vm->tlbi.stats.undef, 2 * (5 + 5));
}

static void test_hcr_bits(void **state)
{
	(void)state;
	assert_int_equal(tlbi_trap_hcr(VM_TRAP_TLBI_OFF), 0);
	fake_write_sysreg("id_aa64mmfr2_el1", FIELD_PREP(ID_AA64MMFR2_EL1_EVT, 1));
	assert_int_equal(tlbi_trap_hcr(VM_TRAP_TLBI_PRECISE), HCR_EL2_TTLB);
	assert_int_equal(tlbi_trap_hcr(VM_TRAP_TLBI_SAFE), HCR_EL2_TTLB);
	/* FEAT_EVT with TTLBxS: the IS and OS traps too (HCR_EL2 bits 54, 55). */
	fake_write_sysreg("id_aa64mmfr2_el1", FIELD_PREP(ID_AA64MMFR2_EL1_EVT, 2));
	assert_int_equal(tlbi_trap_hcr(VM_TRAP_TLBI_SAFE), HCR_EL2_TTLB | BIT(54) | BIT(55));
	assert_int_equal(tlbi_trap_hcr(VM_TRAP_TLBI_OFF), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_precise_replays_as_issued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precise_masks_by_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precise_force_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safe_everything_is_vmalle1is, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undef, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hcr_bits, setup, teardown),
	};
	return cmocka_run_group_tests_name("tlbi_trap", tests, NULL, NULL);
}
