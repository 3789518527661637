/* SPDX-License-Identifier: MIT */
/* ESR_ELx decoding for logs and the panic dump: see esr.h. */
#include "core/esr.h"
#include "lib/printf.h"

static const char *const ec_names[ESR_ELx_EC_MAX + 1] = {
	[ESR_ELx_EC_UNKNOWN] = "UNKNOWN (unknown reason)",
	[ESR_ELx_EC_WFx] = "WFx (WFI/WFE trapped)",
	[ESR_ELx_EC_CP15_32] = "CP15_32 (AArch32 MCR/MRC cp15 trapped)",
	[ESR_ELx_EC_CP15_64] = "CP15_64 (AArch32 MCRR/MRRC cp15 trapped)",
	[ESR_ELx_EC_CP14_MR] = "CP14_MR (AArch32 MCR/MRC cp14 trapped)",
	[ESR_ELx_EC_CP14_LS] = "CP14_LS (AArch32 LDC/STC cp14 trapped)",
	[ESR_ELx_EC_FP_ASIMD] = "FP_ASIMD (FP/SIMD access trapped)",
	[ESR_ELx_EC_CP10_ID] = "CP10_ID (AArch32 VMRS trapped)",
	[ESR_ELx_EC_PAC] = "PAC (pointer authentication trapped)",
	[ESR_ELx_EC_LS64] = "LS64 (LD64B/ST64B trapped)",
	[ESR_ELx_EC_CP14_64] = "CP14_64 (AArch32 MCRR/MRRC cp14 trapped)",
	[ESR_ELx_EC_BTI] = "BTI (branch target exception)",
	[ESR_ELx_EC_ILL] = "ILL (illegal execution state)",
	[ESR_ELx_EC_SVC32] = "SVC32 (AArch32 SVC)",
	[ESR_ELx_EC_HVC32] = "HVC32 (AArch32 HVC)",
	[ESR_ELx_EC_SMC32] = "SMC32 (AArch32 SMC)",
	[ESR_ELx_EC_SVC64] = "SVC64 (SVC)",
	[ESR_ELx_EC_HVC64] = "HVC64 (HVC)",
	[ESR_ELx_EC_SMC64] = "SMC64 (SMC)",
	[ESR_ELx_EC_SYS64] = "SYS64 (MSR/MRS/system instruction trapped)",
	[ESR_ELx_EC_SVE] = "SVE (SVE access trapped)",
	[ESR_ELx_EC_ERET] = "ERET (ERET trapped)",
	[ESR_ELx_EC_TSTART] = "TSTART (TSTART trapped)",
	[ESR_ELx_EC_FPAC] = "FPAC (pointer authentication failure)",
	[ESR_ELx_EC_SME] = "SME (SME access trapped)",
	[ESR_ELx_EC_IMP_DEF] = "IMP_DEF (implementation defined)",
	[ESR_ELx_EC_IABT_LOW] = "IABT_LOW (instruction abort from a lower EL)",
	[ESR_ELx_EC_IABT_CUR] = "IABT_CUR (instruction abort from the current EL)",
	[ESR_ELx_EC_PC_ALIGN] = "PC_ALIGN (PC alignment fault)",
	[ESR_ELx_EC_DABT_LOW] = "DABT_LOW (data abort from a lower EL)",
	[ESR_ELx_EC_DABT_CUR] = "DABT_CUR (data abort from the current EL)",
	[ESR_ELx_EC_SP_ALIGN] = "SP_ALIGN (SP alignment fault)",
	[ESR_ELx_EC_MOPS] = "MOPS (memory copy/set exception)",
	[ESR_ELx_EC_FP_EXC32] = "FP_EXC32 (AArch32 FP exception)",
	[ESR_ELx_EC_FP_EXC64] = "FP_EXC64 (FP exception)",
	[ESR_ELx_EC_GCS] = "GCS (guarded control stack exception)",
	[ESR_ELx_EC_SERROR] = "SERROR (SError interrupt)",
	[ESR_ELx_EC_BREAKPT_LOW] = "BREAKPT_LOW (breakpoint from a lower EL)",
	[ESR_ELx_EC_BREAKPT_CUR] = "BREAKPT_CUR (breakpoint from the current EL)",
	[ESR_ELx_EC_SOFTSTP_LOW] = "SOFTSTP_LOW (software step from a lower EL)",
	[ESR_ELx_EC_SOFTSTP_CUR] = "SOFTSTP_CUR (software step from the current EL)",
	[ESR_ELx_EC_WATCHPT_LOW] = "WATCHPT_LOW (watchpoint from a lower EL)",
	[ESR_ELx_EC_WATCHPT_CUR] = "WATCHPT_CUR (watchpoint from the current EL)",
	[ESR_ELx_EC_BKPT32] = "BKPT32 (AArch32 BKPT)",
	[ESR_ELx_EC_VECTOR32] = "VECTOR32 (AArch32 vector catch)",
	[ESR_ELx_EC_BRK64] = "BRK64 (BRK instruction)",
};

