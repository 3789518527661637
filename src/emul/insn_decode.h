/* SPDX-License-Identifier: MIT */
/*
 * A64 load/store decoding for data aborts whose syndrome is not valid
 * (ESR_ELx.ISV == 0): general-register loads and stores, single and pair,
 * with their addressing modes, and a helper that performs the decoded
 * access on a register file through a memory callback. Everything else
 * (exclusives, acquire/release, atomics, SIMD&FP, prefetch, tag and
 * pointer-authentication loads) is refused: the hypervisor injects an
 * external abort. Pure C.
 */
#ifndef MOAT_EMUL_INSN_DECODE_H
#define MOAT_EMUL_INSN_DECODE_H

#include "lib/types.h"

/* A64 encoding fields (Arm ARM C4.1.4 "Loads and Stores"). */
#define A64_LS_RT		GENMASK(4, 0)
#define A64_LS_RN		GENMASK(9, 5)
#define A64_LS_RT2		GENMASK(14, 10)
#define A64_LS_SIZE		GENMASK(31, 30)
#define A64_LS_V		BIT(26)
#define A64_LS_OPC		GENMASK(23, 22)
#define A64_LS_IMM12		GENMASK(21, 10)
#define A64_LS_IMM9		GENMASK(20, 12)
#define A64_LS_IDXTYPE		GENMASK(11, 10)	/* 00 unscaled, 01 post, 10 unpriv/reg, 11 pre */
#define A64_LS_RM		GENMASK(20, 16)
#define A64_LS_OPTION		GENMASK(15, 13)
#define A64_LS_S		BIT(12)
#define A64_LSP_OPC		GENMASK(31, 30)
#define A64_LSP_TYPE		GENMASK(24, 23)	/* 00 no-allocate, 01 post, 10 offset, 11 pre */
#define A64_LSP_L		BIT(22)
#define A64_LSP_IMM7		GENMASK(21, 15)

enum insn_addr_mode {
	INSN_ADDR_OFFSET,	/* [Xn, #imm] or [Xn, Xm{, ext}]: no writeback */
	INSN_ADDR_PRE,		/* [Xn, #imm]!: access at Xn + imm, then Xn = Xn + imm */
	INSN_ADDR_POST,		/* [Xn], #imm: access at Xn, then Xn = Xn + imm */
};

/* Register-offset extend (the instruction's "option" field). */
enum insn_extend {
	INSN_EXT_UXTW = 2,
	INSN_EXT_LSL = 3,	/* UXTX */
	INSN_EXT_SXTW = 6,
	INSN_EXT_SXTX = 7,
};

struct insn_ls {
	bool load;
	bool pair;
	u8 elem_size;		/* bytes per register: 1, 2, 4, 8 */
	u8 size;		/* bytes accessed: elem_size, or 2 * elem_size for a pair (8 or 16) */
	bool sign_extend;	/* load: sign-extend the element */
	u8 dest_bits;		/* load: register width written, 32 (upper half zeroed) or 64 */
	u8 rt, rt2, rn;		/* rt/rt2 31 = XZR/WZR; rn 31 = SP */
	enum insn_addr_mode mode;
	bool writeback;		/* mode is PRE or POST */
	bool reg_offset;	/* offset is a register (mode OFFSET only) */
	s64 imm;		/* immediate offset, already scaled */
	u8 rm;			/* register offset: 31 = XZR */
	enum insn_extend extend;
	u8 shift;		/* register offset: left shift after extension */
	bool unpriv;		/* LDTR/STTR family: EL0 permissions at EL1 */
};

/* Decode @insn; 0, or -ENOTSUP for anything but the loads/stores above, -EINVAL for unallocated/unpredictable. */
int insn_decode_ls(u32 insn, struct insn_ls *ls);

/*
 * The guest registers an emulation works on: x[0..30], and the stack
 * pointer in use (SP_EL0 or SP_EL1 as PSTATE selects).
 */
struct insn_regs {
	u64 x[31];
	u64 sp;
};

/* One memory access of @size (1, 2, 4, 8) bytes at guest VA @va; loads fill *val. 0 or negative. */
typedef int (*insn_mem_fn)(void *arg, u64 va, u32 size, bool write, u64 *val);

/* The address of the first element, from the registers. */
u64 insn_ls_address(const struct insn_ls *ls, const struct insn_regs *regs);

/*
 * Perform the access: every memory access first (element by element,
 * lowest address first), then, only if all succeeded, the loaded
 * registers and the base writeback. Returns 0, or the callback's error
 * with the registers unchanged.
 */
int insn_ls_emulate(const struct insn_ls *ls, struct insn_regs *regs, insn_mem_fn mem, void *arg);

#endif
