/*
 * clusterCmdService.c --
 *
 *	The object command of a service (doc/protocol.md section 6.3),
 *	through which scripts see what the cluster knows of another member.
 *	The core keeps the record (clusterCoreService.c) and tells the face
 *	when to make and delete the command.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stdio.h>

typedef int (ServiceSubcommand)(ClusterService *servicePtr,
	Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);

static ServiceSubcommand ServiceInfoCmd, ServiceSidCmd, ServiceHidCmd,
	ServiceIpCmd, ServiceLocalCmd, ServiceTagsCmd, ServicePropsCmd,
	ServiceProtoPropsCmd, ServiceProtocolsCmd, ServiceLastSeenCmd,
	ServiceResolveCmd, ServiceResolverCmd, ServiceResolverTagsCmd,
	ServiceSendCmd, ServiceQueryCmd, ServiceSocketCmd, ServiceExpectedCmd,
	ServiceDestroyCmd, ServiceStatsCmd;

typedef struct ServiceCommand {
    ClusterCmdSpec spec;	/* Name and arguments, for the kit. */
    ServiceSubcommand *proc;	/* Its implementation. */
} ServiceCommand;

/*
 * The subcommands: name, fewest and most arguments, usage;
 * implementation.
 */

static const ServiceCommand serviceCommands[] = {
    {{"destroy",	0, 0, NULL},		ServiceDestroyCmd},
    {{"expected",	0, 1, "?within?"},	ServiceExpectedCmd},
    {{"hid",		0, 0, NULL},		ServiceHidCmd},
    {{"info",		0, 0, NULL},		ServiceInfoCmd},
    {{"ip",		0, 0, NULL},		ServiceIpCmd},
    {{"last_seen",	0, 0, NULL},		ServiceLastSeenCmd},
    {{"local",		0, 0, NULL},		ServiceLocalCmd},
    {{"props",		0, 0, NULL},		ServicePropsCmd},
    {{"proto_props",	1, 1, "id"},		ServiceProtoPropsCmd},
    {{"protocols",	0, 0, NULL},		ServiceProtocolsCmd},
    {{"query",		2, 2, "ruid query"},	ServiceQueryCmd},
    {{"resolve",	1, 2, "tag ?modifier?"}, ServiceResolveCmd},
    {{"resolver",	1, 3, "tags ?modifier? ?op?"}, ServiceResolverCmd},
    {{"resolver_tags",	0, 0, NULL},		ServiceResolverTagsCmd},
    {{"send",		1, 3, "payload ?protocols? ?command?"},
	ServiceSendCmd},
    {{"sid",		0, 0, NULL},		ServiceSidCmd},
    {{"socket",		1, 1, "id"},		ServiceSocketCmd},
    {{"stats",		0, 0, NULL},		ServiceStatsCmd},
    {{"tags",		0, 0, NULL},		ServiceTagsCmd},
    {{NULL,		0, 0, NULL},		NULL}
};

static const ClusterCmdKit serviceKit = {
    serviceCommands, sizeof(ServiceCommand), 1, "subcommand",
    "subcommand ?arg ...?", NULL
};

static int		ServiceObjCmd(ClientData clientData,
			    Tcl_Interp *interp, int objc,
			    Tcl_Obj *const objv[]);
static void		ServiceDeleteProc(ClientData clientData);
static const Tcl_ObjType *CmdNameType(void);

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceCommandCreate, ClusterServiceCommandDelete --
 *
 *	The core made a service: give it its object command
 *	::cluster::serviceN. The core removed it: delete that command.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A command; its delete proc releases the record.
 *
 *----------------------------------------------------------------------
 */

