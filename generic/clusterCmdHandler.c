/*
 * clusterCmdHandler.c --
 *
 *	`$cluster handler` and `$cluster watch`: the channel handlers and
 *	membership watchers of clusterCoreHookHandler.c, for libraries that
 *	must not take the application's hooks.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterHandlerCmd --
 *
 *	$cluster handler			channels that have a handler
 *	$cluster handler channel		its command prefix
 *	$cluster handler channel prefix	register it (empty: remove)
 *
 * Results:
 *	A standard Tcl result; a channel that is not a non-negative
 *	integer is {CLUSTER INVALID_ARGS channel}, reading one without a
 *	handler {CLUSTER HANDLER NONE}.
 *
 * Side effects:
 *	Changes the cluster's handlers.
 *
 *----------------------------------------------------------------------
 */

int
ClusterHandlerCmd(
    Cluster *clusterPtr,	/* The cluster. */
    Tcl_Interp *interp,		/* For the result. */
    int objc,			/* Words after "handler". */
    Tcl_Obj *const objv[])
{
    Tcl_Obj *prefixObj;
    int channel;

    if (objc == 0) {
	Tcl_SetObjResult(interp,
		ClusterHandlerChannels(clusterPtr->handlersPtr));
	return TCL_OK;
    }
    if (Tcl_GetIntFromObj(NULL, objv[0], &channel) != TCL_OK || channel < 0) {
	return ClusterError(interp, "INVALID_ARGS", "channel", "bad channel"
		" \"%s\": must be a non-negative integer",
		Tcl_GetString(objv[0]));
    }
    if (objc == 1) {
	prefixObj = ClusterHandlerGet(clusterPtr->handlersPtr, channel);
	if (prefixObj == NULL) {
	    return ClusterError(interp, "HANDLER", "NONE", "channel %d has no"
		    " handler: [$cluster handler] lists the channels that"
		    " have one", channel);
	}
	Tcl_SetObjResult(interp, prefixObj);
	return TCL_OK;
    }
    if (Tcl_ListObjLength(NULL, objv[1], &objc) != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "handler", "bad handler"
		" \"%s\": must be a command prefix (a list)",
		Tcl_GetString(objv[1]));
    }
    ClusterHandlerSet(clusterPtr->handlersPtr, channel, objv[1]);
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterWatchCmd --
 *
 *	$cluster watch			names of the watchers
 *	$cluster watch name		its command prefix
 *	$cluster watch name prefix	register it (empty: remove)
 *
 * Results:
 *	A standard Tcl result; reading a name without a watcher is
 *	{CLUSTER WATCH NONE}.
 *
 * Side effects:
 *	Changes the cluster's watchers.
 *
 *----------------------------------------------------------------------
 */

int
ClusterWatchCmd(
    Cluster *clusterPtr,	/* The cluster. */
    Tcl_Interp *interp,		/* For the result. */
    int objc,			/* Words after "watch". */
    Tcl_Obj *const objv[])
{
    Tcl_Obj *prefixObj;
    int length;

    if (objc == 0) {
	Tcl_SetObjResult(interp, ClusterWatchNames(clusterPtr->handlersPtr));
	return TCL_OK;
    }
    if (objc == 1) {
	prefixObj = ClusterWatchGet(clusterPtr->handlersPtr, objv[0]);
	if (prefixObj == NULL) {
	    return ClusterError(interp, "WATCH", "NONE", "no watcher named"
		    " \"%s\": [$cluster watch] lists their names",
		    Tcl_GetString(objv[0]));
	}
	Tcl_SetObjResult(interp, prefixObj);
	return TCL_OK;
    }
    if (Tcl_ListObjLength(NULL, objv[1], &length) != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "watch", "bad watcher"
		" \"%s\": must be a command prefix (a list)",
		Tcl_GetString(objv[1]));
    }
    ClusterWatchSet(clusterPtr->handlersPtr, objv[0], objv[1]);
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
