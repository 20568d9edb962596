/*
 * clusterCmdSend.c --
 *
 *	The Tcl face of sending: `$cluster send` (an event to the union of
 *	the services named and resolved, directly or by one filtered
 *	multicast) and `$service send`.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

static const char *const sendOptions[] = {
    "-services", "-resolve", "-resolver", "-broadcast", "-protocols",
    "-channel", "-ruid", "-data", "-command", "-require", NULL
};

enum SendOption {
    SEND_SERVICES, SEND_RESOLVE, SEND_RESOLVER, SEND_BROADCAST,
    SEND_PROTOCOLS, SEND_CHANNEL, SEND_RUID, SEND_DATA, SEND_COMMAND,
    SEND_REQUIRE
};

/*
 *----------------------------------------------------------------------
 *
 * ClusterCheckProtocols --
 *
 *	Check a list of protocols given to a send (-protocols, or the
 *	protocols of `$service send`): each must be c, t or u.
 *
 * Results:
 *	A standard Tcl result; the error is {CLUSTER INVALID_ARGS what}.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterCheckProtocols(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *listObj,		/* The protocols. */
    const char *what)		/* Option or argument, for the message. */
{
    Tcl_Obj **elements;
    int numElements, i;

    if (Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements)
	    != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", what,
		"bad %s \"%s\": must be a list of c, t and u", what,
		Tcl_GetString(listObj));
    }
    for (i = 0; i < numElements; i++) {
	if (ClusterProtoFromName(Tcl_GetString(elements[i])) < 0) {
	    return ClusterError(interp, "INVALID_ARGS", what,
		    "unknown protocol \"%s\" in %s: must be c, t or u",
		    Tcl_GetString(elements[i]), what);
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterAddTargets --
 *
 *	Add services to a target list, once each: from a list of service
 *	names or sids (-services), a resolve filter list (-resolve) or a
 *	resolver expression (-resolver).
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Appends service command names to targetsObj.
 *
 *----------------------------------------------------------------------
 */

int
ClusterAddTargets(
    Cluster *clusterPtr,	/* Sender. */
    Tcl_Interp *interp,		/* For errors. */
    int how,			/* 0 services, 1 resolve, 2 resolver. */
    Tcl_Obj *argObj,		/* The option's value. */
    Tcl_Obj *targetsObj)	/* In/out: unique service names. */
{
    Tcl_Obj *foundObj, **names, **have;
    int numNames, numHave, i, j;

    if (Tcl_ListObjGetElements(NULL, argObj, &numNames, &names) != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "targets",
		"bad target list \"%s\": must be a list",
		Tcl_GetString(argObj));
    }
    if (how == 0) {
	foundObj = Tcl_NewListObj(0, NULL);
	for (i = 0; i < numNames; i++) {
	    ClusterService *servicePtr =
		    ClusterServiceFromObj(clusterPtr, names[i]);

	    if (servicePtr == NULL) {
		Tcl_DecrRefCount(foundObj);
		return ClusterError(interp, "SEND", "NO_SERVICE",
			"unknown service \"%s\": give a service command or"
			" sid from [$cluster services]",
			Tcl_GetString(names[i]));
	    }
	    Tcl_ListObjAppendElement(NULL, foundObj, servicePtr->nameObj);
	}
    } else if (how == 1) {
	if (ClusterResolveObjCmd(clusterPtr, interp, numNames, names,
		&foundObj) != TCL_OK) {
	    return TCL_ERROR;
	}
    } else if (ClusterResolverObjCmd(clusterPtr, interp, numNames, names,
	    &foundObj) != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_IncrRefCount(foundObj);
    Tcl_ListObjGetElements(NULL, foundObj, &numNames, &names);
    for (i = 0; i < numNames; i++) {
	int seen = 0;

	Tcl_ListObjGetElements(NULL, targetsObj, &numHave, &have);
	for (j = 0; j < numHave && !seen; j++) {
	    seen = (have[j] == names[i]) || strcmp(Tcl_GetString(have[j]),
		    Tcl_GetString(names[i])) == 0;
	}
	if (!seen) {
	    Tcl_ListObjAppendElement(NULL, targetsObj, names[i]);
	}
    }
    Tcl_DecrRefCount(foundObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendObjCmd --
 *
 *	$cluster send ?-services l? ?-resolve l? ?-resolver l?
 *		?-broadcast b? ?-protocols l? ?-channel n? ?-ruid s?
 *		?-data v? ?-command cmd? ?-require b?
 *
 *	Send an event (type 6). With more than three targets, those whose
 *	first protocol is c share one filtered multicast unless -broadcast
 *	says otherwise (clusterCoreSendPlan.c); -broadcast 1 always
 *	multicasts (filtered when services are named); -broadcast 0 never
 *	falls back to multicast. A payload too large for the only path to
 *	a target raises {CLUSTER SEND TOO_LARGE} before anything is sent.
 *	-command is called later, from the event loop, once per target,
 *	with its sid, the protocol that delivered and a reason.
 *
 * Results:
 *	A dict {services S payload P protocols L} where L holds, per
 *	service, the protocol the packet was handed to at return (a stream
 *	may still fail and fall back; empty when none took it), or empty
 *	when there was nothing to send to (counted in `sends_to_nobody`;
 *	with -require 1 that is an error {CLUSTER SEND NOBODY}).
 *
 * Side effects:
 *	Packets; hooks.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendObjCmd(
    Cluster *clusterPtr,	/* Sender (preserved). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Options and values. */
    Tcl_Obj *const objv[])
{
    Tcl_Obj *targetsObj = Tcl_NewListObj(0, NULL), *payloadObj;
    Tcl_Obj *protocolsObj = NULL, *usedObj = Tcl_NewListObj(0, NULL);
    Tcl_Obj *commandObj = NULL;
    int broadcast = -1, channel = 0, i, index, numNames, code = TCL_OK;
    int require = 0;

    Tcl_IncrRefCount(targetsObj);
    Tcl_IncrRefCount(usedObj);
    payloadObj = ClusterOwnPayload(clusterPtr, CLUSTER_TYPE_EVENT);
    Tcl_IncrRefCount(payloadObj);
    for (i = 0; i < objc && code == TCL_OK; i += 2) {
	if (ClusterCmdGetIndex(interp, objv[i], sendOptions,
		sizeof(char *), "option", &index) != TCL_OK) {
	    code = TCL_ERROR;
	    break;
	}
	if (i + 1 >= objc) {
	    code = ClusterError(interp, "INVALID_ARGS", sendOptions[index],
		    "option \"%s\" needs a value", sendOptions[index]);
	    break;
	}
	switch ((enum SendOption) index) {
	case SEND_SERVICES:
	case SEND_RESOLVE:
	case SEND_RESOLVER:
	    code = ClusterAddTargets(clusterPtr, interp, index - SEND_SERVICES,
		    objv[i + 1], targetsObj);
	    break;
	case SEND_BROADCAST:
	    if (Tcl_GetBooleanFromObj(NULL, objv[i + 1], &broadcast)
		    != TCL_OK) {
		code = ClusterError(interp, "INVALID_ARGS", "-broadcast",
			"bad -broadcast \"%s\": must be a boolean",
			Tcl_GetString(objv[i + 1]));
	    }
	    break;
	case SEND_PROTOCOLS:
	    protocolsObj = objv[i + 1];
	    code = ClusterCheckProtocols(interp, protocolsObj, "-protocols");
	    break;
	case SEND_REQUIRE:
	    if (Tcl_GetBooleanFromObj(NULL, objv[i + 1], &require)
		    != TCL_OK) {
		code = ClusterError(interp, "INVALID_ARGS", "-require",
			"bad -require \"%s\": must be a boolean",
			Tcl_GetString(objv[i + 1]));
	    }
	    break;
	case SEND_CHANNEL:
	    if (Tcl_GetIntFromObj(NULL, objv[i + 1], &channel) != TCL_OK
		    || channel < 0) {
		code = ClusterError(interp, "INVALID_ARGS", "-channel",
			"bad -channel \"%s\": must be a non-negative integer",
			Tcl_GetString(objv[i + 1]));
	    }
	    Tcl_DictObjPut(NULL, payloadObj,
		    ClusterFieldKey(CLUSTER_F_CHANNEL), Tcl_NewIntObj(channel));
	    break;
	case SEND_RUID:
	    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
		    objv[i + 1]);
	    break;
	case SEND_DATA:
	    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
		    objv[i + 1]);
	    break;
	case SEND_COMMAND:
	    commandObj = Tcl_GetCharLength(objv[i + 1]) ? objv[i + 1] : NULL;
	    break;
	}
    }
    if (code != TCL_OK) {
	goto done;
    }
    Tcl_ListObjLength(NULL, targetsObj, &numNames);
    if (numNames == 0 && broadcast != 1) {
	clusterPtr->stats.sendsToNobody++;
	if (require) {
	    code = ClusterError(interp, "SEND", "NOBODY",
		    "no service matched the send: check the -services,"
		    " -resolve or -resolver given against [$cluster"
		    " services] and their tags");
	} else {
	    Tcl_ResetResult(interp);
	}
	goto done;
    }
    code = ClusterSendEvent(clusterPtr, targetsObj, payloadObj, broadcast,
	    protocolsObj, commandObj, interp, usedObj);
    if (code == TCL_OK) {
	Tcl_Obj *resultObj = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, resultObj, Tcl_NewStringObj("services", -1),
		targetsObj);
	Tcl_DictObjPut(NULL, resultObj, Tcl_NewStringObj("payload", -1),
		payloadObj);
	Tcl_DictObjPut(NULL, resultObj, Tcl_NewStringObj("protocols", -1),
		usedObj);
	Tcl_SetObjResult(interp, resultObj);
    }

  done:
    Tcl_DecrRefCount(payloadObj);
    Tcl_DecrRefCount(targetsObj);
    Tcl_DecrRefCount(usedObj);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSendToServiceCmd --
 *
 *	$service send payload ?protocols? ?command?
 *
 *	Send a payload dict (completed with our identity) to one service,
 *	after the size rule (a payload too large for c, when c is the
 *	service's only protocol, is an error before anything is sent).
 *	command, if any, is told later, from the event loop, which protocol
 *	delivered it (clusterCoreOutcome.c).
 *
 * Results:
 *	The protocol the packet was handed to, or empty when every protocol
 *	failed.
 *
 * Side effects:
 *	Packets; hooks.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSendToServiceCmd(
    ClusterService *servicePtr,	/* Receiver (preserved). */
    Tcl_Interp *interp,		/* Current interpreter. */
    Tcl_Obj *givenObj,		/* Payload dict. */
    Tcl_Obj *protocolsObj,	/* Protocol order, or NULL. */
    Tcl_Obj *commandObj)	/* Command to tell the outcome, or NULL. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    Tcl_Obj *payloadObj, *targetsObj;
    unsigned long tag = 0;
    int size, used, code;

    if (Tcl_DictObjSize(NULL, givenObj, &size) != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "payload",
		"bad payload \"%s\": must be a dict", Tcl_GetString(givenObj));
    }
    if (protocolsObj != NULL && ClusterCheckProtocols(interp, protocolsObj,
	    "protocols") != TCL_OK) {
	return TCL_ERROR;
    }
    if (ClusterIsDeleted(clusterPtr)
	    || (servicePtr->flags & SERVICE_DELETED)) {
	return ClusterError(interp, "SEND", "NO_SERVICE",
		"can't send: the service has been removed");
    }
    payloadObj = ClusterCompletePayload(clusterPtr, givenObj);
    Tcl_IncrRefCount(payloadObj);
    targetsObj = Tcl_NewListObj(1, &servicePtr->nameObj);
    Tcl_IncrRefCount(targetsObj);
    code = ClusterSendCheckSize(clusterPtr, targetsObj, payloadObj, -1,
	    protocolsObj, interp);
    Tcl_DecrRefCount(targetsObj);
    if (code == TCL_OK) {
	if (commandObj != NULL) {
	    tag = ClusterOutcomeNew(clusterPtr, commandObj,
		    servicePtr->sidObj);
	}
	code = ClusterSendToServiceTagged(clusterPtr, servicePtr, payloadObj,
		protocolsObj, 1, interp, tag, &used);
    }
    Tcl_DecrRefCount(payloadObj);
    if (code == TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		used >= 0 ? clusterProtoNames[used] : "", -1));
    }
    return code;
}
