/*
 * clusterNetConnIO.c --
 *
 *	Traffic on the open connections of the stream transports t and u:
 *	write queues of whole packets and their flushing, reading straight
 *	into the reassembler, delivery of whole packets to the owner, the
 *	keepalive rule of doc/protocol.md section 4, and the file handler that drives
 *	them. The pool, and accepting, opening, binding and closing
 *	connections, live in clusterNetConn.c; the bounds on what a peer may
 *	send, and the timer, in clusterNetLimits.c; the declarations the
 *	three files share, and the lifetimes of a connection, in
 *	clusterNetInt.h.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNetInt.h"
#include <errno.h>

/*
 * Static functions in this file.
 */

static void		ConnDecide(ClusterConn *connPtr);
static int		ConnDeliver(ClusterConn *connPtr);
static void		ConnFileProc(ClientData clientData, int mask);
static int		ConnFlush(ClusterConn *connPtr);
static void		ConnResume(ClusterConn *connPtr);
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
    int flags)			/* CLUSTER_SEND_* flags. */
{
    if (connPtr == NULL) {
	return TCL_ERROR;
    }
    return ConnQueue(connPtr, bytes, length, flags);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnWatch --
 *
 *	Make the file handler watch what the connection needs now: input
 *	unless a connect is pending, packets are being handed to the owner
 *	(a nested event loop must not read into the buffer they point
 *	into) or the connection is throttled (ConnOverShare); writability
 *	while connecting or while packets are queued.
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
    if (!(connPtr->flags & (CONN_CONNECTING | CONN_BUSY
	    | CONN_THROTTLED))) {
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
    int flags)			/* CLUSTER_SEND_* flags. */
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
		connPtr->proto, pktPtr->length);
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
 *	fresh connection. Once per connection, since a closed one is never
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
    int numPackets = 0, i, flags;

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
    ConnClose(connPtr);
    if (unsentPtr == NULL) {
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
	    & (CONN_CLOSED | CONN_BUSY | CONN_CONNECTING))) {
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
 * ConnResume --
 *
 *	A throttled connection's peer has read enough: read from it again,
 *	and first hand the owner the whole frames that waited, unless
 *	packets of this connection are being handed over already (a nested
 *	event loop: that loop goes on by itself).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Anything the owner does; may close or fail the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnResume(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    connPtr->flags &= ~CONN_THROTTLED;
    ConnWatch(connPtr);
    if (connPtr->flags & CONN_BUSY) {
	return;
    }
    if (ConnDeliver(connPtr) != TCL_OK) {
	return;
    }
    ConnHarvestCounters(connPtr);
    if (!(connPtr->flags & CONN_THROTTLED)) {
	ConnDecide(connPtr);
    }
    ConnArmTimer(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnReadable, ConnDeliver --
 *
 *	Read what the socket has (at most CONN_READS_PER_EVENT chunks)
 *	straight into the reassembler, and after each chunk hand every
 *	whole packet to the owner, noting whether the last one asked for
 *	keepalive, with input not watched meanwhile (see ConnWatch). So
 *	the reassembler never holds more than one incomplete frame and one
 *	chunk. A connection whose input breaks a bound (ConnCheckInput) is
 *	cut off before anything after the offence is delivered. A throttled
 *	one (ConnOverShare) is neither read nor delivered from: its whole
 *	frames wait for ConnResume. Then close on end of file, or apply the
 *	keepalive rule, and arm the timer.
 *
 * Results:
 *	ConnDeliver: TCL_OK, or TCL_ERROR when the cluster or the
 *	connection went away during a call into the owner, or the
 *	connection was cut off.
 *
 * Side effects:
 *	Anything the owner does; may close or fail the connection.
 *
 *----------------------------------------------------------------------
 */

void
ConnReadable(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    unsigned char *space;
    int i, got, err = 0, eof = 0, more = 1;

    for (i = 0; i < CONN_READS_PER_EVENT; i++) {
	if (connPtr->flags & CONN_THROTTLED) {
	    break;		/* ConnResume goes on. */
	}
	space = ClusterStreamSpace(&connPtr->stream, CONN_READ_CHUNK);
	got = ClusterpRead(connPtr->fd, space, CONN_READ_CHUNK);
	if (got <= 0) {
	    more = 0;
	    if (got < 0 && ConnWouldBlock(errno)) {
		break;
	    }
	    eof = 1;
	    err = (got < 0) ? errno : 0;
	    break;
	}
	ClusterStreamCommit(&connPtr->stream, (size_t) got);
	if (ConnDeliver(connPtr) != TCL_OK) {
	    return;
	}
	ConnNoteInput(connPtr);
	if (got < CONN_READ_CHUNK) {
	    more = 0;
	    break;
	}
    }
    ConnHarvestCounters(connPtr);
    if (eof) {
	if (!err) {
	    connPtr->flags |= CONN_PEER_CLOSED;
	}
	ConnFail(connPtr, err ? Tcl_ErrnoMsg(err) : "closed by peer");
	return;
    }
    if (!more && !(connPtr->flags & CONN_THROTTLED)) {
	ConnDecide(connPtr);
    }
    ConnArmTimer(connPtr);
}

static int
ConnDeliver(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    const unsigned char *bytes;
    size_t length;
    int keep;

    while (!(connPtr->flags & CONN_THROTTLED)
	    && ClusterStreamNext(&connPtr->stream, &bytes, &length) > 0) {
	if (ConnCheckInput(connPtr, 1) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (!(connPtr->flags & CONN_BUSY)) {
	    /*
	     * New payloads: the keepalive rule is applied anew after them,
	     * and a nested event loop must not close the connection.
	     */

	    connPtr->flags = (connPtr->flags | CONN_BUSY)
		    & ~(CONN_CLOSING | CONN_IDLE);
	    ConnWatch(connPtr);
	}
	keep = 0;
	connPtr->poolPtr->handlerPtr->packetProc(connPtr->poolPtr->owner,
		connPtr->proto, bytes, length, &connPtr->peer, connPtr,
		&keep);
	if (connPtr->flags & CONN_CLOSED) {
	    return TCL_ERROR;	/* Closed, or its owner is gone. */
	}
	connPtr->flags |= CONN_HANDLED;
	if (keep) {
	    connPtr->flags |= CONN_KEEP;
	} else {
	    connPtr->flags &= ~CONN_KEEP;
	}
    }
    if (connPtr->flags & CONN_BUSY) {
	connPtr->flags &= ~CONN_BUSY;
	ConnWatch(connPtr);
    }
    return ConnCheckInput(connPtr, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnDecide --
 *
 *	The keepalive rule (doc/protocol.md section 4) for a connection we accepted:
 *	once everything read has been handled, and no partial frame waits,
 *	if the last payload handled did not ask for keepalive (or was
 *	dropped), close our end, after writing any queued reply. The close
 *	waits until no input came for CONN_IDLE_CLOSE_MS, and new payloads
 *	cancel it (ConnDeliver): a sender that pipelines payloads on a
 *	reused connection (ClusterConnUsable) would otherwise lose those
 *	in flight. A connection that stays open becomes its peer's
 *	connection again if that slot is free. Connections we opened stay
 *	open until the peer closes them.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May close the connection or mark it closing (the caller arms the
 *	timer).
 *
 *----------------------------------------------------------------------
 */

static void
ConnDecide(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    ClusterNetPeer *peerPtr = connPtr->peerPtr;

    if ((connPtr->flags & CONN_OUTGOING)
	    || !(connPtr->flags & CONN_HANDLED)) {
	return;
    }
    if ((connPtr->flags & CONN_KEEP)
	    || ClusterStreamBuffered(&connPtr->stream) > 0) {
	connPtr->flags &= ~(CONN_CLOSING | CONN_IDLE);
	if (peerPtr != NULL && peerPtr->conns[connPtr->proto] == NULL) {
	    peerPtr->conns[connPtr->proto] = connPtr;
	}
	return;
    }
    if (!(connPtr->flags & CONN_CLOSING)) {
	connPtr->flags |= CONN_CLOSING;
	connPtr->closeMs = ClusterpMonotonicMs() + CONN_IDLE_CLOSE_MS;
    }
    ConnUnbind(connPtr, 0);
    if (!(connPtr->flags & CONN_IDLE)) {
	return;
    }
    if (connPtr->headPtr == NULL) {
	ConnClose(connPtr);
    } else {
	ConnWatch(connPtr);
    }
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
