// SPDX-License-Identifier: MIT
/*
 * The host calls' life cycle and memory (src/core/hosted.c) on the real
 * ownership code (src/mm/owner.c) and page tables: argument checks, the
 * donation, mapping (protected: donated; otherwise shared), all-or-nothing
 * on error, destroy refused while a vCPU runs, and create + map + destroy
 * leaving the host's page count and the checker as they were. The "RAM"
 * is one malloc'd buffer: its addresses are the physical addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/el2_config.h"
#include "core/hosted.h"
#include "lib/err.h"
#include "lib/log.h"
#include "mm/hyp_mm.h"
#include "test_pgtable_model.h"

#define MMFR0_PA48	5
#define RAM_SIZE	(64ULL << 20)
#define G_IPA		0x40000000ULL

/* ---- Stubs for what hosted.c calls outside its own memory work ---- */
struct page_alloc hyp_pages;
static struct el2_config el2_cfg;
static unsigned int spi_calls, stops;
static u32 spi_intid;

const struct el2_config *vcpu_el2_config(void)
{
	return &el2_cfg;
}

u16 vm_first_free_vmid(void)
{
	return 3;	/* two static VMs and the host before */
}

int vm_init_hosted(struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].power = VCPU_OFF;
	}
	return 0;
}

void vm_set_spi_level(struct vm *vm, u32 intid, bool level)
{
	(void)vm;
	(void)level;
	spi_calls++;
	spi_intid = intid;
}

void vm_stop(struct vm *vm, int status)
{
	(void)status;
	stops++;
	vm->stopped = true;
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].power = VCPU_STOPPED;
}

/*
 * The world switch (core/vcpu.c) as far as the host calls see it: the
 * guest runs @script (its exits, calling the real exit recorders), then
 * the run ends with the reason hosted_exit_reason gives.
 */
static void (*script)(struct vcpu *v);
static bool guest_pending;
static unsigned int aborts;

u32 vcpu_run_hosted(struct vcpu *v, struct vcpu *h)
{
	(void)h;
	v->host_exit = 0;
	v->reset = false;
	if (v->power == VCPU_ON && script)
		script(v);
	return hosted_exit_reason(v);
}

bool vgic_vcpu_pending(struct vgic *g, u32 vcpu)
{
	(void)g;
	(void)vcpu;
	return guest_pending;
}

void vcpu_inject_ext_abort(struct vcpu *v, u64 far, bool instruction)
{
	(void)v;
	(void)far;
	(void)instruction;
	aborts++;
}

/* ---- The machine: one RAM bank, the host, its vCPU ---- */
static u8 *ram;
static u64 ram_pa;
static struct mem_host hmem;
static struct vm host, other;
static struct vcpu hvcpu, ovcpu;
static u64 scrubs;

static void scrub(u64 pa, u64 size, void *arg)
{
	(void)arg;
	scrubs++;
	memset((void *)(uintptr_t)pa, 0, size);
}

static int setup(void **state)
{
	struct plat_range bank;

	(void)state;
	talloc_reset();
	fake_hw_reset();
	fake_write_sysreg("id_aa64mmfr0_el1", MMFR0_PA48);
	assert_int_equal(posix_memalign((void **)&ram, SZ_2M, RAM_SIZE), 0);
	memset(ram, 0xa5, RAM_SIZE);
	ram_pa = (u64)(uintptr_t)ram;
	bank = (struct plat_range){ ram_pa, RAM_SIZE };
	assert_int_equal(mem_host_init(&hmem, MMFR0_PA48, &bank, 1, &test_mm, 0, 1), 0);
	hmem.scrub = scrub;
	memset(&host, 0, sizeof(host));
	strcpy(host.name, "host");
	host.host = &hmem;
	hvcpu = (struct vcpu){ .vm = &host };
	memset(&other, 0, sizeof(other));
	strcpy(other.name, "static");
	ovcpu = (struct vcpu){ .vm = &other };
	spi_calls = stops = aborts = 0;
	scrubs = 0;
	script = NULL;
	guest_pending = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(hosted_mem_stats(&host, MOAT_STAT_VMS), 0);
	pgt_destroy(&hmem.pgt);
	assert_int_equal(talloc.live, 0);
	free(ram);
	return 0;
}

static void check_ok(void)
{
	struct mem_check_report rep = { 0 };

	if (mem_check(&hmem, &rep))
		fail_msg("checker: %s at 0x%llx (VM %u)", rep.what, (unsigned long long)rep.addr, rep.guest);
}

