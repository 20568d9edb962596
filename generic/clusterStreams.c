/*
 * clusterStreams.c --
 *
 *	The stream transports t (TCP on an ephemeral port on all
 *	interfaces) and u (unix-domain stream socket at a path built from
 *	`-u {path P}` and the sid): their listening servers, the props they
 *	advertise, self-healing rebuilds (SPEC section 2, type 8), and the
 *	choice of where to connect when sending to a service. The
 *	connections themselves live in clusterConn.c and clusterConnIO.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"

#define ACCEPTS_PER_EVENT	64	/* Connections taken per readable
					 * event of a server. */
#define ACCEPT_PAUSE_MS		100	/* How long a server rests after an
					 * accept error (out of descriptors:
					 * it would stay readable). */

/*
 * One listening server.
 */

typedef struct StreamServer {
    Cluster *clusterPtr;	/* Owning cluster. */
    ClusterProto proto;		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    int fd;			/* Listening socket, or -1. */
    int watched;		/* 1 while its file handler is set. */
    int port;			/* t: its port, host order; else 0. */
    Tcl_Obj *pathObj;		/* u: its socket file; else NULL. */
    Tcl_TimerToken pauseTimer;	/* Resumes accepting after an error. */
    int broken;			/* Closed by ClusterStreamBreak: its props
				 * are still advertised, but nothing
				 * listens. */
} StreamServer;

/*
 * The stream transports of one cluster (clusterPtr->streamsPtr).
 */

struct ClusterStreams {
    StreamServer servers[CLUSTER_PROTO_COUNT];
				/* Indexed by protocol; c is unused. */
    ClusterConnPool *poolPtr;	/* Every open connection. */
};

/*
 * Static functions in this file.
 */

static void		AcceptProc(ClientData clientData, int mask);
static Tcl_Obj *	DictGet(Tcl_Obj *dictObj, const char *key);
static int		Listen(Cluster *clusterPtr, ClusterProto proto,
			    Tcl_Interp *interp, StreamServer *serverPtr);
static int		ListenCheckFd(Tcl_Interp *interp,
			    StreamServer *serverPtr);
static void		PauseEndProc(ClientData clientData);
static int		ProtoListed(Cluster *clusterPtr, const char *name);
static void		ServerClose(StreamServer *serverPtr);
static void		ServerInstall(StreamServer *serverPtr,
			    const StreamServer *newPtr);
static void		ServerWatch(StreamServer *serverPtr, int watch);
static void		SocketFileExitProc(ClientData clientData);
static int		ServiceTarget(ClusterService *servicePtr,
			    ClusterProto proto, ClusterAddr *toPtr,
			    const char **pathPtr);
