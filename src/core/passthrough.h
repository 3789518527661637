/* SPDX-License-Identifier: MIT */
/*
 * Which devices a VM may be given (the "passthrough" property of its
 * config, docs/config.md): checked against the boot device tree before any
 * VM starts. See docs/security.md, "Passthrough and DMA", for the rule.
 */
#ifndef MOAT_CORE_PASSTHROUGH_H
#define MOAT_CORE_PASSTHROUGH_H
#include "core/config.h"
#include "lib/platform.h"
#include "lib/types.h"

/*
 * Check the passthrough entries of @vms[@idx] against the machine @plat
 * (whose fdt is the boot device tree), the GIC's @gic_lines interrupt
 * lines (INTIDs below it exist; 0: no GIC) and the VMs before it
 * (@vms[0..@idx-1]). 0 if every entry may be passed through; otherwise
 * -EINVAL and one line in @err naming the VM, the entry and why.
 */
int passthrough_check(const struct platform *plat, u32 gic_lines, const struct vm_config *vms,
		      unsigned int idx, char err[CONFIG_ERR_MAX]);

/*
 * What moat knows about the device whose most specific compatible is
 * @compatible: true if it may be passed through; otherwise false and
 * *@why (never NULL) says why not.
 */
bool passthrough_allowed(const char *compatible, const char **why);
#endif