/* Page @n of the RAM bank. */
static u64 pg(u64 n)
{
	return ram_pa + n * PAGE_SIZE;
}

static s64 call(struct vcpu *v, u64 x0, u64 x1, u64 x2, u64 x3, u64 x4)
{
	v->ctx.x[0] = x0;
	v->ctx.x[1] = x1;
	v->ctx.x[2] = x2;
	v->ctx.x[3] = x3;
	v->ctx.x[4] = x4;
	return hosted_call(v);
}

#define DON_PAGES	(hosted_donation_pages(2, 16ULL << 20))
/* Donations from page 0 up (each VM its own), guest pages from the bank's second half. */
static u64 don_pa(u32 i)
{
	return pg(i * DON_PAGES);
}

#define GUEST_PG0	(RAM_SIZE / PAGE_SIZE / 2)

static s64 create(u32 i, bool prot)
{
	return hosted_vm_create(&host, MOAT_VM_CFG(2, 40, prot ? MOAT_VM_PROTECTED : 0), don_pa(i),
				DON_PAGES);
}

/* A list page (the last page of the bank) naming @n pages from page @first on, step @step. */
static u64 list(u64 first, u64 n, u64 step)
{
	u64 *l = (u64 *)(uintptr_t)pg(RAM_SIZE / PAGE_SIZE - 1);

	for (u64 i = 0; i < n; i++)
		l[i] = pg(first + i * step);
	return pg(RAM_SIZE / PAGE_SIZE - 1);
}

static void test_host_only(void **state)
{
	(void)state;
	for (u32 fid = MOAT_HC_HOST_VERSION; fid <= MOAT_HC_EXIT_STATS_RESET; fid++)
		assert_int_equal(call(&ovcpu, fid, 1, 2, 3, 4), SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(call(&hvcpu, MOAT_HC_HOST_VERSION, 0, 0, 0, 0), MOAT_HOST_ABI_VERSION);
	assert_int_equal(hosted_mem_stats(&host, MOAT_STAT_VMS), 0);
}

static void test_donation_size(void **state)
{
	(void)state;
	assert_int_equal(call(&hvcpu, MOAT_HC_VM_DONATION, 0, 1 << 20, 0, 0), MOAT_EINVAL);
	assert_int_equal(call(&hvcpu, MOAT_HC_VM_DONATION, 9, 1 << 20, 0, 0), MOAT_EINVAL);
	assert_int_equal(call(&hvcpu, MOAT_HC_VM_DONATION, 1, 0, 0, 0), MOAT_EINVAL);
	assert_int_equal(call(&hvcpu, MOAT_HC_VM_DONATION, 1, (1ULL << 40) + 1, 0, 0), MOAT_EINVAL);
	/* Bigger VMs need more; every table a fully mapped RAM needs fits. */
	assert_true(hosted_donation_pages(1, SZ_1G) > hosted_donation_pages(1, SZ_2M));
	assert_true(hosted_donation_pages(1, SZ_1G) >= SZ_1G / SZ_2M + 2);
}

static void test_create_bad_args(void **state)
{
	u64 owned = mem_host_owned_pages(&hmem);

	(void)state;
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(0, 40, 0), don_pa(0), DON_PAGES), MOAT_EINVAL);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(9, 40, 0), don_pa(0), DON_PAGES), MOAT_EINVAL);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 31, 0), don_pa(0), DON_PAGES), MOAT_EINVAL);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 41, 0), don_pa(0), DON_PAGES), MOAT_EINVAL);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 2), don_pa(0), DON_PAGES), MOAT_EINVAL);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 0) | (1ULL << 40), don_pa(0),
					  DON_PAGES), MOAT_EINVAL);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 0), don_pa(0), 3), MOAT_EINVAL);
	/* Unaligned, outside RAM, running off its end. */
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 0), don_pa(0) + 8, DON_PAGES), MOAT_EFAULT);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 0), 0x09000000, DON_PAGES), MOAT_EFAULT);
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 0),
					  ram_pa + RAM_SIZE - PAGE_SIZE, DON_PAGES), MOAT_EFAULT);
	assert_int_equal(mem_host_owned_pages(&hmem), owned);
	assert_int_equal(hosted_mem_stats(&host, MOAT_STAT_VMS), 0);
	check_ok();
}

