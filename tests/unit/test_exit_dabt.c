/* SPDX-License-Identifier: MIT */
/*
 * handle_exit for stage-2 data aborts (src/core/exit.c): a VM with one
 * recording device at IPA 0x09000000. Only translation, access-flag and
 * permission faults with a valid FAR reach the device; cache maintenance
 * there is skipped; alignment, unsupported exclusive/atomic, TLB conflict,
 * synchronous external abort, FnV = 1 get an injected abort and touch
 * nothing. AArch32 state is never emulated. Syndromes by hand: EC 0x24
 * (31:26), IL 25, ISV 24, SAS 23:22, SRT 20:16, FnV 10, CM 8, WnR 6, DFSC 5:0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch_fake.h"
#include "core/console.h"
#include "core/exit.h"
#include "core/irq.h"
#include "core/mmio_emulate.h"
#include "core/panic.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "emul/at.h"
#include "lib/log.h"
#include "mm/owner.h"
#include "test_pgtable_model.h"

#define EXIT_SYNC_KIND	0
#define DABT		((0x24ULL << 26) | (1ULL << 25))
#define ISV_W32_X5	((1ULL << 24) | (2ULL << 22) | (5ULL << 16))
#define FNV		(1ULL << 10)
#define CM		(1ULL << 8)
#define WNR		(1ULL << 6)
#define DEV_BASE	0x09000000ULL

/* ---- Stubs for what exit.c calls outside the data-abort path ---- */
volatile int panic_in_progress;
const struct mmio_ops vgic_dist_ops, vgic_redist_ops, vpl011_ops;
static unsigned int aborts, undefs;
static u64 abort_far;
static bool abort_instruction;

void vcpu_inject_ext_abort(struct vcpu *v, u64 far, bool instruction)
{
	(void)v;
	aborts++;
	abort_far = far;
	abort_instruction = instruction;
}

void vcpu_inject_undef(struct vcpu *v)
{
	(void)v;
	undefs++;
}

void handle_smccc(struct vcpu *v) { (void)v; }
void hosted_mmio_exit(struct vcpu *v, u64 ipa) { (void)v; (void)ipa; fail_msg("not a hosted VM"); }
void hosted_wfi(struct vcpu *v) { (void)v; fail_msg("not a hosted VM"); }
void handle_sysreg(struct vcpu *v) { (void)v; }
void vcpu_fpsimd_trap(struct vcpu *v) { (void)v; }
void irq_handle_pending(struct vcpu *v) { (void)v; }
bool vgic_vcpu_pending(struct vgic *g, u32 vcpu) { (void)g; (void)vcpu; return false; }
struct coninput console_in;
void console_drain_input(void) { }
void vm_kick_mask(struct vm *vm, u32 mask) { (void)vm; (void)mask; }
static unsigned int flushes, polls;
static bool refire_ok;
bool vcpu_vtimer_refire(struct vcpu *v) { (void)v; return refire_ok; }
void console_poll(void) { polls++; }
void vcpu_vgic_flush(struct vcpu *v) { flushes++; v->vgic_gen = READ_ONCE(v->vm->vgic.gen); }
u32 vgic_take_kicks(struct vgic *g) { (void)g; return 0; }
void vcpu_at_mem(struct vcpu *v, struct at_mem *m) { (void)v; memset(m, 0, sizeof(*m)); }
void vcpu_at_regs(const struct vcpu *v, struct at_regs *r) { (void)v; memset(r, 0, sizeof(*r)); }

u64 at_walk(const struct at_regs *regs, const struct at_mem *mem, u64 va, enum at_op op,
	    struct at_result *res)
{
	(void)regs;
	(void)mem;
	(void)va;
	(void)op;
	memset(res, 0, sizeof(*res));
	res->fault = true;
	return 1;	/* PAR_EL1.F */
}

int mmio_insn_ipa(const struct at_regs *regs, const struct at_mem *mem, u64 va, bool el0, u64 *ipa)
{
	(void)regs;
	(void)mem;
	(void)va;
	(void)el0;
	(void)ipa;
	return -1;	/* the instruction cannot be fetched: no-syndrome accesses abort */
}

int insn_decode_ls(u32 insn, struct insn_ls *ls)
{
	(void)insn;
	(void)ls;
	return -1;
}

int mmio_emulate_ls(const struct insn_ls *ls, struct insn_regs *regs, u64 va, u64 ipa,
		    const struct mmio_region *r)
{
	(void)ls;
	(void)regs;
	(void)va;
	(void)ipa;
	(void)r;
	return -1;
}

