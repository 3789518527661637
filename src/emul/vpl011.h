/* SPDX-License-Identifier: MIT */
/*
 * Emulated ARM PrimeCell UART (PL011 r1p5), enough for Linux's
 * interrupt-driven amba-pl011 driver and its earlycon. The model is
 * independent of the VM structures: output and the interrupt line go
 * through two callbacks, input comes in through vpl011_rx_push().
 *
 * Transmission is immediate: a byte written to UARTDR reaches tx() at once,
 * so the transmit FIFO is always empty (TXFE set, TXFF and BUSY clear).
 * Reception has a real FIFO of VPL011_FIFO_DEPTH bytes (1 with
 * UARTLCR_H.FEN clear). See docs/console.md for the interrupt model and
 * the reasoning behind it.
 */
#ifndef MOAT_EMUL_VPL011_H
#define MOAT_EMUL_VPL011_H
#include "emul/mmio.h"
#include "lib/bitfield.h"
#include "lib/spinlock.h"
#include "lib/types.h"

/* Size of the register window (one 4 KiB page). */
#define VPL011_MMIO_SIZE SZ_4K

/*
 * FIFO depth. The ID registers say revision r1p5 (UARTPeriphID2 = 0x14),
 * for which Linux assumes 16-entry FIFOs, so the model has exactly that.
 */
#define VPL011_FIFO_DEPTH 16

/* Register offsets (PL011 TRM, table 3-1). */
#define UARTDR		0x000
#define UARTRSR		0x004	/* read: receive status; write: UARTECR, error clear */
#define UARTECR		0x004
#define UARTFR		0x018
#define UARTILPR	0x020
#define UARTIBRD	0x024
#define UARTFBRD	0x028
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIFLS	0x034
#define UARTIMSC	0x038
#define UARTRIS		0x03c
#define UARTMIS		0x040
#define UARTICR		0x044
#define UARTDMACR	0x048
#define UARTPeriphID0	0xfe0
#define UARTPeriphID1	0xfe4
#define UARTPeriphID2	0xfe8
#define UARTPeriphID3	0xfec
#define UARTPCellID0	0xff0
#define UARTPCellID1	0xff4
#define UARTPCellID2	0xff8
#define UARTPCellID3	0xffc

/* UARTDR */
#define UARTDR_DATA	GENMASK(7, 0)
#define UARTDR_FE	BIT(8)
#define UARTDR_PE	BIT(9)
#define UARTDR_BE	BIT(10)
#define UARTDR_OE	BIT(11)

/* UARTRSR/UARTECR */
#define UARTRSR_FE	BIT(0)
#define UARTRSR_PE	BIT(1)
#define UARTRSR_BE	BIT(2)
#define UARTRSR_OE	BIT(3)

/* UARTFR */
#define UARTFR_CTS	BIT(0)
#define UARTFR_DSR	BIT(1)
#define UARTFR_DCD	BIT(2)
#define UARTFR_BUSY	BIT(3)
#define UARTFR_RXFE	BIT(4)
#define UARTFR_TXFF	BIT(5)
#define UARTFR_RXFF	BIT(6)
#define UARTFR_TXFE	BIT(7)
#define UARTFR_RI	BIT(8)

/* UARTIBRD / UARTFBRD / UARTILPR widths */
#define UARTIBRD_BAUD_DIVINT	GENMASK(15, 0)
#define UARTFBRD_BAUD_DIVFRAC	GENMASK(5, 0)
#define UARTILPR_ILPDVSR	GENMASK(7, 0)

/* UARTLCR_H */
#define UARTLCR_H_BRK	BIT(0)
#define UARTLCR_H_PEN	BIT(1)
#define UARTLCR_H_EPS	BIT(2)
#define UARTLCR_H_STP2	BIT(3)
#define UARTLCR_H_FEN	BIT(4)
#define UARTLCR_H_WLEN	GENMASK(6, 5)
#define UARTLCR_H_SPS	BIT(7)
#define UARTLCR_H_MASK	GENMASK(7, 0)

/* UARTCR */
#define UARTCR_UARTEN	BIT(0)
#define UARTCR_SIREN	BIT(1)
#define UARTCR_SIRLP	BIT(2)
#define UARTCR_LBE	BIT(7)
#define UARTCR_TXE	BIT(8)
#define UARTCR_RXE	BIT(9)
#define UARTCR_DTR	BIT(10)
#define UARTCR_RTS	BIT(11)
#define UARTCR_OUT1	BIT(12)
#define UARTCR_OUT2	BIT(13)
#define UARTCR_RTSEN	BIT(14)
#define UARTCR_CTSEN	BIT(15)
#define UARTCR_MASK	(GENMASK(15, 7) | GENMASK(2, 0))