/* A donation with one page the host gave away already: refused, nothing changes. */
static void test_create_not_host_owned(void **state)
{
	u64 owned;

	(void)state;
	assert_int_equal(mem_donate_host_to_moat(&hmem, don_pa(0) + 5 * PAGE_SIZE, PAGE_SIZE), 0);
	owned = mem_host_owned_pages(&hmem);
	assert_int_equal(create(0, false), MOAT_EACCES);
	assert_int_equal(mem_host_owned_pages(&hmem), owned);
	check_ok();
	assert_int_equal(mem_donate_moat_to_host(&hmem, don_pa(0) + 5 * PAGE_SIZE, PAGE_SIZE), 0);
}

static u64 guest_pte(s64 handle, u64 ipa, u32 *level);

static void test_create_destroy_restores(void **state)
{
	u64 owned = mem_host_owned_pages(&hmem);
	u32 *secret = (u32 *)(uintptr_t)pg(GUEST_PG0);
	s64 a, b;

	(void)state;
	a = create(0, true);
	b = create(1, false);
	assert_true(a > 0 && b > 0 && a != b);
	assert_int_equal(hosted_mem_stats(&host, MOAT_STAT_VMS), 2);
	/* The donations left the host. */
	assert_int_equal(mem_host_owned_pages(&hmem), owned - 2 * DON_PAGES);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 8, 1), 8), 8);
	assert_int_equal(hosted_vm_map(&host, b, G_IPA, list(GUEST_PG0 + 8, 8, 1), 8), 8);
	check_ok();
	/* Protected: no longer the host's; shared: still the host's. */
	assert_int_equal(mem_host_owned_pages(&hmem), owned - 2 * DON_PAGES - 8);
	assert_false(mem_host_owns_ram(&hmem, pg(GUEST_PG0), PAGE_SIZE));
	*secret = 0x5ec2e7;
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
	assert_int_equal(hosted_vm_destroy(&host, b), 0);
	assert_int_equal(mem_host_owned_pages(&hmem), owned);
	assert_int_equal(hosted_mem_stats(&host, MOAT_STAT_VMS), 0);
	check_ok();
	/* The protected VM's page and both donations come back scrubbed; the shared pages do not. */
	assert_int_equal(*secret, 0);
	assert_int_equal(*(u32 *)(uintptr_t)don_pa(0), 0);
	assert_int_equal(*(u32 *)(uintptr_t)pg(GUEST_PG0 + 8), 0xa5a5a5a5);
	assert_true(mem_host_owns_ram(&hmem, don_pa(0), DON_PAGES * PAGE_SIZE));
	assert_true(mem_host_owns_ram(&hmem, pg(GUEST_PG0), 16 * PAGE_SIZE));
	/* Its handle is gone for good. */
	assert_int_equal(hosted_vm_destroy(&host, a), MOAT_ENOENT);
	/* Twenty more, all the same. */
	for (int i = 0; i < 20; i++) {
		a = create(0, i & 1);
		assert_true(a > 0);
		assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 4, 1), 4), 4);
		assert_int_equal(hosted_vm_destroy(&host, a), 0);
	}
	assert_int_equal(mem_host_owned_pages(&hmem), owned);
	check_ok();
}

static u64 guest_pte(s64 handle, u64 ipa, u32 *level)
{
	/* The struct is at the start of its donation: find it from the handle's order of creation. */
	for (u32 i = 0; i < 4; i++) {
		struct hosted_vm *hv = (struct hosted_vm *)(uintptr_t)don_pa(i);
		u64 pte;

		if (!mem_host_owns_ram(&hmem, don_pa(i), PAGE_SIZE) && hv->handle == (u32)handle) {
			assert_int_equal(pgt_lookup(&hv->vm.s2, ipa, &pte, level), 0);
			return pte;
		}
	}
	fail_msg("no VM %lld", (long long)handle);
	return 0;
}