/* ---- The recording device ---- */
static unsigned int dev_reads, dev_writes;
static u64 dev_off;

static u64 dev_val = 0x42, dev_written;
static u32 dev_size;
static int dev_err;

static int dev_read(void *priv, u64 off, u32 size, u64 *val)
{
	(void)priv;
	dev_reads++;
	dev_off = off;
	dev_size = size;
	*val = dev_val;
	return dev_err;
}

static int dev_write(void *priv, u64 off, u32 size, u64 val)
{
	(void)priv;
	dev_writes++;
	dev_off = off;
	dev_size = size;
	dev_written = val;
	return dev_err;
}

static const struct mmio_ops dev_ops = { dev_read, dev_write };

struct fixture {
	struct vm *vm;
	struct vcpu *v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->vm = calloc(1, sizeof(*f->vm));
	strcpy(f->vm->name, "dabt");
	f->vm->log_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(1000, 1000);
	assert_int_equal(mmio_bus_add(&f->vm->mmio, DEV_BASE, 0x1000, &dev_ops, NULL, "dev", EXIT_R_MMIO_OTHER), 0);
	f->v = &f->vm->vcpus[0];
	f->v->vm = f->vm;
	f->v->power = VCPU_ON;
	f->v->ctx.pc = 0x40001000;
	f->v->ctx.pstate = 0x3c5;	/* EL1h */
	f->v->ctx.x[5] = 0x5555;
	aborts = undefs = dev_reads = dev_writes = flushes = polls = 0;
	refire_ok = false;
	dev_val = 0x42;
	dev_err = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->vm);
	free(f);
	return 0;
}

/* A stage-2 fault on IPA @ipa (FAR has the same page offset). */
static void dabt_exit(struct vcpu *v, u64 esr, u64 ipa)
{
	v->ctx.esr = esr;
	v->ctx.far = 0xffff000012345000ULL | (ipa & 0xfff);
	v->ctx.hpfar = (ipa >> 12) << 4;
	handle_exit(v, EXIT_SYNC_KIND);
}

static void test_translation_fault_emulated(void **state)
{
	struct fixture *f = *state;

	dabt_exit(f->v, DABT | ISV_W32_X5 | 0x07, DEV_BASE + 0x18);
	assert_int_equal(dev_reads, 1);
	assert_int_equal(dev_off, 0x18);
	assert_int_equal(f->v->ctx.x[5], 0x42);
	assert_int_equal(f->v->ctx.pc, 0x40001004);
	assert_int_equal(aborts, 0);
}

static void test_other_faults_abort(void **state)
{
	static const u32 fscs[] = {
		0x21,	/* alignment */
		0x35,	/* unsupported exclusive/atomic */
		0x31,	/* unsupported atomic hardware update */
		0x30,	/* TLB conflict */
		0x10,	/* synchronous external abort */
		0x14,	/* SEA on a walk */
		0x01,	/* address size */
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(fscs) / sizeof(fscs[0]); i++) {
		dabt_exit(f->v, DABT | ISV_W32_X5 | WNR | fscs[i], DEV_BASE + 0x18);
		assert_int_equal(aborts, i + 1);
	}
	/* FAR not valid, even for a translation fault. */
	dabt_exit(f->v, DABT | ISV_W32_X5 | FNV | 0x07, DEV_BASE + 0x18);
	assert_int_equal(aborts, sizeof(fscs) / sizeof(fscs[0]) + 1);
	assert_int_equal(dev_reads + dev_writes, 0);
	assert_int_equal(f->v->ctx.x[5], 0x5555);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
}

static void test_cache_maintenance_skipped(void **state)
{
	struct fixture *f = *state;

	/* DC CIVAC on the device: no syndrome (ISV 0), CM and WnR set. */
	dabt_exit(f->v, DABT | CM | WNR | 0x07, DEV_BASE + 0x40);
	assert_int_equal(aborts, 0);
	assert_int_equal(dev_reads + dev_writes, 0);
	assert_int_equal(f->v->ctx.pc, 0x40001004);
	/* Outside any device or RAM: still an abort. */
	dabt_exit(f->v, DABT | CM | WNR | 0x07, 0x20000000);
	assert_int_equal(aborts, 1);
	assert_int_equal(f->v->ctx.pc, 0x40001004);
}

