/*
 * clusterCoreAdmit.c --
 *
 *	The bounds on what other members may make a member keep, checked
 *	before a payload changes any service (doc/protocol.md section
 *	5.2): how large a service's tags and its whole record may be
 *	(-maxtags, -maxrecord), how many services a member knows
 *	(-maxservices) and how many new ones one source address may bring
 *	per second (-newservicerate). Without keys anybody on the machine
 *	can claim to be a new member; these bound what that costs. What a
 *	service keeps of its props is bounded where they are merged
 *	(clusterCoreLearn.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 * What one element of a kept list (a tag, a protocol) costs besides its
 * bytes: its Tcl object and its place in the list. Counting it bounds
 * the memory of a list of many tiny elements, which its text alone
 * would not.
 */

#define ELEMENT_COST	32

static int		TextCost(Tcl_Obj *objPtr);
static int		ListCost(Tcl_Obj *listObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterRecordFits --
 *
 *	Check that what a service would keep after this payload fits the
 *	bounds: its tags at most -maxtags bytes, and its sid, hid,
 *	protocols and tags together at most -maxrecord bytes (each tag
 *	and protocol counting ELEMENT_COST bytes more than its text).
 *	Props need no check: at most a port and a path are kept of them.
 *
 * Results:
 *	1 when it fits; else 0, and the drop is counted.
 *
 * Side effects:
 *	Counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterRecordFits(
    Cluster *clusterPtr,	/* Receiving cluster. */
    const ClusterIncoming *inPtr)	/* The payload (valid, 5.2). */
{
    Tcl_HashEntry *entryPtr;
    Tcl_WideInt record;
    int tags;

    if (inPtr->tagsObj != NULL) {
	tags = ListCost(inPtr->tagsObj);
    } else {
	ClusterService *servicePtr;

	entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
		Tcl_GetString(inPtr->sidObj));
	servicePtr = entryPtr ? Tcl_GetHashValue(entryPtr) : NULL;
	tags = (servicePtr && servicePtr->tagsObj)
		? ListCost(servicePtr->tagsObj) : 0;
    }
    if (tags > clusterPtr->config.maxTags) {
	clusterPtr->stats.dropped[CLUSTER_DROP_MAXTAGS]++;
	return 0;
    }
    record = (Tcl_WideInt) tags + TextCost(inPtr->sidObj)
	    + TextCost(inPtr->hidObj) + ListCost(inPtr->protocolsObj);
    if (record > clusterPtr->config.maxRecord) {
	clusterPtr->stats.dropped[CLUSTER_DROP_MAXRECORD]++;
	return 0;
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * TextCost, ListCost --
 *
 *	The bytes an object kept by a service costs, for the bounds of
 *	ClusterRecordFits: its text; for a list, the text of each element
 *	plus ELEMENT_COST.
 *
 * Results:
 *	A number of bytes, at most INT_MAX.
 *
 * Side effects:
 *	May give the object a string or list representation.
 *
 *----------------------------------------------------------------------
 */

static int
TextCost(
    Tcl_Obj *objPtr)		/* Object, or NULL. */
{
    int length = 0;

    if (objPtr != NULL) {
	(void) Tcl_GetStringFromObj(objPtr, &length);
    }
    return length;
}

static int
ListCost(
    Tcl_Obj *listObj)		/* List object, or NULL. */
{
    Tcl_Obj **elements;
    Tcl_WideInt cost = 0;
    int numElements, i;

    if (listObj == NULL) {
	return 0;
    }
    if (Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements)
	    != TCL_OK) {
	return TextCost(listObj);
    }
    for (i = 0; i < numElements && cost <= INT_MAX; i++) {
	cost += TextCost(elements[i]) + ELEMENT_COST;
    }
    return cost > INT_MAX ? INT_MAX : (int) cost;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAdmitNew --
 *
 *	Decide whether a payload from an unknown sid may create a
 *	service: not when -maxservices are known, nor when its source
 *	address brought more than -newservicerate new services in the
 *	last second. Each address (hashed to one of CLUSTER_ADMIT_BUCKETS
 *	buckets) has a token bucket holding one second's worth, refilled
 *	continuously, so that as many members as -newservicerate may start
 *	at once on one machine.
 *
 * Results:
 *	1 when it may; else 0, and the drop is counted.
 *
 * Side effects:
 *	Takes a token from the address's bucket.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAdmitNew(
    Cluster *clusterPtr,	/* Receiving cluster. */
    const ClusterIncoming *inPtr)	/* Payload from an unknown sid. */
{
    const ClusterConfig *configPtr = &clusterPtr->config;
    ClusterAdmitBucket *bucketPtr;
    Tcl_WideInt nowMs, full = (Tcl_WideInt) configPtr->newServiceRate * 1000;
    uint32_t hash = ClusterAddrHash(&inPtr->from);

    if (clusterPtr->numServices >= configPtr->maxServices) {
	clusterPtr->stats.dropped[CLUSTER_DROP_MAXSERVICES]++;
	return 0;
    }
    bucketPtr = &clusterPtr->admit[(hash >> 16) % CLUSTER_ADMIT_BUCKETS];
    nowMs = ClusterpMonotonicMs();
    if (bucketPtr->lastMs == 0 || nowMs - bucketPtr->lastMs >= 1000) {
	bucketPtr->tokens = full;
    } else if (nowMs > bucketPtr->lastMs) {
	bucketPtr->tokens += (nowMs - bucketPtr->lastMs)
		* configPtr->newServiceRate;
	if (bucketPtr->tokens > full) {
	    bucketPtr->tokens = full;
	}
    }
    bucketPtr->lastMs = nowMs;
    if (bucketPtr->tokens < 1000) {
	clusterPtr->stats.dropped[CLUSTER_DROP_NEWSERVICERATE]++;
	return 0;
    }
    bucketPtr->tokens -= 1000;
    return 1;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
