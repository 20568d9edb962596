/*
 * clusterCmdQuery.c --
 *
 *	`$cluster query` and the query object command (doc/protocol.md
 *	section 6.4). The core runs the query (clusterCoreQuery.c) and tells
 *	the face when to make and delete its command.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stdio.h>

static const char *const queryOptions[] = {
    "-collect", "-resolve", "-resolver", "-query", "-command", "-timeout",
    "-id", "-broadcast", "-channel", "-protocols", NULL
};

enum QueryOption {
    Q_COLLECT, Q_RESOLVE, Q_RESOLVER, Q_QUERY, Q_COMMAND, Q_TIMEOUT, Q_ID,
    Q_BROADCAST, Q_CHANNEL, Q_PROTOCOLS
};

static void		QueryDeleteProc(ClientData clientData);
static int		QueryObjCmd(ClientData clientData, Tcl_Interp *interp,
			    int objc, Tcl_Obj *const objv[]);

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
    Tcl_Obj *targetsObj = Tcl_NewListObj(0, NULL), *nameObj;
    ClusterQuerySpec spec;
    int resolved = 0, i, index, numTargets, code = TCL_OK;

    memset(&spec, 0, sizeof(spec));
    spec.timeoutMs = 30000;
    spec.broadcast = -1;

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
	    spec.collect = 1;
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
	    spec.queryObj = objv[i];
	    break;
	case Q_COMMAND:
	    spec.commandObj = objv[i];
	    break;
	case Q_ID:
	    spec.idObj = objv[i];
	    break;
	case Q_PROTOCOLS:
	    spec.protocolsObj = objv[i];
	    break;
	case Q_TIMEOUT:
	case Q_CHANNEL:
	    if (Tcl_GetIntFromObj(NULL, objv[i], index == Q_TIMEOUT
		    ? &spec.timeoutMs : &spec.channel) != TCL_OK
		    || (index == Q_TIMEOUT ? spec.timeoutMs : spec.channel) < 0) {
		code = ClusterError(interp, "INVALID_ARGS",
			queryOptions[index], "bad %s \"%s\": must be a"
			" non-negative integer", queryOptions[index],
			Tcl_GetString(objv[i]));
	    }
	    break;
	case Q_BROADCAST:
	    if (Tcl_GetBooleanFromObj(NULL, objv[i], &spec.broadcast) != TCL_OK) {
		code = ClusterError(interp, "INVALID_ARGS", "-broadcast",
			"bad -broadcast \"%s\": must be a boolean",
			Tcl_GetString(objv[i]));
	    }
	    break;
	case Q_COLLECT:
	    break;
	}
    }
    if (code == TCL_OK && (!resolved || spec.queryObj == NULL
	    || spec.commandObj == NULL)) {
	code = ClusterError(interp, "QUERY", !resolved ? "NO_RESOLVE"
		: spec.queryObj == NULL ? "NO_QUERY" : "NO_COMMAND",
		"query needs %s: $cluster query -resolve services -query"
		" script -command callback", !resolved ? "-resolve or"
		" -resolver" : spec.queryObj == NULL ? "-query" : "-command");
    }
    Tcl_ListObjLength(NULL, targetsObj, &numTargets);
    if (code != TCL_OK || numTargets == 0) {
	if (code == TCL_OK) {
	    Tcl_ResetResult(interp);
	}
	Tcl_DecrRefCount(targetsObj);
	return code;
    }

    nameObj = ClusterQueryStart(clusterPtr, targetsObj, &spec);
    Tcl_DecrRefCount(targetsObj);
    Tcl_SetObjResult(interp, nameObj);
    Tcl_DecrRefCount(nameObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryCommandCreate, ClusterQueryCommandDelete --
 *
 *	The core started a query: give it its object command
 *	::cluster::queryN. The core finished it: delete that command.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A command; its delete proc lets the core forget the query.
 *
 *----------------------------------------------------------------------
 */

void
ClusterQueryCommandCreate(
    ClusterQuery *queryPtr)	/* New query. */
{
    char name[48];

    snprintf(name, sizeof(name), "::cluster::query%lu", queryPtr->serial);
    ClusterSetObj(&queryPtr->nameObj, Tcl_NewStringObj(name, -1));
    queryPtr->token = Tcl_CreateObjCommand(queryPtr->clusterPtr->interp,
	    Tcl_GetString(queryPtr->nameObj), QueryObjCmd, queryPtr,
	    QueryDeleteProc);
}

void
ClusterQueryCommandDelete(
    ClusterQuery *queryPtr)	/* Finished query. */
{
    if (queryPtr->token != NULL) {
	Tcl_Command token = queryPtr->token;

	queryPtr->token = NULL;
	Tcl_DeleteCommandFromToken(queryPtr->clusterPtr->interp, token);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * QueryDeleteProc --
 *
 *	The query command is gone (finished, `destroy`, rename, interp
 *	deletion): deliver `done` if it has not been, and let the core
 *	forget the query.
 *
 *----------------------------------------------------------------------
 */

static void
QueryDeleteProc(
    ClientData clientData)	/* The ClusterQuery. */
{
    ClusterQuery *queryPtr = clientData;

    if (queryPtr->token != NULL) {
	queryPtr->token = NULL;
	ClusterQueryFinish(queryPtr);
    }
    ClusterQueryForget(queryPtr);
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
	ClusterQueryFinish(queryPtr);
	break;
    }
    if (resultObj != NULL) {
	Tcl_SetObjResult(interp, resultObj);
    } else {
	Tcl_ResetResult(interp);
    }
    return TCL_OK;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
