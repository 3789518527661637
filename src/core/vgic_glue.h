/* SPDX-License-Identifier: MIT */
/*
 * Between the portable vGIC model (emul/vgic.c) and the CPU: list
 * registers around each guest entry, the guest timers' interrupts, kicks.
 */
#ifndef MOAT_CORE_VGIC_GLUE_H
#define MOAT_CORE_VGIC_GLUE_H
#include "lib/types.h"

struct vcpu;
struct vm;

/** Before entering: the timer's level, then the list registers. */
void vcpu_vgic_flush(struct vcpu *v);
/** After an exit: fold the list registers back into the model. */
void vcpu_vgic_sync(struct vcpu *v);
/** vCPU switch: the virtual CPU interface's own state. */
void vcpu_vgic_save(struct vcpu *v);
void vcpu_vgic_restore(struct vcpu *v);
/** Kick every vCPU of @vm in @mask (bit n = vCPU n) other than the caller. */
void vm_kick_mask(struct vm *vm, u32 mask);
/** A trapped ICC_SGI1R_EL1 (group1) or ICC_SGI0R_EL1 write. */
void vcpu_sgi_write(struct vcpu *v, bool group1, u64 val);
/** VM creation: hardware-link each vCPU's timer PPIs to the physical ones. */
int vm_link_timers(struct vm *vm);
/**
 * Physical interrupt @intid on this CPU, running @v (NULL: none): if it is
 * one of the EL1 timers' PPIs, forward it to @v (or end it) and say true.
 */
bool vcpu_timer_irq(struct vcpu *v, u32 intid);
/** The IRQ fast path: the virtual timer fired again, its list register rewritten (vgic_glue.c). */
bool vcpu_vtimer_refire(struct vcpu *v);
/** The machine's PPIs for the EL1 virtual and physical timers (from its DTB). */
u32 phys_vtimer_ppi(void);
u32 phys_ptimer_ppi(void);
/** A physical interrupt passed through to a VM; false if nobody owns it. */
bool vgic_route_passthrough(u32 intid);
/** Register @vm as the owner of passed-through physical SPI @intid. */
int vgic_claim_passthrough(struct vm *vm, u32 intid);
/** Give SPI @intid back if @vm owns it (a VM whose creation failed). */
void vgic_release_passthrough(struct vm *vm, u32 intid);
#endif
