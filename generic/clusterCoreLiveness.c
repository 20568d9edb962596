/*
 * clusterCoreLiveness.c --
 *
 *	Who is still alive: the sweep that drops services silent for -ttl
 *	seconds, the answer to pings (type 3) and the deadlines they set,
 *	and the one way a service is removed, with its `service lost` hook.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static void		PingTimerProc(ClientData clientData);
static void		PingSweepProc(ClientData clientData);
static int		ExpectProbed(ClusterService *servicePtr);
static int		Expired(const ClusterService *servicePtr,
			    Tcl_WideInt now, Tcl_WideInt ttlMs);
static void		ProbeService(ClusterService *servicePtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterHandlePing --
 *
 *	A member failed to reach some services and asks them to speak
 *	(type 3). When we are named we answer with a heartbeat
 *	(ClusterHeartbeatAnswer). Every other named service we know must be
 *	heard from within -pingdeadline, which a sweep -pingsweep later
 *	enforces; the sweep probes it before dropping it.
 *
 *	Only a ping that every member hears sets deadlines: one multicast
 *	on channel 0 without a filter. A ping with a filter, on another
 *	channel or over a stream could be kept from the very services it
 *	names, who would then never answer; we answer it if it names us
 *	and ignore the rest (counted). Our own pings are never of that
 *	kind, nor are the old package's; our probes are, and name only
 *	their target.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A heartbeat, expectations and the ping sweep timer; counters.
 *
 *----------------------------------------------------------------------
 */

