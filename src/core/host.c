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
#include "core/guest_layout.h"
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
		log_info("host: VM '%s' owns RAM [0x%llx, 0x%llx)", vm->name,
			 (unsigned long long)pa_addr(vm->ram_pa),
			 (unsigned long long)(pa_addr(vm->ram_pa) + vm->ram_size));
		for (u32 d = 0; d < vm->cfg->nr_pt && !ret; d++)
			ret = set_owner(vm->cfg->pt[d].base, vm->cfg->pt[d].size, g->id);
	}
	ret = ret ?: set_owner(platform.gicd.base, platform.gicd.size, MEM_OWNER_MOAT);
	for (u32 i = 0; i < platform.nr_gicr && !ret; i++)
		ret = set_owner(platform.gicr[i].base, platform.gicr[i].size, MEM_OWNER_MOAT);
	if (!ret && platform.have_uart)
		ret = set_owner(platform.uart.base, PAGE_SIZE, MEM_OWNER_MOAT);
	for (size_t c = 0; c < host_nr_moat_devices && !ret; c++) {
		for (node = fdt_node_offset_by_compatible(platform.fdt, -1, host_moat_devices[c]); node >= 0;
		     node = fdt_node_offset_by_compatible(platform.fdt, node, host_moat_devices[c])) {
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

	/*
	 * The vGIC and the emulated PL011 sit at the guest layout's addresses
	 * (core/guest_layout.h); the host sees them where its tree says the
	 * real ones are, so the two must agree (they do on QEMU's virt).
	 */
	if (platform.gicd.base != GUEST_GICD_BASE || !platform.nr_gicr ||
	    platform.gicr[0].base != GUEST_GICR_BASE || !platform.have_uart ||
	    platform.uart.base != GUEST_UART_BASE || platform.uart_intid != GUEST_UART_INTID) {
		log_err("VM '%s': the host needs the GIC at 0x%llx/0x%llx and the console UART at "
			"0x%llx (SPI %u), where moat emulates them; this machine has them elsewhere",
			vm->name, GUEST_GICD_BASE, GUEST_GICR_BASE, GUEST_UART_BASE,
			GUEST_UART_INTID - 32);
		return -ENODEV;
	}
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
	int ret;

	if (!READ_ONCE(host_mem.pgt.pgd)) {
		log_info("ownership check: there is no host");
		return 0;
	}
	ret = mem_check(&host_mem, &rep);

	if (ret)
		log_err("ownership check: %s at 0x%llx (owner id %u)", rep.what,
			(unsigned long long)rep.addr, rep.guest);
	else
		log_info("ownership check: every page has one owner");
	host_report();
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

/* The SPIs hardware-linked to the host (INTID n is bit n). */
static u64 host_spis[1024 / 64];

void host_claim_spis(struct vm *vm)
{
	u32 lines = have_gic ? gic_nr_lines() : 0;

	for (u32 intid = 32; intid < lines && intid < 1020; intid++) {
		if (intid == platform.uart_intid)
			continue;	/* moat's console: the host's UART is the emulated one */
		if (vgic_claim_passthrough(vm, intid))
			continue;	/* another VM's */
		host_spis[intid / 64] |= BIT(intid % 64);
		gic_enable_spi(intid, percpu_area[vm->vcpus[0].pcpu].mpidr);
	}
}

void host_reset_spis(void)
{
	/* A device interrupt the old kernel never deactivated would stay blocked. */
	for (u32 intid = 32; intid < 1020; intid++)
		if (host_spis[intid / 64] & BIT(intid % 64))
			gic_clear_active_spi(intid);
}

/*
 * The doorbell (moat/hypercall.h, docs/hosted.md): the first INTID past
 * the GIC's hardware lines. Every SPI the GIC has is hardware-linked to
 * the host or another VM (host_claim_spis), so the host's vGIC gets one
 * more block of 32 SPIs that exist only there (vm_add_vgic) and the
 * doorbell is the first of them: no device can ever raise it. 0 when the
 * GIC's lines leave no room below INTID 1020.
 */
u32 host_doorbell_intid(void)
{
	u32 lines = have_gic ? gic_nr_lines() : 0;

	if (lines < 32 || lines >= 1020 || lines - 32 + 32 > VGIC_MAX_SPIS)
		return 0;
	return lines;
}

/* ---- The host's device tree (built by core/host_fdt.c). ----------------- */

int host_fdt(void *buf, size_t size, const struct vm *vm, u64 initrd, u64 initrd_size)
{
	struct plat_range taken[CONFIG_MAX_VMS * CONFIG_MAX_PASSTHROUGH];
	u64 mpidr[CONFIG_MAX_VCPUS];
	struct host_fdt_params p = {
		.boot_fdt = platform.fdt,
		.bootargs = vm->cfg->bootargs,
		.initrd = initrd,
		.initrd_size = initrd_size,
		.mpidr = mpidr,
		.nr_cpus = vm->nr_vcpus,
		.mem = platform.mem,
		.nr_mem = platform.nr_mem,
		.host_ram = host_ram,
		.nr_host_ram = nr_host_ram,
		.taken = taken,
		.doorbell_intid = host_doorbell_intid(),
	};
	int ret;

	for (u32 i = 0; i < vm->nr_vcpus; i++)
		mpidr[i] = vm->vcpus[i].vmpidr & MPIDR_AFFINITY_MASK;
	for (u32 i = 0; i < nr_vms; i++)
		for (u32 d = 0; d < vms[i]->cfg->nr_pt; d++)
			taken[p.nr_taken++] = (struct plat_range){ vms[i]->cfg->pt[d].base,
								   vms[i]->cfg->pt[d].size };
	ret = host_fdt_build(buf, size, &p);
	if (ret)
		log_err("host: cannot build its device tree from the boot tree: %s",
			fdt_strerror(ret));
	return ret == -FDT_ERR_NOSPACE ? -ENOSPC : ret ? -EINVAL : 0;
}
