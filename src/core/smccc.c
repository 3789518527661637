// SPDX-License-Identifier: MIT
/*
 * SMCCC calls from guests, by HVC or trapped SMC: the Arm architecture
 * service (VERSION, ARCH_FEATURES), PSCI, and moat's own calls. Every
 * argument is guest input; every unknown function id gets NOT_SUPPORTED.
 */
#include "core/exit.h"
#include "core/firmware.h"
#include "core/hosted.h"
#include "moat/hypercall.h"
#include "core/psci.h"
#include "core/spectre.h"
#include "core/vm.h"
#include "emul/at.h"
#include "lib/log.h"

/* Keeps the printable ASCII of @buf; anything else becomes '?'. */
static void printable(char *buf, u64 len)
{
	for (u64 i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			buf[i] = '?';
}

/* guest_entry.S answers these itself (its fast path). */
_Static_assert(FAST_FID_SMCCC_VERSION == SMCCC_VERSION, "fast path fid");
_Static_assert(FAST_FID_MOAT_HC_NOP == MOAT_HC_NOP, "fast path fid");
_Static_assert(FAST_SMCCC_VERSION_1_1 == SMCCC_VERSION_1_1, "fast path answer");

static s64 console_write(struct vcpu *v, u64 ipa, u64 len)
{
	char buf[MOAT_HC_CONSOLE_MAX];
	u64 start = 0;

	if (len > MOAT_HC_CONSOLE_MAX || vm_read_guest(v->vm, buf, ipa_init(ipa), len))
		return SMCCC_RET_INVALID_PARAMETER;
	/*
	 * One log line per guest line, marked "VM|": moat's own lines say
	 * "VM:", so a guest cannot write a line that looks like a verdict.
	 * Guest text, so the VM's log budget applies.
	 */
	for (u64 i = 0; i < len; i++) {
		if (buf[i] == '\n' || i == len - 1) {
			u64 end = buf[i] == '\n' ? i : i + 1;

			printable(buf + start, end - start);
			log_printf_ratelimited(&v->vm->log_rl, LOG_INFO, "%s| %.*s", v->vm->name,
					       (int)(end - start), buf + start);
			start = i + 1;
		}
	}
	return (s64)len;
}

/*
 * Reports are the test verdicts: never dropped by the log budget, so
 * their number is bounded instead (MOAT_HC_TEST_REPORTS_MAX per VM).
 */
static s64 test_report(struct vcpu *v, u64 ok, u64 ipa, u64 len)
{
	struct testdev *t = &v->vm->testdev;
	char name[MOAT_HC_TEST_NAME_MAX];

	if (ok > 1 || len == 0 || len > MOAT_HC_TEST_NAME_MAX ||
	    vm_read_guest(v->vm, name, ipa_init(ipa), len))
		return SMCCC_RET_INVALID_PARAMETER;
	if (t->reports_ok + t->reports_failed >= MOAT_HC_TEST_REPORTS_MAX) {
		vcpu_log(v, LOG_WARN, "more than %u test reports: refused", MOAT_HC_TEST_REPORTS_MAX);
		return SMCCC_RET_INVALID_PARAMETER;
	}
	printable(name, len);
	if (ok)
		t->reports_ok++;
	else
		t->reports_failed++;
	log_info("%s: %s - %.*s", v->vm->name, ok ? "ok" : "not ok", (int)len, name);
	return 0;
}

static s64 test_plan(struct vcpu *v, u64 n)
{
	struct testdev *t = &v->vm->testdev;

	/*
	 * One plan per VM lifetime. A guest that resets itself (SYSTEM_RESET)
	 * runs its start-up again and may repeat the same plan; a different
	 * one would let it move the goalposts after some of its reports.
	 */
	if (n > MOAT_HC_TEST_REPORTS_MAX || (t->planned && n != t->plan))
		return SMCCC_RET_INVALID_PARAMETER;
	if (t->planned)
		return 0;
	t->planned = true;
	t->plan = (u32)n;
	log_info("%s: plan %u", v->vm->name, t->plan);
	return 0;
}

/* moat's calls for test guests: only for VMs configured with "test-device". */
static s64 test_call(struct vcpu *v, u32 fid)
{
	u64 *x = v->ctx.x;

	if (!v->vm->cfg->test_device)
		return SMCCC_RET_NOT_SUPPORTED;
	switch (fid) {
	case MOAT_HC_CONSOLE_WRITE:
		return console_write(v, x[1], x[2]);
	case MOAT_HC_TEST_REPORT:
		return test_report(v, x[1], x[2], x[3]);
	case MOAT_HC_TEST_PLAN:
		return test_plan(v, x[1]);
	default:	/* software stage-1 walk (emul/at.c, core/at_glue.c) */
		return at_hc_translate(v, x[1], x[2]);
	}
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
	case MOAT_HC_TEST_REPORT:
	case MOAT_HC_TEST_PLAN:
	case MOAT_HC_AT_TRANSLATE:
		ret = test_call(v, fid);
		break;
	case MOAT_HC_EXIT:
		vm_stop(v->vm, (int)x[1]);
		return;
	default:
		/* The host's calls (core/hosted.c): NOT_SUPPORTED to any other VM. */
		if (hosted_fid(fid)) {
			ret = hosted_call(v);
			break;
		}
		if (handle_psci(v))
			return;
		vcpu_log(v, LOG_DEBUG, "unknown SMCCC function 0x%08x", fid);
		ret = SMCCC_RET_NOT_SUPPORTED;
		break;
	}
	x[0] = (u64)ret;
}
