// SPDX-License-Identifier: MIT
/* Stopping and draining a host's SPE and trace around guest runs (core/prof_drain.h). */
#include "arch/barrier.h"
#include "arch/regs.h"
#include "arch/sysreg.h"
#include "core/prof_drain.h"

/* By encoding: older assemblers do not know the SPE/TRBE/TRF names. */
#define PMSCR_EL1	"s3_0_c9_c9_0"
#define PMBLIMITR_EL1	"s3_0_c9_c10_0"
#define PMBIDR_EL1	"s3_0_c9_c10_7"
#define TRFCR_EL1	"s3_0_c1_c2_1"
#define TRBLIMITR_EL1	"s3_0_c9_c11_0"
#define TRBIDR_EL1	"s3_0_c9_c11_7"

void prof_caps_read(u64 dfr0, struct prof_caps *caps)
{
	*caps = (struct prof_caps){ 0 };
	if (FIELD_GET(ID_AA64DFR0_EL1_PMSVer, dfr0))
		caps->spe = !(read_sysreg_s(PMBIDR_EL1) & PMBIDR_EL1_P);
	caps->trf = FIELD_GET(ID_AA64DFR0_EL1_TraceFilt, dfr0) != 0;
	if (FIELD_GET(ID_AA64DFR0_EL1_TraceBuffer, dfr0))
		caps->trbe = !(read_sysreg_s(TRBIDR_EL1) & TRBIDR_EL1_P);
}

void prof_drain_save(const struct prof_caps *caps, struct prof_saved *s)
{
	*s = (struct prof_saved){ 0 };
	if (caps->spe) {
		/* No new samples, then every sample in flight is written out. */
		s->pmscr = read_sysreg_s(PMSCR_EL1);
		write_sysreg_s(PMSCR_EL1, 0);
		isb();
		psb_csync();
		dsb(nsh);
		s->pmblimitr = read_sysreg_s(PMBLIMITR_EL1);
		if (s->pmblimitr & PMBLIMITR_EL1_E)
			write_sysreg_s(PMBLIMITR_EL1, s->pmblimitr & ~PMBLIMITR_EL1_E);
	}
	if (caps->trf) {
		/* Trace prohibited at EL1 and EL0: the guest's code is never traced. */
		s->trfcr = read_sysreg_s(TRFCR_EL1);
		write_sysreg_s(TRFCR_EL1, 0);
		isb();
	}
	if (caps->trbe) {
		tsb_csync();
		dsb(nsh);
		s->trblimitr = read_sysreg_s(TRBLIMITR_EL1);
		if (s->trblimitr & TRBLIMITR_EL1_E)
			write_sysreg_s(TRBLIMITR_EL1, s->trblimitr & ~TRBLIMITR_EL1_E);
	}
	if (caps->spe || caps->trbe)
		isb();
}

void prof_drain_restore(const struct prof_caps *caps, const struct prof_saved *s)
{
	/* Buffers first, then the controls that feed them: nothing is generated into a disabled buffer. */
	if (caps->spe && (s->pmblimitr & PMBLIMITR_EL1_E))
		write_sysreg_s(PMBLIMITR_EL1, s->pmblimitr);
	if (caps->trbe && (s->trblimitr & TRBLIMITR_EL1_E))
		write_sysreg_s(TRBLIMITR_EL1, s->trblimitr);
	if (caps->spe || caps->trbe)
		isb();
	if (caps->spe)
		write_sysreg_s(PMSCR_EL1, s->pmscr);
	if (caps->trf)
		write_sysreg_s(TRFCR_EL1, s->trfcr);
	if (caps->spe || caps->trf)
		isb();
}
