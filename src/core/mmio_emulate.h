/* SPDX-License-Identifier: MIT */
/*
 * MMIO emulation when a data abort's syndrome is not valid (ESR_EL2.ISV =
 * 0: load/store pair, pre/post-index writeback...): find the faulting
 * instruction through the guest's stage-1 (emul/at.c), and perform the
 * load/store it decodes to (emul/insn_decode.c) on the device the fault
 * hit. Portable C, host-tested (tests/unit/test_mmio_emulate.c); the vCPU
 * glue is in core/exit.c (handle_dabt). See docs/at.md.
 */
#ifndef MOAT_CORE_MMIO_EMULATE_H
#define MOAT_CORE_MMIO_EMULATE_H

#include "emul/at.h"
#include "emul/insn_decode.h"
#include "emul/mmio.h"
#include "lib/types.h"

/*
 * The IPA of the instruction at @pc, executed at EL0 (@el0) or EL1: the
 * walk of AT S1E1R (EL1 may read every mapping, PAN is not applied), then
 * the mapping must be executable at that EL, as the fetch that ran the
 * instruction needed (an AT S1E0R would refuse EL0 execute-only code).
 * 0, or -EFAULT when the walk faults or the page is not executable.
 */
int mmio_insn_ipa(const struct at_regs *regs, const struct at_mem *mem, u64 pc, bool el0, u64 *ipa);

/*
 * Perform the decoded load/store @ls on the device region @r, updating
 * @regs (loaded registers, base writeback) on success.
 *
 * @far is the faulting VA (FAR_EL2) and @ipa the IPA it translated to: the
 * access's element at VA x goes to IPA @ipa - @far + x. That holds only
 * inside @far's 4 KiB page (the smallest granule), so an element outside
 * it, or outside @r, is refused. @far must lie within the access the
 * registers give (otherwise the instruction or its base register changed
 * since the fault). VAs are compared on bits [55:0] (top-byte-ignore).
 *
 * Returns 0; -EFAULT for the address checks above (nothing accessed);
 * or a device callback's error (registers unchanged, but the stores of
 * earlier elements done).
 */
int mmio_emulate_ls(const struct insn_ls *ls, struct insn_regs *regs, u64 far, u64 ipa,
		    const struct mmio_region *r);

#endif
