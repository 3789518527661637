/* SPDX-License-Identifier: MIT */
/*
 * core/debug.c on the fake CPU, whose log records every system-register
 * write and (here) read in order: a vCPU's debug registers reach the CPU
 * only on its first trapped access or when its debug is enabled at load;
 * only live (touched) registers are read back when it leaves; exactly the
 * breakpoints and watchpoints ID_AA64DFR0_EL1 counts are moved; the CPU
 * is disarmed (MDSCR_EL1 = 0) after a dirty vCPU leaves and before a
 * clean one runs; the OS lock holds the registers out of the CPU.
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
#include "core/vm.h"

#define DFR0_QEMU	0x10305009ULL	/* BRPs 5 (6), WRPs 3 (4), CTX_CMPs 1 */
#define DFR0_16		0x00f0f009ULL	/* 16 breakpoints, 16 watchpoints */
#define MDCR_BASE	((1ULL << 9) | (1ULL << 10) | (1ULL << 11))	/* TDA TDOSA TDRA */
#define MDCR_TDA	(1ULL << 9)
#define MDSCR_MDE	(1ULL << 15)
#define MDSCR_KDE	(1ULL << 13)
#define MDSCR_SS	(1ULL << 0)

static struct vcpu vcpus[2];

static int setup(void **state)
{
	(void)state;
	memset(vcpus, 0, sizeof(vcpus));
	for (int i = 0; i < 2; i++) {
		debug_reset(&vcpus[i].dbg);
		vcpus[i].dbg.oslsr &= ~(u64)2;	/* the guest unlocked its OS lock */
		for (int n = 0; n < DEBUG_MAX_BPS; n++) {
			vcpus[i].dbg.bvr[n] = 0x1000 * (i + 1) + 4 * n;
			vcpus[i].dbg.bcr[n] = 0x1e7;
			vcpus[i].dbg.wvr[n] = 0x8000 * (i + 1) + 8 * n;
			vcpus[i].dbg.wcr[n] = 0x1ff7;
		}
	}
	fake_sysreg_reset();
	fake_write_sysreg("id_aa64dfr0_el1", DFR0_QEMU);
	fake_write_sysreg("mdcr_el2", MDCR_BASE);
	fake_hw_reset();
	fake_record_reads = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_record_reads = false;
	return 0;
}

/* Events of @op whose register name starts with @prefix. */
static size_t count(enum fake_op op, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		n += e->op == op && e->opt && !strncmp(e->opt, prefix, strlen(prefix));
	}
	return n;
}

/* Index of the first (last) event @op on register @name, or -1. */
static long find(enum fake_op op, const char *name, bool last)
{
	long at = -1;

	for (size_t i = 0; i < fake_hw_count(); i++) {
		const struct fake_event *e = fake_hw_event(i);

		if (e->op == op && e->opt && !strcmp(e->opt, name)) {
			at = (long)i;
			if (!last)
				break;
		}
	}
	return at;
}

static size_t debug_regs_touched(void)
{
	return count(FAKE_SYSREG_WRITE, "dbgb") + count(FAKE_SYSREG_WRITE, "dbgw") +
	       count(FAKE_SYSREG_READ, "dbgb") + count(FAKE_SYSREG_READ, "dbgw");
}

/* A clean vCPU: loaded and put without a single debug register moving; TDA traps meanwhile. */
static void test_clean_is_free(void **state)
{
	struct vcpu *v = &vcpus[0];

	(void)state;
	debug_vcpu_load(v);
	assert_false(v->dbg.live);
	assert_int_equal(debug_mdcr(v, MDCR_BASE), MDCR_BASE);
	/* Only the disarm: whatever ran here before cannot fire in this vCPU. */
	assert_int_equal(fake_hw_count(), 1);
	assert_string_equal(fake_hw_event(0)->opt, "mdscr_el1");
	assert_int_equal(fake_hw_event(0)->val, 0);
	fake_hw_reset();
	debug_vcpu_put(v);
	assert_int_equal(fake_hw_count(), 0);
	assert_int_equal(v->dbg.loads + v->dbg.saves, 0);
}

