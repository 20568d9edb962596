/*
 * clusterCoreError.c --
 *
 *	The one place where errors raised to Tcl are built. Every error
 *	carries an actionable message and an errorcode list that starts with
 *	CLUSTER, e.g. {CLUSTER INVALID_ARGS -foo} or {CLUSTER DECODE TRUNCATED}.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"
#include <stdarg.h>
#include <stdio.h>

/*
 *----------------------------------------------------------------------
 *
 * ClusterError --
 *
 *	Leave an error in the interpreter: the message formatted from
 *	`format` and the errorcode {CLUSTER category ?detail?}.
 *
 * Results:
 *	Always TCL_ERROR, so callers can write `return ClusterError(...)`.
 *
 * Side effects:
 *	Sets the interpreter's result and errorcode (when interp is not
 *	NULL).
 *
 *----------------------------------------------------------------------
 */

int
ClusterError(
    Tcl_Interp *interp,		/* Where to leave the error; may be NULL. */
    const char *category,	/* Second element of the errorcode. */
    const char *detail,		/* Third element, or NULL for none. */
    const char *format,		/* Tcl_ObjPrintf format of the message. */
    ...)
{
    va_list args;
    char small[256];
    char *message = small;
    int length;

    if (interp == NULL) {
	return TCL_ERROR;
    }
    va_start(args, format);
    length = vsnprintf(small, sizeof(small), format, args);
    va_end(args);
    if (length < 0) {
	length = 0;
	small[0] = '\0';
    } else if ((size_t) length >= sizeof(small)) {
	message = ckalloc(length + 1);
	va_start(args, format);
	vsnprintf(message, length + 1, format, args);
	va_end(args);
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(message, length));
    if (message != small) {
	ckfree(message);
    }
    Tcl_SetErrorCode(interp, "CLUSTER", category, detail, (char *) NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterErrToInterp --
 *
 *	Hand an error met below the core (ClusterErr) to an interpreter.
 *
 * Results:
 *	Always TCL_ERROR.
 *
 * Side effects:
 *	Sets the interpreter's result and errorcode (when interp is not
 *	NULL).
 *
 *----------------------------------------------------------------------
 */

int
ClusterErrToInterp(
    Tcl_Interp *interp,		/* Where to leave the error; may be NULL. */
    const ClusterErr *errPtr)	/* The error. */
{
    if (interp == NULL) {
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(errPtr->message, -1));
    Tcl_SetErrorCode(interp, "CLUSTER", errPtr->category, errPtr->detail,
	    (char *) NULL);
    return TCL_ERROR;
}

