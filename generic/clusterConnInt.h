/*
 * clusterConnInt.h --
 *
 *	Declarations private to the two files of the stream connections:
 *	clusterConn.c (the pool; accepting, opening, binding and closing
 *	connections; counters) and clusterConnIO.c (write queues, reading
 *	and reassembly, delivery to the core, the keepalive rule, the event
 *	callbacks). Nothing else includes it: the rest of the extension
 *	sees connections through the prototypes in clusterInt.h.
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

#ifndef _CLUSTERCONNINT_H
#define _CLUSTERCONNINT_H

#include "clusterInt.h"

/*
 * Limits and timeouts of connections.
 */

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
 * Counters of a pool, rendered by ClusterConnPoolStats under the names in
 * poolCounterNames (clusterConn.c). The last four are the reassemblers'
 * counters, in the order of ClusterConn.seen.
 */

enum PoolCounter {
    POOL_ACCEPTED, POOL_REFUSED, POOL_CONNECTED, POOL_CONNECT_FAILURES,
    POOL_FAILED, POOL_GARBAGE, POOL_BAD_TRAILERS, POOL_BAD_LENGTHS,
    POOL_OVERSIZED, POOL_COUNT
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
				 * the pool's (ConnHarvestCounters). */
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
 * Functions of clusterConn.c used by clusterConnIO.c.
 */

void		ConnClose(ClusterConn *connPtr);
void		ConnHarvestCounters(ClusterConn *connPtr);
void		ConnUnbind(ClusterConn *connPtr, int forget);

/*
 * Functions of clusterConnIO.c used by clusterConn.c.
 */

int		ConnQueue(ClusterConn *connPtr,
		    const unsigned char *bytes, size_t length, int flags);
void		ConnTimeoutProc(ClientData clientData);
void		ConnWatch(ClusterConn *connPtr);
int		ConnWouldBlock(int err);

#endif /* _CLUSTERCONNINT_H */

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
