/*
 * clusterUnixAddr.c --
 *
 *	Addresses on Unix: those of the local interfaces (IPv4 and IPv6,
 *	with their subnets), the interface a user names, text conversion
 *	of either family, and conversion to and from socket addresses.
 *	IPv4-mapped IPv6 addresses, as a dual-stack socket reports them,
 *	become the IPv4 address they map.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

/*
 * On Linux, ask for the GNU and BSD interfaces (getifaddrs) even when the
 * compiler is in a strict standard mode. Must precede every include.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int		PrefixLength(const struct sockaddr *maskPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterpFromSockaddr, ClusterpToSockaddr --
 *
 *	Convert a socket address to ours and back. An IPv4-mapped IPv6
 *	address becomes plain IPv4; the scope of an IPv6 address is kept
 *	only when it is link-local (fe80::/10) or multicast.
 *
 * Results:
 *	ClusterpFromSockaddr: 0, or -1 for a family that is not inet (the
 *	address is then all zeros). ClusterpToSockaddr: the length of the
 *	socket address.
 *
 * Side effects:
 *	Fills *addrPtr or *saPtr.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpFromSockaddr(
    const struct sockaddr *saPtr,	/* Socket address. */
    ClusterAddr *addrPtr)	/* Where to put ours. */
{
    memset(addrPtr, 0, sizeof(ClusterAddr));
    if (saPtr->sa_family == AF_INET) {
	const struct sockaddr_in *sinPtr = (const struct sockaddr_in *) saPtr;

	addrPtr->ip = sinPtr->sin_addr.s_addr;
	addrPtr->port = sinPtr->sin_port;
	return 0;
    }
    if (saPtr->sa_family == AF_INET6) {
	const struct sockaddr_in6 *s6Ptr =
		(const struct sockaddr_in6 *) saPtr;
	const unsigned char *b = s6Ptr->sin6_addr.s6_addr;

	addrPtr->port = s6Ptr->sin6_port;
	if (IN6_IS_ADDR_V4MAPPED(&s6Ptr->sin6_addr)) {
	    memcpy(&addrPtr->ip, b + 12, 4);
	    return 0;
	}
	addrPtr->v6 = 1;
	memcpy(addrPtr->ip6, b, 16);
	if ((b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff) {
	    addrPtr->scope = s6Ptr->sin6_scope_id;
	}
	return 0;
    }
    return -1;
}

socklen_t
ClusterpToSockaddr(
    const ClusterAddr *addrPtr,	/* Our address. */
    ClusterpSockaddr *saPtr)	/* Where to put the socket address. */
{
    memset(saPtr, 0, sizeof(ClusterpSockaddr));
    if (addrPtr->v6) {
	saPtr->sin6.sin6_family = AF_INET6;
	saPtr->sin6.sin6_port = addrPtr->port;
	memcpy(saPtr->sin6.sin6_addr.s6_addr, addrPtr->ip6, 16);
	saPtr->sin6.sin6_scope_id = addrPtr->scope;
	return (socklen_t) sizeof(struct sockaddr_in6);
    }
    saPtr->sin.sin_family = AF_INET;
    saPtr->sin.sin_port = addrPtr->port;
    saPtr->sin.sin_addr.s_addr = addrPtr->ip;
    return (socklen_t) sizeof(struct sockaddr_in);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpLocalAddresses --
 *
 *	List the addresses of the local interfaces, loopback included,
 *	with their subnets: the IPv4 ones first, then the IPv6 ones.
 *
 * Results:
 *	The number of addresses the interfaces have, of which the first
 *	maxAddrs at most are stored (the caller gives more room when it is
 *	larger), or -1 (errno set) if the interfaces can't be listed.
 *
 * Side effects:
 *	Fills addrs.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpLocalAddresses(
    ClusterIfAddr *addrs,	/* Where to put the addresses. */
    int maxAddrs)		/* Room in addrs. */
{
    struct ifaddrs *list, *ifa;
    int count = 0, pass;

    if (getifaddrs(&list) != 0) {
	return -1;
    }
    for (pass = 0; pass < 2; pass++) {
	int family = pass ? AF_INET6 : AF_INET;

	for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
	    const struct sockaddr *maskPtr = ifa->ifa_netmask;
	    ClusterIfAddr spare;
	    ClusterIfAddr *outPtr = (count < maxAddrs) ? &addrs[count]
		    : &spare;

	    if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != family
		    || ClusterpFromSockaddr(ifa->ifa_addr, &outPtr->addr)
		    != 0) {
		continue;
	    }
	    outPtr->addr.port = 0;
	    outPtr->netmask = htonl(0xFFFFFFFFu);
	    outPtr->prefix = 128;
	    if (maskPtr != NULL && maskPtr->sa_family == AF_INET) {
		outPtr->netmask = ((const struct sockaddr_in *) maskPtr)
			->sin_addr.s_addr;
	    } else if (maskPtr != NULL && maskPtr->sa_family == AF_INET6) {
		outPtr->prefix = PrefixLength(maskPtr);
	    }
	    count++;
	}
    }
    freeifaddrs(list);
    return count;
}

