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
    if (ClusterPacketInit(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    return Tcl_PkgProvide(interp, PACKAGE_NAME, PACKAGE_VERSION);
}

/*
 *----------------------------------------------------------------------
 *
 * Cluster_SafeInit --
 *
 *	Initialise the extension in a safe interpreter.
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
