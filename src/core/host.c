// SPDX-License-Identifier: MIT
/*
 * The host VM: its memory, its stage-2 with page owners, its interrupts,
 * its device tree, and its stage-2 aborts. docs/host-mode.md.
 */
#include "arch/cache.h"
#include "arch/gicv3.h"
#include "arch/percpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/boot.h"
#include "core/el2_config.h"
#include "core/host.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "mm/hyp_mm.h"
#include "mm/page_alloc.h"
#include <libfdt.h>
#include <string.h>

#define HOST_MAX_RAM		16		/* runs of RAM the host gets */
#define HOST_WINDOW_MAX		(256ULL << 20)	/* where its kernel, initrd and DTB are loaded */

static struct mem_host host_mem;
static struct mem_guest host_guests[CONFIG_MAX_VMS];
static struct plat_range host_ram[HOST_MAX_RAM];
static u32 nr_host_ram;

/* Devices moat keeps from the host: they can master DMA, or moat owns them. */
static const char *const moat_devices[] = {
	"qemu,fw-cfg-mmio",	/* DMA to any address */
	"arm,smmu-v3",		/* would let the host remap DMA */
	"arm,smmuv3",
	"arm,gic-v3-its",	/* writes its tables to memory; the vGIC has no ITS */
};

static void scrub(u64 pa, u64 size, void *arg)
{
	memset(pa_to_ptr(pa_init(pa)), 0, size);
	dcache_clean_poc(pa_to_ptr(pa_init(pa)), size);
}

/*
 * Every free page beyond moat's pool becomes the host's, in runs of
 * whole pages. The pool is the first cfg->moat_pool bytes of free RAM
 * (lowest addresses): moat's later allocations (the host's stage-2
 * tables above all) come from there.
 */
static int claim_host_ram(u64 keep)
{
	u64 from = 0, base, size;

	while (!page_alloc_next_free_run(&hyp_pages, from, &base, &size)) {
		from = base + size;
		if (keep >= size) {
			keep -= size;
			continue;
		}
		base += keep;
		size -= keep;
		keep = 0;
		/*
		 * Whole 2 MiB blocks only: the host's stage-2 then maps all of
		 * its RAM with blocks, and the ragged edges (under 4 MiB a run)
		 * stay in moat's pool.
		 */
		size = base + size >= ALIGN_UP(base, SZ_2M) ?
		       ALIGN_DOWN(base + size - ALIGN_UP(base, SZ_2M), SZ_2M) : 0;
		base = ALIGN_UP(base, SZ_2M);
		if (!size)
			continue;
		if (nr_host_ram == HOST_MAX_RAM) {
			log_warn("host: more than %u runs of free RAM; [0x%llx, 0x%llx) stays moat's",
				 HOST_MAX_RAM, (unsigned long long)base, (unsigned long long)(base + size));
			continue;
		}
		if (page_alloc_claim(&hyp_pages, pa_init(base), size / PAGE_SIZE))
			return -EBUSY;
		host_ram[nr_host_ram++] = (struct plat_range){ base, size };
	}
	return nr_host_ram ? 0 : -ENOMEM;
}

static int set_owner(u64 base, u64 size, u32 owner)
{
	u64 start = ALIGN_DOWN(base, PAGE_SIZE), end = ALIGN_UP(base + size, PAGE_SIZE);

	if (end > (1ULL << host_mem.pgt.ia_bits))
		return 0;	/* beyond what the host can address anyway */
	return pgt_set_owner(&host_mem.pgt, start, end - start, owner, NULL);
}

/*
 * The initial state, built before the host runs (so directly, not by
 * transitions): RAM is moat's except the host's runs; each static VM owns
 * its RAM and its passed-through devices; moat owns its GIC, its console
 * UART and the devices in moat_devices[]. Everything else is the host's.
 */
