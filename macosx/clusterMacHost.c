/*
 * clusterMacHost.c --
 *
 *	What the host id choice of unix/clusterUnixHost.c needs on macOS:
 *	the interfaces with their link-layer addresses (the AF_LINK entries
 *	of getifaddrs) and the interface of the default IPv4 route (the
 *	routing table, read through sysctl). Everything else of the
 *	platform layer is shared with the other Unix systems.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterUnixPort.h"

#ifdef __APPLE__

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * The routing table may grow between sizing and reading it: try again a
 * few times.
 */

#define ROUTE_DUMP_TRIES 4

/*
 * Socket addresses in a routing message are padded to 32 bits; an empty
 * one still takes 32 bits.
 */

#define ROUTE_SA_SIZE(saPtr) \
    (((saPtr)->sa_len > 0) \
	? (1 + (((size_t) (saPtr)->sa_len - 1) | (sizeof(uint32_t) - 1))) \
	: sizeof(uint32_t))

/*
 * Static functions in this file.
 */

static int		IsZeroInetAddress(const struct sockaddr *saPtr,
			    int isMask);

/*
 *----------------------------------------------------------------------
 *
 * ClusterpForEachLink --
 *
 *	Call proc for every network interface with its name, flags and
 *	link-layer address (the AF_LINK entries of getifaddrs).
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
	const struct sockaddr_dl *dlPtr;
	ClusterpLink link;

	if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_LINK
		|| ifa->ifa_name == NULL) {
	    continue;
	}
	dlPtr = (const struct sockaddr_dl *) ifa->ifa_addr;
	memset(&link, 0, sizeof(link));
	snprintf(link.name, sizeof(link.name), "%s", ifa->ifa_name);
	if (ifa->ifa_flags & IFF_UP) {
	    link.flags |= CLUSTERP_LINK_UP;
	}
	if (ifa->ifa_flags & IFF_LOOPBACK) {
	    link.flags |= CLUSTERP_LINK_LOOPBACK;
	}
	if (dlPtr->sdl_alen == CLUSTERP_MAC_LENGTH) {
	    link.flags |= CLUSTERP_LINK_HAS_MAC;
	    memcpy(link.mac, LLADDR(dlPtr), CLUSTERP_MAC_LENGTH);
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
 *	Find the interface that carries the default IPv4 route: the first
 *	gateway route of the routing table whose destination is 0.0.0.0
 *	with an empty netmask.
 *
 * Results:
 *	0 with the interface name in name, -1 when there is no default
 *	route or the table can't be read.
 *
 * Side effects:
 *	Allocates and frees a copy of the routing table.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpDefaultRouteLink(
    char *name,			/* Where to put the interface name. */
    size_t size)		/* Room in name. */
{
    int mib[6] = {
	CTL_NET, PF_ROUTE, 0, AF_INET, NET_RT_FLAGS, RTF_GATEWAY
    };
    char ifName[IF_NAMESIZE];
    char *table = NULL, *p, *end;
    size_t length = 0;
    int tries, found = 0;

    for (tries = 0; tries < ROUTE_DUMP_TRIES; tries++) {
	if (sysctl(mib, 6, NULL, &length, NULL, 0) < 0 || length == 0) {
	    return -1;
	}
	length += length / 8;		/* Room to grow. */
	table = attemptckalloc(length);
	if (table == NULL) {
	    return -1;
	}
	if (sysctl(mib, 6, table, &length, NULL, 0) == 0) {
	    break;
	}
	ckfree(table);
	table = NULL;
	if (errno != ENOMEM) {
	    return -1;
	}
    }
    if (table == NULL) {
	return -1;
    }
    end = table + length;
    for (p = table; p + sizeof(struct rt_msghdr) <= end && !found; ) {
	const struct rt_msghdr *rtm = (const struct rt_msghdr *) p;
	const struct sockaddr *saPtr, *dstPtr = NULL, *maskPtr = NULL;
	const char *sp;
	int i;

	if (rtm->rtm_msglen == 0 || p + rtm->rtm_msglen > end) {
	    break;
	}
	if (rtm->rtm_version != RTM_VERSION) {
	    p += rtm->rtm_msglen;
	    continue;
	}
	sp = p + sizeof(struct rt_msghdr);
	for (i = 0; i < RTAX_MAX; i++) {
	    if (!(rtm->rtm_addrs & (1 << i))) {
		continue;
	    }
	    saPtr = (const struct sockaddr *) sp;
	    if (sp + sizeof(uint32_t) > p + rtm->rtm_msglen
		    || sp + ROUTE_SA_SIZE(saPtr) > p + rtm->rtm_msglen) {
		break;
	    }
	    if (i == RTAX_DST) {
		dstPtr = saPtr;
	    } else if (i == RTAX_NETMASK) {
		maskPtr = saPtr;
	    }
	    sp += ROUTE_SA_SIZE(saPtr);
	}
	if ((rtm->rtm_flags & RTF_UP) && dstPtr != NULL
		&& IsZeroInetAddress(dstPtr, 0)
		&& (maskPtr == NULL || IsZeroInetAddress(maskPtr, 1))
		&& if_indextoname(rtm->rtm_index, ifName) != NULL) {
	    snprintf(name, size, "%s", ifName);
	    found = 1;
	}
	p += rtm->rtm_msglen;
    }
    ckfree(table);
    return found ? 0 : -1;
}

/*
 *----------------------------------------------------------------------
 *
 * IsZeroInetAddress --
 *
 *	Whether a socket address of a routing message is the IPv4 address
 *	0.0.0.0 (a destination) or an empty mask. The kernel cuts such
 *	addresses short, down to an sa_len of 0: every address byte that is
 *	present must be zero. A mask's family means nothing and is not
 *	checked.
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
IsZeroInetAddress(
    const struct sockaddr *saPtr,	/* Address in a routing message. */
    int isMask)			/* Non-zero for a netmask. */
{
    const unsigned char *bytes = (const unsigned char *) saPtr;
    size_t k, length = saPtr->sa_len;

    if (length > sizeof(struct sockaddr_in)) {
	length = sizeof(struct sockaddr_in);
    }
    if (!isMask && length > offsetof(struct sockaddr, sa_family)
	    && saPtr->sa_family != AF_INET && saPtr->sa_family != AF_UNSPEC) {
	return 0;
    }
    for (k = offsetof(struct sockaddr_in, sin_addr);
	    k < length && k < offsetof(struct sockaddr_in, sin_zero); k++) {
	if (bytes[k] != 0) {
	    return 0;
	}
    }
    return 1;
}

#endif /* __APPLE__ */

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
