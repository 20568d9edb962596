/*
 * clusterCoreHook.c --
 *
 *	Hooks: Tcl scripts an application registers under a path such as
 *	"service discovered" or "channel 5 receive" (doc/protocol.md section
 *	6.5). This file stores them and runs them; clusterCoreHookLambda.c
 *	makes the lambdas they run as.
 *
 *	A hook runs like the body of a procedure: in a scope of its own where
 *	`cluster`, `service` and `payload` are set, together with one variable
 *	per payload key, and where `my` forwards to $service. It runs as a
 *	lambda for [apply] whose body is
 *
 *	    list [catch {BODY} result options] $result $options $payload
 *
 *	so that one evaluation gives back the hook's completion code, its
 *	result and the payload as the hook left it. The payload's keys become
 *	arguments of the lambda: one lambda per set of keys (a "shape": the
 *	keys of an event, of a heartbeat, ...), compiled once and kept with
 *	the hook, with the values passed by [apply] itself. A payload that
 *	is not a dict of the template's keys, or a hook that met too many
 *	shapes, gets the general lambda, which unpacks the dict first:
 *
 *	    dict with payload {}
 *	    list [catch {BODY} ...
 *
 *	Both give the hook the same variables; the shapes save the unpacking
 *	and the dict that [dict with] writes back, most of a hook's cost.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCoreHookInt.h"
#include <string.h>

/*
 * The registered hooks of one cluster: path -> Hook.
 */

struct ClusterHookTable {
    Tcl_HashTable byPath;	/* Key: the path words joined by spaces. */
    Tcl_WideUInt lengths;	/* Bit n % 64 set: a path of length n is
				 * registered. Most lookups (every packet
				 * asks for four receive hooks) end here. */
    Tcl_Obj *applyObj;		/* "::apply": caches the command. */
    Tcl_Obj *emptyObj;		/* Stands for a missing service or
				 * payload. */
};

static Tcl_HashEntry *	FindHook(ClusterHookTable *hooksPtr,
			    const char *path);
static void		FreeHook(Hook *hookPtr);
static ClusterHookResult HookOutcome(Cluster *clusterPtr,
			    Tcl_Interp *interp, const char *path,
			    int status, Tcl_Obj *resultObj,
			    Tcl_Obj **payloadPtr, Tcl_Obj **resultPtr);
