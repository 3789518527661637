/* SPDX-License-Identifier: MIT */
/*
 * Exit statistics for users: per vCPU, how many exits of each reason and
 * the ticks (CNTPCT_EL0) moat spent on them, from the exit to the next
 * entry. Shown for every VM with Ctrl-\ s, reset with Ctrl-\ z
 * (docs/console.md). Always on: make bench measures what they cost
 * against a moat built without them (-DMOAT_NO_EXIT_STATS).
 */
#ifndef MOAT_CORE_EXIT_STATS_H
#define MOAT_CORE_EXIT_STATS_H
#include "lib/types.h"

/*
 * Always on; make bench builds a moat without them (core/vcpu.c and
 * core/exit.c with -DMOAT_NO_EXIT_STATS) to show what they cost.
 */
#ifdef MOAT_NO_EXIT_STATS
#define EXIT_STATS 0
#else
#define EXIT_STATS 1
#endif

/* Reason, name shown. */
#define EXIT_REASONS(X)                                                                  \
	X(IRQ, "irq")			/* physical interrupt (timer, kick, device) */       \
	X(WFI, "wfi")                                                                     \
	X(WFE, "wfe")                                                                     \
	X(HVC_FAST, "hvc-fast")		/* answered in guest_entry.S: counted, no ticks */   \
	X(HVC_ARCH, "hvc-smccc")	/* SMCCC arch calls (owner 0) and unknown ones */    \
	X(HVC_PSCI, "hvc-psci")		/* standard service calls (owner 4) */               \
	X(HVC_MOAT, "hvc-moat")		/* moat's own calls */                               \
	X(SMC, "smc")                                                                     \
	X(SYSREG, "sysreg")                                                               \
	X(SYSREG_FAST, "sysreg-fast")	/* ID register read answered in guest_entry.S: no ticks */ \
	X(MMIO_GICD, "mmio-gicd")                                                         \
	X(MMIO_GICR, "mmio-gicr")                                                         \
	X(MMIO_UART, "mmio-pl011")                                                        \
	X(MMIO_OTHER, "mmio-other")	/* test device, passed-through devices */            \
	X(ABORT, "abort")		/* stage-2 fault outside the VM: abort injected */   \
	X(FP, "fp")			/* first FP/SIMD use */                              \
	X(SERROR, "serror")                                                               \
	X(OTHER, "other")		/* anything else: undefined instruction injected */

enum exit_reason {
#define EXIT_REASON_ENUM(r, name) EXIT_R_##r,
	EXIT_REASONS(EXIT_REASON_ENUM)
#undef EXIT_REASON_ENUM
	EXIT_R_NR
};

/*
 * Count and ticks side by side (one load pair, one store pair per exit);
 * the extra slot EXIT_R_NR takes the first entry's accounting, which has
 * no exit before it, so the hot path needs no branch. Not shown.
 * fast[]: exits a fast path in C took (exit.c: device accesses, the timer
 * firing again), counted but not timed: their cost is fixed and small
 * (make bench), and two counter reads would be most of what counting costs.
 */
struct exit_stats {
	struct exit_stat {
		u64 count, ticks;
	} r[EXIT_R_NR + 1];
	u64 fast[EXIT_R_NR];
};

/** The name of @r ("?" out of range). */
const char *exit_reason_name(u32 r);

/*
 * One VM's figures for printing: @per_vcpu[i] of @nr vCPUs (the fast-path
 * reasons' counts copied in from guest_ctx). Prints, through @out, a
 * header line and one line per reason with exits: total count, ticks,
 * ticks per exit over the timed ones ("-" when none was), how many a
 * fast path took untimed, and the count on each vCPU. Portable (host-tested): no VM structures.
 */
void exit_stats_format(const char *vm_name, const struct exit_stats *per_vcpu, u32 nr, u64 hz,
		       void (*out)(void *ctx, const char *line), void *ctx);
#endif
