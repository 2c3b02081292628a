// SPDX-License-Identifier: GPL-2.0
/*
 * Guest agent: runs as /init in the test initramfs, drives interrupts on
 * every device the scenario expects, checks the results and powers off.
 * Run as "agent --system-checks" on a running system (the dom0 of the
 * guest scenario), it makes only the checks that need no device: the
 * hypervisor, the local APIC, KUnit and the kernel log; the exit status
 * says whether they passed. "agent --power-off" syncs and powers off (that
 * script runs as PID 1, in a root file system without an init system).
 *
 * Kernel command line (set by scripts/boot.sh):
 *   agent.expect=DEV[:DEV...]  devices that must be present and interrupt:
 *                              serial ide ahci e1000 virtio-net virtio-blk
 *                              nvme (MSI-X, a vector per CPU's queue)
 *                              i8042 sci intx-pair (two virtio-blk disks,
 *                              serials intx-a and intx-b, that share one
 *                              INTx line), quirk-serial (ttyS2, whose _CRS
 *                              says level, active low on ISA IRQ 7), and in
 *                              a PV guest xen-vbd xen-vif (the guest pings
 *                              dom0's bridge), and what dom0 passed through:
 *                              pt-e1000e (MSI-X; pings a dom0 NIC) and
 *                              pt-intx (disks pt-solo and pt-shared, INTx),
 *                              and on the PCIe machines e1000e (MSI-X,
 *                              pinged by the e1000) and xhci (MSI without
 *                              MSI-X, a USB disk)
 *   agent.hyp=none|dom0|domu   what /sys/hypervisor must say
 *   agent.pirq=domain|isa|chip how dom0's GSIs must look: IO-APIC IRQs stacked
 *                              on the xen-pirq irq domain (chip PR-IO-APIC),
 *                              ISA IRQs of that domain (no IO-APIC), or the
 *                              base tree's flat xen-pirq chip; pcifront:
 *                              a PV guest's passed-through devices are
 *                              pirqs (chip xen-pirq), INTx and MSI alike
 *   agent.msi=domain           dom0's MSIs, or with agent.pirq=pcifront a
 *                              PV guest's, are vectors of per-device
 *                              PCI/MSI domains over the xen-pirq domain
 *                              (chip PCI-MSI[X]-<device>, as natively),
 *                              each with a pirq of the domain's own in
 *                              xen/pirqs for its device
 *   agent.multimsi=1           the xHCI's MSI vectors come in a block of
 *                              several (interrupt remapping), not one
 *   agent.managed=1            the NVMe disk's queue vectors have managed
 *                              affinity: the one of CPU 1's queue is shut
 *                              down with CPU 1 and comes back with it
 *   agent.lapic=registered|none
 *                              whether the MADT's local APICs must be taken
 *   agent.kunit=SUITE[:...]    KUnit suites that must have run and passed
 *   agent.bench=N              instead of the device checks: ping N times,
 *                              make N USB control transfers on the xHCI,
 *                              rebind virtio-net and the xHCI, and print
 *                              the cost as "AGENT bench*" lines
 *   agent.bypass=WHAT[:...]    instead of the device checks: make each APIC
 *                              access that bypasses the Xen ops on purpose
 *                              (io-apic, local-apic) and check that it oopses
 *   agent.seed=N               vary the pattern written to the disks (the
 *                              guest scenario's guests share one disk)
 *   agent.dsdt=TTY             instead of the device checks: copy the DSDT,
 *                              as the firmware gave it, to /dev/TTY (raw)
 *   agent.suspend=1            before the workloads, suspend to RAM with
 *                              /sys/power/pm_test at "core" (everything but
 *                              the sleep itself: devices, CPUs, syscore
 *                              suspend and resume); the workloads then show
 *                              that every device still interrupts
 *   agent.hold=SECONDS         after "AGENT done", print "AGENT hold" and
 *                              wait for a line on the console (at most
 *                              SECONDS) before powering off: dom0 looks at
 *                              what the running guest holds meanwhile
 *
 * Output, one line per check, for scripts/boot.sh to collect:
 *   AGENT ok NAME detail          a check that passed
 *   AGENT FAIL NAME detail        a check that failed
 *   AGENT irq DEV key=value...    what a device's interrupts looked like
 *   AGENT done PASSED FAILED      the last line
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/usb/ch9.h>
#include <linux/usbdevice_fs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
/* The uapi header uses Xen's domid_t without defining it. */
typedef uint16_t domid_t;
#include <xen/evtchn.h>

#define MAX_IRQS	16
#define DISK_BYTES	(1 << 20)
#define DISK_CHUNK	(64 << 10)
#define PINGS		32

static int passed, failed;
static char cmdline[4096];

/* Where a device's interrupts are and what kind they must be. */
enum irq_kind { KIND_EDGE, KIND_LEVEL, KIND_MSI, KIND_MSIX, KIND_EVTCHN };
static const char *const kind_names[] = { "edge", "level", "msi", "msix",
					  "evtchn" };

struct irqset {
	int n;
	int irq[MAX_IRQS];
};

/* Put before each check's name: a second round of checks ("again/"). */
static const char *round_prefix = "";

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("AGENT %s %s%s ", ok ? "ok" : "FAIL", round_prefix, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* Write @val to the file at @path: 0, or -errno. */
static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Value of "key=" on the kernel command line, or NULL. */
static const char *param(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= len)
				n = len - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return buf;
		}
		p += klen;
	}
	return NULL;
}

/* Is @word in the ':'-separated @list? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, word, n) && (p[n] == ':' || p[n] == '\0'))
			return true;
		p = strchr(p, ':');
		if (p)
			p++;
	}
	return false;
}

/* ---- /proc/interrupts and /sys/kernel/irq ---- */

/* Total count of @irq over all CPUs, or -1 if it has no line. */
static long irq_count(int irq)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[1024];
	long total = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		long v;

		while (*p == ' ')
			p++;
		if (strtol(p, &end, 10) != irq || *end != ':' || end == p)
			continue;
		total = 0;
		p = end + 1;
		for (;;) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			total += v;
			p = end;
		}
		break;
	}
	fclose(f);
	return total;
}

/*
 * The count of @irq in /proc/interrupts' column of the @cpu'th online CPU
 * (of CPU @cpu while all are online); -1 if not found.
 */
static long irq_count_on(int irq, int cpu)
{
	char line[1024], *p, *end;
	long v = -1;
	FILE *f = fopen("/proc/interrupts", "re");
	int i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strtol(line, &end, 10) != irq || *end != ':')
			continue;
		p = end + 1;
		for (i = 0; i <= cpu; i++) {
			v = strtol(p, &end, 10);
			if (end == p) {
				v = -1;
				break;
			}
			p = end;
		}
		break;
	}
	fclose(f);
	return v;
}

static long irqset_count(const struct irqset *s)
{
	long total = 0, c;
	int i;

	for (i = 0; i < s->n; i++) {
		c = irq_count(s->irq[i]);
		if (c > 0)
			total += c;
	}
	return total;
}

static void irqset_add(struct irqset *s, int irq)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->irq[i] == irq)
			return;
	if (s->n < MAX_IRQS)
		s->irq[s->n++] = irq;
}

/*
 * The IRQs whose action list contains @action (as /proc/interrupts shows),
 * or with @prefix an action that starts with it.
 */
static void irqs_by_action(struct irqset *s, const char *action, bool prefix)
{
	DIR *d = opendir("/sys/kernel/irq");
	struct dirent *e;
	char path[300], buf[512], *tok, *save;

	s->n = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/irq/%s/actions", e->d_name);
		if (read_file(path, buf, sizeof(buf)))
			continue;
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (prefix ? !strncmp(tok, action, strlen(action)) :
				     !strcmp(tok, action))
				irqset_add(s, atoi(e->d_name));
	}
	closedir(d);
}

static void irq_attr(int irq, const char *attr, char *buf, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/irq/%d/%s", irq, attr);
	if (read_file(path, buf, len))
		snprintf(buf, len, "?");
}

/*
 * Does @irq look like @kind? Natively: IO-APIC with the right trigger, or
 * a PCI-MSI domain. As Xen dom0: a GSI is an IO-APIC IRQ with the
 * PR-IO-APIC chip and the right trigger (agent.pirq=domain), or else the
 * xen-pirq chip with the pirq kind as its flow name, as MSIs are. A Xen
 * frontend's event channel: a xen-dyn chip.
 */
/*
 * agent.pirq=domain: dom0's GSIs are IO-APIC IRQs over the xen-pirq domain;
 * agent.pirq=isa: they are ISA IRQs of the xen-pirq domain itself ("xt-pic"
 * flow name), on a dom0 that knows no IO-APIC. gsi_chip is their chip.
 */
static bool pirq_domain, pirq_isa;
static const char *gsi_chip = "PR-IO-APIC";
/* agent.msi=domain */
static bool msi_domain;
/*
 * agent.pirq=pcifront: in a PV guest, the PCI devices that dom0 passed
 * through are Xen pirqs, INTx and MSI alike (chip xen-pirq, flow name
 * "pcifront" or "pcifront-msi[-x]").
 */
static bool pirq_pcifront;

#define PIRQS_FILE	"/sys/kernel/debug/xen/pirqs"

/*
 * The line of debugfs xen/pirqs for Linux IRQ @irq ("pirq=P irq=I
 * source=gsi gsi=G evtchn=E cpu=C trigger=T polarity=P needs-eoi=N
 * eoi-hypercalls=H"), without its newline. False if there is none.
 */
static bool pirq_line(int irq, char *out, size_t len)
{
	char line[512], key[32];
	bool found = false;
	FILE *f = fopen(PIRQS_FILE, "re");

	if (!f)
		return false;
	snprintf(key, sizeof(key), " irq=%d ", irq);
	while (!found && fgets(line, sizeof(line), f)) {
		if (!strstr(line, key))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, len, "%s", line);
		found = true;
	}
	fclose(f);
	return found;
}

/*
 * A GSI under the xen-pirq domain: an IRQ of gsi_chip with the trigger of
 * @kind, and a pirq for it in xen/pirqs whose GSI is the IRQ number and
 * whose trigger is the same.
 */
static bool gsi_pirq_ok(int irq, enum irq_kind kind, const char *chip,
			const char *type, char *why, size_t len)
{
	const char *trigger = kind == KIND_EDGE ? "edge" : "level";
	char line[512], want[64];
	size_t n = strlen(why);

	if (!pirq_line(irq, line, sizeof(line))) {
		snprintf(why + n, len - n, " (no pirq in " PIRQS_FILE ")");
		return false;
	}
	snprintf(why + n, len - n, " [%s]", line);
	snprintf(want, sizeof(want), " source=gsi gsi=%d ", irq);
	if (!strstr(line, want))
		return false;
	snprintf(want, sizeof(want), " trigger=%s ", trigger);
	return strstr(line, want) && !strcmp(chip, gsi_chip) &&
	       !strcmp(type, trigger);
}

/*
 * agent.msi=domain: an MSI vector of dom0, or of a PV guest's pcifront, is
 * on a PCI/MSI (or PCI/MSI-X) device domain named after its device, as
 * natively, with an edge flow; and xen/pirqs has the domain's own pirq for
 * it, of the same device ("source=msi dev=D", no "domid=").
 */
static bool msi_pirq_ok(int irq, enum irq_kind kind, const char *chip,
			const char *type, char *why, size_t len)
{
	const char *prefix = kind == KIND_MSIX ? "PCI-MSIX-" : "PCI-MSI-";
	char line[512], want[96];
	size_t n = strlen(why);

	if (strncmp(chip, prefix, strlen(prefix)) || strcmp(type, "edge"))
		return false;
	if (!pirq_line(irq, line, sizeof(line))) {
		snprintf(why + n, len - n, " (no pirq in " PIRQS_FILE ")");
		return false;
	}
	snprintf(why + n, len - n, " [%s]", line);
	snprintf(want, sizeof(want), " source=msi dev=%s ",
		 chip + strlen(prefix));
	return strstr(line, want) && !strstr(line, " domid=");
}

static bool irq_is_kind(int irq, enum irq_kind kind, bool xen, char *why,
			size_t len)
{
	char chip[64], name[64], type[32];
	bool ok;

	irq_attr(irq, "chip_name", chip, sizeof(chip));
	irq_attr(irq, "name", name, sizeof(name));
	irq_attr(irq, "type", type, sizeof(type));
	snprintf(why, len, "irq=%d chip=%s name=%s type=%s", irq, chip, name,
		 type);

	if (kind == KIND_EVTCHN)
		return !strncmp(chip, "xen-dyn", 7);
	if (xen && pirq_domain && (kind == KIND_EDGE || kind == KIND_LEVEL))
		return gsi_pirq_ok(irq, kind, chip, type, why, len);
	if ((xen || pirq_pcifront) && msi_domain &&
	    (kind == KIND_MSI || kind == KIND_MSIX))
		return msi_pirq_ok(irq, kind, chip, type, why, len);
	if (pirq_pcifront) {
		/*
		 * pcifront names its pirqs after itself and the kind (the
		 * base tree's MSIs too).
		 */
		static const char *const pcifront_names[] = {
			"pcifront", "pcifront", "pcifront-msi", "pcifront-msi-x"
		};
		return !strcmp(chip, "xen-pirq") &&
		       !strcmp(name, pcifront_names[kind]);
	}
	if (xen) {
		static const char *const xen_names[] = {
			"ioapic-edge", "ioapic-level", "msi", "msi-x"
		};
		return !strcmp(chip, "xen-pirq") &&
		       !strcmp(name, xen_names[kind]);
	}
	switch (kind) {
	case KIND_EDGE:
	case KIND_LEVEL:
		ok = !strcmp(chip, "IO-APIC") &&
		     !strcmp(type, kind == KIND_EDGE ? "edge" : "level");
		break;
	case KIND_MSI:
		ok = !strncmp(chip, "PCI-MSI", 7) && strncmp(chip, "PCI-MSIX", 8);
		break;
	default:
		ok = !strncmp(chip, "PCI-MSIX", 8) ||
		     (!strncmp(chip, "PCI-MSI", 7) && !strcmp(type, "edge"));
		break;
	}
	return ok;
}

/* ---- devices in sysfs ---- */

static bool disk_below(const char *dev, char *out, size_t len);

