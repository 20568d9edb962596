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
    "-id", "-broadcast", "-channel", "-protocols", "-keep", NULL
};

enum QueryOption {
    Q_COLLECT, Q_RESOLVE, Q_RESOLVER, Q_QUERY, Q_COMMAND, Q_TIMEOUT, Q_ID,
    Q_BROADCAST, Q_CHANNEL, Q_PROTOCOLS, Q_KEEP
};

static void		QueryDeleteProc(ClientData clientData);
static int		QueryObjCmd(ClientData clientData, Tcl_Interp *interp,
			    int objc, Tcl_Obj *const objv[]);
static int		PayloadField(ClusterQuery *queryPtr,
			    Tcl_Interp *interp, ClusterFieldId id);
static int		SetResultOrEmpty(Tcl_Interp *interp,
			    Tcl_Obj *objPtr);

/*
 * The subcommands of a query object, none of which takes arguments.
 */

typedef int (QuerySubcommand)(ClusterQuery *queryPtr, Tcl_Interp *interp);

static QuerySubcommand QueryChannelCmd, QueryDataCmd, QueryDestroyCmd,
	QueryErrorCmd, QueryPayloadCmd, QueryPayloadsCmd, QueryPropsCmd,
	QueryQueryCmd, QueryRemainingCmd, QueryResultsCmd, QueryServiceCmd;

typedef struct QueryCommand {
    ClusterCmdSpec spec;	/* Name and arguments, for the kit. */
    QuerySubcommand *proc;	/* Its implementation. */
} QueryCommand;

static const QueryCommand queryCommands[] = {
    {{"channel",	0, 0, NULL},	QueryChannelCmd},
    {{"data",		0, 0, NULL},	QueryDataCmd},
    {{"destroy",	0, 0, NULL},	QueryDestroyCmd},
    {{"error",		0, 0, NULL},	QueryErrorCmd},
    {{"payload",	0, 0, NULL},	QueryPayloadCmd},
    {{"payloads",	0, 0, NULL},	QueryPayloadsCmd},
    {{"props",		0, 0, NULL},	QueryPropsCmd},
    {{"query",		0, 0, NULL},	QueryQueryCmd},
    {{"remaining",	0, 0, NULL},	QueryRemainingCmd},
    {{"result",		0, 0, NULL},	QueryDataCmd},
    {{"results",	0, 0, NULL},	QueryResultsCmd},
    {{"service",	0, 0, NULL},	QueryServiceCmd},
    {{NULL,		0, 0, NULL},	NULL}
};

static const ClusterCmdKit queryKit = {
    queryCommands, sizeof(QueryCommand), 1, "subcommand", "subcommand",
    NULL
};

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryObjCmd --
 *
 *	$cluster query ?-collect? -resolve l | -resolver l -query q
 *		-command cmd ?-timeout ms? ?-id id? ?-broadcast b?
 *		?-channel n? ?-protocols l? ?-keep b?
 *
 * Results:
 *	The query object's name, also when nothing resolves (its `done`
 *	then comes from the event loop). Errors {CLUSTER QUERY ...} for
 *	missing options.
 *
 * Side effects:
 *	Packets; a query object, whose events all come from the event
 *	loop.
 *
 *----------------------------------------------------------------------
 */

