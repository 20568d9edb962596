/*
 * clusterCore.h --
 *
 *	Declarations of the core (clusterCore*.c): the structures of
 *	clusters, services and queries, the configuration, the counters,
 *	and the prototypes that cross the core's files. The core sits on
 *	the transports (clusterNet.h), the codec (clusterCodec.h) and the
 *	platform (clusterPort.h); the face (clusterCmd.h) sits on it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERCORE_H
#define _CLUSTERCORE_H

#include "clusterNet.h"

#ifndef PACKAGE_NAME
#   define PACKAGE_NAME "cluster"
#endif
#ifndef PACKAGE_VERSION
#   define PACKAGE_VERSION "1.2.0"
#endif

/*
 * Payload types (doc/protocol.md section 2).
 */

enum {
    CLUSTER_TYPE_DISCONNECT = 0,
    CLUSTER_TYPE_HEARTBEAT = 1,
    CLUSTER_TYPE_DISCOVERY = 2,
    CLUSTER_TYPE_PING = 3,
    CLUSTER_TYPE_QUERY = 4,
    CLUSTER_TYPE_RESPONSE = 5,
    CLUSTER_TYPE_EVENT = 6,
    CLUSTER_TYPE_FLUSH = 7,
    CLUSTER_TYPE_FAILURE = 8
};

/*
 * Channels that are always subscribed (doc/protocol.md section 3).
 */

enum {
    CLUSTER_CHANNEL_BROADCAST = 0,
    CLUSTER_CHANNEL_SYSTEM = 1,
    CLUSTER_CHANNEL_LAN = 2
};

/*
 * Why an incoming packet was dropped; indexes ClusterStats.dropped.
 */

typedef enum ClusterDrop {
    CLUSTER_DROP_SELF,		/* Our own multicast echo. */
    CLUSTER_DROP_FILTER,	/* Its filter does not name us. */
    CLUSTER_DROP_CHANNEL,	/* A channel we have not subscribed to. */
    CLUSTER_DROP_REMOTE,	/* From another machine (remote policy). */
    CLUSTER_DROP_DECODE,	/* Malformed bytes. */
    CLUSTER_DROP_HOOK,		/* A receive hook refused it. */
    CLUSTER_DROP_INVALID,	/* Lacks sid, hid, type, channel or c. */
    CLUSTER_DROP_OVERSIZE,	/* Larger than a bound allows. */
    CLUSTER_DROP_RUID,		/* A query whose ruid, which the answer
				 * echoes, is over CLUSTER_MAX_RUID. */
    CLUSTER_DROP_MAXSERVICES,	/* New sender, -maxservices known. */
    CLUSTER_DROP_NEWSERVICERATE,	/* New sender, its address over
				 * -newservicerate. */
    CLUSTER_DROP_MAXTAGS,	/* Tags larger than -maxtags. */
    CLUSTER_DROP_MAXRECORD,	/* What a service would keep of it is
				 * larger than -maxrecord. */
    CLUSTER_DROP_UNAUTHENTICATED,	/* With keys: plaintext, or sealed
				 * with no key of ours, or forged; without:
				 * a sealed frame. */
    CLUSTER_DROP_REPLAYED,	/* Sealed and genuine, but seen before or
				 * outside -freshness. */
    CLUSTER_DROP_COUNT
} ClusterDrop;

/*
 * The longest ruid a query may carry to be answered (doc/protocol.md
 * section 2.6): the answer copies it, so a peer that asks with huge ids
 * and never reads would make us hold them. Our ids are q<n>#<sid>, some
 * 20 bytes; the cap is a property of the protocol, not a tunable, since
 * members must agree on which queries get answers.
 */

#define CLUSTER_MAX_RUID	256

/*
 * Counters since join, rendered by `$cluster stats` (doc/protocol.md section 9).
 */

typedef struct ClusterStats {
    Tcl_WideInt packetsIn[CLUSTER_PROTO_COUNT];
    Tcl_WideInt bytesIn[CLUSTER_PROTO_COUNT];
    Tcl_WideInt packetsOut[CLUSTER_PROTO_COUNT];
    Tcl_WideInt bytesOut[CLUSTER_PROTO_COUNT];
    Tcl_WideInt sendFailures[CLUSTER_PROTO_COUNT];
    Tcl_WideInt dropped[CLUSTER_DROP_COUNT];
    Tcl_WideInt hookErrors;	/* Scripts that raised in the background. */
    Tcl_WideInt discovered;	/* Services announced as discovered. */
    Tcl_WideInt lost;		/* Services removed. */
    Tcl_WideInt queriesStarted;
    Tcl_WideInt queriesAnswered;
    Tcl_WideInt queriesTimedOut;
    Tcl_WideInt inboundUnbound;	/* Accepted connections that named their
				 * sender: answered on, never used to send
				 * to it (doc/protocol.md section 4.4). */
    Tcl_WideInt responsesRefused;	/* Responses no live query of ours
				 * waited for from their sender. */
    Tcl_WideInt pingsRefused;	/* Pings not multicast to all on channel
				 * 0: the other sids they name ignored. */
    Tcl_WideInt answersCoalesced;	/* Pings naming us, and reports,
				 * answered by a heartbeat due anyway. */
    Tcl_WideInt probes;		/* Services probed before a drop. */
    Tcl_WideInt reportsRefused;	/* Failure reports that rebuilt nothing. */
    Tcl_WideInt rebuilds;	/* Servers rebuilt after a report. */
    Tcl_WideInt probesSent;	/* Direct probes sent (clusterCoreProbe.c). */
    Tcl_WideInt probesAnswered;	/* Probes of others answered. */
    Tcl_WideInt probeTimeouts;	/* Probes not answered in -probetimeout. */
    Tcl_WideInt suspicions;	/* Services suspected: pinged, and dropped
				 * unless heard within -probewait. */
    Tcl_WideInt sendsToNobody;	/* `$cluster send` that found no target. */
    Tcl_WideInt answersDeferred;	/* Answers deferred by query hooks, */
    Tcl_WideInt answersGiven;	/* given later with `$cluster answer`, */
    Tcl_WideInt answersExpired;	/* or sent as errors after -deferwait. */
    Tcl_WideInt deferFull;	/* `defer` refused: -maxdeferred reached. */
    Tcl_WideInt queriesRefused;	/* Queries refused by a hook, answered
				 * with an error. */
    Tcl_WideInt peerPacketsIn;	/* Unicast peers (clusterCorePeers.c): */
    Tcl_WideInt peerBytesIn;	/* datagrams and bytes read from the */
    Tcl_WideInt peerPacketsOut;	/* peer socket, and sent on it; */
    Tcl_WideInt peerBytesOut;
    Tcl_WideInt peerSendFailures;	/* sends that failed; */
    Tcl_WideInt peersFull;	/* addresses not kept: -maxpeers known; */
    Tcl_WideInt peerRetries;	/* discoveries sent again to a silent
				 * seed; */
    Tcl_WideInt peersExpired;	/* learnt addresses forgotten, silent
				 * for -ttl or gone; */
    Tcl_WideInt peersLearnt;	/* addresses learnt from peers. */
} ClusterStats;