/* Is sysfs device @dev one of the intx-pair disks (serial intx-...)? */
static bool is_intx_pair_disk(const char *dev)
{
	char disk[64], path[128], serial[64];

	if (!disk_below(dev, disk, sizeof(disk)))
		return false;
	snprintf(path, sizeof(path), "/sys/block/%s/serial", disk);
	return !read_file(path, serial, sizeof(serial)) &&
	       !strncmp(serial, "intx-", 5);
}

/*
 * The sysfs path of the first device bound to @driver on @bus, resolved
 * (/sys/devices/...), other than the intx-pair disks. Returns false if
 * there is none.
 */
static bool dev_by_driver(const char *bus, const char *driver, char *out,
			  size_t len)
{
	char path[PATH_MAX], *real;
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s", bus, driver);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_type != DT_LNK || !strcmp(e->d_name, "module"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/%s", bus,
			 driver, e->d_name);
		real = realpath(path, NULL);
		if (!real)
			continue;
		if (!is_intx_pair_disk(real)) {
			snprintf(out, len, "%s", real);
			found = true;
		}
		free(real);
	}
	closedir(d);
	return found;
}

/* The interrupts of the PCI device at @pci: its MSI(-X) vectors, or INTx. */
static void pci_irqs(const char *pci, struct irqset *s, enum irq_kind *kind)
{
	char path[PATH_MAX], buf[32];
	struct dirent *e;
	DIR *d;

	s->n = 0;
	snprintf(path, sizeof(path), "%s/msi_irqs", pci);
	d = opendir(path);
	if (d) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/msi_irqs/%s", pci,
				 e->d_name);
			read_file(path, buf, sizeof(buf));
			*kind = strcmp(buf, "msix") ? KIND_MSI : KIND_MSIX;
			irqset_add(s, atoi(e->d_name));
		}
		closedir(d);
	}
	if (s->n)
		return;
	snprintf(path, sizeof(path), "%s/irq", pci);
	if (!read_file(path, buf, sizeof(buf)) && atoi(buf) > 0) {
		irqset_add(s, atoi(buf));
		*kind = KIND_LEVEL;
	}
}

/*
 * The first entry of directory @dir (an interface or disk name) whose name
 * starts with @prefix ("" for any).
 */
static bool first_entry(const char *dir, const char *prefix, char *out,
			size_t len)
{
	struct dirent *e;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!found && (e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    !strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(out, len, "%s", e->d_name);
			found = true;
		}
	closedir(d);
	return found;
}

/* The block device (sda, vda...) below sysfs device @dev. */
static bool disk_below(const char *dev, char *out, size_t len)
{
	char path[PATH_MAX], *real;
	struct dirent *e;
	bool found = false;
	DIR *d = opendir("/sys/block");
	size_t n = strlen(dev);

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s", e->d_name);
		real = realpath(path, NULL);
		if (real && !strncmp(real, dev, n) && real[n] == '/') {
			snprintf(out, len, "%s", e->d_name);
			found = true;
		}
		free(real);
	}
	closedir(d);
	return found;
}

/* ---- what a device is and how to find it ---- */

struct device {
	const char *name;	/* as in agent.expect */
	const char *bus;	/* bus and driver that find it in sysfs */
	const char *driver;
	const char *action;	/* legacy IRQs and Xen frontends: found by
				 * their action name (frontends: its start) */
	enum irq_kind kind;	/* what its interrupts must be (INTx: level) */
	bool counts;		/* the workload must make it interrupt */
	bool disk;		/* it has a disk to write and read back */
	/* found at run time */
	char sysfs[PATH_MAX];
	struct irqset irqs;
	long before;
};

static struct device devices[] = {
	{ .name = "serial", .action = "ttyS1", .kind = KIND_EDGE,
	  .counts = true },
	/* A firmware quirk: level, active low on an ISA IRQ (see boot.sh). */
	{ .name = "quirk-serial", .action = "ttyS2", .kind = KIND_LEVEL,
	  .counts = true },
	{ .name = "ide", .bus = "pci", .driver = "ata_piix",
	  .action = "ata_piix", .kind = KIND_EDGE, .counts = true,
	  .disk = true },
	{ .name = "ahci", .bus = "pci", .driver = "ahci", .kind = KIND_MSI,
	  .counts = true, .disk = true },
	{ .name = "e1000", .bus = "pci", .driver = "e1000",
	  .kind = KIND_LEVEL, .counts = true },
	{ .name = "virtio-net", .bus = "virtio", .driver = "virtio_net",
	  .kind = KIND_MSIX, .counts = true },
	{ .name = "virtio-blk", .bus = "virtio", .driver = "virtio_blk",
	  .kind = KIND_MSIX, .counts = true, .disk = true },
	{ .name = "nvme", .bus = "pci", .driver = "nvme", .kind = KIND_MSIX,
	  .counts = true, .disk = true },
	/* MSI-X, a vector each for receive, transmit and the rest. */
	{ .name = "e1000e", .bus = "pci", .driver = "e1000e",
	  .kind = KIND_MSIX, .counts = true },
	/* MSI without MSI-X: a block of vectors, with interrupt remapping. */
	{ .name = "xhci", .bus = "pci", .driver = "xhci_hcd", .kind = KIND_MSI,
	  .counts = true, .disk = true },
	{ .name = "i8042", .action = "i8042", .kind = KIND_EDGE,
	  .counts = true },
	{ .name = "sci", .action = "acpi", .kind = KIND_LEVEL },
	/* A PV guest's devices: Xen's block and network frontends. */
	{ .name = "xen-vbd", .bus = "xen", .driver = "vbd", .action = "blkif",
	  .kind = KIND_EVTCHN, .counts = true, .disk = true },
	{ .name = "xen-vif", .bus = "xen", .driver = "vif", .action = "vif",
	  .kind = KIND_EVTCHN, .counts = true },
	/* A PV guest's NIC that dom0 passed through (pcifront). */
	{ .name = "pt-e1000e", .bus = "pci", .driver = "e1000e",
	  .kind = KIND_MSIX, .counts = true },
};
#define NDEV (sizeof(devices) / sizeof(devices[0]))

static struct device *device(const char *name)
{
	size_t i;

	for (i = 0; i < NDEV; i++)
		if (!strcmp(devices[i].name, name))
			return &devices[i];
	return NULL;
}

/* The PCI function a device sits on (virtio devices hang below one). */
static void pci_of(const struct device *d, char *out, size_t len)
{
	snprintf(out, len, "%s", d->sysfs);
	if (!strcmp(d->bus, "virtio")) {
		char *slash = strrchr(out, '/');

		if (slash)
			*slash = '\0';
	}
}

static bool find_device(struct device *d)
{
	char pci[PATH_MAX];
	enum irq_kind kind = d->kind;

	d->irqs.n = 0;
	if (d->bus &&
	    !dev_by_driver(d->bus, d->driver, d->sysfs, sizeof(d->sysfs)))
		return false;
	if (d->action) {
		/*
		 * Legacy IRQs: requested when the device is opened or probed.
		 * Xen frontends: named after the device (netfront: vif0-q0-tx).
		 */
		irqs_by_action(&d->irqs, d->action, !strcmp(d->bus ?: "", "xen"));
	} else {
		pci_of(d, pci, sizeof(pci));
		pci_irqs(pci, &d->irqs, &kind);
	}
	return d->irqs.n > 0;
}

/*
 * Check a device's interrupts: the kind it must have, and (if @counts)
 * that the workload since d->before made them count. Prints the table line.
 */
static void check_irqs(struct device *d, bool xen)
{
	char why[768] = "", name[64];
	bool kind_ok = d->irqs.n > 0;
	long delta;
	int i;

	for (i = 0; i < d->irqs.n; i++) {
		char one[768];

		if (!irq_is_kind(d->irqs.irq[i], d->kind, xen, one, sizeof(one)))
			kind_ok = false;
		if (i == 0)
			snprintf(why, sizeof(why), "%s", one);
	}
	delta = irqset_count(&d->irqs) - d->before;
	printf("AGENT irq %s %s irqs=%d count=%ld\n", d->name, why, d->irqs.n,
	       delta);
	snprintf(name, sizeof(name), "%s-irq-kind", d->name);
	result(kind_ok, name, "want %s%s: %s", xen ? "xen " : "",
	       kind_names[d->kind], d->irqs.n ? why : "no irq");
	if (d->counts) {
		snprintf(name, sizeof(name), "%s-irq-count", d->name);
		result(delta > 0, name, "%ld interrupts during the workload",
		       delta);
	}
}

static int irq_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * The xHCI's MSI vectors (agent.multimsi=1): a block of several, which
 * needs interrupt remapping natively and under Xen (Xen maps a block,
 * MAP_PIRQ_TYPE_MULTI_MSI, only then); otherwise a single vector. With
 * agent.msi=domain, each vector of the block has a pirq of dom0's for its
 * entry of the device, the pirqs in a row.
 */
static void xhci_vectors_check(struct device *d, bool block)
{
	char line[512], want[32], why[1024] = "";
	int irqs[MAX_IRQS], i, pirq, first = 0;
	bool ok = block ? d->irqs.n > 1 : d->irqs.n == 1;
	size_t n = 0;
	const char *p;

	memcpy(irqs, d->irqs.irq, sizeof(irqs));
	qsort(irqs, (size_t)d->irqs.n, sizeof(irqs[0]), irq_cmp);
	for (i = 0; i < d->irqs.n && msi_domain; i++) {
		if (!pirq_line(irqs[i], line, sizeof(line))) {
			ok = false;
			n += (size_t)snprintf(why + n, sizeof(why) - n,
					      " irq %d: no pirq;", irqs[i]);
			continue;
		}
		p = strstr(line, "pirq=");
		pirq = p ? atoi(p + 5) : -1;
		if (!i)
			first = pirq;
		snprintf(want, sizeof(want), " entry=%d ", i);
		if (pirq != first + i || !strstr(line, want))
			ok = false;
		if (n < sizeof(why))
			n += (size_t)snprintf(why + n, sizeof(why) - n,
					      " irq %d pirq %d%s;", irqs[i], pirq,
					      strstr(line, want) ? want : " entry?");
	}
	result(ok, "xhci-msi-vectors", "want %s: %d MSI vectors%s",
	       block ? "a block of several" : "one", d->irqs.n, why);
}

/* ---- workloads ---- */

#define SERIAL_BYTES	(16 << 10)

/* Open @tty raw at 115200 baud; -1 (errno set) if it cannot be opened. */
static int serial_open(const char *tty)
{
	struct termios t;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", tty);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0 && !tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		cfsetspeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

/* Write SERIAL_BYTES to @fd and wait until they are sent; bytes written. */
static int serial_write(int fd)
{
	char buf[4096];
	int n;

	memset(buf, 'U', sizeof(buf));
	for (n = 0; n < SERIAL_BYTES; n += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			break;
	tcdrain(fd);
	return n;
}

/*
 * Write to the UART of device @name (its action is its tty) and check its
 * interrupts. A UART whose _CRS says active low must have that polarity
 * in Xen's pirq too (dom0 of the series: xen/pirqs says so). Return the
 * tty, still open, if @keep (its IRQ stays requested, for xen_view()), or
 * -1.
 */
static int serial_workload(const char *name, bool xen, bool keep)
{
	struct device *d = device(name);
	char check[64];
	int fd, n;

	fd = serial_open(d->action);
	if (fd < 0) {
		snprintf(check, sizeof(check), "%s-open", name);
		result(false, check, "/dev/%s: %s", d->action, strerror(errno));
		return -1;
	}
	/* The IRQ is requested on open: look it up now, hold the tty open. */
	if (!find_device(d)) {
		snprintf(check, sizeof(check), "%s-irq", name);
		result(false, check, "no IRQ with action %s", d->action);
		close(fd);
		return -1;
	}
	d->before = irqset_count(&d->irqs);
	n = serial_write(fd);
	snprintf(check, sizeof(check), "%s-write", name);
	result(n == SERIAL_BYTES, check, "%d bytes to %s", n, d->action);
	check_irqs(d, xen);
	if (d->kind == KIND_LEVEL && xen && pirq_domain && !pirq_isa) {
		char info[512] = "";
		bool low = pirq_line(d->irqs.irq[0], info, sizeof(info)) &&
			   strstr(info, " polarity=low ");

		snprintf(check, sizeof(check), "%s-polarity", name);
		result(low, check, "want the _CRS's active low in dom0's pirq: %s",
		       info[0] ? info : "none in " PIRQS_FILE);
	}
	if (keep)
		return fd;
	close(fd);
	return -1;
}

static uint64_t fnv1a(const unsigned char *p, size_t n, uint64_t h)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/*
 * Write a pattern to the start of the disk, read it back, compare. The
 * pattern depends on agent.seed, so that a run cannot pass by reading back
 * what an earlier one wrote. True if it matched; what happened in @why.
 */
static bool disk_pattern(struct device *d, char *why, size_t len)
{
	char disk[64], path[96], seed_arg[16] = "0";
	unsigned int seed;
	uint64_t wsum = 0xcbf29ce484222325ULL, rsum = wsum;
	unsigned char *buf;
	ssize_t n;
	int fd, i, off;
	bool ok = true;

	param("agent.seed", seed_arg, sizeof(seed_arg));
	seed = (unsigned int)strtoul(seed_arg, NULL, 10);
	/* A USB disk appears after its bus settles: give it 10 s. */
	for (i = 0; !disk_below(d->sysfs, disk, sizeof(disk)); i++) {
		if (i == 100) {
			snprintf(why, len, "no block device below %s in 10 s",
				 d->sysfs);
			return false;
		}
		usleep(100000);
	}
	snprintf(path, sizeof(path), "/dev/%s", disk);
	fd = open(path, O_RDWR | O_DIRECT | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return false;
	}
	if (posix_memalign((void **)&buf, 4096, DISK_CHUNK)) {
		close(fd);
		snprintf(why, len, "out of memory");
		return false;
	}
	for (off = 0; ok && off < DISK_BYTES; off += DISK_CHUNK) {
		for (i = 0; i < DISK_CHUNK; i++)
			buf[i] = (unsigned char)((off + i + seed * 7919u) *
						 2654435761u >> 13);
		wsum = fnv1a(buf, DISK_CHUNK, wsum);
		n = pwrite(fd, buf, DISK_CHUNK, off);
		ok = n == DISK_CHUNK;
	}
	if (ok)
		ok = !fsync(fd);
	/* O_DIRECT: the reads come from the device, not the page cache. */
	for (off = 0; ok && off < DISK_BYTES; off += DISK_CHUNK) {
		n = pread(fd, buf, DISK_CHUNK, off);
		ok = n == DISK_CHUNK;
		rsum = fnv1a(buf, DISK_CHUNK, rsum);
	}
	free(buf);
	close(fd);
	snprintf(why, len, "%s: wrote %d KiB sum %016llx, read back sum %016llx%s",
		 path, DISK_BYTES >> 10, (unsigned long long)wsum,
		 (unsigned long long)rsum, ok ? "" : " (I/O error)");
	return ok && wsum == rsum;
}

static void disk_workload(struct device *d)
{
	char name[64], why[256];
	bool ok = disk_pattern(d, why, sizeof(why));

	snprintf(name, sizeof(name), "%s-disk", d->name);
	result(ok, name, "%s", why);
}

/* ---- the NVMe disk across CPU hotplug ---- */

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

/* disk_pattern() from CPU @cpu: blk-mq queues the I/O on that CPU's queue. */
static bool disk_pattern_on(struct device *d, int cpu, char *why, size_t len)
{
	cpu_set_t set, old;
	bool ok;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_getaffinity(0, sizeof(old), &old) ||
	    sched_setaffinity(0, sizeof(set), &set)) {
		snprintf(why, len, "cannot run on CPU %d: %s", cpu,
			 strerror(errno));
		return false;
	}
	ok = disk_pattern(d, why, len);
	sched_setaffinity(0, sizeof(old), &old);
	return ok;
}

/* The IRQ of @d whose affinity is CPU @cpu alone, or -1. */
static int irq_of_cpu(const struct device *d, int cpu)
{
	char path[64], buf[32], want[16];
	int i;

	snprintf(want, sizeof(want), "%d", cpu);
	for (i = 0; i < d->irqs.n; i++) {
		snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list",
			 d->irqs.irq[i]);
		if (!read_file(path, buf, sizeof(buf)) && !strcmp(buf, want))
			return d->irqs.irq[i];
	}
	return -1;
}

