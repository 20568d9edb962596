/*
 * clusterCorePeers.c --
 *
 *	Unicast peers (doc/protocol.md section 5.8), for networks that
 *	carry no multicast. A member joined with -peers has a UDP socket of
 *	its own (clusterNetPeer.c) and a table of peer addresses: the seeds
 *	it was given, the sources of what arrives on that socket, and the
 *	addresses its peers list in the `p` entry of their props. Whatever
 *	it multicasts also goes, the same bytes (sealed with keys), to each
 *	address of the table (ClusterPeersSendAll, from ClusterMulticastSend);
 *	what arrives on its socket goes through the receive pipeline as a
 *	datagram of `c` would.
 *
 *	An address entering the table is introduced to: an address learnt
 *	from a peer's list gets our discovery, which it answers with its
 *	heartbeat, straight back; a source not known before gets our
 *	heartbeat. A seed not heard from is sent a discovery again 250 ms
 *	after it was given, then 0.25, 0.5, 1, 2 ... s later, the wait
 *	doubling up to PEER_RETRY_MAX_MS. An address
 *	learnt, not a seed, that stays silent for -ttl is forgotten, and so
 *	at once is one whose member says it leaves.
 *
 *	Bounds: -maxpeers addresses (peers_full counts those not kept); a
 *	peer's list is read up to -maxpeers entries; a discovery from one
 *	address is answered at most once per -pinglimit.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCorePeersInt.h"

static void		SendOwnTo(Cluster *clusterPtr, int type,
			    const ClusterAddr *toPtr);
static void		TickProc(ClientData clientData);
static void		LearnList(Cluster *clusterPtr,
			    const ClusterIncoming *inPtr);
static int		NoPeers(Tcl_Interp *interp);

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersOpen, ClusterPeersClose --
 *
 *	Open the peer socket of a member joined with -peers, and enter its
 *	seeds (config peersObj, resolved by the face to ip:port); close it
 *	all (safe to call twice, and without peers).
 *
 * Results:
 *	A standard Tcl result; nothing is left open on error.
 *
 * Side effects:
 *	A socket, a timer, memory.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPeersOpen(
    Cluster *clusterPtr,	/* Member being born. */
    const ClusterNetHandler *handlerPtr,	/* Callbacks of the socket. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterConfig *configPtr = &clusterPtr->config;
    ClusterPeers *peersPtr;
    Tcl_Obj **seeds;
    ClusterErr err;
    int numSeeds, i;

    if (configPtr->peersObj == NULL) {
	return TCL_OK;
    }
    peersPtr = ckalloc(sizeof(ClusterPeers));
    memset(peersPtr, 0, sizeof(ClusterPeers));
    if (ClusterNetUnicastOpen(configPtr->peerPort, handlerPtr, clusterPtr,
	    &peersPtr->unicastPtr, &err) != TCL_OK) {
	ckfree(peersPtr);
	return ClusterErrToInterp(interp, &err);
    }
    clusterPtr->peersPtr = peersPtr;
    Tcl_ListObjGetElements(NULL, configPtr->peersObj, &numSeeds, &seeds);
    for (i = 0; i < numSeeds; i++) {
	ClusterAddr addr;

	if (ClusterParsePeer(Tcl_GetString(seeds[i]), &addr)
		&& ClusterPeersAdd(clusterPtr, &addr, interp) != TCL_OK) {
	    ClusterPeersClose(clusterPtr);
	    return TCL_ERROR;
	}
    }
    peersPtr->timer = Tcl_CreateTimerHandler(PEER_RETRY_FIRST_MS, TickProc,
	    clusterPtr);
    return TCL_OK;
}

void
ClusterPeersClose(
    Cluster *clusterPtr)	/* Member leaving. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;

    if (peersPtr == NULL) {
	return;
    }
    clusterPtr->peersPtr = NULL;
    if (peersPtr->timer != NULL) {
	Tcl_DeleteTimerHandler(peersPtr->timer);
    }
    ClusterNetUnicastClose(peersPtr->unicastPtr);
    if (peersPtr->peers != NULL) {
	ckfree(peersPtr->peers);
    }
    ckfree(peersPtr);
}

/*
 * ClusterPeersReceiving, ClusterPeersViaPeer --
 *
 *	Say whether the packet about to be handled came on the peer socket,
 *	returning what was said before, for the caller to restore (a hook
 *	may run the event loop, and a packet of another transport with it);
 *	tell what was said.
 */

