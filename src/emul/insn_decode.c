// SPDX-License-Identifier: MIT
/*
 * A64 load/store decoding (Arm ARM C4.1.4, "Loads and Stores" encoding
 * groups, and the LDR/STR/LDP/STP instruction pages) for MMIO emulation
 * when the data-abort syndrome is not valid.
 */
#include "emul/insn_decode.h"

#include "lib/bitfield.h"
#include "lib/err.h"

static s64 sext(u64 v, u32 bits)
{
	u32 sh = 64 - bits;

	return (s64)(v << sh) >> sh;
}

/*
 * Single register, general-purpose: size:111:V=0:0:opc... The op0..op4
 * fields of the top-level table put these at insn[29:27] = 111, insn[26] = 0
 * (V), insn[25:24] = 01 (unsigned offset) or 00 (the others).
 */
static int decode_single(u32 insn, struct insn_ls *ls)
{
	u32 size = (u32)FIELD_GET(A64_LS_SIZE, insn);
	u32 opc = (u32)FIELD_GET(A64_LS_OPC, insn);
	bool uoff = (insn & BIT(24)) != 0;

	ls->elem_size = (u8)(1u << size);
	ls->size = ls->elem_size;
	ls->rt = (u8)FIELD_GET(A64_LS_RT, insn);
	ls->rn = (u8)FIELD_GET(A64_LS_RN, insn);

	switch (opc) {
	case 0:	/* STR* */
		ls->load = false;
		break;
	case 1:	/* LDR* zero-extending: W for sizes 1-4, X for 8 */
		ls->load = true;
		ls->dest_bits = size == 3 ? 64 : 32;
		break;
	case 2:	/* LDRS* to X; size 3 is PRFM (prefetch, not emulated) */
		if (size == 3)
			return -ENOTSUP;
		ls->load = true;
		ls->sign_extend = true;
		ls->dest_bits = 64;
		break;
	default: /* 3: LDRS* to W; sizes 2 and 3 unallocated */
		if (size >= 2)
			return -EINVAL;
		ls->load = true;
		ls->sign_extend = true;
		ls->dest_bits = 32;
		break;
	}

	if (uoff) {	/* LDR/STR (immediate), unsigned offset, scaled */
		ls->mode = INSN_ADDR_OFFSET;
		ls->imm = (s64)(FIELD_GET(A64_LS_IMM12, insn) << size);
		return 0;
	}

	if (insn & BIT(21)) {
		/* bit 21 = 1: register offset (idxtype 10); 00 atomics, x1 LDRAA/LDRAB */
		if (FIELD_GET(A64_LS_IDXTYPE, insn) != 2)
			return -ENOTSUP;
		u32 option = (u32)FIELD_GET(A64_LS_OPTION, insn);
		if (!(option & 2))	/* option<1> == 0: unallocated */
			return -EINVAL;
		ls->mode = INSN_ADDR_OFFSET;
		ls->reg_offset = true;
		ls->rm = (u8)FIELD_GET(A64_LS_RM, insn);
		ls->extend = (enum insn_extend)option;
		ls->shift = (insn & A64_LS_S) ? (u8)size : 0;
		return 0;
	}

	ls->imm = sext(FIELD_GET(A64_LS_IMM9, insn), 9);	/* unscaled */
	switch (FIELD_GET(A64_LS_IDXTYPE, insn)) {
	case 0:	/* LDUR/STUR */
		ls->mode = INSN_ADDR_OFFSET;
		break;
	case 1:
		ls->mode = INSN_ADDR_POST;
		ls->writeback = true;
		break;
	case 2:	/* LDTR/STTR */
		ls->mode = INSN_ADDR_OFFSET;
		ls->unpriv = true;
		break;
	default:
		ls->mode = INSN_ADDR_PRE;
		ls->writeback = true;
		break;
	}
	/* Writeback to the transfer register: CONSTRAINED UNPREDICTABLE, refused. */
	if (ls->writeback && ls->rn == ls->rt && ls->rn != 31)
		return -EINVAL;
	return 0;
}