static int host_stage2_build(struct vm *host)
{
	int ret = 0, node;

	for (u32 i = 0; i < platform.nr_mem && !ret; i++)
		ret = set_owner(platform.mem[i].base, platform.mem[i].size, MEM_OWNER_MOAT);
	for (u32 i = 0; i < nr_host_ram && !ret; i++)
		ret = set_owner(host_ram[i].base, host_ram[i].size, MEM_OWNER_HOST);
	for (u32 i = 0; i < nr_vms && !ret; i++) {
		struct vm *vm = vms[i];
		struct mem_guest *g = &host_guests[i];

		*g = (struct mem_guest){ .pgt = &vm->s2, .id = (u16)(vm->vmid + 1), .lock = SPINLOCK_INIT };
		ret = mem_host_add_guest(&host_mem, g);
		ret = ret ?: set_owner(pa_addr(vm->ram_pa), vm->ram_size, g->id);
		for (u32 d = 0; d < vm->cfg->nr_pt && !ret; d++)
			ret = set_owner(vm->cfg->pt[d].base, vm->cfg->pt[d].size, g->id);
	}
	ret = ret ?: set_owner(platform.gicd.base, platform.gicd.size, MEM_OWNER_MOAT);
	for (u32 i = 0; i < platform.nr_gicr && !ret; i++)
		ret = set_owner(platform.gicr[i].base, platform.gicr[i].size, MEM_OWNER_MOAT);
	if (!ret && platform.have_uart)
		ret = set_owner(platform.uart.base, PAGE_SIZE, MEM_OWNER_MOAT);
	for (size_t c = 0; c < ARRAY_SIZE(moat_devices) && !ret; c++) {
		for (node = fdt_node_offset_by_compatible(platform.fdt, -1, moat_devices[c]); node >= 0;
		     node = fdt_node_offset_by_compatible(platform.fdt, node, moat_devices[c])) {
			struct plat_range r;

			for (int k = 0; !ret && platform_node_reg(platform.fdt, node, k, &r) == 0; k++)
				ret = set_owner(r.base, r.size, MEM_OWNER_MOAT);
		}
	}
	(void)host;
	return ret;
}

int host_vm_memory(struct vm *vm)
{
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u32 flags = (vm->hcr & HCR_EL2_FWB) ? PGT_F_S2FWB : 0;
	const struct plat_range *w = NULL;
	u64 base, size;
	int ret;

	ret = claim_host_ram(vm->cfg->moat_pool);
	if (ret) {
		log_err("VM '%s': no RAM left for the host beyond moat's %llu MiB pool", vm->name,
			(unsigned long long)(vm->cfg->moat_pool >> 20));
		return ret;
	}
	ret = mem_host_init(&host_mem, mmfr0, platform.mem, platform.nr_mem, &hyp_pgt_mm_ops, flags,
			    vm->vmid);
	host_mem.scrub = scrub;
	ret = ret ?: host_stage2_build(vm);
	if (ret) {
		log_err("VM '%s': cannot build the host's stage-2: %s", vm->name, err_name(ret));
		return ret;
	}
	vm->host = &host_mem;
	vm->vtcr = pgt_s2_vtcr(&host_mem.pgt, mmfr0) | vcpu_el2_config()->vtcr;
	vm->vttbr = host_mem.pgt.vttbr;
	/* The load window: the start of the largest run, 2 MiB aligned (the Image wants it). */
	for (u32 i = 0; i < nr_host_ram; i++)
		if (!w || host_ram[i].size > w->size)
			w = &host_ram[i];
	base = ALIGN_UP(w->base, SZ_2M);
	size = w->base + w->size > base ? ALIGN_DOWN(w->base + w->size - base, SZ_2M) : 0;
	if (!size)
		return -ENOMEM;
	vm->ram_ipa = ipa_init(base);
	vm->ram_pa = pa_init(base);
	vm->ram_size = MIN(size, HOST_WINDOW_MAX);
	for (u32 i = 0; i < nr_host_ram; i++)
		log_info("host: RAM [0x%llx, 0x%llx)", (unsigned long long)host_ram[i].base,
			 (unsigned long long)(host_ram[i].base + host_ram[i].size));
	return host_check();
}

int host_check(void)
{
	struct mem_check_report rep;
	int ret = mem_check(&host_mem, &rep);

	if (ret)
		log_err("ownership check: %s at 0x%llx (owner id %u)", rep.what,
			(unsigned long long)rep.addr, rep.guest);
	else
		log_info("ownership check: every page has one owner");
	return ret;
}

void host_report(void)
{
	const struct mem_host_stats *st = &host_mem.stats;

	log_info("host stage-2: %llu faults, mappings 1G/2M/4K = %llu/%llu/%llu, %llu retried, "
		 "%llu refused", (unsigned long long)st->faults, (unsigned long long)st->mapped[1],
		 (unsigned long long)st->mapped[2], (unsigned long long)st->mapped[3],
		 (unsigned long long)st->retried, (unsigned long long)st->denied);
}

