/* SPDX-License-Identifier: MIT */
/*
 * The test-guest runtime: what every bare-metal test guest in tests/guests
 * uses. A guest runs at EL1 with the MMU off (all data accesses are
 * Device-nGnRnE, so everything is compiled with -mstrict-align) and DAIF
 * masked. It defines main() and GUEST_PLAN(n); the runtime (head.S,
 * guest.c) declares the plan, runs main() and exits with its status.
 *
 * Reporting: the plan goes to moat with MOAT_HC_TEST_PLAN, each check with
 * MOAT_HC_TEST_REPORT, and moat prints "moat: VM: plan N" and
 * "moat: VM: ok - NAME" itself. A refused report is never printed instead:
 * the guest then exits with a non-zero status. Only when moat is not there
 * at all (MOAT_HC_NOP is not answered: the same binary booted straight
 * under QEMU at EL1, the floor run) does the runtime print "plan N",
 * "ok - NAME" and "exit status S" on the PL011 itself.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "moat/hypercall.h"

/* The VM's RAM as the configs in tests/guests/configs give it. */
#define GUEST_RAM_BASE		0x40000000ULL
#define GUEST_RAM_SIZE		0x01000000ULL
#define GUEST_RAM_END		(GUEST_RAM_BASE + GUEST_RAM_SIZE)

/* Firmware calls used when moat is not there. */
#define PSCI_SYSTEM_OFF		0x84000008u

/* ESR_EL1 fields and exception classes the guests look at. */
#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_IL			(1ULL << 25)
#define ESR_ISS(esr)		((esr) & 0x1ffffff)
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_SVC64		0x15
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_DABT_CUR		0x25
#define ESR_xFSC(esr)		((esr) & 0x3f)
#define ESR_FSC_SEA		0x10	/* synchronous external abort */
#define ESR_DABT_WNR		(1ULL << 6)
#define ESR_DABT_EA		(1ULL << 9)

/* Vector offsets from VBAR_EL1. */
#define VEC_CUR_SPX_SYNC	0x200
#define VEC_CUR_SPX_IRQ		0x280

/* Declare how many checks the guest makes; the runner insists on it. */
#define GUEST_PLAN(n)		const int guest_plan = (n)
extern const int guest_plan;

int main(void);

/* --- SMCCC calls: function id and x1..x3 in, x0 out --------------------- */
struct smccc_res {
	uint64_t a0, a1, a2, a3;
};

void hvc_call_res(struct smccc_res *res, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
void smc_call_res(struct smccc_res *res, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* True when SMCCC_VERSION over HVC answers 1.1: moat is there. */
bool moat_present(void);

/* --- console ------------------------------------------------------------- */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void console_flush(void);

/* --- checks and exit ------------------------------------------------------ */
/* Report one check; the name is a printf format. Returns ok. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned checks_made(void);
unsigned checks_failed(void);
void guest_exit(int status) __attribute__((noreturn));

/* --- exceptions ------------------------------------------------------------ */
struct exc_info {
	uint64_t vec;	/* offset from VBAR_EL1 */
	uint64_t esr, far, elr, spsr;
};

/*
 * Arm a one-shot expectation: the next exception is recorded instead of
 * being fatal; a synchronous one returns to the instruction after the
 * faulting one (an instruction abort returns to x30, the caller's link).
 */
void expect_exception(void);
/* Was the expectation consumed (an exception taken) since expect_exception()? */
bool exception_taken(void);
/* Disarm an expectation that was not consumed. */
void expect_none(void);
const struct exc_info *last_exception(void);
/* Number of exceptions taken so far (expected or tolerated). */
unsigned exceptions_seen(void);
/*
 * While tolerant, every synchronous exception is recorded, printed and
 * skipped like an expected one (checks then see the value they got wrong
 * instead of the guest dying): used where the floor run (no moat) would
 * fault, e.g. the test device is not there.
 */
void tolerate_exceptions(bool on);

/*
 * IRQs taken at EL1 (VBAR_EL1 + 0x280, or + 0x080 on SP_EL0) go to this
 * hook when one is set (any CPU; the hook finds out which itself), instead
 * of being an unexpected exception. It runs with PSTATE.I masked; it must
 * not use the console (printf and check share one line buffer). NULL
 * removes it.
 */
void set_irq_handler(void (*fn)(void));

/*
 * Synchronous exceptions at EL1 go first to this hook when one is set (any
 * CPU). It sees the exception and may change where it returns (*elr) and
 * the PSTATE it returns with (*spsr); it returns true when it handled the
 * exception, false to leave it to the runtime. It must not use the console.
 */
void set_sync_handler(bool (*fn)(const struct exc_info *e, uint64_t *elr, uint64_t *spsr));

/*
 * EL0. run_el0(pc, a0, a1, spsr) runs EL0t code from @pc (x0 = @a0, x1 =
 * @a1, own stack, SPSR_EL1 = @spsr: EL0t is 0, add DAIF or SS bits) until
 * it executes SVC #0, and returns its x0. el0_call is an entry for a C
 * function: run_el0((uintptr_t)el0_call, arg, (uintptr_t)fn, spsr) runs
 * fn(arg) at EL0. Exceptions EL0 takes meanwhile go through the runtime
 * as usual (vector 0x400; tolerated ones return to the next instruction).
 * With the MMU off, EL0 sees all memory flat, like EL1.
 */
#define SPSR_EL0T_MASKED	0x3c0ULL	/* EL0t, D A I F masked */
uint64_t run_el0(uint64_t pc, uint64_t a0, uint64_t a1, uint64_t spsr);
void el0_call(void);

/* --- probes: one access, with whatever exception it raised --------------- */
struct probe {
	bool faulted;		/* an exception was taken */
	bool continued;		/* the instruction after it ran */
	uint64_t pc;		/* address of the access instruction */
	uint64_t val;		/* value loaded (loads) */
	struct exc_info exc;	/* the exception, when faulted */
};
void probe_read64(uint64_t addr, struct probe *p);
void probe_write64(uint64_t addr, uint64_t val, struct probe *p);

/* --- system registers, MMIO, time ---------------------------------------- */
#define read_sysreg(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) do { uint64_t __wv = (uint64_t)(v); \
	__asm__ volatile("msr " #r ", %0" : : "rZ"(__wv)); } while (0)
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

static inline uint8_t mmio_read8(uint64_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t mmio_read16(uint64_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_write8(uint64_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(uint64_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }

static inline uint64_t counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

void delay_ticks(uint64_t ticks);

/* The DTB address moat (or QEMU) passed in x0; may be 0. */
extern uint64_t guest_dtb;
/*
 * /chosen/bootargs of the DTB moat passed (the VM config's "bootargs"), or
 * "" when there is none. bootargs_has(word): is @word one of its
 * space-separated words.
 */
const char *guest_bootargs(void);
bool bootargs_has(const char *word);
/* End of the loaded image, bss and stack (linker script). */
extern char __image_end[];

/* --- freestanding string functions (the compiler may call these) ---------- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
