/* SPDX-License-Identifier: MIT */
/*
 * Attacks on moat's CPU model. AArch32 is not offered (ID_AA64PFR0_EL1.EL0
 * = 1), but a guest kernel can still return to AArch32 EL0 on a CPU that has
 * it; nothing trapped from there may be emulated (a skipped T32 instruction
 * would leave ITSTATE behind). An AArch32 EL0 load from the emulated PL011
 * must come back to EL1 as an abort (vector 0x600, EC 0x24, ELR = the load),
 * not be performed (which would continue to the SVC after it, EC 0x11).
 *
 * The config also has a VM that fails late in its creation after claiming
 * this VM's passed-through interrupt (configs/attack_cpu.dts): that this
 * guest runs at all shows the interrupt was given back.
 */
#include "guest.h"

GUEST_PLAN(5);

struct a32_result {
	uint64_t vec, esr, elr, far, spsr;
};

struct a32_result a32_result;
void run_a32_el0(uint64_t entry, uint64_t r1);
extern char a32_mmio_load[];

#define UART_FR		0x09000018ULL	/* the VM's PL011 flag register */
#define VEC_LOWER_A32_SYNC 0x600
#define ESR_EC_DABT_LOW	0x24
#define ESR_EC_SVC32	0x11

int main(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t entry = (uint64_t)(uintptr_t)a32_mmio_load;

	check((pfr0 & 0xf) == 1, "ID_AA64PFR0_EL1.EL0 = 1, AArch64 only (0x%016lx)", pfr0);

	memset(&a32_result, 0xff, sizeof(a32_result));
	run_a32_el0(entry, UART_FR);
	printf("AArch32 EL0 load: vector 0x%lx ESR 0x%lx ELR 0x%lx FAR 0x%lx SPSR 0x%lx\n",
	       a32_result.vec, a32_result.esr, a32_result.elr, a32_result.far, a32_result.spsr);
	check(a32_result.vec == VEC_LOWER_A32_SYNC,
	      "AArch32 EL0: back at VBAR+0x600 (vector 0x%lx)", a32_result.vec);
	check(ESR_EC(a32_result.esr) == ESR_EC_DABT_LOW,
	      "AArch32 EL0 load from the emulated PL011: data abort, not emulated (EC 0x%lx)",
	      ESR_EC(a32_result.esr));
	check(a32_result.elr == entry, "AArch32 EL0: ELR_EL1 = the load (0x%lx, ELR 0x%lx)",
	      entry, a32_result.elr);
	check((a32_result.spsr & 0x1f) == 0x10, "AArch32 EL0: SPSR_EL1 says AArch32 User (0x%lx)",
	      a32_result.spsr);
	return 0;
}