u64 host_vcpu_mpidr(u32 pcpu)
{
	return MPIDR_EL1_RES1 | (percpu_area[pcpu].mpidr & MPIDR_AFFINITY_MASK);
}

void host_claim_spis(struct vm *vm)
{
	u32 lines = have_gic ? gic_nr_lines() : 0;

	for (u32 intid = 32; intid < lines && intid < 1020; intid++) {
		if (intid == platform.uart_intid)
			continue;	/* moat's console: the host's UART is the emulated one */
		if (vgic_claim_passthrough(vm, intid))
			continue;	/* another VM's */
		gic_enable_spi(intid, percpu_area[vm->vcpus[0].pcpu].mpidr);
	}
}

void host_stage2_abort(struct vcpu *v, u64 ipa, enum mem_access acc)
{
	struct mem_host *h = v->vm->host;
	int ret = mem_host_fault(h, ipa, acc, NULL);

	if (ret == MEM_FAULT_MAPPED || ret == MEM_FAULT_RETRY)
		return;		/* the host repeats the access */
	vcpu_log(v, LOG_WARN, "%s of PA 0x%llx at PC 0x%llx: %s: external abort injected",
		 acc == MEM_ACCESS_EXEC ? "instruction fetch" :
		 acc == MEM_ACCESS_WRITE ? "write" : "read", (unsigned long long)ipa,
		 (unsigned long long)v->ctx.pc,
		 ret == MEM_FAULT_DENIED ? "not the host's memory" : "no memory to map it");
	vcpu_inject_ext_abort(v, v->ctx.far, acc == MEM_ACCESS_EXEC);
}

/* ---- The host's device tree. ------------------------------------------- */

static int del_by_compatible(void *fdt, const char *compat)
{
	int node, ret;

	while ((node = fdt_node_offset_by_compatible(fdt, -1, compat)) >= 0) {
		ret = fdt_del_node(fdt, node);
		if (ret)
			return ret;
	}
	return node == -FDT_ERR_NOTFOUND ? 0 : node;
}

/* Does the first reg entry of @node overlap a device another VM has? */
static bool other_vms_device(const void *fdt, int node)
{
	struct plat_range r;

	if (platform_node_reg(fdt, node, 0, &r))
		return false;
	for (u32 i = 0; i < nr_vms; i++)
		for (u32 d = 0; d < vms[i]->cfg->nr_pt; d++) {
			const struct vm_passthrough *p = &vms[i]->cfg->pt[d];

			if (p->base < r.base + r.size && r.base < p->base + p->size)
				return true;
		}
	return false;
}

static int del_other_vms_devices(void *fdt)
{
	for (;;) {
		int node = fdt_next_node(fdt, -1, NULL), ret;

		while (node >= 0 && !other_vms_device(fdt, node))
			node = fdt_next_node(fdt, node, NULL);
		if (node < 0)
			return 0;
		/* Offsets move when a node goes: look again from the start. */
		ret = fdt_del_node(fdt, node);
		if (ret)
			return ret;
	}
}

/* CPU nodes of physical CPUs the host does not run on go. */
static int filter_cpus(void *fdt, const struct vm *vm)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, ret;
	bool removed = false;

	if (cpus < 0)
		return 0;
again:
	fdt_for_each_subnode(node, fdt, cpus) {
		const fdt32_t *reg;
		int len;
		u64 mpidr;
		bool mine = false;

		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || (len != 4 && len != 8))
			continue;
		mpidr = len == 8 ? fdt64_ld((const fdt64_t *)reg) : fdt32_ld(reg);
		for (u32 i = 0; i < vm->nr_vcpus; i++)
			mine |= (vm->vcpus[i].vmpidr & MPIDR_AFFINITY_MASK) == mpidr;
		if (!mine) {
			ret = fdt_del_node(fdt, node);
			if (ret)
				return ret;
			removed = true;
			goto again;
		}
	}
	/* cpu-map would name CPUs that are gone. */
	node = removed ? fdt_subnode_offset(fdt, cpus, "cpu-map") : -1;
	return node >= 0 ? fdt_del_node(fdt, node) : 0;
}

