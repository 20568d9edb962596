/*
 * clusterNetMcast.c --
 *
 *	The `c` transport: UDP multicast to -address:-port. One datagram
 *	carries one packet, read whole with recvfrom and decoded in place;
 *	nothing goes through a Tcl channel. The members of a thread that
 *	join the same group share its socket.
 *
 *	The same interface has a second medium, an in-process bus
 *	(CLUSTER_NET_MEMORY, `cluster join -transport memory`): members of
 *	a thread on the same group and port hand each other datagrams
 *	through a queue delivered from the event loop, with no socket at
 *	all, so that the core can be tested without a network.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNet.h"
#include <errno.h>

/*
 * The largest UDP payload over IPv4, and how many datagrams one readable
 * event may handle before the event loop gets a turn.
 */

#define MAX_DATAGRAM		CLUSTER_NET_MAX_DATAGRAM
#define DATAGRAMS_PER_EVENT	64

/*
 * Members of one thread that join the same group, port, interface and TTL
 * share one socket: the kernel then delivers each datagram once to the
 * process instead of once per member, and a process needs one descriptor
 * for `c` however many members it holds (the Tcl 8.6 notifier cannot watch
 * descriptors of 1024 or more). Each datagram read is handed to every
 * member on the socket; each drops its own echo as before.
 *
 * A hook may, while a datagram is handed round, destroy any member on the
 * socket, join new ones, or run the event loop so that the socket is read
 * again. Hence: the members are a list that new members enter at its head
 * (they do not see the datagram being handed round); every hand-round
 * keeps a cursor on the socket's list of cursors, which a member leaving
 * moves past itself; and a nested read uses a buffer of its own.
 */

typedef struct GroupSocket GroupSocket;

struct ClusterNetMcast {
    GroupSocket *socketPtr;	/* The shared socket. */
    const ClusterNetHandler *handlerPtr;	/* The owner's callbacks. */
    void *owner;		/* Handed to them. */
    ClusterNetMcast *prevPtr;	/* The other endpoints on the socket. */
    ClusterNetMcast *nextPtr;
};

typedef struct GroupCursor {
    ClusterNetMcast *nextPtr;	/* Endpoint to hand the datagram to next. */
    struct GroupCursor *outerPtr;	/* Cursor of an enclosing hand-round. */
} GroupCursor;

typedef struct BusDatagram {
    struct BusDatagram *nextPtr;	/* Next in the queue, or NULL. */
    size_t length;		/* Its size; the bytes follow the struct. */
} BusDatagram;

struct GroupSocket {
    ClusterAddr group;		/* Key: group address and port, */
    ClusterAddr iface;		/* interface (zeros: system's choice), */
    int ttl;			/* multicast TTL */
    int medium;			/* and medium: CLUSTER_NET_SOCKET or
				 * CLUSTER_NET_MEMORY. */
    int fd;			/* The socket; -1 for the bus. */
    BusDatagram *busHeadPtr;	/* Bus: datagrams not yet delivered, */
    BusDatagram *busTailPtr;	/* oldest first. */
    size_t busQueued;		/* Bus: datagrams in that queue. */
    Tcl_TimerToken busTimer;	/* Bus: delivers the queue. */
    ClusterAddr busFrom;	/* Bus: the source of every datagram,
				 * 127.0.0.1 and the group's port. */
    ClusterNetMcast *firstPtr;	/* Endpoints on it, newest first. */
    GroupCursor *cursorPtr;	/* Innermost hand-round, or NULL. */
    unsigned char *buffer;	/* Receive buffer of the outermost read. */
    GroupSocket *nextPtr;	/* Next socket of the thread. */
};

typedef struct ThreadGroups {
    GroupSocket *firstPtr;	/* This thread's shared sockets. */
} ThreadGroups;

static Tcl_ThreadDataKey groupsKey;

static void		FreeGroupSocket(char *clientData);
static void		HandRound(GroupSocket *socketPtr,
			    const unsigned char *bytes, int length,
			    const ClusterAddr *fromPtr);
static void		MulticastReadableProc(ClientData clientData,
			    int mask);
static int		BusSend(GroupSocket *socketPtr,
			    const unsigned char *bytes, size_t length);
