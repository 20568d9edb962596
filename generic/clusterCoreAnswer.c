/*
 * clusterCoreAnswer.c --
 *
 *	Answering the queries of others (doc/protocol.md section 2, type 4): the
 *	`query` hook's result goes back as a type-5 response carrying the
 *	same ruid, or its error message as `error`, over the protocol the
 *	query came in on. A query refused by a hook gets an error too. A
 *	hook may also defer its answer (clusterCoreDefer.c), which then
 *	goes out through ClusterAnswerSend.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

static Tcl_Obj *	FieldOf(Tcl_Obj *payloadObj, ClusterFieldId field);

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryIncoming --
 *
 *	Answer another member's query (type 4): run its channel's handler,
 *	or else the `query` hook, with its data and reply (type 5, same ruid) with the hook's result as
 *	data, or its error message as error; a hook that returns break
 *	refuses the query, and the answer says so. A hook that deferred
 *	its answer (`$cluster defer`) answers later, with `$cluster
 *	answer`. A query whose ruid is longer than CLUSTER_MAX_RUID is
 *	dropped before the hook, and counted: the answer would echo it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The hook; a packet.
 *
 *----------------------------------------------------------------------
 */

void
ClusterQueryIncoming(
    Cluster *clusterPtr,	/* Cluster asked (preserved). */
    ClusterService *servicePtr,	/* Asker (preserved). */
    Tcl_Obj *payloadObj,	/* The query. */
    ClusterProto proto,		/* Transport it came on. */
    ClusterConn *connPtr)	/* Its stream, or NULL. */
{
    Tcl_Obj *resultObj = NULL;
    Tcl_Obj *hookPayloadObj;
    ClusterHookResult outcome;
    ClusterAnswerFrame frame;
    int ruidLength, isError, channel;

    frame.ruidObj = FieldOf(payloadObj, CLUSTER_F_RUID);
    if (frame.ruidObj != NULL) {
	(void) Tcl_GetStringFromObj(frame.ruidObj, &ruidLength);
	if (ruidLength > CLUSTER_MAX_RUID) {
	    clusterPtr->stats.dropped[CLUSTER_DROP_RUID]++;
	    return;
	}
    }
    frame.channelObj = FieldOf(payloadObj, CLUSTER_F_CHANNEL);
    frame.servicePtr = servicePtr;
    frame.proto = proto;
    frame.connPtr = connPtr;
    frame.deferredId = 0;
    frame.prevPtr = clusterPtr->answerFramePtr;
    clusterPtr->answerFramePtr = &frame;

    if (frame.channelObj == NULL
	    || Tcl_GetIntFromObj(NULL, frame.channelObj, &channel) != TCL_OK) {
	channel = 0;
    }
    hookPayloadObj = payloadObj;
    Tcl_IncrRefCount(hookPayloadObj);
    outcome = ClusterHandlerRun(clusterPtr, channel, "query", servicePtr,
	    hookPayloadObj, &resultObj);
    if (outcome == CLUSTER_HOOK_NONE) {
	outcome = ClusterHookRun(clusterPtr, "query", servicePtr,
		&hookPayloadObj, &resultObj);
    }
    Tcl_DecrRefCount(hookPayloadObj);
    clusterPtr->answerFramePtr = frame.prevPtr;

    if (outcome == CLUSTER_HOOK_GONE || frame.deferredId != 0
	    || (servicePtr->flags & SERVICE_DELETED)) {
	if (resultObj) {
	    Tcl_DecrRefCount(resultObj);
	}
	return;
    }
    isError = (outcome != CLUSTER_HOOK_OK);
    if (outcome == CLUSTER_HOOK_NONE) {
	resultObj = Tcl_NewStringObj("no query hook: this member answers no"
		" queries", -1);
	Tcl_IncrRefCount(resultObj);
    } else if (outcome == CLUSTER_HOOK_STOP && resultObj == NULL) {
	clusterPtr->stats.queriesRefused++;
	resultObj = Tcl_NewStringObj("refused by the query hook", -1);
	Tcl_IncrRefCount(resultObj);
    }
    (void) ClusterAnswerSend(clusterPtr, servicePtr, frame.ruidObj,
	    frame.channelObj, isError, resultObj, proto, connPtr);
    Tcl_DecrRefCount(resultObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryRefused --
 *
 *	A query was refused by a receive hook (`evaluate receive`, `channel
 *	N receive`, `evaluate service` or `service validate`): tell the
 *	asker, so that it does not wait for its timeout. Only a sender
 *	that is a known service gets the error, and only on the connection
 *	the query came on, or for a datagram when every packet is sealed
 *	(keys, no -plaintext accept): a forged datagram naming a known sid
 *	must not make the member multicast an error for each one it
 *	refuses. Anybody else learns nothing of the refusal
 *	(doc/protocol.md section 7).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A packet; counters.
 *
 *----------------------------------------------------------------------
 */

void
ClusterQueryRefused(
    Cluster *clusterPtr,	/* Cluster asked (preserved). */
    Tcl_Obj *payloadObj,	/* The query as it arrived. */
    ClusterProto proto,		/* Transport it came on. */
    ClusterConn *connPtr,	/* Its stream, or NULL. */
    const char *path)		/* The hook that refused it. */
{
    Tcl_Obj *sidObj, *ruidObj, *messageObj;
    Tcl_HashEntry *entryPtr;
    ClusterService *servicePtr;
    int length;

    if (ClusterIsDeleted(clusterPtr) || (connPtr == NULL
	    && (clusterPtr->seal.numKeys == 0
		|| clusterPtr->config.plaintextAccept))) {
	return;
    }
    sidObj = FieldOf(payloadObj, CLUSTER_F_SID);
    ruidObj = FieldOf(payloadObj, CLUSTER_F_RUID);
    if (sidObj == NULL || ruidObj == NULL) {
	return;
    }
    (void) Tcl_GetStringFromObj(ruidObj, &length);
    entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
	    Tcl_GetString(sidObj));
    if (length > CLUSTER_MAX_RUID || entryPtr == NULL) {
	return;
    }
    servicePtr = Tcl_GetHashValue(entryPtr);
    if (servicePtr->flags & SERVICE_DELETED) {
	return;
    }
    clusterPtr->stats.queriesRefused++;
    messageObj = Tcl_ObjPrintf("refused by the %s hook", path);
    Tcl_IncrRefCount(messageObj);
    Tcl_Preserve(servicePtr);
    (void) ClusterAnswerSend(clusterPtr, servicePtr, ruidObj,
	    FieldOf(payloadObj, CLUSTER_F_CHANNEL), 1, messageObj, proto,
	    connPtr);
    Tcl_Release(servicePtr);
    Tcl_DecrRefCount(messageObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAnswerSend --
 *
 *	Send an answer (type 5) to a service: `ruid` and `channel` those
 *	of its query, `data` the value or, for an error, `error`. It goes
 *	on the connection the query came on while that is open; else over
 *	the protocol the query came in on, like any send to the service
 *	(not to a service forgotten meanwhile: then only on the stream).
 *	The send hooks run on it.
 *
 * Results:
 *	The protocol the answer was handed to, or -1 when it could not be
 *	sent (a hook cancelled it, the cluster is gone).
 *
 * Side effects:
 *	Hooks (the caller holds the cluster and the service); a packet.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAnswerSend(
    Cluster *clusterPtr,	/* Answering cluster (preserved). */
    ClusterService *servicePtr,	/* Asker (preserved). */
    Tcl_Obj *ruidObj,		/* The query's ruid, or NULL. */
    Tcl_Obj *channelObj,	/* Its channel, or NULL. */
    int isError,		/* 1: valueObj is an error message. */
    Tcl_Obj *valueObj,		/* The answer. */
    ClusterProto proto,		/* Transport the query came on. */
    ClusterConn *connPtr)	/* Its stream, or NULL. */
{
    Tcl_Obj *replyObj, *protoObj;
    size_t start, length;
    int used = -1;

    if (ClusterIsDeleted(clusterPtr)
	    || ((servicePtr->flags & SERVICE_DELETED)
		&& (connPtr == NULL || !ClusterConnUsable(connPtr)))) {
	return -1;
    }
    replyObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_RESPONSE);
    Tcl_IncrRefCount(replyObj);
    if (channelObj != NULL) {
	Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_CHANNEL),
		channelObj);
    }
    if (ruidObj != NULL) {
	Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_RUID),
		ruidObj);
    }
    Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(1));
    Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(
	    isError ? CLUSTER_F_ERROR : CLUSTER_F_DATA), valueObj);
    Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_FILTER),
	    Tcl_NewListObj(1, &servicePtr->sidObj));

    if (connPtr != NULL && ClusterConnUsable(connPtr)) {
	if (ClusterRunSendHooks(clusterPtr, &replyObj, 0) == TCL_OK
		&& ClusterPayloadEncode(NULL, replyObj, 0,
		    &clusterPtr->sendBuf, &start, &length) == TCL_OK
		&& ClusterStreamReply(clusterPtr, connPtr,
		    clusterPtr->sendBuf.bytes + start, length) == TCL_OK) {
	    used = (int) ClusterConnProto(connPtr);
	}
    } else if (!ClusterIsDeleted(clusterPtr)) {
	protoObj = Tcl_NewStringObj(clusterProtoNames[proto], -1);
	Tcl_IncrRefCount(protoObj);
	ClusterSendToService(clusterPtr, servicePtr, replyObj, protoObj, 1,
		NULL, &used);
	Tcl_DecrRefCount(protoObj);
    }
    Tcl_DecrRefCount(replyObj);
    if (used >= 0) {
	servicePtr->stats.queriesServed++;
    }
    return used;
}

/*
 * FieldOf --
 *
 *	A field of a payload dict, or NULL when absent.
 */

static Tcl_Obj *
FieldOf(
    Tcl_Obj *payloadObj,	/* The payload. */
    ClusterFieldId field)	/* CLUSTER_F_*. */
{
    Tcl_Obj *valueObj = NULL;

    if (Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(field), &valueObj)
	    != TCL_OK) {
	return NULL;
    }
    return valueObj;
}
