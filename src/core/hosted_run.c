// SPDX-License-Identifier: MIT
/* Running a hosted VM's vCPU on the host's CPU (docs/hosted.md). */
#include "core/hosted.h"

s64 hosted_vcpu_run(struct vcpu *host_vcpu, u64 handle, u64 vcpu, u64 run_pa)
{
	(void)handle;
	(void)vcpu;
	(void)run_pa;
	(void)host_vcpu;
	return MOAT_EINVAL;
}
