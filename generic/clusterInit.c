/*
 * clusterInit.c --
 *
 *	Package initialisation: stubs, the ::cluster namespace and its
 *	commands, and the package's provision.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

/*
 * `cluster join ...` and `cluster packet ...`: the ::cluster command is an
 * ensemble over the namespace's commands. A safe interpreter gets only
 * the codec: joining opens sockets, which is for its master to allow.
 */

static int		InitCommands(Tcl_Interp *interp, int withNetwork);

/*
 *----------------------------------------------------------------------
 *
 * Cluster_Init, Cluster_SafeInit --
 *
 *	Initialise the extension in an interpreter; in a safe one, only its
 *	codec (`cluster packet`).
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Creates the ::cluster namespace and its commands and provides the
 *	package.
 *
 *----------------------------------------------------------------------
 */

int
Cluster_Init(
    Tcl_Interp *interp)		/* Interpreter to initialise. */
{
    return InitCommands(interp, 1);
}

int
Cluster_SafeInit(
    Tcl_Interp *interp)		/* Interpreter to initialise. */
{
    return InitCommands(interp, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * InitCommands --
 *
 *	The work of Cluster_Init and Cluster_SafeInit.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Commands in ::cluster; the package is provided.
 *
 *----------------------------------------------------------------------
 */

static int
InitCommands(
    Tcl_Interp *interp,		/* Interpreter to initialise. */
    int withNetwork)		/* Also `cluster join`. */
{
    Tcl_Namespace *nsPtr;
    Tcl_Command ensemble;
    Tcl_Obj *subcommandsObj;

    if (Tcl_InitStubs(interp, "8.6-", 0) == NULL) {
	return TCL_ERROR;
    }
    if (ClusterSealInit() != 0) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"can't load cluster: libsodium failed to initialise", -1));
	Tcl_SetErrorCode(interp, "CLUSTER", "INIT", "SODIUM", NULL);
	return TCL_ERROR;
    }
    nsPtr = Tcl_CreateNamespace(interp, "::cluster", NULL, NULL);
    if (nsPtr == NULL || ClusterPacketInit(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    subcommandsObj = Tcl_NewListObj(0, NULL);
    if (withNetwork) {
	Tcl_CreateObjCommand(interp, "::cluster::join", ClusterJoinObjCmd,
		NULL, NULL);
	Tcl_ListObjAppendElement(NULL, subcommandsObj,
		Tcl_NewStringObj("join", -1));
    }
    Tcl_ListObjAppendElement(NULL, subcommandsObj,
	    Tcl_NewStringObj("packet", -1));
    ensemble = Tcl_CreateEnsemble(interp, "::cluster", nsPtr,
	    TCL_ENSEMBLE_PREFIX);
    if (ensemble == NULL || Tcl_SetEnsembleSubcommandList(interp, ensemble,
	    subcommandsObj) != TCL_OK) {
	Tcl_DecrRefCount(subcommandsObj);
	return TCL_ERROR;
    }
    return Tcl_PkgProvide(interp, PACKAGE_NAME, PACKAGE_VERSION);
}