/*
 * Take CPU 1 offline and online again under the NVMe disk, which has an
 * I/O queue per CPU and a vector per queue. The disk must work from CPU 1
 * before, from CPU 0 while CPU 1 is offline and from CPU 1 again after
 * ("nvme-hotplug"). With @managed, as natively: the vectors are spread
 * over the CPUs with managed affinity, so the one of CPU 1's queue is CPU
 * 1's alone, takes CPU 1's completions, is shut down with CPU 1 (no
 * interrupt while it is offline) and comes back on CPU 1 with it
 * ("nvme-managed-irq"). /proc/interrupts has a column per online CPU:
 * CPU 1's is read only while it is online.
 */
static void nvme_hotplug_test(bool managed)
{
	struct device *d = device("nvme");
	char why[256] = "", step[32] = "";
	long before = -1, on1 = -1, off0 = -1, off1 = -1, back0 = -1, back1 = -1;
	int irq = irq_of_cpu(d, 1), rc;
	bool ok;

	if (irq >= 0)
		before = irq_count_on(irq, 1);
	ok = disk_pattern_on(d, 1, why, sizeof(why));
	if (irq >= 0)
		on1 = irq_count_on(irq, 1);
	rc = ok ? write_str(CPU1_ONLINE, "0") : 0;
	if (rc)
		snprintf(step, sizeof(step), "CPU 1 offline");
	if (ok && !rc) {
		off0 = irq_count(irq);
		ok = disk_pattern_on(d, 0, why, sizeof(why));
		off1 = irq_count(irq);
		rc = write_str(CPU1_ONLINE, "1");
		if (rc)
			snprintf(step, sizeof(step), "CPU 1 online");
	}
	if (ok && !rc) {
		back0 = irq_count_on(irq, 1);
		ok = disk_pattern_on(d, 1, why, sizeof(why));
		back1 = irq_count_on(irq, 1);
	}
	result(ok && !rc, "nvme-hotplug", "%s%s%s",
	       rc ? step : "", rc ? ": " : "", rc ? strerror(-rc) :
	       ok ? "the disk worked from CPU 1, from CPU 0 with CPU 1 offline and from CPU 1 again" :
	       why);
	if (!managed)
		return;
	result(irq >= 0 && on1 > before && off1 == off0 && back1 > back0,
	       "nvme-managed-irq",
	       "want a vector of CPU 1 alone, taking CPU 1's completions, none while it is offline, and CPU 1's again after: irq %d, %ld on CPU 1 before, %ld with CPU 1 offline, %ld on CPU 1 after",
	       irq, on1 - before, off1 - off0, back1 - back0);
}

/*
 * Find the disks whose serials are the names of @set (virtio-blk disks
 * without MSI-X): fill in their sysfs device and IRQs, and check that each
 * is there with one INTx IRQ ("NAME-present"). True if all are.
 */
static bool intx_disks_present(struct device *set, int n)
{
	char path[PATH_MAX], pci[PATH_MAX], buf[256], *real;
	enum irq_kind kind;
	struct dirent *e;
	bool all = true;
	int i;
	DIR *d;

	for (i = 0; i < n; i++)
		set[i].sysfs[0] = '\0';
	d = opendir("/sys/block");
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/block/%s/serial", e->d_name);
		if (e->d_name[0] == '.' || read_file(path, buf, sizeof(buf)))
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(buf, set[i].name))
				continue;
			snprintf(path, sizeof(path), "/sys/block/%s/device",
				 e->d_name);
			real = realpath(path, NULL);
			if (real)
				snprintf(set[i].sysfs, sizeof(set[i].sysfs),
					 "%s", real);
			free(real);
		}
	}
	if (d)
		closedir(d);

	for (i = 0; i < n; i++) {
		set[i].irqs.n = 0;
		kind = KIND_MSIX;
		if (set[i].sysfs[0]) {
			pci_of(&set[i], pci, sizeof(pci));
			pci_irqs(pci, &set[i].irqs, &kind);
		}
		snprintf(path, sizeof(path), "%s-present", set[i].name);
		result(set[i].irqs.n == 1 && kind == KIND_LEVEL, path,
		       "%s irqs=%d%s", set[i].sysfs[0] ? set[i].sysfs :
		       "no disk with this serial", set[i].irqs.n,
		       kind == KIND_LEVEL ? " (INTx)" : " (not INTx)");
		all = all && set[i].irqs.n == 1;
	}
	return all;
}

/*
 * agent.expect=intx-pair: two virtio-blk disks (serials intx-a, intx-b)
 * behind one PCI bridge, in slots whose INTA# the bridge swizzles onto the
 * same line, without MSI-X (QEMU's vectors=0). Both must be on one IRQ of
 * the INTx kind with both drivers' handlers on it, and each disk's I/O must
 * complete and make that IRQ count.
 */
static void intx_pair_workload(bool xen)
{
	static struct device pair[] = {
		{ .name = "intx-a", .bus = "virtio", .kind = KIND_LEVEL,
		  .counts = true, .disk = true },
		{ .name = "intx-b", .bus = "virtio", .kind = KIND_LEVEL,
		  .counts = true, .disk = true },
	};
	char path[PATH_MAX], buf[256], *real;
	int i, n;

	if (!intx_disks_present(pair, 2))
		return;

	result(pair[0].irqs.irq[0] == pair[1].irqs.irq[0], "intx-pair-shared",
	       "intx-a irq=%d intx-b irq=%d", pair[0].irqs.irq[0],
	       pair[1].irqs.irq[0]);
	snprintf(path, sizeof(path), "/sys/kernel/irq/%d/actions",
		 pair[0].irqs.irq[0]);
	if (read_file(path, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	for (n = 1, real = buf; (real = strchr(real, ',')); real++)
		n++;
	result(n >= 2, "intx-pair-handlers", "irq %d actions %s",
	       pair[0].irqs.irq[0], buf);

	for (i = 0; i < 2; i++) {
		pair[i].before = irqset_count(&pair[i].irqs);
		disk_workload(&pair[i]);
		check_irqs(&pair[i], xen);
	}
}

/*
 * agent.expect=pt-intx, in a PV guest: the virtio-blk disks without MSI-X
 * that dom0 passed through (pciback, pcifront). pt-solo is alone on its
 * GSI in dom0; pt-shared shares its GSI with a disk that dom0 keeps (the
 * other function of its slot), so dom0's pciback handles it too. Each is a
 * pirq in the guest, on the xen-pirq chip; each disk's I/O must complete
 * and make its IRQ count.
 */
static void pt_intx_workload(void)
{
	static struct device pt[] = {
		{ .name = "pt-solo", .bus = "virtio", .kind = KIND_LEVEL,
		  .counts = true, .disk = true },
		{ .name = "pt-shared", .bus = "virtio", .kind = KIND_LEVEL,
		  .counts = true, .disk = true },
	};
	int i;

	intx_disks_present(pt, 2);
	for (i = 0; i < 2; i++) {
		if (pt[i].irqs.n != 1)
			continue;
		pt[i].before = irqset_count(&pt[i].irqs);
		disk_workload(&pt[i]);
		check_irqs(&pt[i], false);
	}
}

/*
 * dom0 with the xen-pirq domain: 1000 request_irq()/free_irq() cycles of an
 * unused GSI (debugfs xen/pirq_cycle_test). Xen's count of bound event
 * channels, the pirqs and the IRQ descriptors must be one higher while the
 * IRQ is requested - or the counts measure nothing - and back afterwards.
 */
#define PIRQ_CYCLE_FILE	"/sys/kernel/debug/xen/pirq_cycle_test"

/* The GSI that the cycle tests set up and freed again, or -1. */
static int cycled_gsi = -1;

/*
 * The before/requested/after counts of a cycle test (Xen's open event
 * channels, pirqs, IRQ descriptors): each @rise higher while requested -
 * or the counts measure nothing - and back where they started after.
 */
static bool counts_rose_and_fell(unsigned int c[3][3], unsigned int rise)
{
	int i;

	for (i = 0; i < 3; i++)
		if (c[i][1] != c[i][0] + rise || c[i][2] != c[i][0])
			return false;
	return true;
}

static void pirq_cycle_test(void)
{
	unsigned int c[3][3], cycles = 0, want = 1000;
	char buf[512], arg[16];
	int fd, gsi = -1, err = 0, irq = -1;
	bool ok;

	snprintf(arg, sizeof(arg), "%u", want);
	fd = open(PIRQ_CYCLE_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		result(false, "pirq-cycle", PIRQ_CYCLE_FILE ": %s",
		       strerror(errno));
		return;
	}
	if (write(fd, arg, strlen(arg)) < 0)
		err = -errno;
	close(fd);
	if (read_file(PIRQ_CYCLE_FILE, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "no result");
	ok = sscanf(buf, "gsi=%d cycles=%u/%*u error=%*d irq=%d evtchns=%u/%u/%u pirqs=%u/%u/%u irq-descs=%u/%u/%u",
		    &gsi, &cycles, &irq, &c[0][0], &c[0][1], &c[0][2],
		    &c[1][0], &c[1][1], &c[1][2], &c[2][0], &c[2][1],
		    &c[2][2]) == 12;
	ok = ok && !err && cycles == want && irq == gsi;
	if (gsi >= 0)
		cycled_gsi = gsi;
	ok = ok && counts_rose_and_fell(c, 1);
	result(ok, "pirq-cycle", "%s%s (before/requested/after)",
	       err ? "write failed: " : "", buf);
}

/*
 * agent.msi=domain: 1000 cycles of enabling and disabling the e1000e's
 * vectors (up to four of them; debugfs xen/msi_cycle_test), each requested
 * and freed, with the e1000e unbound from its driver meanwhile. Xen's count
 * of bound event channels, the pirqs and the IRQ descriptors must be higher
 * by the vectors while they are requested - or the counts measure nothing -
 * and back afterwards. The e1000e is bound to its driver again.
 */
#define MSI_CYCLE_FILE	"/sys/kernel/debug/xen/msi_cycle_test"

static void msi_cycle_test(const struct device *d)
{
	unsigned int c[3][3], cycles = 0, want = 1000;
	char buf[512], arg[64];
	const char *bdf = strrchr(d->sysfs, '/');
	int err, rc = -1, nvec = 0;
	bool ok;

	bdf = bdf ? bdf + 1 : d->sysfs;
	err = write_str("/sys/bus/pci/drivers/e1000e/unbind", bdf);
	if (!err) {
		snprintf(arg, sizeof(arg), "%s %u", bdf, want);
		err = write_str(MSI_CYCLE_FILE, arg);
	}
	if (read_file(MSI_CYCLE_FILE, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "no result");
	buf[strcspn(buf, "\n")] = '\0';
	ok = sscanf(buf, "dev=%*s cycles=%u/%*u error=%d vectors=%d evtchns=%u/%u/%u pirqs=%u/%u/%u irq-descs=%u/%u/%u",
		    &cycles, &rc, &nvec, &c[0][0], &c[0][1], &c[0][2],
		    &c[1][0], &c[1][1], &c[1][2], &c[2][0], &c[2][1],
		    &c[2][2]) == 12;
	ok = ok && !err && !rc && cycles == want && nvec > 0 &&
	     counts_rose_and_fell(c, nvec);
	result(ok, "msi-cycle", "%s%s%s (before/requested/after)",
	       err ? strerror(-err) : "", err ? ": " : "", buf);
	err = write_str("/sys/bus/pci/drivers/e1000e/bind", bdf);
	result(!err, "msi-cycle-rebind", "%s bound to e1000e again: %s", bdf,
	       err ? strerror(-err) : "ok");
}

/*
 * A pirq bound on the first port of a fresh block of event channel ports.
 * The first port of each block of 1024 needs a new row of the kernel's
 * port-to-IRQ table and, with the FIFO ABI, a new page of the event array
 * (a row and a page are 4 KiB of 4-byte entries). A pirq is bound when its
 * IRQ is activated, under the descriptor's raw spinlock, where nothing may
 * be allocated: DEBUG_ATOMIC_SLEEP and PROVE_RAW_LOCK_NESTING report it in
 * the kernel log, which check_log() reads. Fill the block that holds dom0's
 * ports with unbound ports of its own (/dev/xen/evtchn), so that the lowest
 * free port, which Xen gives the next bind, opens the next block; cycle an
 * unused GSI once; Xen must have bound its pirq to that port. The ports are
 * closed afterwards.
 */
#define EVTCHN_BLOCK	1024

/* The IRQ descriptors there are (/sys/kernel/irq lists one directory each). */
static int irq_descs(void)
{
	DIR *d = opendir("/sys/kernel/irq");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void evtchn_block_test(void)
{
	struct ioctl_evtchn_bind_unbound_port bind = { .remote_domain = 0 };
	unsigned int n = 0, cycles = 0;
	int fd, port = -1, top = -1, err = 0, descs[2], i;
	char buf[512];

	descs[0] = irq_descs();

	fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		result(false, "evtchn-fresh-block", "/dev/xen/evtchn: %s",
		       strerror(errno));
		return;
	}
	/* Ports come lowest first: stop at the block's last. */
	while (top % EVTCHN_BLOCK != EVTCHN_BLOCK - 1) {
		top = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bind);
		if (top < 0) {
			err = errno;
			break;
		}
		n++;
	}
	if (!err)
		err = -write_str(PIRQ_CYCLE_FILE, "1");
	if (read_file(PIRQ_CYCLE_FILE, buf, sizeof(buf)) ||
	    sscanf(buf, "gsi=%*d cycles=%u/", &cycles) != 1 ||
	    !strstr(buf, " port="))
		snprintf(buf, sizeof(buf), "no result");
	else
		port = atoi(strstr(buf, " port=") + 6);
	close(fd);
	/* The ports' IRQ descriptors go after an RCU grace period. */
	for (i = 0; i < 100 && (descs[1] = irq_descs()) > descs[0]; i++)
		usleep(100 * 1000);
	result(!err && cycles == 1 && port == top + 1 && descs[1] == descs[0],
	       "evtchn-fresh-block",
	       "%s%s%u ports bound to fill the block up to port %d; want the pirq on port %d: %s; irq-descs=%d before, %d after the ports are closed",
	       err ? strerror(err) : "", err ? "; " : "", n, top, top + 1, buf,
	       descs[0], descs[1]);
}

/* ---- suspend and resume, without sleeping ---- */

/*
 * Suspend to RAM as far as the core test level goes (kernel/power/suspend.c
 * pm_test): device suspend, the platform's prepare, CPUs offline, syscore
 * suspend - where the IO-APIC state is saved - then, after the test delay,
 * everything resumed in reverse. What goes wrong shows in the kernel log,
 * which check_log() reads, and in the device checks that follow.
 */
static void suspend_test(void)
{
	struct timespec t0, t1;
	char mem_sleep[128] = "", nvme[PATH_MAX] = "", disk[64];
	const char *level, *bdf = NULL;
	int rc, tries;

	/*
	 * Linux 6.12's NVMe driver freezes its queues in one async suspend
	 * work and unfreezes them in another, which lockdep reports as held
	 * locks, in ways that vary with the timing (the base tree's too): the
	 * NVMe disk is unbound across the suspend and bound again.
	 */
	if (dev_by_driver("pci", "nvme", nvme, sizeof(nvme)) &&
	    !write_str("/sys/bus/pci/drivers/nvme/unbind",
		       strrchr(nvme, '/') + 1))
		bdf = strrchr(nvme, '/') + 1;

	/*
	 * Without ACPI S3 ("deep"; a kernel without ACPI, as QEMU's DSDT needs
	 * PCI) "mem" is suspend-to-idle, which has no syscore step and takes
	 * pm_test only up to "platform".
	 */
	read_file("/sys/power/mem_sleep", mem_sleep, sizeof(mem_sleep));
	level = strstr(mem_sleep, "deep") ? "core" : "platform";
	rc = write_str("/sys/power/mem_sleep",
		       strcmp(level, "core") ? "s2idle" : "deep");
	if (!rc)
		rc = write_str("/sys/power/pm_test", level);
	if (!rc)
		rc = write_str("/sys/module/suspend/parameters/pm_test_delay",
			       "1");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!rc)
		rc = write_str("/sys/power/state", "mem");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	write_str("/sys/power/pm_test", "none");
	result(!rc, "suspend", "pm_test=%s, mem (%s): %s after %ld ms%s",
	       level, mem_sleep, rc ? strerror(-rc) : "resumed",
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		      (t1.tv_nsec - t0.tv_nsec) / 1000000),
	       bdf ? " (the NVMe disk unbound)" : "");
	/* It probes asynchronously: wait for its disk. */
	if (bdf && !write_str("/sys/bus/pci/drivers/nvme/bind", bdf))
		for (tries = 0; tries < 100 && !disk_below(nvme, disk, sizeof(disk));
		     tries++)
			usleep(100000);
}

/* ---- Xen's own view of the IO-APICs ---- */

/*
 * What dom0 believes is half of the story: Xen programs the IO-APICs. After
 * the workload, print every GSI that dom0 has an IRQ for ("AGENT gsi" lines)
 * and Xen's physical CPUs ("AGENT pcpu"), then have Xen print its IO-APIC
 * table, its IRQ bindings and its CPUs' C-states on its console (debug keys
 * 'z', 'i' and 'c', and with agent.msi=domain its MSI list, 'M', through
 * XEN_SYSCTL_debug_keys as "xl debug-keys" sends them), between "AGENT
 * xen-view begin" and "end". scripts/xen-view.py
 * compares them with the table Xen printed at boot (apic_verbosity=debug),
 * and scripts/xen-pm.py the C-states with what the firmware says.
 */
#define XEN_HYPERCALL_SYSCTL	35
#define XEN_SYSCTL_DEBUG_KEYS	7

/* From the uapi <xen/privcmd.h>, which needs the kernel's Xen headers. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

struct xen_sysctl_keys {
	uint32_t cmd;
	uint32_t interface_version;
	union {
		struct {
			uint64_t keys;	/* XEN_GUEST_HANDLE_64(char) */
			uint32_t nr_keys;
		} debug_keys;
		uint8_t pad[128];
	} u;
};

