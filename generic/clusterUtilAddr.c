/*
 * clusterUtilAddr.c --
 *
 *	Comparing addresses of either family (ClusterAddr, clusterPort.h),
 *	for every layer: whether one is set, whether two are the same
 *	host, whether one is a loopback address or lies in an interface's
 *	subnet, and a hash of one. Nothing here reads the system.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterPort.h"
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddrIsSet --
 *
 *	Whether an address is one (not 0.0.0.0, ::, or nothing).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAddrIsSet(
    const ClusterAddr *addrPtr)	/* Address to test. */
{
    static const unsigned char zero[16];

    if (addrPtr->v6) {
	return memcmp(addrPtr->ip6, zero, sizeof(zero)) != 0;
    }
    return addrPtr->ip != 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddrSameIp --
 *
 *	Whether two addresses name the same host address: same family and
 *	bytes, and for IPv6 the same scope when both have one. Ports are
 *	not compared.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAddrSameIp(
    const ClusterAddr *aPtr,	/* One address. */
    const ClusterAddr *bPtr)	/* The other. */
{
    if (aPtr->v6 != bPtr->v6) {
	return 0;
    }
    if (!aPtr->v6) {
	return aPtr->ip == bPtr->ip;
    }
    return memcmp(aPtr->ip6, bPtr->ip6, sizeof(aPtr->ip6)) == 0
	    && (aPtr->scope == 0 || bPtr->scope == 0
		|| aPtr->scope == bPtr->scope);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddrIsLoopback --
 *
 *	Whether an address is a loopback address: 127.0.0.0/8 or ::1.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAddrIsLoopback(
    const ClusterAddr *addrPtr)	/* Address to test. */
{
    static const unsigned char one[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    };

    if (addrPtr->v6) {
	return memcmp(addrPtr->ip6, one, sizeof(one)) == 0;
    }
    return ((const unsigned char *) &addrPtr->ip)[0] == 127;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddrInPrefix --
 *
 *	Whether an address lies in the subnet of an interface address:
 *	under its netmask (IPv4) or its prefix (IPv6). A link-local IPv6
 *	address (fe80::/10) is in the subnet of any link-local address of
 *	the interface it came from, whatever its bits.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAddrInPrefix(
    const ClusterIfAddr *ifPtr,	/* Interface address and its subnet. */
    const ClusterAddr *addrPtr)	/* Address to test. */
{
    const unsigned char *a = ifPtr->addr.ip6, *b = addrPtr->ip6;
    int bits = ifPtr->prefix, whole;

    if (ifPtr->addr.v6 != addrPtr->v6) {
	return 0;
    }
    if (!addrPtr->v6) {
	return (ifPtr->addr.ip & ifPtr->netmask)
		== (addrPtr->ip & ifPtr->netmask);
    }
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80
		&& (addrPtr->scope == 0 || ifPtr->addr.scope == 0
		    || addrPtr->scope == ifPtr->addr.scope);
    }
    if (bits < 0 || bits > 128) {
	bits = 128;
    }
    whole = bits / 8;
    if (memcmp(a, b, (size_t) whole) != 0) {
	return 0;
    }
    bits %= 8;
    return bits == 0
	    || ((a[whole] ^ b[whole]) & (0xff << (8 - bits)) & 0xff) == 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddrIsMapped --
 *
 *	Whether an address is an IPv4-mapped IPv6 address kept as IPv6
 *	(::ffff:a.b.c.d): the source of a datagram that came over IPv6 and
 *	claims an IPv4 host, which is forged (ClusterpDatagramReceive).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAddrIsMapped(
    const ClusterAddr *addrPtr)	/* Address to test. */
{
    static const unsigned char prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    return addrPtr->v6
	    && memcmp(addrPtr->ip6, prefix, sizeof(prefix)) == 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddrHash --
 *
 *	A hash of a host address (not its port), for spreading addresses
 *	over buckets.
 *
 * Results:
 *	The hash.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

uint32_t
ClusterAddrHash(
    const ClusterAddr *addrPtr)	/* Address to hash. */
{
    uint32_t hash = addrPtr->ip;
    int i;

    if (addrPtr->v6) {
	for (i = 0; i < 16; i++) {
	    hash = (hash ^ addrPtr->ip6[i]) * 16777619u;
	}
    }
    return hash * 2654435761u;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
