/*
 * clusterUnixHost.c --
 *
 *	The host's identities and addresses on Unix: random bytes, the host
 *	id (a MAC address every member on one machine agrees on). The
 *	addresses of the local interfaces are in clusterUnixAddr.c. The
 *	host id choice is shared with macOS, which supplies only the
 *	gathering of link-layer addresses (macosx/clusterMacHost.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

/*
 * On Linux, ask for the GNU and BSD interfaces (getifaddrs, IFF_UP) even when
 * the compiler is in a strict standard mode. Must precede every include.
 */

#if defined(__linux__) && !defined(_GNU_SOURCE)
#   define _GNU_SOURCE 1
#endif

#include "clusterUnixPort.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <ifaddrs.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#ifdef __linux__
#   include <linux/if_packet.h>
#endif

#ifndef O_CLOEXEC
#   define O_CLOEXEC 0
#endif

/*
 * Where the last resort of the host id comes from.
 */

#define MACHINE_ID_FILE "/etc/machine-id"

/*
 * Prefixes of interface names that are virtual devices: never chosen by
 * the "first up interface" rule, whatever their address.
 */

static const char *const virtualPrefixes[] = {
    "ifb", "veth", "docker", "br-", "virbr", NULL
};

/*
 * The state of the host id choice while the interfaces go by.
 */

typedef struct HostIdChoice {
    const char *routeName;	/* Interface of the default route, or
				 * NULL. */
    int haveEth0;		/* eth0 seen with a MAC. */
    unsigned char eth0[CLUSTERP_MAC_LENGTH];
				/* Its MAC. */
    int haveRoute;		/* Default route's interface seen with a
				 * non-zero MAC. */
    unsigned char route[CLUSTERP_MAC_LENGTH];
				/* Its MAC. */
    int haveFirst;		/* A candidate for the name-order rule. */
    char firstName[CLUSTERP_IFNAME_LENGTH];
				/* Its name, the least so far. */
    unsigned char first[CLUSTERP_MAC_LENGTH];
				/* Its MAC. */
} HostIdChoice;

/*
 * Static functions in this file.
 */

static void		ConsiderLinkProc(void *clientData,
			    const ClusterpLink *linkPtr);
static void		FormatMac(const unsigned char *mac,
			    char hid[CLUSTER_HID_STRLEN]);
static int		IsVirtualName(const char *name);
static int		IsZeroMac(const unsigned char *mac);
static int		MachineIdMac(unsigned char *mac);