/*
 * Hypercall @op with argument @arg, through privcmd: its result, or -errno.
 * Xen reads and writes @arg in dom0's memory: it must stay there.
 */
static long privcmd_hypercall(uint64_t op, void *arg, size_t len)
{
	struct privcmd_hypercall call = { .op = op, .arg[0] = (uintptr_t)arg };
	long rc;
	int fd, err;

	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	mlock(arg, len);
	rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call);
	err = errno;
	close(fd);
	return rc < 0 ? -err : rc;
}

static int xen_debug_keys(const char *keys)
{
	static char buf[16];
	static struct xen_sysctl_keys op;
	/* 4.17 and its neighbours: Xen wants its own version exactly. */
	static const uint32_t versions[] = { 0x15, 0x14, 0x16, 0x13 };
	long rc = -ENOENT;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", keys);
	mlock(buf, sizeof(buf));
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		memset(&op, 0, sizeof(op));
		op.cmd = XEN_SYSCTL_DEBUG_KEYS;
		op.interface_version = versions[i];
		op.u.debug_keys.keys = (uintptr_t)buf;
		op.u.debug_keys.nr_keys = strlen(buf);
		rc = privcmd_hypercall(XEN_HYPERCALL_SYSCTL, &op, sizeof(op));
		if (rc != -EACCES)
			break;
	}
	return rc < 0 ? (int)rc : 0;
}

#define XEN_HYPERCALL_PLATFORM_OP	7
#define XENPF_GET_CPUINFO		55
#define XENPF_INTERFACE_VERSION		0x03000001
#define XEN_PCPU_FLAGS_INVALID		2

struct xen_platform_op_cpuinfo {
	uint32_t cmd;
	uint32_t interface_version;
	union {
		struct {
			uint32_t xen_cpuid;
			uint32_t max_present;
			uint32_t flags;
			uint32_t apic_id;
			uint32_t acpi_id;
		} pcpu_info;
		uint8_t pad[128];
	} u;
};

/* Xen's physical CPU @cpu (XENPF_get_cpuinfo): 0, or -errno. */
static int xen_pcpu_info(unsigned int cpu, unsigned int *apic_id,
			 unsigned int *acpi_id, unsigned int *max_present)
{
	static struct xen_platform_op_cpuinfo op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.cmd = XENPF_GET_CPUINFO;
	op.interface_version = XENPF_INTERFACE_VERSION;
	op.u.pcpu_info.xen_cpuid = cpu;
	rc = privcmd_hypercall(XEN_HYPERCALL_PLATFORM_OP, &op, sizeof(op));
	if (rc < 0)
		return (int)rc;
	if (max_present)
		*max_present = op.u.pcpu_info.max_present;
	if (op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID)
		return -ENOENT;
	*apic_id = op.u.pcpu_info.apic_id;
	*acpi_id = op.u.pcpu_info.acpi_id;
	return 0;
}

/*
 * One "AGENT gsi" line per GSI dom0 has an IRQ for: with the series, from
 * xen/pirqs; on the base tree's flat chip (no xen/pirqs), the IRQ is the
 * GSI, its type the trigger, and the polarity is not known ("?").
 */
static void print_gsis(void)
{
	char line[512], name[64], chip[64], type[64], actions[256];
	FILE *f = fopen(PIRQS_FILE, "re");
	struct dirent *e;
	DIR *d;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			unsigned int pirq, irq, gsi, evtchn;
			char trig[16], pol[16];

			if (sscanf(line, "pirq=%u irq=%u source=gsi gsi=%u evtchn=%u cpu=%*u trigger=%15s polarity=%15s",
				   &pirq, &irq, &gsi, &evtchn, trig, pol) != 6)
				continue;
			irq_attr(irq, "type", type, sizeof(type));
			/* Whether Xen has it set up: "set-up=", if given. */
			printf("AGENT gsi %u irq=%u pirq=%u used=%d trigger=%s polarity=%s type=%s%s\n",
			       gsi, irq, pirq, evtchn != 0, trig, pol, type,
			       strstr(line, " set-up=1") ? " set-up=1" :
			       strstr(line, " set-up=0") ? " set-up=0" : "");
		}
		fclose(f);
	} else if ((d = opendir("/sys/kernel/irq"))) {
		while ((e = readdir(d))) {
			int irq = atoi(e->d_name);

			if (e->d_name[0] == '.')
				continue;
			irq_attr(irq, "chip_name", chip, sizeof(chip));
			irq_attr(irq, "name", name, sizeof(name));
			if (strcmp(chip, "xen-pirq") || strstr(name, "msi"))
				continue;
			irq_attr(irq, "type", type, sizeof(type));
			irq_attr(irq, "actions", actions, sizeof(actions));
			/* Its flow's name: "ioapic-level" or "ioapic-edge". */
			printf("AGENT gsi %d irq=%d pirq=%d used=%d trigger=%s polarity=? type=%s\n",
			       irq, irq, irq, actions[0] != '\0',
			       strstr(name, "level") ? "level" : "edge", type);
		}
		closedir(d);
	}
	if (cycled_gsi >= 0)
		printf("AGENT gsi %d cycled\n", cycled_gsi);
}

static bool is_dom0(void)
{
	char hyp[16];

	return param("agent.hyp", hyp, sizeof(hyp)) && !strcmp(hyp, "dom0");
}

/*
 * One "AGENT pcpu" line per physical CPU, with the APIC and ACPI IDs Xen
 * knows it by: scripts/xen-pm.py needs them to tell which processor's
 * power data Xen was given for it.
 */
static void print_pcpus(void)
{
	unsigned int cpu, max = 0, apic, acpi;
	int rc;

	for (cpu = 0; cpu <= max; cpu++) {
		rc = xen_pcpu_info(cpu, &apic, &acpi, &max);
		if (!rc)
			printf("AGENT pcpu %u apic_id=%u acpi_id=%u\n", cpu, apic, acpi);
		else
			printf("AGENT pcpu %u %s\n", cpu, strerror(-rc));
		if (rc && rc != -ENOENT)
			break;
	}
}

/*
 * agent.msi=domain: one "AGENT msi pirq=P irq=I kind=msi|msix dev=D
 * entry=E evtchn=N" line per MSI pirq of dom0's in xen/pirqs (a guest's,
 * mapped for pciback, is left out), for scripts/xen-view.py to find in
 * Xen's IRQ bindings (key 'i') and MSI list (key 'M').
 */
static void print_msis(void)
{
	char line[512], chip[64], dev[32];
	FILE *f = fopen(PIRQS_FILE, "re");
	unsigned int pirq, irq, entry, evtchn;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "pirq=%u irq=%u source=msi dev=%31s entry=%u evtchn=%u",
			   &pirq, &irq, dev, &entry, &evtchn) != 5)
			continue;
		irq_attr((int)irq, "chip_name", chip, sizeof(chip));
		printf("AGENT msi pirq=%u irq=%u kind=%s dev=%s entry=%u evtchn=%u\n",
		       pirq, irq, strncmp(chip, "PCI-MSIX", 8) ? "msi" : "msix",
		       dev, entry, evtchn);
	}
	fclose(f);
}

static void xen_view(void)
{
	int rc;

	printf("AGENT xen-view begin\n");
	print_gsis();
	if (msi_domain)
		print_msis();
	print_pcpus();
	fflush(stdout);
	rc = xen_debug_keys(msi_domain ? "zicM" : "zic");
	/* Xen drains its serial buffer behind the hypercall. */
	sleep(2);
	printf("AGENT xen-view end%s%s\n", rc ? " debug keys failed: " : "",
	       rc ? strerror(-rc) : "");
}

/* ---- network: e1000 in this namespace, virtio-net in another ---- */

#define ADDR_E1000	"169.254.10.1"
#define ADDR_VIRTIO	"169.254.10.2"

/* Move interface @ifname into the network namespace @nsfd (rtnetlink). */
static int netlink_move(const char *ifname, int nsfd)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		struct rtattr rta;
		uint32_t fd;
	} req = {
		.nh.nlmsg_len = sizeof(req),
		.nh.nlmsg_type = RTM_NEWLINK,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.ifi.ifi_family = AF_UNSPEC,
		.rta.rta_type = IFLA_NET_NS_FD,
		.rta.rta_len = RTA_LENGTH(sizeof(uint32_t)),
	};
	char ack[512];
	struct nlmsgerr *err;
	ssize_t n;
	int sk;

	req.ifi.ifi_index = (int)if_nametoindex(ifname);
	req.fd = (uint32_t)nsfd;
	if (!req.ifi.ifi_index)
		return -ENODEV;
	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0)
		return -errno;
	if (send(sk, &req, sizeof(req), 0) < 0) {
		close(sk);
		return -errno;
	}
	n = recv(sk, ack, sizeof(ack), 0);
	close(sk);
	if (n < (ssize_t)(NLMSG_HDRLEN + sizeof(*err)))
		return -EIO;
	err = NLMSG_DATA((struct nlmsghdr *)ack);
	return err->error;
}