/* The first trapped access loads exactly the implemented registers, in a safe order, and untraps. */
static void test_trap_loads(void **state)
{
	struct vcpu *v = &vcpus[0];
	char name[32];

	(void)state;
	v->dbg.mdscr = MDSCR_KDE;	/* written while locked: not enabled enough to load at vcpu_load */
	v->dbg.oslsr |= 2;
	debug_vcpu_load(v);
	assert_false(v->dbg.live);
	v->dbg.oslsr &= ~(u64)2;
	fake_hw_reset();
	debug_trap_load(v);
	fake_record_reads = false;	/* the checks' own reads below are not the code's */
	assert_true(v->dbg.live);
	assert_int_equal(count(FAKE_SYSREG_WRITE, "dbgbvr"), 6);
	assert_int_equal(count(FAKE_SYSREG_WRITE, "dbgbcr"), 6);
	assert_int_equal(count(FAKE_SYSREG_WRITE, "dbgwvr"), 4);
	assert_int_equal(count(FAKE_SYSREG_WRITE, "dbgwcr"), 4);
	assert_int_equal(find(FAKE_SYSREG_WRITE, "dbgbvr6_el1", false), -1);
	assert_int_equal(find(FAKE_SYSREG_WRITE, "dbgwvr4_el1", false), -1);
	for (int n = 0; n < 6; n++) {
		snprintf(name, sizeof(name), "dbgbvr%d_el1", n);
		assert_int_equal(fake_read_sysreg(name), 0x1000 + 4 * n);
	}
	assert_int_equal(fake_read_sysreg("dbgwvr3_el1"), 0x8000 + 24);
	assert_int_equal(fake_read_sysreg("mdscr_el1"), MDSCR_KDE);
	/*
	 * Disarmed (MDSCR_EL1 = 0) before the first breakpoint write; the
	 * CPU's OS lock unlocked after the last; the guest's MDSCR_EL1 last,
	 * when its OS-lock-only bits are read-only.
	 */
	long disarm = find(FAKE_SYSREG_WRITE, "mdscr_el1", false);
	long mdscr = find(FAKE_SYSREG_WRITE, "mdscr_el1", true);
	long unlock = find(FAKE_SYSREG_WRITE, "oslar_el1", false);
	long first = find(FAKE_SYSREG_WRITE, "dbgbvr0_el1", false);

	assert_int_equal(fake_hw_event((size_t)disarm)->val, 0);
	assert_true(disarm < first && first < unlock && unlock < mdscr);
	assert_int_equal(fake_hw_event((size_t)unlock)->val, 0);
	assert_int_equal(find(FAKE_SYSREG_WRITE, "oslar_el1", true), unlock);
	assert_true(find(FAKE_SYSREG_WRITE, "dbgwcr3_el1", false) < unlock);
	/* TDA off last, with TDOSA and TDRA still trapping. */
	assert_int_equal(find(FAKE_SYSREG_WRITE, "mdcr_el2", false), (long)fake_hw_count() - 2);
	assert_int_equal(fake_read_sysreg("mdcr_el2"), MDCR_BASE & ~MDCR_TDA);
	assert_int_equal(fake_hw_event(fake_hw_count() - 1)->op, FAKE_ISB);
	assert_int_equal(debug_mdcr(v, MDCR_BASE), MDCR_BASE & ~MDCR_TDA);
}

/* A dirty vCPU leaving: what the guest changed on the CPU is saved, then the CPU is disarmed. */
static void test_dirty_put_saves(void **state)
{
	struct vcpu *v = &vcpus[0];

	(void)state;
	debug_trap_load(v);
	/* The guest changes its registers on the CPU directly. */
	fake_write_sysreg("dbgbvr2_el1", 0xabc0);
	fake_write_sysreg("dbgwcr1_el1", 0x17);
	fake_write_sysreg("mdscr_el1", MDSCR_MDE | MDSCR_KDE);
	fake_hw_reset();
	debug_vcpu_put(v);
	assert_false(v->dbg.live);
	assert_int_equal(v->dbg.bvr[2], 0xabc0);
	assert_int_equal(v->dbg.wcr[1], 0x17);
	assert_int_equal(v->dbg.mdscr, MDSCR_MDE | MDSCR_KDE);
	assert_int_equal(count(FAKE_SYSREG_READ, "dbgbvr"), 6);
	assert_int_equal(count(FAKE_SYSREG_READ, "dbgwcr"), 4);
	assert_int_equal(count(FAKE_SYSREG_READ, "dbgbvr6"), 0);
	/* Disarmed after the MDSCR_EL1 read. */
	assert_true(find(FAKE_SYSREG_READ, "mdscr_el1", false) < find(FAKE_SYSREG_WRITE, "mdscr_el1", false));
	assert_int_equal(fake_read_sysreg("mdscr_el1"), 0);
	assert_int_equal(v->dbg.saves, 1);
	/* A second put saves nothing. */
	fake_hw_reset();
	debug_vcpu_put(v);
	assert_int_equal(fake_hw_count(), 0);
}

