/*
 * clusterUnixNet6.c --
 *
 *	The multicast socket of an IPv6 group (ff02::/16 link-local,
 *	ff05::/16 site-local, ff1x:: transient...). Unlike IPv4, IPv6 has
 *	no "system's choice" that all members of a host would agree on, and
 *	no multicast on loopback: the socket always joins, sends and
 *	listens on one interface, the one given with -interface or else
 *	the first (lowest index) that is up, carries multicast, is not the
 *	loopback and has an IPv6 address.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
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
#include <errno.h>
#include <string.h>
#include <unistd.h>

static int		CarriesMulticast(unsigned ifIndex);
static unsigned		DefaultInterface(void);
static unsigned		Candidate(unsigned only);
static int		SetOptions(int fd, const ClusterAddr *groupPtr,
			    unsigned ifIndex, int hops, int bound,
			    const char **whatPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterpMulticast6Open --
 *
 *	Open the socket of an IPv6 multicast group on one interface, for
 *	ClusterpMulticastOpen, which has checked the group and hop limit:
 *	shared with the other members of this machine, bound to the group
 *	and port (on Linux; elsewhere to the port), member of the group
 *	(IPV6_JOIN_GROUP), sending there (IPV6_MULTICAST_IF) with the hop
 *	limit given (IPV6_MULTICAST_HOPS: 0 never leaves the machine, as a
 *	TTL of 0 for IPv4) and hearing its own datagrams
 *	(IPV6_MULTICAST_LOOP). Bound to the interface's device, with
 *	IPV6_MULTICAST_ALL off, it hears only that interface.
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr.
 *
 * Side effects:
 *	Opens a socket and joins the group. On failure nothing is left
 *	open and *errPtr holds an error {CLUSTER SOCKET detail}:
 *	NO_INTERFACE (none given and none found),
 *	NO_MULTICAST (the one given can't carry it), CREATE, OPTION, BIND
 *	or MEMBERSHIP.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpMulticast6Open(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    const ClusterAddr *groupPtr,	/* IPv6 group address and port. */
    const ClusterAddr *ifPtr,	/* Interface (-interface), or NULL. */
    int hops,			/* Hop limit, 0-255 (checked). */
    int *fdPtr)			/* Where to put the descriptor. */
{
    char groupText[CLUSTER_ADDR_STRLEN];
    ClusterAddr iface, bindAddr;
    ClusterpSockaddr sa;
    socklen_t saLength;
    unsigned ifIndex;
    int fd, err, bound, on = 1;
    const char *what;

    ClusterpFormatAddress(groupPtr, groupText);
    ifIndex = (ifPtr != NULL) ? ifPtr->scope : DefaultInterface();
    if (ifIndex == 0) {
	return ClusterErrSet(errPtr, "SOCKET", "NO_INTERFACE",
		"can't join multicast group %s: no interface is up with"
		" multicast and an IPv6 address (loopback carries no IPv6"
		" multicast); give -interface, or use an IPv4 group",
		groupText);
    }
    if (!CarriesMulticast(ifIndex)) {
	char name[IF_NAMESIZE + 1];

	if (if_indextoname(ifIndex, name) == NULL) {
	    strcpy(name, "?");
	}
	return ClusterErrSet(errPtr, "SOCKET", "NO_MULTICAST",
		"can't join multicast group %s on interface %s: it is down,"
		" carries no multicast (as loopback) or has no IPv6 address;"
		" give another -interface", groupText, name);
    }
    memset(&iface, 0, sizeof(iface));
    iface.scope = ifIndex;
    fd = ClusterpMulticastSocket(errPtr, AF_INET6, &iface, &bound);
    if (fd < 0) {
	return TCL_ERROR;
    }

    /*
     * IPv6 only: where the socket is bound to the port alone, IPv4
     * datagrams to that port would come in too, as IPv4-mapped sources,
     * which ClusterpDatagramReceive takes as forged.
     */

    (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    bindAddr = *groupPtr;
    bindAddr.scope = ifIndex;
#ifndef __linux__
    memset(bindAddr.ip6, 0, sizeof(bindAddr.ip6));
    bindAddr.scope = 0;
#endif
    saLength = ClusterpToSockaddr(&bindAddr, &sa);
    if (bind(fd, &sa.sa, saLength) < 0) {
	err = errno;
	close(fd);
	return ClusterErrSet(errPtr, "SOCKET", "BIND",
		"can't bind multicast socket to [%s]:%u: %s", groupText,
		(unsigned) ntohs(groupPtr->port), Tcl_ErrnoMsg(err));
    }
    if (SetOptions(fd, groupPtr, ifIndex, hops, bound, &what) != 0) {
	char name[IF_NAMESIZE + 1];

	err = errno;
	close(fd);
	if (if_indextoname(ifIndex, name) == NULL) {
	    strcpy(name, "?");
	}
	if (strcmp(what, "IPV6_JOIN_GROUP") == 0) {
	    return ClusterErrSet(errPtr, "SOCKET", "MEMBERSHIP",
		    "can't join multicast group %s on interface %s: %s",
		    groupText, name, Tcl_ErrnoMsg(err));
	}
	return ClusterErrSet(errPtr, "SOCKET", "OPTION",
		"can't set %s on multicast socket for %s on %s: %s", what,
		groupText, name, Tcl_ErrnoMsg(err));
    }
    *fdPtr = fd;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * SetOptions --
 *
 *	Join a bound IPv6 multicast socket to its group on an interface and
 *	set how it sends.
 *
 * Results:
 *	0, or -1 with errno set and *whatPtr naming the option that
 *	failed.
 *
 * Side effects:
 *	Group membership and socket options.
 *
 *----------------------------------------------------------------------
 */

static int
SetOptions(
    int fd,			/* The bound socket. */
    const ClusterAddr *groupPtr,	/* The group. */
    unsigned ifIndex,		/* The interface. */
    int hops,			/* Hop limit. */
    int bound,			/* Bound to the interface's device. */
    const char **whatPtr)	/* Out: the option that failed. */
{
    struct ipv6_mreq mreq;
    int on = 1, off = 0;

    memset(&mreq, 0, sizeof(mreq));
    memcpy(mreq.ipv6mr_multiaddr.s6_addr, groupPtr->ip6, 16);
    mreq.ipv6mr_interface = ifIndex;
    *whatPtr = "IPV6_JOIN_GROUP";
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq,
	    sizeof(mreq)) < 0) {
	return -1;
    }
#ifdef IPV6_MULTICAST_ALL
    *whatPtr = "IPV6_MULTICAST_ALL";
    if (bound && setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &off,
	    sizeof(off)) < 0) {
	return -1;
    }