static void test_aarch32_not_emulated(void **state)
{
	struct fixture *f = *state;

	f->v->ctx.pstate = 0x10;	/* AArch32 User */
	dabt_exit(f->v, DABT | ISV_W32_X5 | 0x07, DEV_BASE + 0x18);
	assert_int_equal(aborts, 1);
	assert_int_equal(dev_reads, 0);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
	/* A WFI from AArch32 is not skipped either: undefined instruction. */
	f->v->ctx.esr = (0x01ULL << 26) | (1ULL << 25);
	handle_exit(f->v, EXIT_SYNC_KIND);
	assert_int_equal(undefs, 1);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
}

/* ---- The host: stage-2 aborts go to the ownership fault path. ---- */

#define HOST_RAM	0x40000000ULL
#define IABT		((0x20ULL << 26) | (1ULL << 25))
static char logged[512];

static void capture_log(const char *str, size_t n)
{
	size_t have = strlen(logged);

	if (have + n < sizeof(logged)) {
		memcpy(logged + have, str, n);
		logged[have + n] = 0;
	}
}

static void test_host_aborts(void **state)
{
	static const struct plat_range ram[] = { { HOST_RAM, 64ULL << 20 } };
	struct fixture *f = *state;
	struct mem_host *h = calloc(1, sizeof(*h));
	void (*old_write)(const char *s, size_t n);
	u64 pte;
	u32 level;

	talloc_reset();
	assert_int_equal(mem_host_init(h, 2, ram, 1, &test_mm, 0, 1), 0);
	assert_int_equal(mem_donate_host_to_moat(h, HOST_RAM, 0x1000), 0);
	f->vm->host = h;
	old_write = log_write;
	log_write = capture_log;
	logged[0] = 0;

	/* The host's own RAM: mapped (a 2 MiB block), nothing injected, the access repeats. */
	dabt_exit(f->v, DABT | ISV_W32_X5 | 0x07, HOST_RAM + SZ_2M + 0x18);
	assert_int_equal(aborts, 0);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
	assert_int_equal(pgt_lookup(&h->pgt, HOST_RAM + SZ_2M, &pte, &level), 0);
	assert_true(pte_valid(pte));
	assert_int_equal(level, 2);
	/* An instruction fetch from a page never touched: mapped as well. */
	f->v->ctx.esr = IABT | 0x07;
	f->v->ctx.hpfar = ((HOST_RAM + 4 * SZ_2M) >> 12) << 4;
	handle_exit(f->v, EXIT_SYNC_KIND);
	assert_int_equal(aborts, 0);
	/* The emulated device still comes first. */
	dabt_exit(f->v, DABT | ISV_W32_X5 | 0x07, DEV_BASE + 0x18);
	assert_int_equal(dev_reads, 1);
	assert_int_equal(aborts, 0);

	/* moat's page: an external abort, a log line naming it, nothing mapped. */
	f->v->ctx.pc = 0x40001000;
	dabt_exit(f->v, DABT | ISV_W32_X5 | WNR | 0x07, HOST_RAM + 0x18);
	assert_int_equal(aborts, 1);
	assert_false(abort_instruction);
	assert_int_equal(abort_far & 0xfff, 0x18);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
	assert_non_null(strstr(logged, "write of PA 0x40000018 at PC 0x40001000: not the host's memory: "
				       "external abort injected"));
	assert_int_equal(pgt_lookup(&h->pgt, HOST_RAM, &pte, &level), 0);
	assert_false(pte_valid(pte));
	/* Fetching from it: a prefetch abort. */
	f->v->ctx.esr = IABT | 0x07;
	f->v->ctx.hpfar = (HOST_RAM >> 12) << 4;
	handle_exit(f->v, EXIT_SYNC_KIND);
	assert_int_equal(aborts, 2);
	assert_true(abort_instruction);

	log_write = old_write;
	pgt_destroy(&h->pgt);
	assert_int_equal(talloc.live, 0);
	free(h);
}

/* ---- The fast path (exit_fast_dabt, called from guest_entry.S) ---- */

#define SSE		(1ULL << 21)
#define SF		(1ULL << 15)
#define S1PTW		(1ULL << 7)
#define SRT(n)		((u64)(n) << 16)
#define SAS(n)		((u64)(n) << 22)
#define ISV		(1ULL << 24)

/* A fast-path attempt: FAST_DECLINED (0), FAST_RESUME or FAST_LOOP. */
static int fast_exit(struct vcpu *v, u64 esr, u64 ipa)
{
	v->ctx.esr = esr;
	v->ctx.far = 0xffff000012345000ULL | (ipa & 0xfff);
	v->ctx.hpfar = (ipa >> 12) << 4;
	return exit_fast_dabt(&v->ctx);
}

