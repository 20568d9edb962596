/*
 * clusterCoreSendFail.c --
 *
 *	When a stream transport gives packets back: a connection failed
 *	(the packets go over the service's other protocols, and the service
 *	is reported or found unreachable), or a connect is slow (they go
 *	some other way meanwhile).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static void		FailTags(Cluster *clusterPtr,
			    const ClusterNetPacket *packets, int numPackets,
			    const char *reason);

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendFailed --
 *
 *	A transport could not deliver packets to a service. Called back
 *	by the stream transports (through clusterCoreNet.c) when a
 *	connection fails, with the whole packets that did not get through
 *	(none when a connect that handed its queue off after -connectdelay
 *	fails). They are sent again over the service's other protocols
 *	(the connection's own excepted); when one works the service hears
 *	which failed, and when none does the service is unreachable
 *	(ClusterUnreachable: a probe, then suspicion and a ping) and the
 *	packets' outcomes are failures. Without packets at all (NULL), a
 *	connection we opened ended with nothing queued: that fails a probe
 *	still waiting for its answer on it, and nothing else.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Counters, packets, maybe a ping.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSendFailed(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Service not reached, or NULL. */
    ClusterProto proto,		/* Transport that failed. */
    const ClusterNetPacket *packets,	/* Packets not delivered. */
    int numPackets,		/* How many. */
    const char *reason)		/* What went wrong. */
{
    ClusterProto order[CLUSTER_PROTO_COUNT];
    int numOrder, i, used = -1, failedMask = 1 << proto;

    if (packets == NULL) {
	if (servicePtr != NULL && servicePtr->probeDueMs != 0
		&& !(servicePtr->flags & SERVICE_DELETED)
		&& !ClusterIsDeleted(clusterPtr)) {
	    Tcl_Preserve(servicePtr);
	    ClusterSuspect(servicePtr);
	    Tcl_Release(servicePtr);
	}
	return;
    }
    clusterPtr->stats.sendFailures[proto]++;
    if (servicePtr == NULL || (servicePtr->flags & SERVICE_DELETED)
	    || ClusterIsDeleted(clusterPtr)) {
	FailTags(clusterPtr, packets, numPackets, reason);
	return;
    }
    /*
     * A send hook may remove the service or destroy the cluster.
     */

    Tcl_Preserve(servicePtr);
    for (i = 0; i < numPackets; i++) {
	if (used < 0 && i > 0) {
	    ClusterOutcomeDone(clusterPtr, packets[i].tag, -1, reason);
	    continue;
	}
	numOrder = ClusterSendOrder(clusterPtr, servicePtr, NULL,
		!(packets[i].flags & CLUSTER_SEND_NO_BROADCAST), order);
	used = ClusterDeliver(clusterPtr, servicePtr, packets[i].bytes,
		packets[i].length, order, numOrder, packets[i].flags,
		packets[i].tag, &failedMask);
	if (used < 0) {
	    ClusterOutcomeDone(clusterPtr, packets[i].tag, -1, reason);
	}
	if ((servicePtr->flags & SERVICE_DELETED)
		|| ClusterIsDeleted(clusterPtr)) {
	    FailTags(clusterPtr, packets + i + 1, numPackets - i - 1,
		    reason);
	    break;
	}
    }
    if (!(servicePtr->flags & SERVICE_DELETED)
	    && !ClusterIsDeleted(clusterPtr)) {
	ClusterAfterDelivery(clusterPtr, servicePtr, used, failedMask);
    }
    Tcl_Release(servicePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * FailTags --
 *
 *	Packets given back that nobody will send: their outcomes, for
 *	those sent with -command, are failures.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Outcomes reported later, from the event loop.
 *
 *----------------------------------------------------------------------
 */

static void
FailTags(
    Cluster *clusterPtr,	/* Sender. */
    const ClusterNetPacket *packets,	/* Packets not delivered. */
    int numPackets,		/* How many. */
    const char *reason)		/* What went wrong. */
{
    int i;

    for (i = 0; i < numPackets; i++) {
	ClusterOutcomeDone(clusterPtr, packets[i].tag, -1, reason);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendSlow --
 *
 *	A connect to a service is still pending after -connectdelay: send
 *	the packets queued on it over the service's other protocols, in
 *	its order. This is no failure: nothing is reported to the service
 *	and no ping is scheduled; a packet nothing else takes stays queued
 *	for the connect, which goes on.
 *
 * Results:
 *	None. taken[i] is set to 1 for each packet sent some other way.
 *
 * Side effects:
 *	Packets; the broadcast hook, which may destroy the cluster (the
 *	caller holds it).
 *
 *----------------------------------------------------------------------
 */

void
ClusterSendSlow(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    ClusterService *servicePtr,	/* Service not reached yet. */
    ClusterProto proto,		/* Protocol of the slow connect. */
    const ClusterNetPacket *packets,	/* Packets queued on it. */
    int numPackets,		/* How many. */
    int *taken)			/* Out: 1 for each packet sent. */
{
    ClusterProto order[CLUSTER_PROTO_COUNT];
    int numOrder, i, failedMask;

    if (servicePtr == NULL) {
	return;
    }
    Tcl_Preserve(servicePtr);
    for (i = 0; i < numPackets; i++) {
	if ((servicePtr->flags & SERVICE_DELETED)
		|| ClusterIsDeleted(clusterPtr)) {
	    break;
	}
	failedMask = 1 << proto;
	numOrder = ClusterSendOrder(clusterPtr, servicePtr, NULL,
		!(packets[i].flags & CLUSTER_SEND_NO_BROADCAST), order);
	taken[i] = ClusterDeliver(clusterPtr, servicePtr, packets[i].bytes,
		packets[i].length, order, numOrder,
		packets[i].flags & ~CLUSTER_SEND_WAIT, packets[i].tag,
		&failedMask) >= 0;
    }
    Tcl_Release(servicePtr);
}
