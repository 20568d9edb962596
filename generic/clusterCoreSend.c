/*
 * clusterCoreSend.c --
 *
 *	The send side shared by every way of sending: the send hooks, the
 *	order of protocols, delivery over them, and what a send learned of
 *	a service. What happens when a transport fails afterwards is in
 *	clusterCoreSendFail.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static int		AsksKeepalive(Tcl_Obj *payloadObj,
			    Tcl_Obj *keepaliveKey);
static int		HasField(Tcl_Obj *payloadObj, Tcl_Obj *keyObj);
static int		MulticastPacket(Cluster *clusterPtr,
			    ClusterService *servicePtr,
			    const unsigned char *bytes, size_t length);
static void		ReportFailure(Cluster *clusterPtr,
			    ClusterService *servicePtr, int failedMask,
			    ClusterProto via);

/*
 *----------------------------------------------------------------------
 *
 * ClusterRunSendHooks --
 *
 *	Run the hooks a payload meets on its way out: `broadcast` for a
 *	multicast, then `channel N send`. Either may change the payload or
 *	cancel the send with an error or break.
 *
 * Results:
 *	TCL_OK to send *payloadPtr; TCL_BREAK when a hook cancelled it;
 *	TCL_ERROR when the cluster was destroyed meanwhile.
 *
 * Side effects:
 *	Whatever the hooks do. *payloadPtr may be replaced (the caller owns
 *	one reference to whatever it holds on return).
 *
 *----------------------------------------------------------------------
 */

int
ClusterRunSendHooks(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    Tcl_Obj **payloadPtr,	/* In/out: payload dict. */
    int isBroadcast)		/* 1 for a multicast. */
{
    return ClusterRunSendHooksFor(clusterPtr, NULL, payloadPtr,
	    isBroadcast);
}

/*
 * ClusterRunSendHooksFor --
 *
 *	The same, for a payload going to one service: $service is set in
 *	the hooks.
 */

