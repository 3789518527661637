// SPDX-License-Identifier: MIT
/*
 * The FEAT_NV path: a guest's AT instruction trapped to EL2 (EC 0x18,
 * op0 = 1) goes through the system-register table to the software
 * stage-1 walker, which leaves the result in the guest's PAR_EL1 — here
 * the fake register store. QEMU 7.2 has no FEAT_NV, so this is where the
 * path is exercised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/esr.h"
#include "core/vm.h"
#include "core/sysreg_trap.h"

#define RAM 0x40000000ULL
#define RAM_SIZE 0x10000ULL

void vcpu_inject_undef(struct vcpu *v)
{
	(void)v;
}

u64 read_id_hw(u32 enc)
{
	(void)enc;
	return 0;
}

void vcpu_sgi_write(struct vcpu *v, bool group1, u64 val)
{
	(void)v;
	(void)group1;
	(void)val;
}

/* MSR-style encoding of a SYS instruction (AT): op0 1, op1 0, CRn 7. */
static u64 esr_at(u32 crm, u32 op2, u32 rt)
{
	return ((u64)0x18 << 26) | (1ULL << 25) | ((u64)1 << 20) | ((u64)op2 << 17) | (7u << 10) |
	       ((u64)rt << 5) | ((u64)crm << 1);
}

static struct vm *vm;
static u8 *ram;

static u64 *desc(u64 ipa)
{
	return (u64 *)(ram + (ipa - RAM));
}

static int setup(void **state)
{
	(void)state;
	vm = calloc(1, sizeof(*vm));
	ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	vm->ram_ipa = ipa_init(RAM);
	vm->ram_size = RAM_SIZE;
	vm->ram_pa = pa_init((u64)(uintptr_t)ram);
	vm->vcpus[0].vm = vm;
	vm->vcpus[0].ctx.pstate = 0x3c5;	/* EL1h, DAIF masked */

	/* 4 KiB granule, 39-bit VA (T0SZ 25): levels 1..3 from TTBR0 at RAM + 0x1000. */
	*desc(RAM + 0x1000) = (RAM + 0x2000) | 3;		/* L1[0] -> table */
	*desc(RAM + 0x2000) = (RAM + 0x3000) | 3;		/* L2[0] -> table */
	*desc(RAM + 0x3000 + 5 * 8) = (RAM + 0x5000) | (1 << 10) | (3 << 8) | 3;	/* L3[5]: page, AF, inner shareable */
	fake_write_sysreg("sctlr_el1", 1);			/* M */
	fake_write_sysreg("tcr_el1", 25);			/* T0SZ; EPD1 clear, TG0 4K, IPS 32-bit */
	fake_write_sysreg("ttbr0_el1", RAM + 0x1000);
	fake_write_sysreg("ttbr1_el1", 0);
	fake_write_sysreg("mair_el1", 0xff);
	fake_write_sysreg("id_aa64mmfr0_el1", 0);
	fake_write_sysreg("par_el1", 0xdead);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	free(vm);
	return 0;
}

static void test_at_s1e1r_maps(void **state)
{
	struct vcpu *v = &vm->vcpus[0];
	u64 par;

	(void)state;
	v->ctx.x[3] = 0x5123;
	assert_true(sysreg_emulate(v, esr_at(8, 0, 3)));
	par = fake_read_sysreg("par_el1");
	assert_int_equal(par & 1, 0);				/* F = 0 */
	assert_int_equal(par & 0xfffffffff000ULL, RAM + 0x5000);	/* PA */
	assert_int_equal(par >> 56, 0xff);			/* ATTR from MAIR index 0 */
	assert_int_equal((par >> 7) & 3, 3);			/* SH: inner shareable */
}

static void test_at_s1e1w_unmapped_faults(void **state)
{
	struct vcpu *v = &vm->vcpus[0];
	u64 par;

	(void)state;
	v->ctx.x[4] = 0x6000;	/* L3[6] is invalid */
	assert_true(sysreg_emulate(v, esr_at(8, 1, 4)));
	par = fake_read_sysreg("par_el1");
	assert_int_equal(par & 1, 1);				/* F = 1 */
	assert_int_equal((par >> 1) & 0x3f, 0x07);		/* FST: translation fault, level 3 */
	assert_int_equal((par >> 8) & 3, 0);			/* not a stage-2 fault (PTW = 0, S = 0) */
}

static void test_at_walk_outside_ram_is_stage2_fault(void **state)
{
	struct vcpu *v = &vm->vcpus[0];
	u64 par;

	(void)state;
	*desc(RAM + 0x2000 + 8) = 0x7000000ULL | 3;	/* L2[1] -> a table outside the VM's RAM */
	v->ctx.x[5] = 0x200000;
	assert_true(sysreg_emulate(v, esr_at(8, 0, 5)));
	par = fake_read_sysreg("par_el1");
	assert_int_equal(par & 1, 1);
	assert_int_equal((par >> 8) & 3, 3);			/* PTW = 1, S = 1 */
}

static void test_at_bad_encodings_undef(void **state)
{
	struct vcpu *v = &vm->vcpus[0];

	(void)state;
	fake_write_sysreg("par_el1", 0xdead);
	assert_false(sysreg_emulate(v, esr_at(9, 2, 3)));	/* CRm 9, op2 2: not an AT S1 op */
	assert_false(sysreg_emulate(v, esr_at(8, 4, 3)));	/* AT S12E1R: EL2 only */
	assert_int_equal(fake_read_sysreg("par_el1"), 0xdead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_at_s1e1r_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_s1e1w_unmapped_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_walk_outside_ram_is_stage2_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_bad_encodings_undef, setup, teardown),
	};

	return cmocka_run_group_tests_name("at_trap", tests, NULL, NULL);
}
