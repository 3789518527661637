/* SPDX-License-Identifier: MIT */
/*
 * Arm semihosting, only to end a QEMU run with an exit status. The HLT
 * it uses is an undefined instruction unless the debugger/emulator
 * (QEMU -semihosting-config enable=on,target=native) catches it, so moat
 * calls it only when its bootargs say moat.semihosting=on.
 */
#ifndef MOAT_ARCH_SEMIHOST_H
#define MOAT_ARCH_SEMIHOST_H
#include "lib/types.h"

/* SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit: QEMU exits with status @code. */
void semihost_exit(u32 code) __noreturn;
#endif