static void test_fast_read(void **state)
{
	struct fixture *f = *state;
	const u64 *fast = &f->v->xstats.fast[EXIT_R_MMIO_OTHER];

	f->v->ctx.pstate |= PSR_SS;
	assert_int_equal(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18), FAST_RESUME);
	assert_int_equal(dev_reads, 1);
	assert_int_equal(dev_off, 0x18);
	assert_int_equal(dev_size, 4);
	assert_int_equal(f->v->ctx.x[5], 0x42);
	assert_int_equal(f->v->ctx.pc, 0x40001004);
	assert_false(f->v->ctx.pstate & PSR_SS);
	assert_int_equal(f->v->exit_reason, EXIT_R_MMIO_OTHER);
	assert_int_equal(*fast, 1);	/* counted as a fast exit, untimed */
	assert_int_equal(f->v->xstats.r[EXIT_R_MMIO_OTHER].count, 0);
	assert_int_equal(aborts + flushes, 0);

	/* Loads put what the syndrome says in the register: size, sign, width. */
	dev_val = 0xffffffffffffff80ULL;
	assert_true(fast_exit(f->v, DABT | ISV | SAS(0) | SRT(3) | 0x07, DEV_BASE));
	assert_int_equal(f->v->ctx.x[3], 0x80);			/* LDRB */
	assert_true(fast_exit(f->v, DABT | ISV | SAS(0) | SSE | SF | SRT(3) | 0x07, DEV_BASE));
	assert_int_equal(f->v->ctx.x[3], 0xffffffffffffff80ULL);	/* LDRSB Xt */
	assert_true(fast_exit(f->v, DABT | ISV | SAS(0) | SSE | SRT(3) | 0x07, DEV_BASE));
	assert_int_equal(f->v->ctx.x[3], 0xffffff80ULL);		/* LDRSB Wt */
	assert_true(fast_exit(f->v, DABT | ISV | SAS(3) | SF | SRT(3) | 0x07, DEV_BASE));
	assert_int_equal(f->v->ctx.x[3], 0xffffffffffffff80ULL);	/* LDR Xt */
	/* x30 is in the guest_ctx; XZR takes nothing. */
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(30) | 0x07, DEV_BASE));
	assert_int_equal(f->v->ctx.x[30], 0xffffff80ULL);
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(31) | 0x07, DEV_BASE));
	assert_int_equal(dev_reads, 7);
	assert_int_equal(*fast, 7);
	assert_int_equal(f->v->ctx.pc, 0x40001000 + 7 * 4);
}

static void test_fast_write(void **state)
{
	struct fixture *f = *state;

	f->v->ctx.x[7] = 0x1234;
	assert_true(fast_exit(f->v, DABT | ISV | SAS(1) | SRT(7) | WNR | 0x06, DEV_BASE + 0x20));
	assert_int_equal(dev_writes, 1);
	assert_int_equal(dev_written, 0x1234);
	assert_int_equal(dev_size, 2);
	assert_int_equal(dev_off, 0x20);
	/* STR WZR writes zero. */
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(31) | WNR | 0x06, DEV_BASE + 0x20));
	assert_int_equal(dev_written, 0);
	assert_int_equal(f->v->ctx.pc, 0x40001008);
	/* A write that changed the vGIC (its generation moved) is flushed before the guest resumes. */
	f->vm->vgic.gen++;
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(7) | WNR | 0x06, DEV_BASE + 0x20));
	assert_int_equal(flushes, 1);
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(7) | WNR | 0x06, DEV_BASE + 0x20));
	assert_int_equal(flushes, 1);
}

