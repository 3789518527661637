/* SPDX-License-Identifier: MIT */
/*
 * vcpu_reset_regs: nothing of a vCPU's previous life survives a reset,
 * in particular a pending virtual SError (HCR_EL2.VSE, bit 8) and an
 * unlocked OS lock (OSLSR_EL1.OSLK, bit 1, is set again; OSLM bit 3 stays).
 * PSCI CPU_ON: the target's entry, context id and reset flag are written
 * before its power state, which is published with a store-release (the
 * fake records it, with the values the other fields had at that moment).
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
#include "core/psci.h"
#include "core/vm.h"

#define HCR_VSE (1ULL << 8)

/* Stubs for what vpsci.c calls besides the code under test. */
static unsigned int kicks;
static struct vcpu *kicked;

void vcpu_kick(struct vcpu *v)
{
	kicks++;
	kicked = v;
}

void vcpu_power_off(struct vcpu *v)
{
	(void)v;
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	(void)v;
}

void vm_stop(struct vm *vm, int status)
{
	(void)vm;
	(void)status;
}

void hosted_system_event(struct vm *vm, u32 type)
{
	(void)vm;
	(void)type;
}

bool hosted_ipa_is_ram(struct vm *vm, u64 ipa)
{
	(void)vm;
	(void)ipa;
	return false;
}

void vm_request_reset(struct vm *vm)
{
	(void)vm;
}

static struct vm *new_vm(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	vm->nr_vcpus = 2;
	vm->hcr = 0x80000001ULL;	/* RW | VM */
	vm->ram_ipa = ipa_init(0x40000000);
	vm->ram_size = 0x100000;
	for (u32 i = 0; i < 2; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].vmpidr = 0x80000000ULL | i;
		vm->vcpus[i].hcr = vm->hcr;
	}
	return vm;
}

static void test_reset_regs(void **state)
{
	struct vm *vm = new_vm();
	struct vcpu *v = &vm->vcpus[1];

	(void)state;
	for (int i = 0; i < 31; i++)
		v->ctx.x[i] = 0xdead0000ULL + (u64)i;
	v->ctx.pc = 0x1234;
	v->ctx.pstate = 0x3c0 | 0x5;
	v->hcr = vm->hcr | HCR_VSE;		/* a virtual SError the old guest never took */
	v->dbg.oslsr = 0x8;			/* OS lock unlocked by the old guest */
	v->dbg.mdscr = 0x8000;
	v->dbg.bvr[3] = 0x4000;			/* and a breakpoint armed */
	v->dbg.bcr[3] = 0x1e7;
	v->sys.actlr = 0x77;
	v->fp_live = true;
	v->ich_vmcr = 0xff;
	v->ich_ap1r[2] = 1;
	v->entry = 0x40080000;
	v->context_id = 0xc0ffee;

	vcpu_reset_regs(v);
	assert_int_equal(v->hcr, vm->hcr);
	assert_int_equal(v->dbg.oslsr, 0xa);
	assert_int_equal(v->dbg.mdscr, 0);
	assert_int_equal(v->dbg.bvr[3] | v->dbg.bcr[3], 0);
	assert_int_equal(v->sys.actlr, 0);
	assert_false(v->fp_live);
	assert_int_equal(v->ich_vmcr, 0);
	assert_int_equal(v->ich_ap1r[2], 0);
	assert_int_equal(v->ctx.pc, 0x40080000);
	assert_int_equal(v->ctx.x[0], 0xc0ffee);
	for (int i = 1; i < 31; i++)
		assert_int_equal(v->ctx.x[i], 0);
	assert_int_equal(v->ctx.pstate, 0x3c5);	/* EL1h, DAIF masked */
	free(vm);
}

static void test_cpu_on_publishes_with_release(void **state)
{
	struct vm *vm = new_vm();
	struct vcpu *v = &vm->vcpus[0], *t = &vm->vcpus[1];
	const struct fake_event *rel = NULL;

	(void)state;
	t->power = VCPU_OFF;
	v->ctx.x[0] = PSCI_CPU_ON_64;
	v->ctx.x[1] = 1;
	v->ctx.x[2] = 0x40001000;
	v->ctx.x[3] = 0x5555;
	fake_hw_reset();
	kicks = 0;
	assert_true(handle_psci(v));
	assert_int_equal((s64)v->ctx.x[0], PSCI_RET_SUCCESS);
	assert_int_equal(t->power, VCPU_ON);
	assert_int_equal(t->entry, 0x40001000);
	assert_int_equal(t->context_id, 0x5555);
	assert_true(t->reset);
	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == FAKE_STORE_RELEASE && e->addr == (u64)(uintptr_t)&t->power)
			rel = e;
	}
	assert_non_null(rel);
	assert_int_equal(rel->val, VCPU_ON);
	assert_int_equal(kicks, 1);
	assert_ptr_equal(kicked, t);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_regs),
		cmocka_unit_test(test_cpu_on_publishes_with_release),
	};

	return cmocka_run_group_tests_name("vcpu_reset", tests, NULL, NULL);
}