/* Set (@up) or clear IFF_UP on the interface @ifr names: 0, or -errno. */
static int if_set_up(int sk, struct ifreq *ifr, bool up)
{
	if (ioctl(sk, SIOCGIFFLAGS, ifr))
		return -errno;
	if (up)
		ifr->ifr_flags |= IFF_UP;
	else
		ifr->ifr_flags &= ~IFF_UP;
	return ioctl(sk, SIOCSIFFLAGS, ifr) ? -errno : 0;
}

/* Give @ifname address @addr/24 and bring it up (and lo with it). */
static int if_config(const char *ifname, const char *addr)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;
	int sk, ret = 0;

	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	if (ioctl(sk, SIOCSIFADDR, &ifr))
		ret = -errno;
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	if (!ret && ioctl(sk, SIOCSIFNETMASK, &ifr))
		ret = -errno;
	if (!ret)
		ret = if_set_up(sk, &ifr, true);
	close(sk);
	return ret;
}

static uint16_t icmp_csum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const uint8_t *)p;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (uint16_t)~sum;
}

/* Ping @addr until @want replies came back or too many were lost. */
static int ping(const char *addr, int want, int *sent)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	int sk, got = 0, seq;

	*sent = 0;
	inet_pton(AF_INET, addr, &dst.sin_addr);
	sk = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (sk < 0)
		return -errno;
	for (seq = 0; got < want && seq < want * 4; seq++) {
		struct icmphdr req = {
			.type = ICMP_ECHO,
			.un.echo.id = htons(0x4147),
			.un.echo.sequence = htons((uint16_t)seq),
		};
		struct pollfd pfd = { .fd = sk, .events = POLLIN };
		unsigned char buf[256];

		req.checksum = icmp_csum(&req, sizeof(req));
		if (sendto(sk, &req, sizeof(req), 0, (struct sockaddr *)&dst,
			   sizeof(dst)) < 0) {
			usleep(200000);	/* link not up yet */
			continue;
		}
		(*sent)++;
		while (poll(&pfd, 1, 500) > 0) {
			ssize_t n = recv(sk, buf, sizeof(buf), 0);
			struct icmphdr *rep;
			size_t ihl;

			if (n < 20)
				break;
			ihl = (buf[0] & 0xf) * 4u;
			if ((size_t)n < ihl + sizeof(*rep))
				continue;
			rep = (struct icmphdr *)(buf + ihl);
			if (rep->type == ICMP_ECHOREPLY &&
			    rep->un.echo.id == req.un.echo.id &&
			    rep->un.echo.sequence == req.un.echo.sequence) {
				got++;
				break;
			}
		}
	}
	close(sk);
	return got;
}

/*
 * Move @ifname into a network namespace of its own and give it @addr/24
 * there (and lo): 0, or -errno. The namespace lives as long as the agent.
 */
static int netns_config(const char *ifname, const char *addr)
{
	int home, ns, ret;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || unshare(CLONE_NEWNET))
		return -errno;
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(home, CLONE_NEWNET))
		return -errno;
	ret = netlink_move(ifname, ns);
	if (!ret) {
		ret = setns(ns, CLONE_NEWNET) ? -errno : 0;
		if (!ret)
			ret = if_config(ifname, addr);
		if (!ret)
			ret = if_config("lo", "127.0.0.1");
		if (setns(home, CLONE_NEWNET) && !ret)
			ret = -errno;
	}
	/* @ns stays open: the namespace with it. */
	close(home);
	return ret;
}

/*
 * Give the e1000 (here) and the virtio-net NIC (in a network namespace of
 * its own, so that a ping must cross the hub) their addresses.
 */
static bool net_setup(char *eif, char *vif)
{
	struct device *e = device("e1000"), *v = device("virtio-net");
	char dir[PATH_MAX];
	int ret;

	snprintf(dir, sizeof(dir), "%s/net", e->sysfs);
	if (!first_entry(dir, "", eif, IFNAMSIZ)) {
		result(false, "net-setup", "no interface below %s", dir);
		return false;
	}
	snprintf(dir, sizeof(dir), "%s/net", v->sysfs);
	if (!first_entry(dir, "", vif, IFNAMSIZ)) {
		result(false, "net-setup", "no interface below %s", dir);
		return false;
	}

	ret = netns_config(vif, ADDR_VIRTIO);
	if (!ret)
		ret = if_config(eif, ADDR_E1000);
	result(!ret, "net-setup", "%s %s here, %s %s in a netns: %s", eif,
	       ADDR_E1000, vif, ADDR_VIRTIO, ret ? strerror(-ret) : "up");
	if (ret)
		return false;

	/* The e1000 requests its IRQ when it goes up. */
	find_device(e);
	find_device(v);
	return true;
}

/*
 * Move the e1000's IRQ to the other CPU: the next pings must interrupt
 * that CPU, and the effective affinity must have followed (as Xen dom0:
 * the pirq's event channel rebound with EVTCHNOP_bind_vcpu).
 */
static void irq_affinity_check(const struct device *e, const char *eif,
			       const char *vif)
{
	char path[96], cur[32], want[8], eff[32];
	long before, after;
	int irq = e->irqs.irq[0], target, rc, got, sent;

	snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", irq);
	if (read_file(path, cur, sizeof(cur))) {
		result(false, "irq-affinity", "%s: %s", path, strerror(errno));
		return;
	}
	target = atoi(cur) == 0 ? 1 : 0;
	snprintf(want, sizeof(want), "%d", target);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	rc = write_str(path, want);
	if (rc) {
		result(false, "irq-affinity", "%s <- %s: %s", path, want,
		       strerror(-rc));
		return;
	}
	/* Natively the move may wait for the next interrupt: look after. */
	before = irq_count_on(irq, target);
	got = ping(ADDR_VIRTIO, 8, &sent);
	after = irq_count_on(irq, target);
	snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", irq);
	read_file(path, eff, sizeof(eff));
	result(!strcmp(eff, want) && after > before && got == 8, "irq-affinity",
	       "irq %d moved from CPU %s to %s: effective %s, %ld interrupts there during 8 pings (%d replies, %s -> %s)",
	       irq, cur, want, eff, after - before, got, eif, vif);
}

/*
 * The e1000e (MSI-X), in a network namespace of its own on the same hub:
 * the e1000 pings it, so that it receives and sends; it requests its
 * vectors when it comes up.
 */
#define ADDR_E1000E	"169.254.10.3"

static void e1000e_workload(bool xen)
{
	struct device *d = device("e1000e");
	char dir[PATH_MAX], ifname[IFNAMSIZ];
	int got, sent, ret;

	snprintf(dir, sizeof(dir), "%s/net", d->sysfs);
	if (!first_entry(dir, "", ifname, sizeof(ifname))) {
		result(false, "e1000e-net-setup", "no interface below %s", dir);
		return;
	}
	ret = netns_config(ifname, ADDR_E1000E);
	result(!ret, "e1000e-net-setup", "%s %s in a netns: %s", ifname,
	       ADDR_E1000E, ret ? strerror(-ret) : "up");
	if (ret)
		return;
	find_device(d);
	d->before = irqset_count(&d->irqs);
	got = ping(ADDR_E1000E, PINGS, &sent);
	result(got == PINGS, "e1000e-net-ping", "-> %s %s: %d of %d replies (%d sent)",
	       ifname, ADDR_E1000E, got < 0 ? 0 : got, PINGS, sent);
	check_irqs(d, xen);
	result(d->irqs.n >= 3, "e1000e-vectors",
	       "want 3 or more: %d MSI-X vectors", d->irqs.n);
}

/* The e1000 and virtio-net pair, and the e1000e if @e1000e. */
static void net_workload(bool xen, bool e1000e)
{
	struct device *e = device("e1000"), *v = device("virtio-net");
	char eif[IFNAMSIZ], vif[IFNAMSIZ];
	int got, sent;

	if (!net_setup(eif, vif))
		return;
	e->before = irqset_count(&e->irqs);
	v->before = irqset_count(&v->irqs);
	got = ping(ADDR_VIRTIO, PINGS, &sent);
	result(got == PINGS, "net-ping", "%s -> %s: %d of %d replies (%d sent)",
	       eif, vif, got < 0 ? 0 : got, PINGS, sent);
	check_irqs(e, xen);
	check_irqs(v, xen);
	if (e->irqs.n)
		irq_affinity_check(e, eif, vif);
	if (e1000e)
		e1000e_workload(xen);
}

/*
 * A PV guest's NIC (netfront) against dom0's bridge: the guest's packets
 * cross netback and the bridge, dom0 answers from the bridge's address
 * (tests/guest/dom0-init gives it ADDR_DOM0).
 */
#define ADDR_DOM0	"169.254.20.1"
#define ADDR_GUEST	"169.254.20.2"

/*
 * Give the interface of device @d (found again afterwards: some drivers
 * request their IRQs when it comes up) address @addr, ping dom0 at @peer
 * and check the device's interrupts. The checks are PREFIXnet-setup and
 * PREFIXnet-ping.
 */
static void nic_ping_workload(struct device *d, const char *prefix,
			      const char *addr, const char *peer)
{
	char dir[PATH_MAX], ifname[IFNAMSIZ], name[64];
	int got, sent, ret;

	snprintf(name, sizeof(name), "%snet-setup", prefix);
	snprintf(dir, sizeof(dir), "%s/net", d->sysfs);
	if (!first_entry(dir, "", ifname, sizeof(ifname))) {
		result(false, name, "no interface below %s", dir);
		return;
	}
	ret = if_config(ifname, addr);
	result(!ret, name, "%s %s: %s", ifname, addr,
	       ret ? strerror(-ret) : "up");
	if (ret)
		return;
	find_device(d);
	d->before = irqset_count(&d->irqs);
	got = ping(peer, PINGS, &sent);
	snprintf(name, sizeof(name), "%snet-ping", prefix);
	result(got == PINGS, name, "%s -> dom0 %s: %d of %d replies (%d sent)",
	       ifname, peer, got < 0 ? 0 : got, PINGS, sent);
	check_irqs(d, false);
}

static void guest_net_workload(void)
{
	nic_ping_workload(device("xen-vif"), "", ADDR_GUEST, ADDR_DOM0);
}

/*
 * The passed-through e1000e (agent.expect=pt-e1000e, in a PV guest) pings
 * a dom0 NIC on its QEMU hub, which tests/guest/dom0-init gives
 * ADDR_PT_DOM0.
 */
#define ADDR_PT_DOM0	"169.254.30.1"
#define ADDR_PT_GUEST	"169.254.30.2"

static void pt_net_workload(void)
{
	nic_ping_workload(device("pt-e1000e"), "pt-", ADDR_PT_GUEST,
			  ADDR_PT_DOM0);
}

/*
 * ---- benchmark (make bench) ----
 * agent.bench=N: instead of the checks, ping N times across the hub after a
 * warm-up, and print what it cost: guest time (under QEMU's -icount, a
 * function of the instructions executed), interrupts, and - on a kernel
 * with make bench's counting patch - event-channel and physdev hypercalls
 * by command. Then the edge-triggered, MSI and vector set-up parts below.
 * The agent powers off right after: the kernel's "reboot: Power down" line
 * times the end.
 */
#define BENCH_FILE	"/sys/kernel/debug/xen/bench_hypercalls"
#define BENCH_MSI_FILE	"/sys/kernel/debug/xen/bench_msi"
#define BENCH_CMDS	32
#define BENCH_PIRQS	1024

struct hypercalls {
	long evtchn[BENCH_CMDS], physdev[BENCH_CMDS];
	long evtchn_fail[BENCH_CMDS], physdev_fail[BENCH_CMDS];	/* refused */
	long pirq_eois[BENCH_PIRQS];	/* PHYSDEVOP_eoi by pirq */
	long info_size, desc_size;
};

static void bench_msi(int pings, bool hc);
static void bench_vectors(struct device *d, const char *drv, bool hc);

static bool read_hypercalls(struct hypercalls *h)
{
	FILE *f = fopen(BENCH_FILE, "re");
	char kind[32];
	long a, b;

	memset(h, 0, sizeof(*h));
	if (!f)
		return false;
	while (fscanf(f, "%31s %ld %ld", kind, &a, &b) == 3) {
		if (!strcmp(kind, "evtchn") && a >= 0 && a < BENCH_CMDS)
			h->evtchn[a] = b;
		else if (!strcmp(kind, "physdev") && a >= 0 && a < BENCH_CMDS)
			h->physdev[a] = b;
		else if (!strcmp(kind, "evtchn_fail") && a >= 0 && a < BENCH_CMDS)
			h->evtchn_fail[a] = b;
		else if (!strcmp(kind, "physdev_fail") && a >= 0 && a < BENCH_CMDS)
			h->physdev_fail[a] = b;
		else if (!strcmp(kind, "pirq_eois") && a >= 0 && a < BENCH_PIRQS)
			h->pirq_eois[a] = b;
		else if (!strcmp(kind, "irq_info_size"))
			h->info_size = b;	/* as allocated (slab size) */
		else if (!strcmp(kind, "irq_desc_size"))
			h->desc_size = b;
	}
	fclose(f);
	return true;
}

/* Print " KIND.CMD=DELTA" for every command whose count changed. */
static void print_deltas(const char *kind, const long *before, const long *after)
{
	int i;

	for (i = 0; i < BENCH_CMDS; i++)
		if (after[i] != before[i])
			printf(" %s.%d=%ld", kind, i, after[i] - before[i]);
}

/*
 * An MSI IRQ as make bench's counting patch sees it (xen/bench_msi): its
 * pirq, the levels of its hierarchy, the bytes the IRQ takes and those of
 * its per-device MSI domain.
 */
struct bench_msi {
	int irq, pirq, levels;
	long vec_bytes, dom_bytes;
};

