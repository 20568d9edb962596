/*
 * clusterMulticast.c --
 *
 *	The `c` transport: UDP multicast to -address:-port. One datagram
 *	carries one packet, read whole with recvfrom and decoded in place;
 *	nothing goes through a Tcl channel. The members of a thread that
 *	join the same group share its socket.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"
#include <errno.h>

/*
 * The largest UDP payload over IPv4, and how many datagrams one readable
 * event may handle before the event loop gets a turn.
 */

#define MAX_DATAGRAM		65507
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

typedef struct GroupCursor {
    Cluster *nextPtr;		/* Member to hand the datagram to next. */
    struct GroupCursor *outerPtr;	/* Cursor of an enclosing hand-round. */
} GroupCursor;

struct ClusterGroupSocket {
    ClusterAddr group;		/* Key: group address and port, */
    uint32_t interfaceIp;	/* interface (0: the system's choice) */
    int ttl;			/* and multicast TTL. */
    int fd;			/* The socket. */
    Cluster *firstPtr;		/* Members on it, newest first. */
    GroupCursor *cursorPtr;	/* Innermost hand-round, or NULL. */
    unsigned char *buffer;	/* Receive buffer of the outermost read. */
    ClusterGroupSocket *nextPtr;	/* Next socket of the thread. */
};

typedef struct ThreadGroups {
    ClusterGroupSocket *firstPtr;	/* This thread's shared sockets. */
} ThreadGroups;

static Tcl_ThreadDataKey groupsKey;

static void		FreeGroupSocket(char *clientData);
static void		HandRound(ClusterGroupSocket *socketPtr,
			    const unsigned char *bytes, int length,
			    const ClusterAddr *fromPtr);
