/*
 * clusterNetConnIO.c --
 *
 *	Traffic on the open connections of the stream transports t and u:
 *	write queues of whole packets and their flushing, failure, and the
 *	file handler that drives them. Reading, delivery of whole packets to
 *	the owner and the keepalive rule of doc/protocol.md section 4 live
 *	in clusterNetConnRead.c; the pool, and accepting, opening, binding
 *	and closing connections, in clusterNetConn.c; the bounds on what a
 *	peer may send, and the timer, in clusterNetLimits.c; the
 *	declarations the four files share, and the lifetimes of a
 *	connection, in clusterNetInt.h.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNetInt.h"
#include <errno.h>

/*
 * Static functions in this file.
 */

static void		ConnFileProc(ClientData clientData, int mask);
static int		ConnFlush(ClusterConn *connPtr);
static void		ConnWritable(ClusterConn *connPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnWrite --
 *
 *	Queue one whole packet on an open connection, e.g. the answer to a
 *	query on the connection the query came in on. Writing starts at
 *	once when the socket takes it and goes on in the background.
 *
 * Results:
 *	TCL_OK when queued; TCL_ERROR when the connection is closed or its
 *	queue would go over -maxqueue (the owner counts the failure).
 *
 * Side effects:
 *	Writes or queues bytes.
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnWrite(
    ClusterConn *connPtr,	/* Connection to write on. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its length. */
    int flags,			/* CLUSTER_SEND_* flags. */
    unsigned long tag)		/* The owner's tag for it, or 0. */
{
    if (connPtr == NULL) {
	return TCL_ERROR;
    }
    return ConnQueue(connPtr, bytes, length, flags, tag);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnWatch --
 *
 *	Make the file handler watch what the connection needs now: input
 *	unless a connect is pending, the connection is throttled
 *	(ConnOverShare), its input ended while packets were being handed
 *	to the owner (CONN_EOF) or -maxnested of them are being handled;
 *	writability while connecting or while packets are queued. Input is watched while packets are handed over:
 *	a hook that runs the event loop gets what follows on the same
 *	connection, such as the answer it waits for (ConnDeliver).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Creates, changes or deletes the file handler.
 *
 *----------------------------------------------------------------------
 */

void
ConnWatch(
    ClusterConn *connPtr)	/* Connection to watch. */
{
    int mask = 0;

    if (connPtr->flags & CONN_CLOSED) {
	return;
    }
    if (!(connPtr->flags & (CONN_CONNECTING | CONN_THROTTLED | CONN_EOF))
	    && connPtr->delivering
		< connPtr->poolPtr->limitsPtr->maxNested) {
	mask |= TCL_READABLE;
    }
    if ((connPtr->flags & CONN_CONNECTING) || connPtr->headPtr != NULL) {
	mask |= TCL_WRITABLE;
    }
    if (mask == connPtr->mask) {
	return;
    }
    if (mask != 0) {
	Tcl_CreateFileHandler(connPtr->fd, mask, ConnFileProc, connPtr);
    } else {
	Tcl_DeleteFileHandler(connPtr->fd);
    }
    connPtr->mask = mask;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnQueue, ConnFlush --
 *
 *	Append a copy of a whole packet to the queue, and write at once
 *	when the queue was empty and the connection is up; a write error
 *	there is left for the writable event to find and report, so that
 *	the owner is never called back from inside a send. A payload without
 *	keepalive makes an outgoing connection spent (ClusterConnUsable).
 *	A queue left over the connection's share of -maxbuffered throttles
 *	it (ConnOverShare). ConnFlush writes
 *	until the socket is full; a packet leaves the queue (counted in
 *	stats.packetsOut) only once all its bytes are written.
 *
 * Results:
 *	ConnQueue: TCL_OK, or TCL_ERROR when the connection is closed or
 *	the packet would take its queue over -maxqueue (counted as
 *	queue_full) or all the queues over -maxbuffered (buffer_full).
 *	ConnFlush: 0, or -1 on a write error (errno set).
 *
 * Side effects:
 *	Memory, bytes written, the file handler.
 *
 *----------------------------------------------------------------------
 */

int
ConnQueue(
    ClusterConn *connPtr,	/* Connection to write on. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its length. */
    int flags,			/* CLUSTER_SEND_* flags. */
    unsigned long tag)		/* The owner's tag for it, or 0. */
{
    ClusterConnPool *poolPtr = connPtr->poolPtr;
    QueuedPacket *pktPtr;
    size_t maxQueue, maxBuffered;

    if (connPtr->flags & CONN_CLOSED) {
	return TCL_ERROR;
    }
    maxQueue = poolPtr->limitsPtr->maxQueue;
    if (connPtr->queued > maxQueue || length > maxQueue - connPtr->queued) {
	poolPtr->counts[POOL_QUEUE_FULL]++;
	return TCL_ERROR;
    }
    maxBuffered = poolPtr->limitsPtr->maxBuffered;
    if (poolPtr->queued > maxBuffered
	    || length > maxBuffered - poolPtr->queued) {
	poolPtr->counts[POOL_BUFFER_FULL]++;
	return TCL_ERROR;
    }
    pktPtr = ckalloc(sizeof(QueuedPacket) + (length ? length : 1));
    pktPtr->nextPtr = NULL;
    pktPtr->length = length;
    pktPtr->flags = flags;
    pktPtr->tag = tag;
    pktPtr->bytes = (unsigned char *) (pktPtr + 1);
    if (length > 0) {
	memcpy(pktPtr->bytes, bytes, length);
    }
    if (connPtr->tailPtr != NULL) {
	connPtr->tailPtr->nextPtr = pktPtr;
    } else {
	connPtr->headPtr = pktPtr;
	connPtr->offset = 0;
    }
    connPtr->tailPtr = pktPtr;
    connPtr->queued += length;
    connPtr->poolPtr->queued += length;
    if (connPtr->flags & CONN_OUTGOING) {
	if (flags & CLUSTER_SEND_KEEPALIVE) {
	    connPtr->flags &= ~CONN_SPENT;
	} else {
	    connPtr->flags |= CONN_SPENT;
	    connPtr->spentMs = ClusterpMonotonicMs();
	}
    }
    if (connPtr->headPtr == pktPtr
	    && !(connPtr->flags & CONN_CONNECTING)) {
	(void) ConnFlush(connPtr);
    }
    if (!(connPtr->flags & CONN_THROTTLED) && ConnOverShare(connPtr)) {
	connPtr->flags |= CONN_THROTTLED;
	poolPtr->counts[POOL_THROTTLED]++;
    }
    ConnWatch(connPtr);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnOverShare --
 *
 *	Whether a connection holds more than its share of -maxbuffered:
 *	-maxbuffered divided by one more than the connections open. The
 *	share left over is room for a connection that reads what it is
 *	sent, however many peers ask and never read: those are throttled
 *	once over their share, each holding at most one packet more, and
 *	-maxbuffered itself is never passed (ConnQueue).
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
ConnOverShare(
    ClusterConn *connPtr)	/* Connection of interest. */
{
    ClusterConnPool *poolPtr = connPtr->poolPtr;

    if (poolPtr == NULL || connPtr->queued == 0) {
	return 0;
    }
    return connPtr->queued > poolPtr->limitsPtr->maxBuffered
	    / ((size_t) poolPtr->numOpen + 1);
}

static int
ConnFlush(
    ClusterConn *connPtr)	/* Connection to write on. */
{
    QueuedPacket *pktPtr;
    int written;

    while ((pktPtr = connPtr->headPtr) != NULL) {
	if (connPtr->offset < pktPtr->length) {
	    written = ClusterpWrite(connPtr->fd,
		    pktPtr->bytes + connPtr->offset,
		    pktPtr->length - connPtr->offset);
	    if (written < 0) {
		return ConnWouldBlock(errno) ? 0 : -1;
	    }
	    connPtr->offset += (size_t) written;
	    connPtr->queued -= (size_t) written;
	    connPtr->poolPtr->queued -= (size_t) written;
	    if (connPtr->offset < pktPtr->length) {
		return 0;
	    }
	}
	connPtr->poolPtr->handlerPtr->sentProc(connPtr->poolPtr->owner,
		connPtr->proto, pktPtr->length, pktPtr->tag);
	connPtr->headPtr = pktPtr->nextPtr;
	if (connPtr->headPtr == NULL) {
	    connPtr->tailPtr = NULL;
	}
	connPtr->offset = 0;
	ckfree(pktPtr);
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnFail --
 *
 *	A connection failed (connect refused or timed out, write error, end
 *	of file, read error). Close it, then, when packets were still
 *	queued on it, hand them to the owner as a list of whole packets (a
 *	partly written one included: the receiver drops a partial frame)
 *	so that it can retry over another protocol; a connection we opened
 *	to a peer that ends with nothing queued is told too, with no
 *	packets (an answer owed on it will not come), unless the peer just
 *	closed it as it should: with a clean end of file, after our newest
 *	payload on it lacked keepalive. The owner is called
 *	after the close, so that a retry over the same protocol opens a
 *	fresh connection. A connect that handed its queue off after
 *	-connectdelay (ConnHandOff) reports its failure even with nothing
 *	left queued. Once per connection, since a closed one is never
 *	failed again.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Runs the failedProc, which may do anything: the caller holds
 *	Tcl_Preserve on the cluster and the connection.
 *
 *----------------------------------------------------------------------
 */

void
ConnFail(
    ClusterConn *connPtr,	/* Connection that failed. */
    const char *reason)		/* Static text: what went wrong. */
{
    ClusterConnPool *poolPtr = connPtr->poolPtr;
    ClusterNetPeer *peerPtr = connPtr->peerPtr;
    ClusterProto proto = connPtr->proto;
    const ClusterNetHandler *handlerPtr;
    ClusterNetPacket small[8], *packets = small;
    QueuedPacket *unsentPtr, *pktPtr;
    void *owner;
    int numPackets = 0, i, slowConnect, flags;

    if (connPtr->flags & CONN_CLOSED) {
	return;
    }
    handlerPtr = poolPtr->handlerPtr;
    owner = poolPtr->owner;

    /*
     * Take the queue out before closing: ConnClose would free it.
     */

    flags = connPtr->flags;
    unsentPtr = connPtr->headPtr;
    if (unsentPtr != NULL) {
	poolPtr->counts[POOL_FAILED]++;
	poolPtr->queued -= connPtr->queued;
	connPtr->queued = 0;
	connPtr->headPtr = connPtr->tailPtr = NULL;
    }
    slowConnect = (connPtr->flags & (CONN_SLOW | CONN_CONNECTING))
	    == (CONN_SLOW | CONN_CONNECTING);
    ConnClose(connPtr);
    if (unsentPtr == NULL && !slowConnect) {
	if ((flags & CONN_OUTGOING) && peerPtr != NULL
		&& (flags & (CONN_SPENT | CONN_PEER_CLOSED))
		    != (CONN_SPENT | CONN_PEER_CLOSED)) {
	    handlerPtr->failedProc(owner, peerPtr, proto, NULL, 0, reason);
	}
	return;
    }
    for (pktPtr = unsentPtr; pktPtr != NULL; pktPtr = pktPtr->nextPtr) {
	numPackets++;
    }
    if (numPackets > (int) (sizeof(small) / sizeof(small[0]))) {
	packets = ckalloc(numPackets * sizeof(ClusterNetPacket));
    }
    for (i = 0, pktPtr = unsentPtr; pktPtr != NULL;
	    i++, pktPtr = pktPtr->nextPtr) {
	packets[i].bytes = pktPtr->bytes;
	packets[i].length = pktPtr->length;
	packets[i].flags = pktPtr->flags;
	packets[i].tag = pktPtr->tag;
    }
    handlerPtr->failedProc(owner, peerPtr, proto, packets, numPackets,
	    reason);
    while ((pktPtr = unsentPtr) != NULL) {
	unsentPtr = pktPtr->nextPtr;
	ckfree(pktPtr);
    }
    if (packets != small) {
	ckfree(packets);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnHandOff --
 *
 *	A connect is still pending after -connectdelay: offer its queue to
 *	the owner (slowProc), which sends what it can some other way; the
 *	packets it took leave the queue, the others wait for the connect,
 *	which goes on. From then on the owner queues on the connection
 *	only what nothing else takes (ClusterConnSlow). Once per
 *	connection.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Runs the slowProc, which may do anything: the caller holds
 *	Tcl_Preserve on the connection.
 *
 *----------------------------------------------------------------------
 */

void
ConnHandOff(
    ClusterConn *connPtr)	/* Connecting connection (preserved). */
{
    ClusterConnPool *poolPtr = connPtr->poolPtr;
    ClusterNetPacket small[8], *packets = small;
    QueuedPacket *pktPtr, **linkPtr, *held[8], **offered = held;
    int numPackets = 0, i, *taken, tookSmall[8];

    connPtr->flags |= CONN_SLOW;
    poolPtr->counts[POOL_SLOW_CONNECTS]++;
    for (pktPtr = connPtr->headPtr; pktPtr; pktPtr = pktPtr->nextPtr) {
	numPackets++;
    }
    if (numPackets == 0) {
	return;
    }
    taken = tookSmall;
    if (numPackets > (int) (sizeof(small) / sizeof(small[0]))) {
	packets = ckalloc(numPackets * sizeof(ClusterNetPacket));
	offered = ckalloc(numPackets * sizeof(QueuedPacket *));
	taken = ckalloc(numPackets * sizeof(int));
    }
    for (i = 0, pktPtr = connPtr->headPtr; i < numPackets;
	    i++, pktPtr = pktPtr->nextPtr) {
	packets[i].bytes = pktPtr->bytes;
	packets[i].length = pktPtr->length;
	packets[i].flags = pktPtr->flags;
	packets[i].tag = pktPtr->tag;
	offered[i] = pktPtr;
	taken[i] = 0;
    }
    if (poolPtr->handlerPtr->slowProc(poolPtr->owner, connPtr->peerPtr,
	    connPtr->proto, packets, numPackets, taken) == CLUSTER_NET_OK
	    && !(connPtr->flags & CONN_CLOSED)) {
	/*
	 * Nothing was written yet (the connect is pending), so the packets
	 * taken can leave the queue wherever they are in it.
	 */

	for (i = 0; i < numPackets; i++) {
	    if (!taken[i]) {
		continue;
	    }
	    for (linkPtr = &connPtr->headPtr; *linkPtr != offered[i];
		    linkPtr = &(*linkPtr)->nextPtr) {
		/* Find it. */
	    }
	    *linkPtr = offered[i]->nextPtr;
	    connPtr->queued -= offered[i]->length;
	    poolPtr->queued -= offered[i]->length;
	    ckfree(offered[i]);
	}
	connPtr->tailPtr = NULL;
	for (pktPtr = connPtr->headPtr; pktPtr; pktPtr = pktPtr->nextPtr) {
	    connPtr->tailPtr = pktPtr;
	}
    }
    if (packets != small) {
	ckfree(packets);
	ckfree(offered);
	ckfree(taken);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnFileProc, ConnWritable --
 *
 *	The file handler of a connection. When writable: finish a pending
 *	connect, write the queue, close a closing connection once drained.
 *	When readable: read and hand packets to the owner. (The timer of a
 *	connection is ConnTimeoutProc, in clusterNetLimits.c.)
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Anything the owner does; may fail or close the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnFileProc(
    ClientData clientData,	/* The ClusterConn. */
    int mask)			/* Events that occurred. */
{
    ClusterConn *connPtr = clientData;

    Tcl_Preserve(connPtr);
    if (mask & TCL_WRITABLE) {
	ConnWritable(connPtr);
    }
    if ((mask & TCL_READABLE) && !(connPtr->flags
	    & (CONN_CLOSED | CONN_CONNECTING | CONN_EOF))) {
	ConnReadable(connPtr);
    }
    Tcl_Release(connPtr);
}

static void
ConnWritable(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    int err;

    if (connPtr->flags & CONN_CONNECTING) {
	err = ClusterpConnectResult(connPtr->fd);
	if (err != 0) {
	    connPtr->poolPtr->counts[POOL_CONNECT_FAILURES]++;
	    ConnFail(connPtr, Tcl_ErrnoMsg(err));
	    return;
	}
	if (connPtr->proto == CLUSTER_PROTO_U
		&& !ClusterpUnixPeerIsUs(connPtr->fd)) {
	    connPtr->poolPtr->counts[POOL_UNIX_REFUSED]++;
	    ConnFail(connPtr, "the u socket belongs to another user");
	    return;
	}
	connPtr->flags &= ~CONN_CONNECTING;
	if (connPtr->timer != NULL) {
	    Tcl_DeleteTimerHandler(connPtr->timer);
	    connPtr->timer = NULL;
	}
    }
    if (ConnFlush(connPtr) < 0) {
	ConnFail(connPtr, Tcl_ErrnoMsg(errno));
	return;
    }
    if (connPtr->headPtr == NULL && (connPtr->flags & CONN_IDLE)) {
	ConnClose(connPtr);
	return;
    }
    if ((connPtr->flags & CONN_THROTTLED) && !ConnOverShare(connPtr)) {
	ConnResume(connPtr);
	return;
    }
    ConnWatch(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnWouldBlock --
 *
 *	Whether an errno value only means that the socket is not ready.
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
ConnWouldBlock(
    int err)			/* An errno value. */
{
#if defined(EWOULDBLOCK) && (EWOULDBLOCK != EAGAIN)
    if (err == EWOULDBLOCK) {
	return 1;
    }
#endif
    return err == EAGAIN;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
