/*
 * clusterCoreReceive.c --
 *
 *	The receive pipeline. Every packet, from any transport, comes
 *	through ClusterReceivePacket, which applies the order of doc/protocol.md section 5.2: decode
 *	(stopping early on our own echo or a filter not for us) -> remote
 *	policy -> channel -> the receive hooks -> service lookup or creation
 *	-> per-type handling. What a payload teaches of its sender is in
 *	clusterCoreLearn.c; services are dropped by the ttl sweep, after an
 *	unanswered ping, or by a disconnect (clusterCoreLiveness.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 * How long a read of the machine's addresses stays fresh.
 */

#define LOCAL_ADDRS_TTL_MS 5000

/*
 * The most addresses of the machine kept (the table grows to what the
 * interfaces have, up to this): a host with a container or a VPN per
 * interface has hundreds, each with its IPv6 link-local address.
 */

#define MAX_LOCAL_ADDRS 4096

/*
 * How often at most a change of the source of our own multicasts makes us
 * read the host's addresses again (SelfHeard): without keys anybody can
 * send a packet in our name, from any address.
 */

#define SELF_CHECK_MS 1000

static int		AcceptedByPolicy(Cluster *clusterPtr,
			    ClusterIncoming *inPtr);
static int		Dispatch(Cluster *clusterPtr,
			    ClusterService *servicePtr,
			    ClusterIncoming *inPtr);
static int		HandlePayload(Cluster *clusterPtr,
			    ClusterIncoming *inPtr);
static void		HandleFailure(Cluster *clusterPtr,
			    ClusterIncoming *inPtr);
static int		ProtocolsHaveC(Tcl_Obj *protocolsObj);
static int		ReadFields(ClusterIncoming *inPtr);
static void		RefreshLocalAddrs(Cluster *clusterPtr);
static void		SelfHeard(Cluster *clusterPtr,
			    const ClusterAddr *fromPtr);
