// SPDX-License-Identifier: MIT
/*
 * PSCI 1.1 for guests (Arm DEN 0022). Each vCPU is pinned to its own
 * physical CPU, so powering a vCPU on is committing its entry state and
 * waking that CPU: it is ON from the moment CPU_ON succeeds, which is why
 * concurrent callers see ALREADY_ON rather than ON_PENDING.
 */
#include "arch/barrier.h"
#include "arch/regs.h"
#include "core/exit.h"
#include "core/hosted.h"
#include "moat/hypercall.h"
#include "core/psci.h"
#include "core/vm.h"
#include "lib/log.h"

#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1

static struct vcpu *vcpu_by_mpidr(struct vm *vm, u64 mpidr)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		if ((vm->vcpus[i].vmpidr & MPIDR_AFFINITY_MASK) == (mpidr & MPIDR_AFFINITY_MASK))
			return &vm->vcpus[i];
	return NULL;
}

static s64 psci_cpu_on(struct vcpu *v, u64 mpidr, u64 entry, u64 context_id, bool is32)
{
	struct vcpu *t;
	s64 ret;

	if (is32) {
		mpidr &= 0xffffffff;
		entry &= 0xffffffff;
		context_id &= 0xffffffff;
	}
	if (mpidr & ~MPIDR_AFFINITY_MASK)
		return PSCI_RET_INVALID_PARAMS;
	t = vcpu_by_mpidr(v->vm, mpidr);
	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	if ((entry & 3) || !(v->vm->hosted ? hosted_ipa_is_ram(v->vm, entry) : vm_ipa_in_ram(v->vm, ipa_init(entry), 4)))
		return PSCI_RET_INVALID_ADDRESS;

	spin_lock(&t->lock);
	if (READ_ONCE(v->vm->resetting) || v->vm->stopped) {
		ret = PSCI_RET_DENIED;
	} else if (t->power == VCPU_ON || t->power == VCPU_ON_PENDING) {
		ret = PSCI_RET_ALREADY_ON;
	} else if (t->power == VCPU_STOPPED) {
		ret = PSCI_RET_DENIED;
	} else {
		t->entry = entry;
		t->context_id = context_id;
		t->reset = true;
		/* Its CPU reads power with acquire (cpu_idle), then entry and context. */
		smp_store_release(&t->power, VCPU_ON);
		ret = PSCI_RET_SUCCESS;
	}
	spin_unlock(&t->lock);
	if (ret == PSCI_RET_SUCCESS)
		vcpu_kick(t);
	return ret;
}

static s64 psci_affinity_info(struct vcpu *v, u64 mpidr, u64 level, bool is32)
{
	struct vcpu *t;

	if (is32)
		mpidr &= 0xffffffff;
	if (level != 0 || (mpidr & ~MPIDR_AFFINITY_MASK))
		return PSCI_RET_INVALID_PARAMS;
	t = vcpu_by_mpidr(v->vm, mpidr);
	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	return t->power == VCPU_ON ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
}

static s64 psci_features(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	/*
	 * PSCI 1.0+: FEATURES is how an OS discovers SMCCC_VERSION (Linux's
	 * psci_init_smccc() assumes SMCCC 1.0, and so never asks for the
	 * ARCH_WORKAROUND_* mitigations, unless this says it is there).
	 */
	case SMCCC_VERSION:
		return PSCI_RET_SUCCESS;
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_SUSPEND_32:
		return 0;	/* original power_state format, no OS-initiated mode */
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

bool handle_psci(struct vcpu *v)
{
	u64 *x = v->ctx.x;
	u32 fid = (u32)x[0];
	s64 ret;

	switch (fid) {
	case PSCI_VERSION:
		ret = 0x10001;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = psci_cpu_on(v, x[1], x[2], x[3], fid == PSCI_CPU_ON_32);
		break;
	case PSCI_CPU_OFF:
		vcpu_power_off(v);
		return true;	/* does not return to the caller */
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* Treated as standby: wait like WFI, then return SUCCESS. */
		vcpu_wait_for_interrupt(v);
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = psci_affinity_info(v, x[1], x[2], fid == PSCI_AFFINITY_INFO_32);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2;	/* no Trusted OS that needs migration */
		break;
	case PSCI_SYSTEM_OFF:
		/* A hosted VM's end is for its host to handle (MOAT_EXIT_SYSTEM_EVENT). */
		if (v->vm->hosted)
			hosted_system_event(v->vm, MOAT_SYSTEM_OFF);
		else
			vm_stop(v->vm, 0);
		return true;
	case PSCI_SYSTEM_RESET:
		if (v->vm->hosted)
			hosted_system_event(v->vm, MOAT_SYSTEM_RESET);
		else
			vm_request_reset(v->vm);
		return true;
	case PSCI_FEATURES:
		ret = psci_features((u32)x[1]);
		break;
	default:
		return false;
	}
	x[0] = (u64)ret;
	return true;
}