static void test_map_errors(void **state)
{
	u64 owned = mem_host_owned_pages(&hmem);
	s64 a, b;
	u32 level;

	(void)state;
	a = create(0, true);
	b = create(1, false);
	assert_true(a > 0 && b > 0);
	owned -= 2 * DON_PAGES;
	/* Bad handle, count, IPA, list page. */
	assert_int_equal(hosted_vm_map(&host, 999, G_IPA, list(GUEST_PG0, 1, 1), 1), MOAT_ENOENT);
	assert_int_equal(hosted_vm_map(&host, 0, G_IPA, list(GUEST_PG0, 1, 1), 1), MOAT_ENOENT);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 1, 1), 0), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 1, 1), MOAT_MAP_BATCH + 1), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + 8, list(GUEST_PG0, 1, 1), 1), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, 1ULL << 40, list(GUEST_PG0, 1, 1), 1), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, (1ULL << 40) - PAGE_SIZE, list(GUEST_PG0, 2, 1), 2), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, 0ULL - PAGE_SIZE, list(GUEST_PG0, 2, 1), 2), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, MOAT_HOSTED_GICR_BASE, list(GUEST_PG0, 1, 1), 1), MOAT_EINVAL);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 1, 1) + 8, 1), MOAT_EFAULT);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, don_pa(0), 1), MOAT_EFAULT);	/* moat's now */
	/* A list entry outside RAM, unaligned, or moat's (the donation). */
	list(GUEST_PG0, 2, 1);
	((u64 *)(uintptr_t)pg(RAM_SIZE / PAGE_SIZE - 1))[1] = 0x09000000;
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, pg(RAM_SIZE / PAGE_SIZE - 1), 2), MOAT_EFAULT);
	((u64 *)(uintptr_t)pg(RAM_SIZE / PAGE_SIZE - 1))[1] = pg(GUEST_PG0 + 1) + 16;
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, pg(RAM_SIZE / PAGE_SIZE - 1), 2), MOAT_EFAULT);
	((u64 *)(uintptr_t)pg(RAM_SIZE / PAGE_SIZE - 1))[1] = don_pa(1);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, pg(RAM_SIZE / PAGE_SIZE - 1), 2), MOAT_EACCES);
	assert_int_equal(mem_host_owned_pages(&hmem), owned);
	check_ok();

	/* Double map: the IPA is taken. */
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 4, 1), 4), 4);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + 3 * PAGE_SIZE, list(GUEST_PG0 + 10, 2, 1), 2),
			 MOAT_EEXIST);
	/* The same page twice (or a page another VM has): not the host's to give. */
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + SZ_2M, list(GUEST_PG0, 1, 1), 1), MOAT_EACCES);
	assert_int_equal(hosted_vm_map(&host, b, G_IPA, list(GUEST_PG0 + 2, 1, 1), 1), MOAT_EACCES);
	/* Shared with b: not a's either. */
	assert_int_equal(hosted_vm_map(&host, b, G_IPA, list(GUEST_PG0 + 20, 1, 1), 1), 1);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + SZ_2M, list(GUEST_PG0 + 20, 1, 1), 1), MOAT_EACCES);
	check_ok();

	/* All or nothing: the third run is a's page; the first two come back. */
	list(GUEST_PG0 + 30, 6, 1);
	((u64 *)(uintptr_t)pg(RAM_SIZE / PAGE_SIZE - 1))[4] = pg(GUEST_PG0 + 1);
	assert_int_equal(hosted_vm_map(&host, b, G_IPA + SZ_2M, pg(RAM_SIZE / PAGE_SIZE - 1), 6), MOAT_EACCES);
	assert_false(pte_valid(guest_pte(b, G_IPA + SZ_2M, &level)));
	assert_false(pte_valid(guest_pte(b, G_IPA + SZ_2M + 3 * PAGE_SIZE, &level)));
	assert_true(mem_host_owns_ram(&hmem, pg(GUEST_PG0 + 30), 4 * PAGE_SIZE));
	/* The same for a protected VM: the pages are the host's again. */
	list(GUEST_PG0 + 30, 6, 1);
	((u64 *)(uintptr_t)pg(RAM_SIZE / PAGE_SIZE - 1))[5] = pg(GUEST_PG0 + 20);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + SZ_2M, pg(RAM_SIZE / PAGE_SIZE - 1), 6), MOAT_EACCES);
	assert_false(pte_valid(guest_pte(a, G_IPA + SZ_2M, &level)));
	assert_true(mem_host_owns_ram(&hmem, pg(GUEST_PG0 + 30), 5 * PAGE_SIZE));
	assert_int_equal(mem_host_owned_pages(&hmem), owned - 4);
	check_ok();

	assert_int_equal(hosted_vm_destroy(&host, a), 0);
	assert_int_equal(hosted_vm_destroy(&host, b), 0);
	check_ok();
}

