/*
 * clusterNetInt.h --
 *
 *	Declarations private to the files of the stream transports:
 *	clusterNetStream.c (servers, and the entry points of clusterNet.h),
 *	clusterNetConn.c (the pool; accepting, opening, binding and closing
 *	connections; counters), clusterNetConnIO.c (write queues, failure,
 *	the file handler), clusterNetConnRead.c (reading and reassembly,
 *	delivery to the owner, the keepalive rule) and clusterNetLimits.c
 *	(the bounds on what a peer may send, and the timer). Nothing else
 *	includes it: the rest of the extension sees streams through
 *	clusterNet.h.
 *
 *	Lifetimes: a connection is reached from the event loop (its file
 *	handler and timer) and from its peer (peerPtr->conns[]). The owner
 *	may, inside a callback, destroy itself, and with it the streams and
 *	every connection (ClusterNetStreamsClose), or forget the peer.
 *	Event handlers therefore hold Tcl_Preserve on the connection and
 *	check CONN_CLOSED after every callback before touching the pool. A
 *	closed connection is freed by Tcl_EventuallyFree; its reassembly
 *	buffer lives until then, because the owner may still be reading a
 *	packet that points into it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERNETINT_H
#define _CLUSTERNETINT_H

#include "clusterNet.h"

typedef struct ClusterConnPool ClusterConnPool;

/*
 * Limits and timeouts of connections. The bounds a user may change are
 * options of `cluster join` (ClusterConfig): -maxframe, -maxqueue,
 * -maxconns, -frametimeout, -maxbuffered and -maxinput. What one
 * connection may hold:
 *
 * - input: every read is handed to the reassembler and drained at once
 *   (ConnReadable), which then holds at most one incomplete frame, so
 *   the buffer stays within -maxframe + CLUSTER_FRAME_OVERHEAD +
 *   CONN_READ_CHUNK bytes. A frame announcing more than -maxframe, or
 *   more than -maxframe bytes of garbage since the last whole frame,
 *   cuts the connection off (clusterNetLimits.c). All the connections
 *   together hold at most -maxinput bytes of partial frames, plus the
 *   read just made: over it, the one holding the most is cut off
 *   (ConnCheckBudget);
 * - output: at most -maxqueue unwritten bytes (ConnQueue), and at most
 *   -maxbuffered on all the connections of the pool together. A
 *   connection whose queue holds more than its share of -maxbuffered
 *   (-maxbuffered over one more than the connections open) is
 *   throttled: it is not read from, and the whole frames already read
 *   wait, until its peer has read enough of the queue (ConnOverShare,
 *   ConnResume). So a peer that asks and never reads pins at most its
 *   share, plus one answer;
 * - time: a connection making no progress towards a frame for
 *   -frametimeout ms, or holding part of a frame for more than
 *   CONN_FRAME_LIFETIME times -frametimeout, is cut off (ConnNoteInput,
 *   ConnTimeoutProc);
 * - count: -maxconns accepted ones, and as many outgoing ones;
 * - nesting: at most -maxnested payloads of one connection handled at
 *   once, each in the event loop a hook of the one before runs (it
 *   waits): at the bound the connection is not read, and its whole
 *   frames wait, until one returns (ConnDeliver).
 */

#define CONN_READ_CHUNK		(64 * 1024)	/* Bytes asked per read. */
#define CONN_READS_PER_EVENT	16	/* Reads per readable event, so that
					 * one peer cannot starve the loop. */
#define CONN_TIMEOUT_MS		5000	/* Connect timeout when the config
					 * gives none. */
#define CONN_IDLE_CLOSE_MS	2000	/* An accepted connection whose last
					 * payload lacked keepalive closes
					 * after this long without input. */
#define CONN_FRAME_LIFETIME	4	/* A partial frame must be whole
					 * within this many -frametimeout
					 * of its first byte. */
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
#define CONN_BUSY	(1<<5)	/* Handing packets to the owner (see
				 * ClusterConn.delivering). */
#define CONN_HANDLED	(1<<6)	/* At least one payload was handled. */
#define CONN_KEEP	(1<<7)	/* The last one asked for keepalive. */
#define CONN_SPENT	(1<<8)	/* Outgoing, and the newest payload queued
				 * lacks keepalive: the peer closes the
				 * connection once idle. */
#define CONN_THROTTLED	(1<<9)	/* Its queue is over its share of
				 * -maxbuffered: not read from. */
#define CONN_EOF	(1<<10)	/* End of input (or a read error) met
				 * while packets were being handed over:
				 * not read from; it fails once they are
				 * all handled. */
