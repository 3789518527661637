/* SPDX-License-Identifier: MIT */
/* Calls into firmware (PSCI, SMCCC): x0..x3 in, x0 out. */
	.text
	.globl fw_smc
fw_smc:
	smc	#0
	ret
	.globl fw_hvc
fw_hvc:
	hvc	#0
	ret
