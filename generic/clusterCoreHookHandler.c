/*
 * clusterCoreHookHandler.c --
 *
 *	Handlers and watchers: command prefixes a library (the shared state
 *	of library/state.tcl, say) registers beside the application's hooks,
 *	so that it takes none of them.
 *
 *	- A channel handler takes the events and queries of one channel:
 *	  they are given to `{*}prefix event|query $service $payload`
 *	  instead of the `event` and `query` hooks. A query's answer is the
 *	  handler's result, or its error; `$cluster defer` works in it as in
 *	  the query hook. The receive hooks still run first.
 *	- A watcher, registered under a name, hears of membership: it is
 *	  called as `{*}prefix discovered|tags|lost $service` after the
 *	  `service discovered`, `tags changed` or `service lost` hook, each
 *	  watcher in the order they were registered.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 * The handlers and watchers of one cluster.
 */

struct ClusterHandlers {
    Tcl_HashTable byChannel;	/* Key: channel number; value: Tcl_Obj *
				 * prefix, with a reference. */
    Tcl_Obj *watchersObj;	/* Dict name -> prefix, in the order of
				 * registration; unshared. */
};

static int		CallPrefix(Cluster *clusterPtr, Tcl_Obj *prefixObj,
			    int objc, Tcl_Obj *const objv[],
			    Tcl_Obj **resultPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterHandlersCreate, ClusterHandlersFree --
 *
 *	Make and free a cluster's handlers and watchers.
 *
 * Results:
 *	ClusterHandlersCreate returns the new, empty set.
 *
 * Side effects:
 *	Memory, and the references held on the prefixes.
 *
 *----------------------------------------------------------------------
 */

ClusterHandlers *
ClusterHandlersCreate(void)
{
    ClusterHandlers *handlersPtr = ckalloc(sizeof(ClusterHandlers));

    Tcl_InitHashTable(&handlersPtr->byChannel, TCL_ONE_WORD_KEYS);
    handlersPtr->watchersObj = Tcl_NewDictObj();
    Tcl_IncrRefCount(handlersPtr->watchersObj);
    return handlersPtr;
}

void
ClusterHandlersFree(
    ClusterHandlers *handlersPtr)	/* Set to free. */
{
    Tcl_HashSearch search;
    Tcl_HashEntry *entryPtr;

    for (entryPtr = Tcl_FirstHashEntry(&handlersPtr->byChannel, &search);
	    entryPtr != NULL; entryPtr = Tcl_NextHashEntry(&search)) {
	Tcl_DecrRefCount((Tcl_Obj *) Tcl_GetHashValue(entryPtr));
    }
    Tcl_DeleteHashTable(&handlersPtr->byChannel);
    Tcl_DecrRefCount(handlersPtr->watchersObj);
    ckfree(handlersPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHandlerSet, ClusterHandlerGet, ClusterHandlerChannels --
 *
 *	Register (an empty prefix: remove) the handler of a channel, read
 *	it back, and list the channels that have one.
 *
 * Results:
 *	ClusterHandlerGet: the prefix, or NULL. ClusterHandlerChannels: a
 *	new list of channel numbers, sorted.
 *
 * Side effects:
 *	ClusterHandlerSet replaces the channel's handler.
 *
 *----------------------------------------------------------------------
 */

void
ClusterHandlerSet(
    ClusterHandlers *handlersPtr,	/* Set of the cluster. */
    int channel,		/* Channel number. */
    Tcl_Obj *prefixObj)		/* Command prefix, or empty to remove. */
{
    Tcl_HashEntry *entryPtr;
    int isNew;

    entryPtr = Tcl_CreateHashEntry(&handlersPtr->byChannel,
	    CLUSTER_INT2PTR(channel), &isNew);
    if (!isNew) {
	Tcl_DecrRefCount((Tcl_Obj *) Tcl_GetHashValue(entryPtr));
    }
    if (Tcl_GetCharLength(prefixObj) == 0) {
	Tcl_DeleteHashEntry(entryPtr);
    } else {
	Tcl_IncrRefCount(prefixObj);
	Tcl_SetHashValue(entryPtr, prefixObj);
    }
}

Tcl_Obj *
ClusterHandlerGet(
    ClusterHandlers *handlersPtr,	/* Set of the cluster. */
    int channel)		/* Channel number. */
{
    Tcl_HashEntry *entryPtr;

    if (handlersPtr->byChannel.numEntries == 0) {
	return NULL;
    }
    entryPtr = Tcl_FindHashEntry(&handlersPtr->byChannel, CLUSTER_INT2PTR(channel));
    return entryPtr ? (Tcl_Obj *) Tcl_GetHashValue(entryPtr) : NULL;
}

Tcl_Obj *
ClusterHandlerChannels(
    ClusterHandlers *handlersPtr)	/* Set of the cluster. */
{
    return ClusterIntKeysSorted(&handlersPtr->byChannel, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHandlerRun --
 *
 *	Give an event or a query of a channel to the channel's handler, if
 *	it has one: `{*}prefix what $service $payload`.
 *
 * Results:
 *	CLUSTER_HOOK_NONE when the channel has no handler; CLUSTER_HOOK_OK
 *	when it returned normally (*resultPtr, if not NULL, then holds a
 *	new reference to its result); CLUSTER_HOOK_STOP when it raised an
 *	error (*resultPtr: the message, for a query) or returned break
 *	(*resultPtr NULL); CLUSTER_HOOK_GONE when the cluster was
 *	destroyed meanwhile. For an event (resultPtr NULL) an error is
 *	reported to bgerror and counted in hook_errors; for a query it is
 *	the answer, as in the query hook.
 *
 * Side effects:
 *	Whatever the handler does.
 *
 *----------------------------------------------------------------------
 */

ClusterHookResult
ClusterHandlerRun(
    Cluster *clusterPtr,	/* Cluster receiving. */
    int channel,		/* The payload's channel. */
    const char *what,		/* "event" or "query". */
    ClusterService *servicePtr,	/* Its sender. */
    Tcl_Obj *payloadObj,	/* The payload dict. */
    Tcl_Obj **resultPtr)	/* Out, for a query: answer or message. */
{
    Tcl_Obj *prefixObj = ClusterHandlerGet(clusterPtr->handlersPtr, channel);
    Tcl_Obj *objv[3];
    ClusterHookResult outcome;
    int code, i;

    if (prefixObj == NULL) {
	return CLUSTER_HOOK_NONE;
    }
    if (resultPtr != NULL) {
	*resultPtr = NULL;
    }
    objv[0] = Tcl_NewStringObj(what, -1);
    objv[1] = servicePtr->nameObj;
    objv[2] = payloadObj;
    for (i = 0; i < 3; i++) {
	Tcl_IncrRefCount(objv[i]);
    }
    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(servicePtr);
    if (resultPtr == NULL) {
	code = ClusterHookCall(clusterPtr, prefixObj, 3, objv,
		"channel %s handler, %s", Tcl_GetString(prefixObj), what,
		NULL);
    } else {
	code = CallPrefix(clusterPtr, prefixObj, 3, objv, resultPtr);
    }
    outcome = (code == TCL_OK) ? CLUSTER_HOOK_OK : CLUSTER_HOOK_STOP;
    if (ClusterIsDeleted(clusterPtr)) {
	outcome = CLUSTER_HOOK_GONE;
    }
    Tcl_Release(servicePtr);
    Tcl_Release(clusterPtr);
    for (i = 0; i < 3; i++) {
	Tcl_DecrRefCount(objv[i]);
    }
    return outcome;
}

/*
 *----------------------------------------------------------------------
 *
 * CallPrefix --
 *
 *	Call a query's handler: its error is the answer, not a failure to
 *	report, so nothing goes to bgerror.
 *
 * Results:
 *	The completion code. *resultPtr holds a new reference to the
 *	result (TCL_OK) or the error message (TCL_ERROR), else NULL.
 *
 * Side effects:
 *	Whatever the command does; the interpreter's result is left clean.
 *
 *----------------------------------------------------------------------
 */

static int
CallPrefix(
    Cluster *clusterPtr,	/* Cluster whose handler it is. */
    Tcl_Obj *prefixObj,		/* Command prefix. */
    int objc,			/* Words to append. */
    Tcl_Obj *const objv[],
    Tcl_Obj **resultPtr)	/* Out: result or message. */
{
    Tcl_Interp *interp = ClusterHookInterp(clusterPtr);
    Tcl_Obj *cmdObj;
    Tcl_InterpState savedState;
    int code;

    if (interp == NULL) {
	ClusterHookInterpGone(clusterPtr, NULL);
	return TCL_ERROR;
    }
    cmdObj = Tcl_DuplicateObj(prefixObj);
    Tcl_IncrRefCount(cmdObj);
    if (Tcl_ListObjReplace(NULL, cmdObj, INT_MAX, 0, objc, objv) != TCL_OK) {
	Tcl_DecrRefCount(cmdObj);
	*resultPtr = Tcl_NewStringObj("the channel handler is not a list",
		-1);
	Tcl_IncrRefCount(*resultPtr);
	return TCL_ERROR;
    }
    Tcl_Preserve(interp);
    savedState = Tcl_SaveInterpState(interp, TCL_OK);
    code = Tcl_EvalObjEx(interp, cmdObj, TCL_EVAL_GLOBAL);
    if (code == TCL_OK || code == TCL_ERROR) {
	*resultPtr = Tcl_GetObjResult(interp);
	Tcl_IncrRefCount(*resultPtr);
    }
    Tcl_RestoreInterpState(interp, savedState);
    Tcl_Release(interp);
    Tcl_DecrRefCount(cmdObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterWatchSet, ClusterWatchGet, ClusterWatchNames --
 *
 *	Register under a name (an empty prefix: remove) a watcher of
 *	membership, read it back, list the names.
 *
 * Results:
 *	ClusterWatchGet: the prefix, or NULL. ClusterWatchNames: a new list
 *	of the names, in the order of registration.
 *
 * Side effects:
 *	ClusterWatchSet changes the watchers; a name registered again keeps
 *	its place.
 *
 *----------------------------------------------------------------------
 */

void
ClusterWatchSet(
    ClusterHandlers *handlersPtr,	/* Set of the cluster. */
    Tcl_Obj *nameObj,		/* The watcher's name. */
    Tcl_Obj *prefixObj)		/* Command prefix, or empty to remove. */
{
    if (Tcl_IsShared(handlersPtr->watchersObj)) {
	Tcl_Obj *copyObj = Tcl_DuplicateObj(handlersPtr->watchersObj);

	Tcl_DecrRefCount(handlersPtr->watchersObj);
	handlersPtr->watchersObj = copyObj;
	Tcl_IncrRefCount(copyObj);
    }
    if (Tcl_GetCharLength(prefixObj) == 0) {
	Tcl_DictObjRemove(NULL, handlersPtr->watchersObj, nameObj);
    } else {
	Tcl_DictObjPut(NULL, handlersPtr->watchersObj, nameObj, prefixObj);
    }
}

Tcl_Obj *
ClusterWatchGet(
    ClusterHandlers *handlersPtr,	/* Set of the cluster. */
    Tcl_Obj *nameObj)		/* The watcher's name. */
{
    Tcl_Obj *prefixObj = NULL;

    Tcl_DictObjGet(NULL, handlersPtr->watchersObj, nameObj, &prefixObj);
    return prefixObj;
}

Tcl_Obj *
ClusterWatchNames(
    ClusterHandlers *handlersPtr)	/* Set of the cluster. */
{
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL), *keyObj;
    Tcl_DictSearch search;
    int done;

    Tcl_DictObjFirst(NULL, handlersPtr->watchersObj, &search, &keyObj,
	    NULL, &done);
    for (; !done; Tcl_DictObjNext(&search, &keyObj, NULL, &done)) {
	Tcl_ListObjAppendElement(NULL, listObj, keyObj);
    }
    Tcl_DictObjDone(&search);
    return listObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterWatchRun --
 *
 *	Tell every watcher of a service discovered or lost. The watchers
 *	run from a copy of the set taken first, so one that registers or
 *	removes watchers changes only the next round; one that destroys
 *	the cluster ends the round.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Whatever the watchers do; their errors go to bgerror and are
 *	counted in hook_errors.
 *
 *----------------------------------------------------------------------
 */

void
ClusterWatchRun(
    Cluster *clusterPtr,	/* Cluster whose membership changed. */
    const char *what,		/* "discovered", "tags" or "lost". */
    ClusterService *servicePtr)	/* The service. */
{
    Tcl_Obj *watchersObj = clusterPtr->handlersPtr->watchersObj;
    Tcl_Obj *keyObj, *prefixObj, *objv[2];
    Tcl_DictSearch search;
    int done, size;

    if (Tcl_DictObjSize(NULL, watchersObj, &size) != TCL_OK || size == 0) {
	return;
    }
    Tcl_IncrRefCount(watchersObj);	/* The copy: shared from now on. */
    objv[0] = Tcl_NewStringObj(what, -1);
    objv[1] = servicePtr->nameObj;
    Tcl_IncrRefCount(objv[0]);
    Tcl_IncrRefCount(objv[1]);
    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(servicePtr);
    Tcl_DictObjFirst(NULL, watchersObj, &search, &keyObj, &prefixObj, &done);
    for (; !done && !ClusterIsDeleted(clusterPtr);
	    Tcl_DictObjNext(&search, &keyObj, &prefixObj, &done)) {
	(void) ClusterHookCall(clusterPtr, prefixObj, 2, objv,
		"watcher \"%s\", %s", Tcl_GetString(keyObj), what, NULL);
    }
    Tcl_DictObjDone(&search);
    Tcl_Release(servicePtr);
    Tcl_Release(clusterPtr);
    Tcl_DecrRefCount(objv[0]);
    Tcl_DecrRefCount(objv[1]);
    Tcl_DecrRefCount(watchersObj);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
