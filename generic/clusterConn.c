/*
 * clusterConn.c --
 *
 *	The connections of the stream transports t (TCP) and u (unix-domain
 *	stream): non-blocking connects with a timeout, write queues of whole
 *	packets, reassembly of incoming packets and the keepalive rule of
 *	SPEC section 4. The servers that accept connections, and the choice
 *	of where to connect, live in clusterStreams.c.
 *
 *	Lifetimes: a connection is reached from the event loop (its file
 *	handler and timer) and from its service (servicePtr->conns[]). The
 *	core may destroy the cluster, the service or the connection itself
 *	while a callback of ours is on the C stack. Callbacks therefore hold
 *	Tcl_Preserve on the cluster and the connection, and check
 *	ClusterIsDeleted and CONN_CLOSED after every call into the core. A
 *	closed connection is freed by Tcl_EventuallyFree; its reassembly
 *	buffer lives until then, because the core may still be reading a
 *	packet that points into it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"
#include <errno.h>

#define CONN_READ_CHUNK		(64 * 1024)	/* Bytes asked per read. */
#define CONN_READS_PER_EVENT	16	/* Reads per readable event, so that
					 * one peer cannot starve the loop. */
#define CONN_MAX_QUEUED		((size_t) 64 * 1024 * 1024)
					/* Unwritten bytes per connection. */
#define CONN_MAX_ACCEPTED	384	/* Accepted connections kept open. */
#define CONN_MAX_OUTGOING	384	/* Connections we keep open: a burst
					 * of sends beyond it falls back to
					 * the next protocol. */
#define CONN_TIMEOUT_MS		5000	/* Connect timeout when the config
					 * gives none. */
#define CONN_IDLE_CLOSE_MS	2000	/* An accepted connection whose last
					 * payload lacked keepalive closes
					 * after this long without input. */
#define CONN_REUSE_MS		1000	/* An outgoing one whose last payload
					 * lacked keepalive is reused only
					 * this long: then its peer may be
					 * about to close it. */

/*
 * Flags of a ClusterConn.
 */

#define CONN_OUTGOING	(1<<0)	/* We connected it; else accepted. */
#define CONN_CONNECTING	(1<<1)	/* Its non-blocking connect is pending. */
#define CONN_CLOSING	(1<<2)	/* Accepted, and its last payload lacked
				 * keepalive: close once idle. */
#define CONN_IDLE	(1<<3)	/* CLOSING and idle: close once the queue
				 * is written. */
#define CONN_CLOSED	(1<<4)	/* Closed; memory waits for release. */
#define CONN_BUSY	(1<<5)	/* Handing packets to the core: no read. */
#define CONN_HANDLED	(1<<6)	/* At least one payload was handled. */
#define CONN_KEEP	(1<<7)	/* The last one asked for keepalive. */
#define CONN_SPENT	(1<<8)	/* Outgoing, and the newest payload queued
				 * lacks keepalive: the peer closes the
				 * connection once idle. */

/*
 * Counters of a pool, rendered by ClusterConnPoolStats under these names.
 * The last four are the reassemblers' counters, in the order of
 * ClusterConn.seen.
 */

enum PoolCounter {
    POOL_ACCEPTED, POOL_REFUSED, POOL_CONNECTED, POOL_CONNECT_FAILURES,
    POOL_FAILED, POOL_GARBAGE, POOL_BAD_TRAILERS, POOL_BAD_LENGTHS,
    POOL_OVERSIZED, POOL_COUNT
};

static const char *const poolCounterNames[POOL_COUNT] = {
    "accepted", "refused", "connected", "connect_failures", "failed",
    "garbage_bytes", "bad_trailers", "bad_lengths", "oversized"
};

/*
 * One packet waiting in a write queue. The bytes are allocated with the
 * struct, right after it.
 */

typedef struct QueuedPacket {
    struct QueuedPacket *nextPtr;	/* Next in the queue, or NULL. */
    size_t length;		/* Bytes in the whole packet. */
    unsigned char *bytes;	/* The packet, header to trailer. */
    int flags;			/* CLUSTER_SEND_* flags it was sent with. */
} QueuedPacket;

/*
 * One open stream, accepted or connected by us.
 */

