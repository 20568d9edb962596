/*
 * clusterCoreQuery.c --
 *
 *	Queries (doc/protocol.md section 6.4): a query sends one type-4
 *	payload to each resolved service, collects their type-5 responses
 *	and calls the application's command, through the hook runner, with
 *	start, response, error, timeout and finally done, exactly once. The
 *	face parses `$cluster query` and owns the query's object command
 *	(clusterCmdQuery.c); the queries of others are answered in
 *	clusterCoreAnswer.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static int		Notify(ClusterQuery *queryPtr, const char *event);
static void		EnsureStarted(ClusterQuery *queryPtr);
static void		SoonProc(ClientData clientData);
static void		FreeQuery(char *blockPtr);
static void		TimeoutProc(ClientData clientData);
static void		UnreachableAll(Cluster *clusterPtr,
			    Tcl_Obj *silentObj);
static ClusterQuery *	FindQuery(Cluster *clusterPtr, const char *id);
static Tcl_Obj *	NewQueryId(unsigned long serial, const char *sid);
static void		SendQuery(ClusterQuery *queryPtr, Tcl_Obj *targetsObj,
			    int broadcast, Tcl_Obj *protocolsObj);
static Tcl_Obj *	QueryPayload(Cluster *clusterPtr, int channel,
			    Tcl_Obj *idObj, Tcl_Obj *queryObj,
			    Tcl_Obj *targetsObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryStart --
 *
 *	Start a query (doc/protocol.md section 6.4): send the question to
 *	each target (there may be none) and wait for their answers. The
 *	face parsed the options and resolved the targets; it makes the
 *	query's object command when told to (queryCreatedProc).
 *
 * Results:
 *	The query's command name, with a reference for the caller.
 *
 * Side effects:
 *	Packets; a query, whose `start` (and, when it was sent to nobody,
 *	`done`) comes from the event loop, never from inside this call; a
 *	query with the same id that is still live stops waiting and gets
 *	its `done` from the event loop too.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterQueryStart(
    Cluster *clusterPtr,	/* Cluster asking (preserved). */
    Tcl_Obj *targetsObj,	/* Service names. */
    const ClusterQuerySpec *specPtr)	/* What to ask, and how. */
{
    ClusterQuery *queryPtr, *oldPtr;
    Tcl_Obj *idObj = specPtr->idObj, *nameObj;
    Tcl_Size numTargets;

    if (idObj != NULL
	    && (oldPtr = FindQuery(clusterPtr, Tcl_GetString(idObj))) != NULL) {
	oldPtr->flags |= QUERY_ENDED;
	if (oldPtr->timer != NULL) {
	    Tcl_DeleteTimerHandler(oldPtr->timer);
	    oldPtr->timer = NULL;
	}
	if (oldPtr->soonTimer == NULL) {
	    oldPtr->soonTimer = Tcl_CreateTimerHandler(0, SoonProc, oldPtr);
	}
    }

    queryPtr = ckalloc(sizeof(ClusterQuery));
    memset(queryPtr, 0, sizeof(ClusterQuery));
    queryPtr->clusterPtr = clusterPtr;
    queryPtr->flags = (specPtr->collect ? QUERY_COLLECT : 0)
	    | (specPtr->keep ? QUERY_KEEP : 0);
    queryPtr->channel = specPtr->channel;
    queryPtr->timeoutMs = specPtr->timeoutMs;
    queryPtr->serial = ++ClusterGetInterpData(clusterPtr->interp)->nextQuery;
    if (idObj == NULL) {
	idObj = NewQueryId(queryPtr->serial, clusterPtr->sid);
    }
    ClusterSetObj(&queryPtr->idObj, idObj);
    ClusterSetObj(&queryPtr->queryObj, specPtr->queryObj);
    ClusterSetObj(&queryPtr->commandObj, specPtr->commandObj);
    ClusterSetObj(&queryPtr->remainingObj, Tcl_NewDictObj());
    ClusterSetObj(&queryPtr->resultsObj, Tcl_NewDictObj());
    ClusterSetObj(&queryPtr->payloadsObj, Tcl_NewDictObj());
    clusterPtr->faceProcsPtr->queryCreatedProc(queryPtr);
    queryPtr->nextPtr = clusterPtr->firstQuery;
    clusterPtr->firstQuery = queryPtr;
    clusterPtr->stats.queriesStarted++;

    Tcl_Preserve(queryPtr);
    Tcl_ListObjLength(NULL, targetsObj, &numTargets);
    if (numTargets > 0) {
	SendQuery(queryPtr, targetsObj, specPtr->broadcast,
		specPtr->protocolsObj);
    }
    if (!(queryPtr->flags & QUERY_DELETED)) {
	queryPtr->timer = Tcl_CreateTimerHandler(specPtr->timeoutMs,
		TimeoutProc, queryPtr);
	queryPtr->soonTimer = Tcl_CreateTimerHandler(0, SoonProc, queryPtr);
    }
    nameObj = queryPtr->nameObj;
    Tcl_IncrRefCount(nameObj);
    Tcl_Release(queryPtr);
    return nameObj;
}

