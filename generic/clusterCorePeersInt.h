/*
 * clusterCorePeersInt.h --
 *
 *	What clusterCorePeers.c (unicast peers: the socket, what is sent
 *	and heard, retries) and clusterCorePeersTable.c (the table of peer
 *	addresses) share.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERCOREPEERSINT_H
#define _CLUSTERCOREPEERSINT_H

#include "clusterCore.h"

#define PEER_TICK_MS		1000	/* The table timer's longest wait. */
#define PEER_RETRY_FIRST_MS	250	/* First wait before a seed is asked
					 * again, */
#define PEER_RETRY_MAX_MS	30000	/* and the longest. */
#define PEER_SILENT_BEATS	3	/* A seed silent for this many
					 * heartbeats is asked again. */

#define PEER_SEED	(1<<0)	/* Given: kept, and asked again when
				 * silent. */
#define PEER_SELF	(1<<1)	/* Our own socket: nothing sent to it. */

typedef struct ClusterPeer {
    ClusterAddr addr;		/* Its address and port. */
    int flags;			/* PEER_* bits. */
    Tcl_WideInt addedMs;	/* When it entered the table. */
    Tcl_WideInt heardMs;	/* When a packet from it was last taken;
				 * 0: never. */
    Tcl_WideInt retryMs;	/* Seed: when to ask it again. */
    int backoffMs;		/* Seed: the wait after that. */
    Tcl_WideInt answeredMs;	/* When its discovery was last answered. */
} ClusterPeer;

typedef struct ClusterPeers {
    ClusterNetUnicast *unicastPtr;	/* Our socket. */
    ClusterPeer *peers;		/* The table, numPeers used of capacity. */
    int numPeers;
    int capacity;
    Tcl_TimerToken timer;	/* PEER_TICK_MS: retries, expiry. */
    int receiving;		/* The packet being handled came on the
				 * socket. */
} ClusterPeers;

ClusterPeer *	ClusterPeerFind(ClusterPeers *peersPtr,
		    const ClusterAddr *addrPtr);
ClusterPeer *	ClusterPeerInsert(Cluster *clusterPtr,
		    const ClusterAddr *addrPtr, int flags);
void		ClusterPeerForget(ClusterPeers *peersPtr,
		    ClusterPeer *peerPtr);
void		ClusterPeerMakeRoom(Cluster *clusterPtr);
int		ClusterPeerIsSelf(Cluster *clusterPtr,
		    const ClusterAddr *addrPtr);
int		ClusterPeerIsLoopback(uint32_t ip);
Tcl_Obj *	ClusterPeerFormat(const ClusterAddr *addrPtr);

#endif /* _CLUSTERCOREPEERSINT_H */