void
ClusterHandlePing(
    Cluster *clusterPtr,	/* Receiving cluster. */
    const ClusterIncoming *inPtr)	/* The ping. */
{
    Tcl_Obj **sids, *filterObj = NULL;
    int numSids, i, named = 0, others = 0, probed = 0, numProbes = 0, heard;
    ClusterService **probes = NULL;
    Tcl_WideInt deadline;

    if (inPtr->dataObj == NULL || Tcl_ListObjGetElements(NULL,
	    inPtr->dataObj, &numSids, &sids) != TCL_OK) {
	return;
    }
    Tcl_DictObjGet(NULL, inPtr->payloadObj,
	    ClusterFieldKey(CLUSTER_F_FILTER), &filterObj);
    heard = inPtr->proto == CLUSTER_PROTO_C && filterObj == NULL
	    && inPtr->channel == CLUSTER_CHANNEL_BROADCAST;
    if (numSids == 1 && inPtr->probe && inPtr->connPtr != NULL
	    && strcmp(Tcl_GetString(sids[0]), clusterPtr->sid) == 0
	    && ClusterProbeAnswer(clusterPtr, inPtr) == TCL_OK) {
	return;
    }
    deadline = ClusterpMonotonicMs() + clusterPtr->config.pingDeadlineMs;
    for (i = 0; i < numSids; i++) {
	const char *sid = Tcl_GetString(sids[i]);
	Tcl_HashEntry *entryPtr;

	if (strcmp(sid, clusterPtr->sid) == 0) {
	    named = 1;
	    continue;
	}
	others++;
	entryPtr = Tcl_FindHashEntry(&clusterPtr->services, sid);
	if (entryPtr != NULL && heard) {
	    ClusterService *servicePtr = Tcl_GetHashValue(entryPtr);

	    if (ClusterProbeable(servicePtr)) {
		probed++;
		if (ExpectProbed(servicePtr)) {
		    if (probes == NULL) {
			probes = ckalloc(sizeof(ClusterService *) * numSids);
		    }
		    Tcl_Preserve(servicePtr);
		    probes[numProbes++] = servicePtr;
		}
	    } else if (servicePtr->expectedByMs == 0
		    || servicePtr->expectedByMs > deadline) {
		servicePtr->expectedByMs = deadline;
	    }
	}
    }
    if (others > 0 && !heard) {
	clusterPtr->stats.pingsRefused++;
    }
    if (others > probed && heard) {
	ClusterScheduleSweep(clusterPtr, clusterPtr->config.pingSweepMs);
    }

    /*
     * Probes and answers run send hooks, which may remove services or
     * destroy the cluster: they go out once the ping has been read.
     */

    Tcl_Preserve(clusterPtr);
    for (i = 0; i < numProbes; i++) {
	if (!ClusterIsDeleted(clusterPtr)
		&& !(probes[i]->flags & SERVICE_DELETED)) {
	    clusterPtr->stats.probes++;
	    ClusterProbeService(probes[i]);
	}
	Tcl_Release(probes[i]);
    }
    if (probes != NULL) {
	ckfree(probes);
    }
    if (named && !ClusterIsDeleted(clusterPtr)) {
	ClusterHeartbeatAnswer(clusterPtr, numSids == 1);
    }
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ExpectProbed --
 *
 *	A member multicast a ping naming a service that we probe: it failed
 *	to reach it. We expect to hear from the service within -probewait,
 *	and probe it ourselves at once unless a probe of ours is out
 *	already; by then our probe (-probetimeout) has had its answer or
 *	not, so a ping, forged or not, never makes us drop a service that
 *	answers us. A service named again within -probeinterval of the
 *	last ping that counted is left as it is: a flood of pings costs at
 *	most one probe per named service per -probeinterval.
 *
 * Results:
 *	1 when the caller should probe the service now, else 0.
 *
 * Side effects:
 *	The service's deadline, the sweep timer.
 *
 *----------------------------------------------------------------------
 */

static int
ExpectProbed(
    ClusterService *servicePtr)	/* Named, probed service. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt deadline = now + clusterPtr->config.probeWaitMs;

    if (servicePtr->pingProbeMs != 0 && now - servicePtr->pingProbeMs
	    < clusterPtr->config.probeIntervalMs) {
	return 0;
    }
    servicePtr->pingProbeMs = now;
    servicePtr->flags |= SERVICE_PROBED;
    if (servicePtr->expectedByMs == 0
	    || servicePtr->expectedByMs > deadline) {
	servicePtr->expectedByMs = deadline;
	ClusterScheduleSweep(clusterPtr, clusterPtr->config.probeWaitMs + 1);
    }
    return servicePtr->probeDueMs == 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterScheduleSweep, PingSweepProc --
 *
 *	Sweep the services `ms` from now, to drop those a ping made us
 *	expect and that stayed silent. A sweep already due earlier stays:
 *	a later request never postpones it (failures that go on must not
 *	keep a dead service alive), and after each sweep the next one is
 *	set for the earliest deadline still to come.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A timer handler.
 *
 *----------------------------------------------------------------------
 */

void
ClusterScheduleSweep(
    Cluster *clusterPtr,	/* Cluster to sweep. */
    int ms)			/* Delay. */
{
    Tcl_WideInt due = ClusterpMonotonicMs() + ms;

    if (ClusterIsDeleted(clusterPtr)) {
	return;			/* A hook destroyed it: no timer may
				 * outlive it. */
    }
    if (clusterPtr->pingSweepTimer != NULL) {
	if (clusterPtr->sweepDueMs <= due) {
	    return;
	}
	Tcl_DeleteTimerHandler(clusterPtr->pingSweepTimer);
    }
    clusterPtr->sweepDueMs = due;
    clusterPtr->pingSweepTimer = Tcl_CreateTimerHandler(ms, PingSweepProc,
	    clusterPtr);
}

static void
PingSweepProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;

    ClusterService *servicePtr;
    Tcl_WideInt next = 0, now;

    clusterPtr->pingSweepTimer = NULL;
    Tcl_Preserve(clusterPtr);
    ClusterSweepServices(clusterPtr);
    if (!ClusterIsDeleted(clusterPtr)) {
	now = ClusterpMonotonicMs();
	for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
		servicePtr = servicePtr->nextPtr) {
	    if (servicePtr->expectedByMs >= now
		    && (next == 0 || servicePtr->expectedByMs < next)) {
		next = servicePtr->expectedByMs;
	    }
	}
	if (next != 0) {
	    ClusterScheduleSweep(clusterPtr, (int) (next - now) + 1);
	}
    }
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSweepServices --
 *
 *	Drop every service not heard from for -ttl seconds, and every one
 *	whose deadline passed in silence when the deadline is our own (we
 *	failed to reach it, or the application expects it) or a probe went
 *	unanswered. A service that only a ping of another member made us
 *	expect is probed first (ProbeService) and gets -probewait ms more.
 *	Runs at each heartbeat and after a ping.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	`service lost` hooks, which may do anything; probes.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSweepServices(
    Cluster *clusterPtr)	/* Cluster to sweep. */
{
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt ttlMs = (Tcl_WideInt) clusterPtr->config.ttl * 1000;
    ClusterService *servicePtr, **expired, **probed;
    int numExpired = 0, numProbed = 0, i;

    if (clusterPtr->numServices == 0) {
	return;
    }
    expired = ckalloc(sizeof(ClusterService *) * clusterPtr->numServices
	    * 2);
    probed = expired + clusterPtr->numServices;
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	if (Expired(servicePtr, now, ttlMs)) {
	    Tcl_Preserve(servicePtr);
	    expired[numExpired++] = servicePtr;
	} else if (servicePtr->expectedByMs != 0
		&& now > servicePtr->expectedByMs) {
	    Tcl_Preserve(servicePtr);
	    probed[numProbed++] = servicePtr;
	}
    }

    /*
     * The hooks of one removal or probe may remove others, or the
     * cluster: each service is held until all are done.
     */

    Tcl_Preserve(clusterPtr);
    for (i = 0; i < numExpired; i++) {
	/*
	 * A `service lost` hook that waits in the event loop may let the
	 * next one speak meanwhile: it is asked again.
	 */

	if (!ClusterIsDeleted(clusterPtr)
		&& Expired(expired[i], now, ttlMs)) {
	    ClusterRemoveService(expired[i]);
	}
	Tcl_Release(expired[i]);
    }
    for (i = 0; i < numProbed; i++) {
	if (!ClusterIsDeleted(clusterPtr)
		&& !(probed[i]->flags & SERVICE_DELETED)) {
	    ProbeService(probed[i]);
	}
	Tcl_Release(probed[i]);
    }
    Tcl_Release(clusterPtr);
    ckfree(expired);
}

