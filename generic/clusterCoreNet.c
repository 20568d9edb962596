/*
 * clusterCoreNet.c --
 *
 *	Where the core meets the transports (clusterNet.h): it opens and
 *	closes a cluster's transports, hands them the callbacks through
 *	which packets come in and failures come back, chooses where a
 *	stream to a service goes, and counts what goes out. Every packet of
 *	every protocol passes through here in both directions, so a step
 *	that applies to all of them (sealing with keys, say) belongs here.
 *
 *	The callbacks run on the transports' stack. They hold the cluster
 *	across the receive pipeline and the send policy, which may run
 *	hooks, and answer CLUSTER_NET_GONE once it is destroyed.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static int		NetFailedProc(void *owner, ClusterNetPeer *peerPtr,
			    ClusterProto proto,
			    const ClusterNetPacket *packets, int numPackets,
			    const char *reason);
static void		NetOversizeProc(void *owner, ClusterProto proto,
			    int count);
static int		NetPacketProc(void *owner, ClusterProto proto,
			    const unsigned char *bytes, size_t length,
			    const ClusterAddr *fromPtr, ClusterConn *connPtr,
			    int *keepPtr);
static void		NetSentProc(void *owner, ClusterProto proto,
			    size_t length, unsigned long tag);
static int		NetSlowProc(void *owner, ClusterNetPeer *peerPtr,
			    ClusterProto proto,
			    const ClusterNetPacket *packets, int numPackets,
			    int *taken);
static void		NetLostProc(void *owner, unsigned long tag);
static int		PeerPacketProc(void *owner, ClusterProto proto,
			    const unsigned char *bytes, size_t length,
			    const ClusterAddr *fromPtr, ClusterConn *connPtr,
			    int *keepPtr);
static int		ReceiveDatagram(Cluster *clusterPtr,
			    ClusterProto proto, const unsigned char *bytes,
			    size_t length, const ClusterAddr *fromPtr,
			    ClusterConn *connPtr, int viaPeer);
static int		GivenBack(void *owner, ClusterNetPeer *peerPtr,
			    ClusterProto proto,
			    const ClusterNetPacket *packets, int numPackets,
			    const char *reason, int *taken);

/*
 * The callbacks every transport of every cluster gets.
 */

static const ClusterNetHandler netHandler = {
    NetPacketProc, NetFailedProc, NetOversizeProc, NetSentProc,
    NetSlowProc, NetLostProc
};

/*
 * Those of the peer socket (clusterCorePeers.c): the same, but what it
 * reads is marked as having come from a peer.
 */

static const ClusterNetHandler peerHandler = {
    PeerPacketProc, NetFailedProc, NetOversizeProc, NetSentProc,
    NetSlowProc, NetLostProc
};

/*
 *----------------------------------------------------------------------
 *
 * ClusterTransportsOpen, ClusterTransportsClose --
 *
 *	Open a new cluster's transports from its config: its endpoint on
 *	the multicast group, and the servers of the stream protocols it
 *	serves; close them all (safe to call twice).
 *
 * Results:
 *	A standard Tcl result; nothing is left open on error.
 *
 * Side effects:
 *	Sockets, file handlers, a unix socket file.
 *
 *----------------------------------------------------------------------
 */

int
ClusterTransportsOpen(
    Cluster *clusterPtr,	/* Cluster being born. */
    Tcl_Interp *interp)		/* For errors. */
{
    const ClusterConfig *configPtr = &clusterPtr->config;
    ClusterErr err;
    int serve = 0;

    if (ClusterNetMcastOpen(&configPtr->group,
	    configPtr->interfaceObj ? &configPtr->interfaceAddr : NULL,
	    configPtr->remote, configPtr->memory ? CLUSTER_NET_MEMORY
	    : CLUSTER_NET_SOCKET, &netHandler, clusterPtr,
	    &clusterPtr->mcastPtr, &err) != TCL_OK) {
	return ClusterErrToInterp(interp, &err);
    }
    if (ClusterServes(clusterPtr, CLUSTER_PROTO_T)) {
	serve |= 1 << CLUSTER_PROTO_T;
    }
    if (ClusterServes(clusterPtr, CLUSTER_PROTO_U)) {
	serve |= 1 << CLUSTER_PROTO_U;
    }
    if (ClusterNetStreamsOpen(serve, configPtr->unixPathObj
	    ? Tcl_GetString(configPtr->unixPathObj) : NULL, clusterPtr->sid,
	    &configPtr->limits, &netHandler, clusterPtr,
	    &clusterPtr->streamsPtr, &err) != TCL_OK) {
	ClusterTransportsClose(clusterPtr);
	return ClusterErrToInterp(interp, &err);
    }
    if (ClusterPeersOpen(clusterPtr, &peerHandler, interp) != TCL_OK) {
	ClusterTransportsClose(clusterPtr);
	return TCL_ERROR;
    }
    return TCL_OK;
}

