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

u32 phys_vtimer_ppi(void)
{
	return platform.timer_virt ? platform.timer_virt : GIC_PPI_VTIMER;
}

u32 phys_ptimer_ppi(void)
{
	return platform.timer_phys ? platform.timer_phys : GIC_PPI_PTIMER;
}

/*
 * Both EL1 timers the guest drives directly: the virtual one (its PPI 27)
 * and the physical one (its PPI 30; the physical PPIs are whatever the
 * machine's DTB says). Each is hardware-linked (docs/vgic.md "Timers"):
 * moat acknowledges the physical PPI, drops its priority and leaves it
 * active; the list register carries HW = 1 and the physical INTID, so the
 * guest's deactivation deactivates the physical interrupt with no exit,
 * and while it is active the still-high line cannot fire again. Bit t of
 * vcpu->timer_fwd: timer t's physical PPI is active on the guest's behalf.
 */
enum { TIMER_V, TIMER_P, NR_TIMERS };

static u32 timer_vintid(u32 t)
{
	return t == TIMER_V ? VGIC_INTID_VTIMER : GUEST_PTIMER_INTID;
}

static u32 timer_ppi(u32 t)
{
	return t == TIMER_V ? phys_vtimer_ppi() : phys_ptimer_ppi();
}

static u64 timer_ctl(u32 t)
{
	return t == TIMER_V ? read_sysreg(cntv_ctl_el0) : read_sysreg(cntp_ctl_el0);
}

int vm_link_timers(struct vm *vm)
{
	int ret = 0;

	for (u32 i = 0; i < vm->nr_vcpus && !ret; i++)
		for (u32 t = 0; t < NR_TIMERS && !ret; t++)
			ret = vgic_set_hw_ppi(&vm->vgic, i, timer_vintid(t), timer_ppi(t));
	return ret;
}

bool vcpu_timer_irq(struct vcpu *v, u32 intid)
{
	/* The common case first: not a timer at all, or the virtual one. */
	if (intid >= VGIC_NR_PRIVATE)
		return false;
	for (u32 t = 0; t < NR_TIMERS; t++) {
		if (intid != timer_ppi(t))
			continue;
		if (!v) {
			gic_eoi(intid);
			gic_deactivate(intid);	/* no guest to hand it to */
			return true;
		}
		gic_eoi(intid);		/* priority drop only: the guest deactivates it */
		v->timer_fwd |= (u8)BIT(t);
		vgic_hw_forward(&v->vm->vgic, v->id, timer_vintid(t));
		return true;
	}
	return false;
}

/*
 * The fast path for the commonest interrupt exit (exit.c, exit_fast_irq):
 * the virtual timer fired again after its handler deactivated the last
 * firing, and that firing is the only interrupt in the list registers. The
 * full path would sync that list register, acknowledge and forward the
 * timer, walk the tracked interrupts and write the same list register back,
 * pending: here that list register is rewritten at once (the vGIC model
 * checks that nothing changed since it was built, vgic_hw_refire_lr). Only
 * what has no side effect is checked before the acknowledge; an interrupt
 * acknowledged and not handled here is left in v->acked for
 * irq_handle_pending. Returns true when the guest may resume.
 */
bool vcpu_vtimer_refire(struct vcpu *v)
{
	u32 ppi = phys_vtimer_ppi(), intid;
	u64 lr;

	if (v->lrs_used != 1 || v->timer_fwd != BIT(TIMER_V) ||
	    !(read_sysreg(ich_elrsr_el2) & 1))	/* LR 0 empty: the guest deactivated it */
		return false;
	intid = gic_ack();
	lr = intid == ppi ? vgic_hw_refire_lr(&v->vm->vgic, v->id, VGIC_INTID_VTIMER, v->flush_gen) : 0;
	if (!lr) {
		v->acked = intid + 1;
		return false;
	}
	gic_eoi(intid);		/* priority drop only, as vcpu_timer_irq: the guest deactivates it */
	gic_write_lr(0, lr);
	return true;
}

/*
 * After an exit, for a timer whose interrupt was forwarded: once the guest
 * is done with it (or dropped it, or its line fell before it was taken),
 * its physical PPI is inactive again. No work while nothing was forwarded.
 */
static void timers_resample(struct vcpu *v)
{
	for (u32 t = 0; t < NR_TIMERS; t++) {
		if (!(v->timer_fwd & BIT(t)))
			continue;
		if (vgic_hw_resample(&v->vm->vgic, v->id, timer_vintid(t),
				     timer_level(timer_ctl(t))) != VGIC_HW_IDLE)
			continue;
		v->timer_fwd &= (u8)~BIT(t);
		gic_clear_active_ppi(timer_ppi(t));
	}
}

void vcpu_vgic_flush(struct vcpu *v)
{
	struct vgic *g = &v->vm->vgic;
	u64 lrs[VGIC_MAX_LRS], hcr;
	u32 gen;
	int n;

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
	v->flush_gen = gen;
}

/*
 * A forwarded timer whose hardware-linked LR came back invalid was
 * deactivated by the guest, and with it the physical PPI: nothing to
 * resample, nothing to deactivate. (A new firing is acknowledged only
 * after this, in the exit handler, and forwarded afresh.)
 */
static void timers_done_in_lrs(struct vcpu *v, const u64 *lrs, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (!(lrs[i] & ICH_LR_EL2_HW) || FIELD_GET(ICH_LR_EL2_State, lrs[i]))
			continue;
		for (u32 t = 0; t < NR_TIMERS; t++)
			if (FIELD_GET(ICH_LR_EL2_vINTID, lrs[i]) == timer_vintid(t))
				v->timer_fwd &= (u8)~BIT(t);
	}
}

void vcpu_vgic_sync(struct vcpu *v)
{
	u64 lrs[VGIC_MAX_LRS];
	u32 kick;

	if (!v->lrs_used && !(read_sysreg(ich_hcr_el2) & ICH_HCR_EL2_UIE)) {
		if (v->timer_fwd)
			timers_resample(v);
		return;
	}
	for (u32 i = 0; i < v->lrs_used; i++)
		lrs[i] = gic_read_lr(i);
	/* Drop UIE so the maintenance interrupt falls; keep the interface enabled. */
	write_sysreg(ich_hcr_el2, ICH_HCR_EL2_En);
	kick = vgic_sync_lrs(&v->vm->vgic, v->id, lrs, v->lrs_used);
	if (v->timer_fwd)
		timers_done_in_lrs(v, lrs, v->lrs_used);
	v->lrs_used = 0;
	v->vgic_gen = 0;
	if (v->timer_fwd)
		timers_resample(v);
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
	/*
	 * Its timers must not fire on a CPU that no longer runs it; with their
	 * lines low, what was forwarded and not taken is withdrawn, and the
	 * physical PPIs are left inactive.
	 */
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	isb();
	timers_resample(v);
	for (u32 t = 0; t < NR_TIMERS; t++)
		if (v->timer_fwd & BIT(t))
			gic_clear_active_ppi(timer_ppi(t));
	v->timer_fwd = 0;
}

void vcpu_vgic_restore(struct vcpu *v)
{
	write_sysreg(ich_vmcr_el2, v->ich_vmcr);
	aprs_restore(v);
	write_sysreg(ich_hcr_el2, ICH_HCR_EL2_En);
	/*
	 * The list registers are empty (vcpu_vgic_save, gic_cpu_init) and so
	 * were @v's when it left (synced at its last exit): its next flush may
	 * still be skipped if the vGIC has not changed since its last one.
	 */
	v->timer_fwd = 0;
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
