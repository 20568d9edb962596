/*
 * clusterCmdKit.c --
 *
 *	The command kit: how every object command and ensemble of the face
 *	(the cluster, service, query and packet stream objects, `cluster
 *	packet` and its sub-ensembles) finds its subcommand and checks the
 *	number of its arguments, and the errors it gives when it cannot.
 *
 *	A table of subcommands is an array of entries of the caller's own
 *	type, each starting with a ClusterCmdSpec and the last with a NULL
 *	name. The kit gives back the index of the entry; the caller then runs
 *	its implementation, with whatever typed arguments it takes. So no
 *	function is ever called through a pointer of another type, and each
 *	caller keeps what it holds (Tcl_Preserve) across the call.
 *
 *	Every error leaves Tcl's own message (Tcl_WrongNumArgs, "bad
 *	subcommand ...") with an errorcode {CLUSTER INVALID_ARGS ?detail?}
 *	built by ClusterError, like every other error of the extension.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

static int		ArgsError(Tcl_Interp *interp,
			    const ClusterCmdKit *kitPtr, int index,
			    Tcl_Obj *const objv[]);
static int		InvalidArgs(Tcl_Interp *interp, const char *detail);

/*
 * The spec at the start of entry `index` of a kit's table.
 */

#define KIT_SPEC(kitPtr, index) \
    ((const ClusterCmdSpec *) ((const char *) (kitPtr)->table \
	    + (size_t) (index) * (kitPtr)->entrySize))

/*
 *----------------------------------------------------------------------
 *
 * ClusterCmdLookup --
 *
 *	Find the subcommand named by objv[kitPtr->first] in the kit's table
 *	and check that the words after it are as many as it takes.
 *
 * Results:
 *	TCL_OK with the entry's index in *indexPtr, or TCL_ERROR with one of
 *	three errors:
 *	- no subcommand: Tcl_WrongNumArgs with the kit's usage, errorcode
 *	  {CLUSTER INVALID_ARGS ?argsDetail?};
 *	- an unknown one: "bad subcommand ...", {CLUSTER INVALID_ARGS word};
 *	- too few or too many arguments: Tcl_WrongNumArgs with the
 *	  subcommand's usage, {CLUSTER INVALID_ARGS name} (or argsDetail).
 *
 * Side effects:
 *	Caches the lookup in the subcommand word.
 *
 *----------------------------------------------------------------------
 */

int
ClusterCmdLookup(
    Tcl_Interp *interp,		/* Current interpreter. */
    const ClusterCmdKit *kitPtr,	/* The subcommands. */
    Tcl_Size objc,		/* Number of words. */
    Tcl_Obj *const objv[],	/* The words. */
    int *indexPtr)		/* Where to put the entry's index. */
{
    const ClusterCmdSpec *specPtr;
    Tcl_Size numArgs;
    int index;

    if (objc <= kitPtr->first) {
	return ArgsError(interp, kitPtr, -1, objv);
    }
    if (ClusterCmdGetIndex(interp, objv[kitPtr->first], kitPtr->table,
	    kitPtr->entrySize, kitPtr->what, &index) != TCL_OK) {
	return TCL_ERROR;
    }
    specPtr = KIT_SPEC(kitPtr, index);
    numArgs = objc - kitPtr->first - 1;
    if (numArgs < specPtr->minArgs
	    || (specPtr->maxArgs >= 0 && numArgs > specPtr->maxArgs)) {
	return ArgsError(interp, kitPtr, index, objv);
    }
    *indexPtr = index;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCmdWrongArgs --
 *
 *	The usage error of the subcommand named by objv[kitPtr->first], for
 *	a subcommand that checks more of its arguments than their number.
 *
 * Results:
 *	TCL_ERROR, with the error ClusterCmdLookup gives for a wrong number
 *	of arguments to that subcommand (or for a missing one).
 *
 * Side effects:
 *	Sets the interpreter's result and errorcode.
 *
 *----------------------------------------------------------------------
 */

int
ClusterCmdWrongArgs(
    Tcl_Interp *interp,		/* Where to report. */
    const ClusterCmdKit *kitPtr,	/* The subcommands. */
    Tcl_Size objc,		/* Number of words. */
    Tcl_Obj *const objv[])	/* The words. */
{
    int index = -1;

    if (objc > kitPtr->first && Tcl_GetIndexFromObjStruct(NULL,
	    objv[kitPtr->first], kitPtr->table, (Tcl_Size) kitPtr->entrySize,
	    kitPtr->what, 0, &index) != TCL_OK) {
	index = -1;
    }
    return ArgsError(interp, kitPtr, index, objv);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCmdGetIndex --
 *
 *	Tcl_GetIndexFromObjStruct for a word of the face (a subcommand, an
 *	action, an option): unique prefixes are accepted.
 *
 * Results:
 *	TCL_OK with the index in *indexPtr, or TCL_ERROR with Tcl's "bad
 *	<what> ..." message and the errorcode {CLUSTER INVALID_ARGS word}.
 *
 * Side effects:
 *	Caches the lookup in the word.
 *
 *----------------------------------------------------------------------
 */

int
ClusterCmdGetIndex(
    Tcl_Interp *interp,		/* Where to report. */
    Tcl_Obj *objPtr,		/* The word. */
    const void *table,		/* Entries, each starting with a name; the
				 * last with NULL. */
    size_t entrySize,		/* Size of an entry. */
    const char *what,		/* What the word is, for the message. */
    int *indexPtr)		/* Where to put the index. */
{
    if (Tcl_GetIndexFromObjStruct(interp, objPtr, table,
	    (Tcl_Size) entrySize, what, 0, indexPtr) != TCL_OK) {
	return InvalidArgs(interp, Tcl_GetString(objPtr));
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ArgsError --
 *
 *	A wrong number of words: Tcl_WrongNumArgs quoting the words up to
 *	the subcommand with its usage, or, with index -1, the words before
 *	it with the kit's usage.
 *
 * Results:
 *	TCL_ERROR.
 *
 * Side effects:
 *	Sets the interpreter's result and errorcode.
 *
 *----------------------------------------------------------------------
 */

static int
ArgsError(
    Tcl_Interp *interp,		/* Where to report. */
    const ClusterCmdKit *kitPtr,	/* The subcommands. */
    int index,			/* The subcommand's entry; -1: none. */
    Tcl_Obj *const objv[])	/* The words. */
{
    const ClusterCmdSpec *specPtr;

    if (index < 0) {
	Tcl_WrongNumArgs(interp, kitPtr->first, objv, kitPtr->usage);
	return InvalidArgs(interp, kitPtr->argsDetail);
    }
    specPtr = KIT_SPEC(kitPtr, index);
    Tcl_WrongNumArgs(interp, kitPtr->first + 1, objv, specPtr->usage);
    return InvalidArgs(interp, (kitPtr->argsDetail != NULL)
	    ? kitPtr->argsDetail : specPtr->name);
}

/*
 *----------------------------------------------------------------------
 *
 * InvalidArgs --
 *
 *	Turn the message Tcl left in the result into an error of the
 *	extension, {CLUSTER INVALID_ARGS ?detail?}.
 *
 * Results:
 *	TCL_ERROR.
 *
 * Side effects:
 *	Sets the interpreter's result (to the same text) and errorcode.
 *
 *----------------------------------------------------------------------
 */

static int
InvalidArgs(
    Tcl_Interp *interp,		/* Holds the message. */
    const char *detail)		/* Third element of the errorcode, or
				 * NULL. */
{
    return ClusterError(interp, "INVALID_ARGS", detail, "%s",
	    Tcl_GetString(Tcl_GetObjResult(interp)));
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
