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

/* ---- Host calls: VMs created by the host at run time ------------------
 *
 * docs/hosted.md. These calls answer only the host VM (a config node with
 * 'host;'); any other VM gets SMCCC_RET_NOT_SUPPORTED. moat checks every
 * argument as if the host were a guest.
 *
 * Results: >= 0 is success; a failure is a negative Linux errno value
 * (MOAT_E*), never -1, which stays SMCCC's NOT_SUPPORTED. The module can
 * hand them to userspace as they are.
 *
 * Addresses the host passes (donations, list pages, run pages) are
 * physical addresses of whole pages the host owns (not shared, not given
 * to moat or a VM); anything else is MOAT_EFAULT.
 */
#define MOAT_HOST_ABI_VERSION		1

#define MOAT_EACCES			(-13)	/* the page is not the caller's to give */
#define MOAT_ENOENT			(-2)	/* no such VM handle or vCPU */
#define MOAT_ENOMEM			(-12)	/* the donation is used up */
#define MOAT_EFAULT			(-14)	/* an address outside what the caller owns */
#define MOAT_EBUSY			(-16)	/* the vCPU is running elsewhere, or the VM is */
#define MOAT_EEXIST			(-17)	/* the IPA is already mapped, the vCPU already made */
#define MOAT_EINVAL			(-22)	/* a bad value */
#define MOAT_ENOSPC			(-28)	/* no VM slot left */

/* MOAT_HC_HOST_VERSION(): MOAT_HOST_ABI_VERSION. The module refuses to load on a mismatch. */
#define MOAT_HC_HOST_VERSION		0xc6000010u
/*
 * MOAT_HC_VM_DONATION(nr_vcpus, mem_bytes): how many pages the host must
 * donate to create a VM of that size (its struct, vCPUs, stage-2 tables).
 */
#define MOAT_HC_VM_DONATION		0xc6000011u
/*
 * MOAT_HC_VM_CREATE(config, donation_pa, donation_pages): create a VM.
 * config = MOAT_VM_CFG(nr_vcpus, ipa_bits, flags). The donation is
 * physically contiguous, page aligned and host-owned; it leaves the
 * host's stage-2 (owner moat) until MOAT_HC_VM_DESTROY scrubs it and
 * gives it back. Returns a handle (> 0).
 */
#define MOAT_HC_VM_CREATE		0xc6000012u
#define MOAT_VM_PROTECTED		0x1u	/* the host loses access to the VM's RAM */
#define MOAT_VM_CFG(nr_vcpus, ipa_bits, flags) \
	((unsigned long)(nr_vcpus) | ((unsigned long)(ipa_bits) << 8) | ((unsigned long)(flags) << 16))
#define MOAT_VM_CFG_VCPUS(c)		((c) & 0xffu)
#define MOAT_VM_CFG_IPA_BITS(c)		(((c) >> 8) & 0xffu)
#define MOAT_VM_CFG_FLAGS(c)		(((c) >> 16) & 0xffffu)
#define MOAT_VM_MAX_VCPUS		8
#define MOAT_VM_MIN_IPA_BITS		32
#define MOAT_VM_MAX_IPA_BITS		40
/*
 * MOAT_HC_VM_MAP(handle, ipa, list_pa, count): map count (<=
 * MOAT_MAP_BATCH) host pages into the VM's RAM at ipa, ipa + 4 KiB, ...;
 * the host page at list_pa holds their physical addresses (u64 each).
 * A protected VM's pages are donated (owner = the VM); others are shared
 * (the host keeps access). Runs that are contiguous and 2 MiB aligned in
 * both spaces are mapped as blocks. Returns count, or an error with
 * nothing mapped.
 */
#define MOAT_HC_VM_MAP			0xc6000013u
#define MOAT_MAP_BATCH			512
/* MOAT_HC_VCPU_INIT(handle, vcpu, pc, x0): vCPU 0 starts ON at pc with x0; the others OFF, for PSCI CPU_ON. */
#define MOAT_HC_VCPU_INIT		0xc6000014u
/*
 * MOAT_HC_VCPU_RUN(handle, vcpu, run_pa): run the vCPU on this physical
 * CPU until it needs the host. run_pa is a host page holding a struct
 * moat_run: moat writes the exit into it, and on the next run reads the
 * data of an MMIO read from it. Returns the exit reason (MOAT_EXIT_*).
 */
#define MOAT_HC_VCPU_RUN		0xc6000015u
/* MOAT_HC_VM_IRQ_LINE(handle, intid, level): drive SPI intid (32..) of the VM's vGIC. */
#define MOAT_HC_VM_IRQ_LINE		0xc6000016u
/* MOAT_HC_VM_DESTROY(handle): no vCPU may be running; RAM and donation scrubbed and returned. */
#define MOAT_HC_VM_DESTROY		0xc6000017u
/* MOAT_HC_MEM_CHECK(): run the ownership checker over every stage-2; 0 or MOAT_EINVAL. */
#define MOAT_HC_MEM_CHECK		0xc6000018u
/* MOAT_HC_MEM_STATS(which): one of moat's memory counters. */
#define MOAT_HC_MEM_STATS		0xc6000019u
#define MOAT_STAT_FREE_PAGES		0	/* pages free in moat's pool */
#define MOAT_STAT_HOST_PAGES		1	/* pages owned by the host (not lent out) */
#define MOAT_STAT_VMS			2	/* hosted VMs alive */