static bool bench_msi_irq(int irq, struct bench_msi *out)
{
	FILE *f = fopen(BENCH_MSI_FILE, "re");
	struct bench_msi m;
	bool found = false;

	if (!f)
		return false;
	while (!found && fscanf(f, "%d %d %d %ld %ld", &m.irq, &m.pirq,
				&m.levels, &m.vec_bytes, &m.dom_bytes) == 5)
		if (m.irq == irq) {
			*out = m;
			found = true;
		}
	fclose(f);
	return found;
}

/* The EOI hypercalls for the pirqs of MSI IRQs @s between @h0 and @h1. */
static long msi_eois(const struct irqset *s, const struct hypercalls *h0,
		     const struct hypercalls *h1)
{
	struct bench_msi m;
	long n = 0;
	int i;

	for (i = 0; i < s->n; i++)
		if (bench_msi_irq(s->irq[i], &m) && m.pirq > 0 &&
		    m.pirq < BENCH_PIRQS)
			n += h1->pirq_eois[m.pirq] - h0->pirq_eois[m.pirq];
	return n;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The EOI hypercalls xen/pirqs counts for @irq's pirq; -1 without one. */
static long pirq_eois(int irq)
{
	char line[512], *p;

	if (!pirq_line(irq, line, sizeof(line)))
		return -1;
	p = strstr(line, " eoi-hypercalls=");
	return p ? atol(p + 16) : -1;
}

/*
 * The edge-triggered part of the benchmark: write 16 KiB to ttyS1, whose
 * UART interrupts (a legacy ISA IRQ) are edge-triggered, and print the
 * interrupts and hypercalls it took as an "AGENT bench-edge" line.
 */
static void bench_edge(bool hc)
{
	struct device *d = device("serial");
	struct hypercalls h0, h1;
	long s0, p0;
	int fd, n;

	fd = serial_open(d->action);
	if (fd < 0 || !find_device(d)) {
		result(false, "bench-edge", "/dev/ttyS1 or its IRQ: %s",
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	hc = hc && read_hypercalls(&h0);
	s0 = irqset_count(&d->irqs);
	p0 = pirq_eois(d->irqs.irq[0]);
	n = serial_write(fd);
	printf("AGENT bench-edge serial_irqs=%ld", irqset_count(&d->irqs) - s0);
	if (p0 >= 0)
		printf(" serial_pirq_eois=%ld", pirq_eois(d->irqs.irq[0]) - p0);
	if (hc && read_hypercalls(&h1)) {
		print_deltas("evtchn", h0.evtchn, h1.evtchn);
		print_deltas("physdev", h0.physdev, h1.physdev);
	}
	printf("\n");
	close(fd);
	result(n == SERIAL_BYTES, "bench-edge", "%d bytes to ttyS1", n);
}

static void bench(int pings)
{
	struct device *e = device("e1000"), *v = device("virtio-net");
	char eif[IFNAMSIZ], vif[IFNAMSIZ];
	struct hypercalls h0, h1;
	long long t0, t1;
	long e0, v0, p0;
	int got, sent;
	bool hc;

	if (!find_device(e) || !find_device(v) || !net_setup(eif, vif))
		return;
	/* Warm-up: link up, neighbour discovery, caches. */
	got = ping(ADDR_VIRTIO, 16, &sent);
	result(got == 16, "bench-warmup", "%d of 16 replies", got);
	hc = read_hypercalls(&h0);
	e0 = irqset_count(&e->irqs);
	v0 = irqset_count(&v->irqs);
	p0 = pirq_eois(e->irqs.irq[0]);
	t0 = now_ns();
	got = ping(ADDR_VIRTIO, pings, &sent);
	t1 = now_ns();
	printf("AGENT bench pings=%d sent=%d ns=%lld e1000_irqs=%ld virtio_irqs=%ld",
	       got, sent, t1 - t0, irqset_count(&e->irqs) - e0,
	       irqset_count(&v->irqs) - v0);
	if (p0 >= 0)
		printf(" e1000_pirq_eois=%ld", pirq_eois(e->irqs.irq[0]) - p0);
	if (hc && read_hypercalls(&h1)) {
		print_deltas("evtchn", h0.evtchn, h1.evtchn);
		print_deltas("physdev", h0.physdev, h1.physdev);
		printf(" irq_info_bytes=%ld irq_desc_bytes=%ld", h1.info_size,
		       h1.desc_size);
		if (!access(BENCH_MSI_FILE, R_OK))
			printf(" virtio_pirq_eois=%ld", msi_eois(&v->irqs, &h0, &h1));
	}
	printf("\n");
	result(got == pings, "bench-ping", "%d of %d replies (%d sent)", got,
	       pings, sent);
	bench_edge(hc);
	find_device(device("xhci"));
	if (!device("xhci")->sysfs[0])
		return;		/* a machine without one */
	bench_msi(pings, hc);
	bench_vectors(device("virtio-net"), "virtio-pci", hc);
	bench_vectors(device("xhci"), "xhci_hcd", hc);
}

/* ---- i8042: keyboard LED commands make the keyboard answer ---- */

static void i8042_workload(bool xen)
{
	struct device *d = device("i8042");
	char path[128], name[128];
	struct input_event ev[2];
	int i, fd = -1;

	for (i = 0; i < 32 && fd < 0; i++) {
		snprintf(path, sizeof(path),
			 "/sys/class/input/event%d/device/name", i);
		if (read_file(path, name, sizeof(name)))
			continue;
		if (strstr(name, "AT Translated Set 2 keyboard")) {
			snprintf(path, sizeof(path), "/dev/input/event%d", i);
			fd = open(path, O_WRONLY | O_CLOEXEC);
		}
	}
	if (fd < 0) {
		result(false, "i8042-keyboard", "no AT keyboard event device");
		return;
	}
	if (!find_device(d)) {
		result(false, "i8042-irq", "no IRQ with action i8042");
		close(fd);
		return;
	}
	d->before = irqset_count(&d->irqs);
	memset(ev, 0, sizeof(ev));
	for (i = 0; i < 6; i++) {
		ev[0].type = EV_LED;
		ev[0].code = LED_CAPSL;
		ev[0].value = !(i & 1);
		ev[1].type = EV_SYN;
		ev[1].code = SYN_REPORT;
		if (write(fd, ev, sizeof(ev)) != sizeof(ev))
			break;
		/* atkbd sends LED changes from a work item, rate-limited. */
		usleep(250000);
	}
	result(i == 6, "i8042-leds", "%d LED changes", i);
	check_irqs(d, xen);
	close(fd);
}

/* ---- hypervisor ---- */

static bool check_hypervisor(void)
{
	char want[16] = "none", type[32], caps[128] = "";
	bool dom0 = false, ok;

	param("agent.hyp", want, sizeof(want));
	if (read_file("/sys/hypervisor/type", type, sizeof(type)))
		snprintf(type, sizeof(type), "none");
	if (!strcmp(type, "xen")) {
		mkdir("/proc/xen", 0755);
		mount("xenfs", "/proc/xen", "xenfs", 0, NULL);
		read_file("/proc/xen/capabilities", caps, sizeof(caps));
		dom0 = strstr(caps, "control_d");
	}
	if (!strcmp(want, "dom0"))
		ok = !strcmp(type, "xen") && dom0;
	else if (!strcmp(want, "domu"))
		ok = !strcmp(type, "xen") && !dom0;
	else
		ok = strcmp(type, "xen");
	result(ok, "hypervisor", "want %s: type=%s dom0=%s", want, type,
	       dom0 ? "yes" : "no");
	return dom0;
}

/* ---- kernel log: KUnit results and anything that went wrong ---- */

static char klog[1 << 20];

/* Strip "<6>[    1.234567] " from a klog line. */
static char *klog_text(char *line)
{
	if (line[0] == '<') {
		char *p = strchr(line, '>');

		if (p)
			line = p + 1;
	}
	if (line[0] == '[') {
		char *p = strstr(line, "] ");

		if (p)
			line = p + 2;
	}
	return line;
}

/*
 * Each top-level KTAP result line ("ok N suite", "not ok N suite") is one
 * suite's result; the test cases below it are indented. Every suite named
 * in @want must be among them.
 */
static void check_kunit(const char *want)
{
	char *copy = strdup(klog), *line, *save, name[80];
	char seen[1024] = ":";
	int suites = 0;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *t = klog_text(line), suite[64];
		bool ok = !strncmp(t, "ok ", 3);

		if (!ok && strncmp(t, "not ok ", 7))
			continue;
		if (sscanf(t + (ok ? 3 : 7), "%*d %63s", suite) != 1)
			continue;
		snprintf(name, sizeof(name), "kunit-%s", suite);
		result(ok, name, "%s", t);
		suites++;
		if (strlen(seen) + strlen(suite) + 2 < sizeof(seen)) {
			strcat(seen, suite);
			strcat(seen, ":");
		}
	}
	free(copy);
	copy = strdup(want ? want : "");
	for (line = strtok_r(copy, ":", &save); line;
	     line = strtok_r(NULL, ":", &save))
		if (!in_list(seen + 1, line))
			result(false, "kunit-missing", "suite %s did not run",
			       line);
	free(copy);
	printf("AGENT kunit suites=%d\n", suites);
}

/* What in the kernel log fails a boot. */
static const char *const bad_patterns[] = {
	"WARNING:", "BUG:", "Oops", "general protection fault",
	"Kernel panic", "Call Trace:", "possible recursive locking",
	"possible circular locking", "inconsistent lock state",
	"suspicious RCU usage", "INFO: task", "UBSAN:", "KASAN:",
	"unreferenced object",
};
/* Failed hypercalls and Xen setup errors. */
static const char *const xen_words[] = { "xen", "pirq", "physdev", "evtchn",
					 "hypercall" };
static const char *const fail_words[] = { "fail", "error", "refused" };

/*
 * Reports of upstream bugs in code the series does not touch, which the
 * base kernel makes as well: a report whose first line is @header and
 * whose next lines name @where is listed with the reason and not counted.
 * It ends at the end of its stack dump. Keep this list short and say why.
 */
#define KNOWN_WHERE	3
static const struct known_report {
	const char *header;
	/* each within KNOWN_LOOKAHEAD lines of the header */
	const char *where[KNOWN_WHERE];
	const char *why;
} known_reports[] = {
	{ "WARNING: possible circular locking dependency detected",
	  { "(&priv->lock)", "at: gntdev_mmap+", "(&mm->mmap_lock)" },
	  "Linux 6.12 gntdev: IOCTL_GNTDEV_MAP_GRANT_REF copies to user space "
	  "under priv->lock, gntdev_mmap() takes priv->lock under mmap_lock; "
	  "any gntdev user (xenstored) triggers it" },
};
#define KNOWN_LOOKAHEAD	8	/* lines from the header to each @where */
#define KNOWN_LINES	200	/* at most, to the end of its stack dump */

static bool near(char **lines, int n, int i, const char *what)
{
	int j;

	for (j = i + 1; j < n && j <= i + KNOWN_LOOKAHEAD; j++)
		if (strstr(lines[j], what))
			return true;
	return false;
}

/* Does @line start a report of its own (which ends the one before)? */
static bool starts_report(const char *line)
{
	return strstr(line, "WARNING:") || strstr(line, "BUG:") ||
	       strstr(line, "Oops") || strstr(line, "Kernel panic");
}

/* The known report that starts at line @i of @lines, if any. */
static const struct known_report *known_report_at(char **lines, int n, int i)
{
	const struct known_report *kr;
	size_t k, w;

	for (k = 0; k < sizeof(known_reports) / sizeof(*known_reports); k++) {
		kr = &known_reports[k];
		if (!strstr(lines[i], kr->header))
			continue;
		for (w = 0; w < KNOWN_WHERE; w++)
			if (!near(lines, n, i, kr->where[w]))
				break;
		if (w == KNOWN_WHERE)
			return kr;
	}
	return NULL;
}

static bool has_word(const char *line, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasestr(line, words[i]))
			return true;
	return false;
}

/*
 * Scan the kernel log. While a KUnit suite runs (from its "# Subtest:"
 * header to its top-level result line), the Xen error messages that the
 * tests provoke on purpose are the suite's business and its result says
 * whether they were right; warnings, oopses and lockdep reports count
 * everywhere.
 */
static void check_log(void)
{
	char *copy = strdup(klog), *line, *save, **lines;
	bool in_kunit = false;
	int bad = 0, known = 0, n = 0, i, end;

	/* One pointer per line (a line is at least its newline). */
	lines = malloc((strlen(klog) + 1) * sizeof(*lines));
	if (!copy || !lines) {
		free(copy);
		free(lines);
		result(false, "kernel-log", "out of memory");
		return;
	}
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		lines[n++] = klog_text(line);
	for (i = 0; i < n; i++) {
		const struct known_report *kr = known_report_at(lines, n, i);
		char *t = lines[i];
		size_t p;
		bool hit = false;

		if (kr) {
			/*
			 * Its lines, to the end of its stack dump; lockdep
			 * reports once and then turns itself off.
			 */
			printf("AGENT log known upstream report: %s (%s)\n", t,
			       kr->why);
			known++;
			for (end = i + KNOWN_LINES; i + 1 < n && i + 1 < end &&
			     !strstr(lines[i], "</TASK>") &&
			     !starts_report(lines[i + 1]); i++)
				;
			continue;
		}
		if (!strncmp(t, "    # Subtest: ", 15))
			in_kunit = true;
		else if (!strncmp(t, "ok ", 3) || !strncmp(t, "not ok ", 7))
			in_kunit = false;
		for (p = 0; p < sizeof(bad_patterns) / sizeof(*bad_patterns); p++)
			if (strstr(t, bad_patterns[p]))
				hit = true;
		if (!in_kunit &&
		    has_word(t, xen_words, sizeof(xen_words) / sizeof(*xen_words)) &&
		    has_word(t, fail_words, sizeof(fail_words) / sizeof(*fail_words)))
			hit = true;
		if (hit) {
			printf("AGENT log %s\n", t);
			bad++;
		}
	}
	free(lines);
	free(copy);
	result(!bad, "kernel-log",
	       "%d bad lines (warnings, oopses, lockdep, failed hypercalls)%s",
	       bad, known ? "; known upstream reports listed above (lockdep "
			    "turns itself off after its first report)" : "");
}

/* ---- APIC bypasses: they must fault, and the oops must name the caller ---- */

#define BYPASS_FILE "/sys/kernel/debug/xen/apic_bypass_test"

static int read_klog(void)
{
	int n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);

	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, klog,
		    n > 0 && n < (int)sizeof(klog) ? n : (int)sizeof(klog) - 1);
	klog[n > 0 ? n : 0] = '\0';
	return n;
}