/*
 * Expired --
 *
 *	Whether the sweep at `now` drops a service: silent for the ttl, or
 *	past a deadline that is its own (we failed to reach it, or probed
 *	it).
 */

static int
Expired(
    const ClusterService *servicePtr,	/* Service of interest. */
    Tcl_WideInt now,		/* The sweep's monotonic ms. */
    Tcl_WideInt ttlMs)		/* -ttl in ms. */
{
    return now - servicePtr->lastSeenMs > ttlMs
	    || (servicePtr->expectedByMs != 0
		&& now > servicePtr->expectedByMs
		&& (servicePtr->flags
		    & (SERVICE_OWN_DEADLINE | SERVICE_PROBED)));
}

/*
 *----------------------------------------------------------------------
 *
 * ProbeService --
 *
 *	A ping of another member made us expect a service, which stayed
 *	silent; we have not failed to reach it ourselves. Before dropping
 *	it, ask it directly: a ping naming it alone, sent to it as any
 *	payload to one service (its stream protocols first, filtered to
 *	it). A member of either kind answers such a ping at once with a
 *	heartbeat. It must be heard from within -probewait ms; if our
 *	probe cannot reach it, the send schedules a ping of our own, and
 *	the deadline becomes ours.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A packet; the service's deadline; the sweep timer; a counter.
 *	Send hooks may do anything.
 *
 *----------------------------------------------------------------------
 */