/* Load/store pair, general-purpose: opc:101:V=0:type:L:imm7:Rt2:Rn:Rt. */
static int decode_pair(u32 insn, struct insn_ls *ls)
{
	u32 opc = (u32)FIELD_GET(A64_LSP_OPC, insn);
	u32 type = (u32)FIELD_GET(A64_LSP_TYPE, insn);

	ls->pair = true;
	ls->load = (insn & A64_LSP_L) != 0;
	ls->rt = (u8)FIELD_GET(A64_LS_RT, insn);
	ls->rt2 = (u8)FIELD_GET(A64_LS_RT2, insn);
	ls->rn = (u8)FIELD_GET(A64_LS_RN, insn);

	switch (opc) {
	case 0:	/* LDP/STP W (LDNP/STNP included) */
		ls->elem_size = 4;
		ls->dest_bits = 32;
		break;
	case 1:	/* LDPSW; with L=0 it is STGP (MTE); no non-temporal form */
		if (!ls->load)
			return -ENOTSUP;
		if (type == 0)
			return -EINVAL;
		ls->elem_size = 4;
		ls->sign_extend = true;
		ls->dest_bits = 64;
		break;
	case 2:	/* LDP/STP X */
		ls->elem_size = 8;
		ls->dest_bits = 64;
		break;
	default:
		return -EINVAL;
	}
	ls->size = (u8)(2 * ls->elem_size);
	ls->imm = sext(FIELD_GET(A64_LSP_IMM7, insn), 7) * ls->elem_size;

	switch (type) {
	case 0:	/* no-allocate (LDNP/STNP), signed offset */
	case 2:
		ls->mode = INSN_ADDR_OFFSET;
		break;
	case 1:
		ls->mode = INSN_ADDR_POST;
		ls->writeback = true;
		break;
	default:
		ls->mode = INSN_ADDR_PRE;
		ls->writeback = true;
		break;
	}
	/* CONSTRAINED UNPREDICTABLE cases, refused: LDP with Rt == Rt2, writeback into a transfer register. */
	if (ls->load && ls->rt == ls->rt2)
		return -EINVAL;
	if (ls->writeback && ls->rn != 31 && (ls->rn == ls->rt || ls->rn == ls->rt2))
		return -EINVAL;
	return 0;
}

int insn_decode_ls(u32 insn, struct insn_ls *ls)
{
	int rc;

	*ls = (struct insn_ls){ 0 };
	/* op0 x1x0 groups: loads and stores have insn[27] = 1, insn[25] = 0. */
	if ((insn & 0x0a000000u) != 0x08000000u)
		return -ENOTSUP;
	if (insn & A64_LS_V)	/* SIMD&FP registers */
		return -ENOTSUP;
	if ((insn & 0x3b000000u) == 0x39000000u || (insn & 0x3b000000u) == 0x38000000u)
		rc = decode_single(insn, ls);
	else if ((insn & 0x3a000000u) == 0x28000000u)
		rc = decode_pair(insn, ls);
	else	/* exclusives, acquire/release, LDAPR, literal loads, tags... */
		return -ENOTSUP;
	if (rc)
		*ls = (struct insn_ls){ 0 };
	return rc;
}

static u64 reg_read(const struct insn_regs *regs, u32 n)	/* 31 = XZR */
{
	return n == 31 ? 0 : regs->x[n];
}

static u64 base_read(const struct insn_regs *regs, u32 n)	/* 31 = SP */
{
	return n == 31 ? regs->sp : regs->x[n];
}

static u64 offset(const struct insn_ls *ls, const struct insn_regs *regs)
{
	if (!ls->reg_offset)
		return (u64)ls->imm;
	u64 m = reg_read(regs, ls->rm);
	switch (ls->extend) {
	case INSN_EXT_UXTW: m = (u32)m; break;
	case INSN_EXT_SXTW: m = (u64)(s64)(s32)(u32)m; break;
	default: break;
	}
	return m << ls->shift;
}

u64 insn_ls_address(const struct insn_ls *ls, const struct insn_regs *regs)
{
	u64 base = base_read(regs, ls->rn);

	return ls->mode == INSN_ADDR_POST ? base : base + offset(ls, regs);
}

static u64 load_value(const struct insn_ls *ls, u64 v)
{
	u32 bits = 8u * ls->elem_size;

	if (bits < 64)
		v &= GENMASK(bits - 1, 0);
	if (ls->sign_extend)
		v = (u64)sext(v, bits);
	return ls->dest_bits == 32 ? (u32)v : v;
}

int insn_ls_emulate(const struct insn_ls *ls, struct insn_regs *regs, insn_mem_fn mem, void *arg)
{
	u64 addr = insn_ls_address(ls, regs);
	u32 n = ls->pair ? 2 : 1;
	u8 rts[2] = { ls->rt, ls->rt2 };
	u64 vals[2] = { 0, 0 };
	int rc;

	if (ls->elem_size == 0)
		return -EINVAL;
	for (u32 i = 0; i < n; i++) {
		if (!ls->load)
			vals[i] = reg_read(regs, rts[i]);
		rc = mem(arg, addr + i * ls->elem_size, ls->elem_size, !ls->load, &vals[i]);
		if (rc)
			return rc;
	}
	if (ls->load)
		for (u32 i = 0; i < n; i++)
			if (rts[i] != 31)
				regs->x[rts[i]] = load_value(ls, vals[i]);
	if (ls->writeback) {
		u64 nb = base_read(regs, ls->rn) + offset(ls, regs);
		if (ls->rn == 31)
			regs->sp = nb;
		else
			regs->x[ls->rn] = nb;
	}
	return 0;
}