/*
 * ---- local APIC registration (R1, R4) ----
 * agent.lapic=registered|none: whether the kernel took the local APICs from
 * the ACPI MADT. The kernel logs the MADT's LAPIC NMI entries as it parses
 * them ("ACPI: LAPIC_NMI (...)", QEMU's MADT has one), in the same pass that
 * registers the LAPIC address and the CPUs. A native kernel must (R1); a PV
 * dom0 must leave them to Xen (R4).
 */
static void check_local_apic(void)
{
	char want[16];
	bool parsed;

	if (!param("agent.lapic", want, sizeof(want)))
		return;
	read_klog();
	parsed = strstr(klog, "ACPI: LAPIC_NMI (");
	result(parsed == !strcmp(want, "registered"), "local-apic",
	       "want %s: the MADT's local APIC entries were %s", want,
	       parsed ? "parsed" : "not parsed");
}

/* The text after the last line that contains @marker, or NULL. */
static const char *after_last(const char *marker)
{
	const char *p = klog, *last = NULL;

	while ((p = strstr(p, marker)))
		last = p++;
	return last;
}

static void bypass_test(const char *what)
{
	char name[64], marker[96];
	const char *log;
	bool oops, rip, caught;
	int status = 0, fd;
	pid_t pid;

	snprintf(name, sizeof(name), "bypass-%s", what);
	snprintf(marker, sizeof(marker), "reading the %s at", what);
	pid = fork();
	if (pid == 0) {
		fd = open(BYPASS_FILE, O_WRONLY);
		if (fd < 0)
			_exit(2);
		if (write(fd, what, strlen(what)) < 0)
			_exit(3);
		_exit(1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		result(false, name, "fork: %s", strerror(errno));
		return;
	}
	read_klog();
	log = after_last(marker);
	oops = log && strstr(log, "BUG: unable to handle page fault for address");
	rip = log && strstr(log, "RIP: ") &&
	      strstr(strstr(log, "RIP: "), "xen_apic_bypass_read");
	caught = log && !strstr(log, "was not caught");
	result(WIFSIGNALED(status) && oops && rip && caught, name,
	       "writer %s; %s; oops %s; RIP in xen_apic_bypass_read: %s",
	       WIFSIGNALED(status) ? "killed" :
	       WEXITSTATUS(status) == 2 ? "could not open " BYPASS_FILE :
	       "returned", log ? "attempt logged" : "attempt not logged",
	       oops ? "reported" : "missing", rip ? "yes" : "no");
}

/* ---- main ---- */

static void setup(void)
{
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Only errors and worse on the console from now on: a kernel message
	 * printed in the middle of an "AGENT" line loses that check (boot.sh
	 * counts them). The kernel-log check reads the whole log itself.
	 */
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 4);
}

/* Is there a disk with serial @serial? */
static bool has_disk_serial(const char *serial)
{
	char path[PATH_MAX], buf[64];
	struct dirent *e;
	bool found = false;
	DIR *d = opendir("/sys/block");

	while (d && !found && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/block/%s/serial", e->d_name);
		found = e->d_name[0] != '.' && !read_file(path, buf, sizeof(buf)) &&
			!strcmp(buf, serial);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * Wait for a line on the console, or @seconds. True if the line was
 * "again": dom0 wants the passed-through devices checked once more.
 */
static bool hold(int seconds)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char buf[64] = "";
	int n;

	if (seconds <= 0 || seconds > 3600)
		seconds = 60;
	printf("AGENT hold\n");
	fflush(stdout);
	n = poll(&pfd, 1, seconds * 1000);
	if (n > 0 && (pfd.revents & POLLIN) && read(0, buf, sizeof(buf) - 1) > 0)
		return !strncmp(buf, "again", 5);
	if (n == 0)
		printf("AGENT hold: nothing came in %d s\n", seconds);
	else
		printf("AGENT hold: the console failed (poll %d, revents %#x): %s\n",
		       n, n > 0 ? pfd.revents : 0, strerror(errno));
	return false;
}

/*
 * After dom0 detached the passed-through devices and attached them again
 * (xl pci-detach, pci-attach): wait for pcifront to bring them back, at
 * most 60 s, and check them as at boot, as "again/NAME".
 */
static void pt_again(const char *expect)
{
	struct device *nic = device("pt-e1000e");
	int i;

	round_prefix = "again/";
	for (i = 0; i < 60; i++) {
		if ((!in_list(expect, "pt-e1000e") || find_device(nic)) &&
		    (!in_list(expect, "pt-intx") ||
		     (has_disk_serial("pt-solo") && has_disk_serial("pt-shared"))))
			break;
		sleep(1);
	}
	if (in_list(expect, "pt-e1000e")) {
		result(nic->irqs.n > 0, "pt-e1000e-present", "%s irqs=%d after %d s",
		       nic->sysfs[0] ? nic->sysfs : "not found", nic->irqs.n, i);
		if (nic->irqs.n)
			pt_net_workload();
	}
	if (in_list(expect, "pt-intx"))
		pt_intx_workload();
	round_prefix = "";
}

/* ---- driver unbind and bind ---- */

/* Lines of file @path (the pirqs of xen/pirqs), or -1. */
static int count_lines(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* Bring the interface of PCI device @pci up or down: 0, or -errno. */
static int pci_netdev_set(const char *pci, bool up)
{
	char path[PATH_MAX], ifname[IFNAMSIZ + 1];
	struct ifreq ifr;
	int sk, ret;

	snprintf(path, sizeof(path), "%s/net", pci);
	if (!first_entry(path, "", ifname, sizeof(ifname)))
		return -ENODEV;
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ret = if_set_up(sk, &ifr, up);
	close(sk);
	return ret;
}

/* The virtio device below PCI device @pci (sysfs path into @out). */
static bool virtio_below(const char *pci, char *out, size_t len)
{
	char name[64];

	if (!first_entry(pci, "virtio", name, sizeof(name)))
		return false;
	snprintf(out, len, "%s/%s", pci, name);
	return true;
}

/*
 * One cycle of rebind_test(): unbind PCI function @bdf from @drv, bind it
 * again, and make device @d interrupt: a NIC is brought up (its driver
 * requests its IRQ on open, and e1000's open fires a link-status
 * interrupt), a virtio disk has a pattern written and read back. 0, or
 * what went wrong in @why.
 */
static int rebind_once(struct device *d, const char *pci, const char *bdf,
		       const char *drv, bool *freed, char *why, size_t len)
{
	char path[PATH_MAX];
	enum irq_kind kind = d->kind;
	bool nic = !d->disk;
	int rc, tries;

	if (nic)
		pci_netdev_set(pci, false);
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
	rc = write_str(path, bdf);
	if (!rc) {
		/* Whether the device's (first) IRQ was freed while unbound. */
		snprintf(path, sizeof(path), "/sys/kernel/irq/%d", d->irqs.irq[0]);
		*freed = access(path, F_OK) != 0;
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", drv);
		rc = write_str(path, bdf);
	}
	if (rc) {
		snprintf(why, len, "%s of %s: %s", path, bdf, strerror(-rc));
		return rc;
	}
	if (d->disk && !virtio_below(pci, d->sysfs, sizeof(d->sysfs))) {
		snprintf(why, len, "no virtio device below %s after bind", pci);
		return -ENODEV;
	}
	pci_irqs(pci, &d->irqs, &kind);
	d->before = irqset_count(&d->irqs);
	if (nic) {
		rc = pci_netdev_set(pci, true);
		if (rc) {
			snprintf(why, len, "%s up: %s", bdf, strerror(-rc));
			return rc;
		}
		pci_irqs(pci, &d->irqs, &kind);
		for (tries = 0; tries < 100 && irqset_count(&d->irqs) <= d->before; tries++)
			usleep(10000);
	} else if (!disk_pattern(d, why, len)) {
		return -EIO;
	}
	if (!d->irqs.n || kind != d->kind) {
		snprintf(why, len, "%s after bind: irqs=%d of kind %s, want %s",
			 bdf, d->irqs.n, kind_names[kind], kind_names[d->kind]);
		return -EIO;
	}
	if (irqset_count(&d->irqs) <= d->before) {
		snprintf(why, len, "%s after bind: no interrupt on irq %d", bdf,
			 d->irqs.irq[0]);
		return -EIO;
	}
	return 0;
}

/*
 * agent.rebind=N: rebind-DEVICE, for the e1000 (INTx, the only user of its
 * GSI) and the MSI-X virtio-blk disk. Unbinding a PCI driver disables the
 * device, which frees its MSI-X vectors, or, for INTx, unregisters its GSI
 * (acpi_pci_irq_disable()); binding sets them up again. N cycles, each
 * followed by the device's work and an interrupt of its kind; afterwards
 * the IRQ descriptors, and in dom0 the pirqs xen/pirqs lists, must be as
 * many as before: nothing leaked.
 */
static void rebind_test(struct device *d, const char *drv, int cycles)
{
	char pci[PATH_MAX], why[512] = "", name[64], pirqs[96];
	int irqs0, pirqs0, irqs1, pirqs1, i, rc = 0, nfreed = 0;
	const char *bdf;
	bool freed = false;

	snprintf(name, sizeof(name), "rebind-%s", d->name);
	if (!d->irqs.n) {
		result(false, name, "%s not found", d->name);
		return;
	}
	pci_of(d, pci, sizeof(pci));
	bdf = strrchr(pci, '/') + 1;
	irqs0 = irq_descs();
	pirqs0 = count_lines(PIRQS_FILE);
	for (i = 0; i < cycles && !rc; i++) {
		rc = rebind_once(d, pci, bdf, drv, &freed, why, sizeof(why));
		nfreed += freed;
	}
	irqs1 = irq_descs();
	pirqs1 = count_lines(PIRQS_FILE);
	if (pirqs0 < 0)
		snprintf(pirqs, sizeof(pirqs), "no %s", PIRQS_FILE);
	else
		snprintf(pirqs, sizeof(pirqs), "pirqs %d before, %d after",
			 pirqs0, pirqs1);
	if (rc)
		result(false, name, "cycle %d of %d: %s", i, cycles, why);
	else
		result(irqs1 == irqs0 && pirqs1 == pirqs0, name,
		       "%d unbind/bind cycles of %s (%s, irq %d, freed while unbound in %d), each followed by work and an interrupt; IRQ descriptors %d before, %d after; %s",
		       cycles, bdf, kind_names[d->kind], d->irqs.irq[0], nfreed,
		       irqs0, irqs1, pirqs);
}

/* ---- benchmark: MSI interrupts, vector set-up and teardown ---- */

/* The usbfs node of QEMU's USB keyboard (vendor 0627), opened; or -1. */
static int usb_kbd_open(void)
{
	char path[PATH_MAX], buf[32];
	DIR *d = opendir("/sys/bus/usb/devices");
	struct dirent *e;
	int fd = -1, bus, dev;

	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strchr(e->d_name, ':'))
			continue;	/* an interface, not a device */
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/idVendor",
			 e->d_name);
		if (read_file(path, buf, sizeof(buf)) || strcmp(buf, "0627"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/busnum",
			 e->d_name);
		bus = read_file(path, buf, sizeof(buf)) ? -1 : atoi(buf);
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/devnum",
			 e->d_name);
		dev = read_file(path, buf, sizeof(buf)) ? -1 : atoi(buf);
		snprintf(path, sizeof(path), "/dev/bus/usb/%03d/%03d", bus, dev);
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

/* One control transfer: GET_DESCRIPTOR (device). True if it completed. */
static bool usb_get_descriptor(int fd)
{
	unsigned char desc[18];
	struct usbdevfs_ctrltransfer c = {
		.bRequestType	= USB_DIR_IN,
		.bRequest	= USB_REQ_GET_DESCRIPTOR,
		.wValue		= USB_DT_DEVICE << 8,
		.wLength	= sizeof(desc),
		.timeout	= 1000,
		.data		= desc,
	};

	return ioctl(fd, USBDEVFS_CONTROL, &c) == (int)sizeof(desc);
}

/*
 * The MSI part of the benchmark: @n USB control transfers to the keyboard
 * on the xHCI, which make bench's machine has without MSI-X (one MSI
 * vector: no interrupt remapping). QEMU completes each at once, in the
 * vCPU's doorbell write, and the xHCI interrupts for its completion event.
 * An "AGENT bench-msi" line gives the interrupts and hypercalls, and the
 * EOI hypercalls for the xHCI's pirq.
 */
static void bench_msi(int n, bool hc)
{
	struct device *d = device("xhci");
	enum irq_kind kind = KIND_LEVEL;
	struct hypercalls h0, h1;
	char pci[PATH_MAX];
	long long t0, t1;
	int fd, i, got;
	long d0;

	pci_of(d, pci, sizeof(pci));
	pci_irqs(pci, &d->irqs, &kind);
	fd = usb_kbd_open();
	if (fd < 0 || kind != KIND_MSI) {
		result(false, "bench-msi", "the USB keyboard: %s; the xHCI's %d vectors of kind %s (want msi)",
		       fd < 0 ? strerror(errno) : "open", d->irqs.n,
		       kind_names[kind]);
		if (fd >= 0)
			close(fd);
		return;
	}
	for (got = 0, i = 0; i < 16; i++)
		got += usb_get_descriptor(fd);
	result(got == 16, "bench-msi-warmup", "%d of 16 control transfers", got);
	hc = hc && read_hypercalls(&h0);
	d0 = irqset_count(&d->irqs);
	t0 = now_ns();
	for (got = 0, i = 0; i < n; i++)
		got += usb_get_descriptor(fd);
	t1 = now_ns();
	printf("AGENT bench-msi transfers=%d ns=%lld xhci_irqs=%ld", got,
	       t1 - t0, irqset_count(&d->irqs) - d0);
	if (hc && read_hypercalls(&h1)) {
		print_deltas("evtchn", h0.evtchn, h1.evtchn);
		print_deltas("physdev", h0.physdev, h1.physdev);
		printf(" xhci_pirq_eois=%ld", msi_eois(&d->irqs, &h0, &h1));
	}
	printf("\n");
	close(fd);
	result(got == n, "bench-msi-transfers", "%d of %d control transfers",
	       got, n);
}

#define BENCH_REBINDS	10

/* Bring virtio-net's interface up or down; nothing for other devices. */
static int nic_set(struct device *d, bool up)
{
	return strcmp(d->name, "virtio-net") ? 0 : pci_netdev_set(d->sysfs, up);
}

/*
 * Vector set-up and teardown: BENCH_REBINDS cycles of device @d's PCI
 * function unbound from @drv and bound again (virtio-net's interface taken
 * down before and up after); both request their vectors at probe.
 * An "AGENT bench-vectors" line gives the hypercalls of all the cycles by
 * command, the vectors, and the memory the vectors take (xen/bench_msi).
 */
static void bench_vectors(struct device *d, const char *drv, bool hc)
{
	char pci[PATH_MAX], path[PATH_MAX], why[PATH_MAX + 64] = "";
	enum irq_kind kind = KIND_LEVEL;
	struct hypercalls h0, h1;
	struct bench_msi m;
	long vec_bytes = 0, dom_bytes = 0;
	const char *bdf;
	int i, rc = 0, levels = 0;

	pci_of(d, pci, sizeof(pci));
	bdf = strrchr(pci, '/') + 1;
	hc = hc && read_hypercalls(&h0);
	for (i = 0; i < BENCH_REBINDS && !rc; i++) {
		nic_set(d, false);
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
		rc = write_str(path, bdf);
		if (!rc) {
			snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", drv);
			rc = write_str(path, bdf);
		}
		if (rc) {
			snprintf(why, sizeof(why), "%s of %s: %s", path, bdf,
				 strerror(-rc));
			break;
		}
		if (!find_device(d) && !d->sysfs[0]) {
			snprintf(why, sizeof(why), "%s not found after bind", d->name);
			rc = -ENODEV;
			break;
		}
		rc = nic_set(d, true);
		if (rc)
			snprintf(why, sizeof(why), "%s up: %s", d->name,
				 strerror(-rc));
	}
	if (rc) {
		result(false, "bench-vectors", "%s, cycle %d: %s", d->name, i, why);
		return;
	}
	pci_irqs(pci, &d->irqs, &kind);
	printf("AGENT bench-vectors dev=%s kind=%s vectors=%d cycles=%d",
	       d->name, kind_names[kind], d->irqs.n, BENCH_REBINDS);
	if (hc && read_hypercalls(&h1)) {
		print_deltas("evtchn", h0.evtchn, h1.evtchn);
		print_deltas("physdev", h0.physdev, h1.physdev);
		print_deltas("evtchn_fail", h0.evtchn_fail, h1.evtchn_fail);
		print_deltas("physdev_fail", h0.physdev_fail, h1.physdev_fail);
		for (i = 0; i < d->irqs.n; i++)
			if (bench_msi_irq(d->irqs.irq[i], &m)) {
				vec_bytes += m.vec_bytes;
				dom_bytes = m.dom_bytes;
				levels = m.levels;
			}
		printf(" levels=%d vec_bytes=%ld dom_bytes=%ld", levels,
		       vec_bytes, dom_bytes);
	}
	printf("\n");
	result(d->irqs.n > 0, "bench-vectors", "%s: %d cycles, %d vectors of kind %s",
	       d->name, BENCH_REBINDS, d->irqs.n, kind_names[kind]);
}

/* ---- which ACPI processor object each CPU is bound to ---- */

/* The "apicid" /proc/cpuinfo gives CPU @cpu, or -1. */
static int cpuinfo_apicid(int cpu)
{
	char line[256];
	int cur = -1, apicid = -1;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "processor : %d", &cur) == 1)
			continue;
		if (cur == cpu && sscanf(line, "apicid : %d", &apicid) == 1)
			break;
	}
	fclose(f);
	return apicid;
}

