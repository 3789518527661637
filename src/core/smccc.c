// SPDX-License-Identifier: MIT
/*
 * SMCCC calls from guests, by HVC or trapped SMC: the Arm architecture
 * service (VERSION, ARCH_FEATURES), PSCI, and moat's own calls. Every
 * argument is guest input; every unknown function id gets NOT_SUPPORTED.
 */
#include "core/exit.h"
#include "core/firmware.h"
#include "core/hypercall.h"
#include "core/psci.h"
#include "core/spectre.h"
#include "core/vm.h"
#include "emul/at.h"
#include "lib/log.h"

static s64 console_write(struct vcpu *v, u64 ipa, u64 len)
{
	char buf[MOAT_HC_CONSOLE_MAX];
	u64 start = 0;

	if (len > MOAT_HC_CONSOLE_MAX || vm_read_guest(v->vm, buf, ipa_init(ipa), len))
		return SMCCC_RET_INVALID_PARAMETER;
	/* A guest cannot print control sequences or fake moat's own lines. */
	for (u64 i = 0; i < len; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\n')
			buf[i] = '?';
	/* One log line per guest line, each with the VM's name in front. */
	for (u64 i = 0; i < len; i++) {
		if (buf[i] == '\n' || i == len - 1) {
			u64 end = buf[i] == '\n' ? i : i + 1;

			log_info("%s: %.*s", v->vm->name, (int)(end - start), buf + start);
			start = i + 1;
		}
	}
	return (s64)len;
}

static s64 test_report(struct vcpu *v, u64 ok, u64 ipa, u64 len)
{
	char name[MOAT_HC_TEST_NAME_MAX];

	if (len == 0 || len > MOAT_HC_TEST_NAME_MAX || vm_read_guest(v->vm, name, ipa_init(ipa), len))
		return SMCCC_RET_INVALID_PARAMETER;
	for (u64 i = 0; i < len; i++)
		if (name[i] < 0x20 || name[i] > 0x7e)
			name[i] = '?';
	log_info("%s: %s - %.*s", v->vm->name, ok ? "ok" : "not ok", (int)len, name);
	return 0;
}

/*
 * ARCH_FEATURES for the mitigation calls is answered by asking the
 * firmware: it knows whether this CPU needs them. Everything else moat
 * implements is SUCCESS; the rest NOT_SUPPORTED.
 */
static s64 arch_features(u64 fid)
{
	switch ((u32)fid) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return SMCCC_RET_SUCCESS;
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_2:
	case SMCCC_ARCH_WORKAROUND_3:
		return firmware_call(SMCCC_ARCH_FEATURES, fid, 0, 0);
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}

void handle_smccc(struct vcpu *v)
{
	u64 *x = v->ctx.x;
	u32 fid = (u32)x[0];
	s64 ret;

	switch (fid) {
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		ret = arch_features(x[1]);
		break;
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_3:
		/* The firmware knows what this CPU needs (ARCH_FEATURES asked it). */
		firmware_call(fid, 0, 0, 0);
		return;
	case SMCCC_ARCH_WORKAROUND_2:
		/*
		 * The SSB mitigation is per CPU, for moat too: a guest may ask
		 * for it on, never off (the guest just keeps it).
		 */
		if (spectre_wa2_forward(x[1]))
			firmware_call(fid, 1, 0, 0);
		return;
	case MOAT_HC_NOP:
		ret = 0;
		break;
	case MOAT_HC_CONSOLE_WRITE:
		ret = console_write(v, x[1], x[2]);
		break;
	case MOAT_HC_TEST_REPORT:
		ret = test_report(v, x[1], x[2], x[3]);
		break;
	case MOAT_HC_AT_TRANSLATE:	/* software stage-1 walk (emul/at.c, core/at_glue.c) */
		ret = at_hc_translate(v, x[1], x[2]);
		break;
	case MOAT_HC_EXIT:
		vm_stop(v->vm, (int)x[1]);
		return;
	default:
		if (handle_psci(v))
			return;
		vcpu_log(v, LOG_DEBUG, "unknown SMCCC function 0x%08x", fid);
		ret = SMCCC_RET_NOT_SUPPORTED;
		break;
	}
	x[0] = (u64)ret;
}