/*
 * The parsed options of `cluster join` (doc/protocol.md section 6.1), plus the
 * internal timings that tests shorten. Nobody re-parses options: the core
 * reads this struct and `$cluster config` renders it back.
 */

typedef struct ClusterConfig {
    ClusterAddr group;		/* -address and -port. */
    ClusterAddr interfaceAddr;	/* -interface resolved, when given. */
    Tcl_Obj *interfaceObj;	/* -interface as given, or NULL. */
    int ttl;			/* -ttl: seconds a silent service lives. */
    int heartbeatMs;		/* -heartbeat: ms between heartbeats. */
    int remote;			/* -remote: 0 local only, else mcast TTL. */
    Tcl_Obj *channelsObj;	/* -channels as given. */
    Tcl_Obj *tagsObj;		/* -tags as given. */
    Tcl_Obj *protocolsObj;	/* Served protocols, `c` appended. */
    Tcl_Obj *unixObj;		/* -u dict as given, or NULL. */
    Tcl_Obj *unixPathObj;	/* Its `path`, or NULL. */
    Tcl_Obj *hidObj;		/* -hid as given, or NULL. */
    int discoveredWaitMs;	/* -discoverywait: longest wait for props
				 * before `service discovered` runs. */
    int discoveryLimitMs;	/* -discoverylimit: least time between two
				 * discovery broadcasts. */
    int pingBatchMs;		/* -pingbatch: failures batched per ping. */
    int pingDeadlineMs;		/* -pingdeadline: pinged services must be
				 * heard from within this. */
    int pingSweepMs;		/* -pingsweep: sweep this long after a ping. */
    int pingReplyMs;		/* -pingreply: longest random delay of a
				 * heartbeat answering a ping with others. */
    int replyWindowMs;		/* -replywindow: longest delay of the
				 * heartbeat answering discoveries. */
    int memory;			/* -transport memory: `c` is an in-process
				 * bus, and t and u are not served. */
    ClusterNetLimits limits;	/* -connecttimeout, -maxframe, -maxqueue,
				 * -maxconns and -frametimeout: the bounds
				 * on stream connections (clusterNet.h). */
    Tcl_Obj *interpObj;		/* -interp as given, or NULL. */
    Tcl_Interp *hookInterp;	/* That child, held with Tcl_Preserve:
				 * hooks and query commands run there
				 * (clusterCoreHookInterp.c); or NULL. */
    int maxServices;		/* -maxservices: services known at most. */
    int newServiceRate;		/* -newservicerate: new services per
				 * second from one source address. */
    int maxTags;		/* -maxtags: bytes of a service's tags. */
    int maxRecord;		/* -maxrecord: bytes kept of a service. */
    ClusterKey *keys;		/* -keys, the first seals; ClusterCreate
				 * moves them to the cluster. */
    int numKeys;
    int plaintextAccept;	/* -plaintext accept: with keys, take
				 * plaintext packets too. */
    int freshnessMs;		/* -freshness: a sealed packet this much
				 * older or newer than our clock is stale. */
    int maxLanes;		/* -maxlanes: senders' lanes remembered
				 * against replays. */
    int probeWaitMs;		/* -probewait: how long a service we probe
				 * before dropping it has to answer. */
    int rebuildLimitMs;		/* -rebuildlimit: least time between two
				 * rebuilds of one server. */
    int pingLimitMs;		/* -pinglimit: least time between two
				 * heartbeats that answer pings. */
    int probeIntervalMs;	/* -probeinterval: one service probed per
				 * interval; 0: none. */
    int probeTimeoutMs;		/* -probetimeout: a probe not answered in
				 * this makes its service suspect. */
    int maxDeferred;		/* -maxdeferred: answers deferred at once. */
    int deferWaitMs;		/* -deferwait: a deferred answer not given
				 * in this goes out as an error. */
    Tcl_Obj *peersObj;		/* -peers resolved, a list of ip:port; NULL
				 * when not given: no peer socket. */
    int peerPort;		/* -peerport: UDP port of the peer socket;
				 * 0: any. */
    int maxPeers;		/* -maxpeers: peer addresses kept. */
} ClusterConfig;

/*
 * The token buckets of -newservicerate (clusterCoreAdmit.c): source
 * addresses are hashed to a fixed number of buckets, so that the state
 * is bounded whatever addresses packets claim; addresses that share a
 * bucket share its rate.
 */

#define CLUSTER_ADMIT_BUCKETS	64

typedef struct ClusterAdmitBucket {
    Tcl_WideInt tokens;		/* New services allowed, in thousandths. */
    Tcl_WideInt lastMs;		/* When tokens were last refilled; 0 when
				 * never used (full). */
} ClusterAdmitBucket;

typedef struct Cluster Cluster;
typedef struct ClusterService ClusterService;
typedef struct ClusterHookTable ClusterHookTable;
typedef struct ClusterHandlers ClusterHandlers;
typedef struct ClusterQuery ClusterQuery;

/*
 * How the core tells the face (the Tcl commands) of the objects it makes
 * and drops: the face gives each service and query its object command.
 * The core itself creates and deletes no command.
 */

typedef struct ClusterFaceProcs {
    void (*serviceCreatedProc)(ClusterService *servicePtr);
				/* Set its nameObj and token. */
    void (*serviceDeletedProc)(ClusterService *servicePtr);
				/* Delete its command; the command's delete
				 * proc calls ClusterServiceRelease. */
    void (*queryCreatedProc)(ClusterQuery *queryPtr);
				/* Set its nameObj and token. */
    void (*queryDeletedProc)(ClusterQuery *queryPtr);
				/* Delete its command; the command's delete
				 * proc calls ClusterQueryForget. */
    ClusterService *(*serviceFromNameProc)(Cluster *clusterPtr,
	    Tcl_Obj *nameObj);	/* The live service a command name (as the
				 * face made it) stands for, or NULL. */
} ClusterFaceProcs;

