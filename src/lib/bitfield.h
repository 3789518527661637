/* SPDX-License-Identifier: MIT */
/*
 * The one helper every register field is built with: a field is a mask,
 * FIELD_GET extracts it and FIELD_PREP places a value in it.
 */
#ifndef MOAT_LIB_BITFIELD_H
#define MOAT_LIB_BITFIELD_H

#include "lib/types.h"

#define BIT(n) (1ULL << (n))
#define GENMASK(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define FIELD_SHIFT(mask) (__builtin_ctzll(mask))
#define FIELD_GET(mask, v) (((u64)(v) & (mask)) >> FIELD_SHIFT(mask))
#define FIELD_PREP(mask, v) ((((u64)(v)) << FIELD_SHIFT(mask)) & (mask))

#endif
