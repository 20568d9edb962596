/*
 * clusterCmd.c --
 *
 *	The cluster object command (doc/protocol.md section 6.2): one small
 *	function per subcommand, dispatched through a table by the command
 *	kit (clusterCmdKit.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <string.h>

typedef int (ClusterSubcommand)(Cluster *clusterPtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[]);

static ClusterSubcommand BroadcastCmd, ChannelCmd, ConfigCmd, DebugCmd,
	DestroyCmd,
	DiscoverCmd, HeartbeatCmd, HeartbeatAfterCmd, HidCmd,
	IsLocalCmd, KnownServicesCmd, PropsCmd, ProtocolCmd, ProtocolsCmd,
	ResolveCmd, ResolverCmd, ResolveSelfCmd, ResolverSelfCmd, ServicesCmd,
	SidCmd, StatsCmd, TagsCmd, TtlCmd, UuidCmd;

typedef struct ClusterCommand {
    ClusterCmdSpec spec;	/* Name and arguments, for the kit. */
    ClusterSubcommand *proc;	/* Its implementation. */
} ClusterCommand;

/*
 * The subcommands: name, fewest and most arguments (-1: no maximum),
 * usage; implementation.
 */

static const ClusterCommand clusterCommands[] = {
    {{"answer",		 2,  3, "token ?-error? value"}, ClusterAnswerCmd},
    {{"broadcast",	 1,  1, "payload"},		BroadcastCmd},
    {{"channel",	 2,  2, "subscribe|unsubscribe list"}, ChannelCmd},
    {{"cget",		 1,  1, "-option"},		ClusterCgetCmd},
    {{"config",		 0, -1, "?key ...?"},		ConfigCmd},
    {{"configure",	 0, -1, "?-option value ...?"},	ClusterConfigureCmd},
    {{"debug",		 2,  2, "close-server t|u"},	DebugCmd},
    {{"defer",		 0,  0, NULL},			ClusterDeferCmd},
    {{"destroy",	 0,  0, NULL},			DestroyCmd},
    {{"discover",	 0,  0, NULL},			DiscoverCmd},
    {{"handler",	 0,  2, "?channel? ?prefix?"},	ClusterHandlerCmd},
    {{"heartbeat",	 0,  2, "?props? ?tags?"},	HeartbeatCmd},
    {{"heartbeat_after", 1,  1, "ms"},			HeartbeatAfterCmd},
    {{"hid",		 0,  0, NULL},			HidCmd},
    {{"hook",		 0, -1, "?path ...? ?body?"},	ClusterHookObjCmd},
    {{"is_local",	 1,  1, "address"},		IsLocalCmd},
    {{"keys",		 0,  2, "?install|use|remove key?"},
							ClusterKeysCmd},
    {{"known_services",	 0,  0, NULL},			KnownServicesCmd},
    {{"peers",		 0,  2, "?add|remove host:port?"},
							ClusterPeersCmd},
    {{"props",		 0,  1, "?protoprops?"},	PropsCmd},
    {{"protocol",	 1,  1, "id"},			ProtocolCmd},
    {{"protocols",	 0,  0, NULL},			ProtocolsCmd},
    {{"query",		 0, -1, "?-option value ...?"},	ClusterQueryObjCmd},
    {{"resolve",	 0, -1, "?filter ...?"},	ResolveCmd},
    {{"resolve_self",	 1,  2, "tag ?modifier?"},	ResolveSelfCmd},
    {{"resolver",	 0, -1, "?modifier? ?op list ...?"}, ResolverCmd},
    {{"resolver_self",	 0, -1, "?modifier? ?op list ...?"}, ResolverSelfCmd},
    {{"send",		 0, -1, "?-option value ...?"},	ClusterSendObjCmd},
    {{"services",	 0,  0, NULL},			ServicesCmd},
    {{"sid",		 0,  0, NULL},			SidCmd},
    {{"stats",		 0,  0, NULL},			StatsCmd},
    {{"tags",		 0, -1, "?action? ?value ...?"}, TagsCmd},
    {{"ttl",		 0,  0, NULL},			TtlCmd},
    {{"uuid",		 0,  0, NULL},			UuidCmd},
    {{"watch",		 0,  2, "?name? ?prefix?"},	ClusterWatchCmd},
    {{NULL,		 0,  0, NULL},			NULL}
};

static const ClusterCmdKit clusterKit = {
    clusterCommands, sizeof(ClusterCommand), 1, "subcommand",
    "subcommand ?arg ...?", NULL
};

/*
 *----------------------------------------------------------------------
 *
 * ClusterObjCmd --
 *
 *	$cluster subcommand ?arg ...?
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Those of the subcommand. The cluster is held across it, since a
 *	hook it runs may destroy the cluster.
 *
 *----------------------------------------------------------------------
 */

