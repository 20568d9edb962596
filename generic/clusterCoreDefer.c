/*
 * clusterCoreDefer.c --
 *
 *	Deferred answers. A `query` hook that cannot answer at once calls
 *	`$cluster defer`: the query it is answering is kept here under a
 *	token, the hook's own result is ignored, and `$cluster answer token
 *	value` sends the answer later, from anywhere. At most -maxdeferred
 *	answers wait at once; one not given within -deferwait ms goes out
 *	as an error, so that the asker is told rather than left waiting.
 *
 *	While a query hook runs, the query it answers is on a stack of
 *	frames (ClusterAnswerFrame, in clusterCoreAnswer.c), innermost
 *	first: hooks nest when one waits in the event loop, and `defer`
 *	means the innermost.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"
#include <string.h>

/*
 * A deferred answer: what it takes to send it later.
 */

typedef struct ClusterDeferred {
    unsigned long id;		/* Its token's number. */
    ClusterService *servicePtr;	/* The asker, held with Tcl_Preserve. */
    ClusterConn *connPtr;	/* The stream the query came on, held with
				 * Tcl_Preserve, or NULL. */
    ClusterProto proto;		/* The transport it came on. */
    Tcl_Obj *ruidObj;		/* Its ruid and channel, or NULL. */
    Tcl_Obj *channelObj;
    Tcl_WideInt dueMs;		/* When it expires. */
    struct ClusterDeferred *prevPtr;	/* Oldest first. */
    struct ClusterDeferred *nextPtr;
} ClusterDeferred;