#define CLUSTER_INT2PTR(i)	((void *) (intptr_t) (i))
#define CLUSTER_PTR2INT(p)	((int) (intptr_t) (p))

/*
 * A known member of the cluster, seen from one cluster object.
 */

#define SERVICE_DELETED		(1<<0)	/* Removed; waits for release. */
#define SERVICE_ANNOUNCED	(1<<1)	/* `service discovered` has run. */
#define SERVICE_LOCAL		(1<<2)	/* Lives on this machine. */
#define SERVICE_PENDING		(1<<3)	/* In the announce queue. */
#define SERVICE_OWN_DEADLINE	(1<<4)	/* Its deadline is our own: we failed
					 * to reach it, or the application
					 * expects it; no probe before the
					 * drop. */
#define SERVICE_PROBED		(1<<5)	/* Probed after a ping's deadline
					 * passed; dropped if still silent. */
#define SERVICE_PROBES		(1<<6)	/* Answers probes on the stream they
					 * came on (`op probe` in its
					 * heartbeats): a member of this
					 * package, probed periodically. */

/*
 * What a member did with one service it knows: `$service stats`.
 */

typedef struct ClusterServiceStats {
    Tcl_WideInt queriesSent;	/* Queries asked of it, */
    Tcl_WideInt answers;	/* answered with data, */
    Tcl_WideInt errors;		/* answered with an error, */
    Tcl_WideInt timeouts;	/* or not answered in time. */
    Tcl_WideInt packetsSent;	/* Payloads handed to a protocol for it, */
    Tcl_WideInt sendFailures;	/* and those no protocol took. */
    Tcl_WideInt queriesServed;	/* Answers we sent to its queries. */
} ClusterServiceStats;

struct ClusterService {
    Cluster *clusterPtr;	/* The cluster that knows it. */
    Tcl_Command token;		/* Its object command (the face's). */
    Tcl_Obj *nameObj;		/* Fully qualified command name. */
    int flags;			/* SERVICE_* bits. */
    Tcl_HashEntry *entryPtr;	/* In clusterPtr->services, by sid. */
    ClusterService *prevPtr;	/* Discovery order, for `services`. */
    ClusterService *nextPtr;
    Tcl_Obj *sidObj;		/* Its service id. */
    Tcl_Obj *hidObj;		/* Its host id. */
    ClusterAddr addr;		/* Where its packets come from. */
    Tcl_Obj *addrObj;		/* The same, as a dotted quad. */
    Tcl_Obj *tagsObj;		/* Its tags (a list). */
    Tcl_Obj *protocolsObj;	/* Its protocols, in its preference. */
    Tcl_Obj *propsObj;		/* Dict: protocol id -> props dict. */
    Tcl_Obj *resolverTagsObj;	/* Cached: tags sid hid ip ?localhost?;
				 * NULL when stale. */
    Tcl_WideInt lastSeenMs;	/* Monotonic ms when last heard. */
    Tcl_WideInt expectedByMs;	/* After a ping: must be heard by then;
				 * 0 when nothing is expected. */
    ClusterService *pendingPrevPtr;	/* In the cluster's queue of */
    ClusterService *pendingNextPtr;	/* services waiting to be
				 * announced (SERVICE_PENDING). */
    Tcl_WideInt announceByMs;	/* When pending: monotonic ms by which
				 * `service discovered` runs anyway. */
    ClusterNetPeer peer;	/* Its open streams, kept by the
				 * transports; peer.data points here. */
    uint32_t sealLane;		/* With keys: our lane for streams to it
				 * (random, nonzero once used), */
    uint64_t sealSeq;		/* and the last seq sealed on it. */
    Tcl_WideInt probeDueMs;	/* Our probe of it must be answered by
				 * then; 0 when no probe is out. */
    Tcl_WideInt pingProbeMs;	/* When a ping of another member last made
				 * us expect it; 0: never. */
    ClusterServiceStats stats;	/* Requests to it and their outcomes. */
};

/*
 * What a cluster needs to seal and open packets (clusterCoreSeal.c).
 * Without keys, numKeys is 0 and packets go plain.
 */

typedef struct ClusterSealState {
    ClusterKey *keys;		/* Installed keys; keys[0] seals. */
    int numKeys;		/* How many; 0: no keys. */
    int keyed;			/* Had keys once: never send plain again,
				 * even after the keys are wiped. */
    uint64_t sender;		/* Random, names us in sealed frames. */
    uint64_t mcastSeq;		/* Last seq sealed on lane 0 (multicast). */
    uint32_t replyLane;		/* Lane of ClusterStreamReply, */
    uint64_t replySeq;		/* and its last seq. */
    ClusterReplay *replayPtr;	/* Senders' lanes seen; made on first
				 * use. */
    Tcl_WideInt bornMs;		/* Wall clock at join: frames sealed
				 * before are refused (recorded before we
				 * could have seen them). */
    ClusterBuf sealBuf;		/* Reused: the sealed frame being sent. */
    ClusterBuf openBuf;		/* Reused: the packet being opened. */
    int opening;		/* openBuf is in use (nested receive). */
} ClusterSealState;

/*
 * One cluster object: a member of the cluster.
 */

#define CLUSTER_DELETED		(1<<0)	/* Destroyed; waits for release. */
#define CLUSTER_TAGS_PENDING	(1<<1)	/* A tag heartbeat is scheduled. */
#define CLUSTER_LEFT		(1<<2)	/* Its disconnect is sent: by
					 * ClusterDestroy or, when the thread
					 * or process ended first, by the exit
					 * handler (clusterCore.c). */

