/* SPDX-License-Identifier: MIT */
/* panic(): for broken hypervisor invariants only, never for guest input. */
#ifndef MOAT_CORE_PANIC_H
#define MOAT_CORE_PANIC_H
#include "lib/types.h"

/** Print "moat: PANIC on CPU n: ...", stop every other CPU, halt. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
/** Halt this CPU for good (interrupts masked). */
void cpu_halt(void) __noreturn;
/** Non-zero once some CPU has panicked: idle loops stop when they see it. */
extern volatile int panic_in_progress;
/*
 * moat.semihosting=on in the bootargs: QEMU catches the semihosting HLT, so
 * moat ends the run with a status a script can see: 1 for an error the user
 * must fix, 2 for a panic.
 */
extern bool semihosting_exit;
#define PANIC_EXIT_STATUS 2
#endif