int
ClusterPeersReceiving(
    Cluster *clusterPtr,	/* Member. */
    int viaPeer)		/* 1: on the peer socket. */
{
    int was;

    if (clusterPtr->peersPtr == NULL) {
	return 0;
    }
    was = clusterPtr->peersPtr->receiving;
    clusterPtr->peersPtr->receiving = viaPeer;
    return was;
}

int
ClusterPeersViaPeer(
    const Cluster *clusterPtr)	/* Member. */
{
    return clusterPtr->peersPtr != NULL && clusterPtr->peersPtr->receiving;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersSendAll --
 *
 *	Send a packet being multicast (already sealed with keys) to every
 *	peer in the table but ourselves, and but the addresses learnt from
 *	a list that never answered: those had one discovery when learnt
 *	(LearnList), so that a list, forged or not, costs one datagram per
 *	address it names rather than a copy of every multicast for -ttl.
 *
 * Results:
 *	How many peers it was sent to.
 *
 * Side effects:
 *	Datagrams; counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPeersSendAll(
    Cluster *clusterPtr,	/* Sender. */
    const unsigned char *bytes,	/* Whole packet or sealed frame. */
    size_t length)		/* Its size. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    int i, sent = 0;

    if (peersPtr == NULL) {
	return 0;
    }
    for (i = 0; i < peersPtr->numPeers; i++) {
	if ((peersPtr->peers[i].flags & PEER_SELF)
		|| (!(peersPtr->peers[i].flags & PEER_SEED)
		    && peersPtr->peers[i].heardMs == 0)) {
	    continue;
	}
	if (ClusterNetUnicastSend(peersPtr->unicastPtr,
		&peersPtr->peers[i].addr, bytes, length, NULL) != TCL_OK) {
	    clusterPtr->stats.peerSendFailures++;
	    continue;
	}
	clusterPtr->stats.peerPacketsOut++;
	clusterPtr->stats.peerBytesOut += (Tcl_WideInt) length;
	sent++;
    }
    return sent;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersSelf --
 *
 *	Our own packet came back on the peer socket: when the address it
 *	came from is our own socket's (our port, on loopback or an address
 *	of this machine: a seed naming us), nothing is sent to it any more;
 *	an address learnt is forgotten. From any other address it is a
 *	packet in our name, which anybody can send without keys (our sid
 *	is in every heartbeat): it must not silence a seed.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The table.
 *
 *----------------------------------------------------------------------
 */

void
ClusterPeersSelf(
    Cluster *clusterPtr,	/* Member. */
    const ClusterAddr *fromPtr)	/* Where the echo came from. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    ClusterPeer *peerPtr;

    if (peersPtr == NULL || !peersPtr->receiving
	    || !ClusterPeerIsSelf(clusterPtr, fromPtr)
	    || (peerPtr = ClusterPeerFind(peersPtr, fromPtr)) == NULL) {
	return;
    }
    if (peerPtr->flags & PEER_SEED) {
	peerPtr->flags |= PEER_SELF;
    } else {
	ClusterPeerForget(peersPtr, peerPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersHeard --
 *
 *	A payload that came on the peer socket passed the receive pipeline
 *	up to its sender's service: its source is a peer, heard now (added
 *	and greeted with our heartbeat when new; forgotten when it leaves,
 *	unless a seed). A discovery is answered with our heartbeat, to the
 *	asker alone; the addresses a heartbeat or discovery lists in its
 *	props are learnt.
 *
 * Results:
 *	1 when a discovery was answered here (the caller does not answer it
 *	to the group as well), else 0.
 *
 * Side effects:
 *	The table; datagrams; counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPeersHeard(
    Cluster *clusterPtr,	/* Member. */
    const ClusterIncoming *inPtr)	/* The payload. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    ClusterPeer *peerPtr;
    Tcl_WideInt now = ClusterpMonotonicMs();
    int isNew = 0;

    if (peersPtr == NULL || !inPtr->viaPeer) {
	return 0;
    }
    peerPtr = ClusterPeerFind(peersPtr, &inPtr->from);
    if (inPtr->type == CLUSTER_TYPE_DISCONNECT) {
	if (peerPtr != NULL && !(peerPtr->flags & PEER_SEED)) {
	    ClusterPeerForget(peersPtr, peerPtr);
	    clusterPtr->stats.peersExpired++;
	}
	return 0;
    }
    if (peerPtr == NULL) {
	ClusterPeerMakeRoom(clusterPtr);
	peerPtr = ClusterPeerInsert(clusterPtr, &inPtr->from, 0);
	if (peerPtr == NULL) {
	    return 0;
	}
	isNew = 1;
    }
    peerPtr->heardMs = now;
    peerPtr->backoffMs = PEER_RETRY_FIRST_MS;
    if (inPtr->type == CLUSTER_TYPE_HEARTBEAT
	    || inPtr->type == CLUSTER_TYPE_DISCOVERY) {
	LearnList(clusterPtr, inPtr);
    }
    if (inPtr->type == CLUSTER_TYPE_DISCOVERY) {
	/*
	 * The table may have grown: find the asker again.
	 */

	peerPtr = ClusterPeerFind(peersPtr, &inPtr->from);
	if (peerPtr != NULL && now - peerPtr->answeredMs
		>= clusterPtr->config.pingLimitMs) {
	    peerPtr->answeredMs = now;
	    SendOwnTo(clusterPtr, CLUSTER_TYPE_HEARTBEAT, &inPtr->from);
	}
	return 1;
    }
    if (isNew) {
	SendOwnTo(clusterPtr, CLUSTER_TYPE_HEARTBEAT, &inPtr->from);
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * LearnList --
 *
 *	Learn the addresses a peer lists in its props, `p {port N peers
 *	{ip:port ...}}`, at most -maxpeers of them: each one new, and not
 *	ours, is added and sent our discovery. A loopback address listed by
 *	a peer that is not on loopback names some other machine's member,
 *	and is skipped; with -remote 0 so is every address not of this
 *	machine (we would hear none of them, and must send nothing off it
 *	on a packet's say-so).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The table; datagrams.
 *
 *----------------------------------------------------------------------
 */

static void
LearnList(
    Cluster *clusterPtr,	/* Member. */
    const ClusterIncoming *inPtr)	/* A heartbeat or discovery. */
{
    Tcl_Obj *pObj, *listObj, **addrs;
    int numAddrs, i;
    Tcl_Obj *keyObj = Tcl_NewStringObj("p", 1);

    Tcl_IncrRefCount(keyObj);
    if (inPtr->dataObj == NULL || Tcl_DictObjGet(NULL, inPtr->dataObj,
	    keyObj, &pObj) != TCL_OK || pObj == NULL) {
	Tcl_DecrRefCount(keyObj);
	return;
    }
    Tcl_SetStringObj(keyObj, "peers", 5);
    if (Tcl_DictObjGet(NULL, pObj, keyObj, &listObj) != TCL_OK
	    || listObj == NULL || Tcl_ListObjGetElements(NULL, listObj,
		&numAddrs, &addrs) != TCL_OK) {
	Tcl_DecrRefCount(keyObj);
	return;
    }
    Tcl_DecrRefCount(keyObj);
    if (numAddrs > clusterPtr->config.maxPeers) {
	numAddrs = clusterPtr->config.maxPeers;
    }
    for (i = 0; i < numAddrs; i++) {
	ClusterAddr addr;

	if (!ClusterParsePeer(Tcl_GetString(addrs[i]), &addr)
		|| (ClusterPeerIsLoopback(addr.ip) && !ClusterPeerIsLoopback(inPtr->from.ip))
		|| (clusterPtr->config.remote == 0
		    && !ClusterIsLocalAddress(clusterPtr, &addr))
		|| ClusterPeerIsSelf(clusterPtr, &addr)
		|| ClusterPeerFind(clusterPtr->peersPtr, &addr) != NULL) {
	    continue;
	}
	if (ClusterPeerInsert(clusterPtr, &addr, 0) != NULL) {
	    clusterPtr->stats.peersLearnt++;
	    SendOwnTo(clusterPtr, CLUSTER_TYPE_DISCOVERY, &addr);
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersProps --
 *
 *	What a member with peers adds to its protocol props: `port`, its
 *	peer socket's, and `peers`, the addresses it has heard from within
 *	-ttl and its seeds (not its own), as ip:port.
 *
 * Results:
 *	A new dict, or NULL without peers.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterPeersProps(
    Cluster *clusterPtr)	/* Member. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    Tcl_Obj *propsObj, *listObj;
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt ttlMs = (Tcl_WideInt) clusterPtr->config.ttl * 1000;
    int i;

    if (peersPtr == NULL) {
	return NULL;
    }
    listObj = Tcl_NewListObj(0, NULL);
    for (i = 0; i < peersPtr->numPeers; i++) {
	ClusterPeer *peerPtr = &peersPtr->peers[i];

	if (!(peerPtr->flags & PEER_SELF) && ((peerPtr->flags & PEER_SEED)
		|| (peerPtr->heardMs != 0 && now - peerPtr->heardMs
		    <= ttlMs))) {
	    Tcl_ListObjAppendElement(NULL, listObj,
		    ClusterPeerFormat(&peerPtr->addr));
	}
    }
    propsObj = Tcl_NewDictObj();
    Tcl_DictObjPut(NULL, propsObj, Tcl_NewStringObj("port", 4),
	    Tcl_NewIntObj(ClusterNetUnicastPort(peersPtr->unicastPtr)));
    Tcl_DictObjPut(NULL, propsObj, Tcl_NewStringObj("peers", 5), listObj);
    return propsObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeersAdd, ClusterPeersRemove, ClusterPeersList, ClusterPeersPort --
 *
 *	`$cluster peers add|remove` and `$cluster peers`: make an address
 *	a seed (added when new, and sent our discovery at once), forget
 *	one, list them all as ip:port; the port of the peer socket.
 *
 * Results:
 *	Add, Remove: a standard Tcl result; errors {CLUSTER PEERS
 *	NO_PEERS|FULL|UNKNOWN}. List: a new list. Port: the port, or 0
 *	without peers.
 *
 * Side effects:
 *	The table; a datagram.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPeersAdd(
    Cluster *clusterPtr,	/* Member. */
    const ClusterAddr *addrPtr,	/* The seed. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    ClusterPeer *peerPtr;

    if (peersPtr == NULL) {
	return NoPeers(interp);
    }
    peerPtr = ClusterPeerFind(peersPtr, addrPtr);
    if (peerPtr == NULL) {
	ClusterPeerMakeRoom(clusterPtr);
	peerPtr = ClusterPeerInsert(clusterPtr, addrPtr, PEER_SEED);
	if (peerPtr == NULL) {
	    return ClusterError(interp, "PEERS", "FULL",
		    "can't add the peer: the member knows -maxpeers (%d)"
		    " peers already; remove one first, or join with a"
		    " larger -maxpeers", clusterPtr->config.maxPeers);
	}
    }
    peerPtr->flags |= PEER_SEED;
    if (ClusterPeerIsSelf(clusterPtr, addrPtr)) {
	peerPtr->flags |= PEER_SELF;
    }
    peerPtr->backoffMs = PEER_RETRY_FIRST_MS;
    peerPtr->retryMs = ClusterpMonotonicMs() + PEER_RETRY_FIRST_MS;
    if (peersPtr->timer != NULL) {
	SendOwnTo(clusterPtr, CLUSTER_TYPE_DISCOVERY, addrPtr);
    }
    return TCL_OK;
}

int
ClusterPeersRemove(
    Cluster *clusterPtr,	/* Member. */
    const ClusterAddr *addrPtr,	/* The address to forget. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    ClusterPeer *peerPtr;

    if (peersPtr == NULL) {
	return NoPeers(interp);
    }
    peerPtr = ClusterPeerFind(peersPtr, addrPtr);
    if (peerPtr == NULL) {
	Tcl_Obj *nameObj = ClusterPeerFormat(addrPtr);

	Tcl_IncrRefCount(nameObj);
	ClusterError(interp, "PEERS", "UNKNOWN",
		"no peer %s: `$cluster peers` lists them",
		Tcl_GetString(nameObj));
	Tcl_DecrRefCount(nameObj);
	return TCL_ERROR;
    }
    ClusterPeerForget(peersPtr, peerPtr);
    return TCL_OK;
}

Tcl_Obj *
ClusterPeersList(
    Cluster *clusterPtr)	/* Member. */
{
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL);
    int i;

    for (i = 0; peersPtr != NULL && i < peersPtr->numPeers; i++) {
	if (!(peersPtr->peers[i].flags & PEER_SELF)) {
	    Tcl_ListObjAppendElement(NULL, listObj,
		    ClusterPeerFormat(&peersPtr->peers[i].addr));
	}
    }
    return listObj;
}

int
ClusterPeersPort(
    const Cluster *clusterPtr)	/* Member. */
{
    return clusterPtr->peersPtr
	    ? ClusterNetUnicastPort(clusterPtr->peersPtr->unicastPtr) : 0;
}

/*
 *----------------------------------------------------------------------
 *
 * TickProc --
 *
 *	Ask again each seed that has not been heard from (or not for
 *	PEER_SILENT_BEATS heartbeats) once its wait is over, doubling the
 *	wait up to PEER_RETRY_MAX_MS; forget each address learnt that has
 *	been silent for -ttl. It runs again when the next retry is due, at
 *	the latest PEER_TICK_MS later.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Datagrams; the table; counters; the next tick.
 *
 *----------------------------------------------------------------------
 */

static void
TickProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    ClusterPeers *peersPtr = clusterPtr->peersPtr;
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt ttlMs = (Tcl_WideInt) clusterPtr->config.ttl * 1000;
    Tcl_WideInt silentMs = (Tcl_WideInt) clusterPtr->config.heartbeatMs
	    * PEER_SILENT_BEATS;
    Tcl_WideInt nextMs = now + PEER_TICK_MS;
    int i;

    peersPtr->timer = NULL;
    for (i = peersPtr->numPeers - 1; i >= 0; i--) {
	ClusterPeer *peerPtr = &peersPtr->peers[i];
	Tcl_WideInt since = peerPtr->heardMs ? peerPtr->heardMs
		: peerPtr->addedMs;

	if (peerPtr->flags & PEER_SELF) {
	    continue;
	}
	if (!(peerPtr->flags & PEER_SEED)) {
	    if (now - since > ttlMs) {
		ClusterPeerForget(peersPtr, peerPtr);
		clusterPtr->stats.peersExpired++;
	    }
	    continue;
	}
	if (peerPtr->heardMs != 0 && now - peerPtr->heardMs <= silentMs) {
	    continue;
	}
	if (now >= peerPtr->retryMs) {
	    clusterPtr->stats.peerRetries++;
	    peerPtr->retryMs = now + peerPtr->backoffMs;
	    peerPtr->backoffMs = (peerPtr->backoffMs * 2 > PEER_RETRY_MAX_MS)
		    ? PEER_RETRY_MAX_MS : peerPtr->backoffMs * 2;
	    SendOwnTo(clusterPtr, CLUSTER_TYPE_DISCOVERY, &peerPtr->addr);
	}
	if (peerPtr->retryMs < nextMs) {
	    nextMs = peerPtr->retryMs;
	}
    }
    peersPtr->timer = Tcl_CreateTimerHandler((int) (nextMs - now < 10 ? 10
	    : nextMs - now), TickProc, clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * SendOwnTo --
 *
 *	Send our heartbeat or discovery (props, peers, known, tags, `op
 *	probe`) to one peer address, sealed with keys as a multicast is.
 *	The send hooks do not run: it is the peers' own bookkeeping, like
 *	the answers to probes on a stream.
 *
 * Results:
 *	None (a failure is counted).
 *
 * Side effects:
 *	A datagram; counters.
 *
 *----------------------------------------------------------------------
 */

static void
SendOwnTo(
    Cluster *clusterPtr,	/* Sender. */
    int type,			/* CLUSTER_TYPE_HEARTBEAT or _DISCOVERY. */
    const ClusterAddr *toPtr)	/* The peer. */
{
    Tcl_Obj *payloadObj = ClusterPresencePayload(clusterPtr, type);
    ClusterBuf buf;
    const unsigned char *bytes;
    size_t start, length;

    Tcl_IncrRefCount(payloadObj);
    ClusterBufInit(&buf);
    if (ClusterPayloadEncode(NULL, payloadObj, 0, &buf, &start, &length)
	    == TCL_OK) {
	bytes = buf.bytes + start;
	if (ClusterSealOut(clusterPtr, 0, &clusterPtr->seal.mcastSeq, 1,
		&bytes, &length) < 0 || ClusterNetUnicastSend(
		    clusterPtr->peersPtr->unicastPtr, toPtr, bytes, length,
		    NULL) != TCL_OK) {
	    clusterPtr->stats.peerSendFailures++;
	} else {
	    clusterPtr->stats.peerPacketsOut++;
	    clusterPtr->stats.peerBytesOut += (Tcl_WideInt) length;
	}
    }
    ClusterBufFree(&buf);
    Tcl_DecrRefCount(payloadObj);
}

/*
 * NoPeers --
 *
 *	The error of `$cluster peers add|remove` on a member without peers.
 */

static int
NoPeers(
    Tcl_Interp *interp)		/* For the error. */
{
    return ClusterError(interp, "PEERS", "NO_PEERS",
	    "this member has no peer socket: join with -peers (a list of"
	    " host:port, or {}) to use peers");
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