static Tcl_Obj *	UnixServerPath(Cluster *clusterPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamsOpen --
 *
 *	Open the servers of the stream protocols the cluster serves: for t
 *	a TCP server on an ephemeral port on all interfaces, for u a unix
 *	server at the path of UnixServerPath.
 *
 * Results:
 *	A standard Tcl result. On error the platform's message is in interp
 *	and nothing is left open.
 *
 * Side effects:
 *	Sockets, a socket file, file handlers; clusterPtr->streamsPtr.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamsOpen(
    Cluster *clusterPtr,	/* Joining cluster. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterStreams *streamsPtr;
    StreamServer server;
    int proto;

    if (clusterPtr->streamsPtr != NULL) {
	return TCL_OK;
    }
    streamsPtr = ckalloc(sizeof(ClusterStreams));
    memset(streamsPtr, 0, sizeof(ClusterStreams));
    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	streamsPtr->servers[proto].clusterPtr = clusterPtr;
	streamsPtr->servers[proto].proto = (ClusterProto) proto;
	streamsPtr->servers[proto].fd = -1;
    }
    streamsPtr->poolPtr = ClusterConnPoolCreate(clusterPtr);
    clusterPtr->streamsPtr = streamsPtr;

    for (proto = CLUSTER_PROTO_T; proto <= CLUSTER_PROTO_U; proto++) {
	if (!ProtoListed(clusterPtr, (proto == CLUSTER_PROTO_T) ? "t" : "u")) {
	    continue;
	}
	if (Listen(clusterPtr, (ClusterProto) proto, interp, &server)
		!= TCL_OK) {
	    ClusterStreamsClose(clusterPtr);
	    return TCL_ERROR;
	}
	ServerInstall(&streamsPtr->servers[proto], &server);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamsClose --
 *
 *	Close every server and connection of a cluster, remove its unix
 *	socket file, cancel its timers and free it all. Nothing is reported
 *	to the core. Safe to call twice, and while a callback of ours is on
 *	the C stack (it holds the connection it works on).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	clusterPtr->streamsPtr becomes NULL; no service keeps a connection.
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamsClose(
    Cluster *clusterPtr)	/* Cluster being destroyed. */
{
    ClusterStreams *streamsPtr = clusterPtr->streamsPtr;
    ClusterService *servicePtr;
    int proto;

    if (streamsPtr == NULL) {
	return;
    }
    clusterPtr->streamsPtr = NULL;
    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	ServerClose(&streamsPtr->servers[proto]);
    }
    ClusterConnPoolFree(streamsPtr->poolPtr);
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	    servicePtr->conns[proto] = NULL;
	}
    }
    ckfree(streamsPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamProps --
 *
 *	The props a stream protocol advertises in heartbeats.
 *
 * Results:
 *	A new dict, `port N` for t or `path P` for u; NULL when the
 *	protocol is not served.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterStreamProps(
    Cluster *clusterPtr,	/* Cluster of interest. */
    ClusterProto proto)		/* Protocol of interest. */
{
    StreamServer *serverPtr;
    Tcl_Obj *dictObj;

    if (clusterPtr->streamsPtr == NULL
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)) {
	return NULL;
    }
    serverPtr = &clusterPtr->streamsPtr->servers[proto];
    if (serverPtr->fd < 0 && !serverPtr->broken) {
	return NULL;
    }
    dictObj = Tcl_NewDictObj();
    if (proto == CLUSTER_PROTO_T) {
	Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("port", -1),
		Tcl_NewIntObj(serverPtr->port));
    } else {
	Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("path", -1),
		serverPtr->pathObj);
    }
    return dictObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamRebuild --
 *
 *	Self-healing (SPEC section 2, type 8): replace the server of a
 *	stream protocol by a new one. For t the new server is opened before
 *	the old one closes, so its port differs and a failure keeps the old
 *	one; for u the socket file is removed and made anew at the same
 *	path (a failure then leaves u unserved). Existing connections stay.
 *
 * Results:
 *	A standard Tcl result; errors go to interp when it is not NULL.
 *
 * Side effects:
 *	Sockets, the socket file, file handlers. The caller announces the
 *	new props.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamRebuild(
    Cluster *clusterPtr,	/* Cluster to heal. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    Tcl_Interp *interp)		/* For errors, or NULL. */
{
    StreamServer *serverPtr, server;

    if (clusterPtr->streamsPtr == NULL || ClusterIsDeleted(clusterPtr)
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)) {
	return ClusterError(interp, "SOCKET", "NOT_SERVED",
		"protocol is not served by this member");
    }
    serverPtr = &clusterPtr->streamsPtr->servers[proto];
    if (serverPtr->fd < 0 && !ProtoListed(clusterPtr,
	    (proto == CLUSTER_PROTO_T) ? "t" : "u")) {
	return ClusterError(interp, "SOCKET", "NOT_SERVED",
		"protocol \"%s\" is not served by this member",
		(proto == CLUSTER_PROTO_T) ? "t" : "u");
    }
    if (proto == CLUSTER_PROTO_U) {
	ServerClose(serverPtr);
    }
    if (Listen(clusterPtr, proto, interp, &server) != TCL_OK) {
	return TCL_ERROR;
    }
    ServerClose(serverPtr);
    ServerInstall(serverPtr, &server);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamBreak --
 *
 *	Fault injection for tests (`$cluster debug close-server t|u`):
 *	close a server's listening socket behind everyone's back, while its
 *	props are still advertised, as a crashed accept loop or a closed
 *	port would. Peers' connects then fail, and their failure reports
 *	make this member rebuild the server (ClusterStreamRebuild).
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Closes the listening socket (the unix socket file stays).
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamBreak(
    Cluster *clusterPtr,	/* Cluster to damage. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    Tcl_Interp *interp)		/* For errors. */
{
    StreamServer *serverPtr;

    if (clusterPtr->streamsPtr == NULL
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)
	    || clusterPtr->streamsPtr->servers[proto].fd < 0) {
	return ClusterError(interp, "SOCKET", "NOT_SERVED",
		"no listening server to break for that protocol");
    }
    serverPtr = &clusterPtr->streamsPtr->servers[proto];
    if (serverPtr->pauseTimer != NULL) {
	Tcl_DeleteTimerHandler(serverPtr->pauseTimer);
	serverPtr->pauseTimer = NULL;
    }
    ServerWatch(serverPtr, 0);
    ClusterpCloseListener(serverPtr->fd);
    serverPtr->fd = -1;
    serverPtr->broken = 1;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamSend --
 *
 *	Send one whole packet to a service over t or u: on its open
 *	connection for that protocol while usable (ClusterConnUsable), else
 *	on a new one opened without
 *	blocking, to 127.0.0.1 for a service on this machine (t), or to
 *	the socket file it advertises (u, for local services only).
 *	Delivery completes in the background; a failure found later is
 *	reported through ClusterSendFailed (clusterConnIO.c).
 *
 * Results:
 *	TCL_OK when the packet is queued; TCL_ERROR at once when that is
 *	impossible (no props for the protocol, u to a remote service,
 *	immediate connect failure, queue over its bound). No interp error;
 *	the failure is counted in stats.sendFailures.
 *
 * Side effects:
 *	May open a connection and set servicePtr->conns[proto].
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamSend(
    Cluster *clusterPtr,	/* Sender. */
    ClusterService *servicePtr,	/* Service to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its length. */
    int flags)			/* CLUSTER_SEND_* flags. */
{
    ClusterStreams *streamsPtr = clusterPtr->streamsPtr;
    ClusterAddr to;
    const char *path = NULL;

    if (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U) {
	return TCL_ERROR;
    }
    if (streamsPtr != NULL && servicePtr != NULL
	    && !ClusterIsDeleted(clusterPtr)
	    && !(servicePtr->flags & SERVICE_DELETED)) {
	if (servicePtr->conns[proto] != NULL
		&& ClusterConnUsable(servicePtr->conns[proto])) {
	    return ClusterConnWrite(servicePtr->conns[proto], bytes, length,
		    flags);
	}
	if (ServiceTarget(servicePtr, proto, &to, &path) == TCL_OK
		&& ClusterConnOpen(streamsPtr->poolPtr, servicePtr, proto,
		    &to, path, bytes, length, flags) == TCL_OK) {
	    return TCL_OK;
	}
    }
    clusterPtr->stats.sendFailures[proto]++;
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamsForget --
 *
 *	A service is going away: close the connections we opened to it and
 *	unbind those it opened to us (ClusterConnPoolForget).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Nothing of ours points to the service afterwards.
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamsForget(
    ClusterService *servicePtr)	/* Service going away. */
{
    Cluster *clusterPtr = servicePtr->clusterPtr;
    int proto;

    if (clusterPtr != NULL && clusterPtr->streamsPtr != NULL) {
	ClusterConnPoolForget(clusterPtr->streamsPtr->poolPtr, servicePtr);
    }
    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	servicePtr->conns[proto] = NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamStats --
 *
 *	Add the stream transports' counters to a stats dict, as a dict
 *	under the key `streams`: open connections, queued bytes,
 *	connections accepted, refused, connected, connect failures,
 *	connections failed with packets unsent, what the reassemblers
 *	dropped (garbage bytes, bad trailers, bad lengths, oversized), and
 *	the bounds hit (clusterConnLimits.c): connections cut off for an
 *	oversized frame, for garbage, or for stalling; packets refused by a
 *	full queue; connections not opened for -maxconns.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Modifies dictObj, which must be unshared.
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamStats(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Obj *dictObj)		/* Unshared dict to add to. */
{
    if (Tcl_IsShared(dictObj)) {
	return;
    }
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("streams", -1),
	    ClusterConnPoolStats(clusterPtr->streamsPtr
		? clusterPtr->streamsPtr->poolPtr : NULL));
}

/*
 *----------------------------------------------------------------------
 *
 * Listen, ListenCheckFd --
 *
 *	Open a listening socket for a stream protocol into a server record
 *	(not yet watched: see ServerInstall); refuse one whose descriptor
 *	the notifier cannot watch.
 *
 * Results:
 *	A standard Tcl result; errors go to interp when it is not NULL.
 *
 * Side effects:
 *	A socket; for u a socket file.
 *
 *----------------------------------------------------------------------
 */

static int
Listen(
    Cluster *clusterPtr,	/* Owning cluster. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    Tcl_Interp *interp,		/* For errors, or NULL. */
    StreamServer *serverPtr)	/* Filled in. */
{
    memset(serverPtr, 0, sizeof(StreamServer));
    serverPtr->clusterPtr = clusterPtr;
    serverPtr->proto = proto;
    serverPtr->fd = -1;
    if (proto == CLUSTER_PROTO_T) {
	if (ClusterpTcpListen(interp, &serverPtr->fd, &serverPtr->port)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	return ListenCheckFd(interp, serverPtr);
    }
    if (clusterPtr->config.unixPathObj == NULL) {
	return ClusterError(interp, "INVALID_ARGS", "-u",
		"protocol \"u\" needs -u {path P}");
    }
    serverPtr->pathObj = UnixServerPath(clusterPtr);
    Tcl_IncrRefCount(serverPtr->pathObj);
    if (ClusterpUnixListen(interp, Tcl_GetString(serverPtr->pathObj),
	    &serverPtr->fd) != TCL_OK) {
	Tcl_DecrRefCount(serverPtr->pathObj);
	serverPtr->pathObj = NULL;
	return TCL_ERROR;
    }
    return ListenCheckFd(interp, serverPtr);
}

static int
ListenCheckFd(
    Tcl_Interp *interp,		/* For errors, or NULL. */
    StreamServer *serverPtr)	/* Just opened by Listen. */
{
    if (serverPtr->fd < CLUSTER_MAX_WATCHED_FD) {
	return TCL_OK;
    }
    ServerClose(serverPtr);
    return ClusterError(interp, "SOCKET", "TOO_MANY_FILES",
	    "can't watch a socket: descriptor is %d or above",
	    CLUSTER_MAX_WATCHED_FD);
}

/*
 *----------------------------------------------------------------------
 *
 * ServerInstall, ServerClose --
 *
 *	Move a freshly opened server into its slot and watch it; stop
 *	watching a server, close it and remove its socket file (the handler
 *	is deleted before the close). Closing a closed server does nothing.
 *	A socket file is also removed when the process exits without the
 *	cluster being destroyed (SocketFileExitProc).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	File handlers, sockets, files, timers.
 *
 *----------------------------------------------------------------------
 */

static void
ServerInstall(
    StreamServer *serverPtr,	/* Slot, closed. */
    const StreamServer *newPtr)	/* Opened by Listen. */
{
    *serverPtr = *newPtr;
    serverPtr->watched = 0;
    serverPtr->pauseTimer = NULL;
    if (serverPtr->pathObj != NULL) {
	Tcl_CreateExitHandler(SocketFileExitProc, serverPtr);
    }
    ServerWatch(serverPtr, 1);
}

static void
ServerClose(
    StreamServer *serverPtr)	/* Server to close. */
{
    if (serverPtr->pauseTimer != NULL) {
	Tcl_DeleteTimerHandler(serverPtr->pauseTimer);
	serverPtr->pauseTimer = NULL;
    }
    ServerWatch(serverPtr, 0);
    if (serverPtr->fd >= 0) {
	ClusterpCloseListener(serverPtr->fd);
	serverPtr->fd = -1;
    }
    if (serverPtr->pathObj != NULL) {
	Tcl_DeleteExitHandler(SocketFileExitProc, serverPtr);
	ClusterpRemoveFile(Tcl_GetString(serverPtr->pathObj));
	Tcl_DecrRefCount(serverPtr->pathObj);
	serverPtr->pathObj = NULL;
    }
    serverPtr->port = 0;
}

static void
SocketFileExitProc(
    ClientData clientData)	/* The StreamServer of u. */
{
    StreamServer *serverPtr = clientData;

    ClusterpRemoveFile(Tcl_GetString(serverPtr->pathObj));
}

static void
ServerWatch(
    StreamServer *serverPtr,	/* Server of interest. */
    int watch)			/* 1: watch for connections; 0: stop. */
{
    if (watch && !serverPtr->watched && serverPtr->fd >= 0) {
	Tcl_CreateFileHandler(serverPtr->fd, TCL_READABLE, AcceptProc,
		serverPtr);
	serverPtr->watched = 1;
    } else if (!watch && serverPtr->watched) {
	Tcl_DeleteFileHandler(serverPtr->fd);
	serverPtr->watched = 0;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * AcceptProc --
 *
 *	A server is readable: accept the connections waiting (at most
 *	ACCEPTS_PER_EVENT; the rest at the next event). After an error,
 *	e.g. out of descriptors, the server rests ACCEPT_PAUSE_MS instead
 *	of spinning on a socket that stays readable.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	New connections (clusterConn.c). Nothing calls into the core here.
 *
 *----------------------------------------------------------------------
 */

static void
AcceptProc(
    ClientData clientData,	/* The StreamServer. */
    int mask)			/* Not used. */
{
    StreamServer *serverPtr = clientData;
    ClusterConnPool *poolPtr = serverPtr->clusterPtr->streamsPtr->poolPtr;
    int i, status;

    (void) mask;
    for (i = 0; i < ACCEPTS_PER_EVENT; i++) {
	status = ClusterConnAccept(poolPtr, serverPtr->proto, serverPtr->fd);
	if (status > 0) {
	    continue;
	}
	if (status < 0) {
	    ServerWatch(serverPtr, 0);
	    serverPtr->pauseTimer = Tcl_CreateTimerHandler(ACCEPT_PAUSE_MS,
		    PauseEndProc, serverPtr);
	}
	break;
    }
}

static void
PauseEndProc(
    ClientData clientData)	/* The StreamServer. */
{
    StreamServer *serverPtr = clientData;

    serverPtr->pauseTimer = NULL;
    ServerWatch(serverPtr, 1);
}

/*
 *----------------------------------------------------------------------
 *
 * UnixServerPath --
 *
 *	The socket file of the u server: the -u path with `-<sid>` inserted
 *	before the extension of its last component, as Tcl's `file
 *	rootname` and `file extension` split it (`/tmp/c.sock` ->
 *	`/tmp/c-<sid>.sock`, `/tmp/a.b/c` -> `/tmp/a.b/c-<sid>`).
 *
 * Results:
 *	A new object.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
UnixServerPath(
    Cluster *clusterPtr)	/* Cluster with a -u path. */
{
    const char *path = Tcl_GetString(clusterPtr->config.unixPathObj);
    const char *tail = strrchr(path, '/');
    const char *dot = strrchr(tail ? tail + 1 : path, '.');
    Tcl_Obj *pathObj;

    if (dot == NULL) {
	return Tcl_ObjPrintf("%s-%s", path, clusterPtr->sid);
    }
    pathObj = Tcl_NewStringObj(path, (int) (dot - path));
    Tcl_AppendPrintfToObj(pathObj, "-%s%s", clusterPtr->sid, dot);
    return pathObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ServiceTarget --
 *
 *	Where to connect to reach a service over t or u, from the props it
 *	advertises (`t {port N}`, `u {path P}`). A service on this machine
 *	is reached over loopback; u is never tried for a remote one.
 *
 * Results:
 *	TCL_OK with *toPtr (t) or *pathPtr (u, valid while the service's
 *	props are unchanged) filled; TCL_ERROR when the service cannot be
 *	reached over that protocol.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ServiceTarget(
    ClusterService *servicePtr,	/* Service to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    ClusterAddr *toPtr,		/* Filled for t. */
    const char **pathPtr)	/* Filled for u. */
{
    int local = (servicePtr->flags & SERVICE_LOCAL) != 0;
    Tcl_Obj *propsObj = DictGet(servicePtr->propsObj,
	    (proto == CLUSTER_PROTO_T) ? "t" : "u");
    Tcl_Obj *valueObj;
    int port;

    if (proto == CLUSTER_PROTO_U) {
	valueObj = DictGet(propsObj, "path");
	if (!local || valueObj == NULL) {
	    return TCL_ERROR;
	}
	*pathPtr = Tcl_GetString(valueObj);
	return (**pathPtr != '\0') ? TCL_OK : TCL_ERROR;
    }
    valueObj = DictGet(propsObj, "port");
    if (valueObj == NULL || Tcl_GetIntFromObj(NULL, valueObj, &port)
	    != TCL_OK || port < 1 || port > 65535) {
	return TCL_ERROR;
    }
    if (local) {
	ClusterpParseAddress("127.0.0.1", toPtr);
    } else {
	*toPtr = servicePtr->addr;
    }
    toPtr->port = ClusterPortToNet(port);
    return (toPtr->ip != 0) ? TCL_OK : TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * DictGet, ProtoListed --
 *
 *	The value of a key in a dict (NULL when dictObj is NULL, not a
 *	dict, or lacks the key); whether the cluster serves a protocol.
 *
 * Results:
 *	As above.
 *
 * Side effects:
 *	May shimmer dictObj to a dict.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
DictGet(
    Tcl_Obj *dictObj,		/* A dict, or NULL. */
    const char *key)		/* Key to look up. */
{
    Tcl_Obj *keyObj, *valueObj = NULL;

    if (dictObj == NULL) {
	return NULL;
    }
    keyObj = Tcl_NewStringObj(key, -1);
    Tcl_IncrRefCount(keyObj);
    if (Tcl_DictObjGet(NULL, dictObj, keyObj, &valueObj) != TCL_OK) {
	valueObj = NULL;
    }
    Tcl_DecrRefCount(keyObj);
    return valueObj;
}

static int
ProtoListed(
    Cluster *clusterPtr,	/* Cluster of interest. */
    const char *name)		/* "t" or "u". */
{
    Tcl_Obj **objv;
    int objc, i;

    if (clusterPtr->config.protocolsObj == NULL
	    || Tcl_ListObjGetElements(NULL, clusterPtr->config.protocolsObj,
		&objc, &objv) != TCL_OK) {
	return 0;
    }
    for (i = 0; i < objc; i++) {
	if (strcmp(Tcl_GetString(objv[i]), name) == 0) {
	    return 1;
	}
    }
    return 0;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
