// SPDX-License-Identifier: MIT
/* The recording log behind the headers in tests/fake/arch/. */
#include <stdio.h>
#include <string.h>

#include "arch_fake.h"

bool fake_hw_recording = true;
bool fake_record_reads;
void (*fake_pte_store_hook)(void);
u64 (*fake_at_s1e1r)(u64 va);

static struct fake_event fake_log[FAKE_LOG_MAX];
static size_t fake_nr, fake_dropped;

void fake_hw_record(enum fake_op op, u64 addr, u64 val, u32 level, const char *opt)
{
	if (!fake_hw_recording)
		return;
	if (fake_nr >= FAKE_LOG_MAX) {
		fake_dropped++;
		return;
	}
	fake_log[fake_nr++] = (struct fake_event){ op, addr, val, level, opt };
}

void fake_hw_reset(void)
{
	fake_nr = 0;
	fake_dropped = 0;
}

size_t fake_hw_count(void)
{
	return fake_nr;
}

size_t fake_hw_overflow(void)
{
	return fake_dropped;
}

const struct fake_event *fake_hw_event(size_t i)
{
	return i < fake_nr ? &fake_log[i] : NULL;
}

const char *fake_op_name(enum fake_op op)
{
	static const char *const names[] = {
		[FAKE_NONE] = "none", [FAKE_DSB] = "dsb", [FAKE_DMB] = "dmb", [FAKE_ISB] = "isb",
		[FAKE_PTE_STORE] = "store", [FAKE_TLBI_IPAS2E1IS] = "tlbi ipas2e1is",
		[FAKE_TLBI_VMALLS12E1IS] = "tlbi vmalls12e1is", [FAKE_TLBI_VAE2IS] = "tlbi vae2is",
		[FAKE_TLBI_ALLE2IS] = "tlbi alle2is", [FAKE_TLBI_ALLE2] = "tlbi alle2",
		[FAKE_TLBI_EL1] = "tlbi (el1)", [FAKE_TLBI_VMALLE1IS] = "tlbi vmalle1is",
		[FAKE_DC_CVAC] = "dc cvac", [FAKE_SYSREG_WRITE] = "msr",
		[FAKE_IC_IALLUIS] = "ic ialluis", [FAKE_STORE_RELEASE] = "stlr",
		[FAKE_SYSREG_READ] = "mrs", [FAKE_INSN] = "insn",
	};
	return (unsigned)op < sizeof(names) / sizeof(names[0]) && names[op] ? names[op] : "?";
}

void fake_hw_dump(void)
{
	for (size_t i = 0; i < fake_nr; i++) {
		const struct fake_event *e = &fake_log[i];
		fprintf(stderr, "  %4zu %-18s %s addr=%#llx val=%#llx level=%u\n", i,
			fake_op_name(e->op), e->opt ? e->opt : "", (unsigned long long)e->addr,
			(unsigned long long)e->val, e->level);
	}
}

#define FAKE_SYSREGS 256
static struct { const char *name; u64 val; } fake_sysregs[FAKE_SYSREGS];

u64 fake_read_sysreg(const char *name)
{
	u64 val = 0;

	for (size_t i = 0; i < FAKE_SYSREGS && fake_sysregs[i].name; i++) {
		if (!strcmp(fake_sysregs[i].name, name)) {
			val = fake_sysregs[i].val;
			break;
		}
	}
	if (fake_record_reads)
		fake_hw_record(FAKE_SYSREG_READ, 0, val, 0, name);
	return val;
}

void fake_write_sysreg(const char *name, u64 val)
{
	size_t i;

	fake_hw_record(FAKE_SYSREG_WRITE, 0, val, 0, name);
	for (i = 0; i < FAKE_SYSREGS && fake_sysregs[i].name; i++)
		if (!strcmp(fake_sysregs[i].name, name))
			break;
	if (i == FAKE_SYSREGS)
		return;
	fake_sysregs[i].name = name;
	fake_sysregs[i].val = val;
}

void fake_sysreg_reset(void)
{
	memset(fake_sysregs, 0, sizeof(fake_sysregs));
}
