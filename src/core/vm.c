// SPDX-License-Identifier: MIT
/* Creating VMs from their configuration. */
#include "arch/barrier.h"
#include "arch/percpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "arch/gicv3.h"
#include "core/boot.h"
#include "core/console.h"
#include "core/el2_config.h"
#include "core/panic.h"
#include "core/vgic_glue.h"
#include "core/firmware.h"
#include "core/guest_layout.h"
#include "core/host.h"
#include "core/hosted.h"
#include "moat/hypercall.h"
#include "core/irq.h"
#include "core/loader.h"
#include "arch/cache.h"
#include "core/vm.h"
#include "lib/err.h"
#include "lib/log.h"
#include "mm/hyp_mm.h"
#include "mm/page_alloc.h"
#include <string.h>

struct vm *vms[CONFIG_MAX_VMS];
unsigned int nr_vms;
static unsigned int nr_stopped;
static spinlock_t vms_lock = SPINLOCK_INIT;
static u16 next_vmid = 1;

static int vm_add_vgic(struct vm *vm)
{
	u64 mpidr[VM_MAX_VCPUS];
	u32 nr_spis = 64;
	int ret;

	for (u32 i = 0; i < vm->nr_vcpus; i++)
		mpidr[i] = vm->vcpus[i].vmpidr;
	for (u32 i = 0; i < vm->cfg->nr_pt; i++)
		if (vm->cfg->pt[i].intid)
			nr_spis = MAX(nr_spis, vm->cfg->pt[i].intid - 32 + 1);
	/* The host's devices keep their interrupt numbers: every SPI the GIC has. */
	if (vm->cfg->host && have_gic)
		nr_spis = MAX(nr_spis, gic_nr_lines() - 32);
	/* And the doorbell for hosted VMs, past them (core/host.c). */
	if (vm->cfg->host && host_doorbell_intid())
		nr_spis = MAX(nr_spis, host_doorbell_intid() - 32 + 1);
	ret = vgic_init(&vm->vgic, vm->nr_vcpus, mpidr, nr_spis);
	ret = ret ?: vm_link_timers(vm);
	/* A hosted VM's layout (moat/hypercall.h) is the static guests' one. */
	_Static_assert(MOAT_HOSTED_GICD_BASE == GUEST_GICD_BASE &&
		       MOAT_HOSTED_GICR_BASE == GUEST_GICR_BASE &&
		       MOAT_HOSTED_GICR_STRIDE == GUEST_GICR_STRIDE, "hosted GIC layout");
	_Static_assert(MOAT_HOSTED_NR_SPIS == 64, "hosted VMs get the default SPI count");
	ret = ret ?: mmio_bus_add(&vm->mmio, GUEST_GICD_BASE, VGIC_DIST_SIZE, &vgic_dist_ops,
				  &vm->vgic, "GIC distributor", EXIT_R_MMIO_GICD);
	ret = ret ?: mmio_bus_add(&vm->mmio, GUEST_GICR_BASE, vgic_redist_size(&vm->vgic),
				  &vgic_redist_ops, &vm->vgic, "GIC redistributors", EXIT_R_MMIO_GICR);
	/* The PMU overflow PPI of each vCPU is the physical one of its CPU (core/pmu.h). */
	for (u32 i = 0; i < vm->nr_vcpus && !ret && pmu_offered(); i++)
		ret = vgic_set_hw_ppi(&vm->vgic, i, GUEST_PMU_INTID, phys_pmu_ppi());
	for (u32 i = 0; i < vm->cfg->nr_pt && !ret; i++) {
		u32 intid = vm->cfg->pt[i].intid;

		if (!intid)
			continue;
		ret = vgic_claim_passthrough(vm, intid);
		if (ret)
			log_err("VM '%s': passthrough interrupt %u is already taken", vm->name, intid);
	}
	return ret;
}

/* A VM that will not start gives back the interrupts it claimed (not the ones others own). */
static void vm_release_passthrough(struct vm *vm)
{
	for (u32 i = 0; i < vm->cfg->nr_pt; i++)
		if (vm->cfg->pt[i].intid)
			vgic_release_passthrough(vm, vm->cfg->pt[i].intid);
}