/* RAM that is not the host's: /reserved-memory, no-map. */
static int add_reserved(void *fdt)
{
	int rm = fdt_path_offset(fdt, "/reserved-memory"), ret = 0;

	if (rm < 0) {
		rm = fdt_add_subnode(fdt, 0, "reserved-memory");
		if (rm < 0)
			return rm;
		ret = fdt_setprop_u32(fdt, rm, "#address-cells", 2);
		ret = ret ?: fdt_setprop_u32(fdt, rm, "#size-cells", 2);
		ret = ret ?: fdt_setprop(fdt, rm, "ranges", NULL, 0);
	}
	for (u32 b = 0; b < platform.nr_mem && !ret; b++) {
		u64 at = platform.mem[b].base, end = at + platform.mem[b].size;

		while (at < end && !ret) {
			u64 next = end, resume = end;
			char name[32];
			int n;

			/* The next host run in this bank bounds the gap that starts at @at. */
			for (u32 i = 0; i < nr_host_ram; i++) {
				const struct plat_range *r = &host_ram[i];

				if (r->base <= at && at < r->base + r->size) {
					next = at;
					resume = r->base + r->size;
					break;
				}
				if (r->base > at && r->base < next) {
					next = r->base;
					resume = r->base + r->size;
				}
			}
			if (next > at) {
				snprintf(name, sizeof(name), "moat@%llx", (unsigned long long)at);
				n = fdt_add_subnode(fdt, rm, name);
				if (n < 0)
					return n;
				ret = fdt_setprop_u64(fdt, n, "reg", at);
				ret = ret ?: fdt_appendprop_u64(fdt, n, "reg", next - at);
				ret = ret ?: fdt_setprop(fdt, n, "no-map", NULL, 0);
			}
			at = resume;
		}
	}
	return ret;
}

/*
 * Copy the boot tree into @buf with room to grow. A firmware tree can be
 * mostly free space (QEMU's is 1 MiB for 8 KiB of content), and libfdt
 * moves a tree whole, so only the used blocks are copied first.
 */
static int open_boot_tree(void *buf, size_t size)
{
	const void *fdt = platform.fdt;
	u64 used = MAX((u64)fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt),
		       (u64)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt));

	if (fdt_off_mem_rsvmap(fdt) > fdt_off_dt_struct(fdt) || used > size)
		return -FDT_ERR_NOSPACE;
	memcpy(buf, fdt, used);
	fdt_set_totalsize(buf, (u32)used);
	return fdt_open_into(buf, buf, (int)size);
}

int host_fdt_build(void *buf, size_t size, const struct vm *vm, u64 initrd, u64 initrd_size)
{
	int ret = open_boot_tree(buf, size), node;

	for (size_t c = 0; c < ARRAY_SIZE(moat_devices) && !ret; c++)
		ret = del_by_compatible(buf, moat_devices[c]);
	ret = ret ?: del_other_vms_devices(buf);
	ret = ret ?: filter_cpus(buf, vm);
	if (!ret) {
		/* moat is the host's PSCI firmware, reached with HVC. */
		node = fdt_path_offset(buf, "/psci");
		if (node >= 0)
			ret = fdt_setprop_string(buf, node, "method", "hvc");
	}
	if (!ret) {
		node = fdt_path_offset(buf, "/chosen");
		if (node < 0)
			node = fdt_add_subnode(buf, 0, "chosen");
		ret = node < 0 ? node : 0;
		ret = ret ?: fdt_setprop_string(buf, node, "bootargs",
						vm->cfg->bootargs ? vm->cfg->bootargs : "");
		if (!ret && initrd_size) {
			ret = fdt_setprop_u64(buf, node, "linux,initrd-start", initrd);
			ret = ret ?: fdt_setprop_u64(buf, node, "linux,initrd-end", initrd + initrd_size);
		} else if (!ret) {
			fdt_delprop(buf, node, "linux,initrd-start");
			fdt_delprop(buf, node, "linux,initrd-end");
		}
	}
	ret = ret ?: add_reserved(buf);
	ret = ret ?: fdt_pack(buf);
	if (ret)
		log_err("host: device tree: %s", fdt_strerror(ret));
	return ret == -FDT_ERR_NOSPACE ? -ENOSPC : ret ? -EINVAL : 0;
}
