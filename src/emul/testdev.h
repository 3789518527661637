/* SPDX-License-Identifier: MIT */
/* The emulated test device (register map in include/moat/hypercall.h). */
#ifndef MOAT_EMUL_TESTDEV_H
#define MOAT_EMUL_TESTDEV_H
#include "emul/mmio.h"

struct testdev {
	u64 scratch;
	u64 count;
	/* The test hypercalls' tallies (core/smccc.c), printed when the VM stops. */
	bool planned;
	u32 plan;
	u32 reports_ok, reports_failed;
};

extern const struct mmio_ops testdev_ops;
#endif
