// SPDX-License-Identifier: MIT
/* The boot CPU's path from the entry code to a running system. */
#include "arch/barrier.h"
#include "arch/gicv3.h"
#include "arch/pl011.h"
#include "arch/percpu.h"
#include "arch/sysreg.h"
#include "core/boot.h"
#include "core/firmware.h"
#include "core/panic.h"
#include "core/smp.h"
#include "core/config.h"
#include "core/console.h"
#include "core/fault_inject.h"
#include "core/irq.h"
#include "core/vm.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/platform.h"
#include "mm/hyp_mm.h"

/* The boot protocol limits a DTB to 2 MiB. */
#define DTB_MAX_SIZE SZ_2M

struct platform platform;
bool have_gic;

extern u8 __image_start[], __image_end[];

static u64 counter_now(void)
{
	return read_sysreg(cntpct_el0);
}

static void console_setup(const struct platform *plat)
{
	if (plat->have_uart) {
		pl011_init(plat->uart.base);
		console_init();
		log_clock = counter_now;
		log_clock_hz = read_sysreg(cntfrq_el0);
	}
}

/*
 * Reached when the loader entered at EL1 (QEMU without virtualization=on):
 * say how to fix it, then power off so a script does not hang.
 */
void wrong_el_main(u64 dtb)
{
	const char *err = NULL;

	if (platform_parse((const void *)dtb, DTB_MAX_SIZE, &platform, &err) == 0)
		console_setup(&platform);
	log_err("started at EL%u, not EL2: moat needs the virtualization extensions; "
		"start QEMU with -M virt,virtualization=on (or make the firmware enter at EL2)",
		current_el());
	firmware_init(platform.psci);
	firmware_system_off();
	cpu_halt();
}

/*
 * A CPU with nothing to do waits here for an event: a vCPU given to it
 * being powered on (PSCI CPU_ON from another vCPU), or a panic.
 */
void cpu_idle(void)
{
	struct percpu *pc = this_cpu();

	for (;;) {
		struct vcpu *v;

		if (READ_ONCE(panic_in_progress))
			cpu_halt();
		v = READ_ONCE(pc->run_vcpu);
		/* Acquire: pairs with the release that published entry, context and reset (vpsci.c, vm.c). */
		if (v && smp_load_acquire(&v->power) == VCPU_ON_PENDING)
			v->power = VCPU_ON;
		if (v && smp_load_acquire(&v->power) == VCPU_ON) {
			vcpu_run(v);
			continue;
		}
		/* WFI wakes on a pending interrupt even while they are masked. */
		if (have_gic) {
			wfi();
			irq_handle_pending(NULL);
		} else {
			wfe();
		}
	}
}

static struct vm_config vm_configs[CONFIG_MAX_VMS];

static void power_off_without_vms(const char *hint)
{
	log_err("no VM started: powering off%s", hint);
	firmware_system_off();
}

static bool overlaps(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

/*
 * A passed-through range is mapped 1:1: it must be a device nobody else
 * has — not RAM, not the GIC or UART moat drives, not another VM's.
 */
static int check_passthrough(const struct vm_config *c, unsigned int idx)
{
	for (u32 i = 0; i < c->nr_pt; i++) {
		const struct vm_passthrough *p = &c->pt[i];
		const char *clash = NULL;

		for (unsigned int m = 0; m < platform.nr_mem; m++)
			if (overlaps(p->base, p->size, platform.mem[m].base, platform.mem[m].size))
				clash = "RAM";
		if (overlaps(p->base, p->size, platform.gicd.base, platform.gicd.size))
			clash = "the GIC distributor";
		for (unsigned int r = 0; r < platform.nr_gicr; r++)
			if (overlaps(p->base, p->size, platform.gicr[r].base, platform.gicr[r].size))
				clash = "the GIC redistributors";
		if (platform.have_uart && overlaps(p->base, p->size, platform.uart.base, platform.uart.size))
			clash = "moat's console UART";
		for (unsigned int o = 0; o < idx; o++)
			for (u32 j = 0; j < vm_configs[o].nr_pt; j++)
				if (overlaps(p->base, p->size, vm_configs[o].pt[j].base, vm_configs[o].pt[j].size))
					clash = "a device passed to another VM";
		if (clash) {
			log_err("config: VM '%s': property 'passthrough' entry %u [0x%llx, 0x%llx) overlaps %s",
				c->name, i, (unsigned long long)p->base,
				(unsigned long long)(p->base + p->size), clash);
			return -EINVAL;
		}
	}
	return 0;
}

/* Create the VMs the boot bundle describes and give each vCPU its CPU. */
static void start_vms(unsigned int online)
{
	char err[CONFIG_ERR_MAX];
	unsigned int nr, started = 0;
	int ret;

	if (!platform.initrd.size) {
		log_info("no boot bundle (QEMU: -initrd build/<config>.bundle): moat is running alone (idle)");
		return;
	}
	ret = config_parse((const void *)platform.initrd.base, platform.initrd.size, online,
			   vm_configs, CONFIG_MAX_VMS, &nr, err);
	if (ret) {
		log_err("%s", err);
		power_off_without_vms(" (fix the configuration and rebuild the bundle)");
		return;
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (check_passthrough(&vm_configs[i], i)) {
			power_off_without_vms(" (fix the configuration and rebuild the bundle)");
			return;
		}
	}
	for (unsigned int i = 0; i < nr; i++) {
		struct vm *vm;

		ret = vm_create(&vm_configs[i], &vm);
		if (ret) {
			log_err("VM '%s' not started (%d)", vm_configs[i].name, ret);
			continue;
		}
		started++;
		for (u32 c = 0; c < vm->nr_vcpus; c++) {
			percpu_area[vm->vcpus[c].pcpu].run_vcpu = &vm->vcpus[c];
			vcpu_kick(&vm->vcpus[c]);
		}
	}
	if (!started) {
		power_off_without_vms("");
		return;
	}
	console_vms_ready();
	if (have_gic && platform.uart_intid >= 32) {
		gic_enable_spi(platform.uart_intid, read_sysreg(mpidr_el1));
		pl011_enable_rx_irq();
	}
	dsb(ish);
	sev();
}

void hyp_main(u64 dtb)
{
	const char *err = NULL;
	unsigned int online;
	int ret;

	percpu_setup(0, read_sysreg(mpidr_el1));
	ret = platform_parse((const void *)dtb, DTB_MAX_SIZE, &platform, &err);
	console_setup(&platform);
	if (ret) {
		/* Without a usable tree there may be no console; print in case there is. */
		log_err("cannot use the boot device tree at 0x%llx: %s", (unsigned long long)dtb, err);
		cpu_halt();
	}
	log_info("moat hypervisor starting at EL2 on CPU MPIDR 0x%llx",
		 (unsigned long long)(read_sysreg(mpidr_el1) & 0xff00ffffffULL));
	firmware_init(platform.psci);
	if (platform.psci == PSCI_CONDUIT_NONE)
		log_warn("device tree names no PSCI method: secondary CPUs stay off");
	platform_reserve(&platform, (u64)__image_start, (u64)(__image_end - __image_start));

	ret = hyp_mm_init(&platform);
	if (ret)
		panic("cannot set up hypervisor memory (%d)", ret);
	boot_cpu_init_mmu();
	if (gic_init(&platform) || gic_cpu_init())
		log_warn("no usable GICv3 in the device tree: VMs get no interrupts");
	else
		have_gic = true;

	fault_inject_from_bootargs(platform.bootargs);

	online = smp_boot(&platform);
	log_info("%u CPUs online", online);

	start_vms(online);
	cpu_idle();
}
