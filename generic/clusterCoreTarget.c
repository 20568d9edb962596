/*
 * clusterCoreTarget.c --
 *
 *	Where a stream to a service goes: the address or path its props
 *	advertise (ClusterServiceTarget), and what happens to the
 *	connections opened to it when its address changes, or ours does
 *	(doc/protocol.md 5.4). Split from clusterCoreNet.c, which uses the
 *	target to open connections.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static Tcl_Obj *	DictGet(Tcl_Obj *dictObj, const char *key);

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamsMoved --
 *
 *	A service's address changed (a `c` packet of it came from another
 *	address, doc/protocol.md 5.4): the t connections we opened to where
 *	it was are closed and what they still held goes to where it is.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Connections; may run the send hooks (ClusterSendFailed).
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamsMoved(
    ClusterService *servicePtr)	/* Service whose address changed. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    const char *path = NULL;
    ClusterAddr to;

    if (clusterPtr->streamsPtr == NULL || ClusterIsDeleted(clusterPtr)
	    || (servicePtr->flags & SERVICE_DELETED)
	    || ClusterServiceTarget(servicePtr, CLUSTER_PROTO_T, &to, &path)
		!= TCL_OK) {
	return;
    }
    Tcl_Preserve(clusterPtr);
    (void) ClusterNetStreamsMoved(clusterPtr->streamsPtr, &servicePtr->peer,
	    &to, NULL, 0);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamsRelocate --
 *
 *	This host lost the address our multicasts came from (it was
 *	renumbered): the t connections we opened from an address it no
 *	longer has are closed, and what they held goes over new ones to the
 *	same services, which start from an address it has. Services on this
 *	machine are reached over loopback and keep theirs.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Connections; may run the send hooks (ClusterSendFailed).
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamsRelocate(
    Cluster *clusterPtr)	/* Cluster whose host was renumbered. */
{
    ClusterService *servicePtr, **services;
    const char *path = NULL;
    ClusterAddr to;
    int numServices = 0, i;

    if (clusterPtr->streamsPtr == NULL || clusterPtr->numServices == 0) {
	return;
    }
    services = ckalloc(sizeof(ClusterService *) * clusterPtr->numServices);
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	if (!ClusterOverLoopback(servicePtr)) {
	    Tcl_Preserve(servicePtr);
	    services[numServices++] = servicePtr;
	}
    }

    /*
     * A send hook run for one service may remove others, or the cluster.
     */

    Tcl_Preserve(clusterPtr);
    for (i = 0; i < numServices; i++) {
	servicePtr = services[i];
	if (!ClusterIsDeleted(clusterPtr)
		&& !(servicePtr->flags & SERVICE_DELETED)
		&& ClusterServiceTarget(servicePtr, CLUSTER_PROTO_T, &to, &path)
		    == TCL_OK) {
	    (void) ClusterNetStreamsMoved(clusterPtr->streamsPtr,
		    &servicePtr->peer, &to, clusterPtr->localAddrs,
		    clusterPtr->numLocalAddrs);
	}
	Tcl_Release(servicePtr);
    }
    Tcl_Release(clusterPtr);
    ckfree(services);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOverLoopback --
 *
 *	Whether a service is reached over loopback (t at 127.0.0.1, and u):
 *	it is on this machine by an address no other host can send from:
 *	u, a loopback address, or an IPv4 address of the machine (the
 *	kernel drops those when they come from the wire). An IPv6 address
 *	of the machine proves nothing: a host on the link can send from it,
 *	and the kernel passes it. Such a service is reached at that address
 *	over t, where any host on the link could connect itself, never at
 *	127.0.0.1 or a unix socket of its choice.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterOverLoopback(
    const ClusterService *servicePtr)	/* Service to reach. */
{
    return (servicePtr->flags & SERVICE_LOCAL)
	    && (!servicePtr->addr.v6
		|| ClusterAddrIsLoopback(&servicePtr->addr));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCanStream --
 *
 *	Whether a service advertises what it takes to open a stream to it
 *	over t or u (ClusterServiceTarget).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterCanStream(
    ClusterService *servicePtr,	/* Service to reach. */
    ClusterProto proto)		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
{
    ClusterAddr to;
    const char *path;

    return ClusterServiceTarget(servicePtr, proto, &to, &path) == TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceTarget --
 *
 *	Where to connect to reach a service over t or u, from the props it
 *	advertises (`t {port N}`, `u {path P}`). A service on this machine
 *	is reached over loopback (ClusterOverLoopback); u is never tried
 *	for another.
 *
 * Results:
 *	TCL_OK with *toPtr (t) or *pathPtr (u, valid while the service's
 *	props are unchanged) filled; TCL_ERROR when the service cannot be
 *	reached over that protocol.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterServiceTarget(
    ClusterService *servicePtr,	/* Service to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    ClusterAddr *toPtr,		/* Filled for t. */
    const char **pathPtr)	/* Filled for u. */
{
    int local = ClusterOverLoopback(servicePtr);
    Tcl_Obj *propsObj = DictGet(servicePtr->propsObj,
	    (proto == CLUSTER_PROTO_T) ? "t" : "u");
    Tcl_Obj *valueObj;
    int port;

    if (proto == CLUSTER_PROTO_U) {
	valueObj = DictGet(propsObj, "path");
	if (!local || valueObj == NULL) {
	    return TCL_ERROR;
	}
	*pathPtr = Tcl_GetString(valueObj);
	return (**pathPtr != '\0') ? TCL_OK : TCL_ERROR;
    }
    valueObj = DictGet(propsObj, "port");
    if (valueObj == NULL || Tcl_GetIntFromObj(NULL, valueObj, &port)
	    != TCL_OK || port < 1 || port > 65535) {
	return TCL_ERROR;
    }
    if (local) {
	ClusterpParseAddress("127.0.0.1", toPtr);
    } else {
	*toPtr = servicePtr->addr;
    }
    toPtr->port = ClusterPortToNet(port);
    return ClusterAddrIsSet(toPtr) ? TCL_OK : TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * DictGet --
 *
 *	The value of a key in a dict.
 *
 * Results:
 *	The value; NULL when dictObj is NULL, not a dict, or lacks the key.
 *
 * Side effects:
 *	May shimmer dictObj to a dict.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
DictGet(
    Tcl_Obj *dictObj,		/* A dict, or NULL. */
    const char *key)		/* Key to look up. */
{
    Tcl_Obj *keyObj, *valueObj = NULL;

    if (dictObj == NULL) {
	return NULL;
    }
    keyObj = Tcl_NewStringObj(key, -1);
    Tcl_IncrRefCount(keyObj);
    if (Tcl_DictObjGet(NULL, dictObj, keyObj, &valueObj) != TCL_OK) {
	valueObj = NULL;
    }
    Tcl_DecrRefCount(keyObj);
    return valueObj;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
