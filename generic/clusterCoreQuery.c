/*
 * clusterCoreQuery.c --
 *
 *	Queries (doc/protocol.md section 6.4): a query object sends one type-4 payload
 *	to each resolved service, collects their type-5 responses and calls
 *	the application's command with start, response, error, timeout and
 *	finally done, exactly once. The queries of others are answered in
 *	clusterCoreAnswer.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"

#define QUERY_DELETED	(1<<0)	/* Its command is gone. */
#define QUERY_DONE	(1<<1)	/* `done` has been delivered. */
#define QUERY_COLLECT	(1<<2)	/* -collect was given. */

struct ClusterQuery {
    Cluster *clusterPtr;	/* Cluster that asked. */
    Tcl_Command token;		/* Its object command. */
    Tcl_Obj *nameObj;		/* Fully qualified command name. */
    int flags;			/* QUERY_* bits. */
    ClusterQuery *nextPtr;	/* In clusterPtr->firstQuery. */
    Tcl_Obj *idObj;		/* Query id: the ruid of its payloads. */
    Tcl_Obj *queryObj;		/* What was asked. */
    Tcl_Obj *commandObj;	/* Called with {event query}. */
    int channel;		/* Channel it was sent on. */
    int timeoutMs;		/* -timeout. */
    Tcl_Obj *remainingObj;	/* Dict: sid -> service name, not yet
				 * answered. */
    Tcl_Obj *resultsObj;	/* Dict: service -> {event E result R}. */
    Tcl_Obj *payloadsObj;	/* Dict: service -> response payload. */
    Tcl_Obj *payloadObj;	/* Current response payload, or NULL. */
    Tcl_Obj *serviceObj;	/* Current responder, or NULL. */
    Tcl_TimerToken timer;	/* Timeout. */
};

static const char *const queryOptions[] = {
    "-collect", "-resolve", "-resolver", "-query", "-command", "-timeout",
    "-id", "-broadcast", "-channel", "-protocols", NULL
};

enum QueryOption {
    Q_COLLECT, Q_RESOLVE, Q_RESOLVER, Q_QUERY, Q_COMMAND, Q_TIMEOUT, Q_ID,
    Q_BROADCAST, Q_CHANNEL, Q_PROTOCOLS
};

static int		EvalPrefix(Tcl_Interp *interp, Tcl_Obj *prefixObj,
			    Tcl_Obj *argObj);
static int		Notify(ClusterQuery *queryPtr, const char *event);
static void		Finish(ClusterQuery *queryPtr);
static void		QueryDeleteProc(ClientData clientData);
static void		FreeQuery(char *blockPtr);
static int		QueryObjCmd(ClientData clientData, Tcl_Interp *interp,
			    int objc, Tcl_Obj *const objv[]);
