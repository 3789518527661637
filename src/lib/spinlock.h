/* SPDX-License-Identifier: MIT */
/* A ticket lock: fair, so a CPU that keeps taking a lock cannot starve others. */
#ifndef MOAT_LIB_SPINLOCK_H
#define MOAT_LIB_SPINLOCK_H
#include "lib/types.h"

typedef struct {
	u16 next;
	u16 owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void cpu_relax(void)
{
#if defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

static inline void spin_lock(spinlock_t *l)
{
	u16 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}
#endif