static void
ProbeService(
    ClusterService *servicePtr)	/* Silent service (preserved). */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    Tcl_Obj *payloadObj;
    int used, waitMs = clusterPtr->config.probeWaitMs;

    servicePtr->flags |= SERVICE_PROBED;
    servicePtr->expectedByMs = ClusterpMonotonicMs() + waitMs;
    clusterPtr->stats.probes++;
    ClusterScheduleSweep(clusterPtr, waitMs + 1);
    payloadObj = ClusterPingPayload(clusterPtr,
	    Tcl_NewListObj(1, &servicePtr->sidObj));
    Tcl_IncrRefCount(payloadObj);
    ClusterSendToService(clusterPtr, servicePtr, payloadObj, NULL, 1, NULL,
	    &used);
    Tcl_DecrRefCount(payloadObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterRemoveService --
 *
 *	Forget a service: unlink it, run `service lost` if it had been
 *	announced, and delete its object command.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The hook may do anything; the service's memory is freed once its
 *	last Tcl_Preserve is released.
 *
 *----------------------------------------------------------------------
 */

void
ClusterRemoveService(
    ClusterService *servicePtr)	/* Service to forget. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    if (servicePtr->flags & SERVICE_DELETED) {
	return;
    }
    servicePtr->flags |= SERVICE_DELETED;
    Tcl_Preserve(servicePtr);
    ClusterServiceUnlink(servicePtr);
    clusterPtr->stats.lost++;
    if ((servicePtr->flags & SERVICE_ANNOUNCED)
	    && !ClusterIsDeleted(clusterPtr)) {
	Tcl_Preserve(clusterPtr);
	ClusterHookRun(clusterPtr, "service lost", servicePtr, NULL, NULL);
	if (!ClusterIsDeleted(clusterPtr)) {
	    ClusterWatchRun(clusterPtr, "lost", servicePtr);
	}
	Tcl_Release(clusterPtr);
    }
    ClusterServiceDelete(servicePtr);
    Tcl_Release(servicePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterRemoveAllServices --
 *
 *	Forget every service without running hooks: the cluster is being
 *	destroyed.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Deletes every service command.
 *
 *----------------------------------------------------------------------
 */

void
ClusterRemoveAllServices(
    Cluster *clusterPtr)	/* Cluster being destroyed. */
{
    while (clusterPtr->firstService != NULL) {
	ClusterService *servicePtr = clusterPtr->firstService;

	servicePtr->flags |= SERVICE_DELETED;
	Tcl_Preserve(servicePtr);
	ClusterServiceUnlink(servicePtr);
	ClusterServiceDelete(servicePtr);
	Tcl_Release(servicePtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSchedulePing --
 *
 *	Note that a service could not be reached on any protocol. Every
 *	service that fails within -pingbatch ms is named in one ping. The
 *	deadline the ping sets is our own: no probe precedes the drop.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Adds to the pending ping; may start its timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSchedulePing(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr)	/* Service that could not be reached. */
{
    Tcl_Obj **sids;
    int numSids, i;

    if (ClusterIsDeleted(clusterPtr)) {
	return;
    }
    servicePtr->flags |= SERVICE_OWN_DEADLINE;
    if (clusterPtr->pingSidsObj == NULL) {
	clusterPtr->pingSidsObj = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(clusterPtr->pingSidsObj);
    }
    Tcl_ListObjGetElements(NULL, clusterPtr->pingSidsObj, &numSids, &sids);
    for (i = 0; i < numSids; i++) {
	if (strcmp(Tcl_GetString(sids[i]),
		Tcl_GetString(servicePtr->sidObj)) == 0) {
	    return;
	}
    }
    Tcl_ListObjAppendElement(NULL, clusterPtr->pingSidsObj,
	    servicePtr->sidObj);
    if (clusterPtr->pingTimer == NULL) {
	clusterPtr->pingTimer = Tcl_CreateTimerHandler(
		clusterPtr->config.pingBatchMs, PingTimerProc, clusterPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PingTimerProc --
 *
 *	Broadcast the batched ping, and expect its services ourselves: they
 *	must be heard from within -pingdeadline.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A datagram; expectations on services.
 *
 *----------------------------------------------------------------------
 */

static void
PingTimerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    Tcl_Obj *sidsObj = clusterPtr->pingSidsObj, **sids;
    Tcl_WideInt deadline;
    int numSids, i;

    clusterPtr->pingTimer = NULL;
    clusterPtr->pingSidsObj = NULL;
    if (sidsObj == NULL) {
	return;
    }
    deadline = ClusterpMonotonicMs() + clusterPtr->config.pingDeadlineMs;
    Tcl_ListObjGetElements(NULL, sidsObj, &numSids, &sids);
    for (i = 0; i < numSids; i++) {
	Tcl_HashEntry *entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
		Tcl_GetString(sids[i]));

	if (entryPtr != NULL) {
	    ClusterService *servicePtr = Tcl_GetHashValue(entryPtr);

	    servicePtr->flags |= SERVICE_OWN_DEADLINE;
	    if (servicePtr->expectedByMs == 0
		    || servicePtr->expectedByMs > deadline) {
		servicePtr->expectedByMs = deadline;
	    }
	}
    }
    Tcl_Preserve(clusterPtr);
    ClusterSendPing(clusterPtr, sidsObj);
    Tcl_DecrRefCount(sidsObj);
    ClusterScheduleSweep(clusterPtr, clusterPtr->config.pingSweepMs);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendPing --
 *
 *	Multicast a ping (type 3) naming services, to all on channel 0
 *	without a filter: each one named that is alive answers, and every
 *	member expects to hear from them (ClusterHandlePing).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A datagram; send hooks, which may do anything (the caller holds
 *	the cluster).
 *
 *----------------------------------------------------------------------
 */

void
ClusterSendPing(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *sidsObj)		/* List of sids to name. */
{
    Tcl_Obj *payloadObj = ClusterPingPayload(clusterPtr, sidsObj);
    int sent;

    Tcl_IncrRefCount(payloadObj);
    ClusterBroadcast(clusterPtr, payloadObj, NULL, &sent);
    Tcl_DecrRefCount(payloadObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPingPayload --
 *
 *	A ping (type 3) from us naming the sids given, with `known`.
 *
 * Results:
 *	A new, unshared dict with a zero reference count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterPingPayload(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *sidsObj)		/* List of sids to name. */
{
    Tcl_Obj *payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_PING);

    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
	    sidsObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KNOWN),
	    Tcl_NewIntObj(clusterPtr->numServices));
    return payloadObj;
}
