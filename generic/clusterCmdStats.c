/*
 * clusterCmdStats.c --
 *
 *	`$cluster stats`: the member's counters rendered as a dict
 *	(doc/protocol.md section 9, doc/cluster.n STATISTICS).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stddef.h>

/*
 * The names of the drop reasons, in ClusterDrop order.
 */

static const char *const dropNames[CLUSTER_DROP_COUNT] = {
    "self", "filter", "channel", "remote", "decode", "hook", "invalid",
    "oversize", "ruid", "maxservices", "newservicerate", "maxtags",
    "maxrecord", "unauthenticated", "replayed"
};

/*
 * The counters of `stats checks`: what the member refused to believe from
 * its peers, and what it checked itself (doc/protocol.md section 9).
 */

typedef struct StatsCounter {
    const char *name;		/* Key in the dict. */
    size_t offset;		/* Tcl_WideInt field of ClusterStats. */
} StatsCounter;

static const StatsCounter checkCounters[] = {
    {"inbound_unbound",	offsetof(ClusterStats, inboundUnbound)},
    {"responses_refused", offsetof(ClusterStats, responsesRefused)},
    {"pings_refused",	offsetof(ClusterStats, pingsRefused)},
    {"answers_coalesced", offsetof(ClusterStats, answersCoalesced)},
    {"probes",		offsetof(ClusterStats, probes)},
    {"reports_refused",	offsetof(ClusterStats, reportsRefused)},
    {"rebuilds",	offsetof(ClusterStats, rebuilds)},
    {NULL,		0}
};

/*
 * The counters of `stats answers`: queries of others refused by a hook,
 * and answers deferred by query hooks (clusterCoreDefer.c).
 */

static const StatsCounter answerCounters[] = {
    {"deferred",	offsetof(ClusterStats, answersDeferred)},
    {"given",		offsetof(ClusterStats, answersGiven)},
    {"expired",		offsetof(ClusterStats, answersExpired)},
    {"full",		offsetof(ClusterStats, deferFull)},
    {"refused",		offsetof(ClusterStats, queriesRefused)},
    {NULL,		0}
};

/*
 * The counters of `stats detection`: the probes of failure detection
 * (doc/protocol.md section 5.5).
 */

static const StatsCounter detectionCounters[] = {
    {"probes_sent",	offsetof(ClusterStats, probesSent)},
    {"probes_answered",	offsetof(ClusterStats, probesAnswered)},
    {"probe_timeouts",	offsetof(ClusterStats, probeTimeouts)},
    {"suspicions",	offsetof(ClusterStats, suspicions)},
    {NULL,		0}
};

/*
 * The counters of `stats peers`: unicast peers (doc/protocol.md section
 * 5.8).
 */

static const StatsCounter peerCounters[] = {
    {"packets_in",	offsetof(ClusterStats, peerPacketsIn)},
    {"bytes_in",	offsetof(ClusterStats, peerBytesIn)},
    {"packets_out",	offsetof(ClusterStats, peerPacketsOut)},
    {"bytes_out",	offsetof(ClusterStats, peerBytesOut)},
    {"send_failures",	offsetof(ClusterStats, peerSendFailures)},
    {"peers_full",	offsetof(ClusterStats, peersFull)},
    {"retries",		offsetof(ClusterStats, peerRetries)},
    {"learnt",		offsetof(ClusterStats, peersLearnt)},
    {"forgotten",	offsetof(ClusterStats, peersExpired)},
    {NULL,		0}
};

static void		PutCounters(Tcl_Obj *dictObj, const char *key,
			    const StatsCounter *counters,
			    const ClusterStats *statsPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterStatsDict --
 *
 *	Render the counters: per protocol (packets/bytes in and out, send
 *	failures), drops by reason, services and queries.
 *
 * Results:
 *	A new dict.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterStatsDict(
    const Cluster *clusterPtr)	/* Cluster of interest. */
{
    const ClusterStats *s = &clusterPtr->stats;
    Tcl_Obj *dictObj = Tcl_NewDictObj(), *oneObj;
    int i;

#define PUT(d, key, value) \
    Tcl_DictObjPut(NULL, (d), Tcl_NewStringObj((key), -1), \
	    Tcl_NewWideIntObj(value))
    for (i = 0; i < CLUSTER_PROTO_COUNT; i++) {
	oneObj = Tcl_NewDictObj();
	PUT(oneObj, "packets_in", s->packetsIn[i]);
	PUT(oneObj, "bytes_in", s->bytesIn[i]);
	PUT(oneObj, "packets_out", s->packetsOut[i]);
	PUT(oneObj, "bytes_out", s->bytesOut[i]);
	PUT(oneObj, "send_failures", s->sendFailures[i]);
	Tcl_DictObjPut(NULL, dictObj,
		Tcl_NewStringObj(clusterProtoNames[i], -1), oneObj);
    }
    oneObj = Tcl_NewDictObj();
    for (i = 0; i < CLUSTER_DROP_COUNT; i++) {
	PUT(oneObj, dropNames[i], s->dropped[i]);
    }
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("dropped", -1), oneObj);
    PUT(dictObj, "hook_errors", s->hookErrors);
    PUT(dictObj, "services_discovered", s->discovered);
    PUT(dictObj, "services_lost", s->lost);
    PUT(dictObj, "queries_started", s->queriesStarted);
    PUT(dictObj, "queries_answered", s->queriesAnswered);
    PUT(dictObj, "queries_timed_out", s->queriesTimedOut);
    PUT(dictObj, "replay_evicted", clusterPtr->seal.replayPtr
	    ? (Tcl_WideInt) ClusterReplayEvicted(clusterPtr->seal.replayPtr)
	    : 0);
    PUT(dictObj, "sends_to_nobody", s->sendsToNobody);
#undef PUT
    PutCounters(dictObj, "checks", checkCounters, s);
    PutCounters(dictObj, "detection", detectionCounters, s);
    PutCounters(dictObj, "answers", answerCounters, s);
    PutCounters(dictObj, "peers", peerCounters, s);
    ClusterStreamStats((Cluster *) clusterPtr, dictObj);
    return dictObj;
}

/*
 * PutCounters --
 *
 *	Put a sub-dict of counters, named by a table, in the stats dict.
 */

static void
PutCounters(
    Tcl_Obj *dictObj,		/* The stats dict. */
    const char *key,		/* Key of the sub-dict. */
    const StatsCounter *counters,	/* Its counters, NULL-terminated. */
    const ClusterStats *statsPtr)	/* Where they are. */
{
    Tcl_Obj *oneObj = Tcl_NewDictObj();
    int i;

    for (i = 0; counters[i].name != NULL; i++) {
	Tcl_DictObjPut(NULL, oneObj, Tcl_NewStringObj(counters[i].name, -1),
		Tcl_NewWideIntObj(*(const Tcl_WideInt *)
		    ((const char *) statsPtr + counters[i].offset)));
    }
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj(key, -1), oneObj);
}
