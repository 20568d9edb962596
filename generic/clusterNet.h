/*
 * clusterNet.h --
 *
 *	The interface of the transports (the net layer): c, UDP multicast
 *	(clusterNetMcast.c); t, TCP, and u, unix stream sockets
 *	(clusterNetStream.c, clusterNetConn*.c, clusterNetLimits.c).
 *
 *	A transport moves bytes. It knows addresses, sockets, write queues
 *	and the framing of streams, and nothing of payloads, hooks, services
 *	or interpreters. Its owner (the core) hands it a table of callbacks
 *	at open, ClusterNetHandler, and it reaches the owner only through
 *	that table: a packet arrived, packets could not be delivered, a
 *	packet was too large. A callback may destroy the owner and with it
 *	the transport; it says so by returning CLUSTER_NET_GONE, and the
 *	transport then touches nothing of the owner's again.
 *
 *	The owner's record of a peer embeds a ClusterNetPeer: the streams
 *	open to that peer, which the transport keeps up to date, and a
 *	pointer the owner chooses, handed back in callbacks.
 *
 *	This header sees only the codec and the platform layer below it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERNET_H
#define _CLUSTERNET_H

#include "cluster.h"
#include <string.h>
#include "clusterCodec.h"
#include "clusterPort.h"

/*
 * Protocols (doc/protocol.md section 4), in a fixed order used to index
 * counters and connections.
 */

typedef enum ClusterProto {
    CLUSTER_PROTO_C = 0,	/* UDP multicast. */
    CLUSTER_PROTO_T = 1,	/* TCP. */
    CLUSTER_PROTO_U = 2,	/* Unix-domain stream socket. */
    CLUSTER_PROTO_COUNT = 3
} ClusterProto;

extern const char *const clusterProtoNames[CLUSTER_PROTO_COUNT + 1];
int		ClusterProtoFromName(const char *name);

#define CLUSTER_NET_MAX_DATAGRAM 65507	/* Largest UDP payload over IPv4. */

#define CLUSTER_MAX_WATCHED_FD	1024	/* Tcl 8.6 watches descriptors with
					 * select(): one at or above
					 * FD_SETSIZE would abort. */

/*
 * Byte order of ports, without the platform's headers.
 */

static inline uint16_t
ClusterPortToNet(
    int port)			/* Host order. */
{
    unsigned char bytes[2];
    uint16_t result;

    bytes[0] = (unsigned char) ((port >> 8) & 0xff);
    bytes[1] = (unsigned char) (port & 0xff);
    memcpy(&result, bytes, 2);
    return result;
}

static inline int
ClusterPortFromNet(
    uint16_t port)		/* Network order. */
{
    unsigned char bytes[2];

    memcpy(bytes, &port, 2);
    return (bytes[0] << 8) | bytes[1];
}

typedef struct ClusterConn ClusterConn;
typedef struct ClusterNetMcast ClusterNetMcast;
typedef struct ClusterNetStreams ClusterNetStreams;

/*
 * Flags a packet travels with in a write queue, handed back with it when
 * its connection fails.
 */

#define CLUSTER_SEND_NO_BROADCAST (1<<0)	/* Never retry over `c`. */
#define CLUSTER_SEND_KEEPALIVE	(1<<1)	/* The packet asks for keepalive. */
#define CLUSTER_SEND_WAIT	(1<<2)	/* Queue it even on a connect pending
					 * past -connectdelay (nothing else
					 * took it). */

/*
 * The bounds on stream connections, part of the owner's configuration
 * (options of `cluster join`); the transport reads them when it needs
 * them, so a change applies from then on.
 */

typedef struct ClusterNetLimits {
    size_t maxFrame;		/* -maxframe: largest frame on a stream;
				 * a peer announcing a larger one, or
				 * sending more garbage than this between
				 * two frames, is cut off. */
    size_t maxQueue;		/* -maxqueue: unwritten bytes per stream
				 * connection. */
    int maxConns;		/* -maxconns: accepted stream connections
				 * kept open, and outgoing ones. */
    int frameTimeoutMs;		/* -frametimeout: a stream connection
				 * making no progress towards a frame for
				 * this long is cut off. */
    int connectTimeoutMs;	/* -connecttimeout for stream connects. */
    size_t maxBuffered;		/* -maxbuffered: unwritten bytes on all
				 * the connections together; a connection
				 * holding more than its share (this over
				 * the number open) is not read from until
				 * its queue drains below it. */
    int unixMode;		/* -u {mode M}: permissions of the u
				 * socket file. */
    size_t maxInput;		/* -maxinput: bytes of partial frames held
				 * by the reassemblers of all the
				 * connections together; over it, the
				 * connection holding the most is cut
				 * off. */
    int maxNested;		/* -maxnested: payloads of one connection
				 * handled at once, each in the event loop
				 * a hook of the one before runs; at it,
				 * the connection is not read until one
				 * returns. */
    int connectDelayMs;		/* -connectdelay: a connect pending this
				 * long hands its queue to the owner
				 * (slowProc) and goes on; 0: never. */
} ClusterNetLimits;

