/* SPDX-License-Identifier: MIT */
/*
 * The guest-facing call ABI: SMCCC 1.1 calls moat answers, and moat's own
 * hypercalls for test guests. The one ABI header between moat and what
 * runs in its VMs (the test guests in tests/guests, and later host/): it
 * holds constants only.
 *
 * moat's calls live in the SMCCC "vendor specific hypervisor service" range
 * (owner 6), fast calls, SMC64 convention: function id in w0, arguments in
 * x1..x3, result in x0 (negative = error). An id moat does not know returns
 * SMCCC_RET_NOT_SUPPORTED (-1), whatever the range.
 */
#ifndef MOAT_HYPERCALL_H
#define MOAT_HYPERCALL_H

/* SMCCC (Arm DEN 0028). */
#define SMCCC_VERSION			0x80000000u
#define SMCCC_ARCH_FEATURES		0x80000001u
#define SMCCC_ARCH_SOC_ID		0x80000002u
#define SMCCC_ARCH_WORKAROUND_1		0x80008000u
#define SMCCC_ARCH_WORKAROUND_2		0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3		0x80003fffu
#define SMCCC_VERSION_1_1		0x10001
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		(-1)
#define SMCCC_RET_NOT_REQUIRED		(-2)
#define SMCCC_RET_INVALID_PARAMETER	(-3)

/* Function-id fields. */
#define SMCCC_FAST_CALL			0x80000000u
#define SMCCC_SMC64			0x40000000u
#define SMCCC_OWNER_SHIFT		24
#define SMCCC_OWNER_MASK		0x3fu
#define SMCCC_OWNER_VENDOR_HYP		6

/*
 * The test hypercalls CONSOLE_WRITE, TEST_PLAN, TEST_REPORT and
 * AT_TRANSLATE answer only VMs whose config has "test-device"; any other
 * VM gets SMCCC_RET_NOT_SUPPORTED. (NOP and EXIT answer every VM.)
 *
 * MOAT_HC_CONSOLE_WRITE(ipa, len): print len (<= 512) bytes at guest
 * physical address ipa on the console, one line per guest line, as
 * "moat: VM| TEXT" (a '|', never the ':' of moat's own lines; bytes
 * outside printable ASCII become '?'). The lines count against the VM's
 * log budget (a few per second) and beyond it are dropped, counted.
 * Returns len, or SMCCC_RET_INVALID_PARAMETER when the buffer is not
 * entirely in the VM's RAM or len is too large.
 */
#define MOAT_HC_CONSOLE_WRITE		0xc6000001u
#define MOAT_HC_CONSOLE_MAX		512
/*
 * MOAT_HC_TEST_REPORT(ok, ipa, len): record one check of a test guest;
 * ok is 1 (passed) or 0 (failed). moat prints "moat: VM: ok - NAME" or
 * "moat: VM: not ok - NAME" where NAME is the len (<= 128) bytes at ipa,
 * and counts it; when the VM stops moat prints
 * "moat: VM: reports: A ok, B not ok". Reports are verdicts, so the log
 * budget never drops them; instead a VM may make at most
 * MOAT_HC_TEST_REPORTS_MAX of them. Returns 0, or INVALID_PARAMETER (bad
 * ok, name or buffer; the report limit reached).
 */
#define MOAT_HC_TEST_REPORT		0xc6000002u
#define MOAT_HC_TEST_NAME_MAX		128
#define MOAT_HC_TEST_REPORTS_MAX	1024
/*
 * MOAT_HC_EXIT(status): stop the calling VM. moat prints
 * "moat: VM: exited with status N"; when every VM has stopped, it powers
 * the machine off through firmware (QEMU exits). Does not return.
 */
#define MOAT_HC_EXIT			0xc6000003u
/* MOAT_HC_NOP(): returns 0 at once; the cheapest round trip into moat. */
#define MOAT_HC_NOP			0xc6000004u

/*
 * MOAT_HC_AT_TRANSLATE(va, op): translate @va of the calling vCPU with the
 * software stage-1 walker (emul/at.c), as the AT instruction @op (enum
 * at_op: S1E1R, S1E1W, S1E0R, S1E0W, S1E1RP, S1E1WP) would, using the
 * vCPU's live EL1 registers. Returns the PAR_EL1 value; -3 for a bad op.
 */
#define MOAT_HC_AT_TRANSLATE		0xc6000005u

/*
 * MOAT_HC_TEST_PLAN(n): declare that the guest makes n (<=
 * MOAT_HC_TEST_REPORTS_MAX) checks; moat prints "moat: VM: plan N". Once
 * per VM. Returns 0, or INVALID_PARAMETER (too many, or declared before).
 */
#define MOAT_HC_TEST_PLAN		0xc6000006u

/* Emulated test device (tests/guests, configs with "moat,test-device"). */
#define MOAT_TESTDEV_BASE		0x0b000000ULL	/* guest IPA */
#define MOAT_TESTDEV_SIZE		0x1000
/*
 * Register map: 0x000 SCRATCH (read/write, 64-bit, all access sizes act on
 * the low bytes), 0x008 MAGIC (read-only 0x6d6f61745f746476 "moat_tdv";
 * narrower reads return its low bytes), 0x010 NEG (read-only
 * 0x8899aabbccddeeff: every low byte, halfword and word is negative, so sign
 * extension shows),
 * 0x018 COUNT (number of accesses so far, read-only). Other offsets read as
 * zero and ignore writes.
 */
#define MOAT_TESTDEV_SCRATCH		0x000
#define MOAT_TESTDEV_MAGIC		0x008
#define MOAT_TESTDEV_NEG		0x010
#define MOAT_TESTDEV_COUNT		0x018
#define MOAT_TESTDEV_MAGIC_VALUE	0x6d6f61745f746476ULL
#define MOAT_TESTDEV_NEG_VALUE		0x8899aabbccddeeffULL

#endif
