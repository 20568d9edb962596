/*
 * clusterCorePeersTable.c --
 *
 *	The table of peer addresses of a member joined with -peers (see
 *	clusterCorePeers.c): finding, adding and removing an address, making
 *	room in a full table, and telling our own socket's address.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCorePeersInt.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeerFind, ClusterPeerInsert, ClusterPeerForget --
 *
 *	The table: find an address; add one (at most -maxpeers, else
 *	counted in peers_full and NULL); remove an entry (the last one
 *	takes its place).
 *
 * Results:
 *	Find, Insert: the entry, valid until the table next changes.
 *
 * Side effects:
 *	Memory; counters.
 *
 *----------------------------------------------------------------------
 */

ClusterPeer *
ClusterPeerFind(
    ClusterPeers *peersPtr,	/* The table. */
    const ClusterAddr *addrPtr)	/* Address and port. */
{
    int i;

    for (i = 0; i < peersPtr->numPeers; i++) {
	if (peersPtr->peers[i].addr.ip == addrPtr->ip
		&& peersPtr->peers[i].addr.port == addrPtr->port) {
	    return &peersPtr->peers[i];
	}
    }
    return NULL;
}

ClusterPeer *
ClusterPeerInsert(
    Cluster *clusterPtr,	/* Member. */
    const ClusterAddr *addrPtr,	/* Address and port. */
    int flags)			/* PEER_* bits. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    ClusterPeer *peerPtr;

    if (peersPtr->numPeers >= clusterPtr->config.maxPeers) {
	clusterPtr->stats.peersFull++;
	return NULL;
    }
    if (peersPtr->numPeers == peersPtr->capacity) {
	peersPtr->capacity = peersPtr->capacity ? 2 * peersPtr->capacity : 8;
	peersPtr->peers = ckrealloc(peersPtr->peers,
		peersPtr->capacity * sizeof(ClusterPeer));
    }
    peerPtr = &peersPtr->peers[peersPtr->numPeers++];
    memset(peerPtr, 0, sizeof(ClusterPeer));
    peerPtr->addr = *addrPtr;
    peerPtr->flags = flags;
    peerPtr->addedMs = ClusterpMonotonicMs();
    peerPtr->backoffMs = PEER_RETRY_FIRST_MS;
    return peerPtr;
}

void
ClusterPeerForget(
    ClusterPeers *peersPtr,	/* The table. */
    ClusterPeer *peerPtr)	/* Entry to remove. */
{
    *peerPtr = peersPtr->peers[--peersPtr->numPeers];
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeerMakeRoom --
 *
 *	Before a seed or a source that has passed the pipeline enters a
 *	full table: forget the oldest address learnt from a list that has
 *	never been heard from. Anybody can list -maxpeers addresses in one
 *	heartbeat; such an address must not keep out a peer that answers.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The table; peers_full counts the address forgotten.
 *
 *----------------------------------------------------------------------
 */

void
ClusterPeerMakeRoom(
    Cluster *clusterPtr)	/* Member. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    ClusterPeer *oldestPtr = NULL;
    int i;

    if (peersPtr->numPeers < clusterPtr->config.maxPeers) {
	return;
    }
    for (i = 0; i < peersPtr->numPeers; i++) {
	ClusterPeer *peerPtr = &peersPtr->peers[i];

	if (!(peerPtr->flags & (PEER_SEED | PEER_SELF))
		&& peerPtr->heardMs == 0 && (oldestPtr == NULL
		    || peerPtr->addedMs < oldestPtr->addedMs)) {
	    oldestPtr = peerPtr;
	}
    }
    if (oldestPtr != NULL) {
	ClusterPeerForget(peersPtr, oldestPtr);
	clusterPtr->stats.peersFull++;
    }
}

/*
 * ClusterPeerIsSelf --
 *
 *	Whether an address is our own peer socket: its port, on loopback or
 *	on an address of this machine.
 */

int
ClusterPeerIsSelf(
    Cluster *clusterPtr,	/* Member. */
    const ClusterAddr *addrPtr)	/* Address and port. */
{
    return ClusterPortFromNet(addrPtr->port) == ClusterPeersPort(clusterPtr)
	    && (ClusterPeerIsLoopback(addrPtr->ip)
		|| ClusterIsLocalAddress(clusterPtr, addrPtr));
}

int
ClusterPeerIsLoopback(
    uint32_t ip)		/* Network order. */
{
    const unsigned char *bytes = (const unsigned char *) &ip;

    return bytes[0] == 127;
}

/*
 * ClusterPeerFormat --
 *
 *	An address as ip:port, a new object.
 */

Tcl_Obj *
ClusterPeerFormat(
    const ClusterAddr *addrPtr)	/* Address and port. */
{
    char ip[CLUSTER_ADDR_STRLEN];

    ClusterpFormatAddress(addrPtr, ip);
    return Tcl_ObjPrintf("%s:%d", ip, ClusterPortFromNet(addrPtr->port));
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