static int		RunFilterHook(Cluster *clusterPtr, const char *path,
			    ClusterService *servicePtr, ClusterIncoming *inPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterReceivePacket --
 *
 *	Take one whole packet from a transport through the receive pipeline.
 *
 * Results:
 *	1 when the payload was handled and asked for keepalive, 0 when it
 *	was handled without, -1 when it was dropped.
 *
 * Side effects:
 *	Counters, services, hooks. The cluster may be destroyed by a hook:
 *	callers hold a Tcl_Preserve on it and check ClusterIsDeleted after.
 *
 *----------------------------------------------------------------------
 */

int
ClusterReceivePacket(
    Cluster *clusterPtr,	/* Receiving cluster. */
    ClusterProto proto,		/* Transport it arrived on. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its size. */
    const ClusterAddr *fromPtr,	/* Source address. */
    ClusterConn *connPtr)	/* Stream it arrived on, or NULL. */
{
    ClusterIdentity self;
    ClusterBytes tagBytes[64];
    Tcl_Obj **tags;
    ClusterIncoming in;
    int numTags, i, result;

    clusterPtr->stats.packetsIn[proto]++;
    clusterPtr->stats.bytesIn[proto] += (Tcl_WideInt) length;

    self.sid.bytes = (const unsigned char *) clusterPtr->sid;
    self.sid.length = 8;
    self.hid.bytes = (const unsigned char *) clusterPtr->hid;
    self.hid.length = strlen(clusterPtr->hid);
    Tcl_ListObjGetElements(NULL, clusterPtr->tagsObj, &numTags, &tags);
    if (numTags > 64) {
	numTags = 64;		/* Filters naming later tags still pass
				 * through the hid and sid. */
    }
    for (i = 0; i < numTags; i++) {
	int tagLength;

	tagBytes[i].bytes = (const unsigned char *)
		Tcl_GetStringFromObj(tags[i], &tagLength);
	tagBytes[i].length = (size_t) tagLength;
    }
    self.tags = tagBytes;
    self.numTags = numTags;

    memset(&in, 0, sizeof(in));
    switch (ClusterDecodeIncoming(bytes, length, proto, &self,
	    &in.payloadObj)) {
    case CLUSTER_DECODE_SELF:
	clusterPtr->stats.dropped[CLUSTER_DROP_SELF]++;
	if (ClusterPeersViaPeer(clusterPtr)) {
	    ClusterPeersSelf(clusterPtr, fromPtr);
	} else if (proto == CLUSTER_PROTO_C) {
	    SelfHeard(clusterPtr, fromPtr);
	}
	return -1;
    case CLUSTER_DECODE_FILTERED:
	clusterPtr->stats.dropped[CLUSTER_DROP_FILTER]++;
	return -1;
    case CLUSTER_DECODE_ERROR:
	clusterPtr->stats.dropped[CLUSTER_DROP_DECODE]++;
	return -1;
    case CLUSTER_DECODE_OK:
	break;
    }

    Tcl_IncrRefCount(in.payloadObj);
    in.arrivedObj = in.payloadObj;
    Tcl_IncrRefCount(in.arrivedObj);
    in.proto = proto;
    in.from = *fromPtr;
    in.connPtr = connPtr;
    in.viaPeer = ClusterPeersViaPeer(clusterPtr);
    Tcl_Preserve(clusterPtr);
    result = HandlePayload(clusterPtr, &in);
    Tcl_Release(clusterPtr);
    Tcl_DecrRefCount(in.payloadObj);
    Tcl_DecrRefCount(in.arrivedObj);
    return result;
}

/*
 *----------------------------------------------------------------------
 *
 * HandlePayload --
 *
 *	The part of the pipeline after decoding: policy, channel, receive
 *	hooks, validation, the service, then the payload's type.
 *
 * Results:
 *	As ClusterReceivePacket.
 *
 * Side effects:
 *	inPtr->payloadObj may be replaced by a hook (reference kept).
 *
 *----------------------------------------------------------------------
 */

static int
HandlePayload(
    Cluster *clusterPtr,	/* Receiving cluster (preserved). */
    ClusterIncoming *inPtr)	/* The payload and where it came from. */
{
    ClusterService *servicePtr;
    Tcl_HashEntry *entryPtr;
    char path[CLUSTER_HOOK_PATH_SIZE];
    int result;

    if (ReadFields(inPtr) != TCL_OK || !AcceptedByPolicy(clusterPtr, inPtr)) {
	return -1;
    }
    if (RunFilterHook(clusterPtr, "evaluate receive", NULL, inPtr) != TCL_OK) {
	return -1;
    }
    ClusterChannelHookPath(path, "receive", inPtr->channel);
    if (RunFilterHook(clusterPtr, path, NULL, inPtr) != TCL_OK
	    || RunFilterHook(clusterPtr, "evaluate service", NULL, inPtr)
		!= TCL_OK) {
	return -1;
    }
    if (inPtr->sidObj == NULL || inPtr->hidObj == NULL || inPtr->type < 0
	    || !inPtr->hasChannel || inPtr->protocolsObj == NULL
	    || !ProtocolsHaveC(inPtr->protocolsObj)) {
	clusterPtr->stats.dropped[CLUSTER_DROP_INVALID]++;
	return -1;
    }
    if (!ClusterRecordFits(clusterPtr, inPtr)) {
	return -1;
    }

    entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
	    Tcl_GetString(inPtr->sidObj));
    if (entryPtr != NULL) {
	servicePtr = Tcl_GetHashValue(entryPtr);
	Tcl_Preserve(servicePtr);
	if (RunFilterHook(clusterPtr, "service validate", servicePtr, inPtr)
		!= TCL_OK || (servicePtr->flags & SERVICE_DELETED)) {
	    Tcl_Release(servicePtr);
	    return -1;
	}
    } else if (inPtr->type == CLUSTER_TYPE_DISCONNECT) {
	return inPtr->keepalive;	/* Gone before we knew it. */
    } else if (!ClusterAdmitNew(clusterPtr, inPtr)) {
	return -1;
    } else {
	servicePtr = ClusterServiceCreate(clusterPtr, inPtr->sidObj);
	Tcl_Preserve(servicePtr);
	inPtr->newService = 1;
    }

    result = Dispatch(clusterPtr, servicePtr, inPtr);
    Tcl_Release(servicePtr);
    return result;
}

