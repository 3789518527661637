// SPDX-License-Identifier: MIT
/*
 * MMIO emulation for data aborts whose syndrome is not valid: the
 * portable part (instruction address, per-element device access). The
 * vCPU side (live registers, guest RAM, injection) is core/exit.c.
 */
#include "core/mmio_emulate.h"

#include "arch/regs.h"
#include "lib/bitfield.h"
#include "lib/err.h"

/* Top-byte-ignore: a base register's tag byte need not appear in FAR. */
#define MMIO_VA_MASK	GENMASK(55, 0)
/* The smallest translation granule: inside it, VA and IPA offsets agree. */
#define MMIO_PAGE	0x1000ULL

int mmio_insn_ipa(const struct at_regs *regs, const struct at_mem *mem, u64 pc, bool el0, u64 *ipa)
{
	struct at_result res;

	at_walk(regs, mem, pc, AT_S1E1R, &res);
	if (res.fault)
		return -EFAULT;
	/* With the MMU off everything is executable; otherwise the fetch needed X at that EL. */
	if ((regs->sctlr & SCTLR_EL1_M) && !(el0 ? res.el0_x : res.el1_x))
		return -EFAULT;
	*ipa = res.oa;
	return 0;
}

struct emul_ctx {
	const struct mmio_region *r;
	u64 far, ipa;
};

/* Offset in the region of the element at @va, or -EFAULT: see mmio_emulate_ls(). */
static int elem_offset(const struct emul_ctx *c, u64 va, u32 size, u64 *off)
{
	const struct mmio_region *r = c->r;
	u64 pgoff = va & (MMIO_PAGE - 1);
	u64 eipa;

	/* Only the faulting 4 KiB page's IPA is known, and the element must not leave it. */
	if (((va ^ c->far) & MMIO_VA_MASK & ~(MMIO_PAGE - 1)) || pgoff + size > MMIO_PAGE)
		return -EFAULT;
	eipa = (c->ipa & ~(MMIO_PAGE - 1)) | pgoff;
	if (eipa < r->base || eipa - r->base >= r->size || r->size - (eipa - r->base) < size)
		return -EFAULT;
	*off = eipa - r->base;
	return 0;
}

static int elem_access(void *arg, u64 va, u32 size, bool write, u64 *val)
{
	const struct emul_ctx *c = arg;
	const struct mmio_region *r = c->r;
	u64 off;
	int rc = elem_offset(c, va, size, &off);

	if (rc)
		return rc;
	return write ? r->ops->write(r->priv, off, size, *val) : r->ops->read(r->priv, off, size, val);
}

int mmio_emulate_ls(const struct insn_ls *ls, struct insn_regs *regs, u64 far, u64 ipa,
		    const struct mmio_region *r)
{
	struct emul_ctx c = { r, far, ipa };
	u32 n = ls->pair ? 2 : 1;
	u64 addr, off;

	if (ls->elem_size == 0)
		return -EFAULT;
	addr = insn_ls_address(ls, regs);
	/* FAR is one of the access's bytes, or this is not the instruction that faulted. */
	if (((far - addr) & MMIO_VA_MASK) >= ls->size)
		return -EFAULT;
	/* Every element in the region before the device sees any of them. */
	for (u32 i = 0; i < n; i++)
		if (elem_offset(&c, addr + i * ls->elem_size, ls->elem_size, &off))
			return -EFAULT;
	return insn_ls_emulate(ls, regs, elem_access, &c);
}
