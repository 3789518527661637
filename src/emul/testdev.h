/* SPDX-License-Identifier: MIT */
/* The emulated test device (register map in core/hypercall.h). */
#ifndef MOAT_EMUL_TESTDEV_H
#define MOAT_EMUL_TESTDEV_H
#include "emul/mmio.h"

struct testdev {
	u64 scratch;
	u64 count;
};

extern const struct mmio_ops testdev_ops;
#endif