const char *esr_ec_name(u32 ec)
{
	if (ec <= ESR_ELx_EC_MAX && ec_names[ec])
		return ec_names[ec];
	return "reserved EC";
}

/* Codes 0x00..0x0f and 0x14..0x17, 0x1c..0x1f, 0x24..0x27 carry a level in bits 1:0. */
static const char *const fsc_names[64] = {
	[0x00] = "address size fault, level 0",
	[0x01] = "address size fault, level 1",
	[0x02] = "address size fault, level 2",
	[0x03] = "address size fault, level 3",
	[0x04] = "translation fault, level 0",
	[0x05] = "translation fault, level 1",
	[0x06] = "translation fault, level 2",
	[0x07] = "translation fault, level 3",
	[0x08] = "access flag fault, level 0",
	[0x09] = "access flag fault, level 1",
	[0x0a] = "access flag fault, level 2",
	[0x0b] = "access flag fault, level 3",
	[0x0c] = "permission fault, level 0",
	[0x0d] = "permission fault, level 1",
	[0x0e] = "permission fault, level 2",
	[0x0f] = "permission fault, level 3",
	[0x10] = "synchronous external abort",
	[0x11] = "synchronous tag check fault",
	[0x13] = "synchronous external abort on table walk, level -1",
	[0x14] = "synchronous external abort on table walk, level 0",
	[0x15] = "synchronous external abort on table walk, level 1",
	[0x16] = "synchronous external abort on table walk, level 2",
	[0x17] = "synchronous external abort on table walk, level 3",
	[0x18] = "synchronous parity/ECC error",
	[0x1b] = "synchronous parity/ECC error on table walk, level -1",
	[0x1c] = "synchronous parity/ECC error on table walk, level 0",
	[0x1d] = "synchronous parity/ECC error on table walk, level 1",
	[0x1e] = "synchronous parity/ECC error on table walk, level 2",
	[0x1f] = "synchronous parity/ECC error on table walk, level 3",
	[0x21] = "alignment fault",
	[0x23] = "granule protection fault on table walk, level -1",
	[0x24] = "granule protection fault on table walk, level 0",
	[0x25] = "granule protection fault on table walk, level 1",
	[0x26] = "granule protection fault on table walk, level 2",
	[0x27] = "granule protection fault on table walk, level 3",
	[0x28] = "granule protection fault",
	[0x29] = "address size fault, level -1",
	[0x2b] = "translation fault, level -1",
	[0x30] = "TLB conflict abort",
	[0x31] = "unsupported atomic hardware update fault",
	[0x34] = "implementation defined fault (lockdown)",
	[0x35] = "implementation defined fault (unsupported exclusive or atomic)",
};

const char *esr_fsc_name(u32 fsc)
{
	if (fsc < ARRAY_SIZE(fsc_names) && fsc_names[fsc])
		return fsc_names[fsc];
	return "reserved FSC";
}

/* Appends to a buffer with snprintf semantics; the total is what the whole line would need. */
struct line {
	char *buf;
	size_t size;
	size_t len;
};

static void add(struct line *l, const char *fmt, ...) __printf(2, 3);

static void add(struct line *l, const char *fmt, ...)
{
	size_t off = l->len < l->size ? l->len : (l->size ? l->size - 1 : 0);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf ? l->buf + off : NULL, l->size - off, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
}

static void describe_abort(struct line *l, u32 iss, bool data)
{
	u32 fsc = (u32)FIELD_GET(ESR_ELx_DFSC, iss);

	if (data) {
		add(l, " ISV %u", (u32)FIELD_GET(ESR_ELx_ISV, iss));
		if (iss & ESR_ELx_ISV)
			add(l, " SAS %u SSE %u SRT %u SF %u AR %u",
			    1U << FIELD_GET(ESR_ELx_SAS, iss), (u32)FIELD_GET(ESR_ELx_SSE, iss),
			    (u32)FIELD_GET(ESR_ELx_SRT, iss), (u32)FIELD_GET(ESR_ELx_SF, iss),
			    (u32)FIELD_GET(ESR_ELx_AR, iss));
		add(l, " VNCR %u", (u32)FIELD_GET(ESR_ELx_VNCR, iss));
	}
	if (fsc == ESR_ELx_FSC_EXTABT || fsc == ESR_ELx_FSC_SERROR)
		add(l, " SET %u", (u32)FIELD_GET(ESR_ELx_SET, iss));
	if (data && fsc == ESR_ELx_FSC_EXCL_ATOMIC)
		add(l, " LST %u", (u32)FIELD_GET(ESR_ELx_LST, iss));
	add(l, " FnV %u EA %u", (u32)FIELD_GET(ESR_ELx_FnV, iss), (u32)FIELD_GET(ESR_ELx_EA, iss));
	if (data)
		add(l, " CM %u", (u32)FIELD_GET(ESR_ELx_CM, iss));
	add(l, " S1PTW %u", (u32)FIELD_GET(ESR_ELx_S1PTW, iss));
	if (data)
		add(l, " WnR %u", (u32)FIELD_GET(ESR_ELx_WnR, iss));
	add(l, " %s 0x%02x (%s)", data ? "DFSC" : "IFSC", fsc, esr_fsc_name(fsc));
}