/* UARTIFLS: trigger levels, 0 = 1/8 full ... 4 = 7/8 full */
#define UARTIFLS_TXIFLSEL	GENMASK(2, 0)
#define UARTIFLS_RXIFLSEL	GENMASK(5, 3)
#define UARTIFLS_MASK		GENMASK(5, 0)

/*
 * Interrupt bits: the same positions in UARTIMSC (..IM), UARTRIS (..RIS),
 * UARTMIS (..MIS) and UARTICR (..IC). Named here once, by their mask names.
 */
#define UARTIMSC_RIMIM	BIT(0)
#define UARTIMSC_CTSMIM	BIT(1)
#define UARTIMSC_DCDMIM	BIT(2)
#define UARTIMSC_DSRMIM	BIT(3)
#define UARTIMSC_RXIM	BIT(4)
#define UARTIMSC_TXIM	BIT(5)
#define UARTIMSC_RTIM	BIT(6)
#define UARTIMSC_FEIM	BIT(7)
#define UARTIMSC_PEIM	BIT(8)
#define UARTIMSC_BEIM	BIT(9)
#define UARTIMSC_OEIM	BIT(10)
#define UARTIMSC_MASK	GENMASK(10, 0)

#define UARTRIS_RXRIS	UARTIMSC_RXIM
#define UARTRIS_TXRIS	UARTIMSC_TXIM
#define UARTRIS_RTRIS	UARTIMSC_RTIM
#define UARTRIS_OERIS	UARTIMSC_OEIM

#define UARTICR_RXIC	UARTIMSC_RXIM
#define UARTICR_TXIC	UARTIMSC_TXIM
#define UARTICR_RTIC	UARTIMSC_RTIM
#define UARTICR_OEIC	UARTIMSC_OEIM

/* UARTDMACR */
#define UARTDMACR_MASK	GENMASK(2, 0)

/* Identification: an ARM PL011 r1p5, what QEMU's model reports too. */
#define VPL011_PERIPHID	{ 0x11, 0x10, 0x14, 0x00 }
#define VPL011_PCELLID	{ 0x0d, 0xf0, 0x05, 0xb1 }

/*
 * Value of UARTCR after vpl011_init()/vpl011_reset(). The TRM's reset value
 * is TXE|RXE with UARTEN clear, but a guest here has no firmware that would
 * enable the UART before the kernel's earlycon writes to it, so moat plays
 * that part and starts the UART enabled.
 */
#define VPL011_CR_RESET	(UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE)

struct vpl011 {
	spinlock_t lock;	/* guards everything below; callbacks run with it held */

	/* Set by the owner before the guest runs; either may be NULL. */
	void (*tx)(void *arg, char c);		/* a byte the guest transmitted */
	void (*set_irq)(void *arg, bool level);	/* the interrupt line changed level */
	void *arg;

	/* Receive FIFO (a ring). */
	u8 rx_fifo[VPL011_FIFO_DEPTH];
	u32 rx_head;	/* index of the oldest byte */
	u32 rx_count;

	u32 rsr;	/* receive error flags (UARTRSR) */
	u32 ilpr, ibrd, fbrd, lcr_h, cr, ifls, dmacr;
	u32 imsc;
	u32 ris;	/* raw interrupt status */
	bool level;	/* current interrupt line level, as last told to set_irq */
	bool warned;	/* a bad-size access has been logged */
};

/**
 * Initialise @u as after reset, with its callbacks. Does not call them.
 */
void vpl011_init(struct vpl011 *u, void (*tx)(void *arg, char c),
		 void (*set_irq)(void *arg, bool level), void *arg);

/**
 * Reset the registers and empty the FIFO (a VM reset), keeping the
 * callbacks. If the line was high, set_irq(arg, false) is called.
 */
void vpl011_reset(struct vpl011 *u);

/**
 * Console input: queue @c in the receive FIFO. 0 on success; -ENOSPC when
 * the FIFO is full (the byte is not taken: the caller keeps it and tries
 * again later, so nothing is lost and no overrun is flagged); -EAGAIN
 * when the UART or its receiver is disabled (UARTCR.UARTEN or RXE clear).
 */
int vpl011_rx_push(struct vpl011 *u, char c);

/** Free room in the receive FIFO, in bytes (0 while the receiver is disabled). */
u32 vpl011_rx_room(struct vpl011 *u);

/** Current interrupt line level: (UARTRIS & UARTIMSC) != 0. */
bool vpl011_irq_level(struct vpl011 *u);

/* The register window; priv is the struct vpl011 *. */
extern const struct mmio_ops vpl011_ops;
#endif
