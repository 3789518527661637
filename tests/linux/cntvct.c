// SPDX-License-Identifier: MIT
/*
 * cntvct: prints the virtual counter (CNTVCT_EL0) as a decimal number.
 * The guest's /init prints it when it is reached, so make bench-linux can
 * compare boots in QEMU's icount mode (-icount shift=0,sleep=off), where
 * the counter advances with executed instructions: a figure that does not
 * depend on the machine's load. Under moat a Linux VM's CNTVOFF is 0, so
 * natively and under moat the value counts from QEMU's start.
 */
#include "freestanding.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	put_num(counter(), 10);
	flush();
	return 0;
}