/* What the fast path leaves to the full exit: it returns false having touched nothing. */
static void test_fast_declines(void **state)
{
	struct fixture *f = *state;
	static const u64 esrs[] = {
		DABT | SAS(2) | SRT(5) | 0x07,			/* no syndrome (ISV 0) */
		DABT | ISV | SAS(2) | SRT(5) | FNV | 0x07,	/* FAR not valid */
		DABT | ISV | SAS(2) | SRT(5) | CM | 0x07,	/* cache maintenance */
		DABT | ISV | SAS(2) | SRT(5) | S1PTW | 0x07,	/* on a stage-1 walk */
		DABT | ISV | SAS(2) | SRT(5) | 0x0f,		/* permission fault: HPFAR not valid */
		DABT | ISV | SAS(2) | SRT(5) | 0x0b,		/* access flag */
		DABT | ISV | SAS(2) | SRT(5) | 0x21,		/* alignment */
		DABT | ISV | SAS(2) | SRT(5) | 0x10,		/* external abort */
		DABT | ISV | SAS(2) | SRT(20) | 0x07,		/* x20..x29: not in the guest_ctx */
		DABT | ISV | SAS(2) | SRT(29) | WNR | 0x07,
	};

	for (size_t i = 0; i < sizeof(esrs) / sizeof(esrs[0]); i++)
		assert_false(fast_exit(f->v, esrs[i], DEV_BASE + 0x18));
	/* Outside every device. */
	assert_false(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x1000));
	/* List registers in use or a forwarded timer: the loop's sync comes first. */
	f->v->lrs_used = 1;
	assert_false(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18));
	f->v->lrs_used = 0;
	f->v->timer_fwd = 1;
	assert_false(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18));
	f->v->timer_fwd = 0;
	/* AArch32. */
	f->v->ctx.pstate = 0x10;
	assert_false(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18));
	f->v->ctx.pstate = 0x3c5;

	assert_int_equal(dev_reads + dev_writes + aborts + flushes, 0);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
	assert_int_equal(f->v->ctx.x[5], 0x5555);
	for (u32 r = 0; r < EXIT_R_NR; r++)
		assert_int_equal(f->v->xstats.r[r].count + f->v->xstats.fast[r], 0);
	/* Then the same access is fine. */
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18));
}

/* A device error: the guest gets an external abort at the same PC, counted as one. */
static void test_fast_device_error(void **state)
{
	struct fixture *f = *state;

	dev_err = -EINVAL;
	/* The run loop looks after it: the abort may have stopped the VM. */
	assert_int_equal(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18), FAST_LOOP);
	assert_int_equal(aborts, 1);
	assert_int_equal(f->v->ctx.x[5], 0x5555);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
	assert_int_equal(f->v->xstats.fast[EXIT_R_ABORT], 1);
	assert_int_equal(f->v->xstats.fast[EXIT_R_MMIO_OTHER], 0);
	/* The loop's handle_exit then does nothing and counts nothing more. */
	handle_exit(f->v, EXIT_DONE);
	assert_int_equal(f->v->exit_reason, EXIT_R_NR);
	assert_int_equal(aborts, 1);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
}

/*
 * A hosted VM's device write goes through the run loop: a vGIC write may
 * have kicked its host's vCPU, which runs on this CPU. Reads do not.
 */
static void test_fast_hosted_write(void **state)
{
	struct fixture *f = *state;

	f->vm->hosted = (struct hosted_vm *)f->vm;	/* any non-NULL: never followed here */
	assert_int_equal(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | WNR | 0x07, DEV_BASE + 0x18),
			 FAST_LOOP);
	assert_int_equal(dev_writes, 1);
	assert_int_equal(f->v->ctx.pc, 0x40001004);
	assert_int_equal(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18),
			 FAST_RESUME);
	f->vm->hosted = NULL;
}

/* The last device is remembered; another device's access finds its own region. */
static void test_fast_two_devices(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mmio_bus_add(&f->vm->mmio, DEV_BASE + 0x10000, 0x1000, &dev_ops, NULL, "dev2",
				      EXIT_R_MMIO_UART), 0);
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x18));
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x10008));
	assert_int_equal(dev_off, 8);
	assert_true(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x10));
	assert_int_equal(dev_off, 0x10);
	assert_int_equal(f->v->xstats.fast[EXIT_R_MMIO_OTHER], 2);
	assert_int_equal(f->v->xstats.fast[EXIT_R_MMIO_UART], 1);
	/* Between the two, nothing. */
	assert_false(fast_exit(f->v, DABT | ISV | SAS(2) | SRT(5) | 0x07, DEV_BASE + 0x8000));
}

/* The IRQ fast path: only what vcpu_vtimer_refire took; counted as an IRQ exit, console polled. */
static void test_fast_irq(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(exit_fast_irq(&f->v->ctx), FAST_DECLINED);
	assert_int_equal(polls, 0);
	assert_int_equal(f->v->xstats.fast[EXIT_R_IRQ], 0);
	refire_ok = true;
	assert_int_equal(exit_fast_irq(&f->v->ctx), FAST_RESUME);
	assert_int_equal(polls, 1);
	assert_int_equal(f->v->xstats.fast[EXIT_R_IRQ], 1);
	assert_int_equal(f->v->exit_reason, EXIT_R_IRQ);
	assert_int_equal(f->v->ctx.pc, 0x40001000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_translation_fault_emulated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_faults_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_maintenance_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aarch32_not_emulated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_aborts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_declines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_device_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_two_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_hosted_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_irq, setup, teardown),
	};

	return cmocka_run_group_tests_name("exit_dabt", tests, NULL, NULL);
}