void
ClusterTransportsClose(
    Cluster *clusterPtr)	/* Cluster going away. */
{
    /*
     * Closing the streams unbinds every connection from its peer: no
     * service keeps one afterwards.
     */

    ClusterNetStreamsClose(clusterPtr->streamsPtr);
    clusterPtr->streamsPtr = NULL;
    ClusterPeersClose(clusterPtr);
    ClusterNetMcastClose(clusterPtr->mcastPtr);
    clusterPtr->mcastPtr = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * NetPacketProc --
 *
 *	A transport's packet arrived: the seal step first (ClusterOpenIn,
 *	clusterCoreSeal.c: open it with keys, or drop it), then the receive
 *	pipeline (ClusterReceivePacket), holding the cluster.
 *
 * Results:
 *	CLUSTER_NET_GONE when the cluster was destroyed meanwhile, else
 *	CLUSTER_NET_OK. *keepPtr is 1 when the packet asked for keepalive.
 *
 * Side effects:
 *	Anything the pipeline and the hooks do.
 *
 *----------------------------------------------------------------------
 */

static int
NetPacketProc(
    void *owner,		/* The Cluster. */
    ClusterProto proto,		/* Transport it came on. */
    const unsigned char *bytes,	/* The whole packet or sealed frame. */
    size_t length,		/* Its size. */
    const ClusterAddr *fromPtr,	/* Its source. */
    ClusterConn *connPtr,	/* Its stream, or NULL. */
    int *keepPtr)		/* Out: keep the stream open. */
{
    Cluster *clusterPtr = owner;
    int result;

    *keepPtr = 0;
    if (ClusterIsDeleted(clusterPtr)) {
	return CLUSTER_NET_GONE;
    }
    result = ReceiveDatagram(clusterPtr, proto, bytes, length, fromPtr,
	    connPtr, 0);
    *keepPtr = (result > 0);
    return (result == -2) ? CLUSTER_NET_GONE : CLUSTER_NET_OK;
}

static int
PeerPacketProc(
    void *owner,		/* The Cluster. */
    ClusterProto proto,		/* CLUSTER_PROTO_C. */
    const unsigned char *bytes,	/* The whole packet or sealed frame. */
    size_t length,		/* Its size. */
    const ClusterAddr *fromPtr,	/* Its source: the peer. */
    ClusterConn *connPtr,	/* NULL. */
    int *keepPtr)		/* Out: not used. */
{
    Cluster *clusterPtr = owner;

    *keepPtr = 0;
    if (ClusterIsDeleted(clusterPtr)) {
	return CLUSTER_NET_GONE;
    }
    clusterPtr->stats.peerPacketsIn++;
    clusterPtr->stats.peerBytesIn += (Tcl_WideInt) length;
    return (ReceiveDatagram(clusterPtr, proto, bytes, length, fromPtr,
	    connPtr, 1) == -2) ? CLUSTER_NET_GONE : CLUSTER_NET_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ReceiveDatagram --
 *
 *	The part of NetPacketProc and PeerPacketProc they share: the seal
 *	step, then the pipeline, with the peer socket's mark set for the
 *	time of the call (and restored: a hook may run the event loop).
 *
 * Results:
 *	-2 when the cluster was destroyed meanwhile, else the result of
 *	ClusterReceivePacket (-1 when the packet did not open).
 *
 * Side effects:
 *	Anything the pipeline and the hooks do.
 *
 *----------------------------------------------------------------------
 */

static int
ReceiveDatagram(
    Cluster *clusterPtr,	/* Receiver (not deleted). */
    ClusterProto proto,		/* Transport it came on. */
    const unsigned char *bytes,	/* The whole packet or sealed frame. */
    size_t length,		/* Its size. */
    const ClusterAddr *fromPtr,	/* Its source. */
    ClusterConn *connPtr,	/* Its stream, or NULL. */
    int viaPeer)		/* It came on the peer socket. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;
    ClusterBuf nestedBuf, *bufPtr = &sealPtr->openBuf;
    int result = -1, gone, nested = sealPtr->opening, wasPeer;

    if (nested) {
	/*
	 * A hook's nested event loop: the outer packet's buffer stays.
	 */

	ClusterBufInit(&nestedBuf);
	bufPtr = &nestedBuf;
    }
    Tcl_Preserve(clusterPtr);
    sealPtr->opening = 1;
    wasPeer = ClusterPeersReceiving(clusterPtr, viaPeer);
    if (ClusterOpenIn(clusterPtr, proto, &bytes, &length, bufPtr)) {
	result = ClusterReceivePacket(clusterPtr, proto, bytes, length,
		fromPtr, connPtr);
    }
    sealPtr->opening = nested;
    ClusterPeersReceiving(clusterPtr, wasPeer);
    gone = ClusterIsDeleted(clusterPtr);
    if (nested) {
	ClusterBufFree(&nestedBuf);
    }
    Tcl_Release(clusterPtr);
    return gone ? -2 : result;
}

