/* SPDX-License-Identifier: MIT */
/*
 * platform_parse(): what moat needs from the boot device tree, read with
 * libfdt only. See platform.h for the result.
 *
 * The blob may be anything (it comes from firmware, and the fuzzer feeds
 * it garbage): nothing here reads outside the @max_size bytes given, and
 * every value that ends up in struct platform has been range-checked.
 * Optional hardware (GIC, timer, UART, PSCI) that is absent leaves its
 * fields zero; the caller decides whether it can live without it.
 *
 * Error messages are formatted into a static buffer, so platform_parse()
 * is not reentrant; it runs once, on the boot CPU.
 */
#include <string.h>
#include <libfdt.h>

#include "lib/dt_bounds.h"
#include "lib/dt_prop.h"
#include "lib/err.h"
#include "lib/platform.h"
#include "lib/printf.h"

/* PSCI 0.2+ fixed function ID for CPU_ON, SMC64 calling convention. */
#define DT_PSCI_0_2_FN64_CPU_ON 0xc4000003U

/* MPIDR_EL1 affinity fields: Aff3 [39:32], Aff2..Aff0 [23:0]. */
#define DT_MPIDR_AFF_MASK 0xff00ffffffULL

/* Interrupt specifier types in the GIC bindings (first cell). */
#define DT_GIC_SPI 0
#define DT_GIC_PPI 1
#define DT_GIC_ESPI 2
#define DT_GIC_EPPI 3

/* The largest physical address space AArch64 has (FEAT_LPA): RAM beyond it is nonsense. */
#define DT_PA_BITS 52

/* Oldest blob layout accepted (see platform_parse). */
#define DT_MIN_VERSION 17

/* How many levels of buses an address is translated through before we give up. */
#define DT_MAX_DEPTH 16

struct dt_ctx {
	const void *fdt;
	struct platform *plat;
	int root_ac, root_sc;
};

static char dt_err_buf[192];

static int dt_fail(const char **err, int ret, const char *fmt, ...) __printf(3, 4);

static int dt_fail(const char **err, int ret, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(dt_err_buf, sizeof(dt_err_buf), "device tree: ");

	va_start(ap, fmt);
	vsnprintf(dt_err_buf + n, sizeof(dt_err_buf) - (size_t)n, fmt, ap);
	va_end(ap);
	/* Node names and property strings come from the blob: keep the message one printable line. */
	for (char *p = dt_err_buf; *p; p++) {
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	}
	if (err)
		*err = dt_err_buf;
	return ret;
}

static const char *node_name(const void *fdt, int node)
{
	const char *name;

	if (node == 0)
		return "/";
	name = fdt_get_name(fdt, node, NULL);
	return name && *name ? name : "?";
}

/* No "status", or "okay" / "ok". */
static bool node_enabled(const void *fdt, int node)
{
	if (!fdt_getprop(fdt, node, "status", NULL))
		return true;
	return dt_prop_is(fdt, node, "status", "okay") || dt_prop_is(fdt, node, "status", "ok");
}

static bool node_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *p = fdt_getprop(fdt, node, "compatible", &len);

	return p && len > 0 && fdt_stringlist_contains(p, len, compat);
}

