/* SPDX-License-Identifier: MIT */
/* Host fake of src/arch/barrier.h: barriers are recorded, not executed. */
#ifndef MOAT_ARCH_BARRIER_H
#define MOAT_ARCH_BARRIER_H

#include "arch_fake.h"

#define dsb(opt) fake_hw_record(FAKE_DSB, 0, 0, 0, #opt)
#define dmb(opt) fake_hw_record(FAKE_DMB, 0, 0, 0, #opt)
#define isb() fake_hw_record(FAKE_ISB, 0, 0, 0, NULL)
#define wfe() do { } while (0)
#define wfi() do { } while (0)
#define sev() do { } while (0)
#define psb_csync() fake_hw_record(FAKE_INSN, 0, 0, 0, "psb csync")
#define tsb_csync() fake_hw_record(FAKE_INSN, 0, 0, 0, "tsb csync")

#define smp_mb() fake_hw_record(FAKE_DMB, 0, 0, 0, "ish")
/* Recorded (address and value) before the store is done. */
#define smp_store_release(p, v)                                                           \
	do {                                                                              \
		fake_hw_record(FAKE_STORE_RELEASE, (u64)(uintptr_t)(p), (u64)(v), 0, NULL);  \
		__atomic_store_n((p), (v), __ATOMIC_RELEASE);                                 \
	} while (0)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif
