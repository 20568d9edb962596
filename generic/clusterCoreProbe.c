/*
 * clusterCoreProbe.c --
 *
 *	Failure detection that does not wait for the ttl: every
 *	-probeinterval ms a member probes one service of this package over
 *	a stream (a ping naming it alone, `op probe`), and the service
 *	answers on the same connection. A probe not answered within
 *	-probetimeout, or that no stream could carry, makes the service
 *	suspect: the member multicasts a ping naming it, every member that
 *	hears the ping probes it too, and each drops it unless it is heard
 *	from within -probewait. Any packet from the service clears all of
 *	this (clusterCoreLearn.c). Members of the old package answer no
 *	probe: they are never probed and keep the ttl rule
 *	(doc/protocol.md section 5.5).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"
#include <ctype.h>

static void		CheckTimerProc(ClientData clientData);
static int		HasStream(Cluster *clusterPtr,
			    ClusterService *servicePtr);
static int		PlainSid(Tcl_Obj *sidObj);
static ClusterService *	NextTarget(Cluster *clusterPtr, Tcl_WideInt now);
static void		ProbeTimerProc(ClientData clientData);
static void		ScheduleCheck(Cluster *clusterPtr, Tcl_WideInt due);

/*
 *----------------------------------------------------------------------
 *
 * ClusterProbeStart, ClusterProbeStop --
 *
 *	Start the round of probes of a member that just joined (the first
 *	one after a random part of -probeinterval, so that members started
 *	together do not probe together), or stop every probe timer of one
 *	that leaves. Members on the in-process bus have no streams and
 *	cannot die alone: they probe nobody.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Timers.
 *
 *----------------------------------------------------------------------
 */

void
ClusterProbeStart(
    Cluster *clusterPtr)	/* Member that joined. */
{
    int interval = clusterPtr->config.probeIntervalMs;

    if (interval > 0 && !clusterPtr->config.memory) {
	clusterPtr->probeTimer = Tcl_CreateTimerHandler(
		1 + ClusterRandomUpTo(interval), ProbeTimerProc, clusterPtr);
    }
}

void
ClusterProbeStop(
    Cluster *clusterPtr)	/* Member that leaves. */
{
    if (clusterPtr->probeTimer != NULL) {
	Tcl_DeleteTimerHandler(clusterPtr->probeTimer);
	clusterPtr->probeTimer = NULL;
    }
    if (clusterPtr->probeCheckTimer != NULL) {
	Tcl_DeleteTimerHandler(clusterPtr->probeCheckTimer);
	clusterPtr->probeCheckTimer = NULL;
    }
    clusterPtr->probeNextPtr = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterProbeable --
 *
 *	Whether a service is probed: this member probes (-probeinterval is
 *	not 0), the service said it answers probes, its sid has the form
 *	both packages give sids (8 letters and digits: a probe carries the
 *	sid, and a forged one must not put bytes of its choosing on a
 *	connection the member opens by itself), and a stream protocol that
 *	both serve leads to it (`t`, or `u` on this machine), with the
 *	props to open it.
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
ClusterProbeable(
    ClusterService *servicePtr)	/* Service of interest. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    return clusterPtr->config.probeIntervalMs > 0
	    && !clusterPtr->config.memory
	    && (servicePtr->flags & SERVICE_PROBES)
	    && !(servicePtr->flags & SERVICE_DELETED)
	    && PlainSid(servicePtr->sidObj)
	    && HasStream(clusterPtr, servicePtr);
}

static int
PlainSid(
    Tcl_Obj *sidObj)		/* A service's sid. */
{
    int length, i;
    const char *sid = Tcl_GetStringFromObj(sidObj, &length);

    if (length != 8) {
	return 0;
    }
    for (i = 0; i < length; i++) {
	if (!isalnum((unsigned char) sid[i])) {
	    return 0;
	}
    }
    return 1;
}

static int
HasStream(
    Cluster *clusterPtr,	/* Prober. */
    ClusterService *servicePtr)	/* Service of interest. */
{
    return (ClusterServes(clusterPtr, CLUSTER_PROTO_T)
	    && ClusterCanStream(servicePtr, CLUSTER_PROTO_T))
	    || (ClusterServes(clusterPtr, CLUSTER_PROTO_U)
	    && ClusterCanStream(servicePtr, CLUSTER_PROTO_U));
}

/*
 *----------------------------------------------------------------------
 *
 * ProbeTimerProc, NextTarget --
 *
 *	Every -probeinterval ms, probe the next service of the round: the
 *	services in discovery order from a random one, one per interval,
 *	skipping those not probed (ClusterProbeable), those with a probe
 *	out, and those heard from within the last interval (a packet is as
 *	good as an answer). Each round starts at a random place, so that
 *	members that joined together do not all come to a service at the
 *	same time.
 *	Each member thus sends about one probe an interval and, since every
 *	member probes, receives about one: a cost per member that does not
 *	grow with the cluster.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A probe; the next timer.
 *
 *----------------------------------------------------------------------
 */

static void
ProbeTimerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    ClusterService *targetPtr;

    clusterPtr->probeTimer = Tcl_CreateTimerHandler(
	    clusterPtr->config.probeIntervalMs, ProbeTimerProc, clusterPtr);
    targetPtr = NextTarget(clusterPtr, ClusterpMonotonicMs());
    if (targetPtr != NULL) {
	Tcl_Preserve(clusterPtr);
	ClusterProbeService(targetPtr);
	Tcl_Release(clusterPtr);
    }
}

