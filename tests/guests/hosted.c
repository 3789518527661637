/* SPDX-License-Identifier: MIT */
/*
 * VMs created by the host (docs/hosted.md), end to end at EL2: this guest
 * is the host (configs/hosted.dts) and plays the module and the VMM. It
 * donates pages, creates a protected VM, maps the code of
 * tests/guests/hosted_vm.S into it and runs its two vCPUs, checking each
 * exit: MMIO reads (completed with the host's data, sign-extended as the
 * guest's instruction said) and writes, PSCI CPU_ON of the second vCPU
 * raising the doorbell in this host's vGIC, WFI with the guest's timer
 * deadline, CPU_OFF, the host's own timer ending a run of a guest that
 * spins. Its EL1 state survives every run. The protected VM's page is an
 * abort for the host, and comes back zeroed at destroy; a non-protected
 * VM's page is shared. With the host's second CPU running a vCPU, the
 * same vCPU cannot run here nor its VM be destroyed, and an SGI to that
 * host vCPU ends the run over there. Memory counters and the checker are
 * as before.
 */
#include "gic.h"
#include "smp.h"
#include "hostcall.h"

GUEST_PLAN(73);

#define CODE_IPA	0x80000000ULL
#define DEV		0x0a000000ULL
#define GICD		0x08000000ULL
#define GICD_ISPENDR	0x200
#define GICD_ICPENDR	0x280
#define SECRET		0x5ec2e7005ec2e700ULL
#define HOST_TPIDR	0x7e57ab1e00c0ffeeULL
#define FDT_MAGIC	0xd00dfeedu

extern char hosted_vm_code[], hosted_vm_code_end[], hosted_vm_state[], hosted_vm_state_end[];
extern uint64_t guest_dtb;
/* The host's own d0 (tests/guests/hosted_vm.S): this C code is built without FP registers. */
void host_fp_set(uint64_t val);
uint64_t host_fp_get(void);

/* The host's second CPU (secondary_main): one run when told, then the result. */
static volatile uint32_t s_ready, s_go, s_done;
static volatile int64_t s_vm, s_result;

static volatile struct moat_run *run_page;
static uint64_t run_pa, list_pa, don_pa, ram_pa;

static int64_t run(int64_t vm, uint64_t vcpu)
{
	return hc(MOAT_HC_VCPU_RUN, (uint64_t)vm, vcpu, run_pa, 0);
}