#define CONN_NAMED	(1<<11)	/* Accepted, and a payload on it named
				 * its sender (ClusterConnBind). */
#define CONN_DRAINING	(1<<12)	/* An idle call will hand over the whole
				 * packets buffered behind the one being
				 * handled (ConnDrainProc). */
#define CONN_SLOW	(1<<13)	/* Connecting for longer than
				 * -connectdelay: its queue was offered to
				 * the owner (ConnHandOff). */
#define CONN_PEER_CLOSED (1<<14)	/* Ended by a clean end of file. */

/*
 * Counters of a pool, rendered by ClusterConnPoolStats under the names in
 * poolCounterNames (clusterNetConn.c). POOL_GARBAGE to POOL_OVERSIZED are
 * the reassemblers' counters, in the order of ClusterConn.seen; the five
 * after them count the bounds hit (see "Limits and timeouts" above), and
 * so do POOL_BUFFER_FULL (a packet refused for -maxbuffered) and
 * POOL_THROTTLED (a connection no longer read from for holding more than
 * its share of it). POOL_UNIX_REFUSED counts u connections not made, or
 * dropped, because the socket was not ours (ClusterpUnixCheckFile,
 * ClusterpUnixPeerIsUs). POOL_CUT_INPUT counts connections cut off
 * because the partial frames of all of them went over -maxinput.
 * POOL_NESTED_FULL counts the times a connection stopped being read
 * because -maxnested payloads of it were being handled at once.
 * POOL_SLOW_CONNECTS counts connects still pending after -connectdelay.
 * POOL_MOVED counts t connections closed because their peer's address, or
 * the address of our end, changed (ClusterConnPoolMove).
 */

enum PoolCounter {
    POOL_ACCEPTED, POOL_REFUSED, POOL_CONNECTED, POOL_CONNECT_FAILURES,
    POOL_FAILED, POOL_GARBAGE, POOL_BAD_TRAILERS, POOL_BAD_LENGTHS,
    POOL_OVERSIZED, POOL_CUT_OVERSIZED, POOL_CUT_GARBAGE, POOL_STALLED,
    POOL_QUEUE_FULL, POOL_OUTGOING_REFUSED, POOL_BUFFER_FULL,
    POOL_THROTTLED, POOL_UNIX_REFUSED, POOL_CUT_INPUT, POOL_NESTED_FULL,
    POOL_SLOW_CONNECTS, POOL_MOVED, POOL_COUNT
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
    unsigned long tag;		/* The owner's tag (ClusterNetPacket). */
} QueuedPacket;

/*
 * One open stream, accepted or connected by us.
 */

struct ClusterConn {
    ClusterConnPool *poolPtr;	/* Pool it is in; NULL once closed. */
    ClusterConn *prevPtr;	/* Neighbours in the pool's list. */
    ClusterConn *nextPtr;
    ClusterProto proto;		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    int fd;			/* The socket, or -1 once closed. */
    int flags;			/* CONN_* bits. */
    int mask;			/* Events its file handler watches now. */
    unsigned long id;		/* Number shown by ClusterConnName. */
    ClusterNetPeer *peerPtr;	/* Peer at the other end, or NULL. */
    ClusterAddr peer;		/* Its address; 127.0.0.1 for u. */
    ClusterStream stream;	/* Reassembly of incoming packets. */
    uint64_t seen[4];		/* Reassembler counters already added to
				 * the pool's (ConnHarvestCounters). */
    QueuedPacket *headPtr;	/* Packets to write, oldest first. */
    QueuedPacket *tailPtr;	/* The newest of them. */
    size_t offset;		/* Bytes of headPtr already written. */
    size_t queued;		/* Bytes queued and not yet written. */
    Tcl_WideInt spentMs;	/* Monotonic ms when CONN_SPENT was set. */
    Tcl_WideInt closeMs;	/* Monotonic ms when a pending connect
				 * times out (CONN_CONNECTING), or when a
				 * CONN_CLOSING connection closes. */
    Tcl_WideInt progressMs;	/* Monotonic ms of the last progress
				 * towards a frame (ConnNoteInput). */
    uint64_t framesMark;	/* stream.frames at that time. */
    size_t partialMark;		/* Most bytes buffered since the last
				 * whole frame. */
    uint64_t garbageMark;	/* stream.garbageBytes at the last whole
				 * frame. */
    Tcl_WideInt frameStartMs;	/* Monotonic ms when the partial frame
				 * now held began, or -1 when none is. */
    size_t held;		/* Bytes of stream counted in the pool's
				 * held (ConnCheckBudget). */
    Tcl_TimerToken timer;	/* The one timer of the connection, or
				 * NULL: it serves the connect timeout, the
				 * idle close and the frame timeout, and is
				 * re-armed lazily (ConnArmTimer). */
    Tcl_WideInt timerMs;	/* Monotonic ms when timer fires. */

