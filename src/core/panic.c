// SPDX-License-Identifier: MIT
/* The panic path and the decoded dump of an unexpected EL2 exception. */
#include "arch/barrier.h"
#include "arch/exc_frame.h"
#include "arch/percpu.h"
#include "arch/gicv3.h"
#include "arch/semihost.h"
#include "core/boot.h"
#include "core/esr.h"
#include "core/panic.h"
#include "lib/log.h"
#include "lib/printf.h"

volatile int panic_in_progress;
bool semihosting_exit;

void cpu_halt(void)
{
	__asm__ volatile("msr daifset, #0xf");
	for (;;)
		wfi();
}

/* After the dump: a QEMU run under semihosting ends with the panic's status. */
static void __noreturn panic_stop(void)
{
	log_err("system halted");
	if (semihosting_exit)
		semihost_exit(PANIC_EXIT_STATUS);
	cpu_halt();
}

/* Only the first CPU to panic prints; the others just stop. */
static void panic_enter(void)
{
	if (__atomic_exchange_n(&panic_in_progress, 1, __ATOMIC_SEQ_CST)) {
		cpu_halt();
	}
	dsb(ish);
	sev();
	/* CPUs in a guest or in WFI only notice an interrupt. */
	if (have_gic)
		for (unsigned int i = 0; i < MAX_CPUS; i++)
			if (percpu_area[i].online && &percpu_area[i] != this_cpu())
				gic_send_sgi(GIC_SGI_KICK, percpu_area[i].mpidr);
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("PANIC on CPU %u: %s", this_cpu()->cpu, msg);
	panic_stop();
}

static const char *const exc_kind_names[16] = {
	"synchronous (EL2, SP_EL0)", "IRQ (EL2, SP_EL0)", "FIQ (EL2, SP_EL0)", "SError (EL2, SP_EL0)",
	"synchronous (EL2)", "IRQ (EL2)", "FIQ (EL2)", "SError (EL2)",
	"exception from a lower EL", "IRQ from a lower EL", "FIQ from a lower EL", "SError from a lower EL",
	"exception from AArch32", "IRQ from AArch32", "FIQ from AArch32", "SError from AArch32",
};

void hyp_fault_panic(struct exc_frame *f, u64 kind)
{
	char esr_text[320];
	struct percpu *pc = this_cpu();

	panic_enter();
	esr_describe(f->esr, esr_text, sizeof(esr_text));
	log_err("PANIC on CPU %u: unexpected %s", pc->cpu, exc_kind_names[kind & 15]);
	log_err("  ESR_EL2 0x%08llx  %s", (unsigned long long)f->esr, esr_text);
	log_err("  FAR_EL2 0x%016llx  ELR_EL2 0x%016llx  SPSR_EL2 0x%08llx",
		(unsigned long long)f->far, (unsigned long long)f->elr, (unsigned long long)f->spsr);
	for (int i = 0; i < 30; i += 3)
		log_err("  x%-2d %016llx  x%-2d %016llx  x%-2d %016llx", i, (unsigned long long)f->x[i],
			i + 1, (unsigned long long)f->x[i + 1], i + 2, (unsigned long long)f->x[i + 2]);
	log_err("  x30 %016llx  sp  %016llx  CPU %u MPIDR 0x%llx", (unsigned long long)f->x[30],
		(unsigned long long)f->sp, pc->cpu, (unsigned long long)pc->mpidr);
	panic_stop();
}
