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

static int		HookMyObjCmd(ClientData clientData, Tcl_Interp *interp,
			    int objc, Tcl_Obj *const objv[]);
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
    if (clusterPtr->config.hookInterp != NULL) {
	Tcl_CmdInfo info;

	ClusterCmdHookAlias(clusterPtr, nameObj, 1);
	if (!Tcl_GetCommandInfo(clusterPtr->config.hookInterp,
		"::cluster::hook::my", &info)) {
	    Tcl_CreateObjCommand(clusterPtr->config.hookInterp,
		    "::cluster::hook::my", HookMyObjCmd, NULL, NULL);
	}
    }
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
    ClusterCmdHookAlias(clusterPtr, clusterPtr->nameObj, 0);
    ClusterDestroy(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCmdHookAlias --
 *
 *	With `cluster join -interp CHILD`, hooks run in the child, and the
 *	objects they are handed (the cluster, services, queries) must be
 *	commands there too: make, or remove, the child's alias of one of
 *	them, an alias of the command of the same name in the interpreter
 *	that joined; the cluster's goes through ClusterGateObjCmd, which
 *	keeps keys, hooks, channels, destroy and debug from the child.
 *	Through them a child reaches only the cluster's objects, whose
 *	every script runs in the child again.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A command in the child, unless either interpreter is being
 *	deleted.
 *
 *----------------------------------------------------------------------
 */

void
ClusterCmdHookAlias(
    Cluster *clusterPtr,	/* Cluster of the object. */
    Tcl_Obj *nameObj,		/* The object's command name, or NULL. */
    int create)			/* 1: make the alias; 0: remove it. */
{
    Tcl_Interp *childPtr = clusterPtr->config.hookInterp;
    Tcl_CmdInfo info;
    const char *name;

    if (childPtr == NULL || nameObj == NULL || Tcl_InterpDeleted(childPtr)
	    || Tcl_InterpDeleted(clusterPtr->interp)) {
	return;
    }
    name = Tcl_GetString(nameObj);
    if (create && nameObj == clusterPtr->nameObj) {
	/*
	 * The cluster itself goes through the gate, which keeps some of
	 * its subcommands from the child (ClusterGateObjCmd).
	 */

	if (!Tcl_GetCommandInfo(clusterPtr->interp, CLUSTER_GATE, &info)) {
	    Tcl_CreateObjCommand(clusterPtr->interp, CLUSTER_GATE,
		    ClusterGateObjCmd, NULL, NULL);
	}
	(void) Tcl_CreateAliasObj(childPtr, name, clusterPtr->interp,
		CLUSTER_GATE, 1, &nameObj);
    } else if (create) {
	(void) Tcl_CreateAlias(childPtr, name, clusterPtr->interp, name, 0,
		NULL);
    } else {
	(void) Tcl_DeleteCommand(childPtr, name);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * HookMyObjCmd --
 *
 *	`my subcommand ?arg ...?` in the -interp child: what
 *	::cluster::hook::my of library/cluster.tcl does in the interpreter
 *	that joined, `$service subcommand ...` with the hook's `service`,
 *	there the child's alias of the service command.
 *
 * Results:
 *	The result of the service command; an error {CLUSTER HOOK
 *	NO_SERVICE} in a hook that has no service.
 *
 * Side effects:
 *	Those of the service command.
 *
 *----------------------------------------------------------------------
 */

static int
HookMyObjCmd(
    ClientData clientData,	/* Not used. */
    Tcl_Interp *interp,		/* The child. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* "my" and the service's subcommand. */
{
    Tcl_Obj *serviceObj, **words;
    Tcl_CmdInfo info;
    int code, i;

    (void) clientData;
    serviceObj = Tcl_GetVar2Ex(interp, "service", NULL, 0);
    if (serviceObj == NULL || Tcl_GetCharLength(serviceObj) == 0
	    || !Tcl_GetCommandInfo(interp, Tcl_GetString(serviceObj),
		&info)) {
	return ClusterError(interp, "HOOK", "NO_SERVICE",
		"\"my\" needs a service: this hook has none");
    }
    words = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * objc);
    words[0] = serviceObj;
    for (i = 0; i < objc; i++) {
	if (i > 0) {
	    words[i] = objv[i];
	}
	Tcl_IncrRefCount(words[i]);
    }
    code = info.objProc(info.objClientData, interp, objc, words);
    for (i = 0; i < objc; i++) {
	Tcl_DecrRefCount(words[i]);
    }
    ckfree((char *) words);
    return code;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
