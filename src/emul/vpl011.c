// SPDX-License-Identifier: MIT
/*
 * Emulated PL011 UART. Interrupt model (docs/console.md explains why):
 *
 *  - RXRIS is set when a byte arrives and the receive FIFO then holds at
 *    least the trigger level (UARTIFLS.RXIFLSEL; 1 byte with FEN clear);
 *    cleared by UARTICR.RXIC or by reading the FIFO below the level.
 *  - RTRIS (receive timeout) is set whenever a byte arrives: the timeout
 *    is taken to expire at once, as console input comes in bursts and the
 *    guest should see it without delay. Cleared by UARTICR.RTIC or by
 *    emptying the FIFO.
 *  - TXRIS: the transmit FIFO drains instantly, so after every transmitted
 *    byte it has passed through its trigger level: TXRIS is set after each
 *    UARTDR write that transmits, and at reset (the FIFO is empty); only
 *    UARTICR.TXIC clears it, until the next transmitted byte.
 *  - OERIS: only in loopback (UARTCR.LBE), when a looped byte finds the
 *    receive FIFO full. Console input that does not fit is refused
 *    (-ENOSPC) instead of being lost, so it never overruns.
 *  - The line level is (RIS & IMSC) != 0, recomputed after every change;
 *    set_irq is called only when it changes.
 */
#include "emul/vpl011.h"
#include "lib/err.h"
#include "lib/log.h"

static const u8 vpl011_periphid[4] = VPL011_PERIPHID;
static const u8 vpl011_pcellid[4] = VPL011_PCELLID;

static bool fifo_enabled(const struct vpl011 *u)
{
	return u->lcr_h & UARTLCR_H_FEN;
}

static u32 rx_depth(const struct vpl011 *u)
{
	return fifo_enabled(u) ? VPL011_FIFO_DEPTH : 1;
}

/* Bytes in the receive FIFO at which RXRIS asserts. */
static u32 rx_trigger(const struct vpl011 *u)
{
	/* RXIFLSEL 0..4: 1/8, 1/4, 1/2, 3/4, 7/8 full; reserved values act as 1/2. */
	static const u8 eighths[] = { 1, 2, 4, 6, 7 };
	u32 sel = (u32)FIELD_GET(UARTIFLS_RXIFLSEL, u->ifls);

	if (!fifo_enabled(u))
		return 1;
	if (sel >= ARRAY_SIZE(eighths))
		sel = 2;
	return VPL011_FIFO_DEPTH * eighths[sel] / 8;
}

static bool rx_enabled(const struct vpl011 *u)
{
	return (u->cr & (UARTCR_UARTEN | UARTCR_RXE)) == (UARTCR_UARTEN | UARTCR_RXE);
}

static bool tx_enabled(const struct vpl011 *u)
{
	return (u->cr & (UARTCR_UARTEN | UARTCR_TXE)) == (UARTCR_UARTEN | UARTCR_TXE);
}

/* Recompute the line level and tell the owner if it changed. */
static void update_irq(struct vpl011 *u)
{
	bool level = (u->ris & u->imsc) != 0;

	if (level == u->level)
		return;
	u->level = level;
	if (u->set_irq)
		u->set_irq(u->arg, level);
}

/* The RX level condition after the FIFO depth or trigger level changed. */
static void rx_level_changed(struct vpl011 *u)
{
	if (u->rx_count >= rx_trigger(u))
		u->ris |= UARTRIS_RXRIS;
	else
		u->ris &= ~(u32)UARTRIS_RXRIS;
	if (!u->rx_count)
		u->ris &= ~(u32)UARTRIS_RTRIS;
}

static void rx_flush(struct vpl011 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	rx_level_changed(u);
}

/* Queue a received byte; false when the FIFO is full. */
static bool rx_insert(struct vpl011 *u, u8 c)
{
	if (u->rx_count >= rx_depth(u))
		return false;
	u->rx_fifo[(u->rx_head + u->rx_count) % VPL011_FIFO_DEPTH] = c;
	u->rx_count++;
	if (u->rx_count >= rx_trigger(u))
		u->ris |= UARTRIS_RXRIS;
	u->ris |= UARTRIS_RTRIS;
	return true;
}

