/* SPDX-License-Identifier: MIT */
/*
 * Accesses outside guest memory that moat does not emulate: moat injects a
 * synchronous external abort, taken at the guest's own vector (VBAR_EL1 +
 * 0x200): data abort ESR_EL1.EC = 0x25, DFSC = 0x10, EA = 1, WnR for stores,
 * FAR_EL1 = the address, ELR_EL1 = the access; instruction fetch there gives
 * the prefetch abort (EC 0x21). Execution continues after each.
 */
#include "guest.h"

GUEST_PLAN(22);

static void check_dabt(const char *what, uint64_t addr, bool write, const struct probe *p)
{
	const struct exc_info *e = &p->exc;
	bool dabt = p->faulted && e->vec == VEC_CUR_SPX_SYNC &&
		    ESR_EC(e->esr) == ESR_EC_DABT_CUR && (e->esr & ESR_IL);

	check(dabt, "%s 0x%lx: data abort (EC 0x25, IL) at VBAR+0x200 (%s vector 0x%lx ESR 0x%lx)",
	      what, addr, p->faulted ? "taken" : "none", e->vec, e->esr);
	check(dabt && e->far == addr, "%s 0x%lx: FAR_EL1 = address (FAR 0x%lx)", what, addr, e->far);
	/* ESR.EA only classifies the abort in an IMPLEMENTATION DEFINED way: not checked. */
	check(dabt && ESR_xFSC(e->esr) == ESR_FSC_SEA && !!(e->esr & ESR_DABT_WNR) == write,
	      "%s 0x%lx: DFSC 0x10 (synchronous external abort), WnR=%d (ESR 0x%lx, EA %d)",
	      what, addr, write, e->esr, !!(e->esr & ESR_DABT_EA));
	check(dabt && e->elr == p->pc && p->continued,
	      "%s 0x%lx: ELR_EL1 = the access (0x%lx, ELR 0x%lx), execution continues",
	      what, addr, p->pc, e->elr);
}

int main(void)
{
	static const uint64_t addrs[] = { 0x20000000, 0x7ff00000 };
	struct probe p;

	for (unsigned i = 0; i < 2; i++) {
		probe_read64(addrs[i], &p);
		check_dabt("load", addrs[i], false, &p);
		probe_write64(addrs[i], 0x1122334455667788ULL, &p);
		check_dabt("store", addrs[i], true, &p);
	}

	/* Byte load at an odd address: FAR is exact. */
	{
		uint64_t a = 0x7ff00001, pc, val = 0, cont = 0;
		unsigned before = exceptions_seen();

		expect_exception();
		__asm__ volatile("adr %0, 1f\n1: ldrb %w1, [%3]\n mov %2, #1"
				 : "=&r"(pc), "+r"(val), "+r"(cont) : "r"(a) : "memory");
		expect_none();
		const struct exc_info *e = last_exception();

		check(exceptions_seen() != before && ESR_EC(e->esr) == ESR_EC_DABT_CUR &&
		      e->far == a && e->elr == pc && cont == 1,
		      "ldrb 0x%lx: data abort with exact FAR (FAR 0x%lx ESR 0x%lx)", a, e->far, e->esr);
	}

	/* Just past the end of RAM. */
	probe_read64(GUEST_RAM_END, &p);
	check(p.faulted && ESR_EC(p.exc.esr) == ESR_EC_DABT_CUR && p.exc.far == GUEST_RAM_END &&
	      p.continued, "load at end of RAM 0x%llx: data abort (FAR 0x%lx ESR 0x%lx)",
	      GUEST_RAM_END, p.exc.far, p.exc.esr);

	/* Instruction fetch outside guest memory: prefetch abort. */
	{
		uint64_t target = 0x20000000, ret, cont = 0;
		unsigned before = exceptions_seen();

		expect_exception();
		__asm__ volatile("adr %0, 1f\n"
				 "blr %2\n"
				 "1: mov %1, #1\n"
				 : "=&r"(ret), "+r"(cont) : "r"(target) : "x30", "memory");
		expect_none();
		const struct exc_info *e = last_exception();
		bool iabt = exceptions_seen() != before && e->vec == VEC_CUR_SPX_SYNC &&
			    ESR_EC(e->esr) == ESR_EC_IABT_CUR;

		check(iabt, "fetch from 0x%lx: instruction abort (EC 0x21) at VBAR+0x200 (ESR 0x%lx)",
		      target, e->esr);
		check(iabt && e->far == target && e->elr == target && ESR_xFSC(e->esr) == ESR_FSC_SEA,
		      "fetch from 0x%lx: FAR = ELR = address, IFSC 0x10 (FAR 0x%lx ELR 0x%lx)",
		      target, e->far, e->elr);
		check(cont == 1, "fetch from 0x%lx: execution continues at the caller", target);
	}

	/* The guest's own RAM still works after all that. */
	{
		static volatile uint64_t cell;

		cell = 0x600df00d;
		check(cell == 0x600df00d, "RAM still readable and writable after the aborts");
	}
	return 0;
}
