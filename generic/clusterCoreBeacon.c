/*
 * clusterCoreBeacon.c --
 *
 *	What a member says about itself: heartbeats (on a timer, on tag
 *	changes, when pinged), discoveries (at join and on request, rate
 *	limited), replies to discoveries, and the disconnect it sends when
 *	it leaves.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static void		HeartbeatTimerProc(ClientData clientData);
static void		PingAnswerProc(ClientData clientData);
static void		ReplyTimerProc(ClientData clientData);
static int		ReplyQuietMs(const Cluster *clusterPtr);
static int		SendOwn(Cluster *clusterPtr, Tcl_Obj *payloadObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterServes --
 *
 *	Tell whether this member serves a protocol (lists it in its
 *	protocols).
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
ClusterServes(
    Cluster *clusterPtr,	/* Member of interest. */
    ClusterProto proto)		/* Protocol of interest. */
{
    Tcl_Obj **protocols;
    int numProtocols, i;

    Tcl_ListObjGetElements(NULL, clusterPtr->config.protocolsObj,
	    &numProtocols, &protocols);
    for (i = 0; i < numProtocols; i++) {
	if (ClusterProtoFromName(Tcl_GetString(protocols[i])) == (int) proto) {
	    return 1;
	}
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOwnPayload --
 *
 *	Start a payload from this member: sid, hid, type, channel 0 and
 *	protocols, in the order the pure-Tcl package writes them.
 *
 * Results:
 *	A new, unshared dict with a zero reference count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterOwnPayload(
    Cluster *clusterPtr,	/* Sender. */
    int type)			/* Payload type. */
{
    Tcl_Obj *payloadObj = Tcl_NewDictObj();

    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_SID),
	    clusterPtr->sidObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_HID),
	    clusterPtr->hidObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_TYPE),
	    Tcl_NewIntObj(type));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_CHANNEL),
	    Tcl_NewIntObj(0));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_PROTOCOLS),
	    clusterPtr->config.protocolsObj);
    return payloadObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterProtoProps --
 *
 *	This member's protocol props, e.g. {t {port 40001}}: what it puts
 *	in the data of its heartbeats and discoveries.
 *
 * Results:
 *	A new dict with a zero reference count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterProtoProps(
    Cluster *clusterPtr)	/* Member of interest. */
{
    Tcl_Obj *propsObj = Tcl_NewDictObj(), **protocols, *oneObj;
    int numProtocols, i;

    Tcl_ListObjGetElements(NULL, clusterPtr->config.protocolsObj,
	    &numProtocols, &protocols);
    for (i = 0; i < numProtocols; i++) {
	int proto = ClusterProtoFromName(Tcl_GetString(protocols[i]));

	if (proto > CLUSTER_PROTO_C
		&& (oneObj = ClusterStreamProps(clusterPtr, proto)) != NULL) {
	    Tcl_DictObjPut(NULL, propsObj, protocols[i], oneObj);
	}
    }
    if ((oneObj = ClusterPeersProps(clusterPtr)) != NULL) {
	Tcl_DictObjPut(NULL, propsObj, Tcl_NewStringObj("p", 1), oneObj);
    }
    return propsObj;
}

/*
 *----------------------------------------------------------------------
 *
 * AddPresence --
 *
 *	Add what a heartbeat, discovery or disconnect says of its sender:
 *	data (protocol props, unless NULL), known and, optionally, tags.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Modifies the (unshared) payload.
 *
 *----------------------------------------------------------------------
 */