static void		BusDeliverProc(ClientData clientData);
static void		BusFree(BusDatagram *datagramPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetMcastOpen --
 *
 *	Make an endpoint on the multicast socket of a group: the thread's
 *	shared one when it has one, else a new one, watched. Each datagram
 *	read from it goes to every endpoint's packetProc.
 *
 * Results:
 *	A standard Tcl result; errors {CLUSTER SOCKET ...}.
 *
 * Side effects:
 *	May open a socket and create a file handler.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetMcastOpen(
    const ClusterAddr *groupPtr,	/* Group address and port. */
    const ClusterAddr *ifPtr,	/* Interface; NULL or ip 0: the system's
				 * choice. */
    int ttl,			/* Multicast TTL: 0 stays on the host. */
    int medium,			/* CLUSTER_NET_SOCKET or CLUSTER_NET_MEMORY. */
    const ClusterNetHandler *handlerPtr,	/* The owner's callbacks. */
    void *owner,		/* Handed to them. */
    ClusterNetMcast **mcastPtrPtr,	/* Out: the new endpoint. */
    ClusterErr *errPtr)		/* For errors. */
{
    ThreadGroups *groupsPtr = Tcl_GetThreadData(&groupsKey,
	    sizeof(ThreadGroups));
    ClusterAddr iface;
    GroupSocket *socketPtr;
    ClusterNetMcast *mcastPtr;

    memset(&iface, 0, sizeof(iface));
    if (ifPtr != NULL) {
	iface = *ifPtr;
    }
    for (socketPtr = groupsPtr->firstPtr; socketPtr != NULL;
	    socketPtr = socketPtr->nextPtr) {
	if (ClusterAddrSameIp(&socketPtr->group, groupPtr)
		&& socketPtr->group.port == groupPtr->port
		&& socketPtr->medium == medium
		&& (medium == CLUSTER_NET_MEMORY
		    || (socketPtr->iface.scope == iface.scope
			&& socketPtr->iface.ip == iface.ip
			&& socketPtr->ttl == ttl))) {
	    break;
	}
    }
    if (socketPtr == NULL) {
	int fd = -1;

	if (medium == CLUSTER_NET_SOCKET && ClusterpMulticastOpen(errPtr,
		groupPtr, iface.scope ? ifPtr : NULL, ttl, &fd) != TCL_OK) {
	    return TCL_ERROR;
	}
	socketPtr = ckalloc(sizeof(GroupSocket));
	memset(socketPtr, 0, sizeof(GroupSocket));
	socketPtr->group = *groupPtr;
	socketPtr->iface = iface;
	socketPtr->ttl = ttl;
	socketPtr->medium = medium;
	socketPtr->fd = fd;
	ClusterpParseAddress("127.0.0.1", &socketPtr->busFrom);
	socketPtr->busFrom.port = groupPtr->port;
	socketPtr->buffer = ckalloc(MAX_DATAGRAM + 1);
	socketPtr->nextPtr = groupsPtr->firstPtr;
	groupsPtr->firstPtr = socketPtr;
	if (fd >= 0) {
	    Tcl_CreateFileHandler(fd, TCL_READABLE, MulticastReadableProc,
		    socketPtr);
	}
    }
    mcastPtr = ckalloc(sizeof(ClusterNetMcast));
    mcastPtr->socketPtr = socketPtr;
    mcastPtr->handlerPtr = handlerPtr;
    mcastPtr->owner = owner;
    mcastPtr->prevPtr = NULL;
    mcastPtr->nextPtr = socketPtr->firstPtr;
    if (socketPtr->firstPtr != NULL) {
	socketPtr->firstPtr->prevPtr = mcastPtr;
    }
    socketPtr->firstPtr = mcastPtr;
    *mcastPtrPtr = mcastPtr;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetMcastClose --
 *
 *	Take a cluster off its multicast socket; the last member off a
 *	socket closes it. Safe to call twice.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May close the socket; its memory goes once no read holds it.
 *
 *----------------------------------------------------------------------
 */

void
ClusterNetMcastClose(
    ClusterNetMcast *mcastPtr)	/* Endpoint to close, or NULL. */
{
    GroupSocket *socketPtr;
    ThreadGroups *groupsPtr;
    GroupSocket **linkPtr;
    GroupCursor *cursorPtr;

    if (mcastPtr == NULL) {
	return;
    }
    socketPtr = mcastPtr->socketPtr;
    for (cursorPtr = socketPtr->cursorPtr; cursorPtr != NULL;
	    cursorPtr = cursorPtr->outerPtr) {
	if (cursorPtr->nextPtr == mcastPtr) {
	    cursorPtr->nextPtr = mcastPtr->nextPtr;
	}
    }
    if (mcastPtr->prevPtr != NULL) {
	mcastPtr->prevPtr->nextPtr = mcastPtr->nextPtr;
    } else {
	socketPtr->firstPtr = mcastPtr->nextPtr;
    }
    if (mcastPtr->nextPtr != NULL) {
	mcastPtr->nextPtr->prevPtr = mcastPtr->prevPtr;
    }
    ckfree(mcastPtr);
    if (socketPtr->firstPtr != NULL) {
	return;
    }
    groupsPtr = Tcl_GetThreadData(&groupsKey, sizeof(ThreadGroups));
    for (linkPtr = &groupsPtr->firstPtr; *linkPtr != NULL;
	    linkPtr = &(*linkPtr)->nextPtr) {
	if (*linkPtr == socketPtr) {
	    *linkPtr = socketPtr->nextPtr;
	    break;
	}
    }
    if (socketPtr->fd >= 0) {
	Tcl_DeleteFileHandler(socketPtr->fd);
	ClusterpClose(socketPtr->fd);
	socketPtr->fd = -1;
    }
    if (socketPtr->busTimer != NULL) {
	Tcl_DeleteTimerHandler(socketPtr->busTimer);
	socketPtr->busTimer = NULL;
    }
    BusFree(socketPtr->busHeadPtr);
    socketPtr->busHeadPtr = socketPtr->busTailPtr = NULL;
    socketPtr->busQueued = 0;
    Tcl_EventuallyFree(socketPtr, FreeGroupSocket);
}

/*
 * The descriptor of a cluster's multicast socket, or -1 when it has none.
 */

int
ClusterNetMcastFd(
    const ClusterNetMcast *mcastPtr)	/* Endpoint, or NULL. */
{
    return (mcastPtr != NULL) ? mcastPtr->socketPtr->fd : -1;
}

static void
FreeGroupSocket(
    char *clientData)		/* The GroupSocket. */
{
    GroupSocket *socketPtr = (GroupSocket *) clientData;

    ckfree(socketPtr->buffer);
    ckfree(socketPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * MulticastReadableProc --
 *
 *	Read the datagrams waiting on a multicast socket (a bounded number
 *	per event) and hand each to the members on it. A read nested in a
 *	hand-round (a hook ran the event loop) reads into a buffer of its
 *	own, for the outer one is still being handed round.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Whatever the payloads cause; members and the socket may go.
 *
 *----------------------------------------------------------------------
 */

static void
MulticastReadableProc(
    ClientData clientData,	/* The GroupSocket. */
    int mask)			/* Not used. */
{
    GroupSocket *socketPtr = clientData;
    unsigned char *buffer = socketPtr->buffer;
    int i;

    (void) mask;
    Tcl_Preserve(socketPtr);
    if (socketPtr->cursorPtr != NULL) {
	buffer = ckalloc(MAX_DATAGRAM + 1);
    }
    for (i = 0; i < DATAGRAMS_PER_EVENT && socketPtr->fd >= 0; i++) {
	ClusterAddr from;
	int length = ClusterpDatagramReceive(socketPtr->fd, buffer,
		MAX_DATAGRAM + 1, &from);

	if (length < 0 && errno != EMSGSIZE) {
	    break;		/* EAGAIN: nothing more for now. */
	}
	HandRound(socketPtr, buffer, length, &from);
    }
    if (buffer != socketPtr->buffer) {
	ckfree(buffer);
    }
    Tcl_Release(socketPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * HandRound --
 *
 *	Hand one datagram to every endpoint on the socket (its owner's
 *	packetProc); a length of -1 is a datagram too large for one read,
 *	which goes to each owner's oversizeProc instead.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Whatever the owners' callbacks do, which may close any endpoint or
 *	open new ones: the cursor moves past an endpoint that closes.
 *
 *----------------------------------------------------------------------
 */

static void
HandRound(
    GroupSocket *socketPtr,	/* Socket it came on (preserved). */
    const unsigned char *bytes,	/* The datagram. */
    int length,			/* Its size, or -1 when too large. */
    const ClusterAddr *fromPtr)	/* Its source. */
{
    GroupCursor cursor;
    ClusterNetMcast *mcastPtr;
    int keep;

    cursor.nextPtr = socketPtr->firstPtr;
    cursor.outerPtr = socketPtr->cursorPtr;
    socketPtr->cursorPtr = &cursor;
    while ((mcastPtr = cursor.nextPtr) != NULL) {
	cursor.nextPtr = mcastPtr->nextPtr;
	if (length < 0) {
	    mcastPtr->handlerPtr->oversizeProc(mcastPtr->owner,
		    CLUSTER_PROTO_C, 1);
	    continue;
	}
	mcastPtr->handlerPtr->packetProc(mcastPtr->owner, CLUSTER_PROTO_C,
		bytes, (size_t) length, fromPtr, NULL, &keep);
    }
    socketPtr->cursorPtr = cursor.outerPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetMcastSend --
 *
 *	Send one encoded packet to the group.
 *
 * Results:
 *	A standard Tcl result. A packet too large for one datagram is an
 *	error {CLUSTER SEND TOO_LARGE}, never a truncation.
 *
 * Side effects:
 *	A datagram. The owner counts what was sent.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetMcastSend(
    ClusterNetMcast *mcastPtr,	/* Sender's endpoint. */
    const unsigned char *bytes,	/* Whole packet. */
    size_t length,		/* Its size. */
    ClusterErr *errPtr)		/* For errors, or NULL. */
{
    if (length > MAX_DATAGRAM) {
	return ClusterErrSet(errPtr, "SEND", "TOO_LARGE",
		"can't multicast a packet of %lu bytes: one datagram holds"
		" at most %d; send it to services over t or u instead",
		(unsigned long) length, MAX_DATAGRAM);
    }
    if (mcastPtr->socketPtr->medium == CLUSTER_NET_MEMORY) {
	return BusSend(mcastPtr->socketPtr, bytes, length);
    }
    if (ClusterpDatagramSend(mcastPtr->socketPtr->fd,
	    &mcastPtr->socketPtr->group, bytes, length) < 0) {
	return ClusterErrSet(errPtr, "SEND", "MULTICAST",
		"can't send to the multicast group: %s", Tcl_ErrnoMsg(errno));
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * BusSend, BusDeliverProc, BusFree --
 *
 *	The in-process bus: a datagram sent is copied to the end of the
 *	bus's queue, and the queue is handed round, in order, from the
 *	event loop (a timer of 0 ms), as datagrams read from a socket are:
 *	every endpoint gets each one, its sender included, with 127.0.0.1
 *	and the group's port as its source. A run hands round at most the
 *	datagrams queued when it began: those sent meanwhile wait for the
 *	next turn of the loop. Each datagram leaves the queue before it is
 *	handed round, and the timer stays armed while the queue holds more,
 *	so that a hook that runs the event loop (waiting for an answer)
 *	gets the datagrams after its own, in order, each once.
 *
 * Results:
 *	BusSend: TCL_OK.
 *
 * Side effects:
 *	Memory; the bus timer; BusDeliverProc runs the owners' callbacks.
 *
 *----------------------------------------------------------------------
 */

static int
BusSend(
    GroupSocket *socketPtr,	/* The bus. */
    const unsigned char *bytes,	/* Whole packet. */
    size_t length)		/* Its size. */
{
    BusDatagram *datagramPtr = ckalloc(sizeof(BusDatagram) + length);

    datagramPtr->nextPtr = NULL;
    datagramPtr->length = length;
    memcpy(datagramPtr + 1, bytes, length);
    if (socketPtr->busTailPtr != NULL) {
	socketPtr->busTailPtr->nextPtr = datagramPtr;
    } else {
	socketPtr->busHeadPtr = datagramPtr;
    }
    socketPtr->busTailPtr = datagramPtr;
    socketPtr->busQueued++;
    if (socketPtr->busTimer == NULL) {
	socketPtr->busTimer = Tcl_CreateTimerHandler(0, BusDeliverProc,
		socketPtr);
    }
    return TCL_OK;
}

static void
BusDeliverProc(
    ClientData clientData)	/* The GroupSocket of the bus. */
{
    GroupSocket *socketPtr = clientData;
    BusDatagram *datagramPtr;
    size_t count = socketPtr->busQueued;

    socketPtr->busTimer = NULL;
    Tcl_Preserve(socketPtr);
    while (count-- > 0 && socketPtr->firstPtr != NULL
	    && (datagramPtr = socketPtr->busHeadPtr) != NULL) {
	socketPtr->busHeadPtr = datagramPtr->nextPtr;
	if (socketPtr->busHeadPtr == NULL) {
	    socketPtr->busTailPtr = NULL;
	}
	socketPtr->busQueued--;
	if (socketPtr->busHeadPtr != NULL && socketPtr->busTimer == NULL) {
	    socketPtr->busTimer = Tcl_CreateTimerHandler(0, BusDeliverProc,
		    socketPtr);
	}
	HandRound(socketPtr, (const unsigned char *) (datagramPtr + 1),
		(int) datagramPtr->length, &socketPtr->busFrom);
	ckfree(datagramPtr);
    }
    Tcl_Release(socketPtr);
}

static void
BusFree(
    BusDatagram *datagramPtr)	/* First of a queue, or NULL. */
{
    BusDatagram *nextPtr;

    for (; datagramPtr != NULL; datagramPtr = nextPtr) {
	nextPtr = datagramPtr->nextPtr;
	ckfree(datagramPtr);
    }
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