/*
 *----------------------------------------------------------------------
 *
 * NewQueryId --
 *
 *	The id of a new query, the ruid of its payloads:
 *	q<serial>-<16 hex digits>#<sid>. The 64 random bits make it
 *	unpredictable, so that a process that did not see the query cannot
 *	forge its answers; the rest keeps it readable. It is a plain
 *	string, as the old package's ruids are.
 *
 * Results:
 *	A new object.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
NewQueryId(
    unsigned long serial,	/* Number of the query in its interp. */
    const char *sid)		/* Sid of the member asking. */
{
    unsigned char random[8];
    char hex[2 * sizeof(random) + 1];
    size_t i;

    ClusterpRandomBytes(random, sizeof(random));
    for (i = 0; i < sizeof(random); i++) {
	snprintf(hex + 2 * i, 3, "%02x", random[i]);
    }
    return Tcl_ObjPrintf("q%lu-%s#%s", serial, hex, sid);
}

/*
 *----------------------------------------------------------------------
 *
 * QueryPayload, ClusterQueryCheckSize --
 *
 *	The payload of a query: ruid = id, data = query, filter = the sids
 *	of every target, keepalive 1. Check, before a query starts, that
 *	its payload can reach its targets the way it will be sent (the
 *	size rule, ClusterSendCheckSize), with an id as long as the one it
 *	will get.
 *
 * Results:
 *	QueryPayload: a new dict with a zero reference count.
 *	ClusterQueryCheckSize: TCL_OK, or TCL_ERROR with {CLUSTER SEND
 *	TOO_LARGE} in interp.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
QueryPayload(
    Cluster *clusterPtr,	/* Cluster asking. */
    int channel,		/* -channel. */
    Tcl_Obj *idObj,		/* The query's id. */
    Tcl_Obj *queryObj,		/* What to ask. */
    Tcl_Obj *targetsObj)	/* Service names. */
{
    Tcl_Obj *payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_QUERY);

    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_CHANNEL),
	    Tcl_NewIntObj(channel));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
	    idObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
	    queryObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(1));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_FILTER),
	    ClusterTargetSids(clusterPtr, targetsObj));
    return payloadObj;
}