struct Cluster {
    Tcl_Interp *interp;		/* Where its commands and hooks live. */
    Tcl_Command token;		/* Its object command. */
    Tcl_Obj *nameObj;		/* Fully qualified command name. */
    int flags;			/* CLUSTER_* bits. */
    ClusterConfig config;	/* Parsed join options. */
    char sid[9];		/* Service id: 8 random alphanumerics. */
    char hid[CLUSTER_HID_STRLEN];	/* Host id (a MAC address). */
    Tcl_Obj *sidObj;		/* sid, hid, sid@hid as objects. */
    Tcl_Obj *hidObj;
    Tcl_Obj *uuidObj;
    Tcl_Obj *tagsObj;		/* Current tags (a list, unshared). */
    Tcl_HashTable channels;	/* Subscribed channels: key = number. */
    Tcl_HashTable services;	/* Known services: key = sid string. */
    const ClusterFaceProcs *faceProcsPtr;	/* The face's callbacks. */
    ClusterService *firstService;	/* In discovery order. */
    ClusterService *lastService;
    int numServices;		/* Entries in services. */
    ClusterHookTable *hooksPtr;	/* Registered hook scripts. */
    ClusterHandlers *handlersPtr;	/* Channel handlers and watchers. */
    ClusterNetMcast *mcastPtr;	/* Its endpoint on the `c` socket, shared
				 * with the thread's other members of the
				 * same group; or NULL. */
    ClusterBuf sendBuf;		/* Reused for encoding. */
    ClusterIfAddr *localAddrs;	/* This machine's addresses (ckalloc'd,
				 * or NULL), */
    int numLocalAddrs;		/* how many, */
    int localAddrsRoom;		/* and the room in localAddrs. */
    Tcl_WideInt localAddrsMs;	/* When localAddrs was read. */
    ClusterNetStreams *streamsPtr;	/* Servers and connections of t
				 * and u; NULL if none. */
    ClusterQuery *firstQuery;	/* Live queries (clusterCoreQuery.c). */
    Tcl_TimerToken heartbeatTimer;	/* Next heartbeat. */
    Tcl_TimerToken pingSweepTimer;	/* Sweep of pinged services. */
    Tcl_TimerToken pingTimer;	/* Sends the batched ping. */
    Tcl_Obj *pingSidsObj;	/* Sids of services we failed to reach,
				 * waiting for pingTimer; or NULL. */
    Tcl_WideInt lastDiscoveryMs;	/* Rate limit of discoveries. */
    Tcl_TimerToken replyTimer;	/* Heartbeat answering discoveries. */
    Tcl_WideInt replyFirstMs;	/* When the first discovery it answers
				 * was heard, */
    Tcl_WideInt replyHeardMs;	/* and the last one. */
    ClusterStats stats;		/* Counters since join. */
    Cluster *prevLivePtr;	/* The thread's other clusters that have */
    Cluster *nextLivePtr;	/* not left yet (clusterCore.c). */
    ClusterService *firstPending;	/* Services not announced yet, */
    ClusterService *lastPending;	/* oldest first: the announce queue
					 * (clusterCoreLearn.c). */
    Tcl_TimerToken announceTimer;	/* Announces the oldest when its
				 * -discoverywait has passed. */
    ClusterAdmitBucket admit[CLUSTER_ADMIT_BUCKETS];
				/* New services allowed per source address
				 * (clusterCoreAdmit.c). */
    ClusterSealState seal;	/* Keys, lanes, replay window
				 * (clusterCoreSeal.c). */
    Tcl_WideInt sweepDueMs;	/* When pingSweepTimer fires. */
    Tcl_TimerToken pingAnswerTimer;	/* Heartbeat answering pings. */
    Tcl_WideInt pingAnswerDueMs;	/* When it fires, */
    Tcl_WideInt pingAnswerMs;	/* and when the last one was sent. */
    Tcl_WideInt rebuildMs[CLUSTER_PROTO_COUNT];
				/* When each server was last rebuilt. */
    struct ClusterOutcomes *outcomesPtr;
				/* Outcomes of sends with -command not yet
				 * reported (clusterCoreOutcome.c), or
				 * NULL. */
    Tcl_TimerToken probeTimer;	/* Probes the next service. */
    Tcl_TimerToken probeCheckTimer;	/* Checks the probes that are due, */
    Tcl_WideInt probeCheckDueMs;	/* then. */
    ClusterService *probeNextPtr;	/* Next in the round of probes, or
				 * NULL to start again (clusterCoreProbe.c). */
    ClusterAddr selfAddr;	/* Where our own multicasts came from, */
    Tcl_WideInt selfCheckMs;	/* and when a change was last checked
				 * (clusterCoreReceive.c). */
    struct ClusterAnswerFrame *answerFramePtr;
				/* The queries whose hooks run, innermost
				 * first (clusterCoreAnswer.c). */
    struct ClusterDeferred *firstDeferred;	/* Deferred answers, oldest */
    struct ClusterDeferred *lastDeferred;	/* first (clusterCoreDefer.c), */
    int numDeferred;		/* how many, */
    unsigned long nextDeferredId;	/* the last token's number, */
    Tcl_TimerToken deferTimer;	/* and the timer that expires them. */
    struct ClusterPeers *peersPtr;	/* Unicast peers and their socket
				 * (clusterCorePeers.c), or NULL. */
};

/*
 * Whether a cluster was destroyed (its memory waits for Tcl_Release).
 * Code that ran a script checks this before touching the cluster again.
 */

static inline int
ClusterIsDeleted(
    const Cluster *clusterPtr)	/* Cluster of interest. */
{
    return (clusterPtr->flags & CLUSTER_DELETED) != 0;
}

/*
 * Per-interpreter state: counters that make command names unique.
 */

typedef struct ClusterInterpData {
    unsigned long nextCluster;	/* Suffix of the next cluster name. */
    unsigned long nextService;	/* Suffix of the next service name. */
    unsigned long nextQuery;	/* Suffix of the next query name. */
} ClusterInterpData;

/*
 * A query asked by this member (clusterCoreQuery.c); its object command
 * is the face's (clusterCmdQuery.c).
 */

#define QUERY_DELETED	(1<<0)	/* Its command is gone. */
#define QUERY_DONE	(1<<1)	/* `done` has been delivered. */
#define QUERY_COLLECT	(1<<2)	/* -collect was given. */
#define QUERY_STARTED	(1<<3)	/* `start` has been delivered. */
#define QUERY_ENDED	(1<<4)	/* Replaced or unanswerable: `done` is
				 * due from the event loop. */
#define QUERY_KEEP	(1<<5)	/* -keep 1: the object outlives `done`
				 * until destroyed. */