static void		TimeoutProc(ClientData clientData);
static ClusterQuery *	FindQuery(Cluster *clusterPtr, const char *id);
static void		SendQuery(ClusterQuery *queryPtr, Tcl_Obj *targetsObj,
			    int broadcast, Tcl_Obj *protocolsObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryObjCmd --
 *
 *	$cluster query ?-collect? -resolve l | -resolver l -query q
 *		-command cmd ?-timeout ms? ?-id id? ?-broadcast b?
 *		?-channel n? ?-protocols l?
 *
 * Results:
 *	The query object's name, or empty when nothing resolves. Errors
 *	{CLUSTER QUERY ...} for missing options.
 *
 * Side effects:
 *	Packets; a query object; the `start` event.
 *
 *----------------------------------------------------------------------
 */

int
ClusterQueryObjCmd(
    Cluster *clusterPtr,	/* Cluster asking (preserved). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Options and values. */
    Tcl_Obj *const objv[])
{
    Tcl_Obj *targetsObj = Tcl_NewListObj(0, NULL), *protocolsObj = NULL;
    Tcl_Obj *queryObj = NULL, *commandObj = NULL, *idObj = NULL;
    ClusterQuery *queryPtr, *oldPtr;
    unsigned long serial;
    char name[64];
    int collect = 0, resolved = 0, timeoutMs = 30000, broadcast = -1;
    int channel = 0, i, index, numTargets, code = TCL_OK;

    Tcl_IncrRefCount(targetsObj);
    for (i = 0; i < objc && code == TCL_OK; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], queryOptions, "option", 0,
		&index) != TCL_OK) {
	    Tcl_SetErrorCode(interp, "CLUSTER", "INVALID_ARGS",
		    Tcl_GetString(objv[i]), (char *) NULL);
	    code = TCL_ERROR;
	    break;
	}
	if (index == Q_COLLECT) {
	    collect = 1;
	    continue;
	}
	if (++i >= objc) {
	    code = ClusterError(interp, "INVALID_ARGS", queryOptions[index],
		    "option \"%s\" needs a value", queryOptions[index]);
	    break;
	}
	switch ((enum QueryOption) index) {
	case Q_RESOLVE:
	case Q_RESOLVER:
	    resolved = 1;
	    code = ClusterAddTargets(clusterPtr, interp,
		    index == Q_RESOLVE ? 1 : 2, objv[i], targetsObj);
	    break;
	case Q_QUERY:
	    queryObj = objv[i];
	    break;
	case Q_COMMAND:
	    commandObj = objv[i];
	    break;
	case Q_ID:
	    idObj = objv[i];
	    break;
	case Q_PROTOCOLS:
	    protocolsObj = objv[i];
	    break;
	case Q_TIMEOUT:
	case Q_CHANNEL:
	    if (Tcl_GetIntFromObj(NULL, objv[i], index == Q_TIMEOUT
		    ? &timeoutMs : &channel) != TCL_OK
		    || (index == Q_TIMEOUT ? timeoutMs : channel) < 0) {
		code = ClusterError(interp, "INVALID_ARGS",
			queryOptions[index], "bad %s \"%s\": must be a"
			" non-negative integer", queryOptions[index],
			Tcl_GetString(objv[i]));
	    }
	    break;
	case Q_BROADCAST:
	    if (Tcl_GetBooleanFromObj(NULL, objv[i], &broadcast) != TCL_OK) {
		code = ClusterError(interp, "INVALID_ARGS", "-broadcast",
			"bad -broadcast \"%s\": must be a boolean",
			Tcl_GetString(objv[i]));
	    }
	    break;
	case Q_COLLECT:
	    break;
	}
    }
    if (code == TCL_OK && (!resolved || queryObj == NULL
	    || commandObj == NULL)) {
	code = ClusterError(interp, "QUERY", !resolved ? "NO_RESOLVE"
		: queryObj == NULL ? "NO_QUERY" : "NO_COMMAND",
		"query needs %s: $cluster query -resolve services -query"
		" script -command callback", !resolved ? "-resolve or"
		" -resolver" : queryObj == NULL ? "-query" : "-command");
    }
    Tcl_ListObjLength(NULL, targetsObj, &numTargets);
    if (code != TCL_OK || numTargets == 0) {
	if (code == TCL_OK) {
	    Tcl_ResetResult(interp);
	}
	Tcl_DecrRefCount(targetsObj);
	return code;
    }

    /*
     * Starting a query with the id of a live one ends the live one.
     */

    if (idObj != NULL
	    && (oldPtr = FindQuery(clusterPtr, Tcl_GetString(idObj))) != NULL) {
	Finish(oldPtr);
    }

    queryPtr = ckalloc(sizeof(ClusterQuery));
    memset(queryPtr, 0, sizeof(ClusterQuery));
    queryPtr->clusterPtr = clusterPtr;
    queryPtr->flags = collect ? QUERY_COLLECT : 0;
    queryPtr->channel = channel;
    queryPtr->timeoutMs = timeoutMs;
    serial = ++ClusterGetInterpData(interp)->nextQuery;
    if (idObj == NULL) {
	snprintf(name, sizeof(name), "q%lu#%s", serial, clusterPtr->sid);
	idObj = Tcl_NewStringObj(name, -1);
    }
    ClusterSetObj(&queryPtr->idObj, idObj);
    ClusterSetObj(&queryPtr->queryObj, queryObj);
    ClusterSetObj(&queryPtr->commandObj, commandObj);
    ClusterSetObj(&queryPtr->remainingObj, Tcl_NewDictObj());
    ClusterSetObj(&queryPtr->resultsObj, Tcl_NewDictObj());
    ClusterSetObj(&queryPtr->payloadsObj, Tcl_NewDictObj());
    snprintf(name, sizeof(name), "::cluster::query%lu", serial);
    ClusterSetObj(&queryPtr->nameObj, Tcl_NewStringObj(name, -1));
    queryPtr->token = Tcl_CreateObjCommand(interp,
	    Tcl_GetString(queryPtr->nameObj), QueryObjCmd, queryPtr,
	    QueryDeleteProc);
    queryPtr->nextPtr = clusterPtr->firstQuery;
    clusterPtr->firstQuery = queryPtr;
    clusterPtr->stats.queriesStarted++;

    Tcl_Preserve(queryPtr);
    SendQuery(queryPtr, targetsObj, broadcast, protocolsObj);
    Tcl_DecrRefCount(targetsObj);
    if (!(queryPtr->flags & QUERY_DELETED)) {
	queryPtr->timer = Tcl_CreateTimerHandler(timeoutMs, TimeoutProc,
		queryPtr);
	Notify(queryPtr, "start");
    }
    Tcl_SetObjResult(interp, queryPtr->nameObj);
    Tcl_Release(queryPtr);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * SendQuery --
 *
 *	Send the query payload (ruid = id, data = query, filter = the sids
 *	of every target, keepalive 1) to each target, or as one filtered
 *	multicast with -broadcast 1.
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

    payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_QUERY);
    Tcl_IncrRefCount(payloadObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_CHANNEL),
	    Tcl_NewIntObj(queryPtr->channel));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
	    queryPtr->idObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
	    queryPtr->queryObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(1));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_FILTER),
	    ClusterTargetSids(clusterPtr, targetsObj));

    Tcl_ListObjGetElements(NULL, targetsObj, &numNames, &names);
    for (i = 0; i < numNames; i++) {
	ClusterService *servicePtr = ClusterServiceFromObj(clusterPtr,
		names[i]);

	if (servicePtr != NULL) {
	    Tcl_DictObjPut(NULL, queryPtr->remainingObj, servicePtr->sidObj,
		    servicePtr->nameObj);
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
	    servicePtr = ClusterServiceFromObj(clusterPtr, names[i]);
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
 *	ruid, if that query still lives and still waits for that service.
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
	return;
    }
    Tcl_DictObjGet(NULL, queryPtr->remainingObj, servicePtr->sidObj,
	    &nameObj);
    if (nameObj == NULL) {
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

    Tcl_Preserve(queryPtr);
    if (Notify(queryPtr, errorObj != NULL ? "error" : "response")
	    == TCL_BREAK) {
	Finish(queryPtr);
    } else if (!(queryPtr->flags & QUERY_DELETED)) {
	Tcl_DictObjSize(NULL, queryPtr->remainingObj, &remaining);
	if (remaining == 0) {
	    Finish(queryPtr);
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
    Tcl_Interp *interp = queryPtr->clusterPtr->interp;
    Tcl_Obj *argObj[2];
    int code, keep;

    if ((queryPtr->flags & QUERY_DONE) && strcmp(event, "done") != 0) {
	return TCL_OK;
    }
    keep = (queryPtr->flags & QUERY_COLLECT) && queryPtr->serviceObj
	    && (strcmp(event, "response") == 0 || strcmp(event, "error") == 0);
    argObj[0] = Tcl_NewStringObj(event, -1);
    Tcl_IncrRefCount(argObj[0]);
    argObj[1] = queryPtr->nameObj;
    Tcl_Preserve(interp);
    code = EvalPrefix(interp, queryPtr->commandObj,
	    Tcl_NewListObj(2, argObj));
    if (code == TCL_ERROR) {
	Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf(
		"\n    (cluster query %s, event \"%s\")",
		Tcl_GetString(queryPtr->nameObj), event));
	Tcl_BackgroundException(interp, code);
	queryPtr->clusterPtr->stats.hookErrors++;
    } else if (keep && !(queryPtr->flags & QUERY_DELETED)) {
	Tcl_Obj *entry[4];

	entry[0] = Tcl_NewStringObj("event", -1);
	entry[1] = argObj[0];
	entry[2] = Tcl_NewStringObj("result", -1);
	entry[3] = Tcl_GetObjResult(interp);
	if (Tcl_IsShared(queryPtr->resultsObj)) {
	    ClusterSetObj(&queryPtr->resultsObj,
		    Tcl_DuplicateObj(queryPtr->resultsObj));
	}
	Tcl_DictObjPut(NULL, queryPtr->resultsObj, queryPtr->serviceObj,
		Tcl_NewListObj(4, entry));
    }
    Tcl_DecrRefCount(argObj[0]);
    Tcl_ResetResult(interp);
    Tcl_Release(interp);
    return code == TCL_BREAK ? TCL_BREAK : TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * EvalPrefix --
 *
 *	Evaluate a command prefix with one more word at global level, as
 *	words (Tcl_EvalObjv) rather than as a list copied and appended to
 *	each time. A prefix that is not a list is evaluated as it is, as a
 *	script (where it then fails).
 *
 * Results:
 *	The completion code; the interp holds the result.
 *
 * Side effects:
 *	Whatever the command does. argObj is released if nothing holds it.
 *
 *----------------------------------------------------------------------
 */

static int
EvalPrefix(
    Tcl_Interp *interp,		/* Where to evaluate. */
    Tcl_Obj *prefixObj,		/* Command prefix (a list). */
    Tcl_Obj *argObj)		/* Word to append. */
{
    Tcl_Obj *small[8], **objv = small, **words;
    int code, numWords, i;

    Tcl_IncrRefCount(argObj);
    if (Tcl_ListObjGetElements(NULL, prefixObj, &numWords, &words)
	    != TCL_OK) {
	code = Tcl_EvalObjEx(interp, prefixObj, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(argObj);
	return code;
    }

    /*
     * The words are copied and held: the command may change the prefix
     * object's internal representation while it runs.
     */

    if (numWords + 1 > (int) (sizeof(small) / sizeof(small[0]))) {
	objv = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (numWords + 1));
    }
    for (i = 0; i < numWords; i++) {
	objv[i] = words[i];
	Tcl_IncrRefCount(objv[i]);
    }
    objv[numWords] = argObj;
    code = Tcl_EvalObjv(interp, numWords + 1, objv, TCL_EVAL_GLOBAL);
    for (i = 0; i <= numWords; i++) {
	Tcl_DecrRefCount(objv[i]);
    }
    if (objv != small) {
	ckfree((char *) objv);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * Finish --
 *
 *	End a query: deliver `done` (once), then delete its command. The
 *	results stay readable from inside the `done` event.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The event; the query object goes away.
 *
 *----------------------------------------------------------------------
 */

static void
Finish(
    ClusterQuery *queryPtr)	/* Query to end. */
{
    Tcl_Preserve(queryPtr);
    if (queryPtr->timer != NULL) {
	Tcl_DeleteTimerHandler(queryPtr->timer);
	queryPtr->timer = NULL;
    }
    if (!(queryPtr->flags & QUERY_DONE)) {
	queryPtr->flags |= QUERY_DONE;	/* Before: `done` may destroy it. */
	ClusterSetObj(&queryPtr->payloadObj, NULL);
	ClusterSetObj(&queryPtr->serviceObj, NULL);
	Notify(queryPtr, "done");
    }
    if (queryPtr->token != NULL) {
	Tcl_Command token = queryPtr->token;

	queryPtr->token = NULL;
	Tcl_DeleteCommandFromToken(queryPtr->clusterPtr->interp, token);
    }
    Tcl_Release(queryPtr);
}

static void
TimeoutProc(
    ClientData clientData)	/* The ClusterQuery. */
{
    ClusterQuery *queryPtr = clientData;

    queryPtr->timer = NULL;
    queryPtr->clusterPtr->stats.queriesTimedOut++;
    Tcl_Preserve(queryPtr);
    ClusterSetObj(&queryPtr->payloadObj, NULL);
    ClusterSetObj(&queryPtr->serviceObj, NULL);
    Notify(queryPtr, "timeout");
    Finish(queryPtr);
    Tcl_Release(queryPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * FindQuery, ClusterQueriesDeleteAll --
 *
 *	Find a live query by id; end every query of a cluster that is being
 *	destroyed (each still gets its `done`).
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
	if (!(queryPtr->flags & QUERY_DELETED)
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
    while (clusterPtr->firstQuery != NULL) {
	Finish(clusterPtr->firstQuery);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * QueryDeleteProc, FreeQuery --
 *
 *	The query command is gone (finished, `destroy`, rename, interp
 *	deletion): unlink it, deliver `done` if it has not been, and free
 *	it when released.
 *
 *----------------------------------------------------------------------
 */

static void
QueryDeleteProc(
    ClientData clientData)	/* The ClusterQuery. */
{
    ClusterQuery *queryPtr = clientData;
    ClusterQuery **linkPtr = &queryPtr->clusterPtr->firstQuery;

    if (queryPtr->token != NULL) {
	queryPtr->token = NULL;
	Finish(queryPtr);
    }
    queryPtr->flags |= QUERY_DELETED;
    if (queryPtr->timer != NULL) {
	Tcl_DeleteTimerHandler(queryPtr->timer);
	queryPtr->timer = NULL;
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
 *----------------------------------------------------------------------
 *
 * QueryObjCmd --
 *
 *	$query results | result | data | error | payload | payloads |
 *		service | remaining | query | channel | props | destroy
 *
 *----------------------------------------------------------------------
 */

static int
QueryObjCmd(
    ClientData clientData,	/* The ClusterQuery. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* Argument objects. */
{
    static const char *const subcommands[] = {
	"channel", "data", "destroy", "error", "payload", "payloads", "props",
	"query", "remaining", "result", "results", "service", NULL
    };
    enum {
	Q_CHANNEL_, Q_DATA, Q_DESTROY, Q_ERROR, Q_PAYLOAD, Q_PAYLOADS,
	Q_PROPS, Q_QUERY_, Q_REMAINING, Q_RESULT, Q_RESULTS, Q_SERVICE
    };
    ClusterQuery *queryPtr = clientData;
    Tcl_Obj *valueObj = NULL, *resultObj = NULL;
    int index;

    if (objc != 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand");
	Tcl_SetErrorCode(interp, "CLUSTER", "INVALID_ARGS", (char *) NULL);
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subcommands, "subcommand", 0,
	    &index) != TCL_OK) {
	Tcl_SetErrorCode(interp, "CLUSTER", "INVALID_ARGS",
		Tcl_GetString(objv[1]), (char *) NULL);
	return TCL_ERROR;
    }
    switch (index) {
    case Q_RESULTS:
	if (!(queryPtr->flags & QUERY_COLLECT)) {
	    return ClusterError(interp, "QUERY", "NOT_COLLECTING",
		    "query %s keeps no results: start it with -collect",
		    Tcl_GetString(queryPtr->nameObj));
	}
	resultObj = queryPtr->resultsObj;
	break;
    case Q_RESULT:
    case Q_DATA:
    case Q_ERROR:
	if (queryPtr->payloadObj != NULL) {
	    Tcl_DictObjGet(NULL, queryPtr->payloadObj, ClusterFieldKey(
		    index == Q_ERROR ? CLUSTER_F_ERROR : CLUSTER_F_DATA),
		    &valueObj);
	}
	resultObj = valueObj;
	break;
    case Q_PAYLOAD:
	resultObj = queryPtr->payloadObj;
	break;
    case Q_PAYLOADS:
	resultObj = queryPtr->payloadsObj;
	break;
    case Q_SERVICE:
	resultObj = queryPtr->serviceObj;
	break;
    case Q_REMAINING: {
	Tcl_DictSearch search;
	Tcl_Obj *keyObj;
	int done;

	resultObj = Tcl_NewListObj(0, NULL);
	Tcl_DictObjFirst(NULL, queryPtr->remainingObj, &search, &keyObj,
		&valueObj, &done);
	for (; !done; Tcl_DictObjNext(&search, &keyObj, &valueObj, &done)) {
	    Tcl_ListObjAppendElement(NULL, resultObj, valueObj);
	}
	Tcl_DictObjDone(&search);
	break;
    }
    case Q_QUERY_:
	resultObj = queryPtr->queryObj;
	break;
    case Q_CHANNEL_:
	resultObj = Tcl_NewIntObj(queryPtr->channel);
	break;
    case Q_PROPS:
	resultObj = Tcl_NewDictObj();
	Tcl_DictObjPut(NULL, resultObj, Tcl_NewStringObj("id", -1),
		queryPtr->idObj);
	Tcl_DictObjPut(NULL, resultObj, Tcl_NewStringObj("timeout", -1),
		Tcl_NewIntObj(queryPtr->timeoutMs));
	Tcl_DictObjPut(NULL, resultObj, Tcl_NewStringObj("collect", -1),
		Tcl_NewBooleanObj(queryPtr->flags & QUERY_COLLECT));
	break;
    case Q_DESTROY:
	Finish(queryPtr);
	break;
    }
    if (resultObj != NULL) {
	Tcl_SetObjResult(interp, resultObj);
    } else {
	Tcl_ResetResult(interp);
    }
    return TCL_OK;
}
