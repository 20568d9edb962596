/*
 * clusterCmdPeers.c --
 *
 *	The Tcl side of unicast peers (doc/protocol.md section 5.8): the
 *	-peers option of `cluster join`, whose host names are looked up
 *	here, once, and `$cluster peers ?add|remove host:port?`.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterGetPeerFromObj --
 *
 *	Read a peer given as host:port: an IPv4 address or a host name
 *	(looked up now, its first IPv4 address), and a port from 1 to
 *	65535.
 *
 * Results:
 *	A standard Tcl result; errors {CLUSTER INVALID_ARGS what} saying
 *	what is wrong.
 *
 * Side effects:
 *	May query the system's resolver (which may block, for a name).
 *
 *----------------------------------------------------------------------
 */

int
ClusterGetPeerFromObj(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *objPtr,		/* host:port. */
    const char *what,		/* For the errorcode: -peers or peers. */
    ClusterAddr *addrPtr)	/* Out: address and port. */
{
    const char *text = Tcl_GetString(objPtr);
    const char *colon = strrchr(text, ':');
    char ip[CLUSTER_ADDR_STRLEN];
    Tcl_Obj *hostObj, *peerObj;
    int port, ok;

    if (colon == NULL || colon == text || Tcl_GetInt(NULL, colon + 1,
	    &port) != TCL_OK || port < 1 || port > 65535) {
	return ClusterError(interp, "INVALID_ARGS", what,
		"bad peer \"%s\": must be host:port, an IPv4 address or"
		" host name and a UDP port from 1 to 65535", text);
    }
    hostObj = Tcl_NewStringObj(text, (int) (colon - text));
    Tcl_IncrRefCount(hostObj);
    ok = (ClusterpResolveHost(Tcl_GetString(hostObj), addrPtr) == 0);
    if (!ok) {
	ClusterError(interp, "INVALID_ARGS", what,
		"bad peer \"%s\": host \"%s\" has no IPv4 address", text,
		Tcl_GetString(hostObj));
    }
    Tcl_DecrRefCount(hostObj);
    if (!ok) {
	return TCL_ERROR;
    }
    ClusterpFormatAddress(addrPtr, ip);
    peerObj = Tcl_ObjPrintf("%s:%d", ip, port);
    Tcl_IncrRefCount(peerObj);
    ok = ClusterParsePeer(Tcl_GetString(peerObj), addrPtr);
    Tcl_DecrRefCount(peerObj);
    return ok ? TCL_OK : ClusterError(interp, "INVALID_ARGS", what,
	    "bad peer \"%s\": must be host:port of a unicast address"
	    " (not 0.0.0.0/8, multicast, or 240.0.0.0 and above)", text);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterParsePeersOption --
 *
 *	-peers {host:port ...}: each one read (ClusterGetPeerFromObj), and
 *	the list kept as ip:port, which the core reads without a lookup.
 *	An empty list is allowed: the member then has a peer socket and
 *	no seed of its own.
 *
 * Results:
 *	A standard Tcl result; errors {CLUSTER INVALID_ARGS -peers}.
 *
 * Side effects:
 *	configPtr->peersObj; lookups.
 *
 *----------------------------------------------------------------------
 */

int
ClusterParsePeersOption(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *valueObj,		/* The list. */
    ClusterConfig *configPtr)	/* Updated. */
{
    Tcl_Obj **peers, *listObj;
    int numPeers, i;

    if (Tcl_ListObjGetElements(NULL, valueObj, &numPeers, &peers)
	    != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "-peers",
		"bad -peers \"%s\": must be a list of host:port",
		Tcl_GetString(valueObj));
    }
    listObj = Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(listObj);
    for (i = 0; i < numPeers; i++) {
	ClusterAddr addr;
	char ip[CLUSTER_ADDR_STRLEN];

	if (ClusterGetPeerFromObj(interp, peers[i], "-peers", &addr)
		!= TCL_OK) {
	    Tcl_DecrRefCount(listObj);
	    return TCL_ERROR;
	}
	ClusterpFormatAddress(&addr, ip);
	Tcl_ListObjAppendElement(NULL, listObj, Tcl_ObjPrintf("%s:%d", ip,
		ClusterPortFromNet(addr.port)));
    }
    ClusterSetObj(&configPtr->peersObj, listObj);
    Tcl_DecrRefCount(listObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersCmd --
 *
 *	$cluster peers ?add|remove host:port?
 *
 *	Without arguments: the peer addresses the member sends to, as
 *	ip:port. add: make an address a seed (kept, and asked again while
 *	it is silent). remove: forget an address.
 *
 * Results:
 *	A standard Tcl result: the list, or empty.
 *
 * Side effects:
 *	The member's peers; a datagram.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPeersCmd(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Arguments after "peers". */
    Tcl_Obj *const objv[])
{
    static const char *const actions[] = {"add", "remove", NULL};
    ClusterAddr addr;
    int index;

    if (objc == 0) {
	Tcl_SetObjResult(interp, ClusterPeersList(clusterPtr));
	return TCL_OK;
    }
    if (objc != 2) {
	return ClusterError(interp, "INVALID_ARGS", "peers",
		"wrong # args: should be \"%s peers ?add|remove"
		" host:port?\"", Tcl_GetString(clusterPtr->nameObj));
    }
    if (ClusterCmdGetIndex(interp, objv[0], actions, sizeof(char *),
	    "peers action", &index) != TCL_OK
	    || ClusterGetPeerFromObj(interp, objv[1], "peers", &addr)
		!= TCL_OK) {
	return TCL_ERROR;
    }
    if (index == 0) {
	return ClusterPeersAdd(clusterPtr, &addr, interp);
    }
    return ClusterPeersRemove(clusterPtr, &addr, interp);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