struct ClusterQuery {
    Cluster *clusterPtr;	/* Cluster that asked. */
    Tcl_Command token;		/* Its object command (the face's). */
    Tcl_Obj *nameObj;		/* Fully qualified command name. */
    unsigned long serial;	/* Number of the query in its interp. */
    int flags;			/* QUERY_* bits. */
    ClusterQuery *nextPtr;	/* In clusterPtr->firstQuery. */
    Tcl_Obj *idObj;		/* Query id: the ruid of its payloads. */
    Tcl_Obj *queryObj;		/* What was asked. */
    Tcl_Obj *commandObj;	/* Called with {event query}. */
    int channel;		/* Channel it was sent on. */
    int timeoutMs;		/* -timeout. */
    Tcl_Obj *remainingObj;	/* Dict: sid -> service name, not yet
				 * answered. */
    Tcl_Obj *resultsObj;	/* Dict: service -> {event E result R}. */
    Tcl_Obj *payloadsObj;	/* Dict: service -> response payload. */
    Tcl_Obj *payloadObj;	/* Current response payload, or NULL. */
    Tcl_Obj *serviceObj;	/* Current responder, or NULL. */
    Tcl_TimerToken timer;	/* Timeout. */
    Tcl_TimerToken soonTimer;	/* Delivers `start` (and `done` when
				 * QUERY_ENDED) from the event loop. */
};

/*
 * What a query asks and how (the options of `$cluster query`).
 */

typedef struct ClusterQuerySpec {
    Tcl_Obj *queryObj;		/* -query: what to ask. */
    Tcl_Obj *commandObj;	/* -command: called with {event query}. */
    Tcl_Obj *idObj;		/* -id, or NULL for a new one. */
    Tcl_Obj *protocolsObj;	/* -protocols, or NULL. */
    int collect;		/* -collect: keep the command's results. */
    int timeoutMs;		/* -timeout. */
    int broadcast;		/* -broadcast, or -1 when not given. */
    int channel;		/* -channel. */
    int keep;			/* -keep: outlive `done` until destroyed. */
} ClusterQuerySpec;

/*
 * Results of running a hook.
 */

typedef enum ClusterHookResult {
    CLUSTER_HOOK_NONE,		/* No hook is registered there. */
    CLUSTER_HOOK_OK,		/* It ran and returned normally. */
    CLUSTER_HOOK_STOP,		/* It raised an error or returned break. */
    CLUSTER_HOOK_GONE		/* The cluster was destroyed meanwhile. */
} ClusterHookResult;

/*
 * Errors (clusterCoreError.c): the one place that builds CLUSTER errors
 * in an interpreter.
 */

int		ClusterError(Tcl_Interp *interp, const char *category,
		    const char *detail, const char *format, ...);
int		ClusterErrToInterp(Tcl_Interp *interp,
		    const ClusterErr *errPtr);

/*
 * The packet codec seen from Tcl (clusterCorePayload.c, clusterCorePayloadEncode.c,
 * clusterCmdPacket.c, clusterCmdStream.c).
 */

int		ClusterPayloadEncode(Tcl_Interp *interp, Tcl_Obj *dictObj,
		    int keepOrder, ClusterBuf *bufPtr, size_t *startPtr,
		    size_t *lengthPtr);
Tcl_Obj *	ClusterPayloadFromView(const ClusterPacketView *viewPtr);
int		ClusterDecodeErrorToInterp(Tcl_Interp *interp,
		    const ClusterCodecError *errPtr);
Tcl_Obj *	ClusterFieldKey(ClusterFieldId id);
int		ClusterGetVarintFromObj(Tcl_Interp *interp, Tcl_Obj *objPtr,
		    uint64_t *valuePtr);
Tcl_Obj *	ClusterNewVarintObj(uint64_t value);

/*
 * Between the payload files only: the per-thread cache (clusterCorePayload.c)
 * of the key objects of the payload dict, the two boolean values and the
 * Tcl type of bignums, read by the encoder too (clusterCorePayloadEncode.c).
 */

typedef struct ClusterPayloadCache {
    int initialized;		/* Set once the fields below are filled. */
    Tcl_Obj *keys[CLUSTER_F_COUNT];
				/* Shared key objects, indexed by field id
				 * (keys[0] is NULL). */
    Tcl_Obj *booleans[2];	/* Shared integer objects 0 and 1. */
    const Tcl_ObjType *bignumType;
				/* Tcl's "bignum" type, to detect values that
				 * Tcl_GetWideIntFromObj wraps. */
    ClusterBuf lastBytes;	/* The last datagram over c decoded whole, */
    ClusterPacketView lastView;	/* its fields (pointing into lastBytes) */
    Tcl_Obj *lastPayloadObj;	/* and its payload; NULL when none. */
} ClusterPayloadCache;

ClusterPayloadCache *ClusterGetPayloadCache(void);
ClusterVerdict	ClusterDecodeIncoming(const unsigned char *bytes,
		    size_t length, ClusterProto proto,
		    const ClusterIdentity *selfPtr, Tcl_Obj **payloadObjPtr);

/*
 * The life of a cluster (clusterCore.c); per-interp state.
 */

Cluster *	ClusterCreate(Tcl_Interp *interp, ClusterConfig *configPtr,
		    const ClusterFaceProcs *faceProcsPtr);
void		ClusterStart(Cluster *clusterPtr);
void		ClusterDestroy(Cluster *clusterPtr);
void		ClusterFreeConfig(ClusterConfig *configPtr);
ClusterInterpData *ClusterGetInterpData(Tcl_Interp *interp);

/*
 * Beacons: heartbeats, discovery, disconnect (clusterCoreBeacon.c).
 */

Tcl_Obj *	ClusterOwnPayload(Cluster *clusterPtr, int type);
Tcl_Obj *	ClusterProtoProps(Cluster *clusterPtr);
int		ClusterSendHeartbeat(Cluster *clusterPtr, Tcl_Obj *propsObj,
		    int withTags, Tcl_Obj *filterObj);
int		ClusterSendDiscovery(Cluster *clusterPtr, int force);
void		ClusterSendDisconnect(Cluster *clusterPtr);
void		ClusterScheduleHeartbeat(Cluster *clusterPtr, int ms);
void		ClusterTagsChanged(Cluster *clusterPtr);
void		ClusterReplyToDiscovery(Cluster *clusterPtr);
void		ClusterHeartbeatAnswer(Cluster *clusterPtr, int alone);
int		ClusterServes(Cluster *clusterPtr, ClusterProto proto);

/*
 * The transports seen from the core (clusterCoreNet.c).
 */