static u32 rx_pop(struct vpl011 *u)
{
	u8 c;

	if (!u->rx_count)
		return 0;
	c = u->rx_fifo[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VPL011_FIFO_DEPTH;
	u->rx_count--;
	if (u->rx_count < rx_trigger(u))
		u->ris &= ~(u32)UARTRIS_RXRIS;
	if (!u->rx_count)
		u->ris &= ~(u32)UARTRIS_RTRIS;
	/* Received bytes never carry errors here, so UARTRSR stays clear. */
	u->rsr = 0;
	return c;
}

static void transmit(struct vpl011 *u, u8 c)
{
	if (!tx_enabled(u))
		return;	/* disabled transmitter: the byte goes nowhere */
	if (u->cr & UARTCR_LBE) {
		if (!rx_insert(u, c)) {
			u->rsr |= UARTRSR_OE;
			u->ris |= UARTRIS_OERIS;
		}
	} else if (u->tx) {
		u->tx(u->arg, (char)c);
	}
	u->ris |= UARTRIS_TXRIS;
}

static u32 read_fr(const struct vpl011 *u)
{
	/* Modem inputs report a connected line; the transmitter is always idle. */
	u32 fr = UARTFR_CTS | UARTFR_DSR | UARTFR_DCD | UARTFR_TXFE;

	if (!u->rx_count)
		fr |= UARTFR_RXFE;
	if (u->rx_count >= rx_depth(u))
		fr |= UARTFR_RXFF;
	return fr;
}

static void reset_regs(struct vpl011 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->rsr = 0;
	u->ilpr = 0;
	u->ibrd = 0;
	u->fbrd = 0;
	u->lcr_h = 0;
	u->cr = VPL011_CR_RESET;
	u->ifls = FIELD_PREP(UARTIFLS_RXIFLSEL, 2) | FIELD_PREP(UARTIFLS_TXIFLSEL, 2);
	u->dmacr = 0;
	u->imsc = 0;
	u->ris = UARTRIS_TXRIS;	/* the transmit FIFO is empty */
}

void vpl011_init(struct vpl011 *u, void (*tx)(void *arg, char c),
		 void (*set_irq)(void *arg, bool level), void *arg)
{
	*u = (struct vpl011){ .lock = SPINLOCK_INIT };
	u->tx = tx;
	u->set_irq = set_irq;
	u->arg = arg;
	reset_regs(u);
	u->level = false;
}

void vpl011_reset(struct vpl011 *u)
{
	spin_lock(&u->lock);
	reset_regs(u);
	update_irq(u);
	spin_unlock(&u->lock);
}

int vpl011_rx_push(struct vpl011 *u, char c)
{
	int ret = 0;

	spin_lock(&u->lock);
	if (!rx_enabled(u))
		ret = -EAGAIN;
	else if (!rx_insert(u, (u8)c))
		ret = -ENOSPC;
	update_irq(u);
	spin_unlock(&u->lock);
	return ret;
}

u32 vpl011_rx_room(struct vpl011 *u)
{
	u32 room;

	spin_lock(&u->lock);
	room = rx_enabled(u) ? rx_depth(u) - MIN(u->rx_count, rx_depth(u)) : 0;
	spin_unlock(&u->lock);
	return room;
}

bool vpl011_irq_level(struct vpl011 *u)
{
	bool level;

	spin_lock(&u->lock);
	level = u->level;
	spin_unlock(&u->lock);
	return level;
}

/* 8-, 16- and 32-bit accesses at 4-byte aligned offsets; the rest are RAZ/WI. */
static bool access_ok(struct vpl011 *u, u64 off, u32 size)
{
	if ((size == 1 || size == 2 || size == 4) && IS_ALIGNED(off, 4))
		return true;
	if (!u->warned) {
		u->warned = true;
		log_warn("vpl011: %u-byte access at offset 0x%llx ignored (reads as zero); "
			 "further ones are not logged",
			 size, (unsigned long long)off);
	}
	return false;
}

static u32 read_reg(struct vpl011 *u, u64 off)
{
	switch (off) {
	case UARTDR:
		return rx_pop(u);
	case UARTRSR:
		return u->rsr;
	case UARTFR:
		return read_fr(u);
	case UARTILPR:
		return u->ilpr;
	case UARTIBRD:
		return u->ibrd;
	case UARTFBRD:
		return u->fbrd;
	case UARTLCR_H:
		return u->lcr_h;
	case UARTCR:
		return u->cr;
	case UARTIFLS:
		return u->ifls;
	case UARTIMSC:
		return u->imsc;
	case UARTRIS:
		return u->ris;
	case UARTMIS:
		return u->ris & u->imsc;
	case UARTDMACR:
		return u->dmacr;
	case UARTPeriphID0:
	case UARTPeriphID1:
	case UARTPeriphID2:
	case UARTPeriphID3:
		return vpl011_periphid[(off - UARTPeriphID0) / 4];
	case UARTPCellID0:
	case UARTPCellID1:
	case UARTPCellID2:
	case UARTPCellID3:
		return vpl011_pcellid[(off - UARTPCellID0) / 4];
	default:	/* UARTICR is write-only; reserved offsets read as zero */
		return 0;
	}
}

static void write_reg(struct vpl011 *u, u64 off, u32 val)
{
	switch (off) {
	case UARTDR:
		transmit(u, (u8)FIELD_GET(UARTDR_DATA, val));
		break;
	case UARTECR:
		u->rsr = 0;
		break;
	case UARTILPR:
		u->ilpr = (u32)FIELD_GET(UARTILPR_ILPDVSR, val);
		break;
	case UARTIBRD:
		u->ibrd = (u32)FIELD_GET(UARTIBRD_BAUD_DIVINT, val);
		break;
	case UARTFBRD:
		u->fbrd = (u32)FIELD_GET(UARTFBRD_BAUD_DIVFRAC, val);
		break;
	case UARTLCR_H: {
		bool fen_changed = (u->lcr_h ^ val) & UARTLCR_H_FEN;

		u->lcr_h = val & UARTLCR_H_MASK;
		/* Switching between FIFO and character mode empties the FIFO. */
		if (fen_changed)
			rx_flush(u);
		break;
	}
	case UARTCR:
		u->cr = val & UARTCR_MASK;
		break;
	case UARTIFLS:
		u->ifls = val & UARTIFLS_MASK;
		rx_level_changed(u);
		break;
	case UARTIMSC:
		u->imsc = val & UARTIMSC_MASK;
		break;
	case UARTICR:
		u->ris &= ~(val & (u32)UARTIMSC_MASK);
		break;
	case UARTDMACR:
		/* Stored; there is no DMA controller behind it. */
		u->dmacr = val & UARTDMACR_MASK;
		break;
	default:	/* read-only and reserved offsets ignore writes */
		break;
	}
}

static int vpl011_read(void *priv, u64 off, u32 size, u64 *val)
{
	struct vpl011 *u = priv;
	u32 v = 0;

	spin_lock(&u->lock);
	if (access_ok(u, off, size)) {
		v = read_reg(u, off);
		if (size < 4)
			v &= (u32)GENMASK(size * 8 - 1, 0);
		update_irq(u);
	}
	spin_unlock(&u->lock);
	*val = v;
	return 0;
}

static int vpl011_write(void *priv, u64 off, u32 size, u64 val)
{
	struct vpl011 *u = priv;

	spin_lock(&u->lock);
	if (access_ok(u, off, size)) {
		/* A narrow write sets the register's low bytes and clears the rest. */
		write_reg(u, off, (u32)(val & GENMASK(size * 8 - 1, 0)));
		update_irq(u);
	}
	spin_unlock(&u->lock);
	return 0;
}

const struct mmio_ops vpl011_ops = {
	.read = vpl011_read,
	.write = vpl011_write,
};
