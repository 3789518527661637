// SPDX-License-Identifier: MIT
/* Console input: see coninput.h and docs/console.md. */
#include "core/coninput.h"
#include <string.h>

void coninput_init(struct coninput *in, const struct coninput_ops *ops, void *ctx, int nr,
		   int focus)
{
	memset(in, 0, sizeof(*in));
	in->ops = ops;
	in->ctx = ctx;
	in->nr = nr;
	in->focus = focus;
}

static bool running(const struct coninput *in, int vm)
{
	return vm >= 0 && vm < in->nr && in->ops->running(in->ctx, vm);
}

/* The first running VM after @from, going round; -1 if none. */
static int next_running(const struct coninput *in, int from)
{
	for (int step = 1; step <= in->nr; step++) {
		int vm = ((from < 0 ? 0 : from) + step) % in->nr;

		if (running(in, vm))
			return vm;
	}
	return -1;
}

/*
 * Bytes typed for one VM never reach another: whatever waits in the ring
 * is dropped whenever the focus changes. The focus never goes to a VM that
 * is not running.
 */
static enum coninput_event set_focus(struct coninput *in, int vm)
{
	in->asked = vm;
	if (!running(in, vm))
		return CONINPUT_REFUSED;
	if (vm != in->focus)
		in->tail = in->head;
	in->focus = vm;
	return CONINPUT_FOCUS;
}

void coninput_drain(struct coninput *in)
{
	while (in->tail != in->head && running(in, in->focus)) {
		if (in->ops->deliver(in->ctx, in->focus, in->ring[in->tail % CONINPUT_RING]))
			break;
		in->tail++;
	}
}

static void queue(struct coninput *in, char c)
{
	if (in->head - in->tail < CONINPUT_RING)
		in->ring[in->head++ % CONINPUT_RING] = c;
	coninput_drain(in);
}

enum coninput_event coninput_byte(struct coninput *in, char c)
{
	int next;

	if (!in->escape) {
		if (c == CONINPUT_ESCAPE)
			in->escape = true;
		else
			queue(in, c);
		return CONINPUT_NONE;
	}
	in->escape = false;
	if (c >= '0' && c <= '9')
		return set_focus(in, c - '0');
	if (c == 'n') {
		next = next_running(in, in->focus);
		return set_focus(in, next >= 0 ? next : (in->focus + 1) % in->nr);
	}
	if (c == '?')
		return CONINPUT_LIST;
	if (c == 'c')
		return CONINPUT_CHECK;
	if (c == 's')
		return CONINPUT_STATS;
	if (c == 'z')
		return CONINPUT_STATS_RESET;
	/* Ctrl-\ Ctrl-\ sends one; Ctrl-\ and another key sends the key. */
	queue(in, c);
	return CONINPUT_NONE;
}

bool coninput_stopped(struct coninput *in, int vm)
{
	int next;

	if (vm != in->focus)
		return false;
	in->tail = in->head;
	next = next_running(in, vm);
	if (next < 0)
		return false;
	in->focus = next;
	return true;
}
