/*
 * clusterCoreAnswer.c --
 *
 *	Answering the queries of others (doc/protocol.md section 2, type 4): the
 *	`query` hook's result goes back as a type-5 response carrying the
 *	same ruid, or its error message as `error`, over the protocol the
 *	query came in on.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterQueryIncoming --
 *
 *	Answer another member's query (type 4): run the `query` hook with
 *	its data and reply (type 5, same ruid) with the hook's result as
 *	data, or its error message as error, over the protocol the query
 *	came in on: on the very connection when it came over a stream.
 *	A hook that returns break sends no answer. A query whose ruid is
 *	longer than CLUSTER_MAX_RUID is dropped before the hook, and
 *	counted: the answer would echo it.
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
    Tcl_Obj *resultObj = NULL, *replyObj, *valueObj, *protoObj;
    Tcl_Obj *hookPayloadObj;
    ClusterHookResult outcome;
    size_t start, length;
    int used, ruidLength;

    if (Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
	    &valueObj) == TCL_OK && valueObj != NULL) {
	(void) Tcl_GetStringFromObj(valueObj, &ruidLength);
	if (ruidLength > CLUSTER_MAX_RUID) {
	    clusterPtr->stats.dropped[CLUSTER_DROP_RUID]++;
	    return;
	}
    }
    hookPayloadObj = payloadObj;
    Tcl_IncrRefCount(hookPayloadObj);
    outcome = ClusterHookRun(clusterPtr, "query", servicePtr,
	    &hookPayloadObj, &resultObj);
    Tcl_DecrRefCount(hookPayloadObj);
    if (outcome == CLUSTER_HOOK_GONE || (outcome == CLUSTER_HOOK_STOP
	    && resultObj == NULL) || (servicePtr->flags & SERVICE_DELETED)) {
	if (resultObj) {
	    Tcl_DecrRefCount(resultObj);
	}
	return;
    }
    replyObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_RESPONSE);
    Tcl_IncrRefCount(replyObj);
    if (Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_CHANNEL),
	    &valueObj) == TCL_OK && valueObj != NULL) {
	Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_CHANNEL),
		valueObj);
    }
    if (Tcl_DictObjGet(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
	    &valueObj) == TCL_OK && valueObj != NULL) {
	Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_RUID),
		valueObj);
    }
    Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(1));
    if (outcome == CLUSTER_HOOK_NONE) {
	Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_ERROR),
		Tcl_NewStringObj("no query hook: this member answers no"
		" queries", -1));
    } else {
	Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(
		outcome == CLUSTER_HOOK_OK ? CLUSTER_F_DATA : CLUSTER_F_ERROR),
		resultObj);
    }
    Tcl_DictObjPut(NULL, replyObj, ClusterFieldKey(CLUSTER_F_FILTER),
	    Tcl_NewListObj(1, &servicePtr->sidObj));
    if (resultObj) {
	Tcl_DecrRefCount(resultObj);
    }

    if (connPtr != NULL && ClusterRunSendHooks(clusterPtr, &replyObj, 0)
	    == TCL_OK && ClusterPayloadEncode(NULL, replyObj, 0,
		&clusterPtr->sendBuf, &start, &length) == TCL_OK
	    && ClusterStreamReply(clusterPtr, connPtr,
		clusterPtr->sendBuf.bytes + start, length) == TCL_OK) {
	/* Answered on the connection the query came on. */
    } else if (connPtr == NULL && !ClusterIsDeleted(clusterPtr)) {
	protoObj = Tcl_NewStringObj(clusterProtoNames[proto], -1);
	Tcl_IncrRefCount(protoObj);
	ClusterSendToService(clusterPtr, servicePtr, replyObj, protoObj, 1,
		NULL, &used);
	Tcl_DecrRefCount(protoObj);
    }
    Tcl_DecrRefCount(replyObj);
}
