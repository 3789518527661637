// SPDX-License-Identifier: MIT
/* Secondary CPUs of a test guest: stacks, entry, PSCI helpers. See smp.h. */
#include "smp.h"

/* One stack per CPU, indexed by MPIDR Aff0; CPU 0's slot is unused. */
uint8_t smp_stacks[SMP_MAX_CPUS][SMP_STACK_SIZE] __attribute__((aligned(16)));

void smp_secondary_start(uint64_t context_id) __attribute__((noreturn));

__attribute__((weak)) void secondary_main(uint64_t context_id)
{
}

int64_t psci_cpu_off(void)
{
	return hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

void smp_secondary_start(uint64_t context_id)
{
	secondary_main(context_id);
	psci_cpu_off();
	/* CPU_OFF failed: park. */
	for (;;)
		__asm__ volatile("wfi");
}

bool wait_eq32(const volatile uint32_t *p, uint32_t want, uint64_t ticks)
{
	uint64_t end = counter() + ticks;

	do {
		dsb(sy);
		if (*p == want)
			return true;
	} while (counter() < end);
	dsb(sy);
	return *p == want;
}

bool wait_eq64(const volatile uint64_t *p, uint64_t want, uint64_t ticks)
{
	uint64_t end = counter() + ticks;

	do {
		dsb(sy);
		if (*p == want)
			return true;
	} while (counter() < end);
	dsb(sy);
	return *p == want;
}

uint64_t ticks_per_ms(void)
{
	uint64_t f = read_sysreg(cntfrq_el0);

	return f ? f / 1000 : 62500;
}