static uint32_t be32(uint64_t a)
{
	const volatile uint8_t *p = (const volatile uint8_t *)a;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool str_is(uint64_t a, const char *s)
{
	const volatile char *p = (const volatile char *)a;

	while (*s)
		if (*p++ != *s++)
			return false;
	return *p == '\0';
}

/* The doorbell's INTID, from the node compatible = MOAT_DT_COMPATIBLE in this host's tree; 0: none. */
static uint32_t doorbell_intid(void)
{
	uint64_t fdt = guest_dtb, off, end, str;
	uint32_t irq = 0;
	bool ours = false;

	if (!fdt || be32(fdt) != FDT_MAGIC)
		return 0;
	end = fdt + be32(fdt + 4);
	str = fdt + be32(fdt + 12);
	off = fdt + be32(fdt + 8);
	while (off + 4 <= end) {
		uint32_t tok = be32(off), len;

		off += 4;
		if (tok == 1) {		/* FDT_BEGIN_NODE */
			ours = false;
			irq = 0;
			while (off < end && *(const volatile char *)off)
				off++;
			off = (off + 4) & ~3ULL;
		} else if (tok == 3) {	/* FDT_PROP */
			len = be32(off);
			if (str_is(str + be32(off + 4), "compatible") && str_is(off + 8, MOAT_DT_COMPATIBLE))
				ours = true;
			if (len == 12 && str_is(str + be32(off + 4), "interrupts") &&
			    be32(off + 8) == 0)		/* GIC_SPI */
				irq = be32(off + 12) + 32;
			/* Properties in any order (libfdt adds new ones first). */
			if (ours && irq)
				return irq;
			off = (off + 8 + len + 3) & ~3ULL;
		} else if (tok == 9) {	/* FDT_END */
			break;
		}
	}
	return 0;
}

static bool doorbell_pending(uint32_t intid)
{
	return (mmio_read32(GICD + GICD_ISPENDR + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

static bool mmio_exit(int64_t r, uint64_t addr, uint32_t len, bool write)
{
	return r == MOAT_EXIT_MMIO && run_page->reason == MOAT_EXIT_MMIO &&
	       run_page->mmio.addr == addr && run_page->mmio.len == len &&
	       run_page->mmio.is_write == (write ? 1u : 0u);
}

/* Map the code page and three more, contiguous, at CODE_IPA; the code is copied in first. */
static int64_t map_blob(int64_t vm, const char *code, const char *end)
{
	volatile uint64_t *list = (volatile uint64_t *)list_pa;
	const uint32_t *src = (const uint32_t *)code;
	volatile uint32_t *dst = (volatile uint32_t *)ram_pa;

	for (uint64_t i = 0; i < 4 * 4096 / 4; i++)
		dst[i] = 0;
	for (uint64_t i = 0; i < (uint64_t)(end - code) / 4; i++)
		dst[i] = src[i];
	for (uint64_t i = 0; i < 4; i++)
		list[i] = ram_pa + i * 4096;
	return hc(MOAT_HC_VM_MAP, (uint64_t)vm, CODE_IPA, list_pa, 4);
}

static int64_t map_code(int64_t vm)
{
	return map_blob(vm, hosted_vm_code, hosted_vm_code_end);
}

#define HOST_BVR	0x0000000040001000ULL
#define HOST_BCR	0x1e4ULL	/* BAS 0xf, PMC EL1, E = 0 */
#define GUEST_BVR	0x0000000080001230ULL
#define GUEST_BCR	0x1e6ULL
#define GUEST_FP	0x6f70e5f9a1b2c3d4ULL	/* hosted_vm.S's guest_fp */
#define HOST_FP		0x4857f00dcafe1234ULL

static uint64_t host_swinc(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		write_sysreg(1, pmswinc_el0);
	isb();
	return read_sysreg(pmevcntr0_el0);
}

/* Exit statistics through the host call (issue 14), for the host and for a VM that made 4 MMIO exits. */
static void exit_stats(int64_t vm)
{
	int64_t c0 = hc(MOAT_HC_EXIT_STATS, 0, 0, MOAT_XSTAT_HVC_MOAT, 0);
	int64_t c1 = hc(MOAT_HC_EXIT_STATS, 0, 0, MOAT_XSTAT_HVC_MOAT, 0);
	int64_t r;

	check(c0 > 0 && c1 == c0 + 1, "EXIT_STATS: the host's own host calls, one more at each call "
	      "(%ld, %ld)", (long)c0, (long)c1);
	r = hc(MOAT_HC_EXIT_STATS, (uint64_t)vm, MOAT_XSTAT_ALL_VCPUS, MOAT_XSTAT_MMIO_OTHER, 0);
	check(r == 4, "EXIT_STATS: the VM's 4 exits to the host counted (%ld)", (long)r);
	check(hc(MOAT_HC_EXIT_STATS, (uint64_t)vm, 1, MOAT_XSTAT_IRQ, 0) == MOAT_ENOENT &&
	      hc(MOAT_HC_EXIT_STATS, (uint64_t)vm, 0, MOAT_XSTAT_NR, 0) == MOAT_EINVAL &&
	      hc(MOAT_HC_EXIT_STATS, 999, 0, MOAT_XSTAT_IRQ, 0) == MOAT_ENOENT,
	      "EXIT_STATS: no vCPU 1, no reason NR, no VM 999");
	check(hc(MOAT_HC_EXIT_STATS_RESET, (uint64_t)vm, 0, 0, 0) == 0 &&
	      hc(MOAT_HC_EXIT_STATS, (uint64_t)vm, 0, MOAT_XSTAT_MMIO_OTHER, 0) == 0,
	      "EXIT_STATS_RESET zeroes the VM's counts");
}

/*
 * Debug, PMU and FP/SIMD state across runs (issue 12 in host mode): the
 * host and a VM it runs both use breakpoint 0, PMU counter 0 as SW_INCR
 * and d0; neither sees the other's values or counts, across a switch out
 * and back.
 */
static void state_across_runs(uint64_t pages)
{
	int64_t vm, r;

	/* The OS lock off (it is on out of reset): the registers are live, not moat's shadow. */
	write_sysreg(0, oslar_el1);
	isb();
	write_sysreg(HOST_BVR, dbgbvr0_el1);
	write_sysreg(HOST_BCR, dbgbcr0_el1);
	write_sysreg(0, pmevtyper0_el0);
	write_sysreg(0, pmevcntr0_el0);
	write_sysreg(1, pmcntenset_el0);
	write_sysreg(read_sysreg(pmcr_el0) | 1, pmcr_el0);
	isb();
	check(host_swinc(5) == 5, "the host's SW_INCR counter counts its own 5 increments");
	vm = hc(MOAT_HC_VM_CREATE, MOAT_VM_CFG(1, 36, 0), don_pa, pages, 0);
	check(vm > 0 && map_blob(vm, hosted_vm_state, hosted_vm_state_end) == 4 &&
	      hc(MOAT_HC_VCPU_INIT, (uint64_t)vm, 0, CODE_IPA, 0) == 0,
	      "a VM that uses breakpoint 0 and PMU counter 0: created");
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x60, 8, true) && run_page->mmio.data == 100,
	      "the VM's counter counts its 100 increments (%lu)", (uint64_t)run_page->mmio.data);
	check(read_sysreg(pmevcntr0_el0) == 5, "the host's counter did not count the VM's (%lu)",
	      read_sysreg(pmevcntr0_el0));
	check(read_sysreg(dbgbvr0_el1) == HOST_BVR && read_sysreg(dbgbcr0_el1) == HOST_BCR,
	      "the host's breakpoint 0 registers are its own after the run");
	check(host_swinc(7) == 12, "and its counter goes on counting its own");
	write_sysreg(HOST_BVR + 0x40, dbgbvr0_el1);
	isb();
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x68, 8, true) && run_page->mmio.data == GUEST_BVR,
	      "the VM's DBGBVR0 survived being switched out (0x%lx)", (uint64_t)run_page->mmio.data);
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x70, 8, true) && run_page->mmio.data == GUEST_BCR,
	      "and its DBGBCR0 (0x%lx)", (uint64_t)run_page->mmio.data);
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x78, 8, true) && run_page->mmio.data == 100,
	      "its counter did not count the host's increments (%lu)", (uint64_t)run_page->mmio.data);
	check(read_sysreg(dbgbvr0_el1) == HOST_BVR + 0x40, "the host's DBGBVR0 is what it last wrote");
	exit_stats(vm);
	/*
	 * The host's FP/SIMD registers live in the CPU when it runs the VM
	 * (its d0 written just now): switching them out must leave the FP
	 * trap set for the VM, whose d0 comes back from what moat saved.
	 */
	host_fp_set(HOST_FP);
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x80, 8, true) && run_page->mmio.data == GUEST_FP,
	      "the VM's d0 survived a run after the host used its own (0x%lx)",
	      (uint64_t)run_page->mmio.data);
	check(host_fp_get() == HOST_FP, "and the host's d0 is its own after the run (0x%lx)",
	      host_fp_get());
	check(hc(MOAT_HC_VM_DESTROY, (uint64_t)vm, 0, 0, 0) == 0, "that VM destroyed");
	write_sysreg(1, pmcntenclr_el0);
	write_sysreg(0, dbgbcr0_el1);
	isb();
}

