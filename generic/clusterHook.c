/*
 * clusterHook.c --
 *
 *	Hooks: Tcl scripts an application registers under a path such as
 *	"service discovered" or "channel 5 receive" (SPEC section 6.5). This
 *	file stores them and is the only place that runs them.
 *
 *	A hook runs like the body of a procedure: in a scope of its own where
 *	`cluster`, `service` and `payload` are set, together with one variable
 *	per payload key, and where `my` forwards to $service. It is compiled
 *	once into a lambda for [apply] whose body is
 *
 *	    dict with payload {}
 *	    list [catch {BODY} result options] $result $options $payload
 *
 *	so that one evaluation gives back the hook's completion code, its
 *	result and the payload as the hook left it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"
#include <string.h>

/*
 * The registered hooks of one cluster: path -> Hook.
 */

struct ClusterHookTable {
    Tcl_HashTable byPath;	/* Key: the path words joined by spaces. */
};

typedef struct Hook {
    Tcl_Obj *bodyObj;		/* The script as registered. */
    Tcl_Obj *lambdaObj;		/* The lambda [apply] runs; caches the
				 * compiled body in its internal rep. */
} Hook;

/*
 * The namespace hooks run in, and its `my` command, which forwards to the
 * service of the hook that calls it.
 */

static const char hookNamespaceScript[] =
    "namespace eval ::cluster::hook {\n"
    "    proc my {args} {\n"
    "        upvar 1 service service\n"
    "        if {![info exists service] || $service eq {}} {\n"
    "            return -code error -errorcode {CLUSTER HOOK NO_SERVICE} \\\n"
    "                {\"my\" needs a service: this hook has none}\n"
    "        }\n"
    "        tailcall $service {*}$args\n"
    "    }\n"
    "}\n";

static const char lambdaPrologue[] = "dict with payload {}\nlist [catch {";
static const char lambdaEpilogue[] =
    "\n} -cluster-result- -cluster-options-] ${-cluster-result-}"
    " ${-cluster-options-} $payload";

