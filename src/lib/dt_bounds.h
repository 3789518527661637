/* SPDX-License-Identifier: MIT */
/*
 * dt_check_struct(): a bounded walk of a flattened device tree's structure
 * block, run before any libfdt call that iterates over it.
 *
 * Why: libfdt 1.6.1 (Debian's, which moat links) computes the end of a
 * property as offset + 8 + len in int arithmetic. A property whose length
 * is 0xfffffff4 ends where it starts, so fdt_next_tag() returns the same
 * offset again and fdt_check_full(), fdt_next_node() and every lookup loop
 * forever on that blob (found by the fuzzer: tests/fuzz/seeds/dt/
 * hang-prop-len-minus-12). This walk has no such wrap: every tag, node
 * name and property value must lie inside the structure block, each step
 * moves forward, so it ends after at most size_dt_struct / 4 steps.
 */
#ifndef MOAT_LIB_DT_BOUNDS_H
#define MOAT_LIB_DT_BOUNDS_H

#include <stddef.h>

/*
 * 0 if the blob (whose header fdt_check_header() accepted and whose
 * totalsize fits in @size) has a version 17 structure block that ends with
 * FDT_END at depth 0, with every node name, property and string offset in
 * bounds; -EINVAL otherwise. Reads only inside the blob's header-declared
 * blocks.
 */
int dt_check_struct(const void *fdt, size_t size);

#endif
