/*
 * clusterNetPeer.c --
 *
 *	The unicast socket of a member that has peers (`cluster join
 *	-peers`, doc/protocol.md section 5.8): one UDP socket of its own,
 *	on -peerport, from which it sends to each peer what it multicasts,
 *	and on which its peers reach it. One datagram carries one packet,
 *	exactly as on `c`; each one read goes to the owner's packetProc.
 *	The socket is not shared between members.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNet.h"
#include <errno.h>

#define DATAGRAMS_PER_EVENT	64	/* Read per readable event. */

struct ClusterNetUnicast {
    int fd;			/* The socket; -1 once closed. */
    int port;			/* Its port, host order. */
    const ClusterNetHandler *handlerPtr;	/* The owner's callbacks. */
    void *owner;		/* Handed to them. */
    unsigned char *buffer;	/* Receive buffer of the outermost read. */
    int reading;		/* Reads under way (a hook may nest one). */
};

static void		UnicastReadableProc(ClientData clientData,
			    int mask);
static void		FreeUnicast(char *clientData);

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetUnicastOpen, ClusterNetUnicastClose, ClusterNetUnicastPort --
 *
 *	Open a member's unicast socket on a port (0: an ephemeral one) and
 *	watch it; close it (safe with NULL); tell its port.
 *
 * Results:
 *	Open: a standard Tcl result; errors {CLUSTER SOCKET ...}. Port:
 *	the port in host order.
 *
 * Side effects:
 *	A socket and its file handler; its memory goes once no read
 *	holds it.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetUnicastOpen(
    int port,			/* Port to bind, host order; 0: any. */
    const ClusterNetHandler *handlerPtr,	/* The owner's callbacks. */
    void *owner,		/* Handed to them. */
    ClusterNetUnicast **unicastPtrPtr,	/* Out: the new socket. */
    ClusterErr *errPtr)		/* For errors. */
{
    ClusterNetUnicast *unicastPtr;
    int fd, bound;

    if (ClusterpUdpOpen(errPtr, port, &fd, &bound) != TCL_OK) {
	return TCL_ERROR;
    }
    unicastPtr = ckalloc(sizeof(ClusterNetUnicast));
    unicastPtr->fd = fd;
    unicastPtr->port = bound;
    unicastPtr->handlerPtr = handlerPtr;
    unicastPtr->owner = owner;
    unicastPtr->buffer = ckalloc(CLUSTER_NET_MAX_DATAGRAM + 1);
    unicastPtr->reading = 0;
    Tcl_CreateFileHandler(fd, TCL_READABLE, UnicastReadableProc,
	    unicastPtr);
    *unicastPtrPtr = unicastPtr;
    return TCL_OK;
}

void
ClusterNetUnicastClose(
    ClusterNetUnicast *unicastPtr)	/* Socket to close, or NULL. */
{
    if (unicastPtr == NULL || unicastPtr->fd < 0) {
	return;
    }
    Tcl_DeleteFileHandler(unicastPtr->fd);
    ClusterpClose(unicastPtr->fd);
    unicastPtr->fd = -1;
    Tcl_EventuallyFree(unicastPtr, FreeUnicast);
}

int
ClusterNetUnicastPort(
    const ClusterNetUnicast *unicastPtr)	/* Socket. */
{
    return unicastPtr->port;
}

static void
FreeUnicast(
    char *clientData)		/* The ClusterNetUnicast. */
{
    ClusterNetUnicast *unicastPtr = (ClusterNetUnicast *) clientData;

    ckfree(unicastPtr->buffer);
    ckfree(unicastPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * UnicastReadableProc --
 *
 *	Read the datagrams waiting (a bounded number per event) and hand
 *	each to the owner; one too large to be a packet goes to its
 *	oversizeProc. A read nested in another (a hook ran the event loop)
 *	reads into a buffer of its own.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Whatever the payloads cause; the owner, and with it the socket,
 *	may go.
 *
 *----------------------------------------------------------------------
 */

static void
UnicastReadableProc(
    ClientData clientData,	/* The ClusterNetUnicast. */
    int mask)			/* Not used. */
{
    ClusterNetUnicast *unicastPtr = clientData;
    unsigned char *buffer = unicastPtr->buffer;
    int i, keep;

    (void) mask;
    Tcl_Preserve(unicastPtr);
    if (unicastPtr->reading++ > 0) {
	buffer = ckalloc(CLUSTER_NET_MAX_DATAGRAM + 1);
    }
    for (i = 0; i < DATAGRAMS_PER_EVENT && unicastPtr->fd >= 0; i++) {
	ClusterAddr from;
	int length = ClusterpDatagramReceive(unicastPtr->fd, buffer,
		CLUSTER_NET_MAX_DATAGRAM + 1, &from);

	if (length < 0) {
	    if (errno != EMSGSIZE) {
		break;		/* EAGAIN: nothing more for now. */
	    }
	    unicastPtr->handlerPtr->oversizeProc(unicastPtr->owner,
		    CLUSTER_PROTO_C, 1);
	    continue;
	}
	if (unicastPtr->handlerPtr->packetProc(unicastPtr->owner,
		CLUSTER_PROTO_C, buffer, (size_t) length, &from, NULL,
		&keep) == CLUSTER_NET_GONE) {
	    break;
	}
    }
    unicastPtr->reading--;
    if (buffer != unicastPtr->buffer) {
	ckfree(buffer);
    }
    Tcl_Release(unicastPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetUnicastSend --
 *
 *	Send one packet (or sealed frame) to one peer.
 *
 * Results:
 *	A standard Tcl result; errors {CLUSTER SEND TOO_LARGE|UNICAST}.
 *
 * Side effects:
 *	A datagram. The owner counts it.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetUnicastSend(
    ClusterNetUnicast *unicastPtr,	/* Our socket. */
    const ClusterAddr *toPtr,	/* The peer's address and port. */
    const unsigned char *bytes,	/* Whole packet. */
    size_t length,		/* Its size. */
    ClusterErr *errPtr)		/* For errors, or NULL. */
{
    if (length > CLUSTER_NET_MAX_DATAGRAM) {
	return ClusterErrSet(errPtr, "SEND", "TOO_LARGE",
		"can't send a packet of %lu bytes to a peer: one datagram"
		" holds at most %d", (unsigned long) length,
		CLUSTER_NET_MAX_DATAGRAM);
    }
    if (unicastPtr->fd < 0 || ClusterpDatagramSend(unicastPtr->fd, toPtr,
	    bytes, length) < 0) {
	return ClusterErrSet(errPtr, "SEND", "UNICAST",
		"can't send to a peer: %s", unicastPtr->fd < 0
		? "socket closed" : Tcl_ErrnoMsg(errno));
    }
    return TCL_OK;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