#define CLUSTER_DEFAULT_MAX_QUEUE	(64 * 1024 * 1024)	/* -maxqueue */
#define CLUSTER_DEFAULT_MAX_BUFFERED	(64 * 1024 * 1024)	/* -maxbuffered */
#define CLUSTER_DEFAULT_MAX_INPUT	(64 * 1024 * 1024)	/* -maxinput */
#define CLUSTER_DEFAULT_UNIX_MODE	0600	/* -u {mode M} */
#define CLUSTER_DEFAULT_MAX_CONNS	384	/* -maxconns */
#define CLUSTER_DEFAULT_FRAME_TIMEOUT	10000	/* -frametimeout, ms */
#define CLUSTER_DEFAULT_MAX_NESTED	16	/* -maxnested */
#define CLUSTER_DEFAULT_CONNECT_DELAY	250	/* -connectdelay, ms */

/*
 * The owner's view of one peer: what the transport keeps for it.
 */

typedef struct ClusterNetPeer {
    ClusterConn *conns[CLUSTER_PROTO_COUNT];
				/* Open stream to it per protocol, or NULL;
				 * set and cleared by the transport. */
    void *data;			/* The owner's record of the peer. */
} ClusterNetPeer;

/*
 * One packet that could not be delivered.
 */

typedef struct ClusterNetPacket {
    const unsigned char *bytes;	/* The whole packet. */
    size_t length;		/* Its size. */
    int flags;			/* CLUSTER_SEND_* flags it was sent with. */
    unsigned long tag;		/* The owner's tag for it (0: none),
				 * handed back by sentProc or lostProc. */
} ClusterNetPacket;

/*
 * What the callbacks return.
 */

#define CLUSTER_NET_OK		0	/* Go on. */
#define CLUSTER_NET_GONE	1	/* The owner is gone: stop. */

/*
 * The callbacks. `owner` is the pointer given at open.
 *
 * packetProc: a packet arrived: one datagram (connPtr NULL) or one frame
 *	of a stream (connPtr is its connection, valid during the call).
 *	*keepPtr is set to 1 when the packet asks that the connection stay
 *	open (the keepalive rule, doc/protocol.md section 4).
 * failedProc: packets queued for a peer could not be delivered: its
 *	connection failed (peerPtr may be NULL for a connection no peer
 *	was bound to). The packets are valid during the call only. With
 *	numPackets 0: a connect that handed its queue off after
 *	-connectdelay failed (packets not NULL), or a connection opened to
 *	a peer ended with nothing queued, closed by the peer or broken
 *	(packets NULL; not when the peer closed it cleanly after our
 *	newest payload on it lacked keepalive).
 * oversizeProc: count packets dropped for their size before decoding:
 *	a datagram larger than CLUSTER_NET_MAX_DATAGRAM, or frames over
 *	-maxframe skipped by a stream's reassembler.
 * sentProc: count a packet written whole to a stream; tag is the one
 *	it was queued with.
 * slowProc: a connect is still pending after -connectdelay: the packets
 *	queued on it are offered to the owner, which sets taken[i] to 1
 *	for each one it sent some other way; those leave the queue, the
 *	others wait for the connect, which goes on.
 * lostProc: a packet queued with a nonzero tag was dropped unsent and
 *	not handed to failedProc (its connection was closed, its peer
 *	forgotten).
 *
 * Only packetProc, failedProc and slowProc may run scripts (and so
 * destroy the owner); the others only count.
 */

typedef struct ClusterNetHandler {
    int (*packetProc)(void *owner, ClusterProto proto,
	    const unsigned char *bytes, size_t length,
	    const ClusterAddr *fromPtr, ClusterConn *connPtr, int *keepPtr);
    int (*failedProc)(void *owner, ClusterNetPeer *peerPtr,
	    ClusterProto proto, const ClusterNetPacket *packets,
	    int numPackets, const char *reason);
    void (*oversizeProc)(void *owner, ClusterProto proto, int count);
    void (*sentProc)(void *owner, ClusterProto proto, size_t length,
	    unsigned long tag);
    int (*slowProc)(void *owner, ClusterNetPeer *peerPtr,
	    ClusterProto proto, const ClusterNetPacket *packets,
	    int numPackets, int *taken);
    void (*lostProc)(void *owner, unsigned long tag);
} ClusterNetHandler;