/* vCPU A dirty, then B on the same CPU: B never sees A's registers, and A gets its own back. */
static void test_switch(void **state)
{
	struct vcpu *a = &vcpus[0], *b = &vcpus[1];

	(void)state;
	debug_vcpu_load(a);
	debug_trap_load(a);
	fake_write_sysreg("mdscr_el1", MDSCR_MDE | MDSCR_KDE);
	fake_write_sysreg("dbgbvr0_el1", 0xa000);
	debug_vcpu_put(a);
	fake_write_sysreg("mdcr_el2", MDCR_BASE);
	fake_hw_reset();
	debug_vcpu_load(b);	/* B clean: stays trapped, the CPU disarmed */
	assert_false(b->dbg.live);
	assert_int_equal(debug_regs_touched(), 0);
	assert_int_equal(fake_read_sysreg("mdscr_el1"), 0);
	debug_trap_load(b);
	assert_int_equal(fake_read_sysreg("dbgbvr0_el1"), 0x2000);
	debug_vcpu_put(b);
	/* A's debug was enabled when it left: it is loaded with A, untrapped. */
	fake_hw_reset();
	fake_write_sysreg("mdcr_el2", MDCR_BASE);
	debug_vcpu_load(a);
	assert_true(a->dbg.live);
	assert_int_equal(fake_read_sysreg("dbgbvr0_el1"), 0xa000);
	assert_int_equal(fake_read_sysreg("mdscr_el1"), MDSCR_MDE | MDSCR_KDE);
	assert_int_equal(debug_mdcr(a, MDCR_BASE), MDCR_BASE & ~MDCR_TDA);
	assert_int_equal(a->dbg.loads, 2);
}

/* Enabled debug (MDE, KDE or SS) loads with the vCPU, unless its OS lock is locked. */
static void test_enabled_loads_eagerly(void **state)
{
	static const u64 enables[] = { MDSCR_MDE, MDSCR_KDE, MDSCR_SS };

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		struct vcpu *v = &vcpus[0];

		v->dbg.live = false;
		v->dbg.mdscr = enables[i];
		debug_vcpu_load(v);
		assert_true(v->dbg.live);
		debug_vcpu_put(v);
		v->dbg.oslsr |= 2;
		debug_vcpu_load(v);
		assert_false(v->dbg.live);
		v->dbg.oslsr &= ~(u64)2;
		v->dbg.osdlr = 1;	/* the double lock too */
		debug_vcpu_load(v);
		assert_false(v->dbg.live);
		v->dbg.osdlr = 0;
	}
}

/* A CPU with 16 of each: all of them move. */
static void test_sixteen(void **state)
{
	struct vcpu *v = &vcpus[1];

	(void)state;
	fake_write_sysreg("id_aa64dfr0_el1", DFR0_16);
	assert_int_equal(debug_nr_bps(), 16);
	assert_int_equal(debug_nr_wps(), 16);
	fake_hw_reset();
	debug_trap_load(v);
	assert_int_equal(count(FAKE_SYSREG_WRITE, "dbgbvr"), 16);
	assert_int_equal(count(FAKE_SYSREG_WRITE, "dbgwcr"), 16);
	assert_int_equal(fake_read_sysreg("dbgwvr15_el1"), 0x10000 + 8 * 15);
	debug_vcpu_put(v);
	assert_int_equal(count(FAKE_SYSREG_READ, "dbgbcr"), 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_is_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trap_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirty_put_saves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_switch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enabled_loads_eagerly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sixteen, setup, teardown),
	};

	return cmocka_run_group_tests_name("debug", tests, NULL, NULL);
}