/* Contiguous and 2 MiB aligned on both sides: one block entry (protected; shared pages stay pages). */
static void test_map_blocks(void **state)
{
	s64 a;
	u32 level;
	u64 pte;

	(void)state;
	a = create(0, true);
	assert_true(a > 0);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 512, 1), 512), 512);
	pte = guest_pte(a, G_IPA + 5 * PAGE_SIZE, &level);
	assert_true(pte_valid(pte));
	assert_int_equal(level, 2);
	assert_int_equal(pte_phys(pte, level, G_IPA + 5 * PAGE_SIZE), pg(GUEST_PG0 + 5));
	check_ok();
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
	check_ok();
}

/* Sparse pages, one table each: the donation runs out; nothing of the call stays mapped. */
static void test_map_donation_used_up(void **state)
{
	u64 owned = mem_host_owned_pages(&hmem);
	s64 a;
	u64 n;
	u32 level;

	(void)state;
	a = hosted_vm_create(&host, MOAT_VM_CFG(1, 40, 0), don_pa(0), hosted_donation_pages(1, SZ_2M));
	assert_true(a > 0);
	owned -= hosted_donation_pages(1, SZ_2M);
	/* One page every 2 MiB of IPA, 256 times: far more last-level tables than donated. */
	for (n = 0; n < 256; n++) {
		s64 r = hosted_vm_map(&host, a, G_IPA + n * SZ_2M, list(GUEST_PG0 + n, 1, 1), 1);

		if (r == MOAT_ENOMEM)
			break;
		assert_int_equal(r, 1);
	}
	assert_true(n > 4 && n < 256);
	assert_false(pte_valid(guest_pte(a, G_IPA + n * SZ_2M, &level)));
	assert_int_equal(mem_host_owned_pages(&hmem), owned);	/* shared: still the host's */
	check_ok();
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
	assert_int_equal(mem_host_owned_pages(&hmem), owned + hosted_donation_pages(1, SZ_2M));
	check_ok();
}

static void test_slots_full(void **state)
{
	s64 h[HOSTED_MAX_VMS];
	u64 small = hosted_donation_pages(1, SZ_2M);

	(void)state;
	for (u32 i = 0; i < HOSTED_MAX_VMS; i++) {
		h[i] = hosted_vm_create(&host, MOAT_VM_CFG(1, 32, 0), pg(i * small), small);
		assert_true(h[i] > 0);
	}
	assert_int_equal(hosted_vm_create(&host, MOAT_VM_CFG(1, 32, 0), pg(HOSTED_MAX_VMS * small), small),
			 MOAT_ENOSPC);
	assert_true(mem_host_owns_ram(&hmem, pg(HOSTED_MAX_VMS * small), small * PAGE_SIZE));
	check_ok();
	for (u32 i = 0; i < HOSTED_MAX_VMS; i++)
		assert_int_equal(hosted_vm_destroy(&host, h[i]), 0);
	check_ok();
}

static void test_vcpus_and_lines(void **state)
{
	struct vcpu *v = NULL, *w = NULL;
	s64 a;

	(void)state;
	a = create(0, false);
	assert_true(a > 0);
	/* Not made yet; bad handles and vCPU numbers. */
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0), &v), MOAT_ENOENT);
	assert_int_equal(hosted_vcpu_init(&host, a, 2, 0x1000, 0), MOAT_ENOENT);
	assert_int_equal(hosted_vcpu_init(&host, a + 1, 0, 0x1000, 0), MOAT_ENOENT);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, 0x1002, 0), MOAT_EINVAL);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, G_IPA, 0x1234), 0);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, G_IPA, 0x1234), MOAT_EEXIST);
	assert_int_equal(hosted_vcpu_init(&host, a, 1, 0, 0), 0);
	/* vCPU 0 starts ON at pc with x0; vCPU 1 waits for CPU_ON. */
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0), &v), 0);
	assert_int_equal(v->power, VCPU_ON);
	assert_true(v->reset);
	assert_int_equal(v->entry, G_IPA);
	assert_int_equal(v->context_id, 0x1234);
	/* Run twice at once: busy; destroy while running: busy. */
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0), &w), MOAT_EBUSY);
	assert_int_equal(hosted_vm_destroy(&host, a), MOAT_EBUSY);
	assert_int_equal(hosted_run_begin(&host, a, 1, pg(GUEST_PG0), &w), 0);
	assert_int_equal(w->power, VCPU_OFF);
	hosted_run_end(v, pg(GUEST_PG0), MOAT_EXIT_IRQ);
	assert_int_equal(hosted_vm_destroy(&host, a), MOAT_EBUSY);
	hosted_run_end(w, pg(GUEST_PG0), MOAT_EXIT_OFF);
	/* The run page must be the host's own RAM. */
	assert_int_equal(hosted_run_begin(&host, a, 1, don_pa(0), &w), MOAT_EFAULT);
	assert_int_equal(hosted_run_begin(&host, a, 1, 0x09000000, &w), MOAT_EFAULT);
	/* Lines: SPIs 32..95 only, level 0 or 1. */
	assert_int_equal(hosted_irq_line(&host, a, 31, 1), MOAT_EINVAL);
	assert_int_equal(hosted_irq_line(&host, a, 96, 1), MOAT_EINVAL);
	assert_int_equal(hosted_irq_line(&host, a, 40, 2), MOAT_EINVAL);
	assert_int_equal(hosted_irq_line(&host, a + 1, 40, 1), MOAT_ENOENT);
	assert_int_equal(spi_calls, 0);
	assert_int_equal(hosted_irq_line(&host, a, 95, 1), 0);
	assert_int_equal(spi_calls, 1);
	assert_int_equal(spi_intid, 95);
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0), &v), MOAT_ENOENT);
}

