/*
 * clusterCoreService.c --
 *
 *	Services: what a cluster knows of another member, the record of
 *	it. Its object command (doc/protocol.md section 6.3) is the face's
 *	(clusterCmdService.c), made and deleted when the core tells the face
 *	through ClusterFaceProcs.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"


static void		FreeService(char *blockPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceCreate --
 *
 *	Make the service record for a sender heard for the first time, and
 *	have the face make its object command.
 *
 * Results:
 *	The new service, linked into the cluster.
 *
 * Side effects:
 *	The face's serviceCreatedProc.
 *
 *----------------------------------------------------------------------
 */

ClusterService *
ClusterServiceCreate(
    Cluster *clusterPtr,	/* Cluster that learns of it. */
    Tcl_Obj *sidObj)		/* Its sid. */
{
    ClusterService *servicePtr = ckalloc(sizeof(ClusterService));
    int isNew;

    memset(servicePtr, 0, sizeof(ClusterService));
    servicePtr->peer.data = servicePtr;
    servicePtr->clusterPtr = clusterPtr;
    ClusterSetObj(&servicePtr->sidObj,
	    Tcl_NewStringObj(Tcl_GetString(sidObj), -1));
    ClusterSetObj(&servicePtr->tagsObj, NULL);
    ClusterSetObj(&servicePtr->propsObj, Tcl_NewObj());
    servicePtr->lastSeenMs = ClusterpMonotonicMs();
    servicePtr->entryPtr = Tcl_CreateHashEntry(&clusterPtr->services,
	    Tcl_GetString(sidObj), &isNew);
    Tcl_SetHashValue(servicePtr->entryPtr, servicePtr);
    servicePtr->prevPtr = clusterPtr->lastService;
    if (clusterPtr->lastService) {
	clusterPtr->lastService->nextPtr = servicePtr;
    } else {
	clusterPtr->firstService = servicePtr;
    }
    clusterPtr->lastService = servicePtr;
    clusterPtr->numServices++;

    clusterPtr->faceProcsPtr->serviceCreatedProc(servicePtr);
    return servicePtr;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceUnlink --
 *
 *	Take a service out of its cluster's table and list, and close its
 *	connections.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The cluster no longer knows the service.
 *
 *----------------------------------------------------------------------
 */

void
ClusterServiceUnlink(
    ClusterService *servicePtr)	/* Service to unlink. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;

    if (servicePtr->entryPtr == NULL) {
	return;
    }
    Tcl_DeleteHashEntry(servicePtr->entryPtr);
    servicePtr->entryPtr = NULL;
    ClusterProbeForget(servicePtr);
    if (servicePtr->prevPtr) {
	servicePtr->prevPtr->nextPtr = servicePtr->nextPtr;
    } else {
	clusterPtr->firstService = servicePtr->nextPtr;
    }
    if (servicePtr->nextPtr) {
	servicePtr->nextPtr->prevPtr = servicePtr->prevPtr;
    } else {
	clusterPtr->lastService = servicePtr->prevPtr;
    }
    servicePtr->prevPtr = servicePtr->nextPtr = NULL;
    clusterPtr->numServices--;
    ClusterAnnounceForget(servicePtr);
    ClusterStreamsForget(servicePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceDelete --
 *
 *	An unlinked service is gone: have the face delete its object
 *	command, whose delete proc releases the record
 *	(ClusterServiceRelease).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The face's serviceDeletedProc.
 *
 *----------------------------------------------------------------------
 */

void
ClusterServiceDelete(
    ClusterService *servicePtr)	/* Unlinked service. */
{
    servicePtr->clusterPtr->faceProcsPtr->serviceDeletedProc(servicePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceRelease, FreeService --
 *
 *	Nothing refers to a removed service any more but those who hold it
 *	with Tcl_Preserve: free it once they let go.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Frees the service when released.
 *
 *----------------------------------------------------------------------
 */

void
ClusterServiceRelease(
    ClusterService *servicePtr)	/* Removed service. */
{
    Tcl_EventuallyFree(servicePtr, FreeService);
}


static void
FreeService(
    char *blockPtr)		/* The ClusterService. */
{
    ClusterService *servicePtr = (ClusterService *) blockPtr;
    Tcl_Obj **slots[] = {
	&servicePtr->nameObj, &servicePtr->sidObj, &servicePtr->hidObj,
	&servicePtr->addrObj, &servicePtr->tagsObj, &servicePtr->protocolsObj,
	&servicePtr->propsObj, &servicePtr->resolverTagsObj
    };
    size_t i;

    for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
	ClusterSetObj(slots[i], NULL);
    }
    ckfree(servicePtr);
}


/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceResolverTags --
 *
 *	What resolution matches a service against: its tags, sid, hid and
 *	address, and `localhost` when it lives on this machine.
 *
 * Results:
 *	A list object owned by the service (cached until something in it
 *	changes).
 *
 * Side effects:
 *	May rebuild the cache.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterServiceResolverTags(
    ClusterService *servicePtr)	/* Service of interest. */
{
    Tcl_Obj *listObj;

    if (servicePtr->resolverTagsObj != NULL) {
	return servicePtr->resolverTagsObj;
    }
    listObj = servicePtr->tagsObj ? Tcl_DuplicateObj(servicePtr->tagsObj)
	    : Tcl_NewListObj(0, NULL);
    if (Tcl_ListObjAppendElement(NULL, listObj, servicePtr->sidObj)
	    != TCL_OK) {
	Tcl_DecrRefCount(listObj);
	listObj = Tcl_NewListObj(1, &servicePtr->sidObj);
    }
    if (servicePtr->hidObj) {
	Tcl_ListObjAppendElement(NULL, listObj, servicePtr->hidObj);
    }
    if (servicePtr->addrObj) {
	Tcl_ListObjAppendElement(NULL, listObj, servicePtr->addrObj);
    }
    if (servicePtr->flags & SERVICE_LOCAL) {
	Tcl_ListObjAppendElement(NULL, listObj,
		Tcl_NewStringObj("localhost", -1));
    }
    ClusterSetObj(&servicePtr->resolverTagsObj, listObj);
    return listObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceInfo --
 *
 *	The dict `$service info` returns.
 *
 * Results:
 *	A new dict: last_seen address props system_id service_id tags
 *	protocols.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterServiceInfo(
    ClusterService *servicePtr)	/* Service of interest. */
{
    Tcl_Obj *dictObj = Tcl_NewDictObj();

#define PUT(key, valueObj) \
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj((key), -1), \
	    (valueObj) ? (valueObj) : Tcl_NewObj())
    PUT("last_seen", Tcl_NewWideIntObj(
	    (ClusterpMonotonicMs() - servicePtr->lastSeenMs) / 1000));
    PUT("address", servicePtr->addrObj);
    PUT("props", servicePtr->propsObj);
    PUT("system_id", servicePtr->hidObj);
    PUT("service_id", servicePtr->sidObj);
    PUT("tags", servicePtr->tagsObj);
    PUT("protocols", servicePtr->protocolsObj);
#undef PUT
    return dictObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceFind --
 *
 *	Find a service of a cluster by its sid, or by the name of its
 *	object command: names are the face's, so the face resolves them
 *	(serviceFromNameProc).
 *
 * Results:
 *	The service, or NULL.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

ClusterService *
ClusterServiceFind(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Obj *keyObj)		/* Sid or command name. */
{
    Tcl_HashEntry *entryPtr;
    ClusterService *servicePtr;

    entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
	    Tcl_GetString(keyObj));
    if (entryPtr == NULL) {
	return clusterPtr->faceProcsPtr->serviceFromNameProc(clusterPtr,
		keyObj);
    }
    servicePtr = Tcl_GetHashValue(entryPtr);
    return (servicePtr->flags & SERVICE_DELETED) ? NULL : servicePtr;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
