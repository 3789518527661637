/* SPDX-License-Identifier: MIT */
/*
 * A guest's self-hosted debug state: breakpoints, watchpoints, MDSCR_EL1
 * (single step, debug enables), the OS lock and OS double lock. The
 * registers run on the CPU, so breakpoints, watchpoints, software step and
 * BRK are taken at the guest's own EL1 (MDCR_EL2.TDE = 0), as on bare
 * hardware. They move lazily, as KVM does: after a vCPU is loaded,
 * MDCR_EL2.TDA traps the first access to a debug register; that trap puts
 * the vCPU's registers into the CPU, stops trapping and the access is
 * executed again. On a switch they are saved only when the guest's were
 * in the CPU ("live"). A vCPU whose debug was enabled (MDSCR_EL1.MDE, KDE
 * or SS) when it was put gets its registers loaded with it, so nothing it
 * armed is lost. While the guest's OS lock is locked, its registers stay
 * trapped and are emulated on this copy. Why each bit: docs/traps.md
 * (MDCR_EL2). Not switched: the claim tags (DBGCLAIMSET/CLR_EL1), a
 * convention with an external debugger that QEMU 7.2 does not implement
 * (UNDEFINED even at EL2); once the registers are live a guest reaches
 * the CPU's, as it does the debug communications channel.
 */
#ifndef MOAT_CORE_DEBUG_H
#define MOAT_CORE_DEBUG_H
#include "lib/types.h"

#define DEBUG_MAX_BPS 16	/* BRPs and WRPs are 4-bit fields: at most 16 each */

struct vcpu;

struct vcpu_debug {
	u64 bvr[DEBUG_MAX_BPS], bcr[DEBUG_MAX_BPS];	/* DBGBVR<n>_EL1, DBGBCR<n>_EL1 */
	u64 wvr[DEBUG_MAX_BPS], wcr[DEBUG_MAX_BPS];	/* DBGWVR<n>_EL1, DBGWCR<n>_EL1 */
	u64 mdscr;		/* MDSCR_EL1 */
	u64 mdccint;		/* MDCCINT_EL1 */
	/*
	 * Emulated, never in the CPU (MDCR_EL2.TDOSA stays set): the OS lock
	 * (OSLSR_EL1), OSDLR_EL1.DLK and DBGPRCR_EL1.CORENPDRQ. While they
	 * lock, the registers above stay out of the CPU (debug_os_lock_changed).
	 */
	u64 oslsr, osdlr, dbgprcr;
	bool live;		/* the CPU's debug registers hold these, TDA is clear */
	u64 loads, saves;	/* lazy switches done, for tests and benchmarks */
};

/** Number of breakpoints / watchpoints of this CPU (ID_AA64DFR0_EL1.BRPs/WRPs + 1). */
u32 debug_nr_bps(void);
u32 debug_nr_wps(void);

/** Reset state: everything 0, the OS lock locked. */
void debug_reset(struct vcpu_debug *d);

/** True when the OS lock or the OS double lock stops debug exceptions. */
bool debug_os_locked(const struct vcpu_debug *d);

/** MDCR_EL2 for @v: @base (traps everything) without TDA once its registers are live. */
u64 debug_mdcr(const struct vcpu *v, u64 base);

/**
 * @v's EL1 state has just been put into this CPU: load its debug registers
 * too if its debug was enabled. The caller writes MDCR_EL2 (debug_mdcr) after.
 */
void debug_vcpu_load(struct vcpu *v);

/** @v leaves this CPU: save its debug registers if live, and disarm the CPU's. */
void debug_vcpu_put(struct vcpu *v);

/**
 * A trapped access (MDCR_EL2.TDA) to a debug register: load @v's
 * registers, stop trapping. The caller lets the guest execute the access
 * again, now on the CPU.
 */
void debug_trap_load(struct vcpu *v);

/**
 * The guest's OS lock or double lock changed (emulated OSLAR/OSDLR/DBGPRCR
 * write). While locked, its debug registers are not in the CPU: they trap
 * and are emulated on the shadow copy (sysreg.c), so nothing fires, on
 * any CPU, whether or not it honours its own OS lock (QEMU 7.2 does not).
 * Unlocked with debug enabled, they are loaded at once.
 */
void debug_os_lock_changed(struct vcpu *v);
#endif