/* Only a VM that will run gets its passed-through SPIs enabled at the GIC. */
static void vm_enable_passthrough(struct vm *vm)
{
	for (u32 i = 0; i < vm->cfg->nr_pt; i++)
		if (vm->cfg->pt[i].intid)
			gic_enable_spi(vm->cfg->pt[i].intid, percpu_area[vm->vcpus[0].pcpu].mpidr);
}

int vm_read_guest(const struct vm *vm, void *dst, ipa_t ipa, u64 len)
{
	if (!vm_ipa_in_ram(vm, ipa, len))
		return -EFAULT;
	memcpy(dst, vm_ram_ptr(vm, ipa), len);
	return 0;
}

static void vm_uart_tx(void *arg, char c)
{
	console_vm_putc(arg, c);
}

static void vm_uart_irq(void *arg, bool level)
{
	struct vm *vm = arg;

	vm_set_spi_level(vm, GUEST_UART_INTID, level);
}

int vm_uart_input(struct vm *vm, char c)
{
	return vpl011_rx_push(&vm->uart, c);
}

static void vcpu_init(struct vm *vm, struct vcpu *v, u32 id)
{
	v->vm = vm;
	v->id = id;
	v->pcpu = vm->cfg->cpus[id];
	v->hcr = vm->hcr;
	/* Aff0 = vCPU number: what the guest DTB's cpu reg says; the host's is its CPU's. */
	v->vmpidr = vm->cfg->host ? host_vcpu_mpidr(v->pcpu)
				  : MPIDR_EL1_RES1 | FIELD_PREP(MPIDR_EL1_AFF0, id);
	v->sys.sctlr = SCTLR_EL1_RES1;
	debug_reset(&v->dbg);	/* the OS lock is locked after reset */
	pmu_reset(&v->pmu);
	v->ctx.pstate = PSR_MODE_EL1h | PSR_DAIF;
	v->vgic_gen = ~0u;	/* no flush yet: the first one is never skipped */
	v->reset = true;
	v->power = id == 0 ? VCPU_ON : VCPU_OFF;
}

static int vm_map_ram(struct vm *vm)
{
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u64 max_ipa = ipa_addr(vm->ram_ipa) + vm->ram_size - 1;
	u32 flags = (vm->hcr & HCR_EL2_FWB) ? PGT_F_S2FWB : 0;
	int ret;

	if (vm->cfg->test_device)
		max_ipa = MAX(max_ipa, MOAT_TESTDEV_BASE + MOAT_TESTDEV_SIZE - 1);
	for (u32 i = 0; i < vm->cfg->nr_pt; i++)
		max_ipa = MAX(max_ipa, vm->cfg->pt[i].base + vm->cfg->pt[i].size - 1);
	ret = pgt_s2_init(&vm->s2, mmfr0, max_ipa, &hyp_pgt_mm_ops, flags, NULL);
	if (ret)
		return ret;
	vm->vtcr = pgt_s2_vtcr(&vm->s2, mmfr0) | vcpu_el2_config()->vtcr;
	vm->vttbr = pgt_s2_set_vmid(&vm->s2, vm->vmid);
	ret = pgt_map(&vm->s2, ipa_addr(vm->ram_ipa), vm->ram_size, pa_addr(vm->ram_pa), PGT_PROT_RWX, 0, NULL);
	for (u32 i = 0; i < vm->cfg->nr_pt && !ret; i++)
		ret = pgt_map(&vm->s2, vm->cfg->pt[i].base, vm->cfg->pt[i].size, vm->cfg->pt[i].base,
			      PGT_PROT_RW | PGT_PROT_DEVICE, 0, NULL);
	return ret;
}

u16 vm_first_free_vmid(void)
{
	return next_vmid;
}

int vm_init_hosted(struct vm *vm)
{
	vm->hcr = vcpu_el2_config()->hcr | tlbi_trap_hcr(vm->cfg->trap_tlbi);
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		vcpu_init(vm, &vm->vcpus[i], i);
		/* Every vCPU waits: MOAT_HC_VCPU_INIT starts vCPU 0, its PSCI CPU_ON the others. */
		vm->vcpus[i].power = VCPU_OFF;
	}
	return vm_add_vgic(vm);
}

