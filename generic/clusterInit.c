/*
 * clusterInit.c --
 *
 *	Package initialisation: stubs, the ::cluster namespace and its
 *	commands, and the package's provision.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"

/*
 * `cluster join ...` and `cluster packet ...`: the ::cluster command is an
 * ensemble over the namespace's commands.
 */

static const char ensembleScript[] =
    "namespace eval ::cluster {\n"
    "    namespace export join packet\n"
    "    namespace ensemble create -subcommands {join packet}\n"
    "}\n";

/*
 *----------------------------------------------------------------------
 *
 * Cluster_Init --
 *
 *	Initialise the extension in an interpreter.
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
    if (Tcl_InitStubs(interp, "8.6", 0) == NULL) {
	return TCL_ERROR;
    }
    if (Tcl_CreateNamespace(interp, "::cluster", NULL, NULL) == NULL) {
	return TCL_ERROR;
    }
    if (ClusterPacketInit(interp) != TCL_OK
	    || ClusterHookPrepare(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_CreateObjCommand(interp, "::cluster::join", ClusterJoinObjCmd, NULL,
	    NULL);
    if (Tcl_EvalEx(interp, ensembleScript, -1, TCL_EVAL_GLOBAL) != TCL_OK) {
	return TCL_ERROR;
    }
    return Tcl_PkgProvide(interp, PACKAGE_NAME, PACKAGE_VERSION);
}

/*
 *----------------------------------------------------------------------
 *
 * Cluster_SafeInit --
 *
 *	Initialise the extension in a safe interpreter. A safe interpreter
 *	may not open sockets, so it gets the same commands; the socket
 *	operations they perform are the host application's decision.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	As Cluster_Init.
 *
 *----------------------------------------------------------------------
 */

int
Cluster_SafeInit(
    Tcl_Interp *interp)		/* Interpreter to initialise. */
{
    return Cluster_Init(interp);
}
