// SPDX-License-Identifier: MIT
#include "moat/hypercall.h"
#include "emul/testdev.h"

static u64 low_bytes(u64 v, u32 size)
{
	return size >= 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

static int testdev_read(void *priv, u64 off, u32 size, u64 *val)
{
	struct testdev *t = priv;

	t->count++;
	switch (off) {
	case MOAT_TESTDEV_SCRATCH:
		*val = low_bytes(t->scratch, size);
		break;
	case MOAT_TESTDEV_MAGIC:
		*val = low_bytes(MOAT_TESTDEV_MAGIC_VALUE, size);
		break;
	case MOAT_TESTDEV_NEG:
		*val = low_bytes(MOAT_TESTDEV_NEG_VALUE, size);
		break;
	case MOAT_TESTDEV_COUNT:
		*val = low_bytes(t->count, size);
		break;
	default:
		*val = 0;
	}
	return 0;
}

static int testdev_write(void *priv, u64 off, u32 size, u64 val)
{
	struct testdev *t = priv;

	t->count++;
	if (off == MOAT_TESTDEV_SCRATCH)
		t->scratch = low_bytes(val, size);
	return 0;
}

const struct mmio_ops testdev_ops = {
	.read = testdev_read,
	.write = testdev_write,
};