/*
 *----------------------------------------------------------------------
 *
 * ClusterpRandomBytes --
 *
 *	Fill a buffer with unpredictable bytes, from libsodium
 *	(randombytes_buf: getrandom() on Linux, arc4random_buf() on macOS
 *	and the BSDs). Every layer draws its random bytes here.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

void
ClusterpRandomBytes(
    void *bytes,		/* Where to put the bytes. */
    size_t length)		/* How many bytes are wanted. */
{
    randombytes_buf(bytes, length);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpHostId --
 *
 *	Choose the host id, in the order of doc/protocol.md section 1.5: eth0's MAC when eth0
 *	exists (as the old package read it); else the MAC of the interface
 *	that carries the default IPv4 route; else the MAC of the first up,
 *	non-loopback, non-virtual interface in name order with a non-zero
 *	MAC; else 6 bytes of /etc/machine-id made into a locally
 *	administered unicast MAC.
 *
 * Results:
 *	0 with hid holding "aa:bb:cc:dd:ee:ff" in lower case; -1 when none
 *	of the sources exists.
 *
 * Side effects:
 *	Reads the interface list, the routing table and perhaps
 *	/etc/machine-id.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpHostId(
    char hid[CLUSTER_HID_STRLEN])	/* Where to put the host id. */
{
    HostIdChoice choice;
    char routeName[CLUSTERP_IFNAME_LENGTH];
    unsigned char mac[CLUSTERP_MAC_LENGTH];

    memset(&choice, 0, sizeof(choice));
    if (ClusterpDefaultRouteLink(routeName, sizeof(routeName)) == 0) {
	choice.routeName = routeName;
    }
    if (ClusterpForEachLink(ConsiderLinkProc, &choice) == 0) {
	if (choice.haveEth0) {
	    FormatMac(choice.eth0, hid);
	    return 0;
	}
	if (choice.haveRoute) {
	    FormatMac(choice.route, hid);
	    return 0;
	}
	if (choice.haveFirst) {
	    FormatMac(choice.first, hid);
	    return 0;
	}
    }
    if (MachineIdMac(mac) == 0) {
	FormatMac(mac, hid);
	return 0;
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * ConsiderLinkProc --
 *
 *	Weigh one interface for each rule of the host id choice.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Updates the HostIdChoice.
 *
 *----------------------------------------------------------------------
 */

static void
ConsiderLinkProc(
    void *clientData,		/* The HostIdChoice. */
    const ClusterpLink *linkPtr)	/* The interface. */
{
    HostIdChoice *choicePtr = (HostIdChoice *) clientData;

    if (!(linkPtr->flags & CLUSTERP_LINK_HAS_MAC)) {
	return;
    }
    if (strcmp(linkPtr->name, "eth0") == 0) {
	/*
	 * Whatever its state and address: the old package read it blindly.
	 */

	choicePtr->haveEth0 = 1;
	memcpy(choicePtr->eth0, linkPtr->mac, CLUSTERP_MAC_LENGTH);
    }
    if (IsZeroMac(linkPtr->mac)) {
	return;
    }
    if (choicePtr->routeName != NULL
	    && strcmp(linkPtr->name, choicePtr->routeName) == 0) {
	choicePtr->haveRoute = 1;
	memcpy(choicePtr->route, linkPtr->mac, CLUSTERP_MAC_LENGTH);
    }
    if ((linkPtr->flags & CLUSTERP_LINK_UP)
	    && !(linkPtr->flags & CLUSTERP_LINK_LOOPBACK)
	    && !IsVirtualName(linkPtr->name)
	    && (!choicePtr->haveFirst
		|| strcmp(linkPtr->name, choicePtr->firstName) < 0)) {
	choicePtr->haveFirst = 1;
	memcpy(choicePtr->firstName, linkPtr->name,
		sizeof(choicePtr->firstName));
	memcpy(choicePtr->first, linkPtr->mac, CLUSTERP_MAC_LENGTH);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * IsVirtualName, IsZeroMac --
 *
 *	Tests of the "first up interface" rule: a virtual device's name;
 *	an all-zero address.
 *
 * Results:
 *	1 if so, 0 if not.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
IsVirtualName(
    const char *name)		/* Interface name. */
{
    int i;

    for (i = 0; virtualPrefixes[i] != NULL; i++) {
	if (strncmp(name, virtualPrefixes[i],
		strlen(virtualPrefixes[i])) == 0) {
	    return 1;
	}
    }
    return 0;
}

static int
IsZeroMac(
    const unsigned char *mac)	/* Six bytes. */
{
    int i;

    for (i = 0; i < CLUSTERP_MAC_LENGTH; i++) {
	if (mac[i] != 0) {
	    return 0;
	}
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * MachineIdMac --
 *
 *	Derive a stable MAC from /etc/machine-id: its first 12 hex digits,
 *	with the locally-administered bit set and the multicast bit clear.
 *
 * Results:
 *	0 with the six bytes in mac, -1 when the file is missing or not
 *	hex.
 *
 * Side effects:
 *	Reads the file.
 *
 *----------------------------------------------------------------------
 */

static int
MachineIdMac(
    unsigned char *mac)		/* Six bytes to fill. */
{
    char text[2 * CLUSTERP_MAC_LENGTH + 1];
    ssize_t got;
    int fd, i;

    do {
	fd = open(MACHINE_ID_FILE, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
	return -1;
    }
    do {
	got = read(fd, text, 2 * CLUSTERP_MAC_LENGTH);
    } while (got < 0 && errno == EINTR);
    close(fd);
    if (got != 2 * CLUSTERP_MAC_LENGTH) {
	return -1;
    }
    text[got] = '\0';
    for (i = 0; i < CLUSTERP_MAC_LENGTH; i++) {
	char pair[3];

	pair[0] = text[2 * i];
	pair[1] = text[2 * i + 1];
	pair[2] = '\0';
	if (!isxdigit((unsigned char) pair[0])
		|| !isxdigit((unsigned char) pair[1])) {
	    return -1;
	}
	mac[i] = (unsigned char) strtoul(pair, NULL, 16);
    }
    mac[0] = (unsigned char) ((mac[0] | 0x02) & ~0x01);
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * FormatMac --
 *
 *	Write six bytes as "aa:bb:cc:dd:ee:ff".
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills hid.
 *
 *----------------------------------------------------------------------
 */

static void
FormatMac(
    const unsigned char *mac,	/* Six bytes. */
    char hid[CLUSTER_HID_STRLEN])	/* Where to write. */
{
    snprintf(hid, CLUSTER_HID_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

#ifdef __linux__
/*
 *----------------------------------------------------------------------
 *
 * ClusterpForEachLink --
 *
 *	Call proc for every network interface with its name, flags and
 *	link-layer address (Linux: the AF_PACKET entries of getifaddrs).
 *
 * Results:
 *	0, or -1 (errno set) if the interfaces can't be listed.
 *
 * Side effects:
 *	Whatever proc does.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpForEachLink(
    ClusterpLinkProc *proc,	/* Called for each interface. */
    void *clientData)		/* Passed to proc. */
{
    struct ifaddrs *list, *ifa;

    if (getifaddrs(&list) != 0) {
	return -1;
    }
    for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
	const struct sockaddr_ll *llPtr;
	ClusterpLink link;

	if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_PACKET
		|| ifa->ifa_name == NULL) {
	    continue;
	}
	llPtr = (const struct sockaddr_ll *) ifa->ifa_addr;
	memset(&link, 0, sizeof(link));
	snprintf(link.name, sizeof(link.name), "%s", ifa->ifa_name);
	if (ifa->ifa_flags & IFF_UP) {
	    link.flags |= CLUSTERP_LINK_UP;
	}
	if (ifa->ifa_flags & IFF_LOOPBACK) {
	    link.flags |= CLUSTERP_LINK_LOOPBACK;
	}
	if (llPtr->sll_halen == CLUSTERP_MAC_LENGTH) {
	    link.flags |= CLUSTERP_LINK_HAS_MAC;
	    memcpy(link.mac, llPtr->sll_addr, CLUSTERP_MAC_LENGTH);
	}
	proc(clientData, &link);
    }
    freeifaddrs(list);
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpDefaultRouteLink --
 *
 *	Find the interface that carries the default IPv4 route, from
 *	/proc/net/route: destination and mask 00000000, route up; the one
 *	with the lowest metric wins, the first listed on a tie.
 *
 * Results:
 *	0 with the interface name in name, -1 when there is no default
 *	route.
 *
 * Side effects:
 *	Reads /proc/net/route.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpDefaultRouteLink(
    char *name,			/* Where to put the interface name. */
    size_t size)		/* Room in name. */
{
    FILE *f;
    char line[256];
    long bestMetric = LONG_MAX;
    int found = 0;

    f = fopen("/proc/net/route", "re");
    if (f == NULL) {
	return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
	char iface[CLUSTERP_IFNAME_LENGTH];
	unsigned long dest, gateway, mask;
	unsigned int flags;
	long metric;

	if (sscanf(line, "%63s %lx %lx %x %*d %*d %ld %lx", iface, &dest,
		&gateway, &flags, &metric, &mask) != 6) {
	    continue;			/* The header line. */
	}
	if (dest != 0 || mask != 0 || !(flags & 0x1 /* RTF_UP */)) {
	    continue;
	}
	if (!found || metric < bestMetric) {
	    found = 1;
	    bestMetric = metric;
	    snprintf(name, size, "%s", iface);
	}
    }
    fclose(f);
    return found ? 0 : -1;
}

#elif !defined(__APPLE__)
/*
 * Other Unix systems: no link-layer addresses are known, so the host id
 * comes from /etc/machine-id.
 */

int
ClusterpForEachLink(
    ClusterpLinkProc *proc,	/* Called for each interface. */
    void *clientData)		/* Passed to proc. */
{
    (void) proc;
    (void) clientData;
    errno = ENOSYS;
    return -1;
}

int
ClusterpDefaultRouteLink(
    char *name,			/* Where to put the interface name. */
    size_t size)		/* Room in name. */
{
    (void) name;
    (void) size;
    return -1;
}
#endif /* __linux__ */

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
