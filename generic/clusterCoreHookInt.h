/*
 * clusterCoreHookInt.h --
 *
 *	What clusterCoreHook.c (the table of hooks, running them) and
 *	clusterCoreHookLambda.c (the lambdas they run as) share.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERCOREHOOKINT_H
#define _CLUSTERCOREHOOKINT_H

#include "clusterCore.h"

/*
 * Payload shapes a hook keeps a lambda for; more go to the general one.
 */

#define HOOK_SHAPES 12

/*
 * A set of payload keys: bit i stands for field i of the template.
 */

typedef unsigned int HookShape;

typedef struct Hook {
    Tcl_Obj *bodyObj;		/* The script as registered. */
    Tcl_Obj *lambdaObj;		/* The general lambda; caches the compiled
				 * body in its internal rep. */
    int numShapes;		/* Entries used in the two arrays below. */
    HookShape shapes[HOOK_SHAPES];	/* Shapes met so far... */
    Tcl_Obj *shapeLambdas[HOOK_SHAPES];	/* ...and their lambdas. */
} Hook;

Tcl_Obj *	ClusterHookMakeLambda(Tcl_Obj *bodyObj, HookShape shape,
		    int general);
Tcl_Obj *	ClusterHookLambda(Hook *hookPtr, Tcl_Obj *payloadObj,
		    Tcl_Obj **valuesPtr, int *numValuesPtr);

#endif /* _CLUSTERCOREHOOKINT_H */
