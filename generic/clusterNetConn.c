/*
 * clusterNetConn.c --
 *
 *	The connections of the stream transports t (TCP) and u (unix-domain
 *	stream): the pool of a cluster's connections, accepting them,
 *	opening them with non-blocking connects and a timeout, binding them
 *	to peers, closing them, and their counters. Traffic on an open
 *	connection (write queues, reading and reassembly, delivery to the
 *	core, the keepalive rule of doc/protocol.md section 4, the event callbacks)
 *	lives in clusterNetConnIO.c and clusterNetConnRead.c; the
 *	declarations the files share, and the lifetimes of a connection, in
 *	clusterNetInt.h. The servers that
 *	accept connections, and the choice of where to connect, live in
 *	clusterNetStream.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNetInt.h"
#include <errno.h>

/*
 * The names of a pool's counters, in the order of enum PoolCounter.
 */

static const char *const poolCounterNames[POOL_COUNT] = {
    "accepted", "refused", "connected", "connect_failures", "failed",
    "garbage_bytes", "bad_trailers", "bad_lengths", "oversized",
    "oversized_cutoffs", "garbage_cutoffs", "stalled", "queue_full",
    "outgoing_refused", "buffer_full", "throttled", "unix_refused",
    "input_cutoffs", "nested_full", "slow_connects", "moved"
};

/*
 * Static functions in this file.
 */

static ClusterConn *	ConnCreate(ClusterConnPool *poolPtr,
			    ClusterProto proto, int fd, int flags);
static int		LocalGone(ClusterConn *connPtr,
			    const ClusterIfAddr *locals, int numLocals);
static void		ConnRequeue(ClusterConnPool *poolPtr,
			    ClusterNetPeer *peerPtr,
			    const ClusterAddr *toPtr, QueuedPacket *headPtr);
