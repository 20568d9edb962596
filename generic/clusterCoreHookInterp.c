/*
 * clusterCoreHookInterp.c --
 *
 *	Where the scripts of a cluster run: the interpreter that joined, or
 *	the child given with `cluster join -interp CHILD`. With a child,
 *	every hook and every query -command runs there, and never in the
 *	interpreter that joined: a safe child (`interp create -safe`) keeps
 *	what a payload makes a hook do away from files, processes and the
 *	application. A child deleted while the cluster lives makes every
 *	script fail, counted as a hook error; nothing falls back to the
 *	interpreter that joined. The face makes the child's aliases of the
 *	cluster's commands (clusterCmdJoin.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookInterp --
 *
 *	The interpreter the scripts of a cluster run in.
 *
 * Results:
 *	The -interp child, or the cluster's own interpreter without one;
 *	NULL when the child has been deleted.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Interp *
ClusterHookInterp(
    Cluster *clusterPtr)	/* Cluster whose script is to run. */
{
    Tcl_Interp *childPtr = clusterPtr->config.hookInterp;

    if (childPtr == NULL) {
	return clusterPtr->interp;
    }
    return Tcl_InterpDeleted(childPtr) ? NULL : childPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookInterpGone --
 *
 *	A script could not run, since the -interp child is gone: count it
 *	as a hook error, and say so where a result is expected (a query's
 *	answer then carries it as its error).
 *
 * Results:
 *	CLUSTER_HOOK_STOP.
 *
 * Side effects:
 *	stats.hookErrors; *resultPtr, when not NULL, gets a new reference
 *	to the message.
 *
 *----------------------------------------------------------------------
 */

ClusterHookResult
ClusterHookInterpGone(
    Cluster *clusterPtr,	/* Cluster whose script could not run. */
    Tcl_Obj **resultPtr)	/* Out: the message, or NULL. */
{
    clusterPtr->stats.hookErrors++;
    if (resultPtr != NULL) {
	*resultPtr = Tcl_ObjPrintf("the hook interpreter \"%s\" of %s was"
		" deleted: no hook runs", Tcl_GetString(
		clusterPtr->config.interpObj),
		Tcl_GetString(clusterPtr->nameObj));
	Tcl_IncrRefCount(*resultPtr);
    }
    return CLUSTER_HOOK_STOP;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
