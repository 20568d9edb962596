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

static void		Announce(ClusterService *servicePtr);
static void		AnnounceTimerProc(ClientData clientData);
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
 *	Updates the service; clears an expectation raised by a ping.
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
    servicePtr->flags &= ~(SERVICE_OWN_DEADLINE | SERVICE_PROBED);
    if (!SameText(servicePtr->hidObj, inPtr->hidObj)) {
	SetShared(&servicePtr->hidObj, inPtr->hidObj,
		SameText(clusterPtr->hidObj, inPtr->hidObj)
		? clusterPtr->hidObj : otherPtr ? otherPtr->hidObj : NULL);
	ClusterSetObj(&servicePtr->resolverTagsObj, NULL);
    }
    if (inPtr->proto == CLUSTER_PROTO_C || servicePtr->addrObj == NULL) {
	if (servicePtr->addrObj == NULL
		|| servicePtr->addr.ip != inPtr->from.ip) {
	    char text[CLUSTER_ADDR_STRLEN];

	    servicePtr->addr = inPtr->from;
	    servicePtr->addr.port = 0;
	    if (otherPtr != NULL && otherPtr->addrObj != NULL
		    && otherPtr->addr.ip == servicePtr->addr.ip) {
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
 * ClusterMergeProps --
 *
 *	Merge (heartbeat, discovery) or replace (flush) a service's protocol
 *	props with the dict a payload carries in `data`, e.g. t {port 1}.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Updates servicePtr->propsObj. Data that is not a dict of dicts is
 *	ignored.
 *
 *----------------------------------------------------------------------
 */

void
ClusterMergeProps(
    ClusterService *servicePtr,	/* Sender. */
    Tcl_Obj *dataObj,		/* Its data, or NULL. */
    int replace)		/* 1: replace rather than merge. */
{
    Tcl_Obj *propsObj, *keyObj, *valueObj;
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
	    if (Tcl_DictObjSize(NULL, valueObj, &size) == TCL_OK) {
		Tcl_DictObjPut(NULL, propsObj, keyObj, valueObj);
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

/*
 *----------------------------------------------------------------------
 *
 * ClusterAnnounceIfReady, AnnounceTimerProc, Announce --
 *
 *	Run `service discovered` once per service, as soon as the props of
 *	every protocol it serves besides `c` are known, or when the
 *	-discoverywait time has passed since we first heard of it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Runs the hook; counts the discovery; manages the wait timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterAnnounceIfReady(
    ClusterService *servicePtr)	/* Service heard from. */
{
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
    } else if (servicePtr->announceTimer == NULL) {
	servicePtr->announceTimer = Tcl_CreateTimerHandler(
		servicePtr->clusterPtr->config.discoveredWaitMs,
		AnnounceTimerProc, servicePtr);
    }
}

static void
AnnounceTimerProc(
    ClientData clientData)	/* The ClusterService. */
{
    ClusterService *servicePtr = clientData;

    servicePtr->announceTimer = NULL;
    Announce(servicePtr);
}

static void
Announce(
    ClusterService *servicePtr)	/* Service to announce. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    if (servicePtr->announceTimer != NULL) {
	Tcl_DeleteTimerHandler(servicePtr->announceTimer);
	servicePtr->announceTimer = NULL;
    }
    if (servicePtr->flags & (SERVICE_ANNOUNCED | SERVICE_DELETED)) {
	return;
    }
    servicePtr->flags |= SERVICE_ANNOUNCED;
    clusterPtr->stats.discovered++;
    Tcl_Preserve(clusterPtr);
    ClusterHookRun(clusterPtr, "service discovered", servicePtr, NULL, NULL);
    Tcl_Release(clusterPtr);
}
