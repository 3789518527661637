/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * moat.ko's internals: the hypercall wrapper, the doorbell wake-up and the
 * VM file (vm.c). The ABI with moat is include/moat/hypercall.h, the one
 * with userspace host/include/moat_ioctl.h.
 */
#ifndef MOAT_KMOD_H
#define MOAT_KMOD_H

#include <linux/arm-smccc.h>
#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/wait.h>

/*
 * include/moat/hypercall.h spells SMCCC's return codes as the kernel's
 * <linux/arm-smccc.h> does, with parentheses: same values, but the
 * compiler warns about the redefinition.
 */
#undef SMCCC_RET_NOT_SUPPORTED
#undef SMCCC_RET_NOT_REQUIRED
#undef SMCCC_RET_INVALID_PARAMETER
#include "../../include/moat/hypercall.h"
#include "../include/moat_ioctl.h"

struct moat_vm_create;

/*
 * One of moat's host calls (main.c). Returns moat's result (>= 0), or a
 * negative errno: moat's own (it answers Linux errno values), -EOPNOTSUPP
 * for SMCCC's NOT_SUPPORTED, -EIO for anything else negative.
 */
long moat_hvc(u32 fn, u64 a1, u64 a2, u64 a3, u64 a4);

/*
 * vCPU threads that wait (WFI, a vCPU that is off) sleep on moat_wq until
 * moat_wake_seq moves: the doorbell and MOAT_IRQ_LINE bump it. A thread
 * reads the sequence before it runs the vCPU, so a doorbell that rings
 * between the run's return and the sleep is not lost.
 */
extern wait_queue_head_t moat_wq;
extern atomic64_t moat_wake_seq;
void moat_kick_all(void);

/* The counter frequency (CNTFRQ_EL0), read at probe. */
extern u32 moat_cntfrq;

/* MOAT_CREATE_VM: a checked request to a new VM file descriptor (vm.c). */
long moat_vm_create(const struct moat_vm_create *c);

#endif