/*
 * The ACPI ID of the processor object at sysfs ACPI device @fw: its _UID
 * (a Device of ACPI0007), or for a Processor () object, which sysfs does
 * not give the ID of, QEMU's name for it, C%03X of the ID. -1 if neither.
 */
static long acpi_processor_id(const char *fw)
{
	char path[PATH_MAX + 8], val[128], *end, *name;
	long id;

	snprintf(path, sizeof(path), "%s/uid", fw);
	if (!read_file(path, val, sizeof(val))) {
		id = strtol(val, &end, 0);
		if (end != val)
			return id;
	}
	snprintf(path, sizeof(path), "%s/path", fw);
	if (read_file(path, val, sizeof(val)))
		return -1;
	val[strcspn(val, "\n")] = '\0';
	name = strrchr(val, '.') ? strrchr(val, '.') + 1 : val;
	if (strlen(name) != 4 || name[0] != 'C')
		return -1;
	id = strtol(name + 1, &end, 16);
	return *end ? -1 : id;
}

/*
 * cpu-binding: each CPU must be bound to an ACPI processor object (its
 * firmware_node, see acpi_processor_id()). In dom0, CPU N
 * must have the object of Xen's physical CPU N, as the base tree's dom0,
 * which took its CPUs from the MADT in Xen's order, had: the ACPI
 * processor driver hands Xen the power data of the objects bound to dom0's
 * CPUs (xen-acpi-processor), and binds by APIC ID, so the APIC IDs dom0
 * registers decide which objects those are. Prints an "AGENT cpu" line a
 * CPU.
 */
static void check_cpu_binding(bool dom0)
{
	char path[128], fw[PATH_MAX], why[512] = "";
	int cpu, n = 0, bad = 0;

	for (cpu = 0; ; cpu++) {
		unsigned int apic = 0, acpi = 0;
		const char *name;
		int rc = -ENOENT;
		long id = -1;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
		if (access(path, F_OK))
			break;
		n++;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/firmware_node", cpu);
		if (realpath(path, fw))
			id = acpi_processor_id(fw);
		else
			snprintf(fw, sizeof(fw), "none");
		if (dom0)
			rc = xen_pcpu_info(cpu, &apic, &acpi, NULL);
		name = strrchr(fw, '/') ? strrchr(fw, '/') + 1 : fw;
		printf("AGENT cpu %d apicid=%d firmware=%s acpi_id=%ld", cpu,
		       cpuinfo_apicid(cpu), name, id);
		if (dom0 && !rc)
			printf(" xen-pcpu apic_id=%u acpi_id=%u", apic, acpi);
		else if (dom0)
			printf(" xen-pcpu %s", strerror(-rc));
		printf("\n");
		if (id < 0 || (dom0 && !rc && id != (long)acpi)) {
			bad++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "%scpu%d: bound to %s (ACPI ID %ld), want ",
				 bad > 1 ? "; " : "", cpu, name, id);
			if (dom0 && !rc)
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
					 "pCPU %d's, ACPI ID %u (APIC ID %u)", cpu, acpi, apic);
			else
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
					 "an ACPI processor");
		}
	}
	result(n > 0 && !bad, "cpu-binding", "%d CPUs%s%s", n,
	       bad ? ": " : dom0 ? ", each bound to the ACPI processor of Xen's pCPU of its number" :
	       ", each bound to an ACPI processor", why);
}

/*
 * agent.dsdt=TTY: copy the firmware's DSDT to /dev/TTY, raw, for
 * scripts/quirk-dsdt.sh to patch into the table that the firmware-quirk
 * scenarios boot with.
 */
static void dump_dsdt(const char *tty)
{
	static char table[256 << 10];
	int in, out = serial_open(tty);
	ssize_t n = -1;

	in = open("/sys/firmware/acpi/tables/DSDT", O_RDONLY | O_CLOEXEC);
	if (in >= 0) {
		ssize_t r = 0;

		/* sysfs gives a page per read. */
		for (n = 0; n < (ssize_t)sizeof(table); n += r) {
			r = read(in, table + n, sizeof(table) - n);
			if (r <= 0)
				break;
		}
		if (r < 0)
			n = -1;
	}
	if (out >= 0 && n > 0 && n < (ssize_t)sizeof(table) &&
	    write(out, table, n) == n && !tcdrain(out))
		result(true, "dsdt", "%zd bytes to /dev/%s", n, tty);
	else
		result(false, "dsdt", "DSDT to /dev/%s: %s", tty,
		       strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

/* agent --system-checks: the checks that need no device, then exit. */
static int system_checks(void)
{
	char kunit[512];
	const char *want_kunit;

	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	setvbuf(stdout, NULL, _IOLBF, 0);
	want_kunit = param("agent.kunit", kunit, sizeof(kunit));
	check_hypervisor();
	check_local_apic();
	if (is_dom0())
		xen_view();
	read_klog();
	check_kunit(want_kunit);
	check_log();
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	char expect[512] = "", kunit[512], buf[16];
	const char *want_kunit;
	int quirk_tty = -1;
	bool xen, found;
	size_t i;

	if (argc > 1 && !strcmp(argv[1], "--system-checks"))
		return system_checks();
	if (argc > 1 && !strcmp(argv[1], "--power-off"))
		goto power_off;
	setup();
	printf("AGENT start cmdline=%s\n", cmdline);
	if (!param("agent.expect", expect, sizeof(expect)))
		result(false, "agent-args", "no agent.expect= on the command line");
	xen = check_hypervisor();
	if (param("agent.pirq", kunit, sizeof(kunit))) {
		pirq_isa = !strcmp(kunit, "isa");
		pirq_pcifront = !strcmp(kunit, "pcifront");
		pirq_domain = pirq_isa || !strcmp(kunit, "domain");
		if (pirq_isa)
			gsi_chip = "xen-pirq";
	}
	if (param("agent.msi", kunit, sizeof(kunit))) {
		msi_domain = !strcmp(kunit, "domain");
	}
	want_kunit = param("agent.kunit", kunit, sizeof(kunit));

	if (param("agent.bench", expect, sizeof(expect))) {
		/* Nothing else runs: the figures are the point. */
		bench(atoi(expect));
		goto done;
	}

	if (param("agent.dsdt", expect, sizeof(expect))) {
		dump_dsdt(expect);
		goto done;
	}

	check_local_apic();

	if (param("agent.bypass", expect, sizeof(expect))) {
		char *what, *save;

		/* The oopses are the point: no device checks, no log scan. */
		for (what = strtok_r(expect, ":", &save); what;
		     what = strtok_r(NULL, ":", &save))
			bypass_test(what);
		goto done;
	}

	/*
	 * First, as a machine that slept would: resuming may give the
	 * devices' interrupts new IRQs (virtio frees and allocates its
	 * vectors again), so the devices are found afterwards.
	 */
	if (param("agent.suspend", buf, sizeof(buf)))
		suspend_test();

	/* Devices present, with their interrupts (legacy ones come later). */
	for (i = 0; i < NDEV; i++) {
		struct device *d = &devices[i];
		char name[64];

		if (!in_list(expect, d->name) || (d->action && !d->bus))
			continue;
		snprintf(name, sizeof(name), "%s-present", d->name);
		found = find_device(d);
		result(found, name, "%s irqs=%d",
		       d->sysfs[0] ? d->sysfs : "not found", d->irqs.n);
	}

	if (in_list(expect, "serial"))
		serial_workload("serial", xen, false);
	/* In use until Xen's view is read: dom0 and Xen must agree on it. */
	if (in_list(expect, "quirk-serial"))
		quirk_tty = serial_workload("quirk-serial", xen, true);
	for (i = 0; i < NDEV; i++) {
		struct device *d = &devices[i];

		if (!in_list(expect, d->name) || !d->disk || !d->irqs.n)
			continue;
		d->before = irqset_count(&d->irqs);
		disk_workload(d);
		check_irqs(d, xen);
	}
	if (in_list(expect, "nvme") && device("nvme")->irqs.n)
		nvme_hotplug_test(param("agent.managed", buf, sizeof(buf)));
	if (in_list(expect, "xhci") && device("xhci")->irqs.n)
		xhci_vectors_check(device("xhci"),
				   param("agent.multimsi", buf, sizeof(buf)));
	if (in_list(expect, "e1000") && in_list(expect, "virtio-net") &&
	    device("e1000")->irqs.n && device("virtio-net")->irqs.n)
		net_workload(xen, in_list(expect, "e1000e") &&
				  device("e1000e")->sysfs[0]);
	if (in_list(expect, "xen-vif") && device("xen-vif")->irqs.n)
		guest_net_workload();
	if (in_list(expect, "intx-pair"))
		intx_pair_workload(xen);
	if (in_list(expect, "pt-e1000e") && device("pt-e1000e")->sysfs[0])
		pt_net_workload();
	if (in_list(expect, "pt-intx"))
		pt_intx_workload();
	if (param("agent.rebind", buf, sizeof(buf))) {
		if (in_list(expect, "e1000"))
			rebind_test(device("e1000"), "e1000", atoi(buf));
		if (in_list(expect, "virtio-blk"))
			rebind_test(device("virtio-blk"), "virtio-pci", atoi(buf));
	}
	/* They cycle an IO-APIC GSI that no device uses. */
	if (xen && pirq_domain && !pirq_isa) {
		evtchn_block_test();
		pirq_cycle_test();
	}
	if (xen && msi_domain && in_list(expect, "e1000e") &&
	    device("e1000e")->sysfs[0])
		msi_cycle_test(device("e1000e"));
	if (in_list(expect, "i8042"))
		i8042_workload(xen);
	if (in_list(expect, "sci")) {
		struct device *d = device("sci");

		result(find_device(d), "sci-present", "action acpi");
		if (d->irqs.n)
			check_irqs(d, xen);
	}

	/*
	 * Where ACPI's namespace loaded (the SCI is its interrupt), natively
	 * and in dom0; not in a guest, whose firmware is Xen's or QEMU's own.
	 */
	if (in_list(expect, "sci") &&
	    (xen || !param("agent.hyp", buf, sizeof(buf)) || !strcmp(buf, "none")))
		check_cpu_binding(xen);
	if (xen && is_dom0())
		xen_view();
	if (quirk_tty >= 0)
		close(quirk_tty);

	read_klog();
	check_kunit(want_kunit);
	check_log();

done:
	printf("AGENT done %d %d\n", passed, failed);
	if (param("agent.hold", buf, sizeof(buf))) {
		while (hold(atoi(buf))) {
			pt_again(expect);
			printf("AGENT done %d %d\n", passed, failed);
		}
	}
	fflush(stdout);
power_off:
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