int		ClusterTransportsOpen(Cluster *clusterPtr,
		    Tcl_Interp *interp);
void		ClusterTransportsClose(Cluster *clusterPtr);
int		ClusterMulticastFd(const Cluster *clusterPtr);
int		ClusterMulticastSend(Cluster *clusterPtr,
		    const unsigned char *bytes, size_t length,
		    Tcl_Interp *interp);
int		ClusterStreamSend(Cluster *clusterPtr,
		    ClusterService *servicePtr, ClusterProto proto,
		    const unsigned char *bytes, size_t length, int flags,
		    unsigned long tag);
int		ClusterStreamReply(Cluster *clusterPtr, ClusterConn *connPtr,
		    const unsigned char *bytes, size_t length);
Tcl_Obj *	ClusterStreamProps(Cluster *clusterPtr, ClusterProto proto);
int		ClusterStreamRebuild(Cluster *clusterPtr, ClusterProto proto,
		    Tcl_Interp *interp);
int		ClusterStreamBreak(Cluster *clusterPtr, ClusterProto proto,
		    Tcl_Interp *interp);
int		ClusterStreamHealthy(Cluster *clusterPtr, ClusterProto proto);
int		ClusterOverLoopback(const ClusterService *servicePtr);
int		ClusterCanStream(ClusterService *servicePtr,
		    ClusterProto proto);
int		ClusterServiceTarget(ClusterService *servicePtr,
		    ClusterProto proto, ClusterAddr *toPtr,
		    const char **pathPtr);
void		ClusterStreamsForget(ClusterService *servicePtr);
void		ClusterStreamsMoved(ClusterService *servicePtr);
void		ClusterStreamsRelocate(Cluster *clusterPtr);
void		ClusterStreamStats(Cluster *clusterPtr, Tcl_Obj *dictObj);

/*
 * Keys and the seal step (clusterCoreSeal.c), called by clusterCoreNet.c.
 */

void		ClusterKeysAdopt(Cluster *clusterPtr,
		    ClusterConfig *configPtr);
int		ClusterKeysInstall(Cluster *clusterPtr,
		    const ClusterKey *keyPtr, Tcl_Interp *interp);
int		ClusterKeysUse(Cluster *clusterPtr, const ClusterKey *keyPtr,
		    Tcl_Interp *interp);
int		ClusterKeysRemove(Cluster *clusterPtr,
		    const ClusterKey *keyPtr, Tcl_Interp *interp);
int		ClusterKeysFind(const Cluster *clusterPtr,
		    const ClusterKey *keyPtr);
void		ClusterKeysFree(ClusterKey *keys, int numKeys);
void		ClusterSealStateFree(Cluster *clusterPtr);
Tcl_WideInt	ClusterWallClockMs(void);
int		ClusterSealOut(Cluster *clusterPtr, uint32_t lane,
		    uint64_t *seqPtr, int datagram,
		    const unsigned char **bytesPtr, size_t *lengthPtr);
uint32_t	ClusterServiceLane(ClusterService *servicePtr);
int		ClusterOpenIn(Cluster *clusterPtr, ClusterProto proto,
		    const unsigned char **bytesPtr, size_t *lengthPtr,
		    ClusterBuf *bufPtr);
ClusterNetPacket *ClusterOpenOwn(Cluster *clusterPtr,
		    const ClusterNetPacket *packets, int *numPacketsPtr,
		    unsigned char **storagePtr);

/*
 * Sending (clusterCoreSend.c), called back by the transports.
 */

int		ClusterBroadcast(Cluster *clusterPtr, Tcl_Obj *payloadObj,
		    Tcl_Interp *interp, int *sentPtr);
int		ClusterRunSendHooks(Cluster *clusterPtr,
		    Tcl_Obj **payloadPtr, int isBroadcast);
int		ClusterRunSendHooksFor(Cluster *clusterPtr,
		    ClusterService *servicePtr, Tcl_Obj **payloadPtr,
		    int isBroadcast);
void		ClusterSchedulePing(Cluster *clusterPtr,
		    ClusterService *servicePtr);
Tcl_Obj *	ClusterCompletePayload(Cluster *clusterPtr,
		    Tcl_Obj *givenObj);
Tcl_Obj *	ClusterTargetSids(Cluster *clusterPtr, Tcl_Obj *targetsObj);
int		ClusterSendEvent(Cluster *clusterPtr, Tcl_Obj *targetsObj,
		    Tcl_Obj *payloadObj, int broadcast, Tcl_Obj *protocolsObj,
		    Tcl_Obj *commandObj, Tcl_Interp *interp,
		    Tcl_Obj *usedObj);

/*
 * More targets than this are reached by one filtered multicast, unless
 * -broadcast says otherwise.
 */

#define CLUSTER_DIRECT_SEND_MAX	3
void		ClusterSendFailed(Cluster *clusterPtr,
		    ClusterService *servicePtr, ClusterProto proto,
		    const ClusterNetPacket *packets, int numPackets,
		    const char *reason);

/*
 * The send path's size rule, delivery, slow connects and outcomes
 * (clusterCoreSend.c, clusterCoreSendPlan.c, clusterCoreSendFail.c,
 * clusterCoreOutcome.c).
 */

int		ClusterSendToServiceTagged(Cluster *clusterPtr,
		    ClusterService *servicePtr, Tcl_Obj *payloadObj,
		    Tcl_Obj *protocolsObj, int allowBroadcast,
		    Tcl_Interp *interp, unsigned long tag, int *usedPtr);
int		ClusterSendOrder(Cluster *clusterPtr,
		    ClusterService *servicePtr, Tcl_Obj *protocolsObj,
		    int allowBroadcast,
		    ClusterProto order[CLUSTER_PROTO_COUNT]);
void		ClusterSendSlow(Cluster *clusterPtr,
		    ClusterService *servicePtr, ClusterProto proto,
		    const ClusterNetPacket *packets, int numPackets,
		    int *taken);
int		ClusterDeliver(Cluster *clusterPtr,
		    ClusterService *servicePtr, const unsigned char *bytes,
		    size_t length, const ClusterProto *order, int numOrder,
		    int flags, unsigned long tag, int *failedMaskPtr);
void		ClusterAfterDelivery(Cluster *clusterPtr,
		    ClusterService *servicePtr, int used, int failedMask);
int		ClusterMulticastFits(Cluster *clusterPtr, size_t length,
		    Tcl_Interp *interp);