/*
 *----------------------------------------------------------------------
 *
 * NetFailedProc --
 *
 *	Packets queued on a stream to a service were not delivered: hand
 *	them to the send policy (ClusterSendFailed), which tries the next
 *	protocol, reports the failure and schedules a ping. With keys they
 *	are sealed frames: they are opened first (ClusterOpenOwn), and each
 *	protocol that takes one seals it again on its own lane.
 *
 * Results:
 *	CLUSTER_NET_GONE when the cluster was destroyed meanwhile, else
 *	CLUSTER_NET_OK.
 *
 * Side effects:
 *	Anything the send hooks do.
 *
 *----------------------------------------------------------------------
 */

static int
NetFailedProc(
    void *owner,		/* The Cluster. */
    ClusterNetPeer *peerPtr,	/* The service's peer record, or NULL. */
    ClusterProto proto,		/* Transport that failed. */
    const ClusterNetPacket *packets,	/* What was not delivered. */
    int numPackets,		/* How many. */
    const char *reason)		/* What went wrong. */
{
    return GivenBack(owner, peerPtr, proto, packets, numPackets, reason,
	    NULL);
}

/*
 *----------------------------------------------------------------------
 *
 * GivenBack --
 *
 *	Packets a stream gives back: not delivered (taken NULL: to
 *	ClusterSendFailed), or queued on a connect pending past
 *	-connectdelay (to ClusterSendSlow, which fills taken[]; with keys,
 *	only when every frame still opens, so that taken[] matches). With
 *	keys they are sealed frames, opened first (ClusterOpenOwn); each
 *	protocol that takes one seals it again on its own lane.
 *
 * Results:
 *	CLUSTER_NET_GONE when the cluster was destroyed meanwhile, else
 *	CLUSTER_NET_OK.
 *
 * Side effects:
 *	Anything the send hooks do.
 *
 *----------------------------------------------------------------------
 */