void
ClusterServiceCommandCreate(
    ClusterService *servicePtr)	/* New service. */
{
    Tcl_Interp *interp = servicePtr->clusterPtr->interp;
    ClusterInterpData *dataPtr = ClusterGetInterpData(interp);
    char name[48];

    /*
     * Not Tcl_ObjPrintf: its string keeps room to grow, and a process
     * knows hundreds of services.
     */

    snprintf(name, sizeof(name), "::cluster::service%lu",
	    ++dataPtr->nextService);
    ClusterSetObj(&servicePtr->nameObj, Tcl_NewStringObj(name, -1));
    servicePtr->token = Tcl_CreateObjCommand(interp,
	    Tcl_GetString(servicePtr->nameObj), ServiceObjCmd, servicePtr,
	    ServiceDeleteProc);
    ClusterCmdHookAlias(servicePtr->clusterPtr, servicePtr->nameObj, 1);
}

void
ClusterServiceCommandDelete(
    ClusterService *servicePtr)	/* Unlinked service. */
{
    if (servicePtr->token != NULL) {
	Tcl_Command token = servicePtr->token;

	servicePtr->token = NULL;
	Tcl_DeleteCommandFromToken(servicePtr->clusterPtr->interp, token);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ServiceDeleteProc --
 *
 *	The command is gone: by `$service destroy`, rename, the cluster's
 *	removal of the service or the interpreter's deletion. A service
 *	destroyed by a script is removed like one that expired.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May run `service lost`; frees the service when released.
 *
 *----------------------------------------------------------------------
 */

static void
ServiceDeleteProc(
    ClientData clientData)	/* The ClusterService. */
{
    ClusterService *servicePtr = clientData;

    ClusterCmdHookAlias(servicePtr->clusterPtr, servicePtr->nameObj, 0);
    if (servicePtr->token != NULL) {
	servicePtr->token = NULL;
	ClusterRemoveService(servicePtr);
    }
    ClusterServiceRelease(servicePtr);
}


/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceFromObj --
 *
 *	Find a service of a cluster by its command name or its sid.
 *
 * Results:
 *	The service, or NULL.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

ClusterService *
ClusterServiceFromObj(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Obj *objPtr)		/* Command name or sid. */
{
    Tcl_HashEntry *entryPtr;

    entryPtr = Tcl_FindHashEntry(&clusterPtr->services,
	    Tcl_GetString(objPtr));
    if (entryPtr != NULL) {
	return Tcl_GetHashValue(entryPtr);
    }
    return ClusterServiceFromName(clusterPtr, objPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceFromName --
 *
 *	Find a live service of a cluster by the name of its command (the
 *	core's serviceFromNameProc).
 *
 * Results:
 *	The service, or NULL.
 *
 * Side effects:
 *	May cache the command in objPtr (see below).
 *
 *----------------------------------------------------------------------
 */

ClusterService *
ClusterServiceFromName(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Obj *objPtr)		/* Command name. */
{
    ClusterService *servicePtr;
    Tcl_CmdInfo info;
    Tcl_Command token;

    /*
     * By command. A pure string, or a name already used as a command,
     * caches the command it names, so that the same object given again
     * (a service name in a targets list) is not looked up again; any
     * other object is looked up by its string, not converted, since a
     * name also serves as a list (-services $service) and the two would
     * convert each other back and forth.
     */

    if (objPtr->typePtr == NULL || objPtr->typePtr == CmdNameType()) {
	token = Tcl_GetCommandFromObj(clusterPtr->interp, objPtr);
    } else {
	token = Tcl_FindCommand(clusterPtr->interp, Tcl_GetString(objPtr),
		NULL, 0);
    }
    if (token != NULL && Tcl_GetCommandInfoFromToken(token, &info)
	    && info.objProc == ServiceObjCmd) {
	servicePtr = info.objClientData;
	if (servicePtr->clusterPtr == clusterPtr
		&& !(servicePtr->flags & SERVICE_DELETED)) {
	    return servicePtr;
	}
    }
    return NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * CmdNameType --
 *
 *	Tcl's type of command names, which caches the command an object
 *	names (looked up once: it is the same for every interp).
 *
 * Results:
 *	The type, or NULL if Tcl does not register it.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static const Tcl_ObjType *
CmdNameType(void)
{
    static const Tcl_ObjType *typePtr = NULL;
    static int known = 0;

    if (!known) {
	typePtr = Tcl_GetObjType("cmdName");
	known = 1;
    }
    return typePtr;
}

/*
 *----------------------------------------------------------------------
 *
 * ServiceObjCmd --
 *
 *	$service subcommand ?arg ...?
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Those of the subcommand.
 *
 *----------------------------------------------------------------------
 */

static int
ServiceObjCmd(
    ClientData clientData,	/* The ClusterService. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* Argument objects. */
{
    ClusterService *servicePtr = clientData;
    int index, code;

    if (ClusterCmdLookup(interp, &serviceKit, objc, objv, &index)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_Preserve(servicePtr);
    Tcl_Preserve(servicePtr->clusterPtr);
    code = serviceCommands[index].proc(servicePtr, interp, objc - 2,
	    objv + 2);
    Tcl_Release(servicePtr->clusterPtr);
    Tcl_Release(servicePtr);
    return code;
}

/*
 * $service info | sid | hid | ip | local | tags | props | protocols
 *	Read what is known of the service.
 */

static int
ServiceInfoCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, ClusterServiceInfo(servicePtr));
    return TCL_OK;
}

/*
 * $service stats
 *	What this member asked of the service and sent it, and how that
 *	went: a dict of counts, and the bytes queued on its streams now.
 */

static int
ServiceStatsCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    const ClusterServiceStats *s = &servicePtr->stats;
    Tcl_Obj *dictObj = Tcl_NewDictObj();

    (void) objc; (void) objv;
#define PUT(key, value) \
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj((key), -1), \
	    Tcl_NewWideIntObj(value))
    PUT("queries", s->queriesSent);
    PUT("answers", s->answers);
    PUT("errors", s->errors);
    PUT("timeouts", s->timeouts);
    PUT("packets_sent", s->packetsSent);
    PUT("send_failures", s->sendFailures);
    PUT("bytes_queued", (Tcl_WideInt) ClusterPeerQueued(&servicePtr->peer));
    PUT("queries_served", s->queriesServed);
#undef PUT
    Tcl_SetObjResult(interp, dictObj);
    return TCL_OK;
}

static void
SetResultOrEmpty(Tcl_Interp *interp, Tcl_Obj *objPtr)
{
    if (objPtr != NULL) {
	Tcl_SetObjResult(interp, objPtr);
    } else {
	Tcl_ResetResult(interp);
    }
}

static int
ServiceSidCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    SetResultOrEmpty(interp, servicePtr->sidObj);
    return TCL_OK;
}

static int
ServiceHidCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    SetResultOrEmpty(interp, servicePtr->hidObj);
    return TCL_OK;
}

static int
ServiceIpCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    SetResultOrEmpty(interp, servicePtr->addrObj);
    return TCL_OK;
}

static int
ServiceLocalCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(
	    (servicePtr->flags & SERVICE_LOCAL) != 0));
    return TCL_OK;
}