int		ClusterSendCheckSize(Cluster *clusterPtr,
		    Tcl_Obj *targetsObj, Tcl_Obj *payloadObj, int broadcast,
		    Tcl_Obj *protocolsObj, Tcl_Interp *interp);
unsigned long	ClusterOutcomeNew(Cluster *clusterPtr, Tcl_Obj *commandObj,
		    Tcl_Obj *sidObj);
void		ClusterOutcomeDone(Cluster *clusterPtr, unsigned long tag,
		    int proto, const char *reason);
void		ClusterOutcomesFree(Cluster *clusterPtr);

/*
 * Send to one service without following the outcome (clusterCoreSend.c).
 */

#define ClusterSendToService(clusterPtr, servicePtr, payloadObj, \
	protocolsObj, allowBroadcast, interp, usedPtr) \
    ClusterSendToServiceTagged((clusterPtr), (servicePtr), (payloadObj), \
	    (protocolsObj), (allowBroadcast), (interp), 0, (usedPtr))

/*
 * Queries (clusterCoreQuery.c) and answers to those of others
 * (clusterCoreAnswer.c).
 */

Tcl_Obj *	ClusterQueryStart(Cluster *clusterPtr, Tcl_Obj *targetsObj,
		    const ClusterQuerySpec *specPtr);
void		ClusterQueryFinish(ClusterQuery *queryPtr, int destroy);
int		ClusterQueryCheckSize(Cluster *clusterPtr,
		    Tcl_Obj *targetsObj, const ClusterQuerySpec *specPtr,
		    Tcl_Interp *interp);
void		ClusterQueryForget(ClusterQuery *queryPtr);
void		ClusterQueriesDeleteAll(Cluster *clusterPtr);
void		ClusterQueryIncoming(Cluster *clusterPtr,
		    ClusterService *servicePtr, Tcl_Obj *payloadObj,
		    ClusterProto proto, ClusterConn *connPtr);
void		ClusterQueryResponse(Cluster *clusterPtr,
		    ClusterService *servicePtr, Tcl_Obj *payloadObj);
void		ClusterQueryRefused(Cluster *clusterPtr,
		    Tcl_Obj *payloadObj, ClusterProto proto,
		    ClusterConn *connPtr, const char *path);
int		ClusterAnswerSend(Cluster *clusterPtr,
		    ClusterService *servicePtr, Tcl_Obj *ruidObj,
		    Tcl_Obj *channelObj, int isError, Tcl_Obj *valueObj,
		    ClusterProto proto, ClusterConn *connPtr);

/*
 * A query whose `query` hook runs (clusterCoreAnswer.c), and the answers
 * such hooks defer (clusterCoreDefer.c).
 */

typedef struct ClusterAnswerFrame {
    struct ClusterAnswerFrame *prevPtr;	/* The hook this one runs in. */
    ClusterService *servicePtr;	/* The asker. */
    Tcl_Obj *ruidObj;		/* The query's ruid and channel (of its */
    Tcl_Obj *channelObj;	/* payload, held by the caller), or NULL. */
    ClusterProto proto;		/* The transport it came on, */
    ClusterConn *connPtr;	/* and its stream, or NULL. */
    unsigned long deferredId;	/* Its deferred answer's number, or 0. */
} ClusterAnswerFrame;

typedef enum ClusterDeferStatus {
    CLUSTER_DEFER_OK,
    CLUSTER_DEFER_NO_QUERY,	/* No query hook runs. */
    CLUSTER_DEFER_FULL		/* -maxdeferred answers wait already. */
} ClusterDeferStatus;

ClusterDeferStatus ClusterDefer(Cluster *clusterPtr, unsigned long *idPtr);
int		ClusterAnswerDeferred(Cluster *clusterPtr, unsigned long id,
		    int isError, Tcl_Obj *valueObj, int *usedPtr);
void		ClusterDeferredDeleteAll(Cluster *clusterPtr);

/*
 * The fields of a payload that the core acts on, read from the dict after
 * the receive hooks had their chance to change it.
 */

typedef struct ClusterIncoming {
    Tcl_Obj *payloadObj;	/* The payload dict. */
    Tcl_Obj *sidObj;		/* Its fields, or NULL where absent. */
    Tcl_Obj *hidObj;
    Tcl_Obj *protocolsObj;
    Tcl_Obj *tagsObj;
    Tcl_Obj *dataObj;
    int type;			/* -1 when absent or not a number. */
    int channel;		/* 0 when absent. */
    int hasChannel;		/* The channel field is there. */
    int keepalive;		/* 1 when asked for. */
    int local;			/* Sent from this machine. */
    ClusterProto proto;		/* Transport it came on. */
    ClusterAddr from;		/* Its source address. */
    ClusterConn *connPtr;	/* Stream it came on, or NULL. */
    int newService;		/* Its sender was unknown before it. */
    int probe;			/* It carries `op probe`. */
    Tcl_Obj *arrivedObj;	/* The payload as it arrived, before any
				 * hook changed it. */
    int viaPeer;		/* It came on the peer socket. */
} ClusterIncoming;

/*
 * Incoming payloads (clusterCoreReceive.c); what they teach of their senders
 * (clusterCoreLearn.c); liveness, pings and removal (clusterCoreLiveness.c).
 */

int		ClusterLearnFromPayload(ClusterService *servicePtr,
		    const ClusterIncoming *inPtr);
void		ClusterMergeProps(ClusterService *servicePtr,
		    Tcl_Obj *dataObj, int replace);
void		ClusterAnnounceIfReady(ClusterService *servicePtr);
void		ClusterAnnounceForget(ClusterService *servicePtr);
void		ClusterAnnounceCancel(Cluster *clusterPtr);

/*
 * The bounds on what senders may make a member keep (clusterCoreAdmit.c).
 */

int		ClusterRecordFits(Cluster *clusterPtr,
		    const ClusterIncoming *inPtr);
int		ClusterAdmitNew(Cluster *clusterPtr,
		    const ClusterIncoming *inPtr);

int		ClusterReceivePacket(Cluster *clusterPtr,
		    ClusterProto proto, const unsigned char *bytes,
		    size_t length, const ClusterAddr *fromPtr,
		    ClusterConn *connPtr);
int		ClusterChannelSubscribe(Tcl_Interp *interp,
		    Cluster *clusterPtr, Tcl_Obj *listObj, int subscribe);