static int
PrefixLength(
    const struct sockaddr *maskPtr)	/* An IPv6 netmask. */
{
    const unsigned char *b =
	    ((const struct sockaddr_in6 *) maskPtr)->sin6_addr.s6_addr;
    int bits = 0, i;

    for (i = 0; i < 16 && b[i] == 0xff; i++) {
	bits += 8;
    }
    if (i < 16) {
	unsigned char rest = b[i];

	while (rest & 0x80) {
	    bits++;
	    rest = (unsigned char) (rest << 1);
	}
    }
    return bits;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpInterfaceAddress --
 *
 *	Resolve an interface given by the user: an address (IPv4 or IPv6)
 *	must be one of a local interface; anything else is an interface
 *	name ("eth0", "lo"). No name lookup is ever done. The result holds
 *	the interface's index in scope, its first IPv4 address in ip (0
 *	when it has none) and an IPv6 address of it in ip6 (the one given,
 *	else its first; zeros when it has none). v6 stays 0: it names an
 *	interface, for a group of either family.
 *
 * Results:
 *	0 with *addrPtr filled; -1 with errno EADDRNOTAVAIL (no such local
 *	address, or the interface has no address of either family), ENODEV
 *	(no such interface) or the error of getifaddrs.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpInterfaceAddress(
    const char *nameOrAddress,	/* Address or interface name. */
    ClusterAddr *addrPtr)	/* Where to put the interface. */
{
    struct ifaddrs *list, *ifa;
    ClusterAddr wanted, one;
    const char *name = nameOrAddress;
    int isAddress, nameSeen = 0, have4 = 0, have6 = 0;

    isAddress = (ClusterpParseAddress(nameOrAddress, &wanted) == 0);
    if (getifaddrs(&list) != 0) {
	return -1;
    }
    if (isAddress) {
	name = NULL;
	for (ifa = list; ifa != NULL && name == NULL; ifa = ifa->ifa_next) {
	    if (ifa->ifa_addr != NULL && ifa->ifa_name != NULL
		    && ClusterpFromSockaddr(ifa->ifa_addr, &one) == 0
		    && ClusterAddrSameIp(&one, &wanted)) {
		name = ifa->ifa_name;
	    }
	}
    }
    memset(addrPtr, 0, sizeof(ClusterAddr));
    for (ifa = list; ifa != NULL && name != NULL; ifa = ifa->ifa_next) {
	if (ifa->ifa_name == NULL || strcmp(ifa->ifa_name, name) != 0) {
	    continue;
	}
	nameSeen = 1;
	if (ifa->ifa_addr == NULL
		|| ClusterpFromSockaddr(ifa->ifa_addr, &one) != 0) {
	    continue;
	}
	if (!one.v6 && !have4 && (!isAddress || wanted.v6
		|| one.ip == wanted.ip)) {
	    addrPtr->ip = one.ip;
	    have4 = 1;
	} else if (one.v6 && (!have6 || (isAddress
		&& ClusterAddrSameIp(&one, &wanted)))) {
	    memcpy(addrPtr->ip6, one.ip6, 16);
	    have6 = 1;
	}
    }
    if (have4 || have6) {
	addrPtr->scope = if_nametoindex(name);
    }
    freeifaddrs(list);
    if (addrPtr->scope == 0) {
	errno = (isAddress || nameSeen) ? EADDRNOTAVAIL : ENODEV;
	return -1;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpParseAddress --
 *
 *	Parse a numeric address: IPv4 ("127.0.0.1") or IPv6 ("ff02::1",
 *	"fe80::1%eth0", the scope an interface name or index). Host names
 *	are refused: nothing here may block on a lookup.
 *
 * Results:
 *	0 with the address in *addrPtr (port 0), or -1 with errno EINVAL
 *	(ENODEV for a scope that names no interface).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpParseAddress(
    const char *text,		/* The address. */
    ClusterAddr *addrPtr)	/* Where to put the address. */
{
    char buffer[CLUSTER_ADDR_STRLEN];
    struct in_addr in;
    struct in6_addr in6;
    char *scope;
    ClusterpSockaddr sa;

    if (text == NULL || strlen(text) >= sizeof(buffer)) {
	errno = EINVAL;
	return -1;
    }
    if (inet_pton(AF_INET, text, &in) == 1) {
	memset(addrPtr, 0, sizeof(ClusterAddr));
	addrPtr->ip = in.s_addr;
	return 0;
    }
    strcpy(buffer, text);
    scope = strchr(buffer, '%');
    if (scope != NULL) {
	*scope++ = '\0';
    }
    if (inet_pton(AF_INET6, buffer, &in6) != 1) {
	errno = EINVAL;
	return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sin6.sin6_family = AF_INET6;
    sa.sin6.sin6_addr = in6;
    if (scope != NULL) {
	char *end;
	unsigned long index = strtoul(scope, &end, 10);

	sa.sin6.sin6_scope_id = (*scope != '\0' && *end == '\0')
		? (uint32_t) index : if_nametoindex(scope);
	if (sa.sin6.sin6_scope_id == 0) {
	    errno = ENODEV;
	    return -1;
	}
    }
    return ClusterpFromSockaddr(&sa.sa, addrPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpFormatAddress --
 *
 *	Write an address as text (the port is not written): a dotted quad,
 *	or an IPv6 address followed, when it has a scope, by "%" and the
 *	name (else the index) of its interface.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills buffer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterpFormatAddress(
    const ClusterAddr *addrPtr,	/* Address to write. */
    char buffer[CLUSTER_ADDR_STRLEN])	/* Where to write it. */
{
    char name[IF_NAMESIZE + 1];
    size_t length;

    if (!addrPtr->v6) {
	const unsigned char *b = (const unsigned char *) &addrPtr->ip;

	snprintf(buffer, CLUSTER_ADDR_STRLEN, "%u.%u.%u.%u",
		b[0], b[1], b[2], b[3]);
	return;
    }
    if (inet_ntop(AF_INET6, addrPtr->ip6, buffer, CLUSTER_ADDR_STRLEN)
	    == NULL) {
	strcpy(buffer, "::");
    }
    if (addrPtr->scope == 0) {
	return;
    }
    length = strlen(buffer);
    if (if_indextoname(addrPtr->scope, name) != NULL) {
	snprintf(buffer + length, CLUSTER_ADDR_STRLEN - length, "%%%s", name);
    } else {
	snprintf(buffer + length, CLUSTER_ADDR_STRLEN - length, "%%%u",
		(unsigned) addrPtr->scope);
    }
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
