/* SPDX-License-Identifier: MIT */
/* Boot sequence entry points shared between core and arch. */
#ifndef MOAT_CORE_BOOT_H
#define MOAT_CORE_BOOT_H
#include "lib/platform.h"
#include "lib/types.h"
#include "mm/hyp_mm.h"	/* boot_cpu_init_mmu() */

/** The platform as parsed from the boot DTB (read-only after boot). */
extern struct platform platform;
/** The GIC could be set up: interrupts work. */
extern bool have_gic;

void hyp_main(u64 dtb);
void wrong_el_main(u64 dtb);
void percpu_setup(unsigned int cpu, u64 mpidr);
/** What a CPU does when it has nothing to run. */
void cpu_idle(void) __noreturn;
#endif