static ClusterService *
NextTarget(
    Cluster *clusterPtr,	/* Prober. */
    Tcl_WideInt now)		/* Monotonic ms. */
{
    ClusterService *servicePtr = clusterPtr->probeNextPtr;
    int tries;

    for (tries = 0; tries < clusterPtr->numServices; tries++) {
	if (servicePtr == NULL) {
	    int skip = ClusterRandomUpTo(clusterPtr->numServices - 1);

	    for (servicePtr = clusterPtr->firstService; skip > 0
		    && servicePtr->nextPtr != NULL; skip--) {
		servicePtr = servicePtr->nextPtr;
	    }
	}
	clusterPtr->probeNextPtr = servicePtr->nextPtr;
	if (servicePtr->probeDueMs == 0 && now - servicePtr->lastSeenMs
		    >= clusterPtr->config.probeIntervalMs
		&& ClusterProbeable(servicePtr)) {
	    return servicePtr;
	}
	servicePtr = servicePtr->nextPtr;
    }
    return NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterProbeService --
 *
 *	Probe a service directly, unless a probe of it is out already: a
 *	ping naming it alone, with `op probe`, sent as any payload to one
 *	service (its streams first, `c` last) and without keepalive, so
 *	that the connection it opens does not outlive it. The answer is
 *	expected within -probetimeout (CheckTimerProc). When no stream can
 *	carry the probe, the send says so at once (ClusterUnreachable).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A packet; send hooks, which may do anything; the check timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterProbeService(
    ClusterService *servicePtr)	/* Service to probe. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    Tcl_Obj *payloadObj;
    int used;

    if (servicePtr->probeDueMs != 0 || ClusterIsDeleted(clusterPtr)
	    || !ClusterProbeable(servicePtr)) {
	return;
    }
    servicePtr->probeDueMs = ClusterpMonotonicMs()
	    + clusterPtr->config.probeTimeoutMs;
    clusterPtr->stats.probesSent++;
    ScheduleCheck(clusterPtr, servicePtr->probeDueMs);

    payloadObj = ClusterPingPayload(clusterPtr,
	    Tcl_NewListObj(1, &servicePtr->sidObj));
    ClusterAddProbeMark(payloadObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(0));
    Tcl_IncrRefCount(payloadObj);
    Tcl_Preserve(servicePtr);
    ClusterSendToService(clusterPtr, servicePtr, payloadObj, NULL, 1, NULL,
	    &used);
    Tcl_Release(servicePtr);
    Tcl_DecrRefCount(payloadObj);
}

/*
 * ClusterAddProbeMark --
 *
 *	Put `op probe` in a payload: in a ping, it asks for an answer on the
 *	stream it came on; in a heartbeat or discovery, it says that the
 *	sender answers such pings.
 */

void
ClusterAddProbeMark(
    Tcl_Obj *payloadObj)	/* Unshared payload dict. */
{
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_OP),
	    Tcl_NewStringObj("probe", 5));
}

/*
 *----------------------------------------------------------------------
 *
 * ScheduleCheck, CheckTimerProc --
 *
 *	Check the probes that are due: a probe whose service stayed silent
 *	for -probetimeout makes it suspect (ClusterSuspect), and a suspect
 *	that is still silent is probed again, so that a live service has
 *	several chances to answer before it is dropped. The timer is set
 *	for the earliest probe due.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Suspicions, pings and probes; send hooks may do anything.
 *
 *----------------------------------------------------------------------
 */

static void
ScheduleCheck(
    Cluster *clusterPtr,	/* Prober. */
    Tcl_WideInt due)		/* Monotonic ms of a probe due. */
{
    Tcl_WideInt now = ClusterpMonotonicMs();

    if (ClusterIsDeleted(clusterPtr)) {
	return;
    }
    if (clusterPtr->probeCheckTimer != NULL) {
	if (clusterPtr->probeCheckDueMs <= due) {
	    return;
	}
	Tcl_DeleteTimerHandler(clusterPtr->probeCheckTimer);
    }
    clusterPtr->probeCheckDueMs = due;
    clusterPtr->probeCheckTimer = Tcl_CreateTimerHandler(
	    due > now ? (int) (due - now) : 0, CheckTimerProc, clusterPtr);
}

