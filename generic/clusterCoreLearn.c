/*
 * clusterCoreLearn.c --
 *
 *	What a valid payload teaches of its sender: when it was last heard,
 *	its host id, address, protocols, tags and protocol props; and when
 *	it is known well enough for `service discovered` to run. What a
 *	service keeps, it keeps sparingly (SameText, SetShared, the props
 *	kept as text), for a member may know hundreds of services.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 * The longest props may have in `u {path P}`: a unix socket path must
 * fit in sun_path (108 bytes on Linux, 104 on BSD, with its NUL).
 */

#define PROPS_PATH_MAX	107

/*
 * Services announced by one run of the announce timer at most: the rest
 * wait for the next turn of the event loop, so that a flood of new
 * services does not hold the loop.
 */

#define ANNOUNCE_BATCH	64

static void		Announce(ClusterService *servicePtr);
static void		AnnounceTimerProc(ClientData clientData);
static Tcl_Obj *	KeptProps(Tcl_Obj *protocolObj, Tcl_Obj *valueObj);
static int		SameText(Tcl_Obj *aObj, Tcl_Obj *bObj);
static void		SetShared(Tcl_Obj **slotPtr, Tcl_Obj *valueObj,
			    Tcl_Obj *candidateObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterLearnFromPayload --
 *
 *	Refresh what we know of a service from any valid payload of it: its
 *	last-seen time, host id, address (from `c` packets), protocols and
 *	tags.
 *
 * Results:
 *	1 when its tags changed, else 0.
 *
 * Side effects:
 *	Updates the service; clears an expectation raised by a ping or a
 *	probe; heartbeats and discoveries say whether it answers probes.
 *
 *----------------------------------------------------------------------
 */

int
ClusterLearnFromPayload(
    ClusterService *servicePtr,	/* Sender. */
    const ClusterIncoming *inPtr)		/* Its payload. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    ClusterService *otherPtr = servicePtr->prevPtr;
    int tagsChanged = 0;

    servicePtr->lastSeenMs = ClusterpMonotonicMs();
    servicePtr->expectedByMs = 0;
    servicePtr->probeDueMs = 0;
    servicePtr->flags &= ~(SERVICE_OWN_DEADLINE | SERVICE_PROBED);
    if (inPtr->type == CLUSTER_TYPE_HEARTBEAT
	    || inPtr->type == CLUSTER_TYPE_DISCOVERY) {
	if (inPtr->probe) {
	    servicePtr->flags |= SERVICE_PROBES;
	} else {
	    servicePtr->flags &= ~SERVICE_PROBES;
	}
    }
    if (!SameText(servicePtr->hidObj, inPtr->hidObj)) {
	SetShared(&servicePtr->hidObj, inPtr->hidObj,
		SameText(clusterPtr->hidObj, inPtr->hidObj)
		? clusterPtr->hidObj : otherPtr ? otherPtr->hidObj : NULL);
	ClusterSetObj(&servicePtr->resolverTagsObj, NULL);
    }
    if (inPtr->proto == CLUSTER_PROTO_C || servicePtr->addrObj == NULL) {
	if (servicePtr->addrObj == NULL
		|| !ClusterAddrSameIp(&servicePtr->addr, &inPtr->from)) {
	    char text[CLUSTER_ADDR_STRLEN];

	    servicePtr->addr = inPtr->from;
	    servicePtr->addr.port = 0;
	    if (otherPtr != NULL && otherPtr->addrObj != NULL
		    && ClusterAddrSameIp(&otherPtr->addr,
			&servicePtr->addr)) {
		ClusterSetObj(&servicePtr->addrObj, otherPtr->addrObj);
	    } else {
		ClusterpFormatAddress(&servicePtr->addr, text);
		ClusterSetObj(&servicePtr->addrObj,
			Tcl_NewStringObj(text, -1));
	    }
	    if (inPtr->local) {
		servicePtr->flags |= SERVICE_LOCAL;
	    } else {
		servicePtr->flags &= ~SERVICE_LOCAL;
	    }
	    ClusterSetObj(&servicePtr->resolverTagsObj, NULL);
	}
    }
    if (!SameText(servicePtr->protocolsObj, inPtr->protocolsObj)) {
	SetShared(&servicePtr->protocolsObj, inPtr->protocolsObj,
		otherPtr ? otherPtr->protocolsObj : NULL);
    }
    if (inPtr->tagsObj != NULL
	    && !SameText(servicePtr->tagsObj, inPtr->tagsObj)) {
	tagsChanged = servicePtr->tagsObj != NULL;
	SetShared(&servicePtr->tagsObj, inPtr->tagsObj,
		otherPtr ? otherPtr->tagsObj : NULL);
	ClusterSetObj(&servicePtr->resolverTagsObj, NULL);
    }
    return tagsChanged;
}

/*
 *----------------------------------------------------------------------
 *
 * SameText, SetShared --
 *
 *	What a service keeps of its sender, it keeps sparingly: an object
 *	equal to one another service already holds (its hid, address,
 *	protocols or tags: the members of one host mostly share them) is
 *	shared rather than kept twice, so that knowing a thousand services
 *	costs one copy of each, not a thousand.
 *
 * Results:
 *	SameText: 1 when both objects exist and read the same.
 *
 * Side effects:
 *	SetShared: stores valueObj, or the equal candidateObj, in *slotPtr.
 *
 *----------------------------------------------------------------------
 */

static int
SameText(
    Tcl_Obj *aObj,		/* An object, or NULL. */
    Tcl_Obj *bObj)		/* Another, or NULL. */
{
    int aLength, bLength;
    const char *a, *b;

    if (aObj == NULL || bObj == NULL) {
	return 0;
    }
    if (aObj == bObj) {
	return 1;
    }
    a = Tcl_GetStringFromObj(aObj, &aLength);
    b = Tcl_GetStringFromObj(bObj, &bLength);
    return aLength == bLength && memcmp(a, b, (size_t) aLength) == 0;
}

static void
SetShared(
    Tcl_Obj **slotPtr,		/* Slot to set. */
    Tcl_Obj *valueObj,		/* New value (any reference count). */
    Tcl_Obj *candidateObj)	/* An equal value to share, or NULL. */
{
    ClusterSetObj(slotPtr, SameText(candidateObj, valueObj)
	    ? candidateObj : valueObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMergeProps, KeptProps --
 *
 *	Merge (heartbeat, discovery) or replace (flush) a service's protocol
 *	props with the dict a payload carries in `data`, e.g. t {port 1}.
 *	Only what a protocol needs is kept: `t {port N}` with N from 1 to
 *	65535 and `u {path P}` with P of 1 to PROPS_PATH_MAX bytes; other
 *	keys, other protocols and other values are dropped, so that a
 *	service's props stay a few dozen bytes whatever it sends, and a
 *	protocol's props replace what it had before.
 *
 * Results:
 *	KeptProps: the protocol's props to keep, with a zero reference
 *	count, or NULL.
 *
 * Side effects:
 *	ClusterMergeProps: updates servicePtr->propsObj. Data that is not a
 *	dict is ignored.
 *
 *----------------------------------------------------------------------
 */

void
ClusterMergeProps(
    ClusterService *servicePtr,	/* Sender. */
    Tcl_Obj *dataObj,		/* Its data, or NULL. */
    int replace)		/* 1: replace rather than merge. */
{
    Tcl_Obj *propsObj, *keyObj, *valueObj, *keptObj;
    Tcl_DictSearch search;
    int done, size, length;
    const char *text;

    if (dataObj == NULL || (!replace
	    && SameText(dataObj, servicePtr->propsObj))) {
	return;			/* Most heartbeats repeat what we know. */
    }
    if (Tcl_DictObjSize(NULL, dataObj, &size) != TCL_OK) {
	return;
    }
    propsObj = replace ? Tcl_NewDictObj()
	    : Tcl_DuplicateObj(servicePtr->propsObj);
    Tcl_IncrRefCount(propsObj);
    if (Tcl_DictObjFirst(NULL, dataObj, &search, &keyObj, &valueObj, &done)
	    == TCL_OK) {
	for (; !done; Tcl_DictObjNext(&search, &keyObj, &valueObj, &done)) {
	    if ((keptObj = KeptProps(keyObj, valueObj)) != NULL) {
		Tcl_DictObjPut(NULL, propsObj, keyObj, keptObj);
	    }
	}
	Tcl_DictObjDone(&search);
    }

    /*
     * Keep the text only: a dict of dicts costs some 900 bytes, its text
     * a tenth of that, and only the few services we open streams to need
     * it parsed again.
     */

    text = Tcl_GetStringFromObj(propsObj, &length);
    ClusterSetObj(&servicePtr->propsObj, Tcl_NewStringObj(text, length));
    Tcl_DecrRefCount(propsObj);
}

static Tcl_Obj *
KeptProps(
    Tcl_Obj *protocolObj,	/* A key of the data dict. */
    Tcl_Obj *valueObj)		/* Its value: the protocol's props. */
{
    const char *protocol = Tcl_GetString(protocolObj);
    Tcl_Obj *keyObj, *fieldObj = NULL, *pair[2];
    int port, length;

    if (strcmp(protocol, "t") != 0 && strcmp(protocol, "u") != 0) {
	return NULL;
    }
    keyObj = Tcl_NewStringObj(protocol[0] == 't' ? "port" : "path", -1);
    Tcl_IncrRefCount(keyObj);
    if (Tcl_DictObjGet(NULL, valueObj, keyObj, &fieldObj) != TCL_OK
	    || fieldObj == NULL) {
	fieldObj = NULL;
    } else if (protocol[0] == 't') {
	fieldObj = (Tcl_GetIntFromObj(NULL, fieldObj, &port) == TCL_OK
		&& port >= 1 && port <= 65535) ? Tcl_NewIntObj(port) : NULL;
    } else {
	(void) Tcl_GetStringFromObj(fieldObj, &length);
	if (length < 1 || length > PROPS_PATH_MAX) {
	    fieldObj = NULL;
	}
    }
    if (fieldObj == NULL) {
	Tcl_DecrRefCount(keyObj);
	return NULL;
    }
    pair[0] = keyObj;
    pair[1] = fieldObj;
    valueObj = Tcl_NewListObj(2, pair);
    Tcl_DecrRefCount(keyObj);
    return valueObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAnnounceIfReady, AnnounceTimerProc, Announce --
 *
 *	Run `service discovered` once per service, as soon as the props of
 *	every protocol it serves besides `c` are known, or when the
 *	-discoverywait time has passed since we first heard of it. The
 *	services still waiting form one queue per cluster, oldest first,
 *	and one timer, set for the oldest, announces those whose wait is
 *	over: however many services a flood of senders makes, the wait
 *	costs O(1) per service.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Runs the hook; counts the discovery; manages the queue and its
 *	timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterAnnounceIfReady(
    ClusterService *servicePtr)	/* Service heard from. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    Tcl_Obj **protocols, *propsObj, *valueObj;
    int numProtocols, i, ready = 1;

    if (servicePtr->flags & (SERVICE_ANNOUNCED | SERVICE_DELETED)) {
	return;
    }

    /*
     * Read a copy of the props, so that the service keeps their text only
     * (see ClusterMergeProps).
     */

    propsObj = Tcl_DuplicateObj(servicePtr->propsObj);
    Tcl_IncrRefCount(propsObj);
    Tcl_ListObjGetElements(NULL, servicePtr->protocolsObj, &numProtocols,
	    &protocols);
    for (i = 0; i < numProtocols && ready; i++) {
	ready = strcmp(Tcl_GetString(protocols[i]), "c") == 0
		|| (Tcl_DictObjGet(NULL, propsObj, protocols[i], &valueObj)
		    == TCL_OK && valueObj != NULL);
    }
    Tcl_DecrRefCount(propsObj);
    if (ready) {
	Announce(servicePtr);
    } else if (!(servicePtr->flags & SERVICE_PENDING)) {
	servicePtr->flags |= SERVICE_PENDING;
	servicePtr->announceByMs = ClusterpMonotonicMs()
		+ clusterPtr->config.discoveredWaitMs;
	servicePtr->pendingNextPtr = NULL;
	servicePtr->pendingPrevPtr = clusterPtr->lastPending;
	if (clusterPtr->lastPending != NULL) {
	    clusterPtr->lastPending->pendingNextPtr = servicePtr;
	} else {
	    clusterPtr->firstPending = servicePtr;
	}
	clusterPtr->lastPending = servicePtr;
	if (clusterPtr->announceTimer == NULL) {
	    clusterPtr->announceTimer = Tcl_CreateTimerHandler(
		    clusterPtr->config.discoveredWaitMs, AnnounceTimerProc,
		    clusterPtr);
	}
    }
}

static void
AnnounceTimerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    Tcl_WideInt nowMs = ClusterpMonotonicMs();
    ClusterService *servicePtr;
    int count = 0;

    clusterPtr->announceTimer = NULL;
    Tcl_Preserve(clusterPtr);
    while ((servicePtr = clusterPtr->firstPending) != NULL
	    && servicePtr->announceByMs <= nowMs
	    && count++ < ANNOUNCE_BATCH && !ClusterIsDeleted(clusterPtr)) {
	Announce(servicePtr);
    }
    if (!ClusterIsDeleted(clusterPtr) && clusterPtr->firstPending != NULL
	    && clusterPtr->announceTimer == NULL) {
	Tcl_WideInt waitMs = clusterPtr->firstPending->announceByMs - nowMs;

	clusterPtr->announceTimer = Tcl_CreateTimerHandler(
		waitMs > 0 ? (int) waitMs : 0, AnnounceTimerProc, clusterPtr);
    }
    Tcl_Release(clusterPtr);
}

static void
Announce(
    ClusterService *servicePtr)	/* Service to announce. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    ClusterAnnounceForget(servicePtr);
    if (servicePtr->flags & (SERVICE_ANNOUNCED | SERVICE_DELETED)) {
	return;
    }
    servicePtr->flags |= SERVICE_ANNOUNCED;
    clusterPtr->stats.discovered++;
    Tcl_Preserve(clusterPtr);
    ClusterHookRun(clusterPtr, "service discovered", servicePtr, NULL, NULL);
    if (!ClusterIsDeleted(clusterPtr)
	    && !(servicePtr->flags & SERVICE_DELETED)) {
	ClusterWatchRun(clusterPtr, "discovered", servicePtr);
    }
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAnnounceForget, ClusterAnnounceCancel --
 *
 *	Take a service out of the announce queue (it is announced or
 *	gone); stop the queue's timer (the cluster is destroyed).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The queue; the timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterAnnounceForget(
    ClusterService *servicePtr)	/* Service to take out, if queued. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    if (!(servicePtr->flags & SERVICE_PENDING)) {
	return;
    }
    servicePtr->flags &= ~SERVICE_PENDING;
    if (servicePtr->pendingPrevPtr != NULL) {
	servicePtr->pendingPrevPtr->pendingNextPtr =
		servicePtr->pendingNextPtr;
    } else {
	clusterPtr->firstPending = servicePtr->pendingNextPtr;
    }
    if (servicePtr->pendingNextPtr != NULL) {
	servicePtr->pendingNextPtr->pendingPrevPtr =
		servicePtr->pendingPrevPtr;
    } else {
	clusterPtr->lastPending = servicePtr->pendingPrevPtr;
    }
    servicePtr->pendingPrevPtr = servicePtr->pendingNextPtr = NULL;
}

void
ClusterAnnounceCancel(
    Cluster *clusterPtr)	/* Cluster being destroyed. */
{
    if (clusterPtr->announceTimer != NULL) {
	Tcl_DeleteTimerHandler(clusterPtr->announceTimer);
	clusterPtr->announceTimer = NULL;
    }
}