static int
ServiceTagsCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    SetResultOrEmpty(interp, servicePtr->tagsObj);
    return TCL_OK;
}

static int
ServicePropsCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    SetResultOrEmpty(interp, servicePtr->propsObj);
    return TCL_OK;
}

static int
ServiceProtocolsCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    SetResultOrEmpty(interp, servicePtr->protocolsObj);
    return TCL_OK;
}

/*
 * $service proto_props id
 *	The props the service advertised for one protocol, or empty.
 */

static int
ServiceProtoPropsCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    Tcl_Obj *valueObj = NULL;

    (void) objc;
    Tcl_DictObjGet(NULL, servicePtr->propsObj, objv[0], &valueObj);
    SetResultOrEmpty(interp, valueObj);
    return TCL_OK;
}

/*
 * $service last_seen
 *	Seconds since the service was last heard from.
 */

static int
ServiceLastSeenCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(
	    (ClusterpMonotonicMs() - servicePtr->lastSeenMs) / 1000));
    return TCL_OK;
}

/*
 * $service resolve tag ?modifier?
 * $service resolver tags ?modifier? ?op?
 *	1 if the service matches, else 0 (doc/protocol.md section 6.6).
 */

static int
ServiceResolveCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    return ClusterResolveTest(interp, ClusterServiceResolverTags(servicePtr),
	    servicePtr->tagsObj, Tcl_NewListObj(1, &objv[0]),
	    (objc > 1) ? objv[1] : NULL, NULL);
}

