/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer, portable so the host tests can drive it
 * (tests/unit/test_conmux.c): the filter that keeps a guest's bytes from
 * controlling the physical terminal, and the per-VM line buffering that
 * keeps lines from several VMs whole. core/console.c owns the one instance
 * and its lock; docs/console.md describes the rules.
 */
#ifndef MOAT_CORE_CONMUX_H
#define MOAT_CORE_CONMUX_H
#include "lib/types.h"

/*
 * Terminal-control filter of one guest's byte stream. It passes printable
 * ASCII, bytes 0xa0-0xff and \t \n \r \b; it swallows every other C0 and
 * C1 control, DEL, and whole escape sequences: ESC + final byte, CSI
 * (ESC [ or 0x9b) up to its final byte, and the string controls OSC, DCS,
 * SOS, PM and APC (ESC ] P X ^ _ or 0x9d 0x90 0x98 0x9e 0x9f) up to BEL or
 * ST (ESC \ or 0x9c). CAN and SUB cancel a sequence.
 */
struct confilter {
	u8 state;
};

/* Returns the byte to pass on, or -1 when it is swallowed. */
int confilter_byte(struct confilter *f, u8 c);

/* Longest part of a line a VM may have waiting (longer lines are split). */
#define CONMUX_LINE_MAX 200
#define CONMUX_NAME_MAX 31

/* One VM's output. */
struct conmux_stream {
	char name[CONMUX_NAME_MAX + 1];
	bool raw;		/* config "console-raw": no filter (only VM, no prefix) */
	struct confilter filter;
	bool cr;		/* a '\r' waits to see whether '\n' follows */
	char buf[CONMUX_LINE_MAX];	/* filtered bytes not printed yet */
	u32 len;
	u64 last;		/* time of its last byte */
};

struct conmux {
	void (*out)(char c);	/* the physical terminal */
	bool prefix;		/* lines start with "[name] " */
	u64 quiet;		/* a line unfinished this long may be cut (clock ticks) */
	struct conmux_stream *owner;	/* whose unfinished line the terminal shows; NULL: at a line start */
	u32 col;		/* characters of the owner's line after its prefix */
	struct conmux_stream *streams[8];
	u32 nr;
};

void conmux_init(struct conmux *m, void (*out)(char c), bool prefix, u64 quiet);
/* Returns -ENOSPC when all stream slots are taken. */
int conmux_add(struct conmux *m, struct conmux_stream *s, const char *name, bool raw);
/* A byte from stream @s at time @now. */
void conmux_putc(struct conmux *m, struct conmux_stream *s, char c, u64 now);
/* @n bytes of moat's own log (whole lines): always on lines of their own. */
void conmux_log(struct conmux *m, const char *s, size_t n, u64 now);
/* Print partial lines that waited long enough (called from a periodic path). */
void conmux_poll(struct conmux *m, u64 now);
/* Does any stream have bytes waiting (so conmux_poll may have work)? */
bool conmux_waiting(const struct conmux *m);
/* Stream @s has ended (its VM stopped): print what waits and end its line. */
void conmux_end(struct conmux *m, struct conmux_stream *s, u64 now);
#endif
