/* SPDX-License-Identifier: MIT */
/* The register frame the EL2 vectors build for a hypervisor fault. */
#ifndef MOAT_ARCH_EXC_FRAME_H
#define MOAT_ARCH_EXC_FRAME_H

#define EXC_SYNC_SP0 0
#define EXC_IRQ_SP0 1
#define EXC_FIQ_SP0 2
#define EXC_SERROR_SP0 3
#define EXC_SYNC_SPX 4
#define EXC_IRQ_SPX 5
#define EXC_FIQ_SPX 6
#define EXC_SERROR_SPX 7
#define EXC_SYNC_A32 12
#define EXC_IRQ_A32 13
#define EXC_FIQ_A32 14
#define EXC_SERROR_A32 15

#define EXC_FRAME_ELR (32 * 8)
#define EXC_FRAME_ESR (34 * 8)
#define EXC_FRAME_SIZE (36 * 8)

#ifndef __ASSEMBLY__
#include "lib/types.h"
struct exc_frame {
	u64 x[31];
	u64 sp;
	u64 elr, spsr;
	u64 esr, far;
};
_Static_assert(__builtin_offsetof(struct exc_frame, elr) == EXC_FRAME_ELR, "frame");
_Static_assert(__builtin_offsetof(struct exc_frame, esr) == EXC_FRAME_ESR, "frame");
_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "frame");

void hyp_fault_panic(struct exc_frame *f, u64 kind) __attribute__((noreturn));
#endif
#endif