static Tcl_Obj *	MakeLambda(Tcl_Obj *bodyObj);
static void		ReportHookError(Cluster *clusterPtr, const char *path,
			    Tcl_Obj *resultObj, Tcl_Obj *optionsObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookPrepare --
 *
 *	Create the ::cluster::hook namespace and its `my` command in an
 *	interpreter. Called once by Cluster_Init.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Defines ::cluster::hook::my.
 *
 *----------------------------------------------------------------------
 */

int
ClusterHookPrepare(
    Tcl_Interp *interp)		/* Interpreter being initialised. */
{
    return Tcl_EvalEx(interp, hookNamespaceScript, -1, TCL_EVAL_GLOBAL);
}

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
	Hook *hookPtr = Tcl_GetHashValue(entryPtr);

	Tcl_DecrRefCount(hookPtr->bodyObj);
	Tcl_DecrRefCount(hookPtr->lambdaObj);
	ckfree(hookPtr);
    }
    Tcl_DeleteHashTable(&hooksPtr->byPath);
    ckfree(hooksPtr);
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
	hookPtr = Tcl_GetHashValue(entryPtr);
	Tcl_DecrRefCount(hookPtr->bodyObj);
	Tcl_DecrRefCount(hookPtr->lambdaObj);
	ckfree(hookPtr);
    }
    if (Tcl_GetCharLength(bodyObj) == 0) {
	Tcl_DeleteHashEntry(entryPtr);
	return;
    }
    hookPtr = ckalloc(sizeof(Hook));
    hookPtr->bodyObj = bodyObj;
    Tcl_IncrRefCount(bodyObj);
    hookPtr->lambdaObj = MakeLambda(bodyObj);
    Tcl_IncrRefCount(hookPtr->lambdaObj);
    Tcl_SetHashValue(entryPtr, hookPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * MakeLambda --
 *
 *	Wrap a hook body into the lambda term described at the top of this
 *	file.
 *
 * Results:
 *	A new lambda Tcl_Obj with a zero reference count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
MakeLambda(
    Tcl_Obj *bodyObj)		/* The hook script. */
{
    Tcl_Obj *wrapped = Tcl_NewStringObj(lambdaPrologue, -1);
    Tcl_Obj *elements[3];

    Tcl_AppendObjToObj(wrapped, bodyObj);
    Tcl_AppendToObj(wrapped, lambdaEpilogue, -1);
    elements[0] = Tcl_NewStringObj("cluster service payload", -1);
    elements[1] = wrapped;
    elements[2] = Tcl_NewStringObj("::cluster::hook", -1);
    return Tcl_NewListObj(3, elements);
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
    return hooksPtr->byPath.numEntries > 0
	    && Tcl_FindHashEntry(&hooksPtr->byPath, path) != NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookRun --
 *
 *	Run the hook registered under `path`, if any, with `cluster`,
 *	`service` and `payload` set in its scope.
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
    Tcl_Interp *interp = clusterPtr->interp;
    Tcl_HashEntry *entryPtr;
    Hook *hookPtr;
    Tcl_Obj *objv[5], *lambdaObj, *resultObj, **parts;
    int numParts;
    Tcl_InterpState savedState;
    ClusterHookResult outcome;
    int code, status;

    if (clusterPtr->hooksPtr->byPath.numEntries == 0) {
	return CLUSTER_HOOK_NONE;
    }
    entryPtr = Tcl_FindHashEntry(&clusterPtr->hooksPtr->byPath, path);
    if (entryPtr == NULL) {
	return CLUSTER_HOOK_NONE;
    }
    hookPtr = Tcl_GetHashValue(entryPtr);

    /*
     * The hook may replace itself or destroy the cluster: hold what we
     * need across the evaluation.
     */

    lambdaObj = hookPtr->lambdaObj;
    Tcl_IncrRefCount(lambdaObj);
    objv[0] = Tcl_NewStringObj("::apply", -1);
    objv[1] = lambdaObj;
    objv[2] = clusterPtr->nameObj;
    objv[3] = servicePtr ? servicePtr->nameObj : Tcl_NewObj();
    objv[4] = (payloadPtr && *payloadPtr) ? *payloadPtr : Tcl_NewObj();
    for (int i = 0; i < 5; i++) {
	Tcl_IncrRefCount(objv[i]);
    }

    Tcl_Preserve(interp);
    Tcl_Preserve(clusterPtr);
    if (servicePtr) {
	Tcl_Preserve(servicePtr);
    }
    savedState = Tcl_SaveInterpState(interp, TCL_OK);
    status = Tcl_EvalObjv(interp, 5, objv, TCL_EVAL_GLOBAL);
    resultObj = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(resultObj);

    if (status != TCL_OK
	    || Tcl_ListObjGetElements(NULL, resultObj, &numParts, &parts)
		!= TCL_OK || numParts != 4
	    || Tcl_GetIntFromObj(NULL, parts[0], &code) != TCL_OK) {
	/*
	 * The wrapper itself failed: the hook unset `payload` or the like.
	 */

	Tcl_Obj *optionsObj = Tcl_GetReturnOptions(interp, status);

	Tcl_IncrRefCount(optionsObj);
	ReportHookError(clusterPtr, path, resultObj, optionsObj);
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
		ReportHookError(clusterPtr, path, parts[1], parts[2]);
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
    Tcl_DecrRefCount(resultObj);
    Tcl_RestoreInterpState(interp, savedState);
    for (int i = 0; i < 5; i++) {
	Tcl_DecrRefCount(objv[i]);
    }
    Tcl_DecrRefCount(lambdaObj);

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
 * ReportHookError --
 *
 *	Hand an error raised by a hook to the interpreter's background
 *	error handler, with the hook's path in the error information.
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
    const char *path,		/* Its path. */
    Tcl_Obj *messageObj,	/* Error message. */
    Tcl_Obj *optionsObj)	/* Return options of the error. */
{
    Tcl_Interp *interp = clusterPtr->interp;

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