#else
    (void) bound;
    (void) off;
#endif
    *whatPtr = "IPV6_MULTICAST_IF";
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifIndex,
	    sizeof(ifIndex)) < 0) {
	return -1;
    }
    *whatPtr = "IPV6_MULTICAST_LOOP";
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &on,
	    sizeof(on)) < 0) {
	return -1;
    }
    *whatPtr = "IPV6_MULTICAST_HOPS";
    return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops));
}

/*
 *----------------------------------------------------------------------
 *
 * CarriesMulticast, DefaultInterface --
 *
 *	Whether an interface can carry IPv6 multicast: it is up, carries
 *	multicast, is not the loopback (Linux joins groups there but
 *	sends nothing) and has an IPv6 address. The interface of an IPv6
 *	group when none is given: the one with the lowest index that can,
 *	which every member of the host finds alike.
 *
 * Results:
 *	CarriesMulticast: 1 or 0. DefaultInterface: the index, or 0 when
 *	no interface can.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
CarriesMulticast(
    unsigned ifIndex)		/* The interface. */
{
    return ifIndex != 0 && Candidate(ifIndex) == ifIndex;
}

static unsigned
DefaultInterface(void)
{
    return Candidate(0);
}

static unsigned
Candidate(
    unsigned only)		/* The one interface to consider, or 0 for
				 * all. */
{
    struct ifaddrs *list, *ifa;
    unsigned best = 0, index;

    if (getifaddrs(&list) != 0) {
	return 0;
    }
    for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
	if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET6
		|| ifa->ifa_name == NULL || !(ifa->ifa_flags & IFF_UP)
		|| !(ifa->ifa_flags & IFF_MULTICAST)
		|| (ifa->ifa_flags & IFF_LOOPBACK)) {
	    continue;
	}
	index = if_nametoindex(ifa->ifa_name);
	if (index != 0 && (only == 0 || index == only)
		&& (best == 0 || index < best)) {
	    best = index;
	}
    }
    freeifaddrs(list);
    return best;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
