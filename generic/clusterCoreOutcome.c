/*
 * clusterCoreOutcome.c --
 *
 *	The outcomes of sends made with -command: per target, the protocol
 *	that finally delivered the packet (wrote it whole to a stream, or
 *	multicast it) or the failure (no protocol did). A send takes a tag
 *	for each target (ClusterOutcomeNew); the tag travels with the
 *	packet through the transports and comes back when the packet is
 *	written, given back or dropped (ClusterOutcomeDone). The command
 *	is then called from the event loop, never from inside the send.
 *
 *	Bounds: an outcome is pending only while its packet is queued on a
 *	stream (bounded by -maxqueue and -maxbuffered), and reported at
 *	the next idle time.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 * One outcome: pending in the table until known, then in the list of
 * those to report.
 */

typedef struct ClusterOutcome {
    struct ClusterOutcome *nextPtr;	/* Next to report, or NULL. */
    Tcl_Obj *commandObj;	/* The -command prefix. */
    Tcl_Obj *sidObj;		/* The target's sid. */
    int proto;			/* Protocol that delivered, or -1. */
    Tcl_Obj *reasonObj;		/* Why it failed, or NULL. */
} ClusterOutcome;

typedef struct ClusterOutcomes {
    Tcl_HashTable pending;	/* Tag -> ClusterOutcome, not yet known. */
    unsigned long lastTag;	/* The last tag given out. */
    ClusterOutcome *firstReady;	/* Known, to report, oldest first. */
    ClusterOutcome *lastReady;
    int scheduled;		/* ReportProc is scheduled. */
} ClusterOutcomes;

static void		FreeOutcome(ClusterOutcome *outcomePtr);
static void		ReportProc(ClientData clientData);

/*
 *----------------------------------------------------------------------
 *
 * ClusterOutcomeNew --
 *
 *	Start following the outcome of one packet to one service.
 *
 * Results:
 *	Its tag (never 0).
 *
 * Side effects:
 *	Memory, freed once reported or with the cluster.
 *
 *----------------------------------------------------------------------
 */