int
ClusterQueryObjCmd(
    Cluster *clusterPtr,	/* Cluster asking (preserved). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of options and values. */
    Tcl_Obj *const objv[])	/* Options and values. */
{
    Tcl_Obj *targetsObj = Tcl_NewListObj(0, NULL), *nameObj;
    ClusterQuerySpec spec;
    Tcl_Size numTargets;
    int resolved = 0, i, index, code = TCL_OK;

    memset(&spec, 0, sizeof(spec));
    spec.timeoutMs = 30000;
    spec.broadcast = -1;

    Tcl_IncrRefCount(targetsObj);
    for (i = 0; i < objc && code == TCL_OK; i++) {
	if (ClusterCmdGetIndex(interp, objv[i], queryOptions,
		sizeof(char *), "option", &index) != TCL_OK) {
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
		    || (index == Q_TIMEOUT ? spec.timeoutMs
			    : spec.channel) < 0) {
		code = ClusterError(interp, "INVALID_ARGS",
			queryOptions[index], "bad %s \"%s\": must be a"
			" non-negative integer", queryOptions[index],
			Tcl_GetString(objv[i]));
	    }
	    break;
	case Q_BROADCAST:
	case Q_KEEP:
	    if (Tcl_GetBooleanFromObj(NULL, objv[i], index == Q_KEEP
		    ? &spec.keep : &spec.broadcast) != TCL_OK) {
		code = ClusterError(interp, "INVALID_ARGS",
			queryOptions[index], "bad %s \"%s\": must be a"
			" boolean", queryOptions[index],
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
    if (code != TCL_OK) {
	Tcl_DecrRefCount(targetsObj);
	return code;
    }
    Tcl_ListObjLength(NULL, targetsObj, &numTargets);
    if (numTargets > 0 && ClusterQueryCheckSize(clusterPtr, targetsObj,
	    &spec, interp) != TCL_OK) {
	Tcl_DecrRefCount(targetsObj);
	return TCL_ERROR;
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
    ClusterCmdHookAlias(queryPtr->clusterPtr, queryPtr->nameObj, 1);
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
    Cluster *clusterPtr = queryPtr->clusterPtr;

    Tcl_Preserve(clusterPtr);
    if (queryPtr->token != NULL) {
	queryPtr->token = NULL;
	ClusterQueryFinish(queryPtr, 1);
    }
    ClusterCmdHookAlias(clusterPtr, queryPtr->nameObj, 0);
    ClusterQueryForget(queryPtr);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * QueryObjCmd --
 *
 *	$query results | result | data | error | payload | payloads |
 *		service | remaining | query | channel | props | destroy
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Those of the subcommand.
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
    int index;

    if (ClusterCmdLookup(interp, &queryKit, objc, objv, &index) != TCL_OK) {
	return TCL_ERROR;
    }
    return queryCommands[index].proc((ClusterQuery *) clientData, interp);
}

/*
 * SetResultOrEmpty --
 *	The result of a subcommand: the object, or empty for NULL; TCL_OK.
 */

static int
SetResultOrEmpty(
    Tcl_Interp *interp,		/* Current interpreter. */
    Tcl_Obj *objPtr)		/* The result, or NULL. */
{
    if (objPtr != NULL) {
	Tcl_SetObjResult(interp, objPtr);
    } else {
	Tcl_ResetResult(interp);
    }
    return TCL_OK;
}

/*
 * $query results
 *	What -collect kept: the results of the responses so far.
 */

static int
QueryResultsCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    if (!(queryPtr->flags & QUERY_COLLECT)) {
	return ClusterError(interp, "QUERY", "NOT_COLLECTING",
		"query %s keeps no results: start it with -collect",
		Tcl_GetString(queryPtr->nameObj));
    }
    return SetResultOrEmpty(interp, queryPtr->resultsObj);
}

/*
 * $query result | data | error
 *	A field of the payload at hand: its data (result is another name
 *	for it) or its error; empty when there is none.
 */

static int
PayloadField(
    ClusterQuery *queryPtr,	/* Query of interest. */
    Tcl_Interp *interp,		/* Current interpreter. */
    ClusterFieldId id)		/* The field. */
{
    Tcl_Obj *valueObj = NULL;

    if (queryPtr->payloadObj != NULL) {
	Tcl_DictObjGet(NULL, queryPtr->payloadObj, ClusterFieldKey(id),
		&valueObj);
    }
    return SetResultOrEmpty(interp, valueObj);
}

static int
QueryDataCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return PayloadField(queryPtr, interp, CLUSTER_F_DATA);
}

static int
QueryErrorCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return PayloadField(queryPtr, interp, CLUSTER_F_ERROR);
}

/*
 * $query payload | payloads | service | query
 *	The payload at hand, every payload so far, the service that sent the
 *	one at hand, the query sent.
 */

static int
QueryPayloadCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return SetResultOrEmpty(interp, queryPtr->payloadObj);
}

static int
QueryPayloadsCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return SetResultOrEmpty(interp, queryPtr->payloadsObj);
}

static int
QueryServiceCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return SetResultOrEmpty(interp, queryPtr->serviceObj);
}

static int
QueryQueryCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return SetResultOrEmpty(interp, queryPtr->queryObj);
}

/*
 * $query remaining
 *	The services that have not answered yet.
 */

static int
QueryRemainingCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL), *keyObj, *valueObj;
    Tcl_DictSearch search;
    int done;

    Tcl_DictObjFirst(NULL, queryPtr->remainingObj, &search, &keyObj,
	    &valueObj, &done);
    for (; !done; Tcl_DictObjNext(&search, &keyObj, &valueObj, &done)) {
	Tcl_ListObjAppendElement(NULL, listObj, valueObj);
    }
    Tcl_DictObjDone(&search);
    return SetResultOrEmpty(interp, listObj);
}

/*
 * $query channel | props
 *	The channel it was sent on; its id, timeout and whether it collects.
 */

static int
QueryChannelCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    return SetResultOrEmpty(interp, Tcl_NewIntObj(queryPtr->channel));
}

static int
QueryPropsCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    Tcl_Obj *dictObj = Tcl_NewDictObj();

    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("id", -1),
	    queryPtr->idObj);
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("timeout", -1),
	    Tcl_NewIntObj(queryPtr->timeoutMs));
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("collect", -1),
	    Tcl_NewBooleanObj(queryPtr->flags & QUERY_COLLECT));
    return SetResultOrEmpty(interp, dictObj);
}

/*
 * $query destroy
 *	Finish the query now: `done` is delivered, if it has not been, and
 *	the command deleted (also that of a query kept with -keep 1).
 */

static int
QueryDestroyCmd(ClusterQuery *queryPtr, Tcl_Interp *interp)
{
    ClusterQueryFinish(queryPtr, 1);
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
