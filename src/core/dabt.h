/* SPDX-License-Identifier: MIT */
/*
 * What a stage-2 data abort from the guest asks of moat, decided from its
 * syndrome alone (ESR_EL2 with EC 0x24), before HPFAR_EL2 or FAR_EL2 are
 * trusted.
 */
#ifndef MOAT_CORE_DABT_H
#define MOAT_CORE_DABT_H
#include "lib/types.h"

enum dabt_action {
	DABT_EMULATE,	/* translation, access flag or permission fault: find the IPA, emulate */
	DABT_SKIP_CM,	/* the same, from cache maintenance: nothing to do, skip it */
	DABT_ABORT,	/* anything else: give the guest a synchronous external abort */
};

enum dabt_action dabt_classify(u64 esr);
#endif
