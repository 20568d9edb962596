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
 * `cluster join ...`, `cluster keygen` and `cluster packet ...`: the
 * ::cluster command is an ensemble over the namespace's commands. A safe
 * interpreter gets only the codec: joining opens sockets, which is for
 * its master to allow.
 */

static int		InitCommands(Tcl_Interp *interp, int withNetwork);
static int		UnknownObjCmd(ClientData clientData,
			    Tcl_Interp *interp, int objc,
			    Tcl_Obj *const objv[]);

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
	Tcl_CreateObjCommand(interp, "::cluster::keygen",
		ClusterKeygenObjCmd, NULL, NULL);
	Tcl_ListObjAppendElement(NULL, subcommandsObj,
		Tcl_NewStringObj("keygen", -1));
    }
    Tcl_ListObjAppendElement(NULL, subcommandsObj,
	    Tcl_NewStringObj("packet", -1));
    Tcl_IncrRefCount(subcommandsObj);
    Tcl_CreateObjCommand(interp, "::cluster::Unknown", UnknownObjCmd,
	    NULL, NULL);
    ensemble = Tcl_CreateEnsemble(interp, "::cluster", nsPtr,
	    TCL_ENSEMBLE_PREFIX);
    if (ensemble == NULL || Tcl_SetEnsembleSubcommandList(interp, ensemble,
	    subcommandsObj) != TCL_OK || Tcl_SetEnsembleUnknownHandler(interp,
	    ensemble, Tcl_NewStringObj("::cluster::Unknown", -1)) != TCL_OK) {
	Tcl_DecrRefCount(subcommandsObj);
	return TCL_ERROR;
    }
    Tcl_DecrRefCount(subcommandsObj);
    return Tcl_PkgProvide(interp, PACKAGE_NAME, PACKAGE_VERSION);
}

/*
 *----------------------------------------------------------------------
 *
 * UnknownObjCmd --
 *
 *	::cluster::Unknown ensemble word ?arg ...?: the unknown handler of
 *	the `cluster` ensemble, so that a wrong subcommand is an error of
 *	the extension, {CLUSTER INVALID_ARGS word}, like every other.
 *
 * Results:
 *	TCL_ERROR, naming the subcommands.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
UnknownObjCmd(
    ClientData clientData,	/* Unused. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* Unknown, ensemble, word, ... */
{
    Tcl_Command ensemble;
    Tcl_Obj *listObj = NULL, **names;
    Tcl_DString text;
    int numNames = 0, i, code;

    (void) clientData;
    ensemble = (objc > 1) ? Tcl_FindEnsemble(interp, objv[1], 0) : NULL;
    if (ensemble != NULL) {
	Tcl_GetEnsembleSubcommandList(NULL, ensemble, &listObj);
    }
    if (listObj != NULL) {
	Tcl_ListObjGetElements(NULL, listObj, &numNames, &names);
    }
    Tcl_DStringInit(&text);
    for (i = 0; i < numNames; i++) {
	Tcl_DStringAppend(&text, (i == 0) ? "" : (i == numNames - 1)
		? (numNames > 2 ? ", or " : " or ") : ", ", -1);
	Tcl_DStringAppend(&text, Tcl_GetString(names[i]), -1);
    }
    code = ClusterError(interp, "INVALID_ARGS", (objc > 2)
	    ? Tcl_GetString(objv[2]) : NULL,
	    "unknown or ambiguous subcommand \"%s\": must be %s",
	    (objc > 2) ? Tcl_GetString(objv[2]) : "",
	    Tcl_DStringValue(&text));
    Tcl_DStringFree(&text);
    return code;
}
