/*
 * clusterCmdDefer.c --
 *
 *	`$cluster defer` and `$cluster answer`: a `query` hook that cannot
 *	answer at once takes a token, and the answer is given later with
 *	it (clusterCoreDefer.c keeps the query meanwhile).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stdio.h>
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * ClusterDeferCmd --
 *
 *	$cluster defer
 *
 *	In a `query` hook: the answer to this query will be given later,
 *	with `$cluster answer`; whatever the hook returns is not sent.
 *
 * Results:
 *	The token, `deferN`; an error {CLUSTER DEFER NO_QUERY} outside a
 *	query hook, {CLUSTER DEFER FULL} when -maxdeferred answers wait.
 *
 * Side effects:
 *	The query is kept until answered or -deferwait passes.
 *
 *----------------------------------------------------------------------
 */

int
ClusterDeferCmd(
    Cluster *clusterPtr,	/* The cluster. */
    Tcl_Interp *interp,		/* For the result. */
    int objc,			/* Words after "defer": none. */
    Tcl_Obj *const objv[])	/* Unused. */
{
    unsigned long id;

    (void) objc;
    (void) objv;
    switch (ClusterDefer(clusterPtr, &id)) {
    case CLUSTER_DEFER_NO_QUERY:
	return ClusterError(interp, "DEFER", "NO_QUERY", "no query to defer:"
		" call \"defer\" in a query hook, while it runs");
    case CLUSTER_DEFER_FULL:
	return ClusterError(interp, "DEFER", "FULL", "%d answers are"
		" deferred already (-maxdeferred): answer some first, or"
		" join with a larger -maxdeferred",
		clusterPtr->config.maxDeferred);
    case CLUSTER_DEFER_OK:
	break;
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("defer%lu", id));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAnswerCmd --
 *
 *	$cluster answer token ?-error? value
 *
 *	Give the answer deferred under token: value as the answer's data,
 *	or with -error as its error message.
 *
 * Results:
 *	The protocol the answer was handed to, or an empty string when it
 *	could not go out (the asker is gone, a send hook refused it). An
 *	error {CLUSTER ANSWER UNKNOWN token} for a token that was answered
 *	already, expired, or never given.
 *
 * Side effects:
 *	Send hooks; a packet.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAnswerCmd(
    Cluster *clusterPtr,	/* The cluster. */
    Tcl_Interp *interp,		/* For the result. */
    int objc,			/* Words after "answer". */
    Tcl_Obj *const objv[])	/* token ?-error? value */
{
    const char *token = Tcl_GetString(objv[0]);
    unsigned long id = 0;
    int isError = 0, used, found;
    char tail;

    if (objc == 3) {
	if (strcmp(Tcl_GetString(objv[1]), "-error") != 0) {
	    return ClusterError(interp, "INVALID_ARGS",
		    Tcl_GetString(objv[1]), "bad option \"%s\": must be"
		    " -error", Tcl_GetString(objv[1]));
	}
	isError = 1;
    }
    if (sscanf(token, "defer%lu%c", &id, &tail) != 1 || id == 0) {
	return ClusterError(interp, "ANSWER", "UNKNOWN", "bad token \"%s\":"
		" must be a token that \"defer\" returned", token);
    }
    Tcl_Preserve(clusterPtr);
    found = ClusterAnswerDeferred(clusterPtr, id, isError,
	    objv[objc - 1], &used);
    Tcl_Release(clusterPtr);
    if (!found) {
	return ClusterError(interp, "ANSWER", "UNKNOWN", "no deferred"
		" answer \"%s\": it was given already, or expired after"
		" -deferwait (%d ms) and went out as an error", token,
		clusterPtr->config.deferWaitMs);
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(
	    used >= 0 ? clusterProtoNames[used] : "", -1));
    return TCL_OK;
}
