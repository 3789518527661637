/* SPDX-License-Identifier: MIT */
/* Memory barriers. The host test build replaces this file (tests/fake/arch). */
#ifndef MOAT_ARCH_BARRIER_H
#define MOAT_ARCH_BARRIER_H

#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
#define isb() __asm__ volatile("isb" ::: "memory")
#define wfe() __asm__ volatile("wfe" ::: "memory")
#define wfi() __asm__ volatile("wfi" ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")

#endif