static int
ServiceResolverCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    return ClusterResolveTest(interp, ClusterServiceResolverTags(servicePtr),
	    servicePtr->tagsObj, objv[0], (objc > 1) ? objv[1] : NULL,
	    (objc > 2) ? objv[2] : NULL);
}

static int
ServiceResolverTagsCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    (void) objc; (void) objv;
    Tcl_SetObjResult(interp, ClusterServiceResolverTags(servicePtr));
    return TCL_OK;
}

/*
 * $service send payload ?protocols? ?command?
 *	Send a payload dict to this service; the protocol it was handed
 *	to, or empty; command is told later which one delivered it.
 * $service query ruid query
 *	Send it a query (type 4) with the given request id.
 */

static int
ServiceSendCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    return ClusterSendToServiceCmd(servicePtr, interp, objv[0],
	    (objc > 1 && Tcl_GetCharLength(objv[1])) ? objv[1] : NULL,
	    (objc > 2 && Tcl_GetCharLength(objv[2])) ? objv[2] : NULL);
}

static int
ServiceQueryCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    Tcl_Obj *payloadObj = Tcl_NewDictObj();
    int code;

    (void) objc;
    Tcl_IncrRefCount(payloadObj);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_TYPE),
	    Tcl_NewIntObj(CLUSTER_TYPE_QUERY));
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_RUID),
	    objv[0]);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_DATA),
	    objv[1]);
    Tcl_DictObjPut(NULL, payloadObj, ClusterFieldKey(CLUSTER_F_KEEPALIVE),
	    Tcl_NewIntObj(1));
    code = ClusterSendToServiceCmd(servicePtr, interp, payloadObj, NULL,
	    NULL);
    Tcl_DecrRefCount(payloadObj);
    return code;
}

/*
 * $service socket id
 *	An identifier of the open stream to the service over protocol id,
 *	or empty when none is open.
 */

static int
ServiceSocketCmd(ClusterService *servicePtr, Tcl_Interp *interp, int objc,
	Tcl_Obj *const objv[])
{
    int proto = ClusterProtoFromName(Tcl_GetString(objv[0]));

    (void) objc;
    if (proto > CLUSTER_PROTO_C && servicePtr->peer.conns[proto] != NULL) {
	Tcl_SetObjResult(interp,
		ClusterConnName(servicePtr->peer.conns[proto]));
    } else {
	Tcl_ResetResult(interp);
    }
    return TCL_OK;
}

/*
 * $service expected ?within?
 *	Without an argument: 1 if the service must speak up by a deadline
 *	(after a ping), else 0. With one: expect it within `within` ms.
 */

static int
ServiceExpectedCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    int within;

    if (objc == 1) {
	if (Tcl_GetIntFromObj(NULL, objv[0], &within) != TCL_OK
		|| within < 0) {
	    return ClusterError(interp, "INVALID_ARGS", "within",
		    "bad within \"%s\": must be a number of milliseconds",
		    Tcl_GetString(objv[0]));
	}
	servicePtr->expectedByMs = ClusterpMonotonicMs() + within;
	servicePtr->flags |= SERVICE_OWN_DEADLINE;
	ClusterScheduleSweep(servicePtr->clusterPtr, within + 1);
    }
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj(
	    servicePtr->expectedByMs != 0));
    return TCL_OK;
}

/*
 * $service destroy
 *	Forget the service (it is rediscovered when heard from again).
 */

static int
ServiceDestroyCmd(ClusterService *servicePtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[])
{
    (void) objc; (void) objv; (void) interp;
    ClusterRemoveService(servicePtr);
    return TCL_OK;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