/*
 * c: UDP multicast (clusterNetMcast.c). Members of one thread on the same
 * group, port, interface and TTL share one socket; each is an endpoint.
 * The medium is a socket, or an in-process bus that joins the members of
 * a thread on the same group and port without any socket (for tests of
 * the core).
 */

#define CLUSTER_NET_SOCKET	0	/* The network. */
#define CLUSTER_NET_MEMORY	1	/* An in-process bus. */

int		ClusterNetMcastOpen(const ClusterAddr *groupPtr,
		    const ClusterAddr *ifPtr, int ttl, int medium,
		    const ClusterNetHandler *handlerPtr, void *owner,
		    ClusterNetMcast **mcastPtrPtr, ClusterErr *errPtr);
void		ClusterNetMcastClose(ClusterNetMcast *mcastPtr);
int		ClusterNetMcastSend(ClusterNetMcast *mcastPtr,
		    const unsigned char *bytes, size_t length,
		    ClusterErr *errPtr);
int		ClusterNetMcastFd(const ClusterNetMcast *mcastPtr);

/*
 * Unicast peers (clusterNetPeer.c): a member's own UDP socket, from which
 * it sends to each peer and on which its peers reach it. Datagrams read
 * go to packetProc as CLUSTER_PROTO_C, with no connection.
 */

typedef struct ClusterNetUnicast ClusterNetUnicast;

int		ClusterNetUnicastOpen(int port,
		    const ClusterNetHandler *handlerPtr, void *owner,
		    ClusterNetUnicast **unicastPtrPtr, ClusterErr *errPtr);
void		ClusterNetUnicastClose(ClusterNetUnicast *unicastPtr);
int		ClusterNetUnicastPort(const ClusterNetUnicast *unicastPtr);
int		ClusterNetUnicastSend(ClusterNetUnicast *unicastPtr,
		    const ClusterAddr *toPtr, const unsigned char *bytes,
		    size_t length, ClusterErr *errPtr);

/*
 * t and u: stream servers and connections (clusterNetStream.c and
 * clusterNetConn*.c). `serve` has bit (1 << proto) set for each protocol
 * to listen on; unixPath is the socket file for u (NULL: a fresh one
 * under /tmp named after `name`).
 */

int		ClusterNetStreamsOpen(int serve, const char *unixPath,
		    const char *name, const ClusterNetLimits *limitsPtr,
		    const ClusterNetHandler *handlerPtr, void *owner,
		    ClusterNetStreams **streamsPtrPtr, ClusterErr *errPtr);
void		ClusterNetStreamsClose(ClusterNetStreams *streamsPtr);
int		ClusterNetStreamServed(ClusterNetStreams *streamsPtr,
		    ClusterProto proto, int *portPtr, const char **pathPtr);
int		ClusterNetStreamRebuild(ClusterNetStreams *streamsPtr,
		    ClusterProto proto, ClusterErr *errPtr);
int		ClusterNetStreamBreak(ClusterNetStreams *streamsPtr,
		    ClusterProto proto, ClusterErr *errPtr);
int		ClusterNetStreamHealthy(ClusterNetStreams *streamsPtr,
		    ClusterProto proto);
int		ClusterNetStreamConnect(ClusterNetStreams *streamsPtr,
		    ClusterNetPeer *peerPtr, ClusterProto proto,
		    const ClusterAddr *toPtr, const char *path,
		    const unsigned char *bytes, size_t length, int flags,
		    unsigned long tag);
void		ClusterNetStreamsForget(ClusterNetStreams *streamsPtr,
		    ClusterNetPeer *peerPtr);
int		ClusterNetStreamsMoved(ClusterNetStreams *streamsPtr,
		    ClusterNetPeer *peerPtr, const ClusterAddr *toPtr,
		    const ClusterIfAddr *locals, int numLocals);
Tcl_Obj *	ClusterNetStreamStats(ClusterNetStreams *streamsPtr);

int		ClusterConnWrite(ClusterConn *connPtr,
		    const unsigned char *bytes, size_t length, int flags,
		    unsigned long tag);
int		ClusterConnUsable(ClusterConn *connPtr);
int		ClusterConnSlow(const ClusterConn *connPtr);
ClusterProto	ClusterConnProto(const ClusterConn *connPtr);
size_t		ClusterPeerQueued(const ClusterNetPeer *peerPtr);
int		ClusterConnBind(ClusterConn *connPtr,
		    ClusterNetPeer *peerPtr);
Tcl_Obj *	ClusterConnName(const ClusterConn *connPtr);

#endif /* _CLUSTERNET_H */

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