unsigned long
ClusterOutcomeNew(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *commandObj,	/* Command prefix to call. */
    Tcl_Obj *sidObj)		/* The target's sid. */
{
    ClusterOutcomes *outcomesPtr = clusterPtr->outcomesPtr;
    ClusterOutcome *outcomePtr;
    Tcl_HashEntry *entryPtr;
    int isNew;

    if (outcomesPtr == NULL) {
	outcomesPtr = ckalloc(sizeof(ClusterOutcomes));
	memset(outcomesPtr, 0, sizeof(ClusterOutcomes));
	Tcl_InitHashTable(&outcomesPtr->pending, TCL_ONE_WORD_KEYS);
	clusterPtr->outcomesPtr = outcomesPtr;
    }
    outcomePtr = ckalloc(sizeof(ClusterOutcome));
    memset(outcomePtr, 0, sizeof(ClusterOutcome));
    outcomePtr->commandObj = commandObj;
    Tcl_IncrRefCount(commandObj);
    outcomePtr->sidObj = sidObj;
    Tcl_IncrRefCount(sidObj);
    outcomePtr->proto = -1;
    do {
	if (++outcomesPtr->lastTag == 0) {
	    outcomesPtr->lastTag = 1;
	}
	entryPtr = Tcl_CreateHashEntry(&outcomesPtr->pending,
		(char *) outcomesPtr->lastTag, &isNew);
    } while (!isNew);
    Tcl_SetHashValue(entryPtr, outcomePtr);
    return outcomesPtr->lastTag;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOutcomeDone --
 *
 *	The outcome of a tagged packet is known: queue its report for the
 *	event loop. Tag 0, and tags already reported, are ignored, so
 *	callers need not know whether a packet was tagged.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Schedules ReportProc.
 *
 *----------------------------------------------------------------------
 */

void
ClusterOutcomeDone(
    Cluster *clusterPtr,	/* Sender. */
    unsigned long tag,		/* The packet's tag, or 0. */
    int proto,			/* Protocol that delivered, or -1. */
    const char *reason)		/* Why it failed (proto -1), or NULL. */
{
    ClusterOutcomes *outcomesPtr = clusterPtr->outcomesPtr;
    ClusterOutcome *outcomePtr;
    Tcl_HashEntry *entryPtr;

    if (tag == 0 || outcomesPtr == NULL || ClusterIsDeleted(clusterPtr)
	    || (entryPtr = Tcl_FindHashEntry(&outcomesPtr->pending,
		(char *) tag)) == NULL) {
	return;
    }
    outcomePtr = Tcl_GetHashValue(entryPtr);
    Tcl_DeleteHashEntry(entryPtr);
    outcomePtr->proto = proto;
    if (proto < 0) {
	outcomePtr->reasonObj = Tcl_NewStringObj(reason ? reason
		: "not delivered", -1);
	Tcl_IncrRefCount(outcomePtr->reasonObj);
    }
    if (outcomesPtr->lastReady != NULL) {
	outcomesPtr->lastReady->nextPtr = outcomePtr;
    } else {
	outcomesPtr->firstReady = outcomePtr;
    }
    outcomesPtr->lastReady = outcomePtr;
    if (!outcomesPtr->scheduled) {
	outcomesPtr->scheduled = 1;
	Tcl_DoWhenIdle(ReportProc, clusterPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ReportProc --
 *
 *	Call the command of each outcome known, oldest first, as
 *	{*}$command sid protocol reason: protocol is c, t or u and reason
 *	empty when delivered; protocol is empty and reason says why when
 *	not. An error goes to bgerror.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Whatever the commands do, which may destroy the cluster.
 *
 *----------------------------------------------------------------------
 */

static void
ReportProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    ClusterOutcomes *outcomesPtr = clusterPtr->outcomesPtr;
    ClusterOutcome *outcomePtr;
    Tcl_Obj *words[3];

    outcomesPtr->scheduled = 0;
    Tcl_Preserve(clusterPtr);
    while (!ClusterIsDeleted(clusterPtr)
	    && (outcomePtr = outcomesPtr->firstReady) != NULL) {
	outcomesPtr->firstReady = outcomePtr->nextPtr;
	if (outcomesPtr->firstReady == NULL) {
	    outcomesPtr->lastReady = NULL;
	}
	words[0] = outcomePtr->sidObj;
	words[1] = Tcl_NewStringObj(outcomePtr->proto >= 0
		? clusterProtoNames[outcomePtr->proto] : "", -1);
	words[2] = outcomePtr->reasonObj ? outcomePtr->reasonObj
		: Tcl_NewObj();
	Tcl_IncrRefCount(words[1]);
	Tcl_IncrRefCount(words[2]);
	ClusterHookCall(clusterPtr, outcomePtr->commandObj, 3, words,
		"cluster send -command, service %s%s",
		Tcl_GetString(outcomePtr->sidObj), "", NULL);
	Tcl_DecrRefCount(words[1]);
	Tcl_DecrRefCount(words[2]);
	FreeOutcome(outcomePtr);
    }
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOutcomesFree, FreeOutcome --
 *
 *	The cluster is going away: forget every outcome, pending or not
 *	reported yet (their commands are not called). Free one outcome.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Memory; cancels ReportProc.
 *
 *----------------------------------------------------------------------
 */

void
ClusterOutcomesFree(
    Cluster *clusterPtr)	/* Cluster going away. */
{
    ClusterOutcomes *outcomesPtr = clusterPtr->outcomesPtr;
    ClusterOutcome *outcomePtr;
    Tcl_HashEntry *entryPtr;
    Tcl_HashSearch search;

    if (outcomesPtr == NULL) {
	return;
    }
    clusterPtr->outcomesPtr = NULL;
    if (outcomesPtr->scheduled) {
	Tcl_CancelIdleCall(ReportProc, clusterPtr);
    }
    for (entryPtr = Tcl_FirstHashEntry(&outcomesPtr->pending, &search);
	    entryPtr != NULL; entryPtr = Tcl_NextHashEntry(&search)) {
	FreeOutcome(Tcl_GetHashValue(entryPtr));
    }
    Tcl_DeleteHashTable(&outcomesPtr->pending);
    while ((outcomePtr = outcomesPtr->firstReady) != NULL) {
	outcomesPtr->firstReady = outcomePtr->nextPtr;
	FreeOutcome(outcomePtr);
    }
    ckfree(outcomesPtr);
}

static void
FreeOutcome(
    ClusterOutcome *outcomePtr)	/* Outcome to free. */
{
    Tcl_DecrRefCount(outcomePtr->commandObj);
    Tcl_DecrRefCount(outcomePtr->sidObj);
    if (outcomePtr->reasonObj != NULL) {
	Tcl_DecrRefCount(outcomePtr->reasonObj);
    }
    ckfree(outcomePtr);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
