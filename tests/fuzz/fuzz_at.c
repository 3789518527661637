/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the stage-1 walker and the load/store decoder. The input gives the
 * translation registers, a VA, an op, and the contents of a small guest
 * memory; the fake stage-2 reports a fault for any IPA outside it and
 * aborts if the walker asks for an unaligned descriptor. ASan checks every
 * other access. Invariants: PAR has bit 11 set; a fault carries F and
 * nothing but FST/PTW/S; a success has F clear and no RES0 bits; the
 * decoder's result is self-consistent and emulation stays in bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emul/at.h"
#include "emul/at_regs.h"
#include "emul/insn_decode.h"
#include "arch/regs.h"

#define MEM_BASE	0x40000000ULL
#define MEM_SIZE	(64 * 1024)

static u8 guest[MEM_SIZE];

static int f_read(void *arg, u64 ipa, u64 *desc)
{
	(void)arg;
	if (ipa & 7)
		abort();
	if (ipa < MEM_BASE || ipa - MEM_BASE > MEM_SIZE - 8)
		return AT_S2_FAULT(0x05);
	memcpy(desc, guest + (ipa - MEM_BASE), 8);
	return 0;
}

static int f_update(void *arg, u64 ipa, u64 old, u64 new_desc)
{
	u64 cur;
	int rc = f_read(arg, ipa, &cur);

	if (rc)
		return rc;
	if (cur != old)
		return AT_DESC_CHANGED;
	memcpy(guest + (ipa - MEM_BASE), &new_desc, 8);
	return 0;
}

static u64 take64(const u8 **p, size_t *n)
{
	u64 v = 0;
	size_t k = *n < 8 ? *n : 8;

	memcpy(&v, *p, k);
	*p += k;
	*n -= k;
	return v;
}

static u8 dev[32];

static int f_mem(void *arg, u64 va, u32 size, bool write, u64 *val)
{
	(void)arg;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		abort();
	if (va < 0x1000 || va - 0x1000 > sizeof(dev) - size)
		return -1;
	if (write)
		memcpy(dev + (va - 0x1000), val, size);
	else {
		*val = 0;
		memcpy(val, dev + (va - 0x1000), size);
	}
	return 0;
}

static void fuzz_decoder(u32 insn, u64 seed)
{
	struct insn_ls ls;
	struct insn_regs r;

	if (insn_decode_ls(insn, &ls))
		return;
	if (ls.rt > 31 || ls.rn > 31 || ls.rt2 > 31 || ls.rm > 31)
		abort();
	if (ls.size != (ls.pair ? 2 : 1) * ls.elem_size)
		abort();
	if (ls.load && ls.dest_bits != 32 && ls.dest_bits != 64)
		abort();
	for (int i = 0; i < 31; i++)
		r.x[i] = 0x1000 + ((seed >> (i % 8)) & 0x1f);
	r.sp = 0x1008;
	(void)insn_ls_emulate(&ls, &r, f_mem, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data;
	size_t n = size;
	struct at_regs regs;
	struct at_result res;
	const struct at_mem mem = { f_read, f_update, NULL };

	regs.sctlr = take64(&p, &n) | SCTLR_EL1_M;
	regs.tcr = take64(&p, &n);
	u64 t0 = take64(&p, &n), t1 = take64(&p, &n);
	/* Keep the table bases near guest memory most of the time, so walks go deep. */
	regs.ttbr0 = (t0 & 0x8000) ? t0 : MEM_BASE + (t0 & (MEM_SIZE - 1));
	regs.ttbr1 = (t1 & 0x8000) ? t1 : MEM_BASE + (t1 & (MEM_SIZE - 1));
	regs.mair = take64(&p, &n);
	regs.pstate = take64(&p, &n);
	regs.mmfr0 = take64(&p, &n) & 0xf;
	regs.mmfr1 = take64(&p, &n);
	regs.mmfr2 = take64(&p, &n);
	u64 va = take64(&p, &n);
	u64 opv = take64(&p, &n);
	enum at_op op = (enum at_op)(opv % (AT_OP_NR + 1));
	if (opv & 0x100)
		regs.sctlr &= ~SCTLR_EL1_M;

	memset(guest, 0, sizeof(guest));
	memcpy(guest, p, n < MEM_SIZE ? n : MEM_SIZE);
	/* Table pointers in the fuzz data point anywhere; fold some into guest memory. */
	if (opv & 0x200)
		for (size_t i = 0; i + 8 <= MEM_SIZE && i < n; i += 8) {
			u64 d;
			memcpy(&d, guest + i, 8);
			d = (d & ~GENMASK(47, 12)) | ((MEM_BASE + (d & (MEM_SIZE - 1))) & GENMASK(47, 12));
			memcpy(guest + i, &d, 8);
		}

	u64 par = at_walk(&regs, &mem, va, op, &res);
	if (!(par & PAR_EL1_RES1) || par != res.par)
		abort();
	if (par & PAR_EL1_F) {
		if (par & ~(PAR_EL1_F | PAR_EL1_FST | PAR_EL1_PTW | PAR_EL1_S | PAR_EL1_RES1))
			abort();
		if (!!(par & PAR_EL1_PTW) != !!(par & PAR_EL1_S))
			abort();
	} else if (par & (GENMASK(6, 1) | PAR_EL1_F0_IMPDEF | PAR_EL1_F0_IMPDEF_HI)) {
		abort();
	}

	fuzz_decoder((u32)va, opv);
	fuzz_decoder((u32)(va >> 32), regs.tcr);
	return 0;
}