int
ClusterObjCmd(
    ClientData clientData,	/* The Cluster. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* Argument objects. */
{
    Cluster *clusterPtr = clientData;
    int index, code;

    if (ClusterCmdLookup(interp, &clusterKit, objc, objv, &index)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_Preserve(clusterPtr);
    code = clusterCommands[index].proc(clusterPtr, interp, objc - 2,
	    objv + 2);
    Tcl_Release(clusterPtr);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterGateObjCmd --
 *
 *	::cluster::hook::gate clusterName subcommand ?arg ...?
 *
 *	What the cluster command is in a `-interp` child: the child's alias
 *	of the cluster's name comes here, and a hook there may use every
 *	subcommand except those that would let a mistake in it reach the
 *	member itself: read or change its keys (keys), change or remove the
 *	application's hooks (hook), its channels (channel, configure),
 *	destroy it (destroy) or break its servers (debug).
 *
 * Results:
 *	That of the subcommand, or an error {CLUSTER INTERP FORBIDDEN
 *	subcommand}.
 *
 * Side effects:
 *	Those of the subcommand.
 *
 *----------------------------------------------------------------------
 */

int
ClusterGateObjCmd(
    ClientData clientData,	/* Unused. */
    Tcl_Interp *interp,		/* The interpreter that joined. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* gate, cluster name, subcommand, ... */
{
    static const char *const forbidden[] = {
	"channel", "configure", "debug", "destroy", "handler", "hook", "keys",
	"watch", NULL
    };
    Tcl_CmdInfo info;
    int index, i;

    (void) clientData;
    if (objc < 2 || !Tcl_GetCommandInfo(interp, Tcl_GetString(objv[1]),
	    &info) || info.objProc != ClusterObjCmd) {
	return ClusterError(interp, "INTERP", "GONE",
		"the cluster of this interpreter is gone");
    }
    if (ClusterCmdLookup(interp, &clusterKit, objc - 1, objv + 1, &index)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    for (i = 0; forbidden[i] != NULL; i++) {
	if (strcmp(clusterCommands[index].spec.name, forbidden[i]) == 0) {
	    return ClusterError(interp, "INTERP", "FORBIDDEN",
		    "\"%s\" is not available to hooks in an -interp child",
		    forbidden[i]);
	}
    }
    return ClusterObjCmd(info.objClientData, interp, objc - 1, objv + 1);
}

/*
 * $cluster heartbeat ?props? ?tags?
 *	Broadcast a heartbeat now. props: `protoprops` (the default) for our
 *	protocol props, or a dict to send as data; tags: a boolean, whether
 *	to carry our tags (default 1).
 */

static int
HeartbeatCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *propsObj = NULL;
    int withTags = 1;

    if (objc > 0 && strcmp(Tcl_GetString(objv[0]), "protoprops") != 0) {
	propsObj = objv[0];
    }
    if (objc > 1 && Tcl_GetBooleanFromObj(NULL, objv[1], &withTags)
	    != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "tags",
		"bad tags \"%s\": must be a boolean", Tcl_GetString(objv[1]));
    }
    if (ClusterSendHeartbeat(clusterPtr, propsObj, withTags, NULL)
	    != TCL_OK) {
	return ClusterError(interp, "SEND", "MULTICAST",
		"can't send the heartbeat: see [$cluster stats]");
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * $cluster heartbeat_after ms
 *	Reschedule the next heartbeat to ms from now.
 */

static int
HeartbeatAfterCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    int ms;

    (void) objc;
    if (Tcl_GetIntFromObj(NULL, objv[0], &ms) != TCL_OK || ms < 0) {
	return ClusterError(interp, "INVALID_ARGS", "ms",
		"bad delay \"%s\": must be a non-negative number of"
		" milliseconds", Tcl_GetString(objv[0]));
    }
    ClusterScheduleHeartbeat(clusterPtr, ms);
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * $cluster discover
 *	Broadcast a discovery, at most once per -discoverylimit; 1 if sent.
 */

static int
DiscoverCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(
	    ClusterSendDiscovery(clusterPtr, 0)));
    return TCL_OK;
}

/*
 * $cluster broadcast payload
 *	Multicast a payload dict (our sid, hid, protocols and channel 0
 *	are filled in where missing); 1 if sent, 0 if a hook cancelled it.
 */

static int
BroadcastCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *payloadObj;
    Tcl_Size size;
    int code, sent;

    (void) objc;
    if (Tcl_DictObjSize(NULL, objv[0], &size) != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "payload",
		"bad payload \"%s\": must be a dict", Tcl_GetString(objv[0]));
    }
    payloadObj = ClusterCompletePayload(clusterPtr, objv[0]);
    Tcl_IncrRefCount(payloadObj);
    code = ClusterBroadcast(clusterPtr, payloadObj, interp, &sent);
    Tcl_DecrRefCount(payloadObj);
    if (code == TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(sent));
    }
    return code;
}

