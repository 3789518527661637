/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. TPIDR_EL2 holds the address of the running CPU's
 * struct percpu, so finding it costs one mrs.
 */
#ifndef MOAT_ARCH_PERCPU_H
#define MOAT_ARCH_PERCPU_H

#define MAX_CPUS 16
#define STACK_SIZE 16384
#define STACK_GUARD 4096
/* A CPU's stack slot: [guard page][stack]; the guard is left unmapped. */
#define STACK_SLOT (STACK_SIZE + STACK_GUARD)

#define PCPU_CPU 0
#define PCPU_SPECTRE 4
#define PCPU_PANIC_SP 8
#define PCPU_SCRATCH 16
#define PCPU_GUEST_CTX 32
#define PANIC_STACK_SIZE 8192

/*
 * What the guest-exit path does before its first indirect branch
 * (src/arch/guest_entry.S, chosen by core/spectre.c, docs/security.md).
 */
#define SPECTRE_MIT_NONE 0	/* the CPU needs nothing */
#define SPECTRE_MIT_CLRBHB 1	/* CLRBHB; ISB */
#define SPECTRE_MIT_FW_WA3 2	/* SMC SMCCC_ARCH_WORKAROUND_3 */
#define SPECTRE_MIT_FW_WA1 3	/* SMC SMCCC_ARCH_WORKAROUND_1 */

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct vcpu;

/* The first fields are reached from assembly at the PCPU_* offsets. */
struct percpu {
	u32 cpu;			/* logical number, 0 = boot CPU */
	u32 spectre_mit;		/* SPECTRE_MIT_*, read on every guest exit */
	u64 panic_sp;			/* top of this CPU's panic stack */
	u64 scratch[2];			/* the exception path's spill slots */
	void *guest_ctx;		/* struct guest_ctx of the vCPU in the guest now */
	u64 mpidr;
	volatile bool online;
	struct vcpu *vcpu;		/* vCPU loaded on this CPU */
	struct vcpu *run_vcpu;		/* vCPU this CPU is given to run */
	bool spectre_decided;		/* spectre_mit is set for this CPU */
	u32 ppi_enabled;		/* PPIs enabled in this CPU's redistributor (arch/gicv3.c) */
	bool el2_traps_done;		/* the per-CPU EL2 controls are written (core/vcpu.c) */
};

_Static_assert(__builtin_offsetof(struct percpu, cpu) == PCPU_CPU, "PCPU_CPU");
_Static_assert(__builtin_offsetof(struct percpu, spectre_mit) == PCPU_SPECTRE, "PCPU_SPECTRE");
_Static_assert(__builtin_offsetof(struct percpu, panic_sp) == PCPU_PANIC_SP, "PCPU_PANIC_SP");
_Static_assert(__builtin_offsetof(struct percpu, scratch) == PCPU_SCRATCH, "PCPU_SCRATCH");
_Static_assert(__builtin_offsetof(struct percpu, guest_ctx) == PCPU_GUEST_CTX, "PCPU_GUEST_CTX");

extern struct percpu percpu_area[MAX_CPUS];
extern u8 cpu_stacks[MAX_CPUS][STACK_SLOT];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

static inline u64 stack_top(unsigned int cpu)
{
	return (u64)&cpu_stacks[cpu][STACK_SLOT];
}
#endif
#endif