int esr_describe(u64 esr, char *buf, size_t size)
{
	struct line l = { .buf = buf, .size = size, .len = 0 };
	u32 ec = esr_ec(esr), iss = esr_iss(esr);

	add(&l, "ESR 0x%llx: EC 0x%02x %s, IL %s, ISS 0x%07x", (unsigned long long)esr, ec,
	    esr_ec_name(ec), esr_il32(esr) ? "32-bit" : "16-bit", iss);
	if (FIELD_GET(ESR_ELx_ISS2, esr))
		add(&l, ", ISS2 0x%llx", (unsigned long long)FIELD_GET(ESR_ELx_ISS2, esr));
	add(&l, ":");

	switch (ec) {
	case ESR_ELx_EC_DABT_LOW:
	case ESR_ELx_EC_DABT_CUR:
		describe_abort(&l, iss, true);
		break;
	case ESR_ELx_EC_IABT_LOW:
	case ESR_ELx_EC_IABT_CUR:
		describe_abort(&l, iss, false);
		break;
	case ESR_ELx_EC_SYS64:
		add(&l, " Op0 %u Op1 %u CRn %u CRm %u Op2 %u Rt %u %s",
		    (u32)FIELD_GET(ESR_ELx_SYS64_OP0, iss), (u32)FIELD_GET(ESR_ELx_SYS64_OP1, iss),
		    (u32)FIELD_GET(ESR_ELx_SYS64_CRN, iss), (u32)FIELD_GET(ESR_ELx_SYS64_CRM, iss),
		    (u32)FIELD_GET(ESR_ELx_SYS64_OP2, iss), (u32)FIELD_GET(ESR_ELx_SYS64_RT, iss),
		    (iss & ESR_ELx_SYS64_DIR) ? "read (MRS)" : "write (MSR)");
		break;
	case ESR_ELx_EC_WFx: {
		static const char *const ti[] = { "WFI", "WFE", "WFIT", "WFET" };
		u32 t = (u32)FIELD_GET(ESR_ELx_WFx_TI, iss);

		add(&l, " TI %s", ti[t]);
		if (iss & ESR_ELx_WFx_RV)
			add(&l, " Rn %u", (u32)FIELD_GET(ESR_ELx_WFx_RN, iss));
		if (iss & ESR_ELx_WFx_CV)
			add(&l, " COND 0x%x", (u32)FIELD_GET(ESR_ELx_WFx_COND, iss));
		break;
	}
	case ESR_ELx_EC_SVC32:
	case ESR_ELx_EC_HVC32:
	case ESR_ELx_EC_SMC32:
	case ESR_ELx_EC_SVC64:
	case ESR_ELx_EC_HVC64:
	case ESR_ELx_EC_SMC64:
		add(&l, " imm16 0x%04x", (u32)FIELD_GET(ESR_ELx_xVC_IMM, iss));
		break;
	case ESR_ELx_EC_BRK64:
		add(&l, " comment 0x%04x", (u32)FIELD_GET(ESR_ELx_BRK64_COMMENT, iss));
		break;
	case ESR_ELx_EC_SERROR:
		if (iss & ESR_ELx_SERR_IDS) {
			add(&l, " IDS 1 (implementation defined syndrome 0x%06x)",
			    (u32)(iss & ~ESR_ELx_SERR_IDS));
		} else {
			u32 dfsc = (u32)FIELD_GET(ESR_ELx_SERR_DFSC, iss);

			add(&l, " IESB %u AET %u EA %u DFSC 0x%02x (%s)",
			    (u32)FIELD_GET(ESR_ELx_SERR_IESB, iss), (u32)FIELD_GET(ESR_ELx_SERR_AET, iss),
			    (u32)FIELD_GET(ESR_ELx_SERR_EA, iss), dfsc,
			    dfsc == 0 ? "uncategorized" : dfsc == 0x11 ? "asynchronous SError" : "reserved");
		}
		break;
	case ESR_ELx_EC_WATCHPT_LOW:
	case ESR_ELx_EC_WATCHPT_CUR:
		add(&l, " CM %u WnR %u DFSC 0x%02x", (u32)FIELD_GET(ESR_ELx_CM, iss),
		    (u32)FIELD_GET(ESR_ELx_WATCHPT_WNR, iss), (u32)FIELD_GET(ESR_ELx_DFSC, iss));
		break;
	case ESR_ELx_EC_BREAKPT_LOW:
	case ESR_ELx_EC_BREAKPT_CUR:
	case ESR_ELx_EC_SOFTSTP_LOW:
	case ESR_ELx_EC_SOFTSTP_CUR:
		add(&l, " IFSC 0x%02x", (u32)FIELD_GET(ESR_ELx_IFSC, iss));
		break;
	default:
		/* No fields decoded for this class: the raw ISS above is the whole story. */
		l.len--;	/* drop the ':' */
		if (l.size && l.len < l.size)
			l.buf[l.len] = '\0';
		break;
	}
	return l.len > 2147483647 ? 2147483647 : (int)l.len;
}
