// SPDX-License-Identifier: MIT
/*
 * The host's stage-2 aborts (docs/host-mode.md): kept apart from the rest
 * of core/host.c so the exit path and its tests need only the ownership
 * code, not the host's set-up.
 */
#include "core/host.h"
#include "core/vm.h"

void host_stage2_abort(struct vcpu *v, u64 ipa, enum mem_access acc)
{
	int ret = mem_host_fault(v->vm->host, ipa, acc, NULL);

	if (ret == MEM_FAULT_MAPPED || ret == MEM_FAULT_RETRY)
		return;		/* the host repeats the access */
	vcpu_log(v, LOG_WARN, "%s of PA 0x%llx at PC 0x%llx: %s: external abort injected",
		 acc == MEM_ACCESS_EXEC ? "instruction fetch" :
		 acc == MEM_ACCESS_WRITE ? "write" : "read", (unsigned long long)ipa,
		 (unsigned long long)v->ctx.pc,
		 ret == MEM_FAULT_DENIED ? "not the host's memory" : "no memory to map it");
	vcpu_inject_ext_abort(v, v->ctx.far, acc == MEM_ACCESS_EXEC);
}
