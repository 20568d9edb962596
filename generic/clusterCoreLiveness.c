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

/*
 *----------------------------------------------------------------------
 *
 * ClusterHandlePing --
 *
 *	A member failed to reach some services and asks them to speak
 *	(type 3). When we are named we heartbeat: at once when we are the
 *	only one named, else after a random delay so that a ping naming
 *	many does not cause a storm. Every other named service we know must
 *	be heard from within -pingdeadline, which a sweep -pingsweep later
 *	enforces.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Heartbeat, expectations and the ping sweep timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterHandlePing(
    Cluster *clusterPtr,	/* Receiving cluster. */
    Tcl_Obj *dataObj)		/* The ping's data: a list of sids. */
{
    Tcl_Obj **sids;
    int numSids, i, named = 0;
    Tcl_WideInt deadline;

    if (dataObj == NULL || Tcl_ListObjGetElements(NULL, dataObj, &numSids,
	    &sids) != TCL_OK) {
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
	entryPtr = Tcl_FindHashEntry(&clusterPtr->services, sid);
	if (entryPtr != NULL) {
	    ClusterService *servicePtr = Tcl_GetHashValue(entryPtr);

	    if (servicePtr->expectedByMs == 0
		    || servicePtr->expectedByMs > deadline) {
		servicePtr->expectedByMs = deadline;
	    }
	}
    }
    if (named) {
	if (numSids == 1) {
	    ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
	} else {
	    ClusterScheduleHeartbeat(clusterPtr,
		    ClusterRandomUpTo(clusterPtr->config.pingReplyMs));
	}
    }
    if (numSids > (named ? 1 : 0)) {
	ClusterScheduleSweep(clusterPtr, clusterPtr->config.pingSweepMs);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterScheduleSweep, PingSweepProc --
 *
 *	Sweep the services `ms` from now, to drop those a ping made us
 *	expect and that stayed silent. A later request moves the sweep.
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
    if (clusterPtr->pingSweepTimer != NULL) {
	Tcl_DeleteTimerHandler(clusterPtr->pingSweepTimer);
    }
    clusterPtr->pingSweepTimer = Tcl_CreateTimerHandler(ms, PingSweepProc,
	    clusterPtr);
}

static void
PingSweepProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;

    clusterPtr->pingSweepTimer = NULL;
    Tcl_Preserve(clusterPtr);
    ClusterSweepServices(clusterPtr);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSweepServices --
 *
 *	Drop every service not heard from for -ttl seconds, and every one
 *	that a ping made us expect and that stayed silent past its
 *	deadline. Runs at each heartbeat and after a ping.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	`service lost` hooks, which may do anything.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSweepServices(
    Cluster *clusterPtr)	/* Cluster to sweep. */
{
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt ttlMs = (Tcl_WideInt) clusterPtr->config.ttl * 1000;
    ClusterService *servicePtr, **expired;
    int numExpired = 0, i;

    if (clusterPtr->numServices == 0) {
	return;
    }
    expired = ckalloc(sizeof(ClusterService *) * clusterPtr->numServices);
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	if (now - servicePtr->lastSeenMs > ttlMs
		|| (servicePtr->expectedByMs != 0
		    && now > servicePtr->expectedByMs)) {
	    Tcl_Preserve(servicePtr);
	    expired[numExpired++] = servicePtr;
	}
    }

    /*
     * The hooks of one removal may remove others, or the cluster: each
     * service is held until all are done.
     */

    Tcl_Preserve(clusterPtr);
    for (i = 0; i < numExpired; i++) {
	if (!ClusterIsDeleted(clusterPtr)) {
	    ClusterRemoveService(expired[i]);
	}
	Tcl_Release(expired[i]);
    }
    Tcl_Release(clusterPtr);
    ckfree(expired);
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
 *	service that fails within -pingbatch ms is named in one ping.
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
    Tcl_Obj *sidsObj = clusterPtr->pingSidsObj, *payloadObj, **sids;
    Tcl_WideInt deadline;
    int numSids, i, sent;

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

	    if (servicePtr->expectedByMs == 0
		    || servicePtr->expectedByMs > deadline) {
		servicePtr->expectedByMs = deadline;
	    }
	}
    }
    payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_PING);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
	    sidsObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KNOWN),
	    Tcl_NewIntObj(clusterPtr->numServices));
    Tcl_DecrRefCount(sidsObj);
    Tcl_IncrRefCount(payloadObj);
    Tcl_Preserve(clusterPtr);
    ClusterBroadcast(clusterPtr, payloadObj, NULL, &sent);
    Tcl_DecrRefCount(payloadObj);
    ClusterScheduleSweep(clusterPtr, clusterPtr->config.pingSweepMs);
    Tcl_Release(clusterPtr);
}

