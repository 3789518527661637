// SPDX-License-Identifier: MIT
/* The console multiplexer: see conmux.h and docs/console.md. */
#include "core/conmux.h"
#include "lib/err.h"
#include <string.h>

#define ESC	0x1b
#define BEL	0x07
#define CAN	0x18
#define SUB	0x1a
#define DEL	0x7f
#define C1_DCS	0x90
#define C1_SOS	0x98
#define C1_CSI	0x9b
#define C1_ST	0x9c
#define C1_OSC	0x9d
#define C1_PM	0x9e
#define C1_APC	0x9f

enum {
	CF_TEXT,
	CF_ESC,		/* after ESC */
	CF_ESC_INTER,	/* ESC, intermediate bytes: up to a final byte */
	CF_CSI,		/* parameters and intermediates: up to a final byte */
	CF_STR,		/* OSC, DCS, SOS, PM, APC: up to BEL or ST */
	CF_STR_ESC,	/* ESC inside a string: '\' makes ST */
};

static bool is_string_intro(u8 c)
{
	return c == C1_DCS || c == C1_SOS || c == C1_OSC || c == C1_PM || c == C1_APC;
}

static int filter_text(struct confilter *f, u8 c)
{
	if (c == ESC) {
		f->state = CF_ESC;
		return -1;
	}
	if (c == C1_CSI) {
		f->state = CF_CSI;
		return -1;
	}
	if (is_string_intro(c)) {
		f->state = CF_STR;
		return -1;
	}
	if (c == '\t' || c == '\n' || c == '\r' || c == '\b')
		return c;
	if (c < 0x20 || c == DEL || (c >= 0x80 && c <= 0x9f))
		return -1;
	return c;
}

int confilter_byte(struct confilter *f, u8 c)
{
	switch (f->state) {
	case CF_ESC:
		if (c == '[') {
			f->state = CF_CSI;
		} else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
			f->state = CF_STR;
		} else if (c >= 0x20 && c <= 0x2f) {
			f->state = CF_ESC_INTER;
		} else if (c >= 0x30 && c <= 0x7e) {
			f->state = CF_TEXT;	/* a two-byte sequence such as ESC c (reset) */
		} else {
			/* A control or 8-bit byte ends the sequence and counts on its own. */
			f->state = CF_TEXT;
			return c == CAN || c == SUB ? -1 : filter_text(f, c);
		}
		return -1;
	case CF_ESC_INTER:
	case CF_CSI:
		if (c >= 0x20 && c <= 0x3f && (f->state == CF_CSI || c <= 0x2f))
			return -1;
		if (c >= (f->state == CF_CSI ? 0x40 : 0x30) && c <= 0x7e) {
			f->state = CF_TEXT;
			return -1;	/* the final byte */
		}
		f->state = CF_TEXT;
		return c == CAN || c == SUB ? -1 : filter_text(f, c);
	case CF_STR:
		if (c == BEL || c == C1_ST || c == CAN || c == SUB)
			f->state = CF_TEXT;
		else if (c == ESC)
			f->state = CF_STR_ESC;
		return -1;
	case CF_STR_ESC:
		if (c == '\\') {
			f->state = CF_TEXT;
			return -1;
		}
		/* ESC then anything else: that ESC starts a new sequence. */
		f->state = CF_ESC;
		return confilter_byte(f, c);
	default:
		f->state = CF_TEXT;
		return filter_text(f, c);
	}
}

void conmux_init(struct conmux *m, void (*out)(char c), bool prefix, u64 quiet)
{
	memset(m, 0, sizeof(*m));
	m->out = out;
	m->prefix = prefix;
	m->quiet = quiet;
}

int conmux_add(struct conmux *m, struct conmux_stream *s, const char *name, bool raw)
{
	size_t n = strlen(name);

	if (m->nr >= ARRAY_SIZE(m->streams))
		return -ENOSPC;
	memset(s, 0, sizeof(*s));
	n = MIN(n, (size_t)CONMUX_NAME_MAX);
	memcpy(s->name, name, n);
	s->raw = raw;
	m->streams[m->nr++] = s;
	return 0;
}

static void end_line(struct conmux *m)
{
	m->out('\r');
	m->out('\n');
	m->owner = NULL;
}

