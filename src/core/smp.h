/* SPDX-License-Identifier: MIT */
#ifndef MOAT_CORE_SMP_H
#define MOAT_CORE_SMP_H
#include "lib/platform.h"

/** Start every CPU the platform lists; returns how many are online (boot CPU included). */
unsigned int smp_boot(const struct platform *plat);
/** Number of CPUs online. */
unsigned int smp_online_count(void);
#endif