static void
CheckTimerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    Tcl_WideInt now = ClusterpMonotonicMs(), next = 0;
    ClusterService *servicePtr, **due;
    int numDue = 0, i;

    clusterPtr->probeCheckTimer = NULL;
    if (clusterPtr->numServices == 0) {
	return;
    }
    due = ckalloc(sizeof(ClusterService *) * clusterPtr->numServices);
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	if (servicePtr->probeDueMs == 0) {
	    continue;
	}
	if (servicePtr->probeDueMs <= now) {
	    servicePtr->probeDueMs = 0;
	    clusterPtr->stats.probeTimeouts++;
	    Tcl_Preserve(servicePtr);
	    due[numDue++] = servicePtr;
	} else if (next == 0 || servicePtr->probeDueMs < next) {
	    next = servicePtr->probeDueMs;
	}
    }
    if (next != 0) {
	ScheduleCheck(clusterPtr, next);
    }

    /*
     * Pings and probes run send hooks, which may remove services or
     * destroy the cluster: each service is held until all are done.
     */

    Tcl_Preserve(clusterPtr);
    for (i = 0; i < numDue; i++) {
	if (!ClusterIsDeleted(clusterPtr)
		&& !(due[i]->flags & SERVICE_DELETED)) {
	    ClusterSuspect(due[i]);
	}
	if (!ClusterIsDeleted(clusterPtr)
		&& !(due[i]->flags & SERVICE_DELETED)
		&& due[i]->expectedByMs > ClusterpMonotonicMs()) {
	    ClusterProbeService(due[i]);
	}
	Tcl_Release(due[i]);
    }
    Tcl_Release(clusterPtr);
    ckfree(due);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterUnreachable --
 *
 *	A send failed to reach a service: no stream took a packet for it
 *	(refused, timed out, broken), or a query to it timed out. For a
 *	service that is probed, that is a reason to probe it now, and when
 *	its probe is what failed, to suspect it. A service of the old
 *	package is named in the next batched ping (ClusterSchedulePing).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A probe, a suspicion or a ping; send hooks may do anything.
 *
 *----------------------------------------------------------------------
 */

void
ClusterUnreachable(
    ClusterService *servicePtr)	/* Service not reached. */
{
    if ((servicePtr->flags & SERVICE_DELETED)
	    || ClusterIsDeleted(servicePtr->clusterPtr)) {
	return;
    }
    if (!ClusterProbeable(servicePtr)) {
	ClusterSchedulePing(servicePtr->clusterPtr, servicePtr);
    } else if (servicePtr->probeDueMs != 0) {
	ClusterSuspect(servicePtr);
    } else {
	ClusterProbeService(servicePtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSuspect --
 *
 *	We failed to reach a service ourselves: it must be heard from
 *	within -probewait ms, or it is dropped at the sweep. The first
 *	suspicion multicasts a ping naming it, which asks it to speak and
 *	makes every member that hears it probe it too (ClusterHandlePing).
 *	A service already suspect, or already expected after someone
 *	else's ping, is not pinged again: its deadline becomes our own.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A ping; the sweep timer; a counter. Send hooks may do anything.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSuspect(
    ClusterService *servicePtr)	/* Service not reached. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    Tcl_WideInt deadline = ClusterpMonotonicMs()
	    + clusterPtr->config.probeWaitMs;
    int known = servicePtr->expectedByMs != 0;

    servicePtr->flags |= SERVICE_OWN_DEADLINE;
    if (known && servicePtr->expectedByMs <= deadline) {
	return;
    }
    servicePtr->expectedByMs = deadline;
    ClusterScheduleSweep(clusterPtr, clusterPtr->config.probeWaitMs + 1);
    if (!known) {
	clusterPtr->stats.suspicions++;
	ClusterSendPing(clusterPtr, Tcl_NewListObj(1, &servicePtr->sidObj));
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterProbeForget --
 *
 *	A service leaves the list: the round of probes moves past it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May move clusterPtr->probeNextPtr.
 *
 *----------------------------------------------------------------------
 */

void
ClusterProbeForget(
    ClusterService *servicePtr)	/* Service being unlinked. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    if (clusterPtr->probeNextPtr == servicePtr) {
	clusterPtr->probeNextPtr = servicePtr->nextPtr;
    }
    servicePtr->probeDueMs = 0;
}