int vm_create(const struct vm_config *cfg, struct vm **out)
{
	struct vm *vm;
	struct loaded_image img;
	void *ram;
	int ret;

	if (nr_vms >= CONFIG_MAX_VMS)
		return -ENOSPC;
	vm = hyp_alloc_zeroed(sizeof(*vm), PAGE_SIZE);
	if (!vm)
		return -ENOMEM;
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	vm->cfg = cfg;
	vm->vmid = next_vmid++;
	/* The traps every guest runs with (core/el2_config.c, docs/traps.md), and its TLBI trap. */
	vm->hcr = vcpu_el2_config()->hcr | tlbi_trap_hcr(cfg->trap_tlbi);
	/*
	 * Its vCPUs own their CPUs: nothing else could run while one waits, so
	 * its WFI sleeps natively and the interrupt that ends it takes the IRQ
	 * fast path (timer latency 37 -> 14 ticks, docs/performance.md "WFI").
	 * A hosted VM's WFI traps: its host's thread waits instead.
	 */
	vm->hcr &= ~HCR_EL2_TWI;
	vm->ram_ipa = ipa_init(cfg->mem_base);
	vm->ram_size = cfg->mem_size;
	vm->nr_vcpus = cfg->nr_vcpus;
	if (cfg->host) {
		ret = host_vm_memory(vm);
		if (ret)
			goto free_vm;
		goto devices;
	}
	/* 2 MiB alignment lets stage-2 use block mappings for all of RAM. */
	ram = hyp_alloc_zeroed(cfg->mem_size, SZ_2M);
	if (!ram) {
		log_err("VM '%s': not enough free memory for %llu MiB of RAM", cfg->name,
			(unsigned long long)(cfg->mem_size >> 20));
		ret = -ENOMEM;
		goto free_vm;
	}
	vm->ram_pa = ptr_to_pa(ram);
	ret = vm_map_ram(vm);
	if (ret) {
		log_err("VM '%s': cannot build its stage-2 tables: %s", cfg->name, err_name(ret));
		goto free_ram;
	}
devices:
	vpl011_init(&vm->uart, vm_uart_tx, vm_uart_irq, vm);
	ret = mmio_bus_add(&vm->mmio, GUEST_UART_BASE, VPL011_MMIO_SIZE, &vpl011_ops, &vm->uart, "pl011",
			   EXIT_R_MMIO_UART);
	if (ret)
		goto free_ram;
	if (cfg->test_device) {
		ret = mmio_bus_add(&vm->mmio, MOAT_TESTDEV_BASE, MOAT_TESTDEV_SIZE, &testdev_ops,
				   &vm->testdev, "test-device", EXIT_R_MMIO_OTHER);
		if (ret)
			goto free_ram;
	}
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		vcpu_init(vm, &vm->vcpus[i], i);
	ret = vm_add_vgic(vm);
	ret = ret ?: loader_load(vm, &img);
	if (ret)
		goto release_irqs;
	vm_enable_passthrough(vm);
	if (cfg->host)
		host_claim_spis(vm);
	vm->vcpus[0].entry = img.entry;
	vm->vcpus[0].context_id = img.dtb_ipa;
	/* The guest starts with its MMU off, on a VMID that is new to moat. */
	vm->boot = img;
	vm_memory_sync(vm);
	log_info("VM '%s': VMID %u, %u vCPU%s, %llu MiB at IPA 0x%llx, entry 0x%llx", vm->name,
		 vm->vmid, vm->nr_vcpus, vm->nr_vcpus > 1 ? "s" : "",
		 (unsigned long long)(vm->ram_size >> 20), (unsigned long long)ipa_addr(vm->ram_ipa),
		 (unsigned long long)img.entry);
	vms[nr_vms++] = vm;
	*out = vm;
	return 0;

	/* Creation failed late: the other VMs get back what this one took. */
release_irqs:
	vm_release_passthrough(vm);
free_ram:
	if (!cfg->host) {
		pgt_destroy(&vm->s2);
		page_free_pages(&hyp_pages, vm->ram_pa, ALIGN_UP(cfg->mem_size, PAGE_SIZE) / PAGE_SIZE);
	}
free_vm:
	page_free_pages(&hyp_pages, ptr_to_pa(vm), ALIGN_UP(sizeof(*vm), PAGE_SIZE) / PAGE_SIZE);
	return ret;
}