static u64 read_cells(const fdt32_t *p, int n)
{
	u64 v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

/* A u32 property of @node: 0 and *val set, 1 if absent (*val untouched), <0 if malformed. */
static int read_u32_prop(const void *fdt, int node, const char *name, u32 *val, const char **err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return 1;
	if (len != 4)
		return dt_fail(err, -EINVAL, "%s: %s has length %d, expected 4", node_name(fdt, node),
			       name, len);
	*val = fdt32_ld(p);
	return 0;
}

/*
 * #address-cells and #size-cells of @node (which describe its children),
 * defaulting to 2 and 1. Addresses must fit 1..2 cells, sizes 0..2.
 */
static int node_cells(const void *fdt, int node, int *ac, int *sc, const char **err)
{
	u32 a = 2, s = 1;
	int ret;

	ret = read_u32_prop(fdt, node, "#address-cells", &a, err);
	if (ret < 0)
		return ret;
	ret = read_u32_prop(fdt, node, "#size-cells", &s, err);
	if (ret < 0)
		return ret;
	if (a < 1 || a > 2)
		return dt_fail(err, -ENOTSUP, "%s: #address-cells = %u not supported (1 or 2)",
			       node_name(fdt, node), a);
	if (s > 2)
		return dt_fail(err, -ENOTSUP, "%s: #size-cells = %u not supported (0 to 2)",
			       node_name(fdt, node), s);
	*ac = (int)a;
	*sc = (int)s;
	return 0;
}

static bool range_wraps(u64 base, u64 size)
{
	return size && base + size - 1 < base;
}

/*
 * Translate @addr (with @size bytes after it), in the address space of the
 * children of @bus, up to the root's address space through "ranges".
 */
static int translate(const void *fdt, int bus, u64 *addr, u64 size, const char *who,
		     const char **err)
{
	for (int depth = 0; bus > 0; depth++) {
		int parent, cac, csc, pac, psc, len, entry, ret;
		const fdt32_t *ranges;
		bool found = false;

		if (depth >= DT_MAX_DEPTH)
			return dt_fail(err, -EINVAL, "%s: nested more than %d buses deep", who,
				       DT_MAX_DEPTH);
		parent = fdt_parent_offset(fdt, bus);
		if (parent < 0)
			return dt_fail(err, -EINVAL, "%s: cannot find the parent of %s (%s)", who,
				       node_name(fdt, bus), fdt_strerror(parent));
		ranges = fdt_getprop(fdt, bus, "ranges", &len);
		if (!ranges)
			return dt_fail(err, -EINVAL, "%s: bus %s has no ranges, address not reachable",
				       who, node_name(fdt, bus));
		if (len == 0) {	/* identity mapping */
			bus = parent;
			continue;
		}
		ret = node_cells(fdt, bus, &cac, &csc, err);
		if (ret)
			return ret;
		ret = node_cells(fdt, parent, &pac, &psc, err);
		if (ret)
			return ret;
		entry = (cac + pac + csc) * 4;
		if (csc == 0 || len < 0 || len % entry)
			return dt_fail(err, -EINVAL, "%s: bus %s has malformed ranges (length %d)", who,
				       node_name(fdt, bus), len);
		for (int i = 0; i < len / entry; i++) {
			const fdt32_t *r = ranges + i * (cac + pac + csc);
			u64 child = read_cells(r, cac);
			u64 par = read_cells(r + cac, pac);
			u64 rsize = read_cells(r + cac + pac, csc);

			if (*addr >= child && *addr - child < rsize && size <= rsize - (*addr - child)) {
				u64 off = *addr - child;

				if (range_wraps(par + off, size) || par + off < par)
					return dt_fail(err, -EINVAL,
						       "%s: translated through %s it wraps past 2^64",
						       who, node_name(fdt, bus));
				*addr = par + off;
				found = true;
				break;
			}
		}
		if (!found)
			return dt_fail(err, -EINVAL, "%s: address 0x%llx not covered by ranges of %s",
				       who, (unsigned long long)*addr, node_name(fdt, bus));
		bus = parent;
	}
	return 0;
}

/*
 * reg entry @index of @node, translated to a CPU physical address.
 * Returns 0, 1 if the node has no such entry, or a negative error.
 */
static int node_reg(const void *fdt, int node, int index, struct plat_range *r, const char **err)
{
	const char *who = node_name(fdt, node);
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len, ret;
	const fdt32_t *reg;
	u64 base, size;

	if (parent < 0)
		return dt_fail(err, -EINVAL, "%s: cannot find its parent (%s)", who,
			       fdt_strerror(parent));
	ret = node_cells(fdt, parent, &ac, &sc, err);
	if (ret)
		return ret;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return 1;
	if (sc == 0 || len <= 0 || len % ((ac + sc) * 4))
		return dt_fail(err, -EINVAL, "%s: reg has length %d, not a multiple of %d", who, len,
			       (ac + sc) * 4);
	if (index >= len / ((ac + sc) * 4))
		return 1;
	reg += index * (ac + sc);
	base = read_cells(reg, ac);
	size = read_cells(reg + ac, sc);
	if (size == 0)
		return dt_fail(err, -EINVAL, "%s: reg[%d] has size 0", who, index);
	if (range_wraps(base, size))
		return dt_fail(err, -EINVAL, "%s: reg[%d] 0x%llx + 0x%llx wraps past 2^64", who, index,
			       (unsigned long long)base, (unsigned long long)size);
	ret = translate(fdt, parent, &base, size, who, err);
	if (ret)
		return ret;
	r->base = base;
	r->size = size;
	return 0;
}

static int parse_memory(struct dt_ctx *c, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	int node, nodes = 0;

	fdt_for_each_subnode(node, fdt, 0) {
		const int entry = c->root_ac + c->root_sc;
		const fdt32_t *reg;
		int len;

		if (!dt_prop_is(fdt, node, "device_type", "memory") || !node_enabled(fdt, node))
			continue;
		nodes++;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len <= 0 || len % (entry * 4))
			return dt_fail(err, -EINVAL, "%s: reg has length %d, not a multiple of %d",
				       node_name(fdt, node), reg ? len : 0, entry * 4);
		for (int i = 0; i < len / (entry * 4); i++) {
			u64 base = read_cells(reg + i * entry, c->root_ac);
			u64 size = read_cells(reg + i * entry + c->root_ac, c->root_sc);

			if (size == 0)
				return dt_fail(err, -EINVAL, "memory bank size 0 (%s, reg[%d] at 0x%llx)",
					       node_name(fdt, node), i, (unsigned long long)base);
			if (range_wraps(base, size))
				return dt_fail(err, -EINVAL,
					       "memory bank 0x%llx + 0x%llx wraps past 2^64 (%s)",
					       (unsigned long long)base, (unsigned long long)size,
					       node_name(fdt, node));
			if ((base + (size - 1)) >> DT_PA_BITS)
				return dt_fail(err, -EINVAL,
					       "memory bank 0x%llx + 0x%llx ends beyond the %d-bit physical address space (%s)",
					       (unsigned long long)base, (unsigned long long)size,
					       DT_PA_BITS, node_name(fdt, node));
			for (unsigned int j = 0; j < plat->nr_mem; j++) {
				const struct plat_range *m = &plat->mem[j];

				if (base <= m->base + (m->size - 1) && m->base <= base + (size - 1))
					return dt_fail(err, -EINVAL,
						       "memory banks 0x%llx + 0x%llx and 0x%llx + 0x%llx overlap",
						       (unsigned long long)m->base,
						       (unsigned long long)m->size,
						       (unsigned long long)base, (unsigned long long)size);
			}
			if (plat->nr_mem == PLAT_MAX_MEM)
				return dt_fail(err, -E2BIG, "more than %d memory banks, moat supports %d",
					       PLAT_MAX_MEM, PLAT_MAX_MEM);
			plat->mem[plat->nr_mem].base = base;
			plat->mem[plat->nr_mem].size = size;
			plat->nr_mem++;
		}
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return dt_fail(err, -EINVAL, "walking the root node: %s", fdt_strerror(node));
	if (nodes == 0)
		return dt_fail(err, -ENOENT, "no /memory node");
	return 0;
}

static bool is_cpu_node(const void *fdt, int node)
{
	const char *name;

	if (dt_prop_is(fdt, node, "device_type", "cpu"))
		return true;
	/* device_type is deprecated for cpus in newer specs; the node name still says it. */
	name = fdt_get_name(fdt, node, NULL);
	return name && strncmp(name, "cpu@", 4) == 0;
}

static int parse_cpus(struct dt_ctx *c, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	int cpus, node, ac, sc, ret;
	unsigned int count = 0;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return dt_fail(err, -ENOENT, "no /cpus node");
	ret = node_cells(fdt, cpus, &ac, &sc, err);
	if (ret)
		return ret;

	fdt_for_each_subnode(node, fdt, cpus) {
		if (is_cpu_node(fdt, node) && node_enabled(fdt, node))
			count++;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return dt_fail(err, -EINVAL, "walking /cpus: %s", fdt_strerror(node));
	if (count == 0)
		return dt_fail(err, -ENOENT, "/cpus has no enabled cpu nodes");
	if (count > PLAT_MAX_CPUS)
		return dt_fail(err, -E2BIG, "/cpus has %u CPUs, moat supports %d", count,
			       PLAT_MAX_CPUS);

	fdt_for_each_subnode(node, fdt, cpus) {
		const fdt32_t *reg;
		int len;
		u64 mpidr;

		if (!is_cpu_node(fdt, node) || !node_enabled(fdt, node))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4)
			return dt_fail(err, -EINVAL, "/cpus/%s: reg missing or shorter than %d cells",
				       node_name(fdt, node), ac);
		mpidr = read_cells(reg, ac);
		if (mpidr & ~DT_MPIDR_AFF_MASK)
			return dt_fail(err, -EINVAL, "/cpus/%s: reg 0x%llx is not an MPIDR affinity value",
				       node_name(fdt, node), (unsigned long long)mpidr);
		for (unsigned int i = 0; i < plat->nr_cpus; i++) {
			if (plat->cpu_mpidr[i] == mpidr)
				return dt_fail(err, -EINVAL, "/cpus/%s: MPIDR 0x%llx appears twice",
					       node_name(fdt, node), (unsigned long long)mpidr);
		}
		if (plat->nr_cpus == PLAT_MAX_CPUS)	/* the tree changed under us? */
			return dt_fail(err, -E2BIG, "/cpus has more than %d CPUs", PLAT_MAX_CPUS);
		plat->cpu_mpidr[plat->nr_cpus++] = mpidr;
	}
	return 0;
}

static int parse_psci(struct dt_ctx *c, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	bool v02 = true;
	int node;

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
		v02 = false;
	}
	if (node < 0 || !node_enabled(fdt, node))
		return 0;	/* no PSCI: the caller decides */

	if (dt_prop_is(fdt, node, "method", "smc"))
		plat->psci = PSCI_CONDUIT_SMC;
	else if (dt_prop_is(fdt, node, "method", "hvc"))
		plat->psci = PSCI_CONDUIT_HVC;
	else
		return dt_fail(err, -EINVAL, "%s: method is neither \"smc\" nor \"hvc\"",
			       node_name(fdt, node));

	if (v02) {
		plat->psci_cpu_on = DT_PSCI_0_2_FN64_CPU_ON;
	} else {
		int ret = read_u32_prop(fdt, node, "cpu_on", &plat->psci_cpu_on, err);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Interrupt specifier (GIC binding, >= 3 cells) at @spec to an INTID. */
static int gic_spec_to_intid(const fdt32_t *spec, u32 *intid)
{
	u32 type = fdt32_ld(&spec[0]), num = fdt32_ld(&spec[1]);

	switch (type) {
	case DT_GIC_SPI:
		if (num > 987)
			return -EINVAL;
		*intid = 32 + num;
		return 0;
	case DT_GIC_PPI:
		if (num > 15)
			return -EINVAL;
		*intid = 16 + num;
		return 0;
	case DT_GIC_ESPI:
		if (num > 1023)
			return -EINVAL;
		*intid = 4096 + num;
		return 0;
	case DT_GIC_EPPI:
		if (num > 63)
			return -EINVAL;
		*intid = 1056 + num;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Read the "interrupts" of @node (specifiers of @icells cells) into up to
 * @max INTIDs. Returns the number read, or a negative error.
 */
static int node_interrupts(const void *fdt, int node, int icells, u32 *out, int max,
			   const char **err)
{
	const fdt32_t *p;
	int len, n;

	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p)
		return 0;
	if (len < 0 || len % (icells * 4))
		return dt_fail(err, -EINVAL, "%s: interrupts has length %d, not a multiple of %d",
			       node_name(fdt, node), len, icells * 4);
	n = len / (icells * 4);
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {
		if (gic_spec_to_intid(p + i * icells, &out[i]))
			return dt_fail(err, -EINVAL, "%s: interrupts[%d] <%u %u ...> is not a GIC interrupt",
				       node_name(fdt, node), i, fdt32_ld(&p[i * icells]),
				       fdt32_ld(&p[i * icells + 1]));
	}
	return n;
}

/* #interrupt-cells of the GIC (default 3; the binding allows 3 or 4). */
static int gic_icells(const void *fdt, int gic, int *icells, const char **err)
{
	u32 v = 3;
	int ret;

	*icells = 3;
	if (gic < 0)
		return 0;
	ret = read_u32_prop(fdt, gic, "#interrupt-cells", &v, err);
	if (ret < 0)
		return ret;
	if (v < 3 || v > 4)
		return dt_fail(err, -ENOTSUP, "%s: #interrupt-cells = %u not supported (3 or 4)",
			       node_name(fdt, gic), v);
	*icells = (int)v;
	return 0;
}

static int parse_gic(struct dt_ctx *c, int *gic_out, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	u32 nr_redist = 1, intid;
	int gic, ret, icells;

	gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	*gic_out = gic;
	if (gic < 0)
		return 0;	/* no GICv3: the caller decides */

	ret = node_reg(fdt, gic, 0, &plat->gicd, err);
	if (ret < 0)
		return ret;
	if (ret)
		return dt_fail(err, -EINVAL, "%s: no reg for the distributor", node_name(fdt, gic));

	ret = read_u32_prop(fdt, gic, "#redistributor-regions", &nr_redist, err);
	if (ret < 0)
		return ret;
	if (nr_redist == 0 || nr_redist > PLAT_MAX_REDIST)
		return dt_fail(err, -E2BIG, "%s: %u redistributor regions, moat supports 1 to %d",
			       node_name(fdt, gic), nr_redist, PLAT_MAX_REDIST);
	for (u32 i = 0; i < nr_redist; i++) {
		ret = node_reg(fdt, gic, (int)i + 1, &plat->gicr[i], err);
		if (ret < 0)
			return ret;
		if (ret)
			return dt_fail(err, -EINVAL, "%s: reg has no redistributor region %u",
				       node_name(fdt, gic), i);
	}
	plat->nr_gicr = nr_redist;

	ret = gic_icells(fdt, gic, &icells, err);
	if (ret)
		return ret;
	ret = node_interrupts(fdt, gic, icells, &intid, 1, err);
	if (ret < 0)
		return ret;
	if (ret == 1)
		plat->gic_maint_intid = intid;
	return 0;
}

static int parse_timer(struct dt_ctx *c, int gic, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	u32 intid[4] = { 0 };
	int node, icells, ret;

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer");
	if (node < 0)
		return 0;	/* no timer node: the caller decides */

	ret = gic_icells(fdt, gic, &icells, err);
	if (ret)
		return ret;
	ret = node_interrupts(fdt, node, icells, intid, 4, err);
	if (ret < 0)
		return ret;
	/* Each CPU has its own timer: an SPI or LPI here cannot be right, and moat enables them per CPU. */
	for (int i = 0; i < ret; i++)
		if (intid[i] < 16 || intid[i] > 31)
			return dt_fail(err, -EINVAL, "%s: interrupts[%d] is INTID %u; timer interrupts must "
				       "be PPIs (INTID 16..31, specifier <1 N ...>)",
				       node_name(fdt, node), i, intid[i]);
	/* Order in the binding: secure physical, non-secure physical, virtual, hypervisor. */
	plat->timer_sec_phys = intid[0];
	plat->timer_phys = intid[1];
	plat->timer_virt = intid[2];
	plat->timer_hyp = intid[3];
	return 0;
}

/* The PMUv3 node: its overflow interrupt, a PPI (moat forwards it to the vCPU running there). */
static int parse_pmu(struct dt_ctx *c, int gic, const char **err)
{
	const void *fdt = c->fdt;
	u32 intid = 0;
	int node, icells, ret;

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-pmuv3");
	if (node < 0)
		return 0;
	ret = gic_icells(fdt, gic, &icells, err);
	if (ret)
		return ret;
	ret = node_interrupts(fdt, node, icells, &intid, 1, err);
	if (ret < 0)
		return ret;
	if (ret == 1 && (intid < 16 || intid > 31))
		return dt_fail(err, -EINVAL, "%s: interrupts is INTID %u; the PMU interrupt must be a "
			       "PPI (INTID 16..31, specifier <1 N ...>)", node_name(fdt, node), intid);
	c->plat->pmu_intid = ret == 1 ? intid : 0;
	return 0;
}

static int parse_stdout(struct dt_ctx *c, int chosen, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	const char *path, *colon;
	int len, node, ret;
	size_t n;

	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len <= 0)
		return 0;
	/* "path-or-alias[:options]"; the property need not be NUL-terminated in a bad blob. */
	n = strnlen(path, (size_t)len);
	colon = memchr(path, ':', n);
	if (colon)
		n = (size_t)(colon - path);
	if (n == 0)
		return 0;
	/* Relative names are aliases: libfdt resolves them through /aliases. */
	node = fdt_path_offset_namelen(fdt, path, (int)n);
	if (node < 0 || !node_compatible(fdt, node, "arm,pl011") || !node_enabled(fdt, node))
		return 0;	/* not a console moat can drive: the caller decides */

	ret = node_reg(fdt, node, 0, &plat->uart, err);
	if (ret < 0)
		return ret;
	plat->have_uart = ret == 0;
	if (plat->have_uart) {
		/* Its receive interrupt, if it has one the GIC can deliver. */
		int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
		const char *ignored = NULL;	/* optional: a bad specifier only means no interrupt */
		int icells;

		if (gic < 0 || gic_icells(fdt, gic, &icells, &ignored) != 0 ||
		    node_interrupts(fdt, node, icells, &plat->uart_intid, 1, &ignored) != 1)
			plat->uart_intid = 0;
	}
	return 0;
}

/* Is [base, base + size) inside one memory bank? */
static bool in_ram(const struct platform *plat, u64 base, u64 size)
{
	for (unsigned int i = 0; i < plat->nr_mem; i++) {
		const struct plat_range *m = &plat->mem[i];

		if (base >= m->base && base - m->base < m->size && size <= m->size - (base - m->base))
			return true;
	}
	return false;
}

/* linux,initrd-start / -end: 32 or 64-bit each. 0 and *v set, 1 if absent, <0 if malformed. */
static int read_addr_prop(const void *fdt, int node, const char *name, u64 *v, const char **err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return 1;
	if (len != 4 && len != 8)
		return dt_fail(err, -EINVAL, "/chosen: %s has length %d, expected 4 or 8", name, len);
	*v = read_cells(p, len / 4);
	return 0;
}

static int parse_chosen(struct dt_ctx *c, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	int chosen, ret, rs, re, len;
	u64 start = 0, end = 0;
	const char *args;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return 0;

	ret = parse_stdout(c, chosen, err);
	if (ret)
		return ret;

	args = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (args && len > 0 && strnlen(args, (size_t)len) < (size_t)len)
		plat->bootargs = args;

	rs = read_addr_prop(fdt, chosen, "linux,initrd-start", &start, err);
	if (rs < 0)
		return rs;
	re = read_addr_prop(fdt, chosen, "linux,initrd-end", &end, err);
	if (re < 0)
		return re;
	if (rs != re)
		return dt_fail(err, -EINVAL, "/chosen: linux,initrd-%s without linux,initrd-%s",
			       rs ? "end" : "start", rs ? "start" : "end");
	if (rs == 0) {
		if (end < start)
			return dt_fail(err, -EINVAL, "/chosen: initrd end 0x%llx below start 0x%llx",
				       (unsigned long long)end, (unsigned long long)start);
		plat->initrd.base = start;
		plat->initrd.size = end - start;
		if (plat->initrd.size && !in_ram(plat, start, end - start))
			return dt_fail(err, -EINVAL, "/chosen: initrd [0x%llx, 0x%llx) is not inside one "
				       "/memory bank", (unsigned long long)start,
				       (unsigned long long)end);
	}
	return 0;
}

static int reserve(struct dt_ctx *c, u64 base, u64 size, const char *what, const char **err)
{
	int ret = platform_reserve(c->plat, base, size);

	if (ret == -ENOSPC)
		return dt_fail(err, ret, "more than %d reserved ranges (%s 0x%llx + 0x%llx is one "
			       "too many, counting moat, the tree and the initrd); moat supports %d",
			       PLAT_MAX_RESERVED, what, (unsigned long long)base,
			       (unsigned long long)size, PLAT_MAX_RESERVED);
	if (ret)
		return dt_fail(err, ret, "%s 0x%llx + 0x%llx wraps past 2^64", what,
			       (unsigned long long)base, (unsigned long long)size);
	return 0;
}

static int parse_reserved(struct dt_ctx *c, const struct plat_range *image, const char **err)
{
	const void *fdt = c->fdt;
	struct platform *plat = c->plat;
	int nr, node, rmem, ret;

	/* moat itself first: whatever else does not fit, its own pages must never be handed out. */
	if (image && image->size) {
		ret = reserve(c, image->base, image->size, "moat's image", err);
		if (ret)
			return ret;
	}

	/* The blob itself: moat runs with VA == PA when this is called. */
	ret = reserve(c, (u64)(uintptr_t)fdt, fdt_totalsize(fdt), "the device tree blob", err);
	if (ret)
		return ret;

	if (plat->initrd.size) {
		ret = reserve(c, plat->initrd.base, plat->initrd.size, "initrd", err);
		if (ret)
			return ret;
	}

	nr = fdt_num_mem_rsv(fdt);
	if (nr < 0)
		return dt_fail(err, -EINVAL, "bad /memreserve/ table: %s", fdt_strerror(nr));
	for (int i = 0; i < nr; i++) {
		uint64_t base, size;

		ret = fdt_get_mem_rsv(fdt, i, &base, &size);
		if (ret)
			return dt_fail(err, -EINVAL, "bad /memreserve/ entry %d: %s", i,
				       fdt_strerror(ret));
		ret = reserve(c, base, size, "/memreserve/", err);
		if (ret)
			return ret;
	}

	rmem = fdt_path_offset(fdt, "/reserved-memory");
	if (rmem < 0)
		return 0;
	fdt_for_each_subnode(node, fdt, rmem) {
		struct plat_range r;

		if (!node_enabled(fdt, node))
			continue;
		/* Several reg entries are allowed; nodes with only "size" are allocated by an OS. */
		for (int i = 0;; i++) {
			ret = node_reg(fdt, node, i, &r, err);
			if (ret < 0)
				return ret;
			if (ret)
				break;
			ret = reserve(c, r.base, r.size, "/reserved-memory", err);
			if (ret)
				return ret;
		}
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return dt_fail(err, -EINVAL, "walking /reserved-memory: %s", fdt_strerror(node));
	return 0;
}

int platform_parse(const void *fdt, size_t max_size, struct platform *plat, const char **err)
{
	return platform_parse_image(fdt, max_size, NULL, plat, err);
}

int platform_parse_image(const void *fdt, size_t max_size, const struct plat_range *image,
			 struct platform *plat, const char **err)
{
	struct dt_ctx c = { .fdt = fdt, .plat = plat };
	int ret, gic;
	u32 total;

	memset(plat, 0, sizeof(*plat));
	if (err)
		*err = NULL;

	if (!fdt || max_size < sizeof(struct fdt_header))
		return dt_fail(err, -EINVAL, "%zu bytes is too small for a header (%zu)",
			       fdt ? max_size : 0, sizeof(struct fdt_header));
	if (fdt_magic(fdt) != FDT_MAGIC)
		return dt_fail(err, -EINVAL, "bad magic 0x%08x, not a device tree blob", fdt_magic(fdt));
	total = fdt_totalsize(fdt);
	if (total > max_size)
		return dt_fail(err, -EINVAL, "truncated (totalsize %u > %zu bytes available)", total,
			       max_size);
	/*
	 * Every producer (dtc, QEMU, U-Boot, EDK2) writes version 17. Older
	 * layouts store full paths as node names, and libfdt 1.6.1's
	 * fdt_check_full() dereferences NULL on some of them: refuse them here.
	 */
	if (fdt_version(fdt) < DT_MIN_VERSION)
		return dt_fail(err, -ENOTSUP, "version %u is too old (moat needs %d or later)",
			       fdt_version(fdt), DT_MIN_VERSION);
	ret = fdt_check_header(fdt);
	if (ret)
		return dt_fail(err, -EINVAL, "bad header: %s", fdt_strerror(ret));
	/* libfdt's own walk loops forever on some blobs: bound it first (dt_bounds.h). */
	if (dt_check_struct(fdt, total))
		return dt_fail(err, -EINVAL, "malformed structure: %s",
			       fdt_strerror(-FDT_ERR_BADSTRUCTURE));
	/* Walks the whole structure block once, so later lookups meet only well-formed data. */
	ret = fdt_check_full(fdt, total);
	if (ret)
		return dt_fail(err, -EINVAL, "malformed structure: %s", fdt_strerror(ret));

	ret = node_cells(fdt, 0, &c.root_ac, &c.root_sc, err);
	if (ret)
		return ret;
	if (c.root_sc == 0)
		return dt_fail(err, -EINVAL, "/: #size-cells = 0, memory sizes cannot be described");

	ret = parse_memory(&c, err);
	if (ret)
		return ret;
	ret = parse_cpus(&c, err);
	if (ret)
		return ret;
	ret = parse_psci(&c, err);
	if (ret)
		return ret;
	ret = parse_gic(&c, &gic, err);
	if (ret)
		return ret;
	ret = parse_timer(&c, gic, err);
	if (ret)
		return ret;
	ret = parse_pmu(&c, gic, err);
	if (ret)
		return ret;
	ret = parse_chosen(&c, err);
	if (ret)
		return ret;
	ret = parse_reserved(&c, image, err);
	if (ret)
		return ret;
	plat->fdt = fdt;
	return 0;
}

int platform_node_reg(const void *fdt, int node, int index, struct plat_range *r)
{
	return node_reg(fdt, node, index, r, NULL);
}

int platform_reserve(struct platform *plat, u64 base, u64 size)
{
	if (size == 0)
		return 0;
	if (range_wraps(base, size))
		return -EINVAL;
	for (unsigned int i = 0; i < plat->nr_reserved; i++) {
		if (plat->reserved[i].base == base && plat->reserved[i].size == size)
			return 0;	/* already there */
	}
	if (plat->nr_reserved >= PLAT_MAX_RESERVED)
		return -ENOSPC;
	plat->reserved[plat->nr_reserved].base = base;
	plat->reserved[plat->nr_reserved].size = size;
	plat->nr_reserved++;
	return 0;
}
