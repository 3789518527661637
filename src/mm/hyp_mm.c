// SPDX-License-Identifier: MIT
/* The hypervisor's page allocator and its EL2 stage-1 address space. */
#include "arch/barrier.h"
#include "arch/cache.h"
#include "arch/regs.h"
#include "arch/percpu.h"
#include "arch/sysreg.h"
#include "arch/tlb.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/hyp_mm.h"
#include <string.h>

#define SCTLR_EL2_M	BIT(0)
#define SCTLR_EL2_A	BIT(1)
#define SCTLR_EL2_C	BIT(2)
#define SCTLR_EL2_SA	BIT(3)
#define SCTLR_EL2_I	BIT(12)
#define SCTLR_EL2_WXN	BIT(19)
#define SCTLR_EL2_RES1	(BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | BIT(22) | BIT(23) | \
			 BIT(28) | BIT(29))

struct page_alloc hyp_pages;
static spinlock_t hyp_pages_lock = SPINLOCK_INIT;
static struct pgtable hyp_pgt;
static u64 hyp_tcr, hyp_ttbr, hyp_sctlr;

/* Enough for 8 GiB of RAM; larger machines carve the bitmap out of RAM. */
static u64 bitmap_static[(8ULL << 30) / PAGE_SIZE / 64];

extern u8 __image_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern u8 __data_start[], __bss_end[], __stacks_start[], __stacks_end[], __image_end[];

static void lock_pages(void *arg)
{
	spin_lock(arg);
}

static void unlock_pages(void *arg)
{
	spin_unlock(arg);
}

static void *pgt_zalloc(void *arg)
{
	paddr_t p;

	if (page_alloc_page(&hyp_pages, &p))
		return NULL;
	memset(pa_to_ptr(p), 0, PAGE_SIZE);
	return pa_to_ptr(p);
}

static void pgt_free(void *page, void *arg)
{
	page_free(&hyp_pages, ptr_to_pa(page));
}

static void *pgt_phys_to_virt(u64 pa, void *arg)
{
	return (void *)(uintptr_t)pa;
}

static u64 pgt_virt_to_phys(void *va, void *arg)
{
	return (u64)(uintptr_t)va;
}

static void *pgt_zalloc_contig(size_t size, void *arg)
{
	return hyp_alloc_zeroed(size, size);
}

static void pgt_free_contig(void *p, size_t size, void *arg)
{
	page_free_pages(&hyp_pages, ptr_to_pa(p), size / PAGE_SIZE);
}

const struct pgt_mm_ops hyp_pgt_mm_ops = {
	.zalloc_page = pgt_zalloc,
	.free_page = pgt_free,
	.phys_to_virt = pgt_phys_to_virt,
	.virt_to_phys = pgt_virt_to_phys,
	.zalloc_contig = pgt_zalloc_contig,
	.free_contig = pgt_free_contig,
};

void *hyp_alloc_zeroed(u64 size, u64 align)
{
	paddr_t p;

	size = ALIGN_UP(size, PAGE_SIZE);
	if (page_alloc_pages(&hyp_pages, size / PAGE_SIZE, align < PAGE_SIZE ? PAGE_SIZE : align, &p))
		return NULL;
	memzero_pages(pa_to_ptr(p), size);
	return pa_to_ptr(p);
}

static int page_alloc_setup(const struct platform *plat)
{
	struct platform *p = (struct platform *)plat;
	size_t need = page_alloc_bitmap_bytes(plat->mem, plat->nr_mem);
	void *storage = bitmap_static;

	if (need > sizeof(bitmap_static)) {
		/* Carve the bitmap from the top of the last bank. */
		const struct plat_range *b = &plat->mem[plat->nr_mem - 1];
		u64 at = ALIGN_DOWN(b->base + b->size - need, PAGE_SIZE);

		if (at <= b->base)
			return -ENOMEM;
		storage = (void *)(uintptr_t)at;
		if (platform_reserve(p, at, ALIGN_UP(need, PAGE_SIZE)))
			return -ENOSPC;
	}
	hyp_pages.lock = lock_pages;
	hyp_pages.unlock = unlock_pages;
	hyp_pages.lock_arg = &hyp_pages_lock;
	return page_alloc_init(&hyp_pages, plat->mem, plat->nr_mem, plat->reserved,
			       plat->nr_reserved, storage, need);
}

