// SPDX-License-Identifier: MIT
/* err_name(): what a negative error code means, in words a user reads. */
#include "lib/err.h"
#include "lib/printf.h"
#include "lib/types.h"

struct err_phrase {
	int code;
	const char *phrase;
};

/* One row per code moat returns; the phrase fits "...: <phrase>". */
static const struct err_phrase err_phrases[] = {
	{ EPERM, "not permitted" },
	{ ENOENT, "not found" },
	{ EIO, "I/O error" },
	{ E2BIG, "too big" },
	{ EAGAIN, "try again" },
	{ ENOMEM, "out of memory" },
	{ EFAULT, "bad address" },
	{ EBUSY, "busy" },
	{ EEXIST, "already exists" },
	{ ENODEV, "no such device" },
	{ EINVAL, "invalid argument" },
	{ ENOSPC, "no space left" },
	{ ERANGE, "out of range" },
	{ ENOSYS, "not implemented" },
	{ ENOTSUP, "not supported" },
};

const char *err_name(int err)
{
	/* Only on paths that report and give up, so one shared buffer is enough. */
	static char unknown[24];
	int code = err < 0 ? -err : err;

	for (size_t i = 0; i < ARRAY_SIZE(err_phrases); i++)
		if (err_phrases[i].code == code)
			return err_phrases[i].phrase;
	snprintf(unknown, sizeof(unknown), "error %d", err);
	return unknown;
}
