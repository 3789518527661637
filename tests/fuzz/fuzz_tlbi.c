/* SPDX-License-Identifier: MIT */
/*
 * emul/tlbi.c on arbitrary input: a syndrome encoding, an operand and a
 * feature set. Nothing may crash, and: a decoded form needs its feature
 * and encodes back to the same syndrome; the sanitised operand keeps no
 * bit outside the fields of the operation replayed; sanitising is
 * idempotent; the replay keeps the shareability and nXS, and is either the
 * operation itself or VMALLE1.
 */
#include <stdint.h>
#include <string.h>

#include "core/esr.h"
#include "emul/tlbi.h"
#include "lib/err.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static u64 fields(enum tlbi_op op)
{
	const struct tlbi_op_info *i = &tlbi_op_info[op];
	u64 asid = i->scope == TLBI_SCOPE_VAA ? 0 : TLBI_VA_ASID;

	if (i->scope == TLBI_SCOPE_ALL)
		return 0;
	if (i->scope == TLBI_SCOPE_ASID)
		return TLBI_VA_ASID;
	return i->range ? asid | GENMASK(47, 0) : asid | TLBI_VA_TTL | TLBI_VA_VA;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlbi_features f;
	struct tlbi_insn t, r, r2;
	u32 enc, crn, crm, op2;
	u64 operand, arg;
	u8 fb;
	int rc;

	if (size < 13)
		return 0;
	memcpy(&enc, data, 4);
	memcpy(&operand, data + 4, 8);
	fb = data[12];
	enc &= (u32)ESR_ELx_SYS64_REG_MASK;
	f = (struct tlbi_features){ fb & 1, fb & 2, fb & 4, fb & 8, fb & 16 };

	rc = tlbi_decode(enc, &f, &t);
	CHECK(rc == 0 || rc == -EINVAL || rc == -ENOTSUP);
	if (rc)
		return 0;
	CHECK(t.op < TLBI_OP_NR && t.shr <= TLBI_SHR_OS);
	CHECK(t.shr != TLBI_SHR_OS || f.os);
	CHECK(!tlbi_op_info[t.op].range || f.range);
	CHECK(!t.nxs || f.xs);
	tlbi_encode(&t, &crn, &crm, &op2);
	CHECK(ESR_ELx_SYS64_REG(1, 0, crn, crm, op2) == enc);

	arg = tlbi_sanitise(&t, &f, operand, &r);
	CHECK(r.shr == t.shr && r.nxs == t.nxs);
	CHECK(r.op == t.op || r.op == TLBI_VMALLE1);
	CHECK((arg & ~fields(r.op)) == 0);
	if (!f.asid16)
		CHECK((arg & GENMASK(63, 56)) == 0);
	CHECK(tlbi_sanitise(&r, &f, arg, &r2) == arg);
	CHECK(r2.op == r.op);
	return 0;
}
