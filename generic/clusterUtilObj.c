/*
 * clusterUtilObj.c --
 *
 *	Helpers over Tcl's own objects and tables, for the core and the
 *	Tcl face. Kept apart from clusterUtil.c because the fuzzers link
 *	that file without the Tcl library.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterPort.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterIntKeysSorted --
 *
 *	The keys of a table of TCL_ONE_WORD_KEYS that are integers (the
 *	channels subscribed to, those with a handler), from `lowest` up.
 *
 * Results:
 *	A new list of the keys >= lowest, in increasing order.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterIntKeysSorted(
    Tcl_HashTable *tablePtr,	/* Keys: integers. */
    int lowest)			/* Smallest key to list. */
{
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL), **have, *keyObj;
    Tcl_HashSearch search;
    Tcl_HashEntry *entryPtr;
    int key, numHave, at, other;

    for (entryPtr = Tcl_FirstHashEntry(tablePtr, &search);
	    entryPtr != NULL; entryPtr = Tcl_NextHashEntry(&search)) {
	key = (int) (intptr_t) Tcl_GetHashKey(tablePtr, entryPtr);
	if (key < lowest) {
	    continue;
	}
	Tcl_ListObjGetElements(NULL, listObj, &numHave, &have);
	for (at = 0; at < numHave; at++) {
	    Tcl_GetIntFromObj(NULL, have[at], &other);
	    if (other > key) {
		break;
	    }
	}
	keyObj = Tcl_NewIntObj(key);
	Tcl_ListObjReplace(NULL, listObj, at, 0, 1, &keyObj);
    }
    return listObj;
}
