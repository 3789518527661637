/* SPDX-License-Identifier: MIT */
/*
 * Statistical profiling (FEAT_SPE) and self-hosted trace (FEAT_TRF, with
 * a trace buffer, FEAT_TRBE) of a host, stopped and drained before a
 * guest runs on its CPU and restarted after, so nothing of the guest is
 * profiled into the host's buffer and the buffer is never written while
 * MDCR_EL2 gives it to EL2 (E2PB/E2TB = 0 for guests). Written for the
 * world switch of host mode, which does not exist yet: it calls
 * prof_drain_save() after saving the host's EL1 state and before loading
 * a guest's MDCR_EL2, and prof_drain_restore() after the guest's exit,
 * once the host's MDCR_EL2 is back. Partitions have no host and need
 * neither. On a CPU without the features, neither touches anything.
 */
#ifndef MOAT_CORE_PROF_DRAIN_H
#define MOAT_CORE_PROF_DRAIN_H
#include "lib/types.h"

/* What this CPU has, and may program (buffers a higher EL owns are left alone). */
struct prof_caps {
	bool spe;	/* FEAT_SPE, buffer programmable (PMBIDR_EL1.P = 0) */
	bool trf;	/* FEAT_TRF: TRFCR_EL1 */
	bool trbe;	/* FEAT_TRBE, buffer programmable (TRBIDR_EL1.P = 0) */
};

/* The host's state while a guest runs. */
struct prof_saved {
	u64 pmscr, pmblimitr;	/* SPE: profiling controls, buffer limit (with its enable) */
	u64 trfcr, trblimitr;	/* trace filter controls, trace buffer limit */
};

/** This CPU's capabilities from ID_AA64DFR0_EL1 @dfr0 (reads PMBIDR/TRBIDR only if they exist). */
void prof_caps_read(u64 dfr0, struct prof_caps *caps);

/**
 * Stop profiling and trace, drain them to memory and disable the buffers:
 * PMSCR_EL1 = 0, ISB, PSB CSYNC, DSB NSH, PMBLIMITR_EL1.E = 0; TRFCR_EL1
 * = 0, ISB, TSB CSYNC, DSB NSH, TRBLIMITR_EL1.E = 0; ISB.
 */
void prof_drain_save(const struct prof_caps *caps, struct prof_saved *s);

/** Give the host back its buffers, then its profiling and trace controls. */
void prof_drain_restore(const struct prof_caps *caps, const struct prof_saved *s);
#endif