/*
 * $cluster resolve ?filter ...?
 * $cluster resolver ?modifier? ?op list ...?
 *	Services matching the filters (doc/protocol.md section 6.6).
 */

static int
ResolveCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *listObj;

    if (ClusterResolveObjCmd(clusterPtr, interp, objc, objv, &listObj)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, listObj);
    return TCL_OK;
}

static int
ResolverCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *listObj;

    if (ClusterResolverObjCmd(clusterPtr, interp, objc, objv, &listObj)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, listObj);
    return TCL_OK;
}

/*
 * $cluster resolve_self tag ?modifier?
 * $cluster resolver_self ?modifier? ?op list ...?
 *	The same tests applied to this member; 1 or 0.
 */

static Tcl_Obj *
SelfResolverTags(
    Cluster *clusterPtr)	/* Member of interest. */
{
    Tcl_Obj *listObj = Tcl_DuplicateObj(clusterPtr->tagsObj);

    Tcl_ListObjAppendElement(NULL, listObj, clusterPtr->sidObj);
    Tcl_ListObjAppendElement(NULL, listObj, clusterPtr->hidObj);
    Tcl_ListObjAppendElement(NULL, listObj, Tcl_NewStringObj("localhost",
	    -1));
    return listObj;
}

static int
MatchSelf(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *resolverTagsObj = SelfResolverTags(clusterPtr);
    int match, code;

    Tcl_IncrRefCount(resolverTagsObj);
    code = ClusterMatchResolverTags(interp, resolverTagsObj,
	    clusterPtr->tagsObj, objc, objv, &match);
    Tcl_DecrRefCount(resolverTagsObj);
    if (code == TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(match));
    }
    return code;
}

static int
ResolveSelfCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *resolverTagsObj = SelfResolverTags(clusterPtr);
    int code;

    Tcl_IncrRefCount(resolverTagsObj);
    code = ClusterResolveTest(interp, resolverTagsObj, clusterPtr->tagsObj,
	    Tcl_NewListObj(1, &objv[0]), (objc > 1) ? objv[1] : NULL, NULL);
    Tcl_DecrRefCount(resolverTagsObj);
    return code;
}

static int
ResolverSelfCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    return MatchSelf(clusterPtr, interp, objc, objv);
}

/*
 * $cluster tags ?action? ?value ...?
 *	Read or change our tags (doc/protocol.md section 6.7).
 */

static int
TagsCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    return ClusterTagsObjCmd(clusterPtr, interp, objc, objv);
}

/*
 * $cluster channel subscribe|join|enter|add list
 * $cluster channel unsubscribe|leave|exit|remove list
 *	Join or leave channels; 0, 1 and 2 cannot be left.
 */

static int
ChannelCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    static const char *const actions[] = {
	"subscribe", "join", "enter", "add",
	"unsubscribe", "leave", "exit", "remove", NULL
    };
    int index;

    (void) objc;
    if (ClusterCmdGetIndex(interp, objv[0], actions, sizeof(char *),
	    "action", &index) != TCL_OK) {
	return TCL_ERROR;
    }
    if (ClusterChannelSubscribe(interp, clusterPtr, objv[1], index < 4)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * $cluster services | known_services
 *	The service object commands, or their number.
 */

static int
ServicesCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL);
    ClusterService *servicePtr;

    (void) objc; (void) objv;
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	Tcl_ListObjAppendElement(NULL, listObj, servicePtr->nameObj);
    }
    Tcl_SetObjResult(interp, listObj);
    return TCL_OK;
}

static int
KnownServicesCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, Tcl_NewIntObj(clusterPtr->numServices));
    return TCL_OK;
}

/*
 * $cluster config ?key ...?
 *	The configuration dict, or the value of one key (with or without
 *	its dash); several keys give a dict of those.
 */