static void		ReportHookError(Cluster *clusterPtr,
			    Tcl_Interp *interp, const char *path,
			    Tcl_Obj *resultObj, Tcl_Obj *optionsObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterHooksCreate, ClusterHooksFree --
 *
 *	Make and free a cluster's table of hooks.
 *
 * Results:
 *	ClusterHooksCreate returns the new, empty table.
 *
 * Side effects:
 *	Memory, and the references held on hook scripts.
 *
 *----------------------------------------------------------------------
 */

ClusterHookTable *
ClusterHooksCreate(void)
{
    ClusterHookTable *hooksPtr = ckalloc(sizeof(ClusterHookTable));

    Tcl_InitHashTable(&hooksPtr->byPath, TCL_STRING_KEYS);
    hooksPtr->lengths = 0;
    hooksPtr->applyObj = Tcl_NewStringObj("::apply", -1);
    Tcl_IncrRefCount(hooksPtr->applyObj);
    hooksPtr->emptyObj = Tcl_NewObj();
    Tcl_IncrRefCount(hooksPtr->emptyObj);
    return hooksPtr;
}

void
ClusterHooksFree(
    ClusterHookTable *hooksPtr)	/* Table to free. */
{
    Tcl_HashSearch search;
    Tcl_HashEntry *entryPtr;

    for (entryPtr = Tcl_FirstHashEntry(&hooksPtr->byPath, &search);
	    entryPtr != NULL; entryPtr = Tcl_NextHashEntry(&search)) {
	FreeHook(Tcl_GetHashValue(entryPtr));
    }
    Tcl_DeleteHashTable(&hooksPtr->byPath);
    Tcl_DecrRefCount(hooksPtr->applyObj);
    Tcl_DecrRefCount(hooksPtr->emptyObj);
    ckfree(hooksPtr);
}

static void
FreeHook(
    Hook *hookPtr)		/* Hook to free. */
{
    int i;

    Tcl_DecrRefCount(hookPtr->bodyObj);
    Tcl_DecrRefCount(hookPtr->lambdaObj);
    for (i = 0; i < hookPtr->numShapes; i++) {
	Tcl_DecrRefCount(hookPtr->shapeLambdas[i]);
    }
    ckfree(hookPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookSet --
 *
 *	Register `bodyObj` under the hook path `pathObj` (a list of words),
 *	replacing any previous hook there. An empty body removes the hook.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The table holds a reference to the body and to its lambda.
 *
 *----------------------------------------------------------------------
 */

void
ClusterHookSet(
    ClusterHookTable *hooksPtr,	/* Table of the cluster. */
    Tcl_Obj *pathObj,		/* Path words, as a list. */
    Tcl_Obj *bodyObj)		/* Script, or empty to remove. */
{
    Tcl_Obj **words;
    int numWords, i;
    Tcl_DString path;
    Tcl_HashEntry *entryPtr;
    Tcl_HashSearch search;
    Hook *hookPtr;
    int isNew;

    Tcl_DStringInit(&path);
    if (Tcl_ListObjGetElements(NULL, pathObj, &numWords, &words) != TCL_OK) {
	numWords = 0;
    }
    for (i = 0; i < numWords; i++) {
	if (i > 0) {
	    Tcl_DStringAppend(&path, " ", 1);
	}
	Tcl_DStringAppend(&path, Tcl_GetString(words[i]), -1);
    }
    entryPtr = Tcl_CreateHashEntry(&hooksPtr->byPath,
	    Tcl_DStringValue(&path), &isNew);
    Tcl_DStringFree(&path);
    if (!isNew) {
	FreeHook(Tcl_GetHashValue(entryPtr));
    }
    if (Tcl_GetCharLength(bodyObj) == 0) {
	Tcl_DeleteHashEntry(entryPtr);
    } else {
	hookPtr = ckalloc(sizeof(Hook));
	hookPtr->bodyObj = bodyObj;
	Tcl_IncrRefCount(bodyObj);
	hookPtr->lambdaObj = ClusterHookMakeLambda(bodyObj, 0, 1);
	Tcl_IncrRefCount(hookPtr->lambdaObj);
	hookPtr->numShapes = 0;
	Tcl_SetHashValue(entryPtr, hookPtr);
    }
    hooksPtr->lengths = 0;
    for (entryPtr = Tcl_FirstHashEntry(&hooksPtr->byPath, &search);
	    entryPtr != NULL; entryPtr = Tcl_NextHashEntry(&search)) {
	const char *key = Tcl_GetHashKey(&hooksPtr->byPath, entryPtr);

	hooksPtr->lengths |= (Tcl_WideUInt) 1 << (strlen(key) % 64);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * FindHook --
 *
 *	The entry of the hook registered under a path, if any. Paths of a
 *	length nobody registered are told apart without hashing them.
 *
 * Results:
 *	The hash entry, or NULL.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_HashEntry *
FindHook(
    ClusterHookTable *hooksPtr,	/* Table of the cluster. */
    const char *path)		/* Hook path, words joined by spaces. */
{
    Tcl_WideUInt bit;

    if (hooksPtr->byPath.numEntries == 0) {
	return NULL;
    }
    bit = (Tcl_WideUInt) 1 << (strlen(path) % 64);
    if (!(hooksPtr->lengths & bit)) {
	return NULL;
    }
    return Tcl_FindHashEntry(&hooksPtr->byPath, path);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookExists --
 *
 *	Tell whether a hook is registered under a path.
 *
 * Results:
 *	1 if one is, else 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterHookExists(
    ClusterHookTable *hooksPtr,	/* Table of the cluster. */
    const char *path)		/* e.g. "service discovered". */
{
    return FindHook(hooksPtr, path) != NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookBody, ClusterHookPaths --
 *
 *	Read the table back: the body registered under a path, and the
 *	paths that have one (`$cluster hook`).
 *
 * Results:
 *	ClusterHookBody: the body, or NULL when the path has none.
 *	ClusterHookPaths: a new list of paths, each a list of words,
 *	sorted.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterHookBody(
    ClusterHookTable *hooksPtr,	/* Table of the cluster. */
    const char *path)		/* e.g. "service discovered". */
{
    Tcl_HashEntry *entryPtr = FindHook(hooksPtr, path);

    return (entryPtr != NULL)
	    ? ((Hook *) Tcl_GetHashValue(entryPtr))->bodyObj : NULL;
}

Tcl_Obj *
ClusterHookPaths(
    ClusterHookTable *hooksPtr)	/* Table of the cluster. */
{
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL), **paths, *pathObj;
    Tcl_HashSearch search;
    Tcl_HashEntry *entryPtr;
    int numPaths, at;

    for (entryPtr = Tcl_FirstHashEntry(&hooksPtr->byPath, &search);
	    entryPtr != NULL; entryPtr = Tcl_NextHashEntry(&search)) {
	pathObj = Tcl_NewStringObj(
		Tcl_GetHashKey(&hooksPtr->byPath, entryPtr), -1);
	Tcl_ListObjGetElements(NULL, listObj, &numPaths, &paths);
	for (at = 0; at < numPaths && strcmp(Tcl_GetString(paths[at]),
		Tcl_GetString(pathObj)) < 0; at++) {
	    /* Find where it goes, to keep the list sorted. */
	}
	Tcl_ListObjReplace(NULL, listObj, at, 0, 1, &pathObj);
    }
    return listObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookRun --
 *
 *	Run the hook registered under `path`, if any, with `cluster`,
 *	`service` and `payload` set in its scope, in the interpreter of
 *	ClusterHookInterp.
 *
 * Results:
 *	CLUSTER_HOOK_NONE when there is no such hook; CLUSTER_HOOK_OK when
 *	it returned normally; CLUSTER_HOOK_STOP when it raised an error or
 *	returned break; CLUSTER_HOOK_GONE when the cluster was destroyed
 *	while it ran (the caller must then touch nothing of the cluster but
 *	release its reference). On OK, *payloadPtr is replaced by the payload
 *	as the hook left it, and *resultPtr (if not NULL) receives a new
 *	reference to the hook's result. On STOP after an error, *resultPtr
 *	receives the error message.
 *
 * Side effects:
 *	Whatever the script does. *payloadPtr's old reference is released
 *	when it is replaced; the caller owns one reference to the new one.
 *
 *----------------------------------------------------------------------
 */

ClusterHookResult
ClusterHookRun(
    Cluster *clusterPtr,	/* Cluster whose hook runs. */
    const char *path,		/* Hook path, words joined by spaces. */
    ClusterService *servicePtr,	/* Service involved, or NULL. */
    Tcl_Obj **payloadPtr,	/* In/out: payload dict (one reference
				 * owned by the caller), or NULL. */
    Tcl_Obj **resultPtr)	/* Out: result or error message; or NULL. */
{
    Tcl_Interp *interp = ClusterHookInterp(clusterPtr);
    ClusterHookTable *hooksPtr = clusterPtr->hooksPtr;
    Tcl_HashEntry *entryPtr;
    Tcl_Obj *objv[5 + CLUSTER_F_COUNT], *payloadObj, *resultObj;
    int numValues, objc, i, status;
    Tcl_InterpState savedState;
    ClusterHookResult outcome;

    entryPtr = FindHook(hooksPtr, path);
    if (entryPtr == NULL) {
	return CLUSTER_HOOK_NONE;
    }
    if (interp == NULL) {
	return ClusterHookInterpGone(clusterPtr, resultPtr);
    }

    /*
     * The hook may replace itself or destroy the cluster: hold what we
     * need across the evaluation.
     */

    payloadObj = (payloadPtr && *payloadPtr) ? *payloadPtr : NULL;
    objv[0] = hooksPtr->applyObj;
    objv[1] = ClusterHookLambda(Tcl_GetHashValue(entryPtr), payloadObj,
	    objv + 5,
	    &numValues);
    objv[2] = clusterPtr->nameObj;
    objv[3] = servicePtr ? servicePtr->nameObj : hooksPtr->emptyObj;
    objv[4] = payloadObj ? payloadObj : hooksPtr->emptyObj;
    objc = 5 + numValues;
    for (i = 0; i < objc; i++) {
	Tcl_IncrRefCount(objv[i]);
    }

    Tcl_Preserve(interp);
    Tcl_Preserve(clusterPtr);
    if (servicePtr) {
	Tcl_Preserve(servicePtr);
    }
    savedState = Tcl_SaveInterpState(interp, TCL_OK);
    status = Tcl_EvalObjv(interp, objc, objv, TCL_EVAL_GLOBAL);
    resultObj = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(resultObj);

    outcome = HookOutcome(clusterPtr, interp, path, status, resultObj,
	    payloadPtr, resultPtr);
    Tcl_DecrRefCount(resultObj);
    Tcl_RestoreInterpState(interp, savedState);
    for (i = 0; i < objc; i++) {
	Tcl_DecrRefCount(objv[i]);
    }

    if (ClusterIsDeleted(clusterPtr)) {
	outcome = CLUSTER_HOOK_GONE;
    }
    if (servicePtr) {
	Tcl_Release(servicePtr);
    }
    Tcl_Release(clusterPtr);
    Tcl_Release(interp);
    return outcome;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookCall --
 *
 *	Call a command prefix given by the application (a query's
 *	-command) with more words, the way every script of the core runs:
 *	in the interpreter of ClusterHookInterp, at global level, holding
 *	the interpreter and the command's words,
 *	its error reported to bgerror, with a line made from contextFormat
 *	and its two strings (only then: a call that succeeds formats
 *	nothing), and counted in stats.hookErrors; the interpreter's result
 *	left clean.
 *
 * Results:
 *	TCL_OK, TCL_BREAK when the command returned break, or TCL_ERROR
 *	(already reported). With resultPtr, *resultPtr is the command's
 *	result with a reference for the caller (NULL after an error).
 *
 * Side effects:
 *	Whatever the command does, which may destroy the cluster: the
 *	caller holds what it touches afterwards.
 *
 *----------------------------------------------------------------------
 */

int
ClusterHookCall(
    Cluster *clusterPtr,	/* Cluster whose callback it is. */
    Tcl_Obj *prefixObj,		/* Command prefix (a list). */
    int objc,			/* Words to append. */
    Tcl_Obj *const objv[],
    const char *contextFormat,	/* For errorInfo: what was called, a
				 * format with two %s. */
    const char *context1,	/* Its strings. */
    const char *context2,
    Tcl_Obj **resultPtr)	/* Out: the result, or NULL. */
{
    Tcl_Interp *interp = ClusterHookInterp(clusterPtr);
    Tcl_Obj *small[8], **words = small, **prefix;
    int code, numPrefix, numWords, i;

    if (resultPtr != NULL) {
	*resultPtr = NULL;
    }
    if (interp == NULL) {
	ClusterHookInterpGone(clusterPtr, NULL);
	return TCL_ERROR;
    }
    Tcl_Preserve(clusterPtr);
    Tcl_Preserve(interp);
    Tcl_IncrRefCount(prefixObj);
    if (Tcl_ListObjGetElements(NULL, prefixObj, &numPrefix, &prefix)
	    != TCL_OK) {
	numPrefix = 1;
	prefix = &prefixObj;
    }

    /*
     * The words are copied and held: the command may change the prefix
     * object's internal representation while it runs.
     */

    numWords = numPrefix + objc;
    if (numWords > (int) (sizeof(small) / sizeof(small[0]))) {
	words = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * numWords);
    }
    for (i = 0; i < numWords; i++) {
	words[i] = (i < numPrefix) ? prefix[i] : objv[i - numPrefix];
	Tcl_IncrRefCount(words[i]);
    }
    code = Tcl_EvalObjv(interp, numWords, words, TCL_EVAL_GLOBAL);
    for (i = 0; i < numWords; i++) {
	Tcl_DecrRefCount(words[i]);
    }
    if (words != small) {
	ckfree((char *) words);
    }
    if (code == TCL_ERROR) {
	Tcl_Obj *lineObj = Tcl_NewStringObj("\n    (", -1);

	Tcl_AppendPrintfToObj(lineObj, contextFormat, context1, context2);
	Tcl_AppendToObj(lineObj, ")", 1);
	Tcl_AppendObjToErrorInfo(interp, lineObj);
	Tcl_BackgroundException(interp, code);
	clusterPtr->stats.hookErrors++;
    } else if (resultPtr != NULL) {
	*resultPtr = Tcl_GetObjResult(interp);
	Tcl_IncrRefCount(*resultPtr);
    }
    Tcl_ResetResult(interp);
    Tcl_DecrRefCount(prefixObj);
    Tcl_Release(interp);
    Tcl_Release(clusterPtr);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookIsFilter --
 *
 *	Tell whether a hook path is one whose error means "refuse this
 *	payload" (receive and send filters), rather than a failure to
 *	report. Filters refuse quietly: a hook that checks `[my local]` and
 *	throws is doing its job, and is counted, not reported.
 *
 * Results:
 *	1 for a filter hook, 0 otherwise.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterHookIsFilter(
    const char *path)		/* Hook path, words joined by spaces. */
{
    size_t length = strlen(path);

    if (strcmp(path, "evaluate receive") == 0
	    || strcmp(path, "evaluate service") == 0
	    || strcmp(path, "service validate") == 0
	    || strcmp(path, "broadcast") == 0
	    || strcmp(path, "query") == 0) {
	return 1;
    }
    if (strncmp(path, "channel ", 8) == 0) {
	return (length > 8 && strcmp(path + length - 8, " receive") == 0)
		|| (length > 5 && strcmp(path + length - 5, " send") == 0);
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * HookOutcome --
 *
 *	Read what the lambda of ClusterHookRun gave back, the list {code
 *	result options payload}: report an error to bgerror where the hook
 *	path asks for it, and hand the result and the payload as the hook
 *	left it to the caller.
 *
 * Results:
 *	CLUSTER_HOOK_OK or CLUSTER_HOOK_STOP.
 *
 * Side effects:
 *	May replace *payloadPtr and set *resultPtr (a new reference); may
 *	call bgerror.
 *
 *----------------------------------------------------------------------
 */

static ClusterHookResult
HookOutcome(
    Cluster *clusterPtr,	/* Cluster whose hook ran. */
    Tcl_Interp *interp,		/* Interpreter it ran in. */
    const char *path,		/* Hook path. */
    int status,			/* What evaluating the lambda returned. */
    Tcl_Obj *resultObj,		/* And its result. */
    Tcl_Obj **payloadPtr,	/* As for ClusterHookRun. */
    Tcl_Obj **resultPtr)
{
    Tcl_Obj **parts;
    int numParts, code;
    ClusterHookResult outcome;

    if (status != TCL_OK
	    || Tcl_ListObjGetElements(NULL, resultObj, &numParts, &parts)
		!= TCL_OK || numParts != 4
	    || Tcl_GetIntFromObj(NULL, parts[0], &code) != TCL_OK) {
	/*
	 * The wrapper itself failed: the hook unset `payload` or the like.
	 */

	Tcl_Obj *optionsObj = Tcl_GetReturnOptions(interp, status);

	Tcl_IncrRefCount(optionsObj);
	ReportHookError(clusterPtr, interp, path, resultObj, optionsObj);
	Tcl_DecrRefCount(optionsObj);
	outcome = CLUSTER_HOOK_STOP;
    } else {
	if (code == TCL_RETURN) {
	    Tcl_Obj *levelCode;
	    Tcl_Obj *key = Tcl_NewStringObj("-code", -1);

	    Tcl_IncrRefCount(key);
	    code = TCL_OK;
	    if (Tcl_DictObjGet(NULL, parts[2], key, &levelCode) == TCL_OK
		    && levelCode != NULL) {
		Tcl_GetIntFromObj(NULL, levelCode, &code);
	    }
	    Tcl_DecrRefCount(key);
	}
	switch (code) {
	case TCL_ERROR:
	    if (!ClusterHookIsFilter(path)) {
		ReportHookError(clusterPtr, interp, path, parts[1],
			parts[2]);
	    }
	    if (resultPtr) {
		*resultPtr = parts[1];
		Tcl_IncrRefCount(*resultPtr);
	    }
	    outcome = CLUSTER_HOOK_STOP;
	    break;
	case TCL_BREAK:
	    outcome = CLUSTER_HOOK_STOP;
	    break;
	default:
	    outcome = CLUSTER_HOOK_OK;
	    if (resultPtr) {
		*resultPtr = parts[1];
		Tcl_IncrRefCount(*resultPtr);
	    }
	    if (payloadPtr) {
		Tcl_Obj *old = *payloadPtr;

		*payloadPtr = parts[3];
		Tcl_IncrRefCount(*payloadPtr);
		if (old) {
		    Tcl_DecrRefCount(old);
		}
	    }
	    break;
	}
    }
    return outcome;
}

/*
 *----------------------------------------------------------------------
 *
 * ReportHookError --
 *
 *	Hand an error raised by a hook to the background error handler of
 *	the interpreter it ran in, with the hook's path in the error
 *	information.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Calls [bgerror] (later, from the event loop); counts the error.
 *
 *----------------------------------------------------------------------
 */

static void
ReportHookError(
    Cluster *clusterPtr,	/* Cluster whose hook failed. */
    Tcl_Interp *interp,		/* Interpreter it ran in. */
    const char *path,		/* Its path. */
    Tcl_Obj *messageObj,	/* Error message. */
    Tcl_Obj *optionsObj)	/* Return options of the error. */
{
    clusterPtr->stats.hookErrors++;
    Tcl_SetObjResult(interp, messageObj);
    if (optionsObj != NULL) {
	Tcl_SetReturnOptions(interp, optionsObj);
    }
    Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf(
	    "\n    (cluster hook \"%s\" of %s)", path,
	    Tcl_GetString(clusterPtr->nameObj)));
    Tcl_BackgroundException(interp, TCL_ERROR);
}