static void		FreeConn(char *blockPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnPoolCreate, ClusterConnPoolFree --
 *
 *	Create the (empty) pool of an owner's connections; close every
 *	connection of a pool and free it. Nothing is reported to the owner:
 *	it is going away.
 *
 * Results:
 *	ClusterConnPoolCreate returns the new pool.
 *
 * Side effects:
 *	Memory; ClusterConnPoolFree closes sockets and unbinds peers.
 *
 *----------------------------------------------------------------------
 */

ClusterConnPool *
ClusterConnPoolCreate(
    const ClusterNetHandler *handlerPtr,	/* The owner's callbacks. */
    void *owner,		/* Handed to them. */
    const ClusterNetLimits *limitsPtr)	/* The bounds (the owner's). */
{
    ClusterConnPool *poolPtr = ckalloc(sizeof(ClusterConnPool));

    memset(poolPtr, 0, sizeof(ClusterConnPool));
    poolPtr->handlerPtr = handlerPtr;
    poolPtr->owner = owner;
    poolPtr->limitsPtr = limitsPtr;
    return poolPtr;
}

void
ClusterConnPoolFree(
    ClusterConnPool *poolPtr)	/* Pool to free. */
{
    while (poolPtr->firstPtr != NULL) {
	ConnClose(poolPtr->firstPtr);
    }
    ckfree(poolPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnAccept --
 *
 *	Accept one connection waiting on a server. Beyond -maxconns open
 *	accepted connections, or when its descriptor is too large for the
 *	notifier, a new one is closed at once (counted as refused), so
 *	that peers cannot exhaust our descriptors. One that is kept must
 *	send its first frame within -frametimeout ms (ConnArmTimer).
 *
 * Results:
 *	1 when a connection was taken, 0 when none is waiting, -1 on an
 *	error (errno is set; the caller should pause the server).
 *
 * Side effects:
 *	A new connection watched for input.
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnAccept(
    ClusterConnPool *poolPtr,	/* Where the connection goes. */
    ClusterProto proto,		/* Protocol of the server. */
    int listenFd)		/* Listening socket. */
{
    ClusterConn *connPtr;
    ClusterAddr from;
    int fd = ClusterpAccept(listenFd, &from);

    if (fd < 0) {
	return ConnWouldBlock(errno) ? 0 : -1;
    }
    poolPtr->counts[POOL_ACCEPTED]++;
    if (poolPtr->numAccepted >= poolPtr->limitsPtr->maxConns
	    || fd >= CLUSTER_MAX_WATCHED_FD) {
	ClusterpClose(fd);
	poolPtr->counts[POOL_REFUSED]++;
	return 1;
    }
    connPtr = ConnCreate(poolPtr, proto, fd, 0);
    if (proto == CLUSTER_PROTO_U || !ClusterAddrIsSet(&from)) {
	ClusterpParseAddress("127.0.0.1", &from);
	from.port = 0;
    }
    connPtr->peer = from;
    poolPtr->numAccepted++;
    ConnWatch(connPtr);
    ConnArmTimer(connPtr);
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnOpen --
 *
 *	Open a connection to a peer without blocking, make it the
 *	peer's connection for the protocol and queue a first packet on
 *	it. A pending connect gets -connecttimeout ms to complete; after
 *	-connectdelay ms its queue is offered to the owner (ConnHandOff),
 *	and the connect goes on. A u
 *	socket is connected to only when its file is a socket of our own
 *	user, and kept only when the process listening runs as our user
 *	(ClusterpUnixCheckFile, ClusterpUnixPeerIsUs; ConnWritable checks
 *	a connect that completes later): another user's socket may not
 *	be given what we send, whoever advertised its path.
 *
 * Results:
 *	TCL_OK when the packet is queued; TCL_ERROR when the connect failed
 *	at once, the packet is larger than -maxqueue or than what is left
 *	of -maxbuffered, or -maxconns outgoing connections are open already
 *	(nothing is left open; the last three are counted as queue_full,
 *	buffer_full and outgoing_refused).
 *
 * Side effects:
 *	A socket, a file handler, perhaps a timer.
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnOpen(
    ClusterConnPool *poolPtr,	/* Where the connection goes. */
    ClusterNetPeer *peerPtr,	/* Peer to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    const ClusterAddr *toPtr,	/* t: address and port (network order). */
    const char *path,		/* u: socket file. */
    const unsigned char *bytes,	/* First packet. */
    size_t length,		/* Its length. */
    int flags,			/* Its CLUSTER_SEND_* flags. */
    unsigned long tag)		/* The owner's tag for it, or 0. */
{
    const ClusterNetLimits *configPtr = poolPtr->limitsPtr;
    ClusterConn *connPtr;
    int fd = -1, status, ms;

    if (length > configPtr->maxQueue) {
	poolPtr->counts[POOL_QUEUE_FULL]++;
	return TCL_ERROR;
    }
    if (poolPtr->queued > configPtr->maxBuffered
	    || length > configPtr->maxBuffered - poolPtr->queued) {
	poolPtr->counts[POOL_BUFFER_FULL]++;
	return TCL_ERROR;
    }
    if (poolPtr->numOpen - poolPtr->numAccepted >= configPtr->maxConns) {
	poolPtr->counts[POOL_OUTGOING_REFUSED]++;
	return TCL_ERROR;
    }
    if (proto == CLUSTER_PROTO_U && ClusterpUnixCheckFile(path) < 0) {
	poolPtr->counts[POOL_UNIX_REFUSED]++;
	return TCL_ERROR;
    }
    status = (proto == CLUSTER_PROTO_T) ? ClusterpTcpConnect(toPtr, &fd)
	    : ClusterpUnixConnect(path, &fd);
    if (status >= 0 && fd >= CLUSTER_MAX_WATCHED_FD) {
	ClusterpClose(fd);
	status = -1;
    }
    if (status == CLUSTER_CONNECT_DONE && proto == CLUSTER_PROTO_U
	    && !ClusterpUnixPeerIsUs(fd)) {
	ClusterpClose(fd);
	poolPtr->counts[POOL_UNIX_REFUSED]++;
	return TCL_ERROR;
    }
    if (status < 0) {
	poolPtr->counts[POOL_CONNECT_FAILURES]++;
	return TCL_ERROR;
    }
    connPtr = ConnCreate(poolPtr, proto, fd, CONN_OUTGOING
	    | ((status == CLUSTER_CONNECT_PENDING) ? CONN_CONNECTING : 0));
    if (proto == CLUSTER_PROTO_T) {
	connPtr->peer = *toPtr;
    } else {
	ClusterpParseAddress("127.0.0.1", &connPtr->peer);
	connPtr->peer.port = 0;
    }
    connPtr->peerPtr = peerPtr;
    peerPtr->conns[proto] = connPtr;
    poolPtr->counts[POOL_CONNECTED]++;
    if (connPtr->flags & CONN_CONNECTING) {
	ms = configPtr->connectTimeoutMs;
	connPtr->closeMs = connPtr->progressMs
		+ ((ms > 0) ? ms : CONN_TIMEOUT_MS);
	if (configPtr->connectDelayMs > 0) {
	    connPtr->slowMs = connPtr->progressMs
		    + configPtr->connectDelayMs;
	}
	ConnArmTimer(connPtr);
    }
    ConnQueue(connPtr, bytes, length, flags, tag);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnUsable --
 *
 *	Whether more packets for its peer may be queued on a connection.
 *	Not when it is closed, nor when it is an outgoing connection whose
 *	last payload lacked keepalive more than CONN_REUSE_MS ago: its peer
 *	closes it once idle (ConnDecide), and what we wrote as it did so
 *	would be lost unseen. Such a connection is unbound from its peer
 *	(it still delivers its queue and reports a failure).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	May clear peerPtr->conns[proto].
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnUsable(
    ClusterConn *connPtr)	/* A peer's connection. */
{
    if (connPtr->flags & CONN_CLOSED) {
	return 0;
    }
    if ((connPtr->flags & CONN_SPENT)
	    && ClusterpMonotonicMs() - connPtr->spentMs >= CONN_REUSE_MS) {
	ConnUnbind(connPtr, 0);
	return 0;
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnSlow --
 *
 *	Whether a connection's connect is still pending after
 *	-connectdelay: its owner should send some other way meanwhile, and
 *	queue on it only what nothing else takes (CLUSTER_SEND_WAIT).
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
ClusterConnSlow(
    const ClusterConn *connPtr)	/* A peer's connection. */
{
    return (connPtr->flags & (CONN_CONNECTING | CONN_SLOW | CONN_CLOSED))
	    == (CONN_CONNECTING | CONN_SLOW);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnProto, ClusterConnName, ClusterConnBind --
 *
 *	The protocol of a connection; a short name for it (`t:3`: protocol
 *	and a number unique within the cluster) for `$peer socket id`;
 *	tie a connection we opened to the peer its payloads come from: it
 *	becomes the peer's connection for its protocol when that slot is
 *	empty and it is neither closing nor spent. A connection never
 *	changes peer.
 *
 *	A connection the peer opened is never tied to it: its payloads
 *	claim a sid that anyone may claim, so it is used only to answer
 *	what arrived on it (doc/protocol.md section 4.4), and what we send
 *	to that peer goes over a connection we open to the address it
 *	advertises.
 *
 * Results:
 *	As above; the name is a new object. ClusterConnBind returns 1 when
 *	the connection is (already) tied to the peer, 0 when it is not,
 *	and -1 for the first payload of an accepted connection that names
 *	its sender, which is not tied (so that the owner can count those
 *	once, also when payloads are handled nested: CONN_NAMED).
 *
 * Side effects:
 *	ClusterConnBind may set peerPtr->conns[proto].
 *
 *----------------------------------------------------------------------
 */

ClusterProto
ClusterConnProto(
    const ClusterConn *connPtr)	/* Connection of interest. */
{
    return connPtr->proto;
}

Tcl_Obj *
ClusterConnName(
    const ClusterConn *connPtr)	/* Connection of interest. */
{
    return Tcl_ObjPrintf("%s:%lu",
	    (connPtr->proto == CLUSTER_PROTO_U) ? "u" : "t", connPtr->id);
}

int
ClusterConnBind(
    ClusterConn *connPtr,	/* Connection a payload came on. */
    ClusterNetPeer *peerPtr)	/* Its sender. */
{
    if (connPtr == NULL || peerPtr == NULL
	    || (connPtr->flags & CONN_CLOSED)) {
	return 0;
    }
    if (!(connPtr->flags & CONN_OUTGOING)) {
	if (connPtr->flags & CONN_NAMED) {
	    return 0;
	}
	connPtr->flags |= CONN_NAMED;
	return -1;
    }
    if (connPtr->peerPtr == NULL) {
	connPtr->peerPtr = peerPtr;
    } else if (connPtr->peerPtr != peerPtr) {
	return 0;
    }
    if (peerPtr->conns[connPtr->proto] == NULL
	    && !(connPtr->flags & (CONN_CLOSING | CONN_SPENT))) {
	peerPtr->conns[connPtr->proto] = connPtr;
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnPoolForget, ClusterConnPoolStats --
 *
 *	A peer is going away: close the connections we opened to it
 *	(their unsent packets are dropped unreported: nobody is left to
 *	retry for) and only unbind those it opened to us, so that a reply
 *	in flight still goes out and the keepalive rule still closes them.
 *	The counters of a pool, for `$cluster stats`.
 *
 * Results:
 *	ClusterConnPoolStats: a new dict of open connections, queued bytes,
 *	the counters of poolCounterNames and the bytes held in partial
 *	frames (input_bytes); zeros when poolPtr is NULL.
 *
 * Side effects:
 *	After ClusterConnPoolForget nothing points to the peer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterConnPoolForget(
    ClusterConnPool *poolPtr,	/* The cluster's connections. */
    ClusterNetPeer *peerPtr)	/* Peer going away. */
{
    ClusterConn *connPtr, *nextPtr;

    for (connPtr = poolPtr->firstPtr; connPtr != NULL; connPtr = nextPtr) {
	nextPtr = connPtr->nextPtr;
	if (connPtr->peerPtr != peerPtr) {
	    continue;
	}
	if (connPtr->flags & CONN_OUTGOING) {
	    ConnClose(connPtr);
	} else {
	    ConnUnbind(connPtr, 1);
	}
    }
}

Tcl_Obj *
ClusterConnPoolStats(
    ClusterConnPool *poolPtr)	/* Pool of interest, or NULL. */
{
    Tcl_Obj *dictObj = Tcl_NewDictObj();
    ClusterConn *connPtr;
    int i;

    if (poolPtr != NULL) {
	for (connPtr = poolPtr->firstPtr; connPtr != NULL;
		connPtr = connPtr->nextPtr) {
	    ConnHarvestCounters(connPtr);
	}
    }
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("open", -1),
	    Tcl_NewIntObj(poolPtr ? poolPtr->numOpen : 0));
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("queued_bytes", -1),
	    Tcl_NewWideIntObj(poolPtr ? (Tcl_WideInt) poolPtr->queued : 0));
    for (i = 0; i < POOL_COUNT; i++) {
	Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj(poolCounterNames[i],
		-1), Tcl_NewWideIntObj(poolPtr ? poolPtr->counts[i] : 0));
    }
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("input_bytes", -1),
	    Tcl_NewWideIntObj(poolPtr ? (Tcl_WideInt) poolPtr->held : 0));
    return dictObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnPoolMove, LocalGone --
 *
 *	A peer's address changed, or ours did (a host was renumbered):
 *	close the t connections we opened to the peer at another address
 *	than toPtr, and, given the host's addresses now, those whose own
 *	end has an address the host no longer has. What is written on them
 *	may never arrive and nothing may ever say so (a vanished address
 *	answers nothing, and TCP retries for many minutes). The packets
 *	still queued on them, oldest connection first, go on the peer's
 *	connection to toPtr, opened when needed (from an address the host
 *	has); those it cannot take are handed to the owner's failedProc,
 *	for the peer's next protocol. Bytes the kernel had already taken
 *	are lost with the old connection, as with any connection that
 *	breaks.
 *
 * Results:
 *	The number of connections closed (counted as `moved`).
 *
 * Side effects:
 *	Closes connections, may open one; may run the failedProc, which
 *	may do anything (the caller holds Tcl_Preserve on the owner).
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnPoolMove(
    ClusterConnPool *poolPtr,	/* The owner's connections. */
    ClusterNetPeer *peerPtr,	/* Peer whose address changed. */
    const ClusterAddr *toPtr,	/* Its t address and port now. */
    const ClusterIfAddr *locals,	/* The host's addresses now, or NULL:
				 * don't check our end. */
    int numLocals)		/* How many. */
{
    ClusterConn *connPtr, *nextPtr;
    QueuedPacket *headPtr = NULL, *pktPtr;
    int moved = 0;

    for (connPtr = poolPtr->firstPtr; connPtr != NULL; connPtr = nextPtr) {
	nextPtr = connPtr->nextPtr;
	if (connPtr->peerPtr != peerPtr || connPtr->proto != CLUSTER_PROTO_T
		|| !(connPtr->flags & CONN_OUTGOING)
		|| (ClusterAddrSameIp(&connPtr->peer, toPtr)
		    && connPtr->peer.port == toPtr->port
		    && !LocalGone(connPtr, locals, numLocals))) {
	    continue;
	}

	/*
	 * The list is newest first: put each older queue before the
	 * packets taken so far.
	 */

	if (connPtr->headPtr != NULL) {
	    connPtr->tailPtr->nextPtr = headPtr;
	    headPtr = connPtr->headPtr;
	    poolPtr->queued -= connPtr->queued;
	    connPtr->queued = 0;
	    connPtr->headPtr = connPtr->tailPtr = NULL;
	}
	ConnClose(connPtr);
	moved++;
    }
    poolPtr->counts[POOL_MOVED] += moved;
    if (headPtr != NULL) {
	ConnRequeue(poolPtr, peerPtr, toPtr, headPtr);
    }
    while ((pktPtr = headPtr) != NULL) {
	headPtr = pktPtr->nextPtr;
	ckfree(pktPtr);
    }
    return moved;
}

static int
LocalGone(
    ClusterConn *connPtr,	/* Open outgoing t connection. */
    const ClusterIfAddr *locals,	/* The host's addresses, or NULL. */
    int numLocals)		/* How many. */
{
    ClusterAddr local;
    int i;

    if (locals == NULL || ClusterpSocketLocalAddress(connPtr->fd, &local)
	    < 0 || !ClusterAddrIsSet(&local)
	    || ClusterAddrIsLoopback(&local)) {
	return 0;
    }
    for (i = 0; i < numLocals; i++) {
	if (ClusterAddrSameIp(&locals[i].addr, &local)) {
	    return 0;
	}
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnRequeue --
 *
 *	Queue packets, in order, on a peer's t connection, opening one to
 *	toPtr when it has none usable; hand those that do not fit to the
 *	owner's failedProc.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	As ClusterConnPoolMove. The packets stay the caller's.
 *
 *----------------------------------------------------------------------
 */

static void
ConnRequeue(
    ClusterConnPool *poolPtr,	/* The owner's connections. */
    ClusterNetPeer *peerPtr,	/* Peer to reach. */
    const ClusterAddr *toPtr,	/* Its t address and port. */
    QueuedPacket *headPtr)	/* Packets, oldest first. */
{
    ClusterNetPacket small[8], *failed = small;
    QueuedPacket *pktPtr;
    ClusterConn *connPtr;
    int numFailed = 0, numPackets = 0, ok;

    for (pktPtr = headPtr; pktPtr != NULL; pktPtr = pktPtr->nextPtr) {
	numPackets++;
    }
    if (numPackets > (int) (sizeof(small) / sizeof(small[0]))) {
	failed = ckalloc(numPackets * sizeof(ClusterNetPacket));
    }
    for (pktPtr = headPtr; pktPtr != NULL; pktPtr = pktPtr->nextPtr) {
	connPtr = peerPtr->conns[CLUSTER_PROTO_T];
	if (connPtr != NULL && ClusterConnUsable(connPtr)) {
	    ok = ConnQueue(connPtr, pktPtr->bytes, pktPtr->length,
		    pktPtr->flags, pktPtr->tag) == TCL_OK;
	} else {
	    ok = ClusterConnOpen(poolPtr, peerPtr, CLUSTER_PROTO_T, toPtr,
		    NULL, pktPtr->bytes, pktPtr->length, pktPtr->flags,
		    pktPtr->tag) == TCL_OK;
	}
	if (!ok) {
	    failed[numFailed].bytes = pktPtr->bytes;
	    failed[numFailed].length = pktPtr->length;
	    failed[numFailed].flags = pktPtr->flags;
	    failed[numFailed].tag = pktPtr->tag;
	    numFailed++;
	}
    }
    if (numFailed > 0) {
	poolPtr->counts[POOL_FAILED]++;
	poolPtr->handlerPtr->failedProc(poolPtr->owner, peerPtr,
		CLUSTER_PROTO_T, failed, numFailed, "the address changed");
    }
    if (failed != small) {
	ckfree(failed);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnCreate, ConnClose, ConnUnbind --
 *
 *	Make a record for an open socket and link it into the pool (the
 *	caller sets its peer and watches it). Close one: unbind it, delete
 *	its handler and timer, close the socket, drop its queue (telling
 *	the owner of each tagged packet, lostProc), unlink it;
 *	its memory goes when the last Tcl_Preserve is released. ConnClose
 *	reports nothing (ConnFail does) and may be called twice. Unbind:
 *	stop being the peer's connection; with `forget`, also forget
 *	the peer (then a failure is not reported to it).
 *
 * Results:
 *	ConnCreate returns the new connection.
 *
 * Side effects:
 *	After ConnClose the connection must not be touched unless the
 *	caller preserved it.
 *
 *----------------------------------------------------------------------
 */

static ClusterConn *
ConnCreate(
    ClusterConnPool *poolPtr,	/* Pool to join. */
    ClusterProto proto,		/* Its protocol. */
    int fd,			/* Its socket. */
    int flags)			/* Initial CONN_* bits. */
{
    ClusterConn *connPtr = ckalloc(sizeof(ClusterConn));

    memset(connPtr, 0, sizeof(ClusterConn));
    connPtr->poolPtr = poolPtr;
    connPtr->proto = proto;
    connPtr->fd = fd;
    connPtr->flags = flags;
    connPtr->id = ++poolPtr->nextId;
    connPtr->progressMs = ClusterpMonotonicMs();
    connPtr->frameStartMs = -1;
    ClusterStreamInit(&connPtr->stream,
	    poolPtr->limitsPtr->maxFrame);
    connPtr->nextPtr = poolPtr->firstPtr;
    if (poolPtr->firstPtr != NULL) {
	poolPtr->firstPtr->prevPtr = connPtr;
    }
    poolPtr->firstPtr = connPtr;
    poolPtr->numOpen++;
    return connPtr;
}

void
ConnClose(
    ClusterConn *connPtr)	/* Connection to close. */
{
    ClusterConnPool *poolPtr = connPtr->poolPtr;
    QueuedPacket *pktPtr;

    if (connPtr->flags & CONN_CLOSED) {
	return;
    }
    ConnUnbind(connPtr, 1);
    if (connPtr->timer != NULL) {
	Tcl_DeleteTimerHandler(connPtr->timer);
	connPtr->timer = NULL;
    }
    if (connPtr->mask != 0) {
	Tcl_DeleteFileHandler(connPtr->fd);
	connPtr->mask = 0;
    }
    ClusterpClose(connPtr->fd);
    connPtr->fd = -1;
    while ((pktPtr = connPtr->headPtr) != NULL) {
	connPtr->headPtr = pktPtr->nextPtr;
	if (pktPtr->tag != 0) {
	    poolPtr->handlerPtr->lostProc(poolPtr->owner, pktPtr->tag);
	}
	ckfree(pktPtr);
    }
    connPtr->tailPtr = NULL;
    poolPtr->queued -= connPtr->queued;
    connPtr->queued = 0;
    poolPtr->held -= connPtr->held;
    connPtr->held = 0;
    ConnHarvestCounters(connPtr);
    if (connPtr->prevPtr != NULL) {
	connPtr->prevPtr->nextPtr = connPtr->nextPtr;
    } else {
	poolPtr->firstPtr = connPtr->nextPtr;
    }
    if (connPtr->nextPtr != NULL) {
	connPtr->nextPtr->prevPtr = connPtr->prevPtr;
    }
    connPtr->prevPtr = connPtr->nextPtr = NULL;
    poolPtr->numOpen--;
    if (!(connPtr->flags & CONN_OUTGOING)) {
	poolPtr->numAccepted--;
    }
    connPtr->poolPtr = NULL;
    connPtr->flags |= CONN_CLOSED;
    Tcl_EventuallyFree(connPtr, FreeConn);
}

static void
FreeConn(
    char *blockPtr)		/* The ClusterConn. */
{
    ClusterConn *connPtr = (ClusterConn *) blockPtr;

    ClusterStreamFree(&connPtr->stream);
    ConnFreeDetached(connPtr);
    ckfree(connPtr);
}

void
ConnUnbind(
    ClusterConn *connPtr,	/* Connection to unbind. */
    int forget)			/* 1: also clear connPtr->peerPtr. */
{
    ClusterNetPeer *peerPtr = connPtr->peerPtr;

    if (peerPtr != NULL && peerPtr->conns[connPtr->proto] == connPtr) {
	peerPtr->conns[connPtr->proto] = NULL;
    }
    if (forget) {
	connPtr->peerPtr = NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnHarvestCounters --
 *
 *	Add what a connection's reassembler counted since the last harvest
 *	to the pool's counters, and its oversized frames to the cluster's
 *	dropped[CLUSTER_DROP_OVERSIZE].
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Counters.
 *
 *----------------------------------------------------------------------
 */

void
ConnHarvestCounters(
    ClusterConn *connPtr)	/* Open connection. */
{
    const ClusterStream *streamPtr = &connPtr->stream;
    uint64_t now[4];
    int i;

    now[0] = streamPtr->garbageBytes;
    now[1] = streamPtr->badTrailers;
    now[2] = streamPtr->badLengths;
    now[3] = streamPtr->oversized;
    for (i = 0; i < 4; i++) {
	connPtr->poolPtr->counts[POOL_GARBAGE + i] +=
		(Tcl_WideInt) (now[i] - connPtr->seen[i]);
    }
    if (now[3] != connPtr->seen[3]) {
	connPtr->poolPtr->handlerPtr->oversizeProc(connPtr->poolPtr->owner,
		connPtr->proto, (int) (now[3] - connPtr->seen[3]));
    }
    memcpy(connPtr->seen, now, sizeof(now));
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
