/* SPDX-License-Identifier: MIT */
/* Error codes: functions that can fail return one of these, negated. */
#ifndef MOAT_LIB_ERR_H
#define MOAT_LIB_ERR_H

/* Same values as Linux/POSIX so host tests and target agree. */
#ifndef EPERM
#define EPERM 1
#endif
#ifndef ENOENT
#define ENOENT 2
#endif
#ifndef EIO
#define EIO 5
#endif
#ifndef E2BIG
#define E2BIG 7
#endif
#ifndef EAGAIN
#define EAGAIN 11
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EBUSY
#define EBUSY 16
#endif
#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef ENODEV
#define ENODEV 19
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif
#ifndef ERANGE
#define ERANGE 34
#endif
#ifndef ENOSYS
#define ENOSYS 38
#endif
#ifndef ENOTSUP
#define ENOTSUP 95
#endif

/**
 * A short English phrase for the negative error code @err ("out of memory"
 * for -ENOMEM), for messages a user reads; "error N" for codes it does not
 * know. Never NULL.
 */
const char *err_name(int err);

#endif