static int
ConfigCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *dictObj = ClusterConfigDict(clusterPtr), *resultObj;
    int i;

    Tcl_IncrRefCount(dictObj);
    resultObj = (objc == 0) ? dictObj : Tcl_NewDictObj();
    for (i = 0; i < objc; i++) {
	const char *key = Tcl_GetString(objv[i]);
	Tcl_Obj *keyObj = Tcl_NewStringObj(key + (key[0] == '-'), -1);
	Tcl_Obj *valueObj;

	Tcl_IncrRefCount(keyObj);
	Tcl_DictObjGet(NULL, dictObj, keyObj, &valueObj);
	if (valueObj == NULL) {
	    Tcl_DecrRefCount(keyObj);
	    Tcl_DecrRefCount(dictObj);
	    if (resultObj != dictObj) {
		Tcl_DecrRefCount(resultObj);
	    }
	    if (i > 0) {
		return ClusterError(interp, "INVALID_ARGS", key,
			"unknown config key \"%s\": config only reads; to"
			" change a setting use [$cluster configure -%s %s]",
			key, Tcl_GetString(objv[i - 1])
			+ (Tcl_GetString(objv[i - 1])[0] == '-'), key);
	    }
	    return ClusterError(interp, "INVALID_ARGS", key,
		    "unknown config key \"%s\": see [$cluster config] for"
		    " the keys", key);
	}
	if (objc == 1) {
	    Tcl_DecrRefCount(resultObj);
	    resultObj = valueObj;
	} else {
	    Tcl_DictObjPut(NULL, resultObj, keyObj, valueObj);
	}
	Tcl_DecrRefCount(keyObj);
    }
    Tcl_SetObjResult(interp, resultObj);
    Tcl_DecrRefCount(dictObj);
    return TCL_OK;
}

/*
 * $cluster ttl | protocols | uuid | sid | hid
 *	Configuration and identities.
 */

static int
TtlCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, Tcl_NewIntObj(clusterPtr->config.ttl));
    return TCL_OK;
}

static int
ProtocolsCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, clusterPtr->config.protocolsObj);
    return TCL_OK;
}

static int
UuidCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, clusterPtr->uuidObj);
    return TCL_OK;
}

static int
SidCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, clusterPtr->sidObj);
    return TCL_OK;
}

static int
HidCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, clusterPtr->hidObj);
    return TCL_OK;
}

/*
 * $cluster protocol id
 *	Empty if we do not serve the protocol, else a non-empty handle: the
 *	protocol's props (or "c" for multicast, which has none).
 */

static int
ProtocolCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    int proto = ClusterProtoFromName(Tcl_GetString(objv[0]));
    Tcl_Obj *propsObj;

    (void) objc;
    Tcl_ResetResult(interp);
    if (proto < 0 || !ClusterServes(clusterPtr, proto)) {
	return TCL_OK;
    }
    if (proto == CLUSTER_PROTO_C) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf("c %d",
		ClusterMulticastFd(clusterPtr)));
    } else if ((propsObj = ClusterStreamProps(clusterPtr, proto)) != NULL) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s %s",
		Tcl_GetString(objv[0]), Tcl_GetString(propsObj)));
	Tcl_DecrRefCount(propsObj);
    }
    return TCL_OK;
}

/*
 * $cluster props ?protoprops?
 *	Our protocol props, e.g. t {port 40001}.
 */

static int
PropsCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, ClusterProtoProps(clusterPtr));
    return TCL_OK;
}

/*
 * $cluster is_local address
 *	1 if the address belongs to this machine.
 */

static int
IsLocalCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    ClusterAddr addr;
    const char *text = Tcl_GetString(objv[0]);

    (void) objc;
    if (strcmp(text, "localhost") == 0) {
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(1));
	return TCL_OK;
    }
    if (ClusterpParseAddress(text, &addr) != 0) {
	return ClusterError(interp, "INVALID_ARGS", "address",
		"bad address \"%s\": must be an IPv4 or IPv6 address such"
		" as 127.0.0.1 or ::1", text);
    }
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(
	    ClusterIsLocalAddress(clusterPtr, &addr)));
    return TCL_OK;
}

/*
 * $cluster stats
 *	Counters since join (doc/protocol.md section 9).
 */

static int
StatsCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, ClusterStatsDict(clusterPtr));
    return TCL_OK;
}

/*
 * $cluster debug close-server t|u
 *	Fault injection for tests: close the protocol's listening socket
 *	while still advertising it, so that peers fail to connect and the
 *	self-healing path (failure report, rebuild) can be exercised.
 */

static int
DebugCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    static const char *const actions[] = {"close-server", NULL};
    int index, proto;

    (void) objc;
    if (ClusterCmdGetIndex(interp, objv[0], actions, sizeof(char *),
	    "debug action", &index) != TCL_OK) {
	return TCL_ERROR;
    }
    proto = ClusterProtoFromName(Tcl_GetString(objv[1]));
    if (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U) {
	return ClusterError(interp, "INVALID_ARGS", "protocol",
		"bad protocol \"%s\": must be t or u",
		Tcl_GetString(objv[1]));
    }
    if (ClusterStreamBreak(clusterPtr, proto, interp) != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * $cluster destroy
 *	Leave the cluster (doc/protocol.md section 5).
 */

static int
DestroyCmd(Cluster *clusterPtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    if (clusterPtr->token != NULL) {
	Tcl_DeleteCommandFromToken(interp, clusterPtr->token);
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}
