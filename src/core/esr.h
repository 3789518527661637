/* SPDX-License-Identifier: MIT */
/* Decoding ESR_ELx for logs and the panic dump (the fields: arch/esr.h). */
#ifndef MOAT_CORE_ESR_H
#define MOAT_CORE_ESR_H

#include "arch/esr.h"
#include "lib/types.h"

/*
 * "DABT_LOW (data abort from a lower EL)" and so on: the short name of the
 * ESR_ELx_EC_ constant, then a description. "reserved EC" for unallocated
 * values.
 */
const char *esr_ec_name(u32 ec);

/* "translation fault, level 3", "access flag fault, level 1", ...; "reserved FSC" otherwise. */
const char *esr_fsc_name(u32 fsc);

/*
 * One line: the ESR, class, IL and the ISS fields the class has, e.g.
 *   ESR 0x93c08007: EC 0x24 DABT_LOW (data abort from a lower EL), IL 32-bit,
 *   ISV 1 SAS 4 SSE 0 SRT 8 SF 1 AR 0 ... WnR 0 DFSC 0x07 (translation fault, level 3)
 * Same return convention as snprintf.
 */
int esr_describe(u64 esr, char *buf, size_t size);

#endif
