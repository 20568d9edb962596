/*
 * clusterUnixPeer.c --
 *
 *	The platform side of unicast peers (doc/protocol.md section 5.8):
 *	the UDP socket a member is reached at by its peers, and the lookup
 *	of a peer's host name. The socket is non-blocking and close-on-exec
 *	like every other; the lookup may block, and is made only when a
 *	peer is given (`cluster join -peers`, `$cluster peers add`), never
 *	from the event loop's handlers. A numeric address never blocks.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterUnixPort.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/*
 * The receive buffer asked for on the peer socket, so that a burst of
 * heartbeats from many peers is not dropped (best effort).
 */

#define PEER_RCVBUF	(1024 * 1024)

/*
 *----------------------------------------------------------------------
 *
 * ClusterpUdpOpen --
 *
 *	Open the unicast UDP socket of a member on all its interfaces, on
 *	a given port or an ephemeral one. It is not shared: a port given
 *	twice on one machine is an error.
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr and
 *	the port bound, in host byte order, in *portPtr.
 *
 * Side effects:
 *	Opens a socket. On failure nothing is left open and *errPtr holds
 *	an error {CLUSTER SOCKET detail}.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpUdpOpen(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    int port,			/* Port to bind, host order; 0: any. */
    int *fdPtr,			/* Where to put the descriptor. */
    int *portPtr)		/* Where to put the port bound. */
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd, err, rcvbuf = PEER_RCVBUF;

    fd = ClusterpNewSocket(AF_INET, SOCK_DGRAM);
    if (fd < 0) {
	return ClusterErrSet(errPtr, "SOCKET", "CREATE",
		"can't create the peer socket: %s", Tcl_ErrnoMsg(errno));
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = htons((unsigned short) port);
    if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0) {
	goto error;
    }
    if (getsockname(fd, (struct sockaddr *) &sin, &len) < 0) {
	goto error;
    }
    *fdPtr = fd;
    *portPtr = ntohs(sin.sin_port);
    return TCL_OK;

  error:
    err = errno;
    close(fd);
    return ClusterErrSet(errPtr, "SOCKET", "BIND",
	    "can't bind the peer socket to UDP port %d: %s (choose another"
	    " -peerport, or 0 for any)", port, Tcl_ErrnoMsg(err));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpResolveHost --
 *
 *	The IPv4 address of a host: a dotted quad as is, a name through
 *	the system's resolver (which may block), its first IPv4 address.
 *
 * Results:
 *	0 with the address in *addrPtr (port 0), or -1 when the host has
 *	no IPv4 address.
 *
 * Side effects:
 *	May query the resolver.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpResolveHost(
    const char *host,		/* Name or dotted quad. */
    ClusterAddr *addrPtr)	/* Where to put the address. */
{
    struct addrinfo hints, *list = NULL;

    if (ClusterpParseAddress(host, addrPtr) == 0) {
	return addrPtr->v6 ? -1 : 0;	/* Peers are IPv4 only. */
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    if (host[0] == '\0' || getaddrinfo(host, NULL, &hints, &list) != 0
	    || list == NULL) {
	return -1;
    }
    memset(addrPtr, 0, sizeof(ClusterAddr));
    addrPtr->ip = ((struct sockaddr_in *) list->ai_addr)->sin_addr.s_addr;
    freeaddrinfo(list);
    return 0;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
