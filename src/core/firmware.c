// SPDX-License-Identifier: MIT
#include "core/firmware.h"
#include "core/psci.h"

s64 fw_smc(u64 fid, u64 a1, u64 a2, u64 a3);
s64 fw_hvc(u64 fid, u64 a1, u64 a2, u64 a3);

static enum psci_conduit fw_conduit;

void firmware_init(enum psci_conduit conduit)
{
	fw_conduit = conduit;
}

enum psci_conduit firmware_conduit_at_el2(enum psci_conduit conduit)
{
	return conduit == PSCI_CONDUIT_HVC ? PSCI_CONDUIT_NONE : conduit;
}

s64 firmware_call(u64 fid, u64 a1, u64 a2, u64 a3)
{
	switch (fw_conduit) {
	case PSCI_CONDUIT_SMC:
		return fw_smc(fid, a1, a2, a3);
	case PSCI_CONDUIT_HVC:
		return fw_hvc(fid, a1, a2, a3);
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

void firmware_system_off(void)
{
	firmware_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

const char *psci_ret_name(s64 ret)
{
	static const char *const names[] = {
		"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED", "ALREADY_ON",
		"ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT", "DISABLED", "INVALID_ADDRESS",
	};
	if (ret <= 0 && ret >= -9)
		return names[-ret];
	return "unknown";
}