struct ClusterConn {
    ClusterConnPool *poolPtr;	/* Pool it is in; NULL once closed. */
    Cluster *clusterPtr;	/* Owning cluster. */
    ClusterConn *prevPtr;	/* Neighbours in the pool's list. */
    ClusterConn *nextPtr;
    ClusterProto proto;		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    int fd;			/* The socket, or -1 once closed. */
    int flags;			/* CONN_* bits. */
    int mask;			/* Events its file handler watches now. */
    unsigned long id;		/* Number shown by ClusterConnName. */
    ClusterService *servicePtr;	/* Service at the other end, or NULL. */
    ClusterAddr peer;		/* Its address; 127.0.0.1 for u. */
    ClusterStream stream;	/* Reassembly of incoming packets. */
    uint64_t seen[4];		/* Reassembler counters already added to
				 * the pool's (HarvestCounters). */
    QueuedPacket *headPtr;	/* Packets to write, oldest first. */
    QueuedPacket *tailPtr;	/* The newest of them. */
    size_t offset;		/* Bytes of headPtr already written. */
    size_t queued;		/* Bytes queued and not yet written. */
    Tcl_WideInt spentMs;	/* Monotonic ms when CONN_SPENT was set. */
    Tcl_TimerToken timer;	/* Connect timeout, or the idle close of a
				 * CLOSING connection, or NULL. */
};

/*
 * The connections of one cluster.
 */

struct ClusterConnPool {
    Cluster *clusterPtr;	/* Owning cluster. */
    ClusterConn *firstPtr;	/* Open connections, newest first. */
    unsigned long nextId;	/* Number of the last connection made. */
    int numOpen;		/* Connections in the list. */
    int numAccepted;		/* How many of them were accepted. */
    size_t queued;		/* Unwritten bytes, all connections. */
    Tcl_WideInt counts[POOL_COUNT];	/* Counters since join. */
};

/*
 * Static functions in this file.
 */

static void		ConnClose(ClusterConn *connPtr);
static ClusterConn *	ConnCreate(ClusterConnPool *poolPtr,
			    ClusterProto proto, int fd, int flags);
static void		ConnDecide(ClusterConn *connPtr);
static int		ConnDeliver(ClusterConn *connPtr);
static void		ConnFail(ClusterConn *connPtr, const char *reason);
static void		ConnFileProc(ClientData clientData, int mask);
static int		ConnFlush(ClusterConn *connPtr);
static int		ConnQueue(ClusterConn *connPtr,
			    const unsigned char *bytes, size_t length, int flags);
static void		ConnReadable(ClusterConn *connPtr);
static void		ConnTimeoutProc(ClientData clientData);
static void		ConnUnbind(ClusterConn *connPtr, int forget);
static void		ConnWatch(ClusterConn *connPtr);
static void		ConnWritable(ClusterConn *connPtr);
static void		FreeConn(char *blockPtr);
static void		HarvestCounters(ClusterConn *connPtr);
static int		PacketKeepalive(const unsigned char *bytes,
			    size_t length);
static int		WouldBlock(int err);

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnPoolCreate, ClusterConnPoolFree --
 *
 *	Create the (empty) pool of a cluster's connections; close every
 *	connection of a pool and free it. Nothing is reported to the core:
 *	the cluster is going away.
 *
 * Results:
 *	ClusterConnPoolCreate returns the new pool.
 *
 * Side effects:
 *	Memory; ClusterConnPoolFree closes sockets and unbinds services.
 *
 *----------------------------------------------------------------------
 */

