/*
 * clusterCmdJoin.c --
 *
 *	`cluster join`: options parsed (clusterCmdConfig.c), a cluster
 *	created by the core (clusterCore.c), and its object command. The
 *	command's delete proc is the one way a cluster dies, whatever
 *	deleted the command: `destroy`, `rename $c {}` or the interpreter's
 *	deletion.
 *
 *	The core creates no commands: it tells the face of new and removed
 *	services and queries through the table faceProcs, and the face makes
 *	and deletes their commands (clusterCmdService.c, clusterCmdQuery.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

static void		JoinDeleteProc(ClientData clientData);

/*
 * How the core tells the face of the objects it makes and drops.
 */

static const ClusterFaceProcs faceProcs = {
    ClusterServiceCommandCreate, ClusterServiceCommandDelete,
    ClusterQueryCommandCreate, ClusterQueryCommandDelete,
    ClusterServiceFromName
};

/*
 *----------------------------------------------------------------------
 *
 * ClusterJoinObjCmd --
 *
 *	cluster join ?-option value ...?
 *
 *	Join the cluster: validate every option, open the sockets, create
 *	the cluster object command and announce ourselves.
 *
 * Results:
 *	A standard Tcl result: the object command's fully qualified name,
 *	or an error {CLUSTER INVALID_ARGS ...} or {CLUSTER SOCKET ...}.
 *	Nothing stays open after a failed join.
 *
 * Side effects:
 *	Sockets, timers, a command; a discovery broadcast.
 *
 *----------------------------------------------------------------------
 */

int
ClusterJoinObjCmd(
    ClientData clientData,	/* Not used. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* "join" and its options. */
{
    ClusterInterpData *dataPtr = ClusterGetInterpData(interp);
    ClusterConfig config;
    Cluster *clusterPtr;
    Tcl_Obj *nameObj;

    (void) clientData;
    memset(&config, 0, sizeof(config));
    if (ClusterParseConfig(interp, objc - 1, objv + 1, &config) != TCL_OK) {
	ClusterFreeConfig(&config);
	return TCL_ERROR;
    }
    clusterPtr = ClusterCreate(interp, &config, &faceProcs);
    if (clusterPtr == NULL) {
	return TCL_ERROR;
    }
    nameObj = Tcl_ObjPrintf("::cluster::cluster%lu", ++dataPtr->nextCluster);
    clusterPtr->nameObj = nameObj;
    Tcl_IncrRefCount(nameObj);
    clusterPtr->token = Tcl_CreateObjCommand(interp, Tcl_GetString(nameObj),
	    ClusterObjCmd, clusterPtr, JoinDeleteProc);
    ClusterStart(clusterPtr);
    Tcl_SetObjResult(interp, nameObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * JoinDeleteProc --
 *
 *	The cluster's command is gone: the cluster leaves.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	See ClusterDestroy.
 *
 *----------------------------------------------------------------------
 */

static void
JoinDeleteProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;

    clusterPtr->token = NULL;
    ClusterDestroy(clusterPtr);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