/*
 * A run page is checked once and trusted while the host gives nothing away;
 * given to a VM since, it is refused; given away while a run is on, that
 * run's end leaves it alone.
 */
static void test_run_page_given_away(void **state)
{
	struct moat_run *p1 = (struct moat_run *)(uintptr_t)pg(GUEST_PG0 + 50);
	struct moat_run *p2 = (struct moat_run *)(uintptr_t)pg(GUEST_PG0 + 51);
	struct moat_run *p3 = (struct moat_run *)(uintptr_t)pg(GUEST_PG0 + 52);
	struct vcpu *v, *w = NULL;
	s64 a;

	(void)state;
	a = create(0, false);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, G_IPA, 0), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0 + 50), &v), 0);
		p1->reason = 0x55;
		hosted_run_end(v, pg(GUEST_PG0 + 50), MOAT_EXIT_IRQ);
		assert_int_equal(p1->reason, MOAT_EXIT_IRQ);
	}
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0 + 50, 1, 1), 1), 1);
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0 + 50), &v), MOAT_EFAULT);
	/* The other page, given away while a run is on (another CPU's MAP). */
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0 + 51), &v), 0);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + PAGE_SIZE, list(GUEST_PG0 + 51, 1, 1), 1), 1);
	p2->reason = 0x55;
	hosted_run_end(v, pg(GUEST_PG0 + 51), MOAT_EXIT_IRQ);
	assert_int_equal(p2->reason, 0x55);
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0 + 51), &v), MOAT_EFAULT);
	/*
	 * Given away during a run, and meanwhile another CPU asks to run the
	 * same vCPU with a good page: refused (busy), and the run that ends
	 * still leaves the page it was given alone.
	 */
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0 + 52), &v), 0);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA + 2 * PAGE_SIZE, list(GUEST_PG0 + 52, 1, 1), 1), 1);
	assert_int_equal(hosted_run_begin(&host, a, 0, pg(GUEST_PG0 + 53), &w), MOAT_EBUSY);
	p3->reason = 0x55;
	hosted_run_end(v, pg(GUEST_PG0 + 52), MOAT_EXIT_IRQ);
	assert_int_equal(p3->reason, 0x55);
	check_ok();
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
}

/* ---- Runs ---- */
#define DABT_ESR	((0x24ULL << 26) | (1ULL << 25) | (1ULL << 24) | 0x07)	/* EC, IL, ISV, L3 fault */
#define SAS(n)		((u64)(n) << 22)
#define SSE		(1ULL << 21)
#define SRT(n)		((u64)(n) << 16)
#define SF		(1ULL << 15)
#define WNR		(1ULL << 6)
#define DEV_IPA		0x0a000000ULL

static u64 next_esr;

static void guest_mmio(struct vcpu *v)
{
	v->ctx.esr = next_esr;
	v->ctx.pc += 0;	/* at the access */
	hosted_mmio_exit(v, DEV_IPA + 0x10);
}

static void guest_wfi(struct vcpu *v)
{
	hosted_wfi(v);
}

static void guest_off(struct vcpu *v)
{
	hosted_system_event(v->vm, MOAT_SYSTEM_RESET);
}

static s64 run(s64 h, u64 vcpu)
{
	return call(&hvcpu, MOAT_HC_VCPU_RUN, (u64)h, vcpu, pg(GUEST_PG0 + 100), 0);
}

static struct moat_run *run_page(void)
{
	return (struct moat_run *)(uintptr_t)pg(GUEST_PG0 + 100);
}