static void		MulticastReadableProc(ClientData clientData,
			    int mask);

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastOpen --
 *
 *	Put a cluster being born on the multicast socket of its group:
 *	the thread's shared one when it has one, else a new one, watched.
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
ClusterMulticastOpen(
    Cluster *clusterPtr,	/* Cluster being born. */
    Tcl_Interp *interp)		/* For errors. */
{
    ThreadGroups *groupsPtr = Tcl_GetThreadData(&groupsKey,
	    sizeof(ThreadGroups));
    const ClusterConfig *configPtr = &clusterPtr->config;
    ClusterGroupSocket *socketPtr;

    for (socketPtr = groupsPtr->firstPtr; socketPtr != NULL;
	    socketPtr = socketPtr->nextPtr) {
	if (socketPtr->group.ip == configPtr->group.ip
		&& socketPtr->group.port == configPtr->group.port
		&& socketPtr->interfaceIp == configPtr->interfaceAddr.ip
		&& socketPtr->ttl == configPtr->remote) {
	    break;
	}
    }
    if (socketPtr == NULL) {
	int fd;

	if (ClusterpMulticastOpen(interp, &configPtr->group,
		configPtr->interfaceAddr.ip ? &configPtr->interfaceAddr : NULL,
		configPtr->remote, &fd) != TCL_OK) {
	    return TCL_ERROR;
	}
	socketPtr = ckalloc(sizeof(ClusterGroupSocket));
	memset(socketPtr, 0, sizeof(ClusterGroupSocket));
	socketPtr->group = configPtr->group;
	socketPtr->interfaceIp = configPtr->interfaceAddr.ip;
	socketPtr->ttl = configPtr->remote;
	socketPtr->fd = fd;
	socketPtr->buffer = ckalloc(MAX_DATAGRAM + 1);
	socketPtr->nextPtr = groupsPtr->firstPtr;
	groupsPtr->firstPtr = socketPtr;
	Tcl_CreateFileHandler(fd, TCL_READABLE, MulticastReadableProc,
		socketPtr);
    }
    clusterPtr->groupSocketPtr = socketPtr;
    clusterPtr->groupPrevPtr = NULL;
    clusterPtr->groupNextPtr = socketPtr->firstPtr;
    if (socketPtr->firstPtr != NULL) {
	socketPtr->firstPtr->groupPrevPtr = clusterPtr;
    }
    socketPtr->firstPtr = clusterPtr;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastClose --
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
ClusterMulticastClose(
    Cluster *clusterPtr)	/* Cluster leaving. */
{
    ClusterGroupSocket *socketPtr = clusterPtr->groupSocketPtr;
    ThreadGroups *groupsPtr;
    ClusterGroupSocket **linkPtr;
    GroupCursor *cursorPtr;

    if (socketPtr == NULL) {
	return;
    }
    for (cursorPtr = socketPtr->cursorPtr; cursorPtr != NULL;
	    cursorPtr = cursorPtr->outerPtr) {
	if (cursorPtr->nextPtr == clusterPtr) {
	    cursorPtr->nextPtr = clusterPtr->groupNextPtr;
	}
    }
    if (clusterPtr->groupPrevPtr != NULL) {
	clusterPtr->groupPrevPtr->groupNextPtr = clusterPtr->groupNextPtr;
    } else {
	socketPtr->firstPtr = clusterPtr->groupNextPtr;
    }
    if (clusterPtr->groupNextPtr != NULL) {
	clusterPtr->groupNextPtr->groupPrevPtr = clusterPtr->groupPrevPtr;
    }
    clusterPtr->groupSocketPtr = NULL;
    clusterPtr->groupNextPtr = clusterPtr->groupPrevPtr = NULL;
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
    Tcl_DeleteFileHandler(socketPtr->fd);
    ClusterpClose(socketPtr->fd);
    socketPtr->fd = -1;
    Tcl_EventuallyFree(socketPtr, FreeGroupSocket);
}

/*
 * The descriptor of a cluster's multicast socket, or -1 when it has none.
 */

int
ClusterMulticastFd(
    const Cluster *clusterPtr)	/* Cluster of interest. */
{
    return clusterPtr->groupSocketPtr ? clusterPtr->groupSocketPtr->fd : -1;
}

static void
FreeGroupSocket(
    char *clientData)		/* The ClusterGroupSocket. */
{
    ClusterGroupSocket *socketPtr = (ClusterGroupSocket *) clientData;

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
    ClientData clientData,	/* The ClusterGroupSocket. */
    int mask)			/* Not used. */
{
    ClusterGroupSocket *socketPtr = clientData;
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
 *	Take one datagram through the receive pipeline of every member on
 *	the socket; a length of -1 is a datagram too large for one read,
 *	which each member counts as an oversized drop.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	As ClusterReceivePacket, for each member.
 *
 *----------------------------------------------------------------------
 */

static void
HandRound(
    ClusterGroupSocket *socketPtr,	/* Socket it came on (preserved). */
    const unsigned char *bytes,	/* The datagram. */
    int length,			/* Its size, or -1 when too large. */
    const ClusterAddr *fromPtr)	/* Its source. */
{
    GroupCursor cursor;
    Cluster *clusterPtr;

    cursor.nextPtr = socketPtr->firstPtr;
    cursor.outerPtr = socketPtr->cursorPtr;
    socketPtr->cursorPtr = &cursor;
    while ((clusterPtr = cursor.nextPtr) != NULL) {
	cursor.nextPtr = clusterPtr->groupNextPtr;
	if (ClusterIsDeleted(clusterPtr)) {
	    continue;
	}
	if (length < 0) {
	    clusterPtr->stats.packetsIn[CLUSTER_PROTO_C]++;
	    clusterPtr->stats.dropped[CLUSTER_DROP_OVERSIZE]++;
	    continue;
	}
	ClusterReceivePacket(clusterPtr, CLUSTER_PROTO_C, bytes,
		(size_t) length, fromPtr, NULL);
    }
    socketPtr->cursorPtr = cursor.outerPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastSend --
 *
 *	Send one encoded packet to the group.
 *
 * Results:
 *	A standard Tcl result. A packet too large for one datagram is an
 *	error {CLUSTER SEND TOO_LARGE}, never a truncation.
 *
 * Side effects:
 *	A datagram; counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterMulticastSend(
    Cluster *clusterPtr,	/* Sender. */
    const unsigned char *bytes,	/* Whole packet. */
    size_t length,		/* Its size. */
    Tcl_Interp *interp)		/* For errors, or NULL. */
{
    if (length > MAX_DATAGRAM) {
	clusterPtr->stats.sendFailures[CLUSTER_PROTO_C]++;
	return ClusterError(interp, "SEND", "TOO_LARGE",
		"can't multicast a packet of %lu bytes: one datagram holds"
		" at most %d; send it to services over t or u instead",
		(unsigned long) length, MAX_DATAGRAM);
    }
    if (clusterPtr->groupSocketPtr == NULL || ClusterpDatagramSend(
	    clusterPtr->groupSocketPtr->fd, &clusterPtr->config.group, bytes,
	    length) < 0) {
	clusterPtr->stats.sendFailures[CLUSTER_PROTO_C]++;
	return ClusterError(interp, "SEND", "MULTICAST",
		"can't send to the multicast group: %s",
		clusterPtr->groupSocketPtr == NULL ? "socket closed"
		: Tcl_ErrnoMsg(errno));
    }
    clusterPtr->stats.packetsOut[CLUSTER_PROTO_C]++;
    clusterPtr->stats.bytesOut[CLUSTER_PROTO_C] += (Tcl_WideInt) length;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterBroadcast --
 *
 *	Multicast a payload dict: run the `broadcast` and `channel N send`
 *	hooks (either may change or cancel it), encode it with `filter`
 *	first, and send it.
 *
 * Results:
 *	A standard Tcl result. *sentPtr is 1 when the packet left, 0 when a
 *	hook cancelled it.
 *
 * Side effects:
 *	Hooks, which may destroy the cluster (the caller holds it).
 *
 *----------------------------------------------------------------------
 */

int
ClusterBroadcast(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    Tcl_Obj *payloadObj,	/* Payload dict. */
    Tcl_Interp *interp,		/* For errors, or NULL. */
    int *sentPtr)		/* Out: 1 if sent. */
{
    size_t start, length;
    int code;

    *sentPtr = 0;
    Tcl_IncrRefCount(payloadObj);
    code = ClusterRunSendHooks(clusterPtr, &payloadObj, 1);
    if (code != TCL_OK) {
	Tcl_DecrRefCount(payloadObj);
	return TCL_OK;		/* Cancelled, or the cluster is gone. */
    }
    code = ClusterPayloadEncode(interp, payloadObj, 0, &clusterPtr->sendBuf,
	    &start, &length);
    Tcl_DecrRefCount(payloadObj);
    if (code != TCL_OK) {
	return code;
    }
    code = ClusterMulticastSend(clusterPtr,
	    clusterPtr->sendBuf.bytes + start, length, interp);
    *sentPtr = (code == TCL_OK);
    return code;
}
