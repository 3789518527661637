// SPDX-License-Identifier: MIT
/* The boot CPU's path from the entry code to a running system. */
#include "arch/barrier.h"
#include "arch/gicv3.h"
#include "arch/pl011.h"
#include "arch/percpu.h"
#include "arch/semihost.h"
#include "arch/sysreg.h"
#include "core/pmu.h"
#include "core/boot.h"
#include "core/firmware.h"
#include "core/panic.h"
#include "core/smp.h"
#include "core/config.h"
#include "core/console.h"
#include "core/fault_inject.h"
#include "core/irq.h"
#include "core/passthrough.h"
#include "core/vm.h"
#include "lib/bootargs.h"
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


static void read_moat_options(const char *bootargs)
{
	size_t len;
	const char *v = bootarg_value(bootargs, "moat.semihosting=", &len);

	semihosting_exit = bootarg_is(v, len, "on");
}

/*
 * moat cannot go on because of something the user must fix (said in the
 * line just logged). Under QEMU with semihosting, exit with status 1 so a
 * script sees the failure; otherwise power off (QEMU exits with 0), and
 * if even that is refused, halt.
 */
static void __noreturn stop_on_error(void)
{
	if (semihosting_exit)
		semihost_exit(1);
	firmware_system_off();
	cpu_halt();
}

/*
 * PSCI over HVC is for an OS below a hypervisor: at EL2 the HVC would trap
 * to moat itself. Such a tree is refused as a conduit (with one warning)
 * and moat runs without firmware PSCI.
 */
static enum psci_conduit el2_conduit(enum psci_conduit c)
{
	enum psci_conduit usable = firmware_conduit_at_el2(c);

	if (usable == c)
		return c;
	log_warn("device tree: PSCI method \"hvc\" cannot reach firmware from EL2; running without "
		 "PSCI firmware (secondary CPUs stay off; the firmware's tree should say \"smc\")");
	return usable;
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
	read_moat_options(platform.bootargs);
	log_err("started at EL%u, not EL2: moat needs the virtualization extensions; "
		"start QEMU with -M virt,virtualization=on (or make the firmware enter at EL2)",
		current_el());
	/* Below EL2, PSCI over HVC is what QEMU without virtualization=on offers. */
	firmware_init(platform.psci);
	stop_on_error();
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

static void __noreturn power_off_without_vms(const char *hint)
{
	log_err("no VM started: powering off%s", hint);
	stop_on_error();
}

/* Create the VMs the boot bundle describes and give each vCPU its CPU. */
static void start_vms(unsigned int online)
{
	char err[CONFIG_ERR_MAX];
	unsigned int nr, started = 0;
	int ret;

	if (!platform.initrd.size) {
		log_err("no boot bundle, so no VM to run: powering off; pass one to QEMU with "
			"-initrd build/<config>.bundle (see docs/config.md)");
		stop_on_error();
	}
	ret = config_parse((const void *)platform.initrd.base, platform.initrd.size, online,
			   vm_configs, CONFIG_MAX_VMS, &nr, err);
	if (ret) {
		log_err("%s", err);
		power_off_without_vms(" (fix the configuration and rebuild the bundle)");
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (passthrough_check(&platform, have_gic ? gic_nr_lines() : 0, vm_configs, i, err)) {
			log_err("%s", err);
			power_off_without_vms(" (fix the configuration and rebuild the bundle)");
		}
	}
	/* Two rounds: the host gets what the static VMs leave, so it comes last. */
	for (unsigned int k = 0; k < 2 * nr; k++) {
		unsigned int i = k % nr;
		struct vm *vm;

		if (vm_configs[i].host != (k >= nr))
			continue;
		ret = vm_create(&vm_configs[i], &vm);
		if (ret) {
			log_err("VM '%s' not started: %s", vm_configs[i].name, err_name(ret));
			continue;
		}
		started++;
		for (u32 c = 0; c < vm->nr_vcpus; c++) {
			percpu_area[vm->vcpus[c].pcpu].run_vcpu = &vm->vcpus[c];
			vcpu_kick(&vm->vcpus[c]);
		}
	}
	if (!started)
		power_off_without_vms("");
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
	const struct plat_range image = {
		(u64)__image_start, (u64)(__image_end - __image_start)
	};
	const char *err = NULL;
	unsigned int online;
	int ret;

	percpu_setup(0, read_sysreg(mpidr_el1));
	ret = platform_parse_image((const void *)dtb, DTB_MAX_SIZE, &image, &platform, &err);
	console_setup(&platform);
	/* A tree that failed late may still have given bootargs and PSCI: use them to stop. */
	read_moat_options(platform.bootargs);
	if (ret) {
		/* Without a usable tree there may be no console; print in case there is. */
		log_err("cannot use the boot device tree at 0x%llx: %s", (unsigned long long)dtb, err);
		firmware_init(el2_conduit(platform.psci));
		stop_on_error();
	}
	log_info("moat hypervisor starting at EL2 on CPU MPIDR 0x%llx",
		 (unsigned long long)(read_sysreg(mpidr_el1) & 0xff00ffffffULL));
	if (platform.psci == PSCI_CONDUIT_NONE)
		log_warn("device tree names no PSCI method: secondary CPUs stay off");
	platform.psci = el2_conduit(platform.psci);
	firmware_init(platform.psci);

	ret = hyp_mm_init(&platform);
	if (ret) {
		log_err("cannot set up hypervisor memory: %s", err_name(ret));
		stop_on_error();
	}
	boot_cpu_init_mmu();
	if (gic_init(&platform) || gic_cpu_init())
		log_warn("no usable GICv3 in the device tree: VMs get no interrupts");
	else
		have_gic = true;
	pmu_cpu_init();

	fault_inject_from_bootargs(platform.bootargs);

	online = smp_boot(&platform);
	log_info("%u CPUs online", online);

	start_vms(online);
	cpu_idle();
}
