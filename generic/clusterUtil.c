/*
 * clusterUtil.c --
 *
 *	Small helpers shared by the core: structures of clusters, services,
 *	queries and configs hold Tcl_Objs in slots, and this is the one way
 *	their references are managed.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterSetObj --
 *
 *	Replace the object held in a slot, managing references.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The slot holds a reference to valueObj (which may be NULL); the old
 *	value's reference is released.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSetObj(
    Tcl_Obj **slotPtr,		/* Slot to update. */
    Tcl_Obj *valueObj)		/* New value, or NULL. */
{
    if (valueObj != NULL) {
	Tcl_IncrRefCount(valueObj);
    }
    if (*slotPtr != NULL) {
	Tcl_DecrRefCount(*slotPtr);
    }
    *slotPtr = valueObj;
}
