/*
 * clusterCmdHook.c --
 *
 *	`$cluster hook`: register, read back, list and remove hooks, with
 *	the path checked against the hook points of doc/cluster.n (HOOKS),
 *	so that a mistyped path or a forgotten body is an error instead of a
 *	hook that never runs.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stdio.h>
#include <string.h>

/*
 * The hook points: their words, "N" standing for a channel number.
 */

static const char *const hookPaths[][3] = {
    {"evaluate", "receive", NULL},
    {"channel", "N", "receive"},
    {"evaluate", "service", NULL},
    {"service", "validate", NULL},
    {"service", "discovered", NULL},
    {"service", "lost", NULL},
    {"tags", "changed", NULL},
    {"event", NULL, NULL},
    {"query", NULL, NULL},
    {"broadcast", NULL, NULL},
    {"channel", "N", "send"}
};

#define NUM_HOOK_PATHS (int) (sizeof(hookPaths) / sizeof(hookPaths[0]))

#define HOOK_PATHS_TEXT \
    "evaluate receive, channel N receive, evaluate service, service" \
    " validate, service discovered, service lost, tags changed, event," \
    " query, broadcast or channel N send"

/*
 *----------------------------------------------------------------------
 *
 * IsHookPath --
 *
 *	Tell whether words are one of the hook points; a channel number is
 *	a non-negative integer.
 *
 * Results:
 *	1 if they are, else 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
IsHookPath(
    int objc,			/* Number of words. */
    Tcl_Obj *const objv[])	/* The words. */
{
    int i, j, channel;

    for (i = 0; i < NUM_HOOK_PATHS; i++) {
	for (j = 0; j < objc && j < 3 && hookPaths[i][j] != NULL; j++) {
	    const char *want = hookPaths[i][j];

	    if (strcmp(want, "N") == 0) {
		char text[TCL_INTEGER_SPACE];

		if (Tcl_GetIntFromObj(NULL, objv[j], &channel) != TCL_OK
			|| channel < 0) {
		    break;
		}
		snprintf(text, sizeof(text), "%d", channel);
		if (strcmp(text, Tcl_GetString(objv[j])) != 0) {
		    break;		/* Not as the hooks spell it. */
		}
	    } else if (strcmp(want, Tcl_GetString(objv[j])) != 0) {
		break;
	    }
	}
	if (j == objc && (j == 3 || hookPaths[i][j] == NULL)) {
	    return 1;
	}
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookObjCmd --
 *
 *	$cluster hook			the paths that have a hook
 *	$cluster hook path ...		the body registered under the path
 *	$cluster hook path ... body	register the body (empty: remove)
 *
 *	The words are a path when they name a hook point exactly; else
 *	all but the last must, and the last is the body.
 *
 * Results:
 *	A standard Tcl result. Reading a path with no hook, or words that
 *	are no hook point, is an error {CLUSTER HOOK NONE} or
 *	{CLUSTER HOOK PATH}.
 *
 * Side effects:
 *	Changes the cluster's hook table.
 *
 *----------------------------------------------------------------------
 */

int
ClusterHookObjCmd(
    Cluster *clusterPtr,	/* Cluster of the hooks. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Words after "hook". */
    Tcl_Obj *const objv[])
{
    Tcl_Obj *pathObj, *bodyObj;
    int isRead = 0;

    if (objc == 0) {
	Tcl_SetObjResult(interp, ClusterHookPaths(clusterPtr->hooksPtr));
	return TCL_OK;
    }
    if (IsHookPath(objc, objv)) {
	isRead = 1;
    } else if (!IsHookPath(objc - 1, objv)) {
	pathObj = Tcl_NewListObj(objc - (objc > 1), objv);
	Tcl_IncrRefCount(pathObj);
	ClusterError(interp, "HOOK", "PATH", "unknown hook path \"%s\":"
		" must be " HOOK_PATHS_TEXT " (N a channel number),"
		" followed by the body", Tcl_GetString(pathObj));
	Tcl_DecrRefCount(pathObj);
	return TCL_ERROR;
    }
    pathObj = Tcl_NewListObj(objc - !isRead, objv);
    Tcl_IncrRefCount(pathObj);
    if (isRead) {
	bodyObj = ClusterHookBody(clusterPtr->hooksPtr,
		Tcl_GetString(pathObj));
	if (bodyObj == NULL) {
	    ClusterError(interp, "HOOK", "NONE", "no hook at \"%s\": to"
		    " register one give its body, [$cluster hook %s body];"
		    " [$cluster hook] lists the registered paths",
		    Tcl_GetString(pathObj), Tcl_GetString(pathObj));
	    Tcl_DecrRefCount(pathObj);
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, bodyObj);
    } else {
	ClusterHookSet(clusterPtr->hooksPtr, pathObj, objv[objc - 1]);
	Tcl_ResetResult(interp);
    }
    Tcl_DecrRefCount(pathObj);
    return TCL_OK;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
