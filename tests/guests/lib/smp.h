/* SPDX-License-Identifier: MIT */
/*
 * Secondary vCPUs for test guests. smp_entry (smp_head.S) is the entry point
 * to hand to PSCI CPU_ON: it runs at EL1h with the MMU off and DAIF masked,
 * takes the CPU number from MPIDR_EL1.Aff0 (moat gives vCPU n Aff0 = n),
 * switches to that CPU's stack, installs the guest's vectors and calls
 *
 *	void secondary_main(uint64_t context_id);
 *
 * with x0 as PSCI passed it. The guest defines secondary_main (the weak
 * default just powers the CPU off); when it returns, the CPU calls PSCI
 * CPU_OFF.
 *
 * Secondaries must not use the console or check(): printf's line buffer and
 * the exception expectations are shared. They report through memory (the
 * guest's own volatile variables) and CPU 0 checks.
 *
 * With the MMU off, memory is Device-nGnRnE: no caches to keep coherent,
 * but exclusives are not guaranteed to work, so the helpers here use plain
 * loads and stores with one writer per variable.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "guest.h"

#define SMP_MAX_CPUS		8
#define SMP_STACK_SIZE		0x2000

/* PSCI function ids and return codes: moat's own header (src/core/psci.h). */
#include "core/psci.h"
/* Ids moat does not implement, for the NOT_SUPPORTED checks. */
#define PSCI_MIGRATE		0x84000005u
#define PSCI_CPU_FREEZE		0x8400000bu
#define PSCI_SYSTEM_SUSPEND_64	0xc400000eu
#define PSCI_STAT_COUNT_64	0xc4000011u

#define PSCI_AFFINITY_ON	0
#define PSCI_AFFINITY_OFF	1

#define MPIDR_AFF0(m)		((m) & 0xff)
#define MPIDR_AFF_MASK		0xff00ffffffULL

/* The entry point for CPU_ON (smp_head.S). */
void smp_entry(void);

/* Defined by the guest; runs on each secondary CPU. */
void secondary_main(uint64_t context_id);

static inline unsigned smp_cpu_id(void)
{
	return (unsigned)MPIDR_AFF0(read_sysreg(mpidr_el1));
}

static inline uint64_t smp_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

static inline int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id)
{
	return hvc_call(PSCI_CPU_ON_64, mpidr, entry, context_id);
}

/* CPU_ON of CPU @cpu (MPIDR Aff0 = cpu) at smp_entry. */
static inline int64_t smp_start_cpu(unsigned cpu, uint64_t context_id)
{
	return psci_cpu_on(cpu, (uintptr_t)smp_entry, context_id);
}

static inline int64_t psci_affinity_info(uint64_t mpidr, uint64_t level)
{
	return hvc_call(PSCI_AFFINITY_INFO_64, mpidr, level, 0);
}

/* PSCI CPU_OFF; returns only if the call failed. */
int64_t psci_cpu_off(void);

/*
 * Wait until *p == want or @ticks of the virtual counter passed; true when
 * it got there. The load is volatile and ordered (dsb).
 */
bool wait_eq32(const volatile uint32_t *p, uint32_t want, uint64_t ticks);
bool wait_eq64(const volatile uint64_t *p, uint64_t want, uint64_t ticks);

/* Ticks of the virtual counter per millisecond (CNTFRQ_EL0 / 1000). */
uint64_t ticks_per_ms(void);

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

#endif