static struct vcpu *vcpu_of(s64 handle, u32 i)
{
	struct vcpu *v = NULL;

	assert_int_equal(hosted_run_begin(&host, handle, i, pg(GUEST_PG0 + 100), &v), 0);
	hosted_run_end(v, pg(GUEST_PG0 + 100), MOAT_EXIT_IRQ);
	return v;
}

/* A read: the exit says what; the next run puts the host's data in the register the guest named. */
static void test_run_mmio(void **state)
{
	struct vcpu *v;
	s64 a;

	(void)state;
	a = create(0, false);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, G_IPA, 0), 0);
	assert_int_equal(hosted_vcpu_init(&host, a, 1, 0, 0), 0);
	v = vcpu_of(a, 0);
	v->ctx.pc = G_IPA + 0x100;
	/* LDRSW x5: 4 bytes, sign-extended to 64 bits. */
	next_esr = DABT_ESR | SAS(2) | SSE | SRT(5) | SF;
	script = guest_mmio;
	assert_int_equal(run(a, 0), MOAT_EXIT_MMIO);
	assert_int_equal(run_page()->reason, MOAT_EXIT_MMIO);
	assert_int_equal(run_page()->mmio.addr, DEV_IPA + 0x10);
	assert_int_equal(run_page()->mmio.len, 4);
	assert_int_equal(run_page()->mmio.is_write, 0);
	assert_int_equal(v->ctx.pc, G_IPA + 0x104);
	/* The host answers with more bytes than asked: only the guest's 4, sign-extended, arrive. */
	run_page()->mmio.data = 0xdeadbeef80000001ULL;
	v->ctx.x[5] = 0x1234;
	script = NULL;
	assert_int_equal(run(a, 0), MOAT_EXIT_IRQ);
	assert_int_equal(v->ctx.x[5], 0xffffffff80000001ULL);
	/* Completed once: a later run leaves the register alone. */
	v->ctx.x[5] = 0x55;
	assert_int_equal(run(a, 0), MOAT_EXIT_IRQ);
	assert_int_equal(v->ctx.x[5], 0x55);
	/* LDRH w7: zero-extended halfword. */
	next_esr = DABT_ESR | SAS(1) | SRT(7);
	script = guest_mmio;
	v->ctx.x[7] = ~0ULL;
	assert_int_equal(run(a, 0), MOAT_EXIT_MMIO);
	assert_int_equal(run_page()->mmio.len, 2);
	run_page()->mmio.data = 0xffffffffffff8001ULL;
	script = NULL;
	assert_int_equal(run(a, 0), MOAT_EXIT_IRQ);
	assert_int_equal(v->ctx.x[7], 0x8001);
	/* STRH w6: the write's value, cut to its size. */
	v->ctx.x[6] = 0x1122334455667788ULL;
	next_esr = DABT_ESR | SAS(1) | SRT(6) | WNR;
	script = guest_mmio;
	assert_int_equal(run(a, 0), MOAT_EXIT_MMIO);
	assert_int_equal(run_page()->mmio.is_write, 1);
	assert_int_equal(run_page()->mmio.data, 0x7788);
	run_page()->mmio.data = 0x99;
	script = NULL;
	assert_int_equal(run(a, 0), MOAT_EXIT_IRQ);
	assert_int_equal(v->ctx.x[6], 0x1122334455667788ULL);
	/* No syndrome: the guest gets an abort, the host nothing. */
	next_esr = (DABT_ESR & ~(1ULL << 24)) | SRT(5);
	script = guest_mmio;
	assert_int_equal(run(a, 0), MOAT_EXIT_IRQ);
	assert_int_equal(aborts, 1);
	/* A vCPU that is off says so, without running. */
	assert_int_equal(run(a, 1), MOAT_EXIT_OFF);
	assert_int_equal(run_page()->reason, MOAT_EXIT_OFF);
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
}