static void		ArmTimer(Cluster *clusterPtr);
static void		ExpireProc(ClientData clientData);
static void		FreeDeferred(ClusterDeferred *defPtr);
static void		Unlink(Cluster *clusterPtr, ClusterDeferred *defPtr);
static int		Send(Cluster *clusterPtr, ClusterDeferred *defPtr,
			    int isError, Tcl_Obj *valueObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterDefer --
 *
 *	Defer the answer to the query whose hook is running (the
 *	innermost). Deferring twice in one hook gives the same token.
 *
 * Results:
 *	CLUSTER_DEFER_OK with *idPtr set; CLUSTER_DEFER_NO_QUERY when no
 *	query hook runs; CLUSTER_DEFER_FULL (counted) when -maxdeferred
 *	answers wait already, or a quarter of them (at least one) for the
 *	same asker, so that one asker cannot take every place.
 *
 * Side effects:
 *	A record; the expiry timer.
 *
 *----------------------------------------------------------------------
 */

ClusterDeferStatus
ClusterDefer(
    Cluster *clusterPtr,	/* Cluster whose query hook runs. */
    unsigned long *idPtr)	/* Out: the token's number. */
{
    ClusterAnswerFrame *framePtr = clusterPtr->answerFramePtr;
    ClusterDeferred *defPtr;
    const char *sid;
    int share, held = 0;

    if (framePtr == NULL || (framePtr->servicePtr->flags & SERVICE_DELETED)) {
	return CLUSTER_DEFER_NO_QUERY;
    }
    if (framePtr->deferredId != 0) {
	*idPtr = framePtr->deferredId;
	return CLUSTER_DEFER_OK;
    }
    share = clusterPtr->config.maxDeferred / 4;
    sid = Tcl_GetString(framePtr->servicePtr->sidObj);
    for (defPtr = clusterPtr->firstDeferred; defPtr != NULL;
	    defPtr = defPtr->nextPtr) {
	held += (strcmp(Tcl_GetString(defPtr->servicePtr->sidObj), sid) == 0);
    }
    if (clusterPtr->numDeferred >= clusterPtr->config.maxDeferred
	    || held >= (share > 1 ? share : 1)) {
	clusterPtr->stats.deferFull++;
	return CLUSTER_DEFER_FULL;
    }
    defPtr = (ClusterDeferred *) ckalloc(sizeof(ClusterDeferred));
    defPtr->id = ++clusterPtr->nextDeferredId;
    defPtr->servicePtr = framePtr->servicePtr;
    Tcl_Preserve(defPtr->servicePtr);
    defPtr->connPtr = framePtr->connPtr;
    if (defPtr->connPtr != NULL) {
	Tcl_Preserve(defPtr->connPtr);
    }
    defPtr->proto = framePtr->proto;
    defPtr->ruidObj = framePtr->ruidObj;
    if (defPtr->ruidObj != NULL) {
	Tcl_IncrRefCount(defPtr->ruidObj);
    }
    defPtr->channelObj = framePtr->channelObj;
    if (defPtr->channelObj != NULL) {
	Tcl_IncrRefCount(defPtr->channelObj);
    }
    defPtr->dueMs = ClusterpMonotonicMs() + clusterPtr->config.deferWaitMs;
    defPtr->nextPtr = NULL;
    defPtr->prevPtr = clusterPtr->lastDeferred;
    if (clusterPtr->lastDeferred != NULL) {
	clusterPtr->lastDeferred->nextPtr = defPtr;
    } else {
	clusterPtr->firstDeferred = defPtr;
    }
    clusterPtr->lastDeferred = defPtr;
    clusterPtr->numDeferred++;
    clusterPtr->stats.answersDeferred++;
    framePtr->deferredId = defPtr->id;
    *idPtr = defPtr->id;
    if (clusterPtr->deferTimer == NULL) {
	ArmTimer(clusterPtr);
    }
    return CLUSTER_DEFER_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAnswerDeferred --
 *
 *	Give a deferred answer: the value, or an error message.
 *
 * Results:
 *	0 when no answer waits under that number (given already, or
 *	expired); else 1, with *usedPtr the protocol the answer was
 *	handed to, or -1 when it could not go out (the asker is gone, a
 *	send hook refused it).
 *
 * Side effects:
 *	Send hooks (the caller holds the cluster); a packet.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAnswerDeferred(
    Cluster *clusterPtr,	/* Answering cluster (preserved). */
    unsigned long id,		/* The token's number. */
    int isError,		/* 1: valueObj is an error message. */
    Tcl_Obj *valueObj,		/* The answer. */
    int *usedPtr)		/* Out: protocol, or -1. */
{
    ClusterDeferred *defPtr;

    for (defPtr = clusterPtr->firstDeferred; defPtr != NULL;
	    defPtr = defPtr->nextPtr) {
	if (defPtr->id == id) {
	    break;
	}
    }
    if (defPtr == NULL) {
	return 0;
    }
    Unlink(clusterPtr, defPtr);
    clusterPtr->stats.answersGiven++;
    *usedPtr = Send(clusterPtr, defPtr, isError, valueObj);
    FreeDeferred(defPtr);
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDeferredDeleteAll --
 *
 *	Forget every deferred answer, unsent: the cluster is going.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Frees the records; cancels the timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterDeferredDeleteAll(
    Cluster *clusterPtr)	/* Cluster being destroyed. */
{
    ClusterDeferred *defPtr;

    if (clusterPtr->deferTimer != NULL) {
	Tcl_DeleteTimerHandler(clusterPtr->deferTimer);
	clusterPtr->deferTimer = NULL;
    }
    while ((defPtr = clusterPtr->firstDeferred) != NULL) {
	Unlink(clusterPtr, defPtr);
	FreeDeferred(defPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ExpireProc --
 *
 *	Timer: every deferred answer past its -deferwait goes out as an
 *	error, oldest first; then the timer is armed for the next.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Send hooks, which may destroy the cluster; packets.
 *
 *----------------------------------------------------------------------
 */

static void
ExpireProc(
    ClientData clientData)	/* The cluster. */
{
    Cluster *clusterPtr = (Cluster *) clientData;
    ClusterDeferred *defPtr;
    Tcl_Obj *messageObj;

    clusterPtr->deferTimer = NULL;
    Tcl_Preserve(clusterPtr);
    messageObj = Tcl_ObjPrintf("no answer: the query hook deferred it"
	    " and did not give it within %d ms (-deferwait)",
	    clusterPtr->config.deferWaitMs);
    Tcl_IncrRefCount(messageObj);
    while (!ClusterIsDeleted(clusterPtr)
	    && (defPtr = clusterPtr->firstDeferred) != NULL
	    && defPtr->dueMs <= ClusterpMonotonicMs()) {
	Unlink(clusterPtr, defPtr);
	clusterPtr->stats.answersExpired++;
	(void) Send(clusterPtr, defPtr, 1, messageObj);
	FreeDeferred(defPtr);
    }
    Tcl_DecrRefCount(messageObj);
    if (!ClusterIsDeleted(clusterPtr) && clusterPtr->deferTimer == NULL) {
	ArmTimer(clusterPtr);
    }
    Tcl_Release(clusterPtr);
}

/*
 * ArmTimer --
 *
 *	Arm the expiry timer for the oldest deferred answer, if any.
 */

static void
ArmTimer(
    Cluster *clusterPtr)	/* Cluster of interest. */
{
    Tcl_WideInt wait;

    if (clusterPtr->firstDeferred == NULL) {
	return;
    }
    wait = clusterPtr->firstDeferred->dueMs - ClusterpMonotonicMs();
    clusterPtr->deferTimer = Tcl_CreateTimerHandler(
	    wait > 0 ? (int) wait : 0, ExpireProc, clusterPtr);
}

/*
 * Send --
 *
 *	Send a deferred answer; see ClusterAnswerSend. An asker forgotten
 *	since it asked (expired, `$service destroy`) is answered as it is
 *	known now, if it is known again; else on its stream, if open.
 */

static int
Send(
    Cluster *clusterPtr,	/* Answering cluster (preserved). */
    ClusterDeferred *defPtr,	/* The answer, unlinked. */
    int isError,		/* 1: valueObj is an error message. */
    Tcl_Obj *valueObj)		/* The answer. */
{
    ClusterService *servicePtr = defPtr->servicePtr;
    Tcl_HashEntry *entryPtr;
    int used;

    if (servicePtr->flags & SERVICE_DELETED) {
	entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
		Tcl_GetString(servicePtr->sidObj));
	if (entryPtr != NULL) {
	    servicePtr = Tcl_GetHashValue(entryPtr);
	}
    }
    Tcl_Preserve(servicePtr);
    used = ClusterAnswerSend(clusterPtr, servicePtr, defPtr->ruidObj,
	    defPtr->channelObj, isError, valueObj, defPtr->proto,
	    defPtr->connPtr);
    Tcl_Release(servicePtr);
    return used;
}

/*
 * Unlink --
 *
 *	Take a deferred answer out of its cluster's list.
 */

static void
Unlink(
    Cluster *clusterPtr,	/* Its cluster. */
    ClusterDeferred *defPtr)	/* The answer. */
{
    if (defPtr->prevPtr != NULL) {
	defPtr->prevPtr->nextPtr = defPtr->nextPtr;
    } else {
	clusterPtr->firstDeferred = defPtr->nextPtr;
    }
    if (defPtr->nextPtr != NULL) {
	defPtr->nextPtr->prevPtr = defPtr->prevPtr;
    } else {
	clusterPtr->lastDeferred = defPtr->prevPtr;
    }
    clusterPtr->numDeferred--;
}

/*
 * FreeDeferred --
 *
 *	Release what an unlinked deferred answer holds, and free it.
 */

static void
FreeDeferred(
    ClusterDeferred *defPtr)	/* The answer. */
{
    Tcl_Release(defPtr->servicePtr);
    if (defPtr->connPtr != NULL) {
	Tcl_Release(defPtr->connPtr);
    }
    if (defPtr->ruidObj != NULL) {
	Tcl_DecrRefCount(defPtr->ruidObj);
    }
    if (defPtr->channelObj != NULL) {
	Tcl_DecrRefCount(defPtr->channelObj);
    }
    ckfree(defPtr);
}