static int
GivenBack(
    void *owner,		/* The Cluster. */
    ClusterNetPeer *peerPtr,	/* The service's peer record, or NULL. */
    ClusterProto proto,		/* Transport that gave them back. */
    const ClusterNetPacket *packets,	/* The packets. */
    int numPackets,		/* How many. */
    const char *reason,		/* What went wrong (taken NULL). */
    int *taken)			/* Out, for a slow connect; or NULL. */
{
    Cluster *clusterPtr = owner;
    ClusterNetPacket *opened = NULL;
    unsigned char *storage = NULL;
    int gone, numOpened = numPackets;

    if (ClusterIsDeleted(clusterPtr)) {
	return CLUSTER_NET_GONE;
    }
    if (clusterPtr->seal.numKeys > 0 && numPackets > 0) {
	opened = ClusterOpenOwn(clusterPtr, packets, &numOpened, &storage);
	packets = opened;
    }
    Tcl_Preserve(clusterPtr);
    if (taken == NULL) {
	ClusterSendFailed(clusterPtr, peerPtr ? peerPtr->data : NULL, proto,
		packets, numOpened, reason);
    } else if (numOpened == numPackets && peerPtr != NULL) {
	ClusterSendSlow(clusterPtr, peerPtr->data, proto, packets,
		numPackets, taken);
    }
    gone = ClusterIsDeleted(clusterPtr);
    Tcl_Release(clusterPtr);
    if (opened != NULL) {
	ckfree(opened);
	ckfree(storage);
    }
    return gone ? CLUSTER_NET_GONE : CLUSTER_NET_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * NetOversizeProc, NetSentProc --
 *
 *	Count packets dropped by a transport for their size (a datagram
 *	too large to read whole also counts as received), and packets a
 *	stream wrote whole.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Counters.
 *
 *----------------------------------------------------------------------
 */

static void
NetOversizeProc(
    void *owner,		/* The Cluster. */
    ClusterProto proto,		/* Transport that dropped them. */
    int count)			/* How many. */
{
    Cluster *clusterPtr = owner;

    if (proto == CLUSTER_PROTO_C) {
	clusterPtr->stats.packetsIn[proto] += count;
    }
    clusterPtr->stats.dropped[CLUSTER_DROP_OVERSIZE] += count;
}

static void
NetSentProc(
    void *owner,		/* The Cluster. */
    ClusterProto proto,		/* Transport that wrote it. */
    size_t length,		/* The packet's size. */
    unsigned long tag)		/* Its outcome (-command), or 0. */
{
    Cluster *clusterPtr = owner;

    clusterPtr->stats.packetsOut[proto]++;
    clusterPtr->stats.bytesOut[proto] += (Tcl_WideInt) length;
    ClusterOutcomeDone(clusterPtr, tag, proto, NULL);
}

/*
 *----------------------------------------------------------------------
 *
 * NetSlowProc, NetLostProc --
 *
 *	A connect to a service is pending past -connectdelay: offer the
 *	packets queued on it to the send policy (ClusterSendSlow), opened
 *	first with keys as in NetFailedProc. A tagged packet was dropped
 *	unsent: its outcome is a failure.
 *
 * Results:
 *	NetSlowProc: CLUSTER_NET_GONE when the cluster was destroyed
 *	meanwhile, else CLUSTER_NET_OK; taken[i] is 1 for each packet sent
 *	some other way.
 *
 * Side effects:
 *	Packets, hooks; an outcome.
 *
 *----------------------------------------------------------------------
 */

static int
NetSlowProc(
    void *owner,		/* The Cluster. */
    ClusterNetPeer *peerPtr,	/* The service's peer record, or NULL. */
    ClusterProto proto,		/* Transport still connecting. */
    const ClusterNetPacket *packets,	/* What is queued on it. */
    int numPackets,		/* How many. */
    int *taken)			/* Out: 1 for each packet sent. */
{
    return GivenBack(owner, peerPtr, proto, packets, numPackets, NULL,
	    taken);
}

static void
NetLostProc(
    void *owner,		/* The Cluster. */
    unsigned long tag)		/* The packet's outcome. */
{
    Cluster *clusterPtr = owner;

    ClusterOutcomeDone(clusterPtr, tag, -1,
	    "dropped unsent: its connection was closed");
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastSend --
 *
 *	Send one encoded packet to the group (sealed on lane 0 with
 *	keys), and count it.
 *
 * Results:
 *	A standard Tcl result. A packet too large for one datagram (once
 *	sealed) is an error {CLUSTER SEND TOO_LARGE}, never a truncation.
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
    ClusterErr err;
    int toPeers;

    if (clusterPtr->mcastPtr == NULL) {
	clusterPtr->stats.sendFailures[CLUSTER_PROTO_C]++;
	return ClusterError(interp, "SEND", "MULTICAST",
		"can't send to the multicast group: socket closed");
    }
    if (ClusterSealOut(clusterPtr, 0, &clusterPtr->seal.mcastSeq, 1,
	    &bytes, &length) < 0) {
	clusterPtr->stats.sendFailures[CLUSTER_PROTO_C]++;
	return ClusterError(interp, "SEND", "NO_KEY",
		"can't send: the cluster's keys are wiped");
    }
    if (length <= CLUSTER_NET_MAX_DATAGRAM) {
	toPeers = ClusterPeersSendAll(clusterPtr, bytes, length);
    } else {
	toPeers = 0;
    }
    if (ClusterNetMcastSend(clusterPtr->mcastPtr, bytes, length, &err)
	    != TCL_OK) {
	clusterPtr->stats.sendFailures[CLUSTER_PROTO_C]++;
	if (toPeers > 0) {
	    return TCL_OK;	/* Peers took it: no multicast here. */
	}
	return ClusterErrToInterp(interp, &err);
    }
    clusterPtr->stats.packetsOut[CLUSTER_PROTO_C]++;
    clusterPtr->stats.bytesOut[CLUSTER_PROTO_C] += (Tcl_WideInt) length;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastFits --
 *
 *	Whether an encoded packet fits one datagram once sealed (with
 *	keys): the one size rule of every path that multicasts.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with {CLUSTER SEND TOO_LARGE} in interp (when
 *	not NULL) naming the size, the limit and the protocol.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterMulticastFits(
    Cluster *clusterPtr,	/* Sender. */
    size_t length,		/* Encoded packet, before sealing. */
    Tcl_Interp *interp)		/* For errors, or NULL. */
{
    size_t wire = (clusterPtr->seal.numKeys > 0)
	    ? ClusterSealedLength(length) : length;

    if (wire <= CLUSTER_NET_MAX_DATAGRAM) {
	return TCL_OK;
    }
    return ClusterError(interp, "SEND", "TOO_LARGE",
	    "can't send a packet of %lu bytes over c (multicast): one"
	    " datagram holds at most %d; send it to services over t or u"
	    " (-protocols {t u}, -broadcast 0)", (unsigned long) wire,
	    CLUSTER_NET_MAX_DATAGRAM);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMulticastFd --
 *
 *	The descriptor of the cluster's multicast socket (`$c protocol c`).
 *
 * Results:
 *	The descriptor, or -1.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterMulticastFd(
    const Cluster *clusterPtr)	/* Cluster of interest. */
{
    return ClusterNetMcastFd(clusterPtr->mcastPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamSend --
 *
 *	Send one whole packet to a service over t or u: on its open
 *	connection for that protocol while usable, else on a new one
 *	opened without blocking, to 127.0.0.1 for a service on this
 *	machine (t), or to the socket file it advertises (u, for local
 *	services only). With keys the packet goes sealed on the service's
 *	lane. A failure found later comes back through NetFailedProc.
 *
 * Results:
 *	TCL_OK when the packet is queued; TCL_CONTINUE, without queuing
 *	it, when the connection's connect is pending past -connectdelay
 *	(ClusterConnSlow) unless flags has CLUSTER_SEND_WAIT: the caller
 *	tries its next protocol first; TCL_ERROR at once when sending is
 *	impossible (no props for the protocol, u to a remote service,
 *	immediate connect failure, a bound hit), counted in
 *	stats.sendFailures.
 *
 * Side effects:
 *	May open a connection.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamSend(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Service to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its length. */
    int flags,			/* CLUSTER_SEND_* flags. */
    unsigned long tag)		/* Outcome to report (-command), or 0. */
{
    ClusterConn *connPtr;
    ClusterAddr to;
    const char *path = NULL;

    if (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U) {
	return TCL_ERROR;
    }
    connPtr = (servicePtr != NULL) ? servicePtr->peer.conns[proto] : NULL;
    if (connPtr != NULL && !(flags & CLUSTER_SEND_WAIT)
	    && ClusterConnSlow(connPtr)) {
	return TCL_CONTINUE;
    }
    flags &= ~CLUSTER_SEND_WAIT;
    if (clusterPtr->streamsPtr != NULL && servicePtr != NULL
	    && !ClusterIsDeleted(clusterPtr)
	    && !(servicePtr->flags & SERVICE_DELETED)
	    && ClusterSealOut(clusterPtr, ClusterServiceLane(servicePtr),
		    &servicePtr->sealSeq, 0, &bytes, &length) >= 0) {
	if (connPtr != NULL && ClusterConnUsable(connPtr)) {
	    if (ClusterConnWrite(connPtr, bytes, length, flags, tag)
		    == TCL_OK) {
		return TCL_OK;
	    }
	} else if (ClusterServiceTarget(servicePtr, proto, &to, &path)
		    == TCL_OK
		&& ClusterNetStreamConnect(clusterPtr->streamsPtr,
		    &servicePtr->peer, proto, &to, path, bytes, length,
		    flags, tag) == TCL_OK) {
	    return TCL_OK;
	}
    }
    clusterPtr->stats.sendFailures[proto]++;
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamReply --
 *
 *	Write a packet on the connection a payload came on (the answer to
 *	a query that came over a stream); with keys, sealed on the
 *	cluster's reply lane.
 *
 * Results:
 *	A standard Tcl result; a failure is counted in stats.sendFailures.
 *
 * Side effects:
 *	Queues the packet.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamReply(
    Cluster *clusterPtr,	/* Sender. */
    ClusterConn *connPtr,	/* Connection to answer on. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length)		/* Its length. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;

    if (ClusterSealOut(clusterPtr, sealPtr->replyLane, &sealPtr->replySeq, 0,
	    &bytes, &length) < 0
	    || ClusterConnWrite(connPtr, bytes, length, 0, 0) != TCL_OK) {
	clusterPtr->stats.sendFailures[ClusterConnProto(connPtr)]++;
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamProps --
 *
 *	The props a stream protocol advertises in heartbeats.
 *
 * Results:
 *	A new dict, `port N` for t or `path P` for u; NULL when the
 *	protocol is not served.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterStreamProps(
    Cluster *clusterPtr,	/* Cluster of interest. */
    ClusterProto proto)		/* Protocol of interest. */
{
    Tcl_Obj *dictObj;
    const char *path = NULL;
    int port = 0;

    if (!ClusterNetStreamServed(clusterPtr->streamsPtr, proto, &port,
	    &path)) {
	return NULL;
    }
    dictObj = Tcl_NewDictObj();
    if (proto == CLUSTER_PROTO_T) {
	Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("port", -1),
		Tcl_NewIntObj(port));
    } else {
	Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("path", -1),
		Tcl_NewStringObj(path ? path : "", -1));
    }
    return dictObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamRebuild, ClusterStreamHealthy, ClusterStreamBreak --
 *
 *	Replace a stream protocol's server by a new one (self-healing,
 *	doc/protocol.md section 2, type 8); tell whether it still works
 *	(the member's own check before a rebuild); close it behind
 *	everyone's back (`$c debug close-server`).
 *
 * Results:
 *	A standard Tcl result; errors go to interp when it is not NULL.
 *	ClusterStreamHealthy: 1 when the server works, 0 when broken.
 *
 * Side effects:
 *	Sockets and file handlers.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamRebuild(
    Cluster *clusterPtr,	/* Cluster to heal. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    Tcl_Interp *interp)		/* For errors, or NULL. */
{
    ClusterErr err;

    if (ClusterIsDeleted(clusterPtr)) {
	return ClusterError(interp, "SOCKET", "NOT_SERVED",
		"protocol is not served by this member");
    }
    if (ClusterNetStreamRebuild(clusterPtr->streamsPtr, proto, &err)
	    != TCL_OK) {
	return ClusterErrToInterp(interp, &err);
    }
    return TCL_OK;
}

int
ClusterStreamHealthy(
    Cluster *clusterPtr,	/* Cluster to check. */
    ClusterProto proto)		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
{
    return ClusterNetStreamHealthy(clusterPtr->streamsPtr, proto);
}

int
ClusterStreamBreak(
    Cluster *clusterPtr,	/* Cluster to damage. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterErr err;

    if (ClusterNetStreamBreak(clusterPtr->streamsPtr, proto, &err)
	    != TCL_OK) {
	return ClusterErrToInterp(interp, &err);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamsForget, ClusterStreamStats --
 *
 *	A service is going away: nothing of the transports may point to it
 *	afterwards. Add the stream transports' counters to a stats dict,
 *	under the key `streams`.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Closes or unbinds connections; modifies dictObj (unshared).
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamsForget(
    ClusterService *servicePtr)	/* Service going away. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    ClusterNetStreamsForget(clusterPtr ? clusterPtr->streamsPtr : NULL,
	    &servicePtr->peer);
}

void
ClusterStreamStats(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Obj *dictObj)		/* Unshared dict to add to. */
{
    if (Tcl_IsShared(dictObj)) {
	return;
    }
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("streams", -1),
	    ClusterNetStreamStats(clusterPtr->streamsPtr));
}