static int map_range(u64 start, u64 end, enum pgt_prot prot, const char *what)
{
	int ret;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (end <= start)
		return 0;
	ret = pgt_map(&hyp_pgt, start, end - start, start, prot, 0, NULL);
	if (ret)
		log_err("cannot map %s [0x%llx, 0x%llx) at EL2: %s", what, (unsigned long long)start,
			(unsigned long long)end, err_name(ret));
	return ret;
}

/* RAM outside the image: page tables, guest memory, the DTB and boot bundle. */
static int map_ram(const struct platform *plat)
{
	u64 is = (u64)__image_start, ie = (u64)__image_end;
	int ret = 0;

	for (unsigned int i = 0; i < plat->nr_mem && !ret; i++) {
		u64 b = plat->mem[i].base, e = b + plat->mem[i].size;

		if (ie <= b || is >= e) {
			ret = map_range(b, e, PGT_PROT_RW, "RAM");
			continue;
		}
		ret = map_range(b, is, PGT_PROT_RW, "RAM");
		if (!ret)
			ret = map_range(ie, e, PGT_PROT_RW, "RAM");
	}
	return ret;
}

static int map_image(void)
{
	int ret;

	ret = map_range((u64)__text_start, (u64)__text_end, PGT_PROT_R | PGT_PROT_X, "text");
	ret = ret ?: map_range((u64)__rodata_start, (u64)__rodata_end, PGT_PROT_R, "rodata");
	ret = ret ?: map_range((u64)__data_start, (u64)__bss_end, PGT_PROT_RW, "data");
	/* Each CPU's stack, but not the guard page below it. */
	for (unsigned int cpu = 0; cpu < MAX_CPUS && !ret; cpu++) {
		u64 slot = (u64)cpu_stacks[cpu];

		ret = map_range(slot + STACK_GUARD, slot + STACK_SLOT, PGT_PROT_RW, "stack");
	}
	return ret;
}

static int map_devices(const struct platform *plat)
{
	enum pgt_prot dev = PGT_PROT_RW | PGT_PROT_DEVICE;
	int ret = 0;

	if (plat->have_uart)
		ret = map_range(plat->uart.base, plat->uart.base + plat->uart.size, dev, "UART");
	if (!ret && plat->gicd.size)
		ret = map_range(plat->gicd.base, plat->gicd.base + plat->gicd.size, dev, "GICD");
	for (unsigned int i = 0; i < plat->nr_gicr && !ret; i++)
		ret = map_range(plat->gicr[i].base, plat->gicr[i].base + plat->gicr[i].size, dev, "GICR");
	return ret;
}

int hyp_mm_init(const struct platform *plat)
{
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	int pa_bits = pgt_parange_to_bits((u32)FIELD_GET(ID_AA64MMFR0_EL1_PARANGE, mmfr0));
	int ret;

	ret = page_alloc_setup(plat);
	if (ret) {
		log_err("page allocator: %s", err_name(ret));
		return ret;
	}
	log_info("%llu MiB of RAM free for moat and its VMs",
		 (unsigned long long)(page_alloc_nr_free(&hyp_pages) * PAGE_SIZE >> 20));
	if (pa_bits < 0)
		return pa_bits;
	ret = pgt_s1_init(&hyp_pgt, (u32)MIN(pa_bits, 48), &hyp_pgt_mm_ops, 0);
	ret = ret ?: map_image();
	ret = ret ?: map_ram(plat);
	ret = ret ?: map_devices(plat);
	if (ret)
		return ret;
	hyp_tcr = pgt_s1_tcr(&hyp_pgt, mmfr0);
	hyp_ttbr = hyp_pgt.pgd_pa;
	hyp_sctlr = SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C | SCTLR_EL2_I | SCTLR_EL2_SA |
		    SCTLR_EL2_WXN;
	/* Secondary CPUs read these with their MMU and caches still off. */
	dcache_clean_poc(&hyp_tcr, sizeof(hyp_tcr));
	dcache_clean_poc(&hyp_ttbr, sizeof(hyp_ttbr));
	dcache_clean_poc(&hyp_sctlr, sizeof(hyp_sctlr));
	return 0;
}

/*
 * Called on every CPU with its MMU off; the tables map the code doing this
 * 1:1, so execution simply continues with translation on.
 */
void boot_cpu_init_mmu(void)
{
	write_sysreg(mair_el2, PGT_MAIR_EL2_VALUE);
	write_sysreg(tcr_el2, hyp_tcr);
	write_sysreg(ttbr0_el2, hyp_ttbr);
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(nsh);
	write_sysreg(sctlr_el2, hyp_sctlr);
	isb();
}
