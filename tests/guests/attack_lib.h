/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the attack guests (tests/guests/attack_*.c). Header
 * only: a guest is built from its own .c file and the runtime in lib/.
 *
 * Every attack is reported as one check named "attack: AREA: WHAT"; the
 * runner (tests/qemu/attack_cases.py) counts them. The name is fixed text
 * (the runner's XFAIL set matches names exactly): values that vary go to
 * a "detail" console line printed just before the check.
 */
#ifndef ATTACK_LIB_H
#define ATTACK_LIB_H

#include "guest.h"

#define ATTACK(ok, area, what)	check((ok), "attack: " area ": " what)

/*
 * Run one instruction (an asm string; %0 is a 64-bit in/out register
 * operand, %1 a second input) with an exception expected or tolerated.
 * The result says whether one was taken, which, where, and whether
 * execution went on after it.
 */
struct insn_try {
	bool taken, continued;
	uint64_t pc, val;
	struct exc_info exc;
};

#define TRY_INSN(res, insn, v, in1)						\
	do {									\
		uint64_t __pc, __cont = 0, __v = (uint64_t)(v);			\
		unsigned __before = exceptions_seen();				\
		expect_exception();						\
		__asm__ volatile("adr %1, 1f\n"					\
				 "1:	" insn "\n"				\
				 "	mov %2, #1\n"				\
				 : "+r"(__v), "=&r"(__pc), "+r"(__cont)		\
				 : "r"((uint64_t)(in1)) : "x16", "x17", "memory");		\
		expect_none();							\
		(res)->taken = exceptions_seen() != __before;			\
		(res)->continued = __cont == 1;					\
		(res)->pc = __pc;						\
		(res)->val = __v;						\
		(res)->exc = *last_exception();					\
	} while (0)

/* Operand names inside TRY_INSN's asm string (x16 and x17 are free to use). */
#define TRY_V	"%0"
#define TRY_IN	"%3"

/* An undefined-instruction exception at the guest's own vector, on the instruction. */
static inline bool undef_at_el1(const struct insn_try *t)
{
	return t->taken && t->exc.vec == VEC_CUR_SPX_SYNC && ESR_EC(t->exc.esr) == ESR_EC_UNKNOWN &&
	       t->exc.elr == t->pc && t->continued;
}

/* A data abort at the guest's own vector, on the instruction, FAR = addr. */
static inline bool dabt_at_el1(const struct insn_try *t, uint64_t addr)
{
	return t->taken && t->exc.vec == VEC_CUR_SPX_SYNC && ESR_EC(t->exc.esr) == ESR_EC_DABT_CUR &&
	       t->exc.elr == t->pc && t->exc.far == addr && t->continued;
}

static inline bool probe_aborted(const struct probe *p, uint64_t addr)
{
	return p->faulted && p->exc.vec == VEC_CUR_SPX_SYNC && ESR_EC(p->exc.esr) == ESR_EC_DABT_CUR &&
	       p->exc.far == addr && p->exc.elr == p->pc && p->continued;
}

static inline void detail_try(const char *what, const struct insn_try *t)
{
	printf("detail: %s: %s, ESR 0x%lx FAR 0x%lx ELR 0x%lx (insn 0x%lx)%s, value 0x%lx\n", what,
	       t->taken ? "exception" : "no exception", t->exc.esr, t->exc.far, t->exc.elr, t->pc,
	       t->continued ? "" : ", did not continue", t->val);
}

static inline void detail_probe(const char *what, uint64_t addr, const struct probe *p)
{
	printf("detail: %s 0x%lx: %s, ESR 0x%lx FAR 0x%lx, value 0x%lx\n", what, addr,
	       p->faulted ? "exception" : "no exception", p->exc.esr, p->exc.far, p->val);
}

/* Both a 64-bit load and a store at addr take a data abort with FAR = addr. */
static inline bool load_store_abort(const char *what, uint64_t addr)
{
	struct probe p;
	bool ok;

	probe_read64(addr, &p);
	ok = probe_aborted(&p, addr);
	if (!ok)
		detail_probe(what, addr, &p);
	probe_write64(addr, 0x41747461636b2121ULL, &p);
	if (!probe_aborted(&p, addr)) {
		detail_probe(what, addr, &p);
		ok = false;
	}
	return ok;
}

/*
 * Branch to target (an address outside what the guest may execute): the
 * prefetch abort returns to the link (the runtime's rule), so execution
 * goes on. Returns whether an instruction abort at EL1 with FAR = ELR =
 * target was taken.
 */
static inline bool fetch_aborts(uint64_t target)
{
	uint64_t ret, cont = 0;
	unsigned before = exceptions_seen();
	const struct exc_info *e = last_exception();

	expect_exception();
	__asm__ volatile("adr %0, 1f\n"
			 "blr %2\n"
			 "1: mov %1, #1\n"
			 : "=&r"(ret), "+r"(cont) : "r"(target) : "x30", "memory");
	expect_none();
	if (exceptions_seen() != before && e->vec == VEC_CUR_SPX_SYNC &&
	    ESR_EC(e->esr) == ESR_EC_IABT_CUR && e->far == target && e->elr == target && cont == 1)
		return true;
	printf("detail: fetch 0x%lx: %s, ESR 0x%lx FAR 0x%lx ELR 0x%lx\n", target,
	       exceptions_seen() != before ? "exception" : "no exception", e->esr, e->far, e->elr);
	return false;
}

#endif