ClusterConnPool *
ClusterConnPoolCreate(
    Cluster *clusterPtr)	/* Owning cluster. */
{
    ClusterConnPool *poolPtr = ckalloc(sizeof(ClusterConnPool));

    memset(poolPtr, 0, sizeof(ClusterConnPool));
    poolPtr->clusterPtr = clusterPtr;
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
 *	Accept one connection waiting on a server. Beyond
 *	CONN_MAX_ACCEPTED open accepted connections, or when its descriptor
 *	is too large for the notifier, a new one is closed at once, so that
 *	peers cannot exhaust our descriptors.
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
	return WouldBlock(errno) ? 0 : -1;
    }
    poolPtr->counts[POOL_ACCEPTED]++;
    if (poolPtr->numAccepted >= CONN_MAX_ACCEPTED
	    || fd >= CLUSTER_MAX_WATCHED_FD) {
	ClusterpClose(fd);
	poolPtr->counts[POOL_REFUSED]++;
	return 1;
    }
    connPtr = ConnCreate(poolPtr, proto, fd, 0);
    if (proto == CLUSTER_PROTO_U || from.ip == 0) {
	ClusterpParseAddress("127.0.0.1", &from);
	from.port = 0;
    }
    connPtr->peer = from;
    poolPtr->numAccepted++;
    ConnWatch(connPtr);
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnOpen --
 *
 *	Open a connection to a service without blocking, make it the
 *	service's connection for the protocol and queue a first packet on
 *	it. A pending connect gets -connecttimeout ms to complete.
 *
 * Results:
 *	TCL_OK when the packet is queued; TCL_ERROR when the connect failed
 *	at once, the packet is too large to queue, or CONN_MAX_OUTGOING
 *	connections are open already (nothing is left open).
 *
 * Side effects:
 *	A socket, a file handler, perhaps a timer.
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnOpen(
    ClusterConnPool *poolPtr,	/* Where the connection goes. */
    ClusterService *servicePtr,	/* Service to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    const ClusterAddr *toPtr,	/* t: address and port (network order). */
    const char *path,		/* u: socket file. */
    const unsigned char *bytes,	/* First packet. */
    size_t length,		/* Its length. */
    int flags)			/* Its CLUSTER_SEND_* flags. */
{
    ClusterConn *connPtr;
    int fd = -1, status, ms;

    if (length > CONN_MAX_QUEUED
	    || poolPtr->numOpen - poolPtr->numAccepted >= CONN_MAX_OUTGOING) {
	return TCL_ERROR;
    }
    status = (proto == CLUSTER_PROTO_T) ? ClusterpTcpConnect(toPtr, &fd)
	    : ClusterpUnixConnect(path, &fd);
    if (status >= 0 && fd >= CLUSTER_MAX_WATCHED_FD) {
	ClusterpClose(fd);
	status = -1;
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
    connPtr->servicePtr = servicePtr;
    servicePtr->conns[proto] = connPtr;
    poolPtr->counts[POOL_CONNECTED]++;
    if (connPtr->flags & CONN_CONNECTING) {
	ms = poolPtr->clusterPtr->config.connectTimeoutMs;
	connPtr->timer = Tcl_CreateTimerHandler(
		(ms > 0) ? ms : CONN_TIMEOUT_MS, ConnTimeoutProc, connPtr);
    }
    ConnQueue(connPtr, bytes, length, flags);
    return TCL_OK;
}

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
 *	queue is over its bound (counted as a send failure).
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
    if (ConnQueue(connPtr, bytes, length, flags) != TCL_OK) {
	connPtr->clusterPtr->stats.sendFailures[connPtr->proto]++;
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnUsable --
 *
 *	Whether more packets for its service may be queued on a connection.
 *	Not when it is closed, nor when it is an outgoing connection whose
 *	last payload lacked keepalive more than CONN_REUSE_MS ago: its peer
 *	closes it once idle (ConnDecide), and what we wrote as it did so
 *	would be lost unseen. Such a connection is unbound from its service
 *	(it still delivers its queue and reports a failure).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	May clear servicePtr->conns[proto].
 *
 *----------------------------------------------------------------------
 */

int
ClusterConnUsable(
    ClusterConn *connPtr)	/* A service's connection. */
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
 * ClusterConnProto, ClusterConnName, ClusterConnBind --
 *
 *	The protocol of a connection; a short name for it (`t:3`: protocol
 *	and a number unique within the cluster) for `$service socket id`;
 *	tie it to the service its payloads come from: it becomes the
 *	service's connection for its protocol when that slot is empty and
 *	it is neither closing nor spent. A connection never changes
 *	service.
 *
 * Results:
 *	As above; the name is a new object.
 *
 * Side effects:
 *	ClusterConnBind may set servicePtr->conns[proto].
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

void
ClusterConnBind(
    ClusterConn *connPtr,	/* Connection a payload came on. */
    ClusterService *servicePtr)	/* Its sender. */
{
    if (connPtr == NULL || servicePtr == NULL
	    || (connPtr->flags & CONN_CLOSED)
	    || (servicePtr->flags & SERVICE_DELETED)
	    || servicePtr->clusterPtr != connPtr->clusterPtr) {
	return;
    }
    if (connPtr->servicePtr == NULL) {
	connPtr->servicePtr = servicePtr;
    } else if (connPtr->servicePtr != servicePtr) {
	return;
    }
    if (servicePtr->conns[connPtr->proto] == NULL
	    && !(connPtr->flags & (CONN_CLOSING | CONN_SPENT))) {
	servicePtr->conns[connPtr->proto] = connPtr;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConnPoolForget, ClusterConnPoolStats --
 *
 *	A service is going away: close the connections we opened to it
 *	(their unsent packets are dropped unreported: nobody is left to
 *	retry for) and only unbind those it opened to us, so that a reply
 *	in flight still goes out and the keepalive rule still closes them.
 *	The counters of a pool, for `$cluster stats`.
 *
 * Results:
 *	ClusterConnPoolStats: a new dict of open connections, queued bytes
 *	and the counters of poolCounterNames; zeros when poolPtr is NULL.
 *
 * Side effects:
 *	After ClusterConnPoolForget nothing points to the service.
 *
 *----------------------------------------------------------------------
 */

void
ClusterConnPoolForget(
    ClusterConnPool *poolPtr,	/* The cluster's connections. */
    ClusterService *servicePtr)	/* Service going away. */
{
    ClusterConn *connPtr, *nextPtr;

    for (connPtr = poolPtr->firstPtr; connPtr != NULL; connPtr = nextPtr) {
	nextPtr = connPtr->nextPtr;
	if (connPtr->servicePtr != servicePtr) {
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
	    HarvestCounters(connPtr);
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
    return dictObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnCreate, ConnClose, ConnUnbind --
 *
 *	Make a record for an open socket and link it into the pool (the
 *	caller sets its peer and watches it). Close one: unbind it, delete
 *	its handler and timer, close the socket, drop its queue, unlink it;
 *	its memory goes when the last Tcl_Preserve is released. ConnClose
 *	reports nothing (ConnFail does) and may be called twice. Unbind:
 *	stop being the service's connection; with `forget`, also forget
 *	the service (then a failure is not reported to it).
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
    connPtr->clusterPtr = poolPtr->clusterPtr;
    connPtr->proto = proto;
    connPtr->fd = fd;
    connPtr->flags = flags;
    connPtr->id = ++poolPtr->nextId;
    ClusterStreamInit(&connPtr->stream,
	    poolPtr->clusterPtr->config.maxFrame);
    connPtr->nextPtr = poolPtr->firstPtr;
    if (poolPtr->firstPtr != NULL) {
	poolPtr->firstPtr->prevPtr = connPtr;
    }
    poolPtr->firstPtr = connPtr;
    poolPtr->numOpen++;
    return connPtr;
}

static void
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
	ckfree(pktPtr);
    }
    connPtr->tailPtr = NULL;
    poolPtr->queued -= connPtr->queued;
    connPtr->queued = 0;
    HarvestCounters(connPtr);
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
    ckfree(connPtr);
}

static void
ConnUnbind(
    ClusterConn *connPtr,	/* Connection to unbind. */
    int forget)			/* 1: also clear connPtr->servicePtr. */
{
    ClusterService *servicePtr = connPtr->servicePtr;

    if (servicePtr != NULL && servicePtr->conns[connPtr->proto] == connPtr) {
	servicePtr->conns[connPtr->proto] = NULL;
    }
    if (forget) {
	connPtr->servicePtr = NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnWatch --
 *
 *	Make the file handler watch what the connection needs now: input
 *	unless a connect is pending or packets are being handed to the core
 *	(a nested event loop must not read into the buffer they point
 *	into); writability while connecting or while packets are queued.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Creates, changes or deletes the file handler.
 *
 *----------------------------------------------------------------------
 */

static void
ConnWatch(
    ClusterConn *connPtr)	/* Connection to watch. */
{
    int mask = 0;

    if (connPtr->flags & CONN_CLOSED) {
	return;
    }
    if (!(connPtr->flags & (CONN_CONNECTING | CONN_BUSY))) {
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
 *	the core is never called back from inside a send. A payload without
 *	keepalive makes an outgoing connection spent (ClusterConnUsable).
 *	ConnFlush writes
 *	until the socket is full; a packet leaves the queue (counted in
 *	stats.packetsOut) only once all its bytes are written.
 *
 * Results:
 *	ConnQueue: TCL_OK, or TCL_ERROR when the connection is closed or
 *	the packet would take its queue over CONN_MAX_QUEUED. ConnFlush: 0,
 *	or -1 on a write error (errno set).
 *
 * Side effects:
 *	Memory, bytes written, the file handler.
 *
 *----------------------------------------------------------------------
 */

static int
ConnQueue(
    ClusterConn *connPtr,	/* Connection to write on. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its length. */
    int flags)			/* CLUSTER_SEND_* flags. */
{
    QueuedPacket *pktPtr;

    if ((connPtr->flags & CONN_CLOSED)
	    || length > CONN_MAX_QUEUED - connPtr->queued) {
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
	if (PacketKeepalive(bytes, length)) {
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
    ConnWatch(connPtr);
    return TCL_OK;
}

static int
ConnFlush(
    ClusterConn *connPtr)	/* Connection to write on. */
{
    ClusterStats *statsPtr = &connPtr->clusterPtr->stats;
    QueuedPacket *pktPtr;
    int written;

    while ((pktPtr = connPtr->headPtr) != NULL) {
	if (connPtr->offset < pktPtr->length) {
	    written = ClusterpWrite(connPtr->fd,
		    pktPtr->bytes + connPtr->offset,
		    pktPtr->length - connPtr->offset);
	    if (written < 0) {
		return WouldBlock(errno) ? 0 : -1;
	    }
	    connPtr->offset += (size_t) written;
	    connPtr->queued -= (size_t) written;
	    connPtr->poolPtr->queued -= (size_t) written;
	    if (connPtr->offset < pktPtr->length) {
		return 0;
	    }
	}
	statsPtr->packetsOut[connPtr->proto]++;
	statsPtr->bytesOut[connPtr->proto] += (Tcl_WideInt) pktPtr->length;
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
 *	queued on it, hand them to the core as a list of whole packets (a
 *	partly written one included: the receiver drops a partial frame)
 *	so that it can retry over another protocol. The core is called
 *	after the close, so that a retry over the same protocol opens a
 *	fresh connection. Once per connection, since a closed one is never
 *	failed again.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Runs ClusterSendFailed, which may do anything: the caller holds
 *	Tcl_Preserve on the cluster and the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnFail(
    ClusterConn *connPtr,	/* Connection that failed. */
    const char *reason)		/* Static text: what went wrong. */
{
    Cluster *clusterPtr = connPtr->clusterPtr;
    ClusterService *servicePtr = connPtr->servicePtr;
    ClusterProto proto = connPtr->proto;
    Tcl_Obj *unsentObj = NULL;
    QueuedPacket *pktPtr;

    if (connPtr->flags & CONN_CLOSED) {
	return;
    }
    if (connPtr->headPtr != NULL) {
	unsentObj = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(unsentObj);
	for (pktPtr = connPtr->headPtr; pktPtr != NULL;
		pktPtr = pktPtr->nextPtr) {
	    Tcl_ListObjAppendElement(NULL, unsentObj,
		    Tcl_NewIntObj(pktPtr->flags));
	    Tcl_ListObjAppendElement(NULL, unsentObj,
		    Tcl_NewByteArrayObj(pktPtr->bytes, (int) pktPtr->length));
	}
	connPtr->poolPtr->counts[POOL_FAILED]++;
    }
    ConnClose(connPtr);
    if (unsentObj != NULL) {
	if (!ClusterIsDeleted(clusterPtr)) {
	    ClusterSendFailed(clusterPtr, servicePtr, proto, unsentObj,
		    reason);
	}
	Tcl_DecrRefCount(unsentObj);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnFileProc, ConnWritable, ConnTimeoutProc --
 *
 *	The event handlers of a connection. When writable: finish a pending
 *	connect, write the queue, close a closing connection once drained.
 *	When readable: read and hand packets to the core. When a connect
 *	takes over -connecttimeout ms: fail it; when a closing connection
 *	stayed idle CONN_IDLE_CLOSE_MS: close it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Anything the core does; may fail or close the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnFileProc(
    ClientData clientData,	/* The ClusterConn. */
    int mask)			/* Events that occurred. */
{
    ClusterConn *connPtr = clientData;
    Cluster *clusterPtr = connPtr->clusterPtr;

    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(connPtr);
    if (mask & TCL_WRITABLE) {
	ConnWritable(connPtr);
    }
    if ((mask & TCL_READABLE) && !ClusterIsDeleted(clusterPtr)
	    && !(connPtr->flags
		& (CONN_CLOSED | CONN_BUSY | CONN_CONNECTING))) {
	ConnReadable(connPtr);
    }
    Tcl_Release(connPtr);
    Tcl_Release(clusterPtr);
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
    ConnWatch(connPtr);
}

static void
ConnTimeoutProc(
    ClientData clientData)	/* The ClusterConn. */
{
    ClusterConn *connPtr = clientData;
    Cluster *clusterPtr = connPtr->clusterPtr;

    connPtr->timer = NULL;
    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(connPtr);
    if (connPtr->flags & CONN_CONNECTING) {
	connPtr->poolPtr->counts[POOL_CONNECT_FAILURES]++;
	ConnFail(connPtr, "connect timed out");
    } else if ((connPtr->flags & CONN_CLOSING)
	    && !(connPtr->flags & CONN_BUSY)) {
	/*
	 * Idle long enough. Read what may have just arrived: new payloads
	 * cancel the close (ConnDeliver), else ConnDecide closes.
	 */

	connPtr->flags |= CONN_IDLE;
	ConnReadable(connPtr);
    }
    Tcl_Release(connPtr);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnReadable, ConnDeliver --
 *
 *	Read what the socket has (at most CONN_READS_PER_EVENT chunks)
 *	straight into the reassembler; hand every whole packet to the core,
 *	noting whether the last one asked for keepalive, with input not
 *	watched meanwhile (see ConnWatch); then close on end of file or
 *	apply the keepalive rule.
 *
 * Results:
 *	ConnDeliver: TCL_OK, or TCL_ERROR when the cluster or the
 *	connection went away during a call into the core.
 *
 * Side effects:
 *	Anything the core does; may close or fail the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnReadable(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    unsigned char *space;
    int i, got, err = 0, eof = 0, more = 1;

    for (i = 0; i < CONN_READS_PER_EVENT; i++) {
	space = ClusterStreamSpace(&connPtr->stream, CONN_READ_CHUNK);
	got = ClusterpRead(connPtr->fd, space, CONN_READ_CHUNK);
	if (got > 0) {
	    ClusterStreamCommit(&connPtr->stream, (size_t) got);
	    if (got == CONN_READ_CHUNK) {
		continue;
	    }
	    more = 0;
	    break;
	}
	more = 0;
	if (got < 0 && WouldBlock(errno)) {
	    break;
	}
	eof = 1;
	err = (got < 0) ? errno : 0;
	break;
    }
    if (ConnDeliver(connPtr) != TCL_OK) {
	return;
    }
    HarvestCounters(connPtr);
    if (eof) {
	ConnFail(connPtr, err ? Tcl_ErrnoMsg(err) : "closed by peer");
    } else if (!more) {
	ConnDecide(connPtr);
    }
}

static int
ConnDeliver(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    Cluster *clusterPtr = connPtr->clusterPtr;
    const unsigned char *bytes;
    size_t length;
    int result;

    while (ClusterStreamNext(&connPtr->stream, &bytes, &length) > 0) {
	if (!(connPtr->flags & CONN_BUSY)) {
	    /*
	     * New payloads: the keepalive rule is applied anew after them,
	     * and a nested event loop must not close the connection.
	     */

	    if ((connPtr->flags & CONN_CLOSING) && connPtr->timer != NULL) {
		Tcl_DeleteTimerHandler(connPtr->timer);
		connPtr->timer = NULL;
	    }
	    connPtr->flags = (connPtr->flags | CONN_BUSY)
		    & ~(CONN_CLOSING | CONN_IDLE);
	    ConnWatch(connPtr);
	}
	result = ClusterReceivePacket(clusterPtr, connPtr->proto, bytes,
		length, &connPtr->peer, connPtr);
	if (ClusterIsDeleted(clusterPtr) || (connPtr->flags & CONN_CLOSED)) {
	    return TCL_ERROR;
	}
	connPtr->flags |= CONN_HANDLED;
	if (result > 0) {
	    connPtr->flags |= CONN_KEEP;
	} else {
	    connPtr->flags &= ~CONN_KEEP;
	}
    }
    if (connPtr->flags & CONN_BUSY) {
	connPtr->flags &= ~CONN_BUSY;
	ConnWatch(connPtr);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnDecide --
 *
 *	The keepalive rule (SPEC section 4) for a connection we accepted:
 *	once everything read has been handled, and no partial frame waits,
 *	if the last payload handled did not ask for keepalive (or was
 *	dropped), close our end, after writing any queued reply. The close
 *	waits until no input came for CONN_IDLE_CLOSE_MS, and new payloads
 *	cancel it (ConnDeliver): a sender that pipelines payloads on a
 *	reused connection (ClusterConnUsable) would otherwise lose those
 *	in flight. A connection that stays open becomes its service's
 *	connection again if that slot is free. Connections we opened stay
 *	open until the peer closes them.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May close the connection or mark it closing.
 *
 *----------------------------------------------------------------------
 */

static void
ConnDecide(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    ClusterService *servicePtr = connPtr->servicePtr;

    if ((connPtr->flags & CONN_OUTGOING)
	    || !(connPtr->flags & CONN_HANDLED)) {
	return;
    }
    if ((connPtr->flags & CONN_KEEP)
	    || ClusterStreamBuffered(&connPtr->stream) > 0) {
	connPtr->flags &= ~(CONN_CLOSING | CONN_IDLE);
	if (connPtr->timer != NULL) {
	    Tcl_DeleteTimerHandler(connPtr->timer);
	    connPtr->timer = NULL;
	}
	if (servicePtr != NULL && servicePtr->conns[connPtr->proto] == NULL) {
	    servicePtr->conns[connPtr->proto] = connPtr;
	}
	return;
    }
    connPtr->flags |= CONN_CLOSING;
    ConnUnbind(connPtr, 0);
    if (!(connPtr->flags & CONN_IDLE)) {
	if (connPtr->timer == NULL) {
	    connPtr->timer = Tcl_CreateTimerHandler(CONN_IDLE_CLOSE_MS,
		    ConnTimeoutProc, connPtr);
	}
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
 * HarvestCounters, PacketKeepalive, WouldBlock --
 *
 *	Add what a reassembler counted since the last harvest to the pool's
 *	counters, and its oversized frames to the cluster's
 *	dropped[CLUSTER_DROP_OVERSIZE]. Whether an outgoing packet asks for
 *	keepalive (field 13 true; a packet that does not decode does not).
 *	Whether an errno value only means "not now" on a non-blocking
 *	socket.
 *
 * Results:
 *	PacketKeepalive, WouldBlock: 1 or 0.
 *
 * Side effects:
 *	Counters.
 *
 *----------------------------------------------------------------------
 */

static void
HarvestCounters(
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
    connPtr->clusterPtr->stats.dropped[CLUSTER_DROP_OVERSIZE] +=
	    (Tcl_WideInt) (now[3] - connPtr->seen[3]);
    memcpy(connPtr->seen, now, sizeof(now));
}

static int
PacketKeepalive(
    const unsigned char *bytes,	/* A whole packet. */
    size_t length)		/* Its length. */
{
    ClusterPacketView view;
    ClusterCodecError error;
    int i;

    if (ClusterDecodePacket(bytes, length, NULL, &view, &error)
	    != CLUSTER_DECODE_OK) {
	return 0;
    }
    for (i = 0; i < view.numFields; i++) {
	if (view.fields[i].id == CLUSTER_F_KEEPALIVE) {
	    return view.fields[i].number != 0;
	}
    }
    return 0;
}

static int
WouldBlock(
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