int		ClusterHidValid(const char *hid);
void		ClusterTagsIdleProc(ClientData clientData);
int		ClusterIsLocalAddress(Cluster *clusterPtr,
		    const ClusterAddr *addrPtr);
int		ClusterIsOnLink(Cluster *clusterPtr,
		    const ClusterAddr *addrPtr);
void		ClusterHandlePing(Cluster *clusterPtr,
		    const ClusterIncoming *inPtr);
void		ClusterSweepServices(Cluster *clusterPtr);
void		ClusterScheduleSweep(Cluster *clusterPtr, int ms);
void		ClusterRemoveService(ClusterService *servicePtr);
void		ClusterRemoveAllServices(Cluster *clusterPtr);
void		ClusterSendPing(Cluster *clusterPtr, Tcl_Obj *sidsObj);
Tcl_Obj *	ClusterPingPayload(Cluster *clusterPtr, Tcl_Obj *sidsObj);

/*
 * Failure detection (clusterCoreProbe.c): probes, suspicion.
 */

void		ClusterProbeStart(Cluster *clusterPtr);
void		ClusterProbeStop(Cluster *clusterPtr);
void		ClusterProbeService(ClusterService *servicePtr);
int		ClusterProbeable(ClusterService *servicePtr);
int		ClusterProbeAnswer(Cluster *clusterPtr,
		    const ClusterIncoming *inPtr);
void		ClusterUnreachable(ClusterService *servicePtr);
void		ClusterSuspect(ClusterService *servicePtr);
void		ClusterProbeForget(ClusterService *servicePtr);
void		ClusterAddProbeMark(Tcl_Obj *payloadObj);

/*
 * Unicast peers (clusterCorePeers.c, doc/protocol.md section 5.8).
 */

int		ClusterPeersOpen(Cluster *clusterPtr,
		    const ClusterNetHandler *handlerPtr, Tcl_Interp *interp);
void		ClusterPeersClose(Cluster *clusterPtr);
int		ClusterPeersReceiving(Cluster *clusterPtr, int viaPeer);
int		ClusterPeersViaPeer(const Cluster *clusterPtr);
int		ClusterPeersSendAll(Cluster *clusterPtr,
		    const unsigned char *bytes, size_t length);
void		ClusterPeersSelf(Cluster *clusterPtr,
		    const ClusterAddr *fromPtr);
int		ClusterPeersHeard(Cluster *clusterPtr,
		    const ClusterIncoming *inPtr);
Tcl_Obj *	ClusterPeersProps(Cluster *clusterPtr);
int		ClusterPeersAdd(Cluster *clusterPtr,
		    const ClusterAddr *addrPtr, Tcl_Interp *interp);
int		ClusterPeersRemove(Cluster *clusterPtr,
		    const ClusterAddr *addrPtr, Tcl_Interp *interp);
Tcl_Obj *	ClusterPeersList(Cluster *clusterPtr);
int		ClusterPeersPort(const Cluster *clusterPtr);
Tcl_Obj *	ClusterPresencePayload(Cluster *clusterPtr, int type);

/*
 * Service records (clusterCoreService.c).
 */

ClusterService *ClusterServiceCreate(Cluster *clusterPtr, Tcl_Obj *sidObj);
void		ClusterServiceUnlink(ClusterService *servicePtr);
void		ClusterServiceDelete(ClusterService *servicePtr);
void		ClusterServiceRelease(ClusterService *servicePtr);
ClusterService *ClusterServiceFind(Cluster *clusterPtr, Tcl_Obj *keyObj);
Tcl_Obj *	ClusterServiceInfo(ClusterService *servicePtr);
Tcl_Obj *	ClusterServiceResolverTags(ClusterService *servicePtr);

/*
 * Hooks (clusterCoreHook.c).
 */

ClusterHookTable *ClusterHooksCreate(void);
void		ClusterHooksFree(ClusterHookTable *hooksPtr);
void		ClusterHookSet(ClusterHookTable *hooksPtr, Tcl_Obj *pathObj,
		    Tcl_Obj *bodyObj);
int		ClusterHookExists(ClusterHookTable *hooksPtr,
		    const char *path);
ClusterHookResult ClusterHookRun(Cluster *clusterPtr, const char *path,
		    ClusterService *servicePtr, Tcl_Obj **payloadPtr,
		    Tcl_Obj **resultPtr);
int		ClusterHookCall(Cluster *clusterPtr, Tcl_Obj *prefixObj,
		    int objc, Tcl_Obj *const objv[],
		    const char *contextFormat, const char *context1,
		    const char *context2, Tcl_Obj **resultPtr);
int		ClusterHookIsFilter(const char *path);
Tcl_Obj *	ClusterHookBody(ClusterHookTable *hooksPtr, const char *path);
Tcl_Obj *	ClusterHookPaths(ClusterHookTable *hooksPtr);

/*
 * Channel handlers and membership watchers (clusterCoreHookHandler.c).
 */

ClusterHandlers *ClusterHandlersCreate(void);
void		ClusterHandlersFree(ClusterHandlers *handlersPtr);
void		ClusterHandlerSet(ClusterHandlers *handlersPtr, int channel,
		    Tcl_Obj *prefixObj);
Tcl_Obj *	ClusterHandlerGet(ClusterHandlers *handlersPtr, int channel);
Tcl_Obj *	ClusterHandlerChannels(ClusterHandlers *handlersPtr);
ClusterHookResult ClusterHandlerRun(Cluster *clusterPtr, int channel,
		    const char *what, ClusterService *servicePtr,
		    Tcl_Obj *payloadObj, Tcl_Obj **resultPtr);
void		ClusterWatchSet(ClusterHandlers *handlersPtr,
		    Tcl_Obj *nameObj, Tcl_Obj *prefixObj);
Tcl_Obj *	ClusterWatchGet(ClusterHandlers *handlersPtr,
		    Tcl_Obj *nameObj);
Tcl_Obj *	ClusterWatchNames(ClusterHandlers *handlersPtr);
void		ClusterWatchRun(Cluster *clusterPtr, const char *what,
		    ClusterService *servicePtr);

/*
 * Where hooks run (clusterCoreHookInterp.c).
 */

Tcl_Interp *	ClusterHookInterp(Cluster *clusterPtr);
ClusterHookResult ClusterHookInterpGone(Cluster *clusterPtr,
		    Tcl_Obj **resultPtr);

#endif /* _CLUSTERCORE_H */