static void
AddPresence(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *payloadObj,	/* Payload being built. */
    Tcl_Obj *dataObj,		/* Data to carry, or NULL. */
    int withTags)		/* Also carry our tags. */
{
    if (dataObj != NULL) {
	Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
		dataObj);
    }
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KNOWN),
	    Tcl_NewIntObj(clusterPtr->numServices));
    if (withTags) {
	Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_TAGS),
		clusterPtr->tagsObj);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendHeartbeat --
 *
 *	Broadcast a heartbeat (type 1) carrying `propsObj` as its data (our
 *	protocol props when NULL), the number of services we know and, with
 *	`withTags`, our tags. With `filterObj`, only the members it names
 *	handle it.
 *
 * Results:
 *	A standard Tcl result (errors are counted, not raised).
 *
 * Side effects:
 *	Sends a datagram; runs the send hooks.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendHeartbeat(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *propsObj,		/* Data, or NULL for our props. */
    int withTags,		/* Carry our tags. */
    Tcl_Obj *filterObj)		/* Filter, or NULL. */
{
    Tcl_Obj *payloadObj = ClusterOwnPayload(clusterPtr,
	    CLUSTER_TYPE_HEARTBEAT);

    AddPresence(clusterPtr, payloadObj,
	    propsObj ? propsObj : ClusterProtoProps(clusterPtr), withTags);
    ClusterAddProbeMark(payloadObj);
    if (filterObj != NULL) {
	Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_FILTER),
		filterObj);
    }
    return SendOwn(clusterPtr, payloadObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendDiscovery --
 *
 *	Broadcast a discovery (type 2), asking every member to tell us of
 *	itself, at most once per -discoverylimit unless forced (the first
 *	one, at join).
 *
 * Results:
 *	1 when sent, 0 when the rate limit held it back.
 *
 * Side effects:
 *	Sends a datagram.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendDiscovery(
    Cluster *clusterPtr,	/* Sender. */
    int force)			/* Ignore the rate limit. */
{
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_Obj *payloadObj;

    if (!force && clusterPtr->lastDiscoveryMs != 0
	    && now - clusterPtr->lastDiscoveryMs
		< clusterPtr->config.discoveryLimitMs) {
	return 0;
    }
    clusterPtr->lastDiscoveryMs = now;
    payloadObj = ClusterPresencePayload(clusterPtr, CLUSTER_TYPE_DISCOVERY);
    return SendOwn(clusterPtr, payloadObj) == TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPresencePayload --
 *
 *	A heartbeat or discovery of ours as a discovery goes out: our
 *	props, the number of services we know, our tags and `op probe`.
 *
 * Results:
 *	A new payload dict with a zero reference count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterPresencePayload(
    Cluster *clusterPtr,	/* Sender. */
    int type)			/* CLUSTER_TYPE_HEARTBEAT or _DISCOVERY. */
{
    Tcl_Obj *payloadObj = ClusterOwnPayload(clusterPtr, type);

    AddPresence(clusterPtr, payloadObj, ClusterProtoProps(clusterPtr), 1);
    ClusterAddProbeMark(payloadObj);
    return payloadObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterReplyToDiscovery, ReplyTimerProc, ReplyQuietMs --
 *
 *	Answer discoveries with one heartbeat to the whole group that
 *	carries our props and tags. The answer waits until no discovery was
 *	heard for a quiet spell of 1 ms per service we know (at most
 *	-replywindow), plus a random part of it, and never longer than two
 *	-replywindow in all; every discovery heard meanwhile is answered by
 *	the same heartbeat. A lone discovery, heard when none came for a
 *	-replywindow and we did not send one ourselves within it (we are
 *	not joining in the same storm), is answered at once, from the event
 *	loop: one member joining an established group meets it in a
 *	round trip, and a storm costs an established member one heartbeat
 *	more.
 *
 *	The old design answered each discovery at once, filtered to the
 *	member that asked: N members joining together cost N*N datagrams,
 *	each delivered to all N. Here a member answers a storm of joins
 *	once or a few times, so the storm costs O(N) datagrams, while two
 *	members still meet within a millisecond or two. It stays compatible:
 *	the answer is a plain heartbeat, which every member, pure-Tcl ones
 *	included, takes from anybody; and a pure-Tcl member answers our
 *	discovery directly, as it always did.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A timer; then a datagram.
 *
 *----------------------------------------------------------------------
 */

void
ClusterReplyToDiscovery(
    Cluster *clusterPtr)	/* Member answering. */
{
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt window = clusterPtr->config.replyWindowMs;
    int alone = (clusterPtr->replyHeardMs == 0
	    || now - clusterPtr->replyHeardMs >= window)
	    && now - clusterPtr->lastDiscoveryMs >= window;

    clusterPtr->replyHeardMs = now;
    if (clusterPtr->replyTimer == NULL) {
	/*
	 * A lone discovery's answer is due at once, as one that has
	 * waited the longest, twice -replywindow.
	 */

	clusterPtr->replyFirstMs = alone ? now - 2 * window : now;
	clusterPtr->replyTimer = Tcl_CreateTimerHandler(alone ? 0
		: ClusterRandomUpTo(ReplyQuietMs(clusterPtr)), ReplyTimerProc,
		clusterPtr);
    }
}

static void
ReplyTimerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;
    Tcl_WideInt now = ClusterpMonotonicMs();
    Tcl_WideInt quietFor = now - clusterPtr->replyHeardMs;
    int quiet = ReplyQuietMs(clusterPtr);

    clusterPtr->replyTimer = NULL;
    if (quietFor < quiet && now - clusterPtr->replyFirstMs
	    < 2 * (Tcl_WideInt) clusterPtr->config.replyWindowMs) {
	clusterPtr->replyTimer = Tcl_CreateTimerHandler(
		(int) (quiet - quietFor) + ClusterRandomUpTo(quiet),
		ReplyTimerProc, clusterPtr);
	return;
    }
    Tcl_Preserve(clusterPtr);
    ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
    Tcl_Release(clusterPtr);
}

/*
 * The quiet spell: 1 ms per service we know, at most -replywindow.
 */

static int
ReplyQuietMs(
    const Cluster *clusterPtr)	/* Member answering. */
{
    return clusterPtr->numServices < clusterPtr->config.replyWindowMs
	    ? clusterPtr->numServices : clusterPtr->config.replyWindowMs;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterHeartbeatAnswer, PingAnswerProc --
 *
 *	Answer a peer with a heartbeat to the whole group: a ping that names
 *	us (doc/protocol.md section 2.5), at once when we are the only one
 *	named, else after a random delay of up to -pingreply ms; or a
 *	failure report about a server that works (section 2.10), at once,
 *	so that the reporter learns our props again. Answers are coalesced
 *	as the answers to discoveries are: one heartbeat answers every ping
 *	or report heard before it goes out, and two of them are at least
 *	-pinglimit ms apart, so that a flood of pings or reports, forged or
 *	not, costs the group at most one heartbeat per -pinglimit. An
 *	answer due at once brings a pending one forward, never back.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A heartbeat, or a timer; counters.
 *
 *----------------------------------------------------------------------
 */

void
ClusterHeartbeatAnswer(
    Cluster *clusterPtr,	/* Member answering. */
    int alone)			/* Answer at once (else after a random
				 * delay): the ping names only us. */
{
    Tcl_WideInt now = ClusterpMonotonicMs(), due;
    Tcl_WideInt earliest = clusterPtr->pingAnswerMs
	    + clusterPtr->config.pingLimitMs;

    if (ClusterIsDeleted(clusterPtr)) {
	return;
    }
    due = now + (alone ? 0 : ClusterRandomUpTo(
	    clusterPtr->config.pingReplyMs));
    if (clusterPtr->pingAnswerMs != 0 && due < earliest) {
	due = earliest;
    }
    if (clusterPtr->pingAnswerTimer != NULL) {
	clusterPtr->stats.answersCoalesced++;
	if (due >= clusterPtr->pingAnswerDueMs) {
	    return;
	}
	Tcl_DeleteTimerHandler(clusterPtr->pingAnswerTimer);
	clusterPtr->pingAnswerTimer = NULL;
    }
    if (due <= now) {
	clusterPtr->pingAnswerMs = now;
	ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
	return;
    }
    clusterPtr->pingAnswerDueMs = due;
    clusterPtr->pingAnswerTimer = Tcl_CreateTimerHandler((int) (due - now),
	    PingAnswerProc, clusterPtr);
}

static void
PingAnswerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;

    clusterPtr->pingAnswerTimer = NULL;
    clusterPtr->pingAnswerMs = ClusterpMonotonicMs();
    Tcl_Preserve(clusterPtr);
    ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterProbeAnswer --
 *
 *	Answer a probe (a ping naming us alone, with `op probe`, that came
 *	over a stream) on the connection it came on, with a heartbeat
 *	filtered to the prober: the prober alone learns that we live, and
 *	the group is not disturbed. The send hooks see it as any payload
 *	to one service.
 *
 * Results:
 *	TCL_OK when the answer was queued on the connection, or a send
 *	hook cancelled it; else TCL_ERROR, and the caller answers as to
 *	any ping.
 *
 * Side effects:
 *	A packet; send hooks, which may do anything (the caller holds the
 *	cluster); a counter.
 *
 *----------------------------------------------------------------------
 */

int
ClusterProbeAnswer(
    Cluster *clusterPtr,	/* Member probed. */
    const ClusterIncoming *inPtr)	/* The probe. */
{
    Tcl_Obj *payloadObj = ClusterOwnPayload(clusterPtr,
	    CLUSTER_TYPE_HEARTBEAT);
    size_t start, length;
    int code;

    AddPresence(clusterPtr, payloadObj, ClusterProtoProps(clusterPtr), 0);
    ClusterAddProbeMark(payloadObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(1));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_FILTER),
	    Tcl_NewListObj(1, &inPtr->sidObj));
    Tcl_IncrRefCount(payloadObj);
    if (ClusterRunSendHooks(clusterPtr, &payloadObj, 0) != TCL_OK) {
	Tcl_DecrRefCount(payloadObj);
	return TCL_OK;		/* Cancelled by a hook, or gone. */
    }
    code = ClusterPayloadEncode(NULL, payloadObj, 0, &clusterPtr->sendBuf,
	    &start, &length);
    if (code == TCL_OK) {
	code = ClusterStreamReply(clusterPtr, inPtr->connPtr,
		clusterPtr->sendBuf.bytes + start, length);
    }
    Tcl_DecrRefCount(payloadObj);
    if (code == TCL_OK) {
	clusterPtr->stats.probesAnswered++;
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendDisconnect --
 *
 *	Tell everybody we are leaving (type 0). Runs while the cluster is
 *	being destroyed, so no hook runs.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Sends a datagram.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSendDisconnect(
    Cluster *clusterPtr)	/* Member leaving. */
{
    Tcl_Obj *payloadObj;
    size_t start, length;

    if (clusterPtr->mcastPtr == NULL || clusterPtr->sidObj == NULL) {
	return;
    }
    payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_DISCONNECT);
    Tcl_IncrRefCount(payloadObj);
    AddPresence(clusterPtr, payloadObj, NULL, 1);
    if (ClusterPayloadEncode(NULL, payloadObj, 0, &clusterPtr->sendBuf,
	    &start, &length) == TCL_OK) {
	ClusterMulticastSend(clusterPtr, clusterPtr->sendBuf.bytes + start,
		length, NULL);
    }
    Tcl_DecrRefCount(payloadObj);
}

/*
 *----------------------------------------------------------------------
 *
 * SendOwn --
 *
 *	Broadcast a payload this member built, disposing of it after.
 *
 * Results:
 *	A standard Tcl result; no interp error is left.
 *
 * Side effects:
 *	As ClusterBroadcast.
 *
 *----------------------------------------------------------------------
 */

static int
SendOwn(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *payloadObj)	/* Fresh payload (zero references). */
{
    int code, sent;

    Tcl_IncrRefCount(payloadObj);
    code = ClusterBroadcast(clusterPtr, payloadObj, NULL, &sent);
    Tcl_DecrRefCount(payloadObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterScheduleHeartbeat, HeartbeatTimerProc --
 *
 *	(Re)schedule the next heartbeat `ms` from now. Each heartbeat also
 *	sweeps the services and schedules the next one -heartbeat ms later.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Timer handlers; heartbeats; the sweep's hooks.
 *
 *----------------------------------------------------------------------
 */

void
ClusterScheduleHeartbeat(
    Cluster *clusterPtr,	/* Member. */
    int ms)			/* Delay. */
{
    if (ClusterIsDeleted(clusterPtr)) {
	return;
    }
    if (clusterPtr->heartbeatTimer != NULL) {
	Tcl_DeleteTimerHandler(clusterPtr->heartbeatTimer);
    }
    clusterPtr->heartbeatTimer = Tcl_CreateTimerHandler(ms < 0 ? 0 : ms,
	    HeartbeatTimerProc, clusterPtr);
}

static void
HeartbeatTimerProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;

    clusterPtr->heartbeatTimer = NULL;
    Tcl_Preserve(clusterPtr);
    ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
    if (!ClusterIsDeleted(clusterPtr)) {
	ClusterSweepServices(clusterPtr);
    }
    if (!ClusterIsDeleted(clusterPtr) && clusterPtr->heartbeatTimer == NULL) {
	ClusterScheduleHeartbeat(clusterPtr, clusterPtr->config.heartbeatMs);
    }
    Tcl_Release(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterTagsChanged, ClusterTagsIdleProc --
 *
 *	Announce changed tags with a heartbeat in the next turn of the event
 *	loop, so that several changes in one turn give one heartbeat.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	An idle callback; then a heartbeat.
 *
 *----------------------------------------------------------------------
 */

void
ClusterTagsChanged(
    Cluster *clusterPtr)	/* Member whose tags changed. */
{
    if (!(clusterPtr->flags & CLUSTER_TAGS_PENDING)) {
	clusterPtr->flags |= CLUSTER_TAGS_PENDING;
	Tcl_DoWhenIdle(ClusterTagsIdleProc, clusterPtr);
    }
}

void
ClusterTagsIdleProc(
    ClientData clientData)	/* The Cluster. */
{
    Cluster *clusterPtr = clientData;

    clusterPtr->flags &= ~CLUSTER_TAGS_PENDING;
    Tcl_Preserve(clusterPtr);
    ClusterSendHeartbeat(clusterPtr, NULL, 1, NULL);
    Tcl_Release(clusterPtr);
}