/*
 *----------------------------------------------------------------------
 *
 * ReadFields --
 *
 *	Read the fields the core needs from the payload dict.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR when the payload is not a dict.
 *
 * Side effects:
 *	Fills *inPtr.
 *
 *----------------------------------------------------------------------
 */

static int
ReadFields(
    ClusterIncoming *inPtr)	/* Payload in, fields out. */
{
    Tcl_Obj *payloadObj = inPtr->payloadObj, *valueObj;

#define FIELD(id, slot) \
    if (Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(id), &(slot)) \
	    != TCL_OK) { \
	return TCL_ERROR; \
    }
    FIELD(CLUSTER_F_SID, inPtr->sidObj);
    FIELD(CLUSTER_F_HID, inPtr->hidObj);
    FIELD(CLUSTER_F_PROTOCOLS, inPtr->protocolsObj);
    FIELD(CLUSTER_F_TAGS, inPtr->tagsObj);
    FIELD(CLUSTER_F_DATA, inPtr->dataObj);
    FIELD(CLUSTER_F_TYPE, valueObj);
    if (valueObj == NULL
	    || Tcl_GetIntFromObj(NULL, valueObj, &inPtr->type) != TCL_OK) {
	inPtr->type = -1;
    }
    FIELD(CLUSTER_F_CHANNEL, valueObj);
    inPtr->hasChannel = valueObj != NULL
	    && Tcl_GetIntFromObj(NULL, valueObj, &inPtr->channel) == TCL_OK;
    if (!inPtr->hasChannel) {
	inPtr->channel = 0;	/* For the policy; invalid all the same. */
    }
    FIELD(CLUSTER_F_OP, valueObj);
    inPtr->probe = valueObj != NULL
	    && strcmp(Tcl_GetString(valueObj), "probe") == 0;
    FIELD(CLUSTER_F_KEEPALIVE, valueObj);
    if (valueObj == NULL
	    || Tcl_GetBooleanFromObj(NULL, valueObj, &inPtr->keepalive)
		!= TCL_OK) {
	inPtr->keepalive = 0;
    }
#undef FIELD
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * AcceptedByPolicy --
 *
 *	Apply the remote policy (doc/protocol.md section 5) and the channel rules
 *	(section 3): with -remote 0 only this machine is heard, by source
 *	address and by hid; channel 1 only from this machine; channel 2 only
 *	from this machine or a directly connected subnet; other channels
 *	only when subscribed. A datagram that came over IPv6 from an
 *	IPv4-mapped source is forged, and never taken.
 *
 * Results:
 *	1 when the payload may go on, else 0 (and the drop is counted).
 *
 * Side effects:
 *	Sets inPtr->local.
 *
 *----------------------------------------------------------------------
 */