void secondary_main(uint64_t context_id)
{
	(void)context_id;
	/* Its redistributor awake and SGI 1 enabled: an SGI can reach this host vCPU. */
	gic_redist_wake(1);
	gic_cpu_init();
	gic_private_enable(1, 1, 0x80);
	dsb(sy);
	s_ready = 1;
	while (!s_go)
		dsb(sy);
	/* Its own run page; interrupts stay masked here, as in a module's run loop. */
	s_result = hc(MOAT_HC_VCPU_RUN, (uint64_t)s_vm, 0, run_pa + 0x2000, 0);
	dsb(sy);
	s_done = 1;
}

/* Wait (10 s of counter at most) for *p to differ from @old. */
static bool wait_change64(const volatile uint64_t *p, uint64_t old)
{
	uint64_t t0 = counter(), limit = 10000 * ticks_per_ms();

	while (counter() - t0 < limit)
		if (*p != old)
			return true;
	return false;
}

int main(void)
{
	struct host_region region = host_region();
	uint64_t secret_pa, pages, host_pages, deadline, now;
	uint32_t doorbell = doorbell_intid();
	struct probe p;
	int64_t vm, r;

	run_pa = region.run;
	list_pa = region.list;
	don_pa = region.don;
	ram_pa = region.ram;
	secret_pa = ram_pa + 0x2000;
	run_page = (volatile struct moat_run *)run_pa;

	check(hc(MOAT_HC_HOST_VERSION, 0, 0, 0, 0) == MOAT_HOST_ABI_VERSION, "host ABI version %d",
	      MOAT_HOST_ABI_VERSION);
	check(doorbell >= 32, "the host's tree names the doorbell (INTID %u)", doorbell);
	check(hc(MOAT_HC_MEM_CHECK, 0, 0, 0, 0) == 0, "the ownership checker passes before");
	host_pages = (uint64_t)hc(MOAT_HC_MEM_STATS, MOAT_STAT_HOST_PAGES, 0, 0, 0);
	pages = (uint64_t)hc(MOAT_HC_VM_DONATION, 2, 4 << 20, 0, 0);
	check(pages > 0 && pages * 4096 <= 0x400000, "VM_DONATION(2 vCPUs, 4 MiB): %lu pages", pages);

	/* ---- A protected VM ---- */
	vm = hc(MOAT_HC_VM_CREATE, MOAT_VM_CFG(2, 36, MOAT_VM_PROTECTED), don_pa, pages, 0);
	check(vm > 0, "VM_CREATE of a protected VM returns a handle (%ld)", (long)vm);
	check(hc(MOAT_HC_MEM_STATS, MOAT_STAT_VMS, 0, 0, 0) == 1, "one hosted VM alive");
	probe_read64(don_pa, &p);
	check(p.faulted, "the donation is out of the host's reach");
	r = map_code(vm);
	check(r == 4, "VM_MAP of its 4 pages (%ld)", (long)r);
	check(hc(MOAT_HC_VM_MAP, (uint64_t)vm, CODE_IPA + 0x10000, list_pa, 1) == MOAT_EACCES,
	      "a page it has already cannot be mapped again");
	check(hc(MOAT_HC_VCPU_INIT, (uint64_t)vm, 0, CODE_IPA, 0x1234) == 0 &&
	      hc(MOAT_HC_VCPU_INIT, (uint64_t)vm, 1, 0, 0) == 0, "VCPU_INIT of both vCPUs");
	check(run(vm, 1) == MOAT_EXIT_OFF, "vCPU 1 is off until CPU_ON");

	write_sysreg(HOST_TPIDR, tpidr_el1);
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x10, 4, false), "a 4-byte MMIO read exits to the host (%ld)", (long)r);
	check(read_sysreg(tpidr_el1) == HOST_TPIDR, "the host's EL1 registers are its own again");
	probe_read64(secret_pa, &p);
	check(p.faulted, "the host reading the protected VM's page gets an abort");
	run_page->mmio.data = 0xdeadbeef80000001ULL;
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x20, 8, true), "the next access: an 8-byte write");
	check(run_page->mmio.data == 0xffffffff80000001ULL,
	      "the read got the host's 4 bytes, sign-extended (0x%lx)", (uint64_t)run_page->mmio.data);
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x28, 8, true) && run_page->mmio.data == 0x1234,
	      "vCPU 0 started at its entry with x0 from VCPU_INIT");
	if (doorbell)
		mmio_write32(GICD + GICD_ICPENDR + 4 * (doorbell / 32), 1u << (doorbell % 32));
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x30, 8, true) && run_page->mmio.data == 0,
	      "its PSCI CPU_ON of vCPU 1 succeeded");
	check(doorbell && doorbell_pending(doorbell), "CPU_ON of a vCPU not running rang the doorbell");
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x38, 8, true), "it set its virtual timer");
	deadline = run_page->mmio.data;
	r = run(vm, 0);
	check(r == MOAT_EXIT_WFI && run_page->reason == MOAT_EXIT_WFI,
	      "its WFI with nothing pending exits to the host (%ld)", (long)r);
	check(run_page->wfi.deadline == deadline, "with its timer's deadline (0x%lx, want 0x%lx)",
	      (uint64_t)run_page->wfi.deadline, deadline);
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x40, 8, true), "the WFI is done when it runs again");

	r = run(vm, 1);
	check(mmio_exit(r, DEV + 0x48, 8, true) && run_page->mmio.data == 0x5678,
	      "vCPU 1 runs from its CPU_ON entry with its context");
	r = run(vm, 1);
	check(r == MOAT_EXIT_WFI && run_page->wfi.deadline == 0,
	      "vCPU 1's WFI with its timer off: no deadline");
	r = run(vm, 1);
	check(mmio_exit(r, DEV + 0x50, 8, true), "vCPU 1 goes on after its WFI");
	r = run(vm, 1);
	check(r == MOAT_EXIT_OFF, "its CPU_OFF: MOAT_EXIT_OFF (%ld)", (long)r);
	check(run(vm, 1) == MOAT_EXIT_OFF, "and it stays off");

	/* vCPU 0 spins for ever: the host's own timer must end the run. */
	now = read_sysreg(cntvct_el0);
	write_sysreg(now + read_sysreg(cntfrq_el0) / 100, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	r = run(vm, 0);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	check(r == MOAT_EXIT_IRQ, "the host's timer ends the run of a spinning guest (%ld)", (long)r);
	check(read_sysreg(cntvct_el0) >= now + read_sysreg(cntfrq_el0) / 100,
	      "not before its deadline");
	check(read_sysreg(tpidr_el1) == HOST_TPIDR, "the host's EL1 registers are still its own");

	/* Bad runs. */
	check(hc(MOAT_HC_VCPU_RUN, (uint64_t)vm, 2, run_pa, 0) == MOAT_ENOENT, "RUN of vCPU 2: ENOENT");
	check(hc(MOAT_HC_VCPU_RUN, (uint64_t)vm, 0, 0x09000000, 0) == MOAT_EFAULT,
	      "RUN with a run page that is not RAM: EFAULT");
	check(hc(MOAT_HC_VCPU_RUN, (uint64_t)vm, 0, don_pa, 0) == MOAT_EFAULT,
	      "RUN with a run page moat has: EFAULT");
	check(hc(MOAT_HC_VM_IRQ_LINE, (uint64_t)vm, 96, 1, 0) == MOAT_EINVAL &&
	      hc(MOAT_HC_VM_IRQ_LINE, (uint64_t)vm, 40, 1, 0) == 0, "IRQ_LINE: SPIs 32..95 only");

	check(hc(MOAT_HC_VM_DESTROY, (uint64_t)vm, 0, 0, 0) == 0, "VM_DESTROY");
	probe_read64(secret_pa, &p);
	check(!p.faulted && p.val == 0, "its page is the host's again, scrubbed (0x%lx)", p.val);
	probe_read64(don_pa, &p);
	check(!p.faulted && p.val == 0, "the donation is the host's again, scrubbed");
	check(run(vm, 0) == MOAT_ENOENT, "a destroyed VM's handle: ENOENT");
	check(hc(MOAT_HC_VM_DESTROY, (uint64_t)vm, 0, 0, 0) == MOAT_ENOENT, "destroyed twice: ENOENT");

	/* ---- A VM that shares its memory with the host ---- */
	vm = hc(MOAT_HC_VM_CREATE, MOAT_VM_CFG(2, 36, 0), don_pa, pages, 0);
	check(vm > 0 && map_code(vm) == 4 &&
	      hc(MOAT_HC_VCPU_INIT, (uint64_t)vm, 0, CODE_IPA, 0x1234) == 0,
	      "a non-protected VM: created, mapped, vCPU 0 set");
	r = run(vm, 0);
	check(mmio_exit(r, DEV + 0x10, 4, false), "it runs to its first MMIO read");
	probe_read64(secret_pa, &p);
	check(!p.faulted && p.val == SECRET, "the host reads what it wrote in its shared page");
	check(hc(MOAT_HC_MEM_CHECK, 0, 0, 0, 0) == 0, "the ownership checker passes with it");

	/* Its vCPU 0 to its spin loop, then on the host's second CPU. */
	for (int i = 0; i < 16 && !(r == MOAT_EXIT_MMIO && run_page->mmio.addr == DEV + 0x40); i++)
		r = run(vm, 0);
	check(r == MOAT_EXIT_MMIO && run_page->mmio.addr == DEV + 0x40, "it runs to its spin loop");
	gic_dist_enable();
	/* An interrupt pending for this host vCPU (masked here, as a module runs): it goes first. */
	gic_redist_wake(0);
	gic_cpu_init();
	gic_private_enable(0, 2, 0x80);
	write_sysreg(SGI1R_TARGETS(1u << 0) | SGI1R_INTID(2), s3_0_c12_c11_5);
	isb();
	{
		uint64_t before = *(volatile uint64_t *)(ram_pa + 0x3000);

		r = run(vm, 0);
		check(r == MOAT_EXIT_IRQ && *(volatile uint64_t *)(ram_pa + 0x3000) == before,
		      "with an interrupt pending for the host, RUN returns at once (%ld)", (long)r);
	}
	mmio_write32(gicr_base(0) + GICR_ICENABLER0, 1u << 2);
	mmio_write32(gicr_base(0) + GICR_ICPENDR0, 1u << 2);
	check(smp_start_cpu(1, 0) == 0 && wait_eq32(&s_ready, 1, 10000 * ticks_per_ms()),
	      "the host's second CPU is up");
	{
		volatile uint64_t *count = (volatile uint64_t *)(ram_pa + 0x3000);

		s_vm = vm;
		dsb(sy);
		s_go = 1;
		check(wait_change64(count, *count), "its vCPU 0 runs on the host's other CPU");
	}
	check(run(vm, 0) == MOAT_EBUSY, "the same vCPU cannot run here at the same time: EBUSY");
	check(hc(MOAT_HC_VM_DESTROY, (uint64_t)vm, 0, 0, 0) == MOAT_EBUSY,
	      "VM_DESTROY while a vCPU of it runs: EBUSY");
	/* ICC_SGI1R_EL1: SGI 1 to the host's vCPU 1 (Aff0 1). */
	write_sysreg(SGI1R_TARGETS(1u << 1) | SGI1R_INTID(1), s3_0_c12_c11_5);
	isb();
	check(wait_eq32(&s_done, 1, 10000 * ticks_per_ms()) && s_result == MOAT_EXIT_IRQ,
	      "an SGI to that host vCPU ends the run on its CPU (%ld)", (long)s_result);
	check(hc(MOAT_HC_VM_DESTROY, (uint64_t)vm, 0, 0, 0) == 0, "VM_DESTROY");
	probe_read64(secret_pa, &p);
	check(!p.faulted && p.val == SECRET, "shared pages are not scrubbed: they were the host's");

	state_across_runs(pages);
	check(hc(MOAT_HC_MEM_STATS, MOAT_STAT_VMS, 0, 0, 0) == 0, "no hosted VM alive");
	r = hc(MOAT_HC_MEM_STATS, MOAT_STAT_HOST_PAGES, 0, 0, 0);
	check((uint64_t)r == host_pages, "the host owns as many pages as before (%ld, %lu)", (long)r,
	      host_pages);
	check(hc(MOAT_HC_MEM_CHECK, 0, 0, 0, 0) == 0, "the ownership checker passes after");
	return 0;
}
