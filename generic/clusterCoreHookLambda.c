/*
 * clusterCoreHookLambda.c --
 *
 *	The lambdas hooks run as (see clusterCoreHook.c): the general one,
 *	which unpacks the payload dict, and one per payload shape, whose
 *	arguments are the payload's fields.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCoreHookInt.h"
#include <string.h>

/*
 * The pieces of a lambda's body: the unpacking of the general lambda, and
 * what goes before and after the hook's script.
 */

static const char lambdaUnpack[] = "dict with payload {}\n";
static const char lambdaPrologue[] = "list [catch {";
static const char lambdaEpilogue[] =
    "\n} -cluster-result- -cluster-options-] ${-cluster-result-}"
    " ${-cluster-options-} $payload";

static int		PayloadShape(Tcl_Obj *payloadObj, HookShape *shapePtr,
			    Tcl_Obj *values[CLUSTER_F_COUNT]);

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookMakeLambda --
 *
 *	Wrap a hook body into one of the lambda terms described at the top
 *	of clusterCoreHook.c: the general one, or the one whose arguments
 *	are the fields of a shape, in field order.
 *
 * Results:
 *	A new lambda Tcl_Obj with a zero reference count. Each has a body
 *	object of its own, since a body compiled for one lambda would be
 *	compiled again for the next.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterHookMakeLambda(
    Tcl_Obj *bodyObj,		/* The hook script. */
    HookShape shape,		/* Fields that are arguments. */
    int general)		/* 1: the general lambda (shape unused). */
{
    Tcl_Obj *wrapped = Tcl_NewStringObj(general ? lambdaUnpack : "", -1);
    Tcl_Obj *argsObj = Tcl_NewStringObj("cluster service payload", -1);
    Tcl_Obj *elements[3];
    int id;

    Tcl_AppendToObj(wrapped, lambdaPrologue, -1);
    Tcl_AppendObjToObj(wrapped, bodyObj);
    Tcl_AppendToObj(wrapped, lambdaEpilogue, -1);
    for (id = 1; id < CLUSTER_F_COUNT && !general; id++) {
	if (shape & (1u << id)) {
	    Tcl_AppendStringsToObj(argsObj, " ", clusterFieldInfo[id].name,
		    (char *) NULL);
	}
    }
    elements[0] = argsObj;
    elements[1] = wrapped;
    elements[2] = Tcl_NewStringObj("::cluster::hook", -1);
    return Tcl_NewListObj(3, elements);
}

/*
 *----------------------------------------------------------------------
 *
 * PayloadShape --
 *
 *	Read a payload dict as a shape and the values of its fields. Keys
 *	are recognised by address when they are the shared key objects (as
 *	in every decoded payload), else by name.
 *
 * Results:
 *	1 when the payload is a dict whose keys are all fields of the
 *	template (an empty payload is one), else 0.
 *
 * Side effects:
 *	Fills *shapePtr and values[id] for each field present.
 *
 *----------------------------------------------------------------------
 */

static int
PayloadShape(
    Tcl_Obj *payloadObj,	/* Payload dict, or NULL. */
    HookShape *shapePtr,	/* Out: the fields present. */
    Tcl_Obj *values[CLUSTER_F_COUNT])	/* Out: their values. */
{
    ClusterPayloadCache *cachePtr;
    Tcl_DictSearch search;
    Tcl_Obj *keyObj, *valueObj;
    int done, id;

    *shapePtr = 0;
    if (payloadObj == NULL) {
	return 1;
    }
    if (Tcl_DictObjFirst(NULL, payloadObj, &search, &keyObj, &valueObj,
	    &done) != TCL_OK) {
	return 0;
    }
    cachePtr = ClusterGetPayloadCache();
    for (; !done; Tcl_DictObjNext(&search, &keyObj, &valueObj, &done)) {
	for (id = 1; id < CLUSTER_F_COUNT && cachePtr->keys[id] != keyObj;
		id++) {
	    /* Look for a shared key object. */
	}
	if (id == CLUSTER_F_COUNT) {
	    const char *name = Tcl_GetString(keyObj);

	    for (id = 1; id < CLUSTER_F_COUNT
		    && strcmp(name, clusterFieldInfo[id].name) != 0; id++) {
		/* Look for the name. */
	    }
	}
	if (id == CLUSTER_F_COUNT) {
	    Tcl_DictObjDone(&search);
	    return 0;
	}
	*shapePtr |= 1u << id;
	values[id] = valueObj;
    }
    Tcl_DictObjDone(&search);
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHookLambda --
 *
 *	The lambda to run a hook with for a payload, and the values to pass
 *	it after `cluster service payload`: the lambda of the payload's
 *	shape (made on first use), or the general one.
 *
 * Results:
 *	The lambda (owned by the hook).
 *
 * Side effects:
 *	May make and keep a lambda; fills valuesPtr[0..*numValuesPtr-1].
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterHookLambda(
    Hook *hookPtr,		/* Hook to run. */
    Tcl_Obj *payloadObj,	/* Its payload, or NULL. */
    Tcl_Obj **valuesPtr,	/* Out: CLUSTER_F_COUNT slots. */
    int *numValuesPtr)		/* Out: slots used. */
{
    Tcl_Obj *values[CLUSTER_F_COUNT];
    HookShape shape;
    int i, id;

    *numValuesPtr = 0;
    if (!PayloadShape(payloadObj, &shape, values)) {
	return hookPtr->lambdaObj;
    }
    for (i = 0; i < hookPtr->numShapes && hookPtr->shapes[i] != shape; i++) {
	/* Look for the shape. */
    }
    if (i == hookPtr->numShapes) {
	if (i == HOOK_SHAPES) {
	    return hookPtr->lambdaObj;
	}
	hookPtr->shapes[i] = shape;
	hookPtr->shapeLambdas[i] = ClusterHookMakeLambda(hookPtr->bodyObj,
		shape, 0);
	Tcl_IncrRefCount(hookPtr->shapeLambdas[i]);
	hookPtr->numShapes++;
    }
    for (id = 1; id < CLUSTER_F_COUNT; id++) {
	if (shape & (1u << id)) {
	    valuesPtr[(*numValuesPtr)++] = values[id];
	}
    }
    return hookPtr->shapeLambdas[i];
}
