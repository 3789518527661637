/* SPDX-License-Identifier: MIT */
/*
 * Host fakes of the arch/ hardware operations. Every barrier, TLBI, cache
 * maintenance and descriptor store is appended to one ordered log that a
 * test can read and reset. Recording can be switched off (benchmarks).
 */
#ifndef MOAT_TESTS_FAKE_ARCH_FAKE_H
#define MOAT_TESTS_FAKE_ARCH_FAKE_H

#include "lib/types.h"

enum fake_op {
	FAKE_NONE,
	FAKE_DSB,		/* opt: "ish", "ishst", "sy", ... */
	FAKE_DMB,
	FAKE_ISB,
	FAKE_PTE_STORE,		/* addr: descriptor address, val: value */
	FAKE_TLBI_IPAS2E1IS,	/* addr: IPA, level, val: vttbr */
	FAKE_TLBI_VMALLS12E1IS,	/* val: vttbr */
	FAKE_TLBI_VAE2IS,	/* addr: VA, level */
	FAKE_TLBI_ALLE2IS,
	FAKE_TLBI_ALLE2,
	FAKE_TLBI_EL1,		/* addr: operand, val: vttbr, level: CRn << 8 | CRm << 4 | op2 */
	FAKE_TLBI_VMALLE1IS,	/* val: vttbr */
	FAKE_DC_CVAC,		/* addr, val: size (one event per call) */
	FAKE_SYSREG_WRITE,	/* opt: register name, val */
	FAKE_IC_IALLUIS,
	FAKE_STORE_RELEASE,	/* addr: the variable, val: the value stored */
	FAKE_SYSREG_READ,	/* opt: register name, val (only while fake_record_reads) */
	FAKE_INSN,		/* opt: an instruction with no operands ("psb csync", "tsb csync") */
};

struct fake_event {
	enum fake_op op;
	u64 addr;
	u64 val;
	u32 level;
	const char *opt;
};

#define FAKE_LOG_MAX 65536

extern bool fake_hw_recording;		/* default true */
extern bool fake_record_reads;		/* record sysreg reads too; default false */
/* Called after every descriptor store when set (race tests widen windows with it). */
extern void (*fake_pte_store_hook)(void);

void fake_hw_record(enum fake_op op, u64 addr, u64 val, u32 level, const char *opt);
void fake_hw_reset(void);
/* Number of events logged since the last reset (saturates at FAKE_LOG_MAX). */
size_t fake_hw_count(void);
const struct fake_event *fake_hw_event(size_t i);
/* Events dropped because the log was full. */
size_t fake_hw_overflow(void);
const char *fake_op_name(enum fake_op op);
/* Print the log (debugging a failing test). */
void fake_hw_dump(void);

/* Fake system registers: a small name -> value store. */
u64 fake_read_sysreg(const char *name);
void fake_write_sysreg(const char *name, u64 val);
void fake_sysreg_reset(void);

#endif