/*
 * MOAT_HC_EXIT_STATS(vm, vcpu, reason): exit statistics (docs/console.md,
 * "Exit statistics"). vm: 0 for the host itself, else a hosted VM's
 * handle; vcpu: its index, or MOAT_XSTAT_ALL_VCPUS for their sum; reason:
 * MOAT_XSTAT_*. Returns the number of exits in x0 and the ticks moat spent
 * on them (CNTPCT_EL0, from each exit to the next entry) in x1; the fast
 * paths (HVC_FAST, SYSREG_FAST) are counted, not timed.
 * MOAT_HC_EXIT_STATS_RESET(vm): zero them (vm as above).
 */
#define MOAT_HC_EXIT_STATS		0xc600001au
#define MOAT_HC_EXIT_STATS_RESET	0xc600001bu
#define MOAT_XSTAT_ALL_VCPUS		0xffffffffu
#define MOAT_XSTAT_IRQ			0
#define MOAT_XSTAT_WFI			1
#define MOAT_XSTAT_WFE			2
#define MOAT_XSTAT_HVC_FAST		3
#define MOAT_XSTAT_HVC_SMCCC		4
#define MOAT_XSTAT_HVC_PSCI		5
#define MOAT_XSTAT_HVC_MOAT		6
#define MOAT_XSTAT_SMC			7
#define MOAT_XSTAT_SYSREG		8
#define MOAT_XSTAT_SYSREG_FAST		9
#define MOAT_XSTAT_MMIO_GICD		10
#define MOAT_XSTAT_MMIO_GICR		11
#define MOAT_XSTAT_MMIO_PL011		12
#define MOAT_XSTAT_MMIO_OTHER		13	/* hosted VMs: every exit to the VMM */
#define MOAT_XSTAT_ABORT		14
#define MOAT_XSTAT_FP			15
#define MOAT_XSTAT_SERROR		16
#define MOAT_XSTAT_OTHER		17
#define MOAT_XSTAT_NR			18

/* Exit reasons of MOAT_HC_VCPU_RUN. */
#define MOAT_EXIT_IRQ			1	/* a physical interrupt for the host: take it, run again */
#define MOAT_EXIT_MMIO			2	/* an access moat does not emulate: run.mmio */
#define MOAT_EXIT_WFI			3	/* waiting: sleep until run.wfi.deadline or a doorbell */
#define MOAT_EXIT_OFF			4	/* the vCPU is off (not started, CPU_OFF): wait for a doorbell */
#define MOAT_EXIT_SYSTEM_EVENT		5	/* PSCI SYSTEM_OFF or SYSTEM_RESET: run.system_event */

#define MOAT_SYSTEM_OFF			1
#define MOAT_SYSTEM_RESET		2

/*
 * The run page. Fixed-size fields only, the same layout for moat and the
 * module (both LP64, little-endian).
 */
struct moat_run {
	unsigned int reason;		/* MOAT_EXIT_*, also the return value */
	unsigned int pad;
	union {
		struct {
			unsigned long long addr;	/* guest IPA */
			unsigned long long data;	/* write: the value; read: the host puts it here */
			unsigned int len;		/* 1, 2, 4 or 8 */
			unsigned int is_write;
		} mmio;
		struct {
			/* The host's virtual counter (CNTVCT_EL0) value when the guest's timer fires; 0: none. */
			unsigned long long deadline;
		} wfi;
		struct {
			unsigned int type;		/* MOAT_SYSTEM_* */
		} system_event;
	};
};

/*
 * What a hosted VM sees: moat emulates its GICv3 (distributor and one
 * redistributor frame pair per vCPU) at these IPAs and nothing else; every
 * other access outside RAM exits to the host (MOAT_EXIT_MMIO). Timers are
 * the architecture's, on the usual PPIs (virtual 27, physical 30).
 */
#define MOAT_HOSTED_GICD_BASE		0x08000000ULL
#define MOAT_HOSTED_GICD_SIZE		0x10000ULL
#define MOAT_HOSTED_GICR_BASE		0x080a0000ULL
#define MOAT_HOSTED_GICR_STRIDE		0x20000ULL
#define MOAT_HOSTED_NR_SPIS		64	/* INTIDs 32..95 */

/*
 * The doorbell: moat raises a virtual SPI in the host when a hosted vCPU
 * that is not running gets an interrupt (an SGI from a sibling, a line),
 * so its thread wakes. The host's device tree has a node
 * compatible = "moat,hypervisor" whose 'interrupts' names it.
 */
#define MOAT_DT_COMPATIBLE		"moat,hypervisor"

#endif
