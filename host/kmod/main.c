// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * moat.ko: lets a Linux host running under moat create and run VMs
 * (docs/hosted.md). This file is the platform driver for moat's node in
 * the host's device tree (its doorbell interrupt) and /dev/moat; vm.c is
 * the VM file descriptor.
 */
#define pr_fmt(fmt) "moat: " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>

#include "moat_kmod.h"

DECLARE_WAIT_QUEUE_HEAD(moat_wq);
atomic64_t moat_wake_seq = ATOMIC64_INIT(0);
u32 moat_cntfrq;

long moat_hvc(u32 fn, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct arm_smccc_res res;
	long r;

	arm_smccc_1_1_hvc(fn, a1, a2, a3, a4, &res);
	r = (long)res.a0;
	if (r == SMCCC_RET_NOT_SUPPORTED)
		return -EOPNOTSUPP;
	/* moat's failures are Linux errno values; anything else is a broken answer. */
	if (r < -MAX_ERRNO)
		return -EIO;
	return r;
}

void moat_kick_all(void)
{
	atomic64_inc(&moat_wake_seq);
	wake_up_all(&moat_wq);
}

/*
 * moat rings the doorbell when a hosted vCPU that is not loaded gets an
 * interrupt. It does not say which one, so every waiting thread wakes,
 * runs its vCPU once and goes back to sleep if nothing is pending.
 */
static irqreturn_t moat_doorbell(int irq, void *data)
{
	moat_kick_all();
	return IRQ_HANDLED;
}

static long moat_get_stats(struct moat_stats __user *ustats)
{
	static const unsigned int which[] = {
		MOAT_STAT_FREE_PAGES, MOAT_STAT_HOST_PAGES, MOAT_STAT_VMS,
	};
	u64 v[ARRAY_SIZE(which)];
	struct moat_stats s;
	unsigned int i;
	long r;

	for (i = 0; i < ARRAY_SIZE(which); i++) {
		r = moat_hvc(MOAT_HC_MEM_STATS, which[i], 0, 0, 0);
		if (r < 0)
			return r;
		v[i] = r;
	}
	memset(&s, 0, sizeof(s));
	s.free_pages = v[0];
	s.host_pages = v[1];
	s.vms = v[2];
	return copy_to_user(ustats, &s, sizeof(s)) ? -EFAULT : 0;
}

static long moat_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct moat_vm_create c;
	long r;

	switch (cmd) {
	case MOAT_GET_VERSION:
		return moat_hvc(MOAT_HC_HOST_VERSION, 0, 0, 0, 0);
	case MOAT_CREATE_VM:
		if (copy_from_user(&c, uarg, sizeof(c)))
			return -EFAULT;
		return moat_vm_create(&c);
	case MOAT_CHECK:
		r = moat_hvc(MOAT_HC_MEM_CHECK, 0, 0, 0, 0);
		if (r == MOAT_EINVAL) {
			pr_err_ratelimited("the ownership check failed (moat's log names the page)\n");
			return -EIO;
		}
		return r < 0 ? r : 0;
	case MOAT_GET_STATS:
		return moat_get_stats(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations moat_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = moat_dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice moat_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "moat",
	.fops = &moat_dev_fops,
	.mode = 0600,
};

static int moat_probe(struct platform_device *pdev)
{
	long version;
	int irq, r;

	version = moat_hvc(MOAT_HC_HOST_VERSION, 0, 0, 0, 0);
	if (version == -EOPNOTSUPP) {
		pr_err("the hypervisor refuses host calls (this Linux is not moat's host VM); no /dev/moat\n");
		return -ENODEV;
	}
	if (version != MOAT_HOST_ABI_VERSION) {
		pr_err("the hypervisor speaks host ABI %ld, this moat.ko speaks %d; build both from the same tree; no /dev/moat\n",
			version, MOAT_HOST_ABI_VERSION);
		return -ENODEV;
	}
	moat_cntfrq = arch_timer_get_cntfrq();
	if (!moat_cntfrq) {
		pr_err("CNTFRQ_EL0 is 0, vCPU timer deadlines cannot be honoured; no /dev/moat\n");
		return -ENODEV;
	}
	irq = platform_get_irq_optional(pdev, 0);
	if (irq < 0) {
		pr_err("moat's device-tree node has no doorbell interrupt (%d); no /dev/moat\n", irq);
		return irq;
	}
	r = devm_request_irq(&pdev->dev, irq, moat_doorbell, 0, "moat-doorbell", NULL);
	if (r) {
		pr_err("cannot request the doorbell interrupt %d (%d); no /dev/moat\n", irq, r);
		return r;
	}
	r = misc_register(&moat_misc);
	if (r) {
		pr_err("cannot register /dev/moat (%d)\n", r);
		return r;
	}
	pr_info("host ABI %ld, doorbell IRQ %d, /dev/moat ready\n", version, irq);
	return 0;
}

static int moat_remove(struct platform_device *pdev)
{
	/* Open files (the device's and every VM's) hold the module, so none is left. */
	misc_deregister(&moat_misc);
	return 0;
}

static const struct of_device_id moat_of_match[] = {
	{ .compatible = MOAT_DT_COMPATIBLE },
	{ }
};
MODULE_DEVICE_TABLE(of, moat_of_match);

static struct platform_driver moat_driver = {
	.probe = moat_probe,
	.remove = moat_remove,
	.driver = {
		.name = "moat",
		.of_match_table = moat_of_match,
	},
};
module_platform_driver(moat_driver);

MODULE_DESCRIPTION("moat: VMs created by a Linux host under the moat hypervisor");
MODULE_LICENSE("Dual MIT/GPL");
