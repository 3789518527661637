/* SPDX-License-Identifier: MIT */
/* Debian's libfdt header, reached without the host C library. */
#include "/usr/include/libfdt_env.h"
