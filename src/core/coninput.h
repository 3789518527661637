/* SPDX-License-Identifier: MIT */
/*
 * Console input, portable so the host tests can drive it
 * (tests/unit/test_coninput.c): the focus keys (Ctrl-\ then a VM number,
 * 'n', '?') and the ring of typed bytes waiting for the focused VM.
 * core/console.c owns the one instance, its lock and the messages.
 */
#ifndef MOAT_CORE_CONINPUT_H
#define MOAT_CORE_CONINPUT_H
#include "lib/types.h"

#define CONINPUT_ESCAPE 0x1c	/* Ctrl-\ */
#define CONINPUT_RING 256

struct coninput_ops {
	/* Is VM @vm running (not stopped)? */
	bool (*running)(void *ctx, int vm);
	/* Give byte @c to VM @vm: 0, or negative when it cannot take it now. */
	int (*deliver)(void *ctx, int vm, char c);
};

struct coninput {
	const struct coninput_ops *ops;
	void *ctx;
	int nr;			/* VMs 0 .. nr-1 */
	int focus;		/* -1: none */
	int asked;		/* the VM the last focus key asked for */
	bool escape;		/* Ctrl-\ seen */
	char ring[CONINPUT_RING];
	u32 head, tail;
};

/* What a byte did, for the caller to tell the user. */
enum coninput_event {
	CONINPUT_NONE,
	CONINPUT_FOCUS,		/* the focus is (now) in->focus */
	CONINPUT_REFUSED,	/* the asked-for VM is not running; the focus stays */
	CONINPUT_LIST,		/* Ctrl-\ ?: list the VMs */
	CONINPUT_CHECK,		/* Ctrl-\ c: run the page-ownership checker (docs/host-mode.md) */
	CONINPUT_STATS,		/* Ctrl-\ s: print every VM's exit statistics */
	CONINPUT_STATS_RESET,	/* Ctrl-\ z: zero them */
};

void coninput_init(struct coninput *in, const struct coninput_ops *ops, void *ctx, int nr,
		   int focus);
/* One byte from the keyboard. */
enum coninput_event coninput_byte(struct coninput *in, char c);
/* Give waiting bytes to the focused VM (it made room). */
void coninput_drain(struct coninput *in);
/*
 * VM @vm stopped. If it had the focus, its waiting bytes are dropped and the
 * next running VM gets the focus: returns true when the focus moved.
 */
bool coninput_stopped(struct coninput *in, int vm);
#endif