/*
 * One filtered byte of @s onto a prefixed line. Only '\n' ends a line; the
 * cursor never moves back over the prefix ('\b' at its first column is
 * dropped; a lone '\r' never gets here).
 */
static void emit(struct conmux *m, struct conmux_stream *s, char c)
{
	u8 b = (u8)c;

	if (m->owner != s) {
		m->out('[');
		for (const char *p = s->name; *p; p++)
			m->out(*p);
		m->out(']');
		m->out(' ');
		m->owner = s;
		m->col = 0;
	}
	if (c == '\n') {
		end_line(m);
		return;
	}
	if (c == '\b') {
		if (!m->col)
			return;
		m->col--;
	} else if (b < 0x80 || b >= 0xc0) {
		/* One column at most per character (UTF-8 continuation bytes add none). */
		m->col++;
	}
	m->out(c);
}

static void print_pending(struct conmux *m, struct conmux_stream *s)
{
	for (u32 i = 0; i < s->len; i++)
		emit(m, s, s->buf[i]);
	s->len = 0;
}

/*
 * Print what waits. The terminal's line belongs to its owner until it ends
 * the line; another VM's bytes wait in their buffer meanwhile. The owner's
 * line is cut when it has been quiet for m->quiet, or at once when @force
 * (a buffer is full or a stream ends).
 */
static void pump(struct conmux *m, u64 now, bool force)
{
	u32 start = 0;

	for (u32 round = 0; round <= m->nr; round++) {
		struct conmux_stream *next = NULL;

		if (m->owner && m->owner->len)
			print_pending(m, m->owner);
		for (u32 i = 0; i < m->nr && !next; i++) {
			struct conmux_stream *s = m->streams[(start + i) % m->nr];

			if (s->len && s != m->owner)
				next = s;
		}
		if (!next)
			return;
		if (m->owner) {
			if (!force && now - m->owner->last < m->quiet)
				return;
			end_line(m);
		}
		print_pending(m, next);
		for (u32 i = 0; i < m->nr; i++)
			if (m->streams[i] == next)
				start = i + 1;
		force = false;
	}
}

void conmux_putc(struct conmux *m, struct conmux_stream *s, char c, u64 now)
{
	if (!s->raw) {
		int r = confilter_byte(&s->filter, (u8)c);

		if (r < 0)
			return;
		c = (char)r;
	}
	s->last = now;
	if (!m->prefix) {
		/* One VM, no prefix: its bytes go out as they come. */
		if (m->owner && m->owner != s)
			end_line(m);
		m->out(c);
		m->owner = c == '\n' ? NULL : s;
		return;
	}
	if (c == '\r') {
		s->cr = true;
		return;
	}
	/* "\r\n" ends a line; a '\r' before anything else is dropped (it would
	 * let the guest write over its prefix). */
	s->cr = false;
	s->buf[s->len++] = c;
	pump(m, now, s->len == CONMUX_LINE_MAX);
}

/*
 * moat's line comes after every VM byte that came before it (a VM's last
 * words before "exited with status"): what waits is printed first, and
 * unfinished lines are cut.
 */
void conmux_log(struct conmux *m, const char *s, size_t n, u64 now)
{
	for (u32 i = 0; i < m->nr; i++) {
		if (!m->streams[i]->len)
			continue;
		if (m->owner && m->owner != m->streams[i])
			end_line(m);
		print_pending(m, m->streams[i]);
	}
	if (m->owner)
		end_line(m);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			m->out('\r');
		m->out(s[i]);
	}
	if (n && s[n - 1] != '\n')
		end_line(m);
	pump(m, now, false);
}

bool conmux_waiting(const struct conmux *m)
{
	for (u32 i = 0; i < m->nr; i++)
		if (READ_ONCE(m->streams[i]->len))
			return true;
	return false;
}

void conmux_poll(struct conmux *m, u64 now)
{
	pump(m, now, false);
}

void conmux_end(struct conmux *m, struct conmux_stream *s, u64 now)
{
	if (s->len) {
		if (m->owner && m->owner != s)
			end_line(m);
		print_pending(m, s);
	}
	if (m->owner == s)
		end_line(m);
	s->cr = false;
	s->filter.state = CF_TEXT;
	pump(m, now, false);
}