static void test_run_wfi(void **state)
{
	s64 a;

	(void)state;
	a = create(0, false);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, G_IPA, 0), 0);
	host.cntvoff = 100;
	script = guest_wfi;
	/* Its virtual timer at 1000: in the host's virtual counter, 900. */
	fake_write_sysreg("cntv_ctl_el0", CNTV_CTL_ENABLE);
	fake_write_sysreg("cntv_cval_el0", 1000);
	fake_write_sysreg("cntp_ctl_el0", 0);
	assert_int_equal(run(a, 0), MOAT_EXIT_WFI);
	assert_int_equal(run_page()->wfi.deadline, 900);
	/* The physical one sooner. */
	fake_write_sysreg("cntp_ctl_el0", CNTV_CTL_ENABLE);
	fake_write_sysreg("cntp_cval_el0", 500);
	assert_int_equal(run(a, 0), MOAT_EXIT_WFI);
	assert_int_equal(run_page()->wfi.deadline, 400);
	/* Masked or off: no deadline. */
	fake_write_sysreg("cntv_ctl_el0", CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	fake_write_sysreg("cntp_ctl_el0", 0);
	assert_int_equal(run(a, 0), MOAT_EXIT_WFI);
	assert_int_equal(run_page()->wfi.deadline, 0);
	/* An interrupt that came while it was leaving: run again, do not sleep. */
	guest_pending = true;
	assert_int_equal(run(a, 0), MOAT_EXIT_IRQ);
	guest_pending = false;
	host.cntvoff = 0;
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
}

static void test_run_system_event(void **state)
{
	s64 a;

	(void)state;
	a = create(0, true);
	assert_int_equal(hosted_vcpu_init(&host, a, 0, G_IPA, 0), 0);
	assert_int_equal(hosted_vcpu_init(&host, a, 1, 0, 0), 0);
	script = guest_off;
	assert_int_equal(run(a, 0), MOAT_EXIT_SYSTEM_EVENT);
	assert_int_equal(run_page()->system_event.type, MOAT_SYSTEM_RESET);
	assert_int_equal(stops, 1);
	/* Every vCPU says so from now on; the VM can go. */
	script = NULL;
	assert_int_equal(run(a, 1), MOAT_EXIT_SYSTEM_EVENT);
	assert_int_equal(run_page()->system_event.type, MOAT_SYSTEM_RESET);
	assert_int_equal(hosted_vm_destroy(&host, a), 0);
}

static void test_timer_deadline(void **state)
{
	(void)state;
	assert_int_equal(hosted_timer_deadline(CNTV_CTL_ENABLE, 1000, 5), 1005);
	assert_int_equal(hosted_timer_deadline(CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS, 1000, 0), 1000);
	assert_int_equal(hosted_timer_deadline(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, 1000, 0), UINT64_MAX);
	assert_int_equal(hosted_timer_deadline(0, 1000, 0), UINT64_MAX);
}

/* The host resets: every VM it made is gone, its pages the host's again. */
static void test_destroy_all(void **state)
{
	u64 owned = mem_host_owned_pages(&hmem);
	s64 a, b;

	(void)state;
	a = create(0, true);
	b = create(1, false);
	assert_int_equal(hosted_vm_map(&host, a, G_IPA, list(GUEST_PG0, 8, 1), 8), 8);
	assert_int_equal(hosted_vm_map(&host, b, G_IPA, list(GUEST_PG0 + 8, 8, 1), 8), 8);
	hosted_destroy_all(&host);
	assert_int_equal(hosted_mem_stats(&host, MOAT_STAT_VMS), 0);
	assert_int_equal(mem_host_owned_pages(&hmem), owned);
	assert_int_equal(hosted_vm_destroy(&host, a), MOAT_ENOENT);
	assert_int_equal(hosted_vm_destroy(&host, b), MOAT_ENOENT);
	check_ok();
}

static void test_stats_and_check(void **state)
{
	(void)state;
	assert_int_equal(call(&hvcpu, MOAT_HC_MEM_STATS, MOAT_STAT_HOST_PAGES, 0, 0, 0),
			 (s64)(RAM_SIZE / PAGE_SIZE));
	assert_int_equal(call(&hvcpu, MOAT_HC_MEM_STATS, 3, 0, 0, 0), MOAT_EINVAL);
	assert_int_equal(call(&hvcpu, MOAT_HC_MEM_CHECK, 0, 0, 0, 0), 0);
	/* A broken record: the checker says so. */
	assert_int_equal(pgt_set_owner(&hmem.pgt, pg(7), PAGE_SIZE, 77, NULL), 0);
	assert_int_equal(call(&hvcpu, MOAT_HC_MEM_CHECK, 0, 0, 0, 0), MOAT_EINVAL);
	assert_int_equal(pgt_set_owner(&hmem.pgt, pg(7), PAGE_SIZE, 0, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_donation_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_not_host_owned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_destroy_restores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_donation_used_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcpus_and_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_and_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_page_given_away, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_mmio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_wfi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_system_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_deadline, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