void vm_stop(struct vm *vm, int status)
{
	bool all;

	spin_lock(&vm->lock);
	if (vm->stopped) {
		spin_unlock(&vm->lock);
		return;
	}
	vm->stopped = true;
	vm->exit_status = status;
	spin_unlock(&vm->lock);
	/* Lock order: vm->lock is never held while taking a vCPU's lock. */
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		spin_lock(&v->lock);
		WRITE_ONCE(v->power, VCPU_STOPPED);
		spin_unlock(&v->lock);
		vcpu_kick(v);
	}
	log_info("%s: exited with status %d", vm->name, status);
	/* A hosted VM's end is its host's business (MOAT_EXIT_SYSTEM_EVENT), not the machine's. */
	if (vm->hosted)
		return;
	if (vm->host)
		host_report();
	tlbi_trap_report(vm);
	console_vm_stopped(vm);

	spin_lock(&vms_lock);
	all = ++nr_stopped == nr_vms;
	spin_unlock(&vms_lock);
	if (all) {
		log_info("all VMs have stopped: powering off");
		firmware_system_off();
	}
}

/*
 * Runs on the CPU of the vCPU that asked. The other vCPUs are powered off
 * and kicked; once none is inside the guest any more the memory is
 * rebuilt from the images and vCPU 0 starts again.
 */
void vm_request_reset(struct vm *vm)
{
	struct vcpu *self = this_cpu()->vcpu;
	struct loaded_image img;
	bool busy;

	if (vm->cfg->reset_stops) {
		if (!READ_ONCE(vm->stopped))
			log_info("%s: SYSTEM_RESET: stopping the VM (on-reset = \"stop\")", vm->name);
		vm_stop(vm, 0);
		return;
	}
	/* One reset at a time; a vCPU asking while another resets just stops. */
	spin_lock(&vm->lock);
	busy = vm->resetting || vm->stopped;
	if (!busy)
		vm->resetting = true;
	spin_unlock(&vm->lock);
	if (busy) {
		vcpu_power_off(self);
		return;
	}
	log_info("%s: SYSTEM_RESET: restarting from its images", vm->name);
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		spin_lock(&v->lock);
		if (v->power != VCPU_STOPPED)
			WRITE_ONCE(v->power, VCPU_OFF);
		spin_unlock(&v->lock);
		if (v != self)
			vcpu_kick(v);
	}
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		/* Acquire: its vcpu_put (saved state) is done before we rebuild it. */
		while (&vm->vcpus[i] != self && smp_load_acquire(&vm->vcpus[i].running)) {
			if (READ_ONCE(panic_in_progress))
				cpu_halt();
			cpu_relax();
		}
	}
	/*
	 * The host's VMs end with it: their pages and donations are the
	 * host's again before its load window is cleared (a page of it may be
	 * moat's or a VM's until then).
	 */
	if (vm->host)
		hosted_destroy_all(vm);
	memzero_pages(vm_ram_ptr(vm, vm->ram_ipa), vm->ram_size);
	vpl011_reset(&vm->uart);
	vgic_reset(&vm->vgic);
	/* A passed-through interrupt the old guest never deactivated would stay blocked. */
	for (u32 i = 0; i < vm->cfg->nr_pt; i++)
		if (vm->cfg->pt[i].intid)
			gic_clear_active_spi(vm->cfg->pt[i].intid);
	if (vm->host)
		host_reset_spis();
	if (loader_load(vm, &img)) {
		vm->resetting = false;
		vm_stop(vm, -1);
		return;
	}
	vm->boot = img;
	vm_memory_sync(vm);
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->entry = img.entry;
		v->context_id = img.dtb_ipa;
		v->reset = true;
	}
	spin_lock(&vm->lock);
	vm->resetting = false;
	busy = vm->stopped;
	spin_unlock(&vm->lock);
	if (!busy) {
		spin_lock(&vm->vcpus[0].lock);
		/* Publishes entry, context and reset to its CPU (cpu_idle's acquire). */
		smp_store_release(&vm->vcpus[0].power, VCPU_ON);
		spin_unlock(&vm->vcpus[0].lock);
		vcpu_kick(&vm->vcpus[0]);
	}
}
