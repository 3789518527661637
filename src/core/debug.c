// SPDX-License-Identifier: MIT
/*
 * Lazy switching of a guest's debug registers (see core/debug.h). Only
 * the breakpoints and watchpoints the CPU implements are touched: the
 * others are unallocated encodings, UNDEFINED to access.
 */
#include "arch/barrier.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/debug.h"
#include "core/vm.h"

/* One case per register number: the MRS/MSR encoding holds it. */
#define DBG_CASES(X, r) X(r, 0) X(r, 1) X(r, 2) X(r, 3) X(r, 4) X(r, 5) X(r, 6) X(r, 7) \
	X(r, 8) X(r, 9) X(r, 10) X(r, 11) X(r, 12) X(r, 13) X(r, 14) X(r, 15)
#define DBG_READ_CASE(r, n) case n: return read_sysreg(r##n##_el1);
#define DBG_WRITE_CASE(r, n) case n: write_sysreg(r##n##_el1, val); return;

#define DBG_ACCESSORS(r)                                          \
	static u64 r##_read(u32 n)                                \
	{                                                         \
		switch (n) {                                      \
		DBG_CASES(DBG_READ_CASE, r)                       \
		default: return 0;                                \
		}                                                 \
	}                                                         \
	static void r##_write(u32 n, u64 val)                     \
	{                                                         \
		switch (n) {                                      \
		DBG_CASES(DBG_WRITE_CASE, r)                      \
		default: return;                                  \
		}                                                 \
	}
DBG_ACCESSORS(dbgbvr)
DBG_ACCESSORS(dbgbcr)
DBG_ACCESSORS(dbgwvr)
DBG_ACCESSORS(dbgwcr)

u32 debug_nr_bps(void)
{
	return (u32)FIELD_GET(ID_AA64DFR0_EL1_BRPs, read_sysreg(id_aa64dfr0_el1)) + 1;
}

u32 debug_nr_wps(void)
{
	return (u32)FIELD_GET(ID_AA64DFR0_EL1_WRPs, read_sysreg(id_aa64dfr0_el1)) + 1;
}

void debug_reset(struct vcpu_debug *d)
{
	u64 loads = d->loads, saves = d->saves;

	*d = (struct vcpu_debug){ .loads = loads, .saves = saves };
	/* The OS lock is locked by a cold reset; OSLM = 0b10 says it exists. */
	d->oslsr = OSLSR_EL1_OSLM_IMPL | OSLSR_EL1_OSLK;
}

bool debug_os_locked(const struct vcpu_debug *d)
{
	/* The double lock holds only while no powerdown emulation is requested. */
	return (d->oslsr & OSLSR_EL1_OSLK) ||
	       ((d->osdlr & OSDLR_EL1_DLK) && !(d->dbgprcr & DBGPRCR_EL1_CORENPDRQ));
}

u64 debug_mdcr(const struct vcpu *v, u64 base)
{
	return v->dbg.live ? base & ~MDCR_EL2_TDA : base;
}

static bool debug_enabled(const struct vcpu_debug *d)
{
	return (d->mdscr & (MDSCR_EL1_MDE | MDSCR_EL1_KDE | MDSCR_EL1_SS)) && !debug_os_locked(d);
}

static void debug_regs_load(struct vcpu_debug *d)
{
	u32 nb = debug_nr_bps(), nw = debug_nr_wps();

	/* Disarmed first: no half-written breakpoint can fire while the rest arrive. */
	write_sysreg(mdscr_el1, 0);
	isb();
	for (u32 i = 0; i < nb; i++) {
		dbgbvr_write(i, d->bvr[i]);
		dbgbcr_write(i, d->bcr[i]);
	}
	for (u32 i = 0; i < nw; i++) {
		dbgwvr_write(i, d->wvr[i]);
		dbgwcr_write(i, d->wcr[i]);
	}
	write_sysreg(mdccint_el1, d->mdccint);
	/*
	 * Live registers mean the guest's OS lock is unlocked
	 * (debug_os_lock_changed): so is the CPU's, which a cold reset may
	 * have left locked. MDSCR_EL1 is written after: with the OS lock
	 * unlocked its save/restore-only bits (HDE, RXfull, TXfull, ...) are
	 * read-only, so a value the guest stored while locked cannot set them.
	 */
	write_sysreg(oslar_el1, 0);
	isb();
	write_sysreg(mdscr_el1, d->mdscr);
	isb();
	d->live = true;
	d->loads++;
}

static void debug_regs_save(struct vcpu_debug *d)
{
	u32 nb = debug_nr_bps(), nw = debug_nr_wps();

	for (u32 i = 0; i < nb; i++) {
		d->bvr[i] = dbgbvr_read(i);
		d->bcr[i] = dbgbcr_read(i);
	}
	for (u32 i = 0; i < nw; i++) {
		d->wvr[i] = dbgwvr_read(i);
		d->wcr[i] = dbgwcr_read(i);
	}
	d->mdscr = read_sysreg(mdscr_el1);
	d->mdccint = read_sysreg(mdccint_el1);
	d->saves++;
}

void debug_vcpu_load(struct vcpu *v)
{
	/*
	 * Enabled debug must be in the CPU from the first instruction: a
	 * breakpoint or a pending step does not wait for the guest to touch a
	 * debug register. Otherwise the CPU's MDSCR_EL1 is 0 (debug_vcpu_put),
	 * which disarms whatever registers it still holds.
	 */
	if (debug_enabled(&v->dbg)) {
		debug_regs_load(&v->dbg);
	} else {
		/* Whoever ran here before (firmware, another vCPU): disarmed. */
		write_sysreg(mdscr_el1, 0);
	}
}

static void debug_regs_put(struct vcpu_debug *d)
{
	debug_regs_save(d);
	/*
	 * Disarm: with MDE, KDE and SS clear no breakpoint, watchpoint or step
	 * of this vCPU fires in the next one, and the values left behind are
	 * out of reach (TDA traps the next vCPU's first access, which
	 * overwrites them all).
	 */
	write_sysreg(mdscr_el1, 0);
	isb();
	d->live = false;
}

void debug_vcpu_put(struct vcpu *v)
{
	if (v->dbg.live)
		debug_regs_put(&v->dbg);
}

void debug_trap_load(struct vcpu *v)
{
	if (!v->dbg.live)
		debug_regs_load(&v->dbg);
	write_sysreg(mdcr_el2, read_sysreg(mdcr_el2) & ~MDCR_EL2_TDA);
	isb();
}

void debug_os_lock_changed(struct vcpu *v)
{
	struct vcpu_debug *d = &v->dbg;

	if (debug_os_locked(d)) {
		/* Back to the shadow copy, emulated while the lock is held. */
		if (d->live) {
			debug_regs_put(d);
			write_sysreg(mdcr_el2, read_sysreg(mdcr_el2) | MDCR_EL2_TDA);
			isb();
		}
	} else if (!d->live && debug_enabled(d)) {
		/* Unlocked with debug enabled: what it armed works from the next instruction. */
		debug_trap_load(v);
	}
}
