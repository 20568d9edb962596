/*
 * clusterCoreSendPlan.c --
 *
 *	How an event goes to its targets (`$cluster send`), and the one
 *	size rule of every path that multicasts: a payload that a path
 *	cannot carry raises {CLUSTER SEND TOO_LARGE} before anything is
 *	sent to anybody.
 *
 *	The rule for many targets: with more than CLUSTER_DIRECT_SEND_MAX
 *	targets and no -broadcast, the targets whose first protocol (the
 *	caller's -protocols, else their own preference, among those we
 *	serve) is `c` share one filtered multicast, if the payload fits a
 *	datagram; every other target is sent to directly, over its
 *	protocols in order. So a target that prefers a stream gets the
 *	event over a stream, and a send is never made best effort for
 *	targets that did not ask for it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static int		PacketFits(Cluster *clusterPtr, Tcl_Obj *payloadObj,
			    Tcl_Obj *filterObj, ClusterService *servicePtr,
			    Tcl_Interp *interp);
static int		Plan(Cluster *clusterPtr, Tcl_Obj *targetsObj,
			    Tcl_Obj *payloadObj, int broadcast,
			    Tcl_Obj *protocolsObj, Tcl_Interp *interp,
			    char *grouped);
static int		SendGroup(Cluster *clusterPtr, Tcl_Obj *targetsObj,
			    Tcl_Obj *payloadObj, const char *grouped,
			    Tcl_Obj *commandObj, Tcl_Interp *interp,
			    int *sentPtr);

/*
 *----------------------------------------------------------------------
 *
 * PacketFits --
 *
 *	Whether a payload fits a datagram, encoded as it would go: to one
 *	service (servicePtr: with a filter naming it and keepalive, unless
 *	it has them, as ClusterSendToService does) or as one multicast
 *	(with filterObj as its filter, when not NULL).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with the error in interp: {CLUSTER SEND
 *	TOO_LARGE}, or the encoding's own error.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
PacketFits(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *payloadObj,	/* Payload dict. */
    Tcl_Obj *filterObj,		/* Filter to put in it, or NULL. */
    ClusterService *servicePtr,	/* The one target, or NULL. */
    Tcl_Interp *interp)		/* For errors. */
{
    Tcl_Obj *copyObj = Tcl_DuplicateObj(payloadObj), *valueObj;
    Tcl_Obj *keepKey = ClusterFieldKey(CLUSTER_F_KEEPALIVE);
    Tcl_Obj *filterKey = ClusterFieldKey(CLUSTER_F_FILTER);
    ClusterBuf buf;
    size_t start, length;
    int code;

    Tcl_IncrRefCount(copyObj);
    if (servicePtr != NULL) {
	if (Tcl_DictObjGet(NULL, copyObj, filterKey, &valueObj) == TCL_OK
		&& valueObj == NULL) {
	    filterObj = Tcl_NewListObj(1, &servicePtr->sidObj);
	}
	if (Tcl_DictObjGet(NULL, copyObj, keepKey, &valueObj) == TCL_OK
		&& valueObj == NULL) {
	    Tcl_DictObjPut(NULL, copyObj, keepKey, Tcl_NewIntObj(1));
	}
    }
    if (filterObj != NULL) {
	Tcl_DictObjPut(NULL, copyObj, filterKey, filterObj);
    }
    ClusterBufInit(&buf);
    code = ClusterPayloadEncode(interp, copyObj, 0, &buf, &start, &length);
    if (code == TCL_OK) {
	code = ClusterMulticastFits(clusterPtr, length, interp);
    }
    ClusterBufFree(&buf);
    Tcl_DecrRefCount(copyObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * Plan --
 *
 *	Check that every target can be sent the payload, and choose the
 *	targets that share one multicast (see the rule at the top of the
 *	file; only when `grouped` is given). With -broadcast 1, the one
 *	filtered multicast must fit; else each target whose protocols,
 *	in its order, are `c` alone must be reachable by a datagram (a
 *	target with a stream protocol is reached by it when the packet is
 *	too large for `c`).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with {CLUSTER SEND TOO_LARGE} in interp.
 *	grouped[i] is set to 1 for each target that shares the multicast.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
Plan(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *targetsObj,	/* Service names. */
    Tcl_Obj *payloadObj,	/* Payload dict (without the filter). */
    int broadcast,		/* -broadcast, or -1. */
    Tcl_Obj *protocolsObj,	/* -protocols, or NULL. */
    Tcl_Interp *interp,		/* For errors. */
    char *grouped)		/* Out, or NULL: 1 per grouped target. */
{
    ClusterProto order[CLUSTER_PROTO_COUNT];
    ClusterService *servicePtr;
    Tcl_Obj **names, *sidsObj;
    int numNames, numOrder, i, j, streams, code = TCL_OK;

    Tcl_ListObjGetElements(NULL, targetsObj, &numNames, &names);
    if (broadcast == 1) {
	return PacketFits(clusterPtr, payloadObj, numNames > 0
		? ClusterTargetSids(clusterPtr, targetsObj) : NULL, NULL,
		interp);
    }
    if (grouped != NULL && broadcast == -1
	    && numNames > CLUSTER_DIRECT_SEND_MAX) {
	sidsObj = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(sidsObj);
	for (i = 0; i < numNames; i++) {
	    servicePtr = ClusterServiceFind(clusterPtr, names[i]);
	    if (servicePtr != NULL && ClusterSendOrder(clusterPtr,
		    servicePtr, protocolsObj, 1, order) > 0
		    && order[0] == CLUSTER_PROTO_C) {
		grouped[i] = 1;
		Tcl_ListObjAppendElement(NULL, sidsObj, servicePtr->sidObj);
	    }
	}
	Tcl_ListObjLength(NULL, sidsObj, &j);
	if (j > 0 && PacketFits(clusterPtr, payloadObj, sidsObj, NULL,
		NULL) != TCL_OK) {
	    memset(grouped, 0, (size_t) numNames);
	}
	Tcl_DecrRefCount(sidsObj);
    }
    for (i = 0; i < numNames && code == TCL_OK; i++) {
	servicePtr = ClusterServiceFind(clusterPtr, names[i]);
	if ((grouped != NULL && grouped[i]) || servicePtr == NULL) {
	    continue;
	}
	numOrder = ClusterSendOrder(clusterPtr, servicePtr, protocolsObj,
		broadcast != 0, order);
	for (j = 0, streams = 0; j < numOrder; j++) {
	    streams |= (order[j] != CLUSTER_PROTO_C);
	}
	if (numOrder > 0 && !streams) {
	    code = PacketFits(clusterPtr, payloadObj, NULL, servicePtr,
		    interp);
	}
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendCheckSize --
 *
 *	The size rule for a payload about to go to targets, the way
 *	`$cluster query` sends it (-broadcast 1: one filtered multicast;
 *	else to each target over its protocols).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with {CLUSTER SEND TOO_LARGE} in interp.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendCheckSize(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *targetsObj,	/* Service names. */
    Tcl_Obj *payloadObj,	/* Payload dict. */
    int broadcast,		/* -broadcast, or -1. */
    Tcl_Obj *protocolsObj,	/* -protocols, or NULL. */
    Tcl_Interp *interp)		/* For errors. */
{
    return Plan(clusterPtr, targetsObj, payloadObj, broadcast,
	    protocolsObj, interp, NULL);
}

/*
 *----------------------------------------------------------------------
 *
 * SendGroup --
 *
 *	Multicast an event once, filtered to the targets marked in
 *	`grouped` (all of them when grouped is NULL: -broadcast 1), and
 *	report each one's outcome.
 *
 * Results:
 *	A standard Tcl result. *sentPtr is 1 when the packet left, 0 when a
 *	hook cancelled it.
 *
 * Side effects:
 *	A datagram; hooks, which may destroy the cluster (the caller holds
 *	it); outcomes.
 *
 *----------------------------------------------------------------------
 */

static int
SendGroup(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    Tcl_Obj *targetsObj,	/* Service names. */
    Tcl_Obj *payloadObj,	/* The event payload (unshared). */
    const char *grouped,	/* 1 per target to include, or NULL. */
    Tcl_Obj *commandObj,	/* -command, or NULL. */
    Tcl_Interp *interp,		/* For errors. */
    int *sentPtr)		/* Out. */
{
    Tcl_Obj **names, *sidsObj = Tcl_NewListObj(0, NULL);
    ClusterService *servicePtr;
    unsigned long tags[CLUSTER_DIRECT_SEND_MAX + 1], *tagPtr = tags;
    int numNames, i, code;

    Tcl_IncrRefCount(sidsObj);
    Tcl_ListObjGetElements(NULL, targetsObj, &numNames, &names);
    if (numNames > CLUSTER_DIRECT_SEND_MAX + 1) {
	tagPtr = ckalloc(numNames * sizeof(unsigned long));
    }
    for (i = 0; i < numNames; i++) {
	tagPtr[i] = 0;
	servicePtr = ClusterServiceFind(clusterPtr, names[i]);
	if (servicePtr != NULL && (grouped == NULL || grouped[i])) {
	    Tcl_ListObjAppendElement(NULL, sidsObj, servicePtr->sidObj);
	    if (commandObj != NULL) {
		tagPtr[i] = ClusterOutcomeNew(clusterPtr, commandObj,
			servicePtr->sidObj);
	    }
	}
    }
    if (numNames > 0) {
	Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_FILTER),
		sidsObj);
    }
    code = ClusterBroadcast(clusterPtr, payloadObj, interp, sentPtr);
    for (i = 0; i < numNames; i++) {
	ClusterOutcomeDone(clusterPtr, tagPtr[i], *sentPtr
		? CLUSTER_PROTO_C : -1, code != TCL_OK ? "multicast failed"
		: "cancelled by a send hook");
    }
    if (tagPtr != tags) {
	ckfree(tagPtr);
    }
    Tcl_DecrRefCount(sidsObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendEvent --
 *
 *	Deliver an event payload to services (`$cluster send`): one
 *	filtered multicast with -broadcast 1; else, after the size rule,
 *	one multicast for the targets that prefer `c` when there are more
 *	than CLUSTER_DIRECT_SEND_MAX targets and -broadcast was not given,
 *	and each other target over its protocols in turn (-broadcast 0:
 *	never falling back to multicast). With commandObj, the outcome of
 *	each target is reported later (clusterCoreOutcome.c).
 *
 * Results:
 *	A standard Tcl result (errors in interp; a payload too large for
 *	the only path to a target is an error before anything is sent).
 *	usedObj gets, per target (one element for a multicast to nobody
 *	named), the protocol the packet was handed to, or an empty element.
 *
 * Side effects:
 *	Packets; send hooks, which may destroy the cluster (the caller holds
 *	it).
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendEvent(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    Tcl_Obj *targetsObj,	/* Service names. */
    Tcl_Obj *payloadObj,	/* The event payload (unshared). */
    int broadcast,		/* -broadcast, or -1 when not given. */
    Tcl_Obj *protocolsObj,	/* -protocols, or NULL. */
    Tcl_Obj *commandObj,	/* -command, or NULL. */
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *usedObj)		/* Out: protocols used (unshared list). */
{
    Tcl_Obj **names, *cObj = Tcl_NewStringObj("c", -1);
    char *grouped;
    int numNames, i, sent = 0, numGrouped = 0, code;

    Tcl_IncrRefCount(cObj);
    Tcl_ListObjGetElements(NULL, targetsObj, &numNames, &names);
    grouped = ckalloc(numNames + 1);
    memset(grouped, 0, (size_t) numNames + 1);
    code = Plan(clusterPtr, targetsObj, payloadObj, broadcast,
	    protocolsObj, interp, grouped);
    for (i = 0; i < numNames; i++) {
	numGrouped += grouped[i];
    }
    if (code == TCL_OK && (broadcast == 1 || numGrouped > 0)) {
	code = SendGroup(clusterPtr, targetsObj, payloadObj,
		broadcast == 1 ? NULL : grouped, commandObj, interp, &sent);
	if (numNames == 0) {
	    Tcl_ListObjAppendElement(NULL, usedObj, sent ? cObj
		    : Tcl_NewObj());
	}
    }
    for (i = 0; i < numNames && code == TCL_OK; i++) {
	ClusterService *servicePtr;
	unsigned long tag = 0;
	int used = -1;

	if (broadcast == 1 || grouped[i]) {
	    Tcl_ListObjAppendElement(NULL, usedObj, sent ? cObj
		    : Tcl_NewObj());
	    continue;
	}
	servicePtr = ClusterIsDeleted(clusterPtr) ? NULL
		: ClusterServiceFind(clusterPtr, names[i]);
	if (servicePtr != NULL) {
	    if (commandObj != NULL) {
		tag = ClusterOutcomeNew(clusterPtr, commandObj,
			servicePtr->sidObj);
	    }
	    code = ClusterSendToServiceTagged(clusterPtr, servicePtr,
		    payloadObj, protocolsObj, broadcast != 0, interp, tag,
		    &used);
	}
	Tcl_ListObjAppendElement(NULL, usedObj, Tcl_NewStringObj(
		used >= 0 ? clusterProtoNames[used] : "", -1));
    }
    ckfree(grouped);
    Tcl_DecrRefCount(cObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterTargetSids --
 *
 *	The sids of a list of service names: the filter that names them.
 *
 * Results:
 *	A new list with a zero reference count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterTargetSids(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *targetsObj)	/* Service names. */
{
    Tcl_Obj *sidsObj = Tcl_NewListObj(0, NULL), **names;
    int numNames, i;

    Tcl_ListObjGetElements(NULL, targetsObj, &numNames, &names);
    for (i = 0; i < numNames; i++) {
	ClusterService *servicePtr =
		ClusterServiceFind(clusterPtr, names[i]);

	if (servicePtr != NULL) {
	    Tcl_ListObjAppendElement(NULL, sidsObj, servicePtr->sidObj);
	}
    }
    return sidsObj;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