static int
AcceptedByPolicy(
    Cluster *clusterPtr,	/* Receiving cluster. */
    ClusterIncoming *inPtr)	/* The payload. */
{
    int sameHid = inPtr->hidObj != NULL
	    && strcmp(Tcl_GetString(inPtr->hidObj), clusterPtr->hid) == 0;

    inPtr->local = (inPtr->proto == CLUSTER_PROTO_U)
	    || ClusterIsLocalAddress(clusterPtr, &inPtr->from);
    if (ClusterAddrIsMapped(&inPtr->from)
	    || (clusterPtr->config.remote == 0 && (!inPtr->local
		|| (inPtr->hidObj != NULL && !sameHid)))) {
	clusterPtr->stats.dropped[CLUSTER_DROP_REMOTE]++;
	return 0;
    }
    if (Tcl_FindHashEntry(&clusterPtr->channels,
	    CLUSTER_INT2PTR(inPtr->channel)) == NULL) {
	clusterPtr->stats.dropped[CLUSTER_DROP_CHANNEL]++;
	return 0;
    }
    if ((inPtr->channel == CLUSTER_CHANNEL_SYSTEM && !inPtr->local)
	    || (inPtr->channel == CLUSTER_CHANNEL_LAN && !inPtr->local
		&& !ClusterIsOnLink(clusterPtr, &inPtr->from))) {
	clusterPtr->stats.dropped[CLUSTER_DROP_REMOTE]++;
	return 0;
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * RunFilterHook --
 *
 *	Run one receive-side hook, which may change the payload or refuse
 *	it, then read the payload's fields again. A query it refuses is
 *	answered with an error (ClusterQueryRefused).
 *
 * Results:
 *	TCL_OK to go on; TCL_ERROR when the payload is refused (counted)
 *	or the cluster was destroyed.
 *
 * Side effects:
 *	Whatever the hook does.
 *
 *----------------------------------------------------------------------
 */

static int
RunFilterHook(
    Cluster *clusterPtr,	/* Receiving cluster (preserved). */
    const char *path,		/* Hook path. */
    ClusterService *servicePtr,	/* Service involved, or NULL. */
    ClusterIncoming *inPtr)	/* The payload. */
{
    switch (ClusterHookRun(clusterPtr, path, servicePtr, &inPtr->payloadObj,
	    NULL)) {
    case CLUSTER_HOOK_NONE:
	return TCL_OK;
    case CLUSTER_HOOK_OK:
	if (ReadFields(inPtr) != TCL_OK) {
	    clusterPtr->stats.dropped[CLUSTER_DROP_HOOK]++;
	    return TCL_ERROR;
	}
	return TCL_OK;
    case CLUSTER_HOOK_STOP:
	clusterPtr->stats.dropped[CLUSTER_DROP_HOOK]++;
	if (inPtr->type == CLUSTER_TYPE_QUERY) {
	    ClusterQueryRefused(clusterPtr, inPtr->arrivedObj, inPtr->proto,
		    inPtr->connPtr, path);
	}
	return TCL_ERROR;
    case CLUSTER_HOOK_GONE:
	break;
    }
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * Dispatch --
 *
 *	Update the sender's service from the payload and act on its type
 *	(doc/protocol.md section 2).
 *
 * Results:
 *	1 when the payload asked for keepalive, else 0; -1 if it was lost
 *	to a hook that destroyed the cluster.
 *
 * Side effects:
 *	Many: see each type.
 *
 *----------------------------------------------------------------------
 */

static int
Dispatch(
    Cluster *clusterPtr,	/* Receiving cluster (preserved). */
    ClusterService *servicePtr,	/* Sender (preserved). */
    ClusterIncoming *inPtr)	/* The payload. */
{
    int tagsChanged, wasLocal = servicePtr->flags & SERVICE_LOCAL;
    int hadAddr = (servicePtr->addrObj != NULL);
    ClusterAddr was = servicePtr->addr;
    int answered = ClusterPeersHeard(clusterPtr, inPtr);

    if (inPtr->type == CLUSTER_TYPE_DISCONNECT) {
	ClusterRemoveService(servicePtr);
	return inPtr->keepalive;
    }
    tagsChanged = ClusterLearnFromPayload(servicePtr, inPtr);
    if (hadAddr && ClusterAddrIsSet(&was)
	    && (!ClusterAddrSameIp(&servicePtr->addr, &was)
	    || (servicePtr->flags & SERVICE_LOCAL) != wasLocal)) {
	ClusterStreamsMoved(servicePtr);
	if (ClusterIsDeleted(clusterPtr)
		|| (servicePtr->flags & SERVICE_DELETED)) {
	    return -1;
	}
    }
    if (inPtr->connPtr != NULL && !(servicePtr->flags & SERVICE_DELETED)
	    && ClusterConnBind(inPtr->connPtr, &servicePtr->peer) < 0) {
	clusterPtr->stats.inboundUnbound++;
    }

    switch (inPtr->type) {
    case CLUSTER_TYPE_HEARTBEAT:
    case CLUSTER_TYPE_DISCOVERY:
    case CLUSTER_TYPE_RESPONSE:
	if (inPtr->type != CLUSTER_TYPE_RESPONSE) {
	    ClusterMergeProps(servicePtr, inPtr->dataObj, 0);
	}
	break;
    case CLUSTER_TYPE_FLUSH:
	ClusterMergeProps(servicePtr, inPtr->dataObj, 1);
	break;
    default:
	break;
    }

    if (tagsChanged && (servicePtr->flags & SERVICE_ANNOUNCED)) {
	if (ClusterHookRun(clusterPtr, "tags changed", servicePtr,
		&inPtr->payloadObj, NULL) == CLUSTER_HOOK_GONE) {
	    return -1;
	}
	if (!(servicePtr->flags & SERVICE_DELETED)) {
	    ClusterWatchRun(clusterPtr, "tags", servicePtr);
	}
	if (ClusterIsDeleted(clusterPtr)) {
	    return -1;
	}
    }
    ClusterAnnounceIfReady(servicePtr);
    if (ClusterIsDeleted(clusterPtr) || (servicePtr->flags & SERVICE_DELETED)) {
	return -1;
    }

    switch (inPtr->type) {
    case CLUSTER_TYPE_DISCOVERY:
	if (!answered) {
	    ClusterReplyToDiscovery(clusterPtr);
	}
	break;
    case CLUSTER_TYPE_PING:
	ClusterHandlePing(clusterPtr, inPtr);
	break;
    case CLUSTER_TYPE_QUERY:
	ClusterQueryIncoming(clusterPtr, servicePtr, inPtr->payloadObj,
		inPtr->proto, inPtr->connPtr);
	break;
    case CLUSTER_TYPE_RESPONSE:
	ClusterQueryResponse(clusterPtr, servicePtr, inPtr->payloadObj);
	break;
    case CLUSTER_TYPE_EVENT:
	if (ClusterHandlerRun(clusterPtr, inPtr->channel, "event",
		servicePtr, inPtr->payloadObj, NULL) == CLUSTER_HOOK_NONE) {
	    ClusterHookRun(clusterPtr, "event", servicePtr,
		    &inPtr->payloadObj, NULL);
	}
	break;
    case CLUSTER_TYPE_FAILURE:
	HandleFailure(clusterPtr, inPtr);
	break;
    default:
	break;
    }
    return ClusterIsDeleted(clusterPtr) ? -1 : inPtr->keepalive;
}

/*
 *----------------------------------------------------------------------
 *
 * HandleFailure --
 *
 *	A member says it reached us only after some of our protocols failed
 *	(type 8). Anybody can say so, so the report is only a hint: a
 *	server listed is rebuilt when the sender was known before the
 *	report, our own check finds the server broken, and the server was
 *	not rebuilt in the last -rebuildlimit ms. Then the new props go out
 *	in a heartbeat. A report that rebuilt nothing is counted; when it
 *	came from a known service, the reporter may hold stale props of
 *	ours, and gets our props again in a heartbeat coalesced with the
 *	answers to pings (ClusterHeartbeatAnswer).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	New listening sockets; a heartbeat; counters.
 *
 *----------------------------------------------------------------------
 */

static void
HandleFailure(
    Cluster *clusterPtr,	/* Receiving cluster. */
    ClusterIncoming *inPtr)	/* The failure report. */
{
    Tcl_Obj *listObj = NULL, *keyObj, **protocols;
    Tcl_WideInt now = ClusterpMonotonicMs();
    int numProtocols = 0, i, rebuilt = 0;

    if (inPtr->dataObj != NULL && !inPtr->newService) {
	keyObj = Tcl_NewStringObj("protocols", -1);
	Tcl_IncrRefCount(keyObj);
	if (Tcl_DictObjGet(NULL, inPtr->dataObj, keyObj, &listObj) != TCL_OK
		|| listObj == NULL || Tcl_ListObjGetElements(NULL, listObj,
		    &numProtocols, &protocols) != TCL_OK) {
	    numProtocols = 0;
	}
	Tcl_DecrRefCount(keyObj);
    }
    for (i = 0; i < numProtocols; i++) {
	int proto = ClusterProtoFromName(Tcl_GetString(protocols[i]));
	Tcl_WideInt *lastPtr;

	if (proto <= CLUSTER_PROTO_C || !ClusterServes(clusterPtr, proto)
		|| ClusterStreamHealthy(clusterPtr, proto)) {
	    continue;
	}
	lastPtr = &clusterPtr->rebuildMs[proto];
	if (*lastPtr != 0
		&& now - *lastPtr < clusterPtr->config.rebuildLimitMs) {
	    continue;
	}
	*lastPtr = now;
	if (ClusterStreamRebuild(clusterPtr, proto, NULL) == TCL_OK) {
	    clusterPtr->stats.rebuilds++;
	    rebuilt = 1;
	}
    }
    if (rebuilt) {
	ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
    } else {
	clusterPtr->stats.reportsRefused++;
	if (numProtocols > 0) {
	    ClusterHeartbeatAnswer(clusterPtr, 1);
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterIsLocalAddress, ClusterIsOnLink --
 *
 *	Tell whether an address belongs to this machine (loopback or one of
 *	its interfaces), or to a directly connected subnet. The machine's
 *	addresses are read again when an unknown address shows up and the
 *	last read is older than a few seconds.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	May refresh clusterPtr->localAddrs.
 *
 *----------------------------------------------------------------------
 */

int
ClusterIsLocalAddress(
    Cluster *clusterPtr,	/* Cluster with the address cache. */
    const ClusterAddr *addrPtr)	/* Address to test. */
{
    int pass, i;

    if (ClusterAddrIsLoopback(addrPtr)) {
	return 1;
    }
    for (pass = 0; pass < 2; pass++) {
	for (i = 0; i < clusterPtr->numLocalAddrs; i++) {
	    if (ClusterAddrSameIp(&clusterPtr->localAddrs[i].addr,
		    addrPtr)) {
		return 1;
	    }
	}
	if (pass == 0 && ClusterpMonotonicMs() - clusterPtr->localAddrsMs
		< LOCAL_ADDRS_TTL_MS && clusterPtr->localAddrsMs != 0) {
	    break;
	}
	RefreshLocalAddrs(clusterPtr);
    }
    return 0;
}

int
ClusterIsOnLink(
    Cluster *clusterPtr,	/* Cluster with the address cache. */
    const ClusterAddr *addrPtr)	/* Address to test. */
{
    int i;

    if (clusterPtr->localAddrsMs == 0) {
	RefreshLocalAddrs(clusterPtr);
    }
    for (i = 0; i < clusterPtr->numLocalAddrs; i++) {
	const ClusterIfAddr *ifPtr = &clusterPtr->localAddrs[i];

	if (ClusterAddrInPrefix(ifPtr, addrPtr)) {
	    return 1;
	}
    }
    return 0;
}

static void
RefreshLocalAddrs(
    Cluster *clusterPtr)	/* Cluster with the address cache. */
{
    int count = ClusterpLocalAddresses(clusterPtr->localAddrs,
	    clusterPtr->localAddrsRoom);

    if (count > clusterPtr->localAddrsRoom
	    && clusterPtr->localAddrsRoom < MAX_LOCAL_ADDRS) {
	int room = (count < MAX_LOCAL_ADDRS - 16) ? count + 16
		: MAX_LOCAL_ADDRS;

	if (clusterPtr->localAddrs != NULL) {
	    ckfree(clusterPtr->localAddrs);
	}
	clusterPtr->localAddrs = ckalloc(room * sizeof(ClusterIfAddr));
	clusterPtr->localAddrsRoom = room;
	count = ClusterpLocalAddresses(clusterPtr->localAddrs, room);
    }
    clusterPtr->numLocalAddrs = (count < 0) ? 0
	    : (count < clusterPtr->localAddrsRoom) ? count
	    : clusterPtr->localAddrsRoom;
    clusterPtr->localAddrsMs = ClusterpMonotonicMs();
}

/*
 *----------------------------------------------------------------------
 *
 * SelfHeard --
 *
 *	Our own multicast came back: from where it came, the host's
 *	address on the group's interface. When that changes to an address
 *	the host has and the one before is gone (the host was renumbered),
 *	the t connections we opened from the old one are moved
 *	(ClusterStreamsRelocate); the peers learn the new one from the same
 *	multicast. A packet in our name from an address the host does not
 *	have changes nothing, and the addresses are read at most once per
 *	SELF_CHECK_MS.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	clusterPtr->selfAddr; the address cache; connections.
 *
 *----------------------------------------------------------------------
 */

static void
SelfHeard(
    Cluster *clusterPtr,	/* Receiving cluster. */
    const ClusterAddr *fromPtr)	/* Source of its own multicast. */
{
    ClusterAddr old = clusterPtr->selfAddr;
    Tcl_WideInt nowMs;

    if (ClusterAddrSameIp(fromPtr, &old) || ClusterIsDeleted(clusterPtr)) {
	return;
    }
    if (ClusterAddrIsSet(&old)) {
	nowMs = ClusterpMonotonicMs();
	if (nowMs - clusterPtr->selfCheckMs < SELF_CHECK_MS) {
	    return;
	}
	clusterPtr->selfCheckMs = nowMs;
    }
    if (!ClusterAddrIsLoopback(fromPtr)) {
	RefreshLocalAddrs(clusterPtr);
    }
    if (!ClusterIsLocalAddress(clusterPtr, fromPtr)) {
	return;
    }
    clusterPtr->selfAddr = *fromPtr;
    clusterPtr->selfAddr.port = 0;
    if (ClusterAddrIsSet(&old) && !ClusterIsLocalAddress(clusterPtr, &old)) {
	Tcl_Preserve(clusterPtr);
	ClusterStreamsRelocate(clusterPtr);
	Tcl_Release(clusterPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ProtocolsHaveC, ClusterHidValid --
 *
 *	Small checks: a valid payload's protocols contain `c`; a host id
 *	looks like a MAC address.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ProtocolsHaveC(
    Tcl_Obj *protocolsObj)	/* A list of protocol ids. */
{
    Tcl_Obj **protocols;
    int numProtocols, i;

    if (Tcl_ListObjGetElements(NULL, protocolsObj, &numProtocols,
	    &protocols) != TCL_OK) {
	return 0;
    }
    for (i = 0; i < numProtocols; i++) {
	if (strcmp(Tcl_GetString(protocols[i]), "c") == 0) {
	    return 1;
	}
    }
    return 0;
}

int
ClusterHidValid(
    const char *hid)		/* Candidate host id. */
{
    int i;

    for (i = 0; i < 17; i++) {
	int c = (unsigned char) hid[i];

	if (i % 3 == 2) {
	    if (c != ':') {
		return 0;
	    }
	} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
		|| (c >= 'A' && c <= 'F'))) {
	    return 0;
	}
    }
    return hid[17] == '\0';
}
