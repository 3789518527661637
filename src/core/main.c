// SPDX-License-Identifier: MIT
/* The boot CPU's path from the entry code to a running system. */
#include "arch/barrier.h"
#include "arch/pl011.h"
#include "arch/percpu.h"
#include "arch/sysreg.h"
#include "core/boot.h"
#include "core/firmware.h"
#include "core/panic.h"
#include "core/smp.h"
#include "core/fault_inject.h"
#include "lib/log.h"
#include "lib/platform.h"
#include "lib/spinlock.h"
#include "mm/hyp_mm.h"

/* The boot protocol limits a DTB to 2 MiB. */
#define DTB_MAX_SIZE SZ_2M

struct platform platform;

extern u8 __image_start[], __image_end[];

static void console_write(const char *s, size_t n)
{
	pl011_write_str(s, n);
}

static spinlock_t console_lock = SPINLOCK_INIT;

static void console_lock_take(void)
{
	spin_lock(&console_lock);
}

static void console_lock_give(void)
{
	spin_unlock(&console_lock);
}

static void console_setup(const struct platform *plat)
{
	if (plat->have_uart) {
		pl011_init(plat->uart.base);
		log_write = console_write;
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

void cpu_idle(void)
{
	for (;;) {
		if (READ_ONCE(panic_in_progress))
			cpu_halt();
		wfe();
	}
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

	fault_inject_from_bootargs(platform.bootargs);

	log_lock = console_lock_take;
	log_unlock = console_lock_give;
	online = smp_boot(&platform);
	log_info("%u CPUs online", online);

	log_info("no VM configured in this build: moat is running alone (idle)");
	cpu_idle();
}
