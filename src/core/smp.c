// SPDX-License-Identifier: MIT
/* Bringing up the secondary CPUs through PSCI CPU_ON. */
#include "arch/barrier.h"
#include "arch/cache.h"
#include "arch/gicv3.h"

#include "arch/percpu.h"
#include "arch/sysreg.h"
#include "core/pmu.h"
#include "core/boot.h"
#include "core/firmware.h"
#include "core/panic.h"
#include "core/psci.h"
#include "core/smp.h"
#include "lib/log.h"

#define MPIDR_AFF_MASK 0xff00ffffffULL

struct percpu percpu_area[MAX_CPUS];
u8 cpu_stacks[MAX_CPUS][STACK_SLOT] __section(".stacks") __aligned(4096);
static u8 panic_stacks[MAX_CPUS][PANIC_STACK_SIZE] __aligned(16);
static unsigned int nr_online = 1;

void secondary_entry(void);

void percpu_setup(unsigned int cpu, u64 mpidr)
{
	struct percpu *pc = &percpu_area[cpu];

	pc->cpu = cpu;
	pc->mpidr = mpidr;
	pc->panic_sp = (u64)&panic_stacks[cpu][PANIC_STACK_SIZE];
}

static bool wait_online(struct percpu *pc)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 deadline = read_sysreg(cntpct_el0) + (freq ? freq : 62500000);

	while (!READ_ONCE(pc->online)) {
		if (read_sysreg(cntpct_el0) > deadline)
			return false;
		dmb(ish);
	}
	return true;
}

unsigned int smp_boot(const struct platform *plat)
{
	u64 self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	unsigned int next = 1;

	percpu_area[0].mpidr = self;
	percpu_area[0].online = true;
	if (plat->psci == PSCI_CONDUIT_NONE)
		return nr_online;	/* no firmware to start the others (main.c said so) */
	for (unsigned int i = 0; i < plat->nr_cpus; i++) {
		u64 mpidr = plat->cpu_mpidr[i] & MPIDR_AFF_MASK;
		struct percpu *pc;
		s64 ret;

		if (mpidr == self)
			continue;
		if (next >= MAX_CPUS) {
			log_warn("CPU MPIDR 0x%llx not started: moat supports %d CPUs",
				 (unsigned long long)mpidr, MAX_CPUS);
			continue;
		}
		pc = &percpu_area[next];
		percpu_setup(next, mpidr);
		/* The new CPU starts with its MMU and caches off: make its data visible. */
		dcache_clean_poc(pc, sizeof(*pc));
		ret = firmware_call(PSCI_CPU_ON_64, mpidr, (u64)secondary_entry, (u64)pc);
		if (ret != PSCI_RET_SUCCESS) {
			log_err("CPU MPIDR 0x%llx failed to start: PSCI CPU_ON returned %lld (%s)",
				(unsigned long long)mpidr, (long long)ret, psci_ret_name(ret));
			continue;
		}
		if (!wait_online(pc)) {
			log_err("CPU MPIDR 0x%llx did not come up within 1 s", (unsigned long long)mpidr);
			next++;	/* it may still run on that slot's stack: never reuse it */
			continue;
		}
		next++;
		nr_online++;
	}
	return nr_online;
}

unsigned int smp_online_count(void)
{
	return nr_online;
}

void secondary_main(void);
void secondary_main(void)
{
	struct percpu *pc = this_cpu();

	boot_cpu_init_mmu();
	if (have_gic)
		gic_cpu_init();
	pmu_cpu_init();
	WRITE_ONCE(pc->online, true);
	dsb(ish);
	sev();
	cpu_idle();
}
