// SPDX-License-Identifier: MIT
/*
 * The guest's console: moat's PL011 model (src/emul/vpl011.c) wired to
 * moat-vmm's stdout (TX), stdin (RX, through a reader thread) and the VM's
 * vGIC (MOAT_IRQ_LINE, which the model calls only when the level changes).
 * Every call into the model is made under uart_lock, a mutex, so the
 * model's own spinlock never spins and a thread that sleeps in write() or
 * the ioctl does not make others burn CPU. When stdin is a terminal it is
 * put in raw mode (ISIG kept: Ctrl-C still ends moat-vmm) and restored at
 * exit.
 */
#include "vmm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tio;
static int tio_saved;

void vmm_console_stop(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		tio_saved = 0;
	}
}

static void uart_tx(void *arg, char c)
{
	(void)arg;
	/* Best effort: a closed stdout loses the guest's output, not the guest. */
	(void)!write(STDOUT_FILENO, &c, 1);
}

static void uart_irq(void *arg, bool level)
{
	vmm_irq_line(arg, VMM_UART_SPI, level);
}

void vmm_console_init(struct vmm *v)
{
	pthread_mutex_init(&v->uart_lock, NULL);
	pthread_cond_init(&v->uart_room, NULL);
	vpl011_init(&v->uart, uart_tx, uart_irq, v);
}

static void *stdin_reader(void *arg)
{
	struct vmm *v = arg;
	char buf[64];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* EOF (e.g. </dev/null): the guest gets no input */
		pthread_mutex_lock(&v->uart_lock);
		for (ssize_t i = 0; i < n && !v->stopping; i++) {
			/* Full FIFO or receiver off: wait for the guest to touch the UART, then retry. */
			while (vpl011_rx_push(&v->uart, buf[i]) && !v->stopping)
				pthread_cond_wait(&v->uart_room, &v->uart_lock);
		}
		pthread_mutex_unlock(&v->uart_lock);
	}
}

void vmm_console_start(struct vmm *v)
{
	pthread_t t;

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved_tio)) {
		struct termios raw = saved_tio;

		raw.c_iflag &= ~(unsigned)(ICRNL | INLCR | IGNCR | IXON);
		raw.c_lflag &= ~(unsigned)(ICANON | ECHO | ECHONL | IEXTEN);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (!tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
			tio_saved = 1;
			atexit(vmm_console_stop);
		}
	}
	if (pthread_create(&t, NULL, stdin_reader, v))
		fprintf(stderr, "moat-vmm: no console input: cannot start the reader thread\n");
	else
		pthread_detach(t);
}

int vmm_uart_access(struct vmm *v, uint64_t off, unsigned int len, bool is_write, uint64_t *data)
{
	int r;

	pthread_mutex_lock(&v->uart_lock);
	if (is_write)
		r = vpl011_ops.write(&v->uart, off, len, *data);
	else
		r = vpl011_ops.read(&v->uart, off, len, data);
	/* A read may have made room, a write may have turned the receiver on. */
	pthread_cond_signal(&v->uart_room);
	pthread_mutex_unlock(&v->uart_lock);
	return r;
}
