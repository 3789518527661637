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
/* Profiling (FEAT_SPE) and trace (FEAT_TRF) synchronisation; hints, so NOPs on CPUs without them. */
#define psb_csync() __asm__ volatile("hint #17" ::: "memory")	/* PSB CSYNC */
#define tsb_csync() __asm__ volatile("hint #18" ::: "memory")	/* TSB CSYNC */

/*
 * Publishing state to another CPU: everything written before a
 * store-release is seen by a CPU whose load-acquire reads its value.
 * smp_mb orders earlier loads and stores before later ones (a CPU storing
 * one flag and then reading another's).
 */
#define smp_mb() dmb(ish)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif
