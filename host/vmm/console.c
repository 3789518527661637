// SPDX-License-Identifier: MIT
/*
 * The PL011's wiring: TX bytes to stdout, stdin to RX through a reader
 * thread, the interrupt line to the VM's vGIC (MOAT_IRQ_LINE) whenever the
 * model's level changes. When stdin is a terminal it is put in raw mode
 * (keeping ISIG: Ctrl-C still ends moat-vmm) and restored at exit.
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

/* Called with uart_lock held. */
static void uart_sync_line(struct vmm *v)
{
	bool level = pl011_irq_level(&v->uart);

	if (level != v->uart_line) {
		v->uart_line = level;
		vmm_irq_line(v, VMM_UART_SPI, level);
	}
}

static void *stdin_reader(void *arg)
{
	struct vmm *v = arg;
	uint8_t buf[64];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* EOF (e.g. </dev/null): the guest gets no input */
		pthread_mutex_lock(&v->uart_lock);
		for (ssize_t i = 0; i < n; i++) {
			while (!pl011_rx_ready(&v->uart) && !v->stopping)
				pthread_cond_wait(&v->uart_room, &v->uart_lock);
			if (v->stopping)
				break;
			pl011_rx_push(&v->uart, buf[i]);
			uart_sync_line(v);
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
	uint8_t c;

	pthread_mutex_lock(&v->uart_lock);
	if (is_write) {
		if (pl011_write(&v->uart, off, (uint32_t)*data, &c)) {
			/* The console is best effort: a closed stdout loses output, not the guest. */
			(void)!write(STDOUT_FILENO, &c, 1);
		}
	} else {
		unsigned int room = pl011_rx_ready(&v->uart);

		*data = pl011_read(&v->uart, off);
		if (!room && pl011_rx_ready(&v->uart))
			pthread_cond_signal(&v->uart_room);
	}
	uart_sync_line(v);
	pthread_mutex_unlock(&v->uart_lock);
	return 0;
}
