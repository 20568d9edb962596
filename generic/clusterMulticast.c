/*
 * clusterMulticast.c --
 *
 *	The `c` transport: UDP multicast to -address:-port. One datagram
 *	carries one packet, read whole with recvfrom and decoded in place;
 *	nothing goes through a Tcl channel.
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

static void		MulticastReadableProc(ClientData clientData,
			    int mask);

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastOpen --
 *
 *	Open the multicast socket of a cluster being born and watch it.
 *
 * Results:
 *	A standard Tcl result; errors {CLUSTER SOCKET ...}.
 *
 * Side effects:
 *	A socket, a file handler, a receive buffer.
 *
 *----------------------------------------------------------------------
 */

int
ClusterMulticastOpen(
    Cluster *clusterPtr,	/* Cluster being born. */
    Tcl_Interp *interp)		/* For errors. */
{
    const ClusterConfig *configPtr = &clusterPtr->config;

    if (ClusterpMulticastOpen(interp, &configPtr->group,
	    configPtr->interfaceAddr.ip ? &configPtr->interfaceAddr : NULL,
	    configPtr->remote, &clusterPtr->multicastFd) != TCL_OK) {
	clusterPtr->multicastFd = -1;
	return TCL_ERROR;
    }
    clusterPtr->datagram = ckalloc(MAX_DATAGRAM + 1);
    Tcl_CreateFileHandler(clusterPtr->multicastFd, TCL_READABLE,
	    MulticastReadableProc, clusterPtr);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastClose --
 *
 *	Stop watching and close the multicast socket. Safe to call twice.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Closes the socket and frees the receive buffer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterMulticastClose(
    Cluster *clusterPtr)	/* Cluster leaving. */
{
    if (clusterPtr->multicastFd >= 0) {
	Tcl_DeleteFileHandler(clusterPtr->multicastFd);
	ClusterpClose(clusterPtr->multicastFd);
	clusterPtr->multicastFd = -1;
    }
    if (clusterPtr->datagram != NULL) {
	ckfree(clusterPtr->datagram);
	clusterPtr->datagram = NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * MulticastReadableProc --
 *
 *	Read the datagrams waiting on the multicast socket (a bounded number
 *	per event) and take each through the receive pipeline.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Whatever the payloads cause; the cluster may be destroyed.
 *
 *----------------------------------------------------------------------
 */

static void
MulticastReadableProc(
    ClientData clientData,	/* The Cluster. */
    int mask)			/* Not used. */
{
    Cluster *clusterPtr = clientData;
    int i;

    (void) mask;
    Tcl_Preserve(clusterPtr);
    for (i = 0; i < DATAGRAMS_PER_EVENT; i++) {
	ClusterAddr from;
	int length;

	if (ClusterIsDeleted(clusterPtr) || clusterPtr->multicastFd < 0) {
	    break;
	}
	length = ClusterpDatagramReceive(clusterPtr->multicastFd,
		clusterPtr->datagram, MAX_DATAGRAM + 1, &from);
	if (length < 0) {
	    if (errno == EMSGSIZE) {
		clusterPtr->stats.packetsIn[CLUSTER_PROTO_C]++;
		clusterPtr->stats.dropped[CLUSTER_DROP_OVERSIZE]++;
		continue;
	    }
	    break;		/* EAGAIN: nothing more for now. */
	}
	ClusterReceivePacket(clusterPtr, CLUSTER_PROTO_C,
		clusterPtr->datagram, (size_t) length, &from, NULL);
    }
    Tcl_Release(clusterPtr);
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
    if (clusterPtr->multicastFd < 0 || ClusterpDatagramSend(
	    clusterPtr->multicastFd, &clusterPtr->config.group, bytes,
	    length) < 0) {
	clusterPtr->stats.sendFailures[CLUSTER_PROTO_C]++;
	return ClusterError(interp, "SEND", "MULTICAST",
		"can't send to the multicast group: %s",
		clusterPtr->multicastFd < 0 ? "socket closed"
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