    /*
     * Handing packets to the owner, which may run a nested event loop
     * that reads this connection again and hands it the packets that
     * follow, in order, each once (ConnDeliver).
     */

    int delivering;		/* Packets being handed over now: calls to
				 * the owner under way, nested. */
    int pinned;			/* How many of them point into the
				 * reassembler's current buffer, which a
				 * read must then not move (ConnPin). */
    unsigned int generation;	/* Changes when that buffer is detached. */
    uint64_t handedOut;		/* Packets handed over since it
				 * opened. */
    int eofError;		/* errno of the read that met CONN_EOF, or
				 * 0 for an end of file. */
    struct DetachedBuffer *detachedPtr;
				/* Buffers detached while packets pointing
				 * into them were handled; freed when none
				 * is being handled any more. */
    Tcl_WideInt slowMs;		/* Monotonic ms when a pending connect
				 * passes -connectdelay; 0: never. */
};

/*
 * The connections of one cluster.
 */

struct ClusterConnPool {
    const ClusterNetHandler *handlerPtr;	/* The owner's callbacks. */
    void *owner;		/* Handed to them. */
    const ClusterNetLimits *limitsPtr;	/* The bounds, owned by the owner. */
    ClusterConn *firstPtr;	/* Open connections, newest first. */
    unsigned long nextId;	/* Number of the last connection made. */
    int numOpen;		/* Connections in the list. */
    int numAccepted;		/* How many of them were accepted. */
    size_t queued;		/* Unwritten bytes, all connections. */
    size_t held;		/* Bytes held by their reassemblers, as
				 * last counted (ClusterConn.held). */
    Tcl_WideInt counts[POOL_COUNT];	/* Counters since join. */
};

/*
 * The pool of connections (clusterNetConn.c), used by clusterNetStream.c.
 */

ClusterConnPool *ClusterConnPoolCreate(const ClusterNetHandler *handlerPtr,
		    void *owner, const ClusterNetLimits *limitsPtr);
void		ClusterConnPoolFree(ClusterConnPool *poolPtr);
int		ClusterConnAccept(ClusterConnPool *poolPtr,
		    ClusterProto proto, int listenFd);
int		ClusterConnOpen(ClusterConnPool *poolPtr,
		    ClusterNetPeer *peerPtr, ClusterProto proto,
		    const ClusterAddr *toPtr, const char *path,
		    const unsigned char *bytes, size_t length, int flags,
		    unsigned long tag);
void		ClusterConnPoolForget(ClusterConnPool *poolPtr,
		    ClusterNetPeer *peerPtr);
int		ClusterConnPoolMove(ClusterConnPool *poolPtr,
		    ClusterNetPeer *peerPtr, const ClusterAddr *toPtr,
		    const ClusterIfAddr *locals, int numLocals);
Tcl_Obj *	ClusterConnPoolStats(ClusterConnPool *poolPtr);

/*
 * Functions of clusterNetConn.c used by clusterNetConnIO.c.
 */

void		ConnClose(ClusterConn *connPtr);
void		ConnHarvestCounters(ClusterConn *connPtr);
void		ConnUnbind(ClusterConn *connPtr, int forget);

/*
 * Functions of clusterNetConnIO.c and clusterNetConnRead.c used by the
 * other files.
 */

void		ConnFail(ClusterConn *connPtr, const char *reason);
void		ConnFreeDetached(ClusterConn *connPtr);
void		ConnFreeInput(ClusterConn *connPtr);
int		ConnOverShare(ClusterConn *connPtr);
void		ConnHandOff(ClusterConn *connPtr);
int		ConnQueue(ClusterConn *connPtr,
		    const unsigned char *bytes, size_t length, int flags,
		    unsigned long tag);
void		ConnReadable(ClusterConn *connPtr);
void		ConnResume(ClusterConn *connPtr);
void		ConnWatch(ClusterConn *connPtr);
int		ConnWouldBlock(int err);

/*
 * Functions of clusterNetLimits.c: the bounds on input and the timer.
 */

void		ConnArmTimer(ClusterConn *connPtr);
int		ConnCheckInput(ClusterConn *connPtr, int gotFrame);
void		ConnNoteInput(ClusterConn *connPtr);
void		ConnTimeoutProc(ClientData clientData);

#endif /* _CLUSTERNETINT_H */

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