int
ClusterQueryCheckSize(
    Cluster *clusterPtr,	/* Cluster asking. */
    Tcl_Obj *targetsObj,	/* Service names. */
    const ClusterQuerySpec *specPtr,	/* What to ask, and how. */
    Tcl_Interp *interp)		/* For errors. */
{
    Tcl_Obj *idObj = specPtr->idObj, *payloadObj;
    int code;

    if (idObj == NULL) {
	idObj = NewQueryId(
		ClusterGetInterpData(clusterPtr->interp)->nextQuery + 1,
		clusterPtr->sid);
    }
    Tcl_IncrRefCount(idObj);
    payloadObj = QueryPayload(clusterPtr, specPtr->channel, idObj,
	    specPtr->queryObj, targetsObj);
    Tcl_IncrRefCount(payloadObj);
    code = ClusterSendCheckSize(clusterPtr, targetsObj, payloadObj,
	    specPtr->broadcast, specPtr->protocolsObj, interp);
    Tcl_DecrRefCount(payloadObj);
    Tcl_DecrRefCount(idObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * SendQuery --
 *
 *	Send the query payload (QueryPayload) to each target, or as one
 *	filtered multicast with -broadcast 1.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Packets; fills remainingObj.
 *
 *----------------------------------------------------------------------
 */

static void
SendQuery(
    ClusterQuery *queryPtr,	/* New query. */
    Tcl_Obj *targetsObj,	/* Service names. */
    int broadcast,		/* -broadcast, or -1. */
    Tcl_Obj *protocolsObj)	/* -protocols, or NULL. */
{
    Cluster *clusterPtr = queryPtr->clusterPtr;
    Tcl_Obj *payloadObj, **names;
    int numNames, i, used;

    payloadObj = QueryPayload(clusterPtr, queryPtr->channel,
	    queryPtr->idObj, queryPtr->queryObj, targetsObj);
    Tcl_IncrRefCount(payloadObj);

    Tcl_ListObjGetElements(NULL, targetsObj, &numNames, &names);
    for (i = 0; i < numNames; i++) {
	ClusterService *servicePtr = ClusterServiceFind(clusterPtr,
		names[i]);

	if (servicePtr != NULL) {
	    Tcl_DictObjPut(NULL, queryPtr->remainingObj, servicePtr->sidObj,
		    servicePtr->nameObj);
	    servicePtr->stats.queriesSent++;
	}
    }
    if (broadcast == 1) {
	ClusterBroadcast(clusterPtr, payloadObj, NULL, &used);
    } else {
	for (i = 0; i < numNames; i++) {
	    ClusterService *servicePtr;

	    if (ClusterIsDeleted(clusterPtr)
		    || (queryPtr->flags & QUERY_DELETED)) {
		break;
	    }
	    servicePtr = ClusterServiceFind(clusterPtr, names[i]);
	    if (servicePtr != NULL) {
		ClusterSendToService(clusterPtr, servicePtr, payloadObj,
			protocolsObj, broadcast != 0, NULL, &used);
	    }
	}
    }
    Tcl_DecrRefCount(payloadObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryResponse --
 *
 *	A response (type 5) arrived: hand it to the query whose id is its
 *	ruid, if that query still lives and still waits for that service:
 *	one that was sent the query and has not answered it yet. Any other
 *	response is counted and ignored.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The `response` or `error` event; `done` after the last answer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterQueryResponse(
    Cluster *clusterPtr,	/* Cluster that asked. */
    ClusterService *servicePtr,	/* Responder. */
    Tcl_Obj *payloadObj)	/* The response. */
{
    ClusterQuery *queryPtr;
    Tcl_Obj *ruidObj, *errorObj, *nameObj;
    int remaining;

    if (Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
	    &ruidObj) != TCL_OK || ruidObj == NULL
	    || (queryPtr = FindQuery(clusterPtr, Tcl_GetString(ruidObj)))
		== NULL) {
	clusterPtr->stats.responsesRefused++;
	return;
    }
    Tcl_DictObjGet(NULL, queryPtr->remainingObj, servicePtr->sidObj,
	    &nameObj);
    if (nameObj == NULL) {
	clusterPtr->stats.responsesRefused++;
	return;			/* Answered already, or never asked. */
    }
    if (Tcl_IsShared(queryPtr->remainingObj)) {
	ClusterSetObj(&queryPtr->remainingObj,
		Tcl_DuplicateObj(queryPtr->remainingObj));
    }
    Tcl_DictObjRemove(NULL, queryPtr->remainingObj, servicePtr->sidObj);
    clusterPtr->stats.queriesAnswered++;
    ClusterSetObj(&queryPtr->payloadObj, payloadObj);
    ClusterSetObj(&queryPtr->serviceObj, servicePtr->nameObj);
    if (Tcl_IsShared(queryPtr->payloadsObj)) {
	ClusterSetObj(&queryPtr->payloadsObj,
		Tcl_DuplicateObj(queryPtr->payloadsObj));
    }
    Tcl_DictObjPut(NULL, queryPtr->payloadsObj, servicePtr->nameObj,
	    payloadObj);
    Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_ERROR),
	    &errorObj);
    if (errorObj != NULL) {
	servicePtr->stats.errors++;
    } else {
	servicePtr->stats.answers++;
    }

    Tcl_Preserve(queryPtr);
    EnsureStarted(queryPtr);
    if (Notify(queryPtr, errorObj != NULL ? "error" : "response")
	    == TCL_BREAK) {
	ClusterQueryFinish(queryPtr, 0);
    } else if (!(queryPtr->flags & QUERY_DELETED)) {
	Tcl_DictObjSize(NULL, queryPtr->remainingObj, &remaining);
	if (remaining == 0) {
	    ClusterQueryFinish(queryPtr, 0);
	}
    }
    Tcl_Release(queryPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * Notify --
 *
 *	Call the query's command at global level as {*}$cmd [list $event
 *	$query]. With -collect, the command's result for a response or
 *	error is kept. An error goes to bgerror and the query goes on.
 *
 * Results:
 *	TCL_BREAK when the command returned break, else TCL_OK.
 *
 * Side effects:
 *	Whatever the command does, which may destroy the query or cluster.
 *
 *----------------------------------------------------------------------
 */

static int
Notify(
    ClusterQuery *queryPtr,	/* Query (preserved by the caller). */
    const char *event)		/* Event name. */
{
    Tcl_Obj *argObj[2], *wordObj, *resultObj = NULL;
    int code, keep;

    if ((queryPtr->flags & QUERY_DONE) && strcmp(event, "done") != 0) {
	return TCL_OK;
    }
    keep = (queryPtr->flags & QUERY_COLLECT) && queryPtr->serviceObj
	    && (strcmp(event, "response") == 0 || strcmp(event, "error") == 0);
    argObj[0] = Tcl_NewStringObj(event, -1);
    argObj[1] = queryPtr->nameObj;
    wordObj = Tcl_NewListObj(2, argObj);
    Tcl_IncrRefCount(wordObj);
    code = ClusterHookCall(queryPtr->clusterPtr, queryPtr->commandObj, 1,
	    &wordObj, "cluster query %s, event \"%s\"",
	    Tcl_GetString(queryPtr->nameObj), event,
	    keep ? &resultObj : NULL);
    if (resultObj != NULL && !(queryPtr->flags & QUERY_DELETED)) {
	Tcl_Obj *entry[4];

	entry[0] = Tcl_NewStringObj("event", -1);
	entry[1] = argObj[0];		/* Held by wordObj. */
	entry[2] = Tcl_NewStringObj("result", -1);
	entry[3] = resultObj;
	if (Tcl_IsShared(queryPtr->resultsObj)) {
	    ClusterSetObj(&queryPtr->resultsObj,
		    Tcl_DuplicateObj(queryPtr->resultsObj));
	}
	Tcl_DictObjPut(NULL, queryPtr->resultsObj, queryPtr->serviceObj,
		Tcl_NewListObj(4, entry));
    }
    if (resultObj != NULL) {
	Tcl_DecrRefCount(resultObj);
    }
    Tcl_DecrRefCount(wordObj);
    return code == TCL_BREAK ? TCL_BREAK : TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryFinish --
 *
 *	End a query: deliver `start` if it is still due, then `done`
 *	(once), then delete its command unless it is kept (-keep 1) and
 *	not being destroyed. The results stay readable from inside the
 *	`done` event, and after it while the object is kept.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The events; the query object may go away.
 *
 *----------------------------------------------------------------------
 */

void
ClusterQueryFinish(
    ClusterQuery *queryPtr,	/* Query to end. */
    int destroy)		/* Delete its command even if kept. */
{
    Cluster *clusterPtr = queryPtr->clusterPtr;

    /*
     * `done` may destroy the query and the cluster: hold both.
     */

    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(queryPtr);
    if (queryPtr->timer != NULL) {
	Tcl_DeleteTimerHandler(queryPtr->timer);
	queryPtr->timer = NULL;
    }
    if (!(queryPtr->flags & QUERY_DONE)) {
	EnsureStarted(queryPtr);
    }
    if (!(queryPtr->flags & QUERY_DONE)) {
	queryPtr->flags |= QUERY_DONE;	/* Before: `done` may destroy it. */
	ClusterSetObj(&queryPtr->payloadObj, NULL);
	ClusterSetObj(&queryPtr->serviceObj, NULL);
	Notify(queryPtr, "done");
    }
    if (destroy || !(queryPtr->flags & QUERY_KEEP)) {
	clusterPtr->faceProcsPtr->queryDeletedProc(queryPtr);
    }
    Tcl_Release(queryPtr);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * EnsureStarted, SoonProc --
 *
 *	`start` comes from the event loop (SoonProc, a zero timer set when
 *	the query is sent), and always before any other event: whatever
 *	comes first delivers it (EnsureStarted). SoonProc also ends a
 *	query that waits for nobody (sent to no service, or replaced by a
 *	new query with its id), so that its `done` too comes from the
 *	event loop.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The `start` event; SoonProc may deliver `done`.
 *
 *----------------------------------------------------------------------
 */

static void
EnsureStarted(
    ClusterQuery *queryPtr)	/* Query (preserved by the caller). */
{
    if (queryPtr->soonTimer != NULL && !(queryPtr->flags & QUERY_ENDED)) {
	Tcl_DeleteTimerHandler(queryPtr->soonTimer);
	queryPtr->soonTimer = NULL;
    }
    if (!(queryPtr->flags & (QUERY_STARTED | QUERY_DELETED))) {
	queryPtr->flags |= QUERY_STARTED;
	Notify(queryPtr, "start");
    }
}

static void
SoonProc(
    ClientData clientData)	/* The ClusterQuery. */
{
    ClusterQuery *queryPtr = clientData;
    int remaining;

    queryPtr->soonTimer = NULL;
    Tcl_Preserve(queryPtr);
    EnsureStarted(queryPtr);
    if (!(queryPtr->flags & (QUERY_DELETED | QUERY_DONE))) {
	Tcl_DictObjSize(NULL, queryPtr->remainingObj, &remaining);
	if (remaining == 0 || (queryPtr->flags & QUERY_ENDED)) {
	    ClusterQueryFinish(queryPtr, 0);
	}
    }
    Tcl_Release(queryPtr);
}

static void
TimeoutProc(
    ClientData clientData)	/* The ClusterQuery. */
{
    ClusterQuery *queryPtr = clientData;
    Cluster *clusterPtr = queryPtr->clusterPtr;
    Tcl_Obj *silentObj = queryPtr->remainingObj;

    queryPtr->timer = NULL;
    clusterPtr->stats.queriesTimedOut++;
    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(queryPtr);
    Tcl_IncrRefCount(silentObj);
    ClusterSetObj(&queryPtr->payloadObj, NULL);
    ClusterSetObj(&queryPtr->serviceObj, NULL);
    EnsureStarted(queryPtr);
    Notify(queryPtr, "timeout");
    if (!(queryPtr->flags & QUERY_DELETED)) {
	ClusterQueryFinish(queryPtr, 0);
    }
    UnreachableAll(clusterPtr, silentObj);
    Tcl_DecrRefCount(silentObj);
    Tcl_Release(queryPtr);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * UnreachableAll --
 *
 *	A query timed out: each service that did not answer, and that we
 *	still know, was not reached (ClusterUnreachable), which probes it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Probes, suspicions, pings; send hooks may do anything.
 *
 *----------------------------------------------------------------------
 */

static void
UnreachableAll(
    Cluster *clusterPtr,	/* Cluster that asked (preserved). */
    Tcl_Obj *silentObj)		/* Dict: sid -> service name. */
{
    Tcl_Obj *sidsObj = Tcl_NewListObj(0, NULL), *sidObj, *nameObj, **sids;
    Tcl_DictSearch search;
    int numSids, i, done;

    /*
     * The sids are copied first: probes run send hooks, which could
     * change what the dict's internal form is.
     */

    Tcl_IncrRefCount(sidsObj);
    if (Tcl_DictObjFirst(NULL, silentObj, &search, &sidObj, &nameObj,
	    &done) == TCL_OK) {
	for (; !done; Tcl_DictObjNext(&search, &sidObj, &nameObj, &done)) {
	    Tcl_ListObjAppendElement(NULL, sidsObj, sidObj);
	}
	Tcl_DictObjDone(&search);
    }
    Tcl_ListObjGetElements(NULL, sidsObj, &numSids, &sids);
    for (i = 0; i < numSids && !ClusterIsDeleted(clusterPtr); i++) {
	Tcl_HashEntry *entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
		Tcl_GetString(sids[i]));

	if (entryPtr != NULL) {
	    ClusterService *servicePtr = Tcl_GetHashValue(entryPtr);

	    servicePtr->stats.timeouts++;
	    ClusterUnreachable(servicePtr);
	}
    }
    Tcl_DecrRefCount(sidsObj);
}

/*
 *----------------------------------------------------------------------
 *
 * FindQuery, ClusterQueriesDeleteAll --
 *
 *	Find a live query by id (one still waiting for answers); end every
 *	query of a cluster that is being destroyed (each still gets its
 *	`done`, and kept ones lose their object too).
 *
 * Results:
 *	FindQuery: the query, or NULL.
 *
 * Side effects:
 *	ClusterQueriesDeleteAll runs `done` callbacks.
 *
 *----------------------------------------------------------------------
 */

static ClusterQuery *
FindQuery(
    Cluster *clusterPtr,	/* Cluster that asked. */
    const char *id)		/* Query id. */
{
    ClusterQuery *queryPtr;

    for (queryPtr = clusterPtr->firstQuery; queryPtr != NULL;
	    queryPtr = queryPtr->nextPtr) {
	if (!(queryPtr->flags & (QUERY_DELETED | QUERY_DONE | QUERY_ENDED))
		&& strcmp(Tcl_GetString(queryPtr->idObj), id) == 0) {
	    return queryPtr;
	}
    }
    return NULL;
}

void
ClusterQueriesDeleteAll(
    Cluster *clusterPtr)	/* Cluster being destroyed. */
{
    ClusterQuery *queryPtr;

    /*
     * Unlinked first: a query whose command is being deleted (its delete
     * proc runs `done`, which may destroy the cluster) is unlinked only
     * when that returns, and would be found here again and again.
     */

    while ((queryPtr = clusterPtr->firstQuery) != NULL) {
	clusterPtr->firstQuery = queryPtr->nextPtr;
	queryPtr->nextPtr = NULL;
	ClusterQueryFinish(queryPtr, 1);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryForget, FreeQuery --
 *
 *	The query's command is gone (finished, `destroy`, rename, interp
 *	deletion; the face has delivered `done` if it had not been): unlink
 *	the query and free it when released.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The query is no longer found by its id; its timer is cancelled.
 *
 *----------------------------------------------------------------------
 */

void
ClusterQueryForget(
    ClusterQuery *queryPtr)	/* Query whose command is gone. */
{
    ClusterQuery **linkPtr = &queryPtr->clusterPtr->firstQuery;

    queryPtr->flags |= QUERY_DELETED;
    if (queryPtr->timer != NULL) {
	Tcl_DeleteTimerHandler(queryPtr->timer);
	queryPtr->timer = NULL;
    }
    if (queryPtr->soonTimer != NULL) {
	Tcl_DeleteTimerHandler(queryPtr->soonTimer);
	queryPtr->soonTimer = NULL;
    }
    while (*linkPtr != NULL && *linkPtr != queryPtr) {
	linkPtr = &(*linkPtr)->nextPtr;
    }
    if (*linkPtr == queryPtr) {
	*linkPtr = queryPtr->nextPtr;
    }
    Tcl_EventuallyFree(queryPtr, FreeQuery);
}

static void
FreeQuery(
    char *blockPtr)		/* The ClusterQuery. */
{
    ClusterQuery *queryPtr = (ClusterQuery *) blockPtr;
    Tcl_Obj **slots[] = {
	&queryPtr->nameObj, &queryPtr->idObj, &queryPtr->queryObj,
	&queryPtr->commandObj, &queryPtr->remainingObj,
	&queryPtr->resultsObj, &queryPtr->payloadsObj, &queryPtr->payloadObj,
	&queryPtr->serviceObj
    };
    size_t i;

    for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
	ClusterSetObj(slots[i], NULL);
    }
    ckfree(queryPtr);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
