/* SPDX-License-Identifier: MIT */
/*
 * vm_memory_sync (src/core/vm_sync.c), called after moat loads a VM's
 * images at creation and on SYSTEM_RESET: the recorded sequence must be
 * the RAM cleaned to PoC, then IC IALLUIS; DSB ISH; ISB, then the VM's
 * stage-1+2 TLB entries dropped under its own VTTBR (VMID).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/vm.h"

/* A VM with 64 KiB of RAM at IPA 0x40000000 (in @ram) and VMID 7. */
static struct vm *test_vm(unsigned char *ram)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	vm->ram_ipa = ipa_init(0x40000000);
	vm->ram_pa = pa_init((u64)(uintptr_t)ram);
	vm->ram_size = 0x10000;
	vm->vmid = 7;
	vm->vttbr = (7ULL << 48) | 0x81234000ULL;
	return vm;
}

static void test_sequence(void **state)
{
	unsigned char *ram = calloc(1, 0x10000);
	struct vm *vm = test_vm(ram);
	const struct fake_event *e;

	(void)state;
	fake_hw_reset();
	vm_memory_sync(vm);
	if (fake_hw_count() != 5)
		fake_hw_dump();
	assert_int_equal(fake_hw_count(), 5);
	e = fake_hw_event(0);
	assert_int_equal(e->op, FAKE_DC_CVAC);
	assert_int_equal(e->addr, (u64)(uintptr_t)ram);
	assert_int_equal(e->val, 0x10000);
	assert_int_equal(fake_hw_event(1)->op, FAKE_IC_IALLUIS);
	e = fake_hw_event(2);
	assert_int_equal(e->op, FAKE_DSB);
	assert_string_equal(e->opt, "ish");
	assert_int_equal(fake_hw_event(3)->op, FAKE_ISB);
	e = fake_hw_event(4);
	assert_int_equal(e->op, FAKE_TLBI_VMALLS12E1IS);
	assert_int_equal(e->val, vm->vttbr);
	free(ram);
	free(vm);
}

/*
 * With FEAT_S2FWB every guest access to RAM is cacheable, MMU off or not:
 * only the kernel's code is cleaned (instruction fetches fill from the
 * PoU), not all of RAM.
 */
static void test_fwb_cleans_only_the_kernel(void **state)
{
	unsigned char *ram = calloc(1, 0x10000);
	struct vm *vm = test_vm(ram);
	const struct fake_event *e;

	(void)state;
	vm->hcr = HCR_EL2_FWB;
	vm->boot.entry = 0x40002000;
	vm->boot.kernel_size = 0x3000;
	fake_hw_reset();
	vm_memory_sync(vm);
	assert_int_equal(fake_hw_count(), 5);
	e = fake_hw_event(0);
	assert_int_equal(e->op, FAKE_DC_CVAC);
	assert_int_equal(e->addr, (u64)(uintptr_t)ram + 0x2000);
	assert_int_equal(e->val, 0x3000);
	assert_int_equal(fake_hw_event(1)->op, FAKE_IC_IALLUIS);
	assert_int_equal(fake_hw_event(4)->op, FAKE_TLBI_VMALLS12E1IS);
	free(ram);
	free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_fwb_cleans_only_the_kernel),
	};

	return cmocka_run_group_tests_name("vm_sync", tests, NULL, NULL);
}
