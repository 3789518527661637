// SPDX-License-Identifier: MIT
#include "arch/barrier.h"
#include "arch/gicv3.h"
#include "arch/percpu.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/boot.h"
#include "core/guest_layout.h"
#include "core/vgic_glue.h"
#include "core/vm.h"
#include "lib/err.h"

#define VTIMER_LEVEL_BITS (CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTATUS)

static struct vm *passthrough_owner[1020];

void vm_kick_mask(struct vm *vm, u32 mask)
{
	struct vcpu *self = this_cpu()->vcpu;

	for (u32 i = 0; mask && i < vm->nr_vcpus; i++, mask >>= 1)
		if ((mask & 1) && &vm->vcpus[i] != self)
			vcpu_kick(&vm->vcpus[i]);
}

void vm_set_spi_level(struct vm *vm, u32 intid, bool level)
{
	int mask = vgic_set_irq_level(&vm->vgic, 0, intid, level);

	if (mask > 0)
		vm_kick_mask(vm, (u32)mask);
}

/* A timer's output as the architecture defines it: enabled, condition met, not masked. */
static bool timer_level(u64 ctl)
{
	return (ctl & VTIMER_LEVEL_BITS) == (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS);
}

/*
 * Tell the vGIC about a change of one of the guest's timer lines. While a
 * line is high its physical PPI stays disabled on this CPU (it would fire
 * again at once); it is enabled again when the guest has dealt with it.
 */
static void timer_line(struct vcpu *v, u32 intid, bool level, bool *last)
{
	*last = level;
	vgic_set_irq_level(&v->vm->vgic, v->id, intid, level);
}

static void timer_phys_ppi(u32 ppi, bool level)
{
	if (level)
		gic_disable_ppi(ppi);
	else
		gic_enable_ppi(ppi);
}

u32 phys_vtimer_ppi(void)
{
	return platform.timer_virt ? platform.timer_virt : GIC_PPI_VTIMER;
}

u32 phys_ptimer_ppi(void)
{
	return platform.timer_phys ? platform.timer_phys : GIC_PPI_PTIMER;
}

/*
 * Both EL1 timers the guest drives directly: the virtual and the physical
 * one. The guest sees them at the virtual GIC's PPIs 27 and 30 (its device
 * tree says so); the physical PPIs are whatever the machine's DTB says.
 */
void vcpu_timer_sync(struct vcpu *v)
{
	bool vlevel = timer_level(read_sysreg(cntv_ctl_el0));
	bool plevel = timer_level(read_sysreg(cntp_ctl_el0));

	if (vlevel != v->vtimer_level) {
		timer_line(v, VGIC_INTID_VTIMER, vlevel, &v->vtimer_level);
		timer_phys_ppi(phys_vtimer_ppi(), vlevel);
	}
	if (plevel != v->ptimer_level) {
		timer_line(v, GUEST_PTIMER_INTID, plevel, &v->ptimer_level);
		timer_phys_ppi(phys_ptimer_ppi(), plevel);
	}
}

void vcpu_vgic_flush(struct vcpu *v)
{
	struct vgic *g = &v->vm->vgic;
	u64 lrs[VGIC_MAX_LRS], hcr;
	u32 gen;
	int n;

	vcpu_timer_sync(v);
	gen = READ_ONCE(g->gen);
	/* Fast path: nothing changed since an empty flush. */
	if (gen == v->vgic_gen && !v->lrs_used)
		return;
	n = vgic_flush_lrs(g, v->id, lrs, MIN(gic_nr_lrs(), (u32)VGIC_MAX_LRS), &hcr);
	if (n < 0)
		return;
	for (u32 i = 0; i < MAX((u32)n, v->lrs_written); i++)
		gic_write_lr(i, lrs[i]);
	v->lrs_written = (u32)n;
	v->lrs_used = (u32)n;
	write_sysreg(ich_hcr_el2, hcr);
	v->vgic_gen = n ? 0 : gen;
}

