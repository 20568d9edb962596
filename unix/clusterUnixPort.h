/*
 * clusterUnixPort.h --
 *
 *	Declarations shared by the files of the platform layer only: the
 *	small functions that differ between Linux and macOS when the host
 *	id is chosen (unix/clusterUnixHost.c and macosx/clusterMacHost.c;
 *	the choice itself lives once, in clusterUnixHost.c), and the socket
 *	helpers of unix/clusterUnixNet.c that unix/clusterUnixStream.c uses
 *	too.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERUNIXPORT_H
#define _CLUSTERUNIXPORT_H

#include "clusterPort.h"

#define CLUSTERP_MAC_LENGTH	6	/* Bytes of an Ethernet address. */
#define CLUSTERP_IFNAME_LENGTH	64	/* Room for an interface name. */

/*
 * Flags of a ClusterpLink.
 */

#define CLUSTERP_LINK_UP	(1<<0)	/* The interface is up. */
#define CLUSTERP_LINK_LOOPBACK	(1<<1)	/* It is a loopback interface. */
#define CLUSTERP_LINK_HAS_MAC	(1<<2)	/* mac holds its 6-byte address. */

/*
 * One network interface as seen by the host id choice.
 */

typedef struct ClusterpLink {
    char name[CLUSTERP_IFNAME_LENGTH];
				/* Interface name, NUL-terminated. */
    int flags;			/* CLUSTERP_LINK_* bits. */
    unsigned char mac[CLUSTERP_MAC_LENGTH];
				/* Link-layer address, when HAS_MAC. */
} ClusterpLink;

/*
 * Called once for each interface by ClusterpForEachLink.
 */

typedef void (ClusterpLinkProc) (void *clientData,
	const ClusterpLink *linkPtr);

/*
 * Implemented in unix/clusterUnixHost.c on Linux (AF_PACKET,
 * /proc/net/route) and in macosx/clusterMacHost.c on macOS (AF_LINK, the
 * routing table through sysctl).
 */

int		ClusterpForEachLink(ClusterpLinkProc *proc,
		    void *clientData);
int		ClusterpDefaultRouteLink(char *name, size_t size);

/*
 * Implemented in unix/clusterUnixNet.c; used there for the multicast
 * socket and in unix/clusterUnixStream.c for the stream sockets.
 */

int		ClusterpClampLength(size_t length);

/*
 * Socket addresses of either family (clusterUnixAddr.c). The union is big
 * enough for any inet address; ClusterpToSockaddr gives the length to
 * pass, ClusterpFromSockaddr returns -1 for a family other than inet.
 */

#include <sys/socket.h>
#include <netinet/in.h>

typedef union ClusterpSockaddr {
    struct sockaddr sa;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr_storage ss;
} ClusterpSockaddr;

socklen_t	ClusterpToSockaddr(const ClusterAddr *addrPtr,
		    ClusterpSockaddr *saPtr);
int		ClusterpFromSockaddr(const struct sockaddr *saPtr,
		    ClusterAddr *addrPtr);
int		ClusterpMulticastSocket(ClusterErr *errPtr, int family,
		    const ClusterAddr *ifPtr, int *boundPtr);
int		ClusterpMulticast6Open(ClusterErr *errPtr,
		    const ClusterAddr *groupPtr, const ClusterAddr *ifPtr,
		    int hops, int *fdPtr);
int		ClusterpNewSocket(int domain, int type);
int		ClusterpSetCloexecNonblock(int fd);

#endif /* _CLUSTERUNIXPORT_H */