int
ClusterRunSendHooksFor(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    ClusterService *servicePtr,	/* Receiver (preserved), or NULL. */
    Tcl_Obj **payloadPtr,	/* In/out: payload dict. */
    int isBroadcast)		/* 1 for a multicast. */
{
    Tcl_Obj *channelObj;
    char path[CLUSTER_HOOK_PATH_SIZE];
    int channel = 0;

    if (isBroadcast) {
	switch (ClusterHookRun(clusterPtr, "broadcast", servicePtr,
		payloadPtr, NULL)) {
	case CLUSTER_HOOK_GONE:
	    return TCL_ERROR;
	case CLUSTER_HOOK_STOP:
	    return TCL_BREAK;
	default:
	    break;
	}
    }
    if (Tcl_DictObjGet(NULL, *payloadPtr, ClusterFieldKey(CLUSTER_F_CHANNEL),
	    &channelObj) == TCL_OK && channelObj != NULL) {
	Tcl_GetIntFromObj(NULL, channelObj, &channel);
    }
    ClusterChannelHookPath(path, "send", channel);
    switch (ClusterHookRun(clusterPtr, path, servicePtr, payloadPtr,
	    NULL)) {
    case CLUSTER_HOOK_GONE:
	return TCL_ERROR;
    case CLUSTER_HOOK_STOP:
	return TCL_BREAK;
    default:
	return TCL_OK;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAfterDelivery --
 *
 *	What a send learned of a service's protocols. When a stream
 *	protocol failed and a later one worked, tell the service which
 *	failed (type 8). When no stream protocol got through, the service
 *	could not be reached (ClusterUnreachable: a probe, then suspicion
 *	and a ping): multicast is fire and forget, so getting a packet out
 *	over `c` proves nothing about a service whose every stream is
 *	refused.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A failure report, or a ping scheduled.
 *
 *----------------------------------------------------------------------
 */

void
ClusterAfterDelivery(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Receiver. */
    int used,			/* Protocol that took the packet, or -1. */
    int failedMask)		/* Protocols that failed. */
{
    int streamsFailed = failedMask & ~(1 << CLUSTER_PROTO_C);

    if (used >= 0 && streamsFailed) {
	ReportFailure(clusterPtr, servicePtr, failedMask, used);
    }
    if ((used < 0 || (used == CLUSTER_PROTO_C && streamsFailed))
	    && !(servicePtr->flags & SERVICE_DELETED)
	    && !ClusterIsDeleted(clusterPtr)) {
	ClusterUnreachable(servicePtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCompletePayload --
 *
 *	Fill in what every payload from us carries (doc/protocol.md section 2): sid,
 *	hid and protocols always; type (6, event) and channel (0) where the
 *	caller gave none.
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
ClusterCompletePayload(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Obj *givenObj)		/* Payload dict from the caller. */
{
    Tcl_Obj *payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_EVENT);
    Tcl_Obj *keyObj, *valueObj;
    Tcl_DictSearch search;
    int done;

    if (Tcl_DictObjFirst(NULL, givenObj, &search, &keyObj, &valueObj, &done)
	    != TCL_OK) {
	return payloadObj;
    }
    for (; !done; Tcl_DictObjNext(&search, &keyObj, &valueObj, &done)) {
	const char *key = Tcl_GetString(keyObj);

	if (strcmp(key, "sid") != 0 && strcmp(key, "hid") != 0
		&& strcmp(key, "protocols") != 0) {
	    Tcl_DictObjPut(NULL, payloadObj, keyObj, valueObj);
	}
    }
    Tcl_DictObjDone(&search);
    return payloadObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendOrder --
 *
 *	The protocols to try for a service, in order (doc/protocol.md section 4): the
 *	caller's list, else the service's own preference; without those we
 *	do not serve ourselves, without `u` for a service on another
 *	machine, and with `c` last unless broadcasting is not allowed.
 *
 * Results:
 *	The number of protocols written to order[].
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendOrder(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Receiver. */
    Tcl_Obj *protocolsObj,	/* Caller's order, or NULL. */
    int allowBroadcast,		/* May fall back to `c`. */
    ClusterProto order[CLUSTER_PROTO_COUNT])
{
    Tcl_Obj **names;
    int numNames, i, count = 0, hasC = 0;

    if (protocolsObj == NULL) {
	protocolsObj = servicePtr->protocolsObj;
    }
    if (protocolsObj == NULL || Tcl_ListObjGetElements(NULL, protocolsObj,
	    &numNames, &names) != TCL_OK) {
	numNames = 0;
    }
    for (i = 0; i < numNames && count < CLUSTER_PROTO_COUNT; i++) {
	int proto = ClusterProtoFromName(Tcl_GetString(names[i]));
	int j, seen = 0;

	if (proto < 0 || !ClusterServes(clusterPtr, proto)
		|| (proto == CLUSTER_PROTO_U
		    && !ClusterOverLoopback(servicePtr))
		|| (proto == CLUSTER_PROTO_C && !allowBroadcast)) {
	    continue;
	}
	for (j = 0; j < count; j++) {
	    seen |= (order[j] == (ClusterProto) proto);
	}
	if (!seen) {
	    hasC |= (proto == CLUSTER_PROTO_C);
	    order[count++] = (ClusterProto) proto;
	}
    }
    if (!hasC && allowBroadcast && count < CLUSTER_PROTO_COUNT) {
	order[count++] = CLUSTER_PROTO_C;
    }
    return count;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDeliver --
 *
 *	Hand one encoded packet (already filtered to the service) to the
 *	first transport in `order` that takes it, skipping those in
 *	*failedMaskPtr, `c` for a packet too large for a datagram, and a
 *	stream whose connect is pending past -connectdelay (it gets the
 *	packet only when nothing else takes it). Over `c` the packet is
 *	multicast after the `broadcast` hook had its say, and its outcome
 *	(tag) is known at once; over a stream, once written or failed.
 *
 * Results:
 *	The protocol that took it, or -1.
 *
 * Side effects:
 *	Adds the protocols that failed to *failedMaskPtr.
 *
 *----------------------------------------------------------------------
 */

int
ClusterDeliver(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Receiver. */
    const unsigned char *bytes,	/* Whole packet. */
    size_t length,
    const ClusterProto *order,	/* Protocols to try, in order. */
    int numOrder,
    int flags,			/* CLUSTER_SEND_* flags. */
    unsigned long tag,		/* Outcome to report, or 0. */
    int *failedMaskPtr)		/* In/out: protocols that failed. */
{
    int i, code, slow = -1;

    for (i = 0; i < numOrder; i++) {
	ClusterProto proto = order[i];

	if (*failedMaskPtr & (1 << proto)) {
	    continue;
	}
	if (proto == CLUSTER_PROTO_C) {
	    if (ClusterMulticastFits(clusterPtr, length, NULL) != TCL_OK) {
		continue;	/* Not a failure of c: too large for it. */
	    }
	    code = MulticastPacket(clusterPtr, servicePtr, bytes, length)
		    ? TCL_OK : TCL_ERROR;
	    if (code == TCL_OK) {
		ClusterOutcomeDone(clusterPtr, tag, proto, NULL);
	    }
	} else {
	    code = ClusterStreamSend(clusterPtr, servicePtr, proto, bytes,
		    length, flags, tag);
	}
	if (code == TCL_OK) {
	    return proto;
	}
	if (code == TCL_CONTINUE) {
	    slow = proto;	/* Connecting past -connectdelay. */
	    continue;
	}
	*failedMaskPtr |= 1 << proto;
    }
    if (slow >= 0 && ClusterStreamSend(clusterPtr, servicePtr, slow, bytes,
	    length, flags | CLUSTER_SEND_WAIT, tag) == TCL_OK) {
	return slow;
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * MulticastPacket --
 *
 *	Multicast an encoded packet meant for one service, after the
 *	`broadcast` hook, which sees every multicast: when one is
 *	registered the packet is decoded for it, and encoded again if the
 *	hook lets it go.
 *
 * Results:
 *	1 when the packet left, 0 when it failed or the hook cancelled it.
 *
 * Side effects:
 *	The hook (the caller holds the cluster); a datagram.
 *
 *----------------------------------------------------------------------
 */

static int
MulticastPacket(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    ClusterService *servicePtr,	/* Receiver, $service in the hook. */
    const unsigned char *bytes,	/* Whole packet. */
    size_t length)
{
    ClusterPacketView *viewPtr;
    ClusterCodecError error;
    ClusterBuf buf;
    Tcl_Obj *payloadObj;
    size_t start, newLength;
    int ok = 0;

    if (!ClusterHookExists(clusterPtr->hooksPtr, "broadcast")) {
	return ClusterMulticastSend(clusterPtr, bytes, length, NULL)
		== TCL_OK;
    }
    viewPtr = ckalloc(sizeof(ClusterPacketView));
    if (ClusterDecodePacket(bytes, length, NULL, viewPtr, &error)
	    != CLUSTER_DECODE_OK) {
	ckfree(viewPtr);
	return 0;
    }
    payloadObj = ClusterPayloadFromView(viewPtr);
    ckfree(viewPtr);
    Tcl_IncrRefCount(payloadObj);
    switch (ClusterHookRun(clusterPtr, "broadcast", servicePtr,
	    &payloadObj, NULL)) {
    case CLUSTER_HOOK_OK:
    case CLUSTER_HOOK_NONE:
	ClusterBufInit(&buf);
	if (ClusterPayloadEncode(NULL, payloadObj, 0, &buf, &start,
		&newLength) == TCL_OK) {
	    ok = ClusterMulticastSend(clusterPtr, buf.bytes + start,
		    newLength, NULL) == TCL_OK;
	}
	ClusterBufFree(&buf);
	break;
    default:
	break;
    }
    Tcl_DecrRefCount(payloadObj);
    return ok;
}

/*
 *----------------------------------------------------------------------
 *
 * ReportFailure --
 *
 *	Tell a service, over the protocol that reached it, which of its
 *	protocols failed (type 8), so that it can rebuild them.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Sends a packet.
 *
 *----------------------------------------------------------------------
 */

static void
ReportFailure(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Receiver. */
    int failedMask,		/* Protocols that failed. */
    ClusterProto via)		/* Protocol that worked. */
{
    Tcl_Obj *payloadObj, *listObj = Tcl_NewListObj(0, NULL), *dataObj;
    size_t start, length;
    int proto, failedAgain = 0;

    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	if (failedMask & (1 << proto)) {
	    Tcl_ListObjAppendElement(NULL, listObj,
		    Tcl_NewStringObj(clusterProtoNames[proto], -1));
	}
    }
    dataObj = Tcl_NewDictObj();
    Tcl_DictObjPut(NULL, dataObj, Tcl_NewStringObj("protocols", -1),
	    listObj);
    payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_FAILURE);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
	    dataObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_FILTER),
	    Tcl_NewListObj(1, &servicePtr->sidObj));
    Tcl_IncrRefCount(payloadObj);
    if (ClusterPayloadEncode(NULL, payloadObj, 0, &clusterPtr->sendBuf,
	    &start, &length) == TCL_OK) {
	ClusterDeliver(clusterPtr, servicePtr,
		clusterPtr->sendBuf.bytes + start, length, &via, 1, 0, 0,
		&failedAgain);
    }
    Tcl_DecrRefCount(payloadObj);
}

/*
 *----------------------------------------------------------------------
 *
 * HasField --
 *
 *	Whether a payload dict has a field; a value that is not a dict
 *	counts as having it, so that nothing is added to it (its encoding
 *	fails later, with the error to report).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	May convert the value to a dict.
 *
 *----------------------------------------------------------------------
 */

static int
HasField(
    Tcl_Obj *payloadObj,	/* Payload dict. */
    Tcl_Obj *keyObj)		/* Key of the field. */
{
    Tcl_Obj *valueObj;

    return Tcl_DictObjGet(NULL, payloadObj, keyObj, &valueObj) != TCL_OK
	    || valueObj != NULL;
}

/*
 * Whether a payload, as the send hooks left it, asks for keepalive: the
 * connection layer needs to know, and reading it here spares decoding
 * the packet again there.
 */

static int
AsksKeepalive(
    Tcl_Obj *payloadObj,	/* Payload dict. */
    Tcl_Obj *keepaliveKey)	/* Its key. */
{
    Tcl_Obj *valueObj;
    int keepalive = 0;

    if (Tcl_DictObjGet(NULL, payloadObj, keepaliveKey, &valueObj) == TCL_OK
	    && valueObj != NULL) {
	(void) Tcl_GetBooleanFromObj(NULL, valueObj, &keepalive);
    }
    return keepalive;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendToServiceTagged (and ClusterSendToService, clusterCore.h) --
 *
 *	Send a payload to one service over the best protocol that works
 *	(doc/protocol.md section 4): encode it once, with a filter naming the service
 *	unless the caller gave one, try the protocols in order, report the
 *	ones that failed to the service when a later one worked, and
 *	schedule a ping when none did.
 *
 * Results:
 *	A standard Tcl result (an error only for a payload that cannot be
 *	encoded). *usedPtr is the protocol the packet was handed to (a
 *	stream may still fail later and fall back), or -1 when the send
 *	failed or a hook cancelled it. The final outcome is reported under
 *	`tag` (ClusterOutcomeDone); ClusterSendToService has none.
 *
 * Side effects:
 *	Hooks (the caller holds the cluster); packets; counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendToServiceTagged(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    ClusterService *servicePtr,	/* Receiver. */
    Tcl_Obj *payloadObj,	/* Complete payload dict. */
    Tcl_Obj *protocolsObj,	/* Protocol order, or NULL. */
    int allowBroadcast,		/* May fall back to `c`. */
    Tcl_Interp *interp,		/* For errors, or NULL. */
    unsigned long tag,		/* Outcome to report (-command), or 0. */
    int *usedPtr)		/* Out. */
{
    ClusterProto order[CLUSTER_PROTO_COUNT];
    Tcl_Obj *filterKey = ClusterFieldKey(CLUSTER_F_FILTER);
    Tcl_Obj *keepaliveKey = ClusterFieldKey(CLUSTER_F_KEEPALIVE);
    size_t start, length;
    int numOrder, failedMask = 0, code, hasFilter, hasKeepalive;

    /*
     * We keep one connection per service and reuse it, so we ask the
     * receiver to keep it open too: a receiver that closes after a
     * payload without keepalive would lose what we wrote meanwhile. The
     * caller's dict is copied only when something must be added (a
     * query carries both already).
     */

    *usedPtr = -1;
    Tcl_IncrRefCount(payloadObj);
    hasFilter = HasField(payloadObj, filterKey);
    hasKeepalive = HasField(payloadObj, keepaliveKey);
    if (!hasFilter || !hasKeepalive) {
	Tcl_Obj *copyObj = Tcl_DuplicateObj(payloadObj);

	Tcl_IncrRefCount(copyObj);
	Tcl_DecrRefCount(payloadObj);
	payloadObj = copyObj;
	if (!hasFilter) {
	    Tcl_DictObjPut(NULL, payloadObj, filterKey,
		    Tcl_NewListObj(1, &servicePtr->sidObj));
	}
	if (!hasKeepalive) {
	    Tcl_DictObjPut(NULL, payloadObj, keepaliveKey, Tcl_NewIntObj(1));
	}
    }
    Tcl_Preserve(servicePtr);
    code = ClusterRunSendHooksFor(clusterPtr, servicePtr, &payloadObj, 0);
    if (code != TCL_OK || (servicePtr->flags & SERVICE_DELETED)) {
	code = TCL_OK;		/* Cancelled, or nobody left to send to. */
	ClusterOutcomeDone(clusterPtr, tag, -1,
		"cancelled by a send hook, or the service is gone");
	goto done;
    }
    code = ClusterPayloadEncode(interp, payloadObj, 0, &clusterPtr->sendBuf,
	    &start, &length);
    if (code != TCL_OK) {
	ClusterOutcomeDone(clusterPtr, tag, -1, "could not be encoded");
	goto done;
    }
    numOrder = ClusterSendOrder(clusterPtr, servicePtr, protocolsObj,
	    allowBroadcast, order);
    *usedPtr = ClusterDeliver(clusterPtr, servicePtr,
	    clusterPtr->sendBuf.bytes + start, length, order, numOrder,
	    (allowBroadcast ? 0 : CLUSTER_SEND_NO_BROADCAST)
	    | (AsksKeepalive(payloadObj, keepaliveKey)
		? CLUSTER_SEND_KEEPALIVE : 0), tag, &failedMask);
    if (*usedPtr < 0) {
	servicePtr->stats.sendFailures++;
	ClusterOutcomeDone(clusterPtr, tag, -1, "no protocol took it");
    } else {
	servicePtr->stats.packetsSent++;
    }
    ClusterAfterDelivery(clusterPtr, servicePtr, *usedPtr, failedMask);

  done:
    Tcl_Release(servicePtr);
    Tcl_DecrRefCount(payloadObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterBroadcast --
 *
 *	Multicast a payload dict: run the `broadcast` and `channel N send`
 *	hooks (either may change or cancel it), encode it with `filter`
 *	first, and send it.
 *
 * Results:
 *	A standard Tcl result. *sentPtr is 1 when the packet left, 0 when a
 *	hook cancelled it.
 *
 * Side effects:
 *	Hooks, which may destroy the cluster (the caller holds it).
 *
 *----------------------------------------------------------------------
 */

int
ClusterBroadcast(
    Cluster *clusterPtr,	/* Sender (preserved by the caller). */
    Tcl_Obj *payloadObj,	/* Payload dict. */
    Tcl_Interp *interp,		/* For errors, or NULL. */
    int *sentPtr)		/* Out: 1 if sent. */
{
    size_t start, length;
    int code;

    *sentPtr = 0;
    Tcl_IncrRefCount(payloadObj);
    code = ClusterRunSendHooks(clusterPtr, &payloadObj, 1);
    if (code != TCL_OK) {
	Tcl_DecrRefCount(payloadObj);
	return TCL_OK;		/* Cancelled, or the cluster is gone. */
    }
    code = ClusterPayloadEncode(interp, payloadObj, 0, &clusterPtr->sendBuf,
	    &start, &length);
    Tcl_DecrRefCount(payloadObj);
    if (code != TCL_OK) {
	return code;
    }
    code = ClusterMulticastSend(clusterPtr,
	    clusterPtr->sendBuf.bytes + start, length, interp);
    *sentPtr = (code == TCL_OK);
    return code;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