void vcpu_vgic_sync(struct vcpu *v)
{
	u64 lrs[VGIC_MAX_LRS];
	u32 kick;

	if (!v->lrs_used && !(read_sysreg(ich_hcr_el2) & ICH_HCR_EL2_UIE))
		return;
	for (u32 i = 0; i < v->lrs_used; i++)
		lrs[i] = gic_read_lr(i);
	/* Drop UIE so the maintenance interrupt falls; keep the interface enabled. */
	write_sysreg(ich_hcr_el2, ICH_HCR_EL2_En);
	kick = vgic_sync_lrs(&v->vm->vgic, v->id, lrs, v->lrs_used);
	v->lrs_used = 0;
	v->vgic_gen = 0;
	if (kick)
		vm_kick_mask(v->vm, kick);
}

/* Active-priority registers implemented: 1, 2 or 4 for 5, 6 or 7 bits of priority. */
static u32 nr_aprs(void)
{
	u32 prebits = (u32)FIELD_GET(GENMASK(28, 26), read_sysreg(ich_vtr_el2)) + 1;

	return prebits >= 7 ? 4 : prebits == 6 ? 2 : 1;
}

#define APR_CASE(n) case n: v->ich_ap0r[n] = read_sysreg(ich_ap0r##n##_el2); \
		    v->ich_ap1r[n] = read_sysreg(ich_ap1r##n##_el2); break;
static void aprs_save(struct vcpu *v)
{
	for (u32 i = 0; i < nr_aprs(); i++) {
		switch (i) {
		APR_CASE(0) APR_CASE(1) APR_CASE(2) APR_CASE(3)
		}
	}
}

#define APR_LOAD(n) case n: write_sysreg(ich_ap0r##n##_el2, v->ich_ap0r[n]); \
		    write_sysreg(ich_ap1r##n##_el2, v->ich_ap1r[n]); break;
static void aprs_restore(struct vcpu *v)
{
	for (u32 i = 0; i < nr_aprs(); i++) {
		switch (i) {
		APR_LOAD(0) APR_LOAD(1) APR_LOAD(2) APR_LOAD(3)
		}
	}
}

void vcpu_vgic_save(struct vcpu *v)
{
	v->ich_vmcr = read_sysreg(ich_vmcr_el2);
	aprs_save(v);
	/* Its list registers were synced at its last exit. */
	for (u32 i = 0; i < v->lrs_written; i++)
		gic_write_lr(i, 0);
	v->lrs_written = 0;
	/* Its timers must not fire on a CPU that no longer runs it. */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	isb();
	if (v->vtimer_level)
		gic_enable_ppi(phys_vtimer_ppi());
	if (v->ptimer_level)
		gic_enable_ppi(phys_ptimer_ppi());
}

void vcpu_vgic_restore(struct vcpu *v)
{
	write_sysreg(ich_vmcr_el2, v->ich_vmcr);
	aprs_restore(v);
	write_sysreg(ich_hcr_el2, ICH_HCR_EL2_En);
	v->vgic_gen = 0;
	v->vtimer_level = false;
	v->ptimer_level = false;
	gic_enable_ppi(phys_vtimer_ppi());
	gic_enable_ppi(phys_ptimer_ppi());
}

void vcpu_sgi_write(struct vcpu *v, bool group1, u64 val)
{
	struct vgic *g = &v->vm->vgic;
	u32 mask = group1 ? vgic_sgi_write(g, v->id, val) : vgic_sgi0_write(g, v->id, val);

	vm_kick_mask(v->vm, mask);
}

int vgic_claim_passthrough(struct vm *vm, u32 intid)
{
	if (intid < 32 || intid >= ARRAY_SIZE(passthrough_owner) || passthrough_owner[intid])
		return -EBUSY;
	passthrough_owner[intid] = vm;
	return vgic_set_hw(&vm->vgic, intid, intid);
}

void vgic_release_passthrough(struct vm *vm, u32 intid)
{
	if (intid < ARRAY_SIZE(passthrough_owner) && passthrough_owner[intid] == vm)
		passthrough_owner[intid] = NULL;
}

/*
 * A passed-through SPI: EL2 drops its priority but leaves it active; the
 * guest's deactivation of the hardware-linked virtual interrupt ends it.
 */
bool vgic_route_passthrough(u32 intid)
{
	struct vm *vm = intid < ARRAY_SIZE(passthrough_owner) ? passthrough_owner[intid] : NULL;

	if (!vm)
		return false;
	gic_eoi(intid);
	vm_set_spi_level(vm, intid, true);
	return true;
}
