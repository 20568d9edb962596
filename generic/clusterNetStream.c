/*
 * clusterNetStream.c --
 *
 *	The stream transports t (TCP on an ephemeral port on all
 *	interfaces) and u (unix-domain stream socket at a path built from
 *	`-u {path P}` and the sid): their listening servers, the props they
 *	advertise, self-healing rebuilds (doc/protocol.md section 2, type 8),
 *	and the entry points of clusterNet.h for streams. The connections
 *	themselves live in clusterNetConn.c, clusterNetConnIO.c and
 *	clusterNetConnRead.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNetInt.h"
#include <stdio.h>

#define ACCEPTS_PER_EVENT	64	/* Connections taken per readable
					 * event of a server. */
#define ACCEPT_PAUSE_MS		100	/* How long a server rests after an
					 * accept error (out of descriptors:
					 * it would stay readable). */

/*
 * One listening server.
 */

typedef struct StreamServer {
    ClusterNetStreams *streamsPtr;	/* Owner of the server. */
    ClusterProto proto;		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    int fd;			/* Listening socket, or -1. */
    int watched;		/* 1 while its file handler is set. */
    int port;			/* t: its port, host order; else 0. */
    Tcl_Obj *pathObj;		/* u: its socket file; else NULL. */
    Tcl_TimerToken pauseTimer;	/* Resumes accepting after an error. */
    int broken;			/* Closed by ClusterStreamBreak: its props
				 * are still advertised, but nothing
				 * listens. */
    ClusterFileId fileId;	/* u: its socket file when it was bound. */
} StreamServer;

/*
 * The stream transports of one cluster (clusterPtr->streamsPtr).
 */

struct ClusterNetStreams {
    StreamServer servers[CLUSTER_PROTO_COUNT];
				/* Indexed by protocol; c is unused. */
    ClusterConnPool *poolPtr;	/* Every open connection. */
    int serve;			/* Bit (1 << proto) per protocol served. */
    char *unixPath;		/* -u path as given, or NULL. */
    char *name;			/* Added to it to make each member's own. */
};

/*
 * Static functions in this file.
 */

static void		AcceptProc(ClientData clientData, int mask);
static char *		CopyString(const char *text);
static int		Listen(ClusterNetStreams *streamsPtr,
			    ClusterProto proto, int fresh, ClusterErr *errPtr,
			    StreamServer *serverPtr);
static int		ListenCheckFd(ClusterErr *errPtr,
			    StreamServer *serverPtr);
static void		PauseEndProc(ClientData clientData);
static void		ServerClose(StreamServer *serverPtr);
static void		ServerInstall(StreamServer *serverPtr,
			    const StreamServer *newPtr);
static void		ServerWatch(StreamServer *serverPtr, int watch);
static void		SocketFileExitProc(ClientData clientData);
static Tcl_Obj *	UnixServerPath(ClusterNetStreams *streamsPtr,
			    int fresh);

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamsOpen --
 *
 *	Open the stream transports of an owner: the servers of the
 *	protocols in `serve` (for t a TCP server on an ephemeral port on all
 *	interfaces, for u a unix server at the path of UnixServerPath) and
 *	an empty pool of connections.
 *
 * Results:
 *	A standard Tcl result. On error *errPtr says why and nothing is
 *	left open.
 *
 * Side effects:
 *	Sockets, a socket file, file handlers.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetStreamsOpen(
    int serve,			/* Bit (1 << proto) per protocol to serve. */
    const char *unixPath,	/* -u path, or NULL. */
    const char *name,		/* Made part of the u socket's file name. */
    const ClusterNetLimits *limitsPtr,	/* The bounds (the owner's). */
    const ClusterNetHandler *handlerPtr,	/* The owner's callbacks. */
    void *owner,		/* Handed to them. */
    ClusterNetStreams **streamsPtrPtr,	/* Out: the new streams. */
    ClusterErr *errPtr)		/* For errors. */
{
    ClusterNetStreams *streamsPtr;
    StreamServer server;
    int proto;

    streamsPtr = ckalloc(sizeof(ClusterNetStreams));
    memset(streamsPtr, 0, sizeof(ClusterNetStreams));
    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	streamsPtr->servers[proto].streamsPtr = streamsPtr;
	streamsPtr->servers[proto].proto = (ClusterProto) proto;
	streamsPtr->servers[proto].fd = -1;
    }
    streamsPtr->poolPtr = ClusterConnPoolCreate(handlerPtr, owner,
	    limitsPtr);
    streamsPtr->serve = serve & ((1 << CLUSTER_PROTO_T)
	    | (1 << CLUSTER_PROTO_U));
    streamsPtr->unixPath = CopyString(unixPath);
    streamsPtr->name = CopyString(name);

    for (proto = CLUSTER_PROTO_T; proto <= CLUSTER_PROTO_U; proto++) {
	if (!(streamsPtr->serve & (1 << proto))) {
	    continue;
	}
	if (Listen(streamsPtr, (ClusterProto) proto, 0, errPtr, &server)
		!= TCL_OK) {
	    ClusterNetStreamsClose(streamsPtr);
	    return TCL_ERROR;
	}
	ServerInstall(&streamsPtr->servers[proto], &server);
    }
    *streamsPtrPtr = streamsPtr;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamsClose --
 *
 *	Close every server and connection, remove the unix socket file,
 *	cancel the timers and free it all. Nothing is reported to the
 *	owner. Safe while a callback of ours is on the C stack (it holds
 *	the connection it works on and checks CONN_CLOSED after).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	No peer keeps a connection.
 *
 *----------------------------------------------------------------------
 */

void
ClusterNetStreamsClose(
    ClusterNetStreams *streamsPtr)	/* Streams to close, or NULL. */
{
    int proto;

    if (streamsPtr == NULL) {
	return;
    }
    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	ServerClose(&streamsPtr->servers[proto]);
    }
    ClusterConnPoolFree(streamsPtr->poolPtr);
    if (streamsPtr->unixPath != NULL) {
	ckfree(streamsPtr->unixPath);
    }
    if (streamsPtr->name != NULL) {
	ckfree(streamsPtr->name);
    }
    ckfree(streamsPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamServed --
 *
 *	Whether a stream protocol is served, and what a peer needs to
 *	reach it: the owner advertises these as the protocol's props.
 *
 * Results:
 *	1 with *portPtr (t) or *pathPtr (u, valid until the next rebuild)
 *	set; 0 when the protocol is not served.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetStreamServed(
    ClusterNetStreams *streamsPtr,	/* Streams of interest. */
    ClusterProto proto,		/* Protocol of interest. */
    int *portPtr,		/* Out: t's port, host order. */
    const char **pathPtr)	/* Out: u's socket file. */
{
    StreamServer *serverPtr;

    if (streamsPtr == NULL
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)) {
	return 0;
    }
    serverPtr = &streamsPtr->servers[proto];
    if (serverPtr->fd < 0 && !serverPtr->broken) {
	return 0;
    }
    *portPtr = serverPtr->port;
    *pathPtr = serverPtr->pathObj ? Tcl_GetString(serverPtr->pathObj) : NULL;
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamRebuild --
 *
 *	Self-healing (doc/protocol.md section 2, type 8): replace the
 *	server of a stream protocol by a new one, opened before the old one
 *	closes, so that a failure keeps the old one. For t the new port
 *	differs; for u the new socket file has a new random name in the
 *	same directory, and the old file is removed: a path once
 *	advertised is never bound again, so nobody who raced for it can
 *	receive what peers send to the new one. Existing connections stay.
 *
 * Results:
 *	A standard Tcl result; *errPtr says why on error.
 *
 * Side effects:
 *	Sockets, the socket file, file handlers. The owner announces the
 *	new props.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetStreamRebuild(
    ClusterNetStreams *streamsPtr,	/* Streams to heal. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    ClusterErr *errPtr)		/* For errors, or NULL. */
{
    StreamServer *serverPtr, server;

    if (streamsPtr == NULL
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)) {
	return ClusterErrSet(errPtr, "SOCKET", "NOT_SERVED",
		"protocol is not served by this member");
    }
    serverPtr = &streamsPtr->servers[proto];
    if (serverPtr->fd < 0 && !(streamsPtr->serve & (1 << proto))) {
	return ClusterErrSet(errPtr, "SOCKET", "NOT_SERVED",
		"protocol \"%s\" is not served by this member",
		(proto == CLUSTER_PROTO_T) ? "t" : "u");
    }
    if (Listen(streamsPtr, proto, 1, errPtr, &server) != TCL_OK) {
	return TCL_ERROR;
    }
    ServerClose(serverPtr);
    ServerInstall(serverPtr, &server);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamBreak --
 *
 *	Fault injection for tests (`$cluster debug close-server t|u`):
 *	close a server's listening socket behind everyone's back, while its
 *	props are still advertised, as a crashed accept loop or a closed
 *	port would. Peers' connects then fail, and their failure reports
 *	make this member rebuild the server (ClusterNetStreamRebuild).
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
ClusterNetStreamBreak(
    ClusterNetStreams *streamsPtr,	/* Streams to damage. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    ClusterErr *errPtr)		/* For errors. */
{
    StreamServer *serverPtr;

    if (streamsPtr == NULL
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)
	    || streamsPtr->servers[proto].fd < 0) {
	return ClusterErrSet(errPtr, "SOCKET", "NOT_SERVED",
		"no listening server to break for that protocol");
    }
    serverPtr = &streamsPtr->servers[proto];
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
 * ClusterNetStreamHealthy --
 *
 *	The member's own look at a server, before it rebuilds it on a
 *	peer's report (doc/protocol.md section 2.10): is there a listening
 *	socket, does it still listen, and for u is the file at its path
 *	still the socket it bound? A server resting after an accept error
 *	counts as working: a new one would meet the same error.
 *
 * Results:
 *	1 when the server works (or the protocol is not served: nothing to
 *	rebuild), 0 when it is broken.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetStreamHealthy(
    ClusterNetStreams *streamsPtr,	/* Streams of interest. */
    ClusterProto proto)		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
{
    StreamServer *serverPtr;

    if (streamsPtr == NULL
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)
	    || !(streamsPtr->serve & (1 << proto))) {
	return 1;
    }
    serverPtr = &streamsPtr->servers[proto];
    if (serverPtr->fd < 0) {
	return 0;
    }
    return ClusterpListenerWorks(serverPtr->fd, serverPtr->pathObj
	    ? Tcl_GetString(serverPtr->pathObj) : NULL, &serverPtr->fileId);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamConnect --
 *
 *	Open a connection to a peer without blocking, to an address and
 *	port (t) or a socket file (u), and queue a first packet on it. The
 *	owner uses the peer's open connection instead while it is usable
 *	(ClusterConnUsable). Delivery completes in the background; a
 *	failure found later goes to the failedProc (clusterNetConnIO.c).
 *
 * Results:
 *	TCL_OK when the packet is queued; TCL_ERROR at once when that is
 *	impossible (no target, immediate connect failure, -maxconns,
 *	queue over its bound). The owner counts the failure.
 *
 * Side effects:
 *	A connection, set as peerPtr->conns[proto].
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetStreamConnect(
    ClusterNetStreams *streamsPtr,	/* Sender's streams. */
    ClusterNetPeer *peerPtr,	/* Peer to reach. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    const ClusterAddr *toPtr,	/* t: its address and port. */
    const char *path,		/* u: its socket file. */
    const unsigned char *bytes,	/* The first packet. */
    size_t length,		/* Its length. */
    int flags,			/* CLUSTER_SEND_* flags. */
    unsigned long tag)		/* The owner's tag for it, or 0. */
{
    if (streamsPtr == NULL || peerPtr == NULL
	    || (proto == CLUSTER_PROTO_T && toPtr == NULL)
	    || (proto == CLUSTER_PROTO_U && path == NULL)
	    || (proto != CLUSTER_PROTO_T && proto != CLUSTER_PROTO_U)) {
	return TCL_ERROR;
    }
    return ClusterConnOpen(streamsPtr->poolPtr, peerPtr, proto, toPtr, path,
	    bytes, length, flags, tag);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamsForget --
 *
 *	A peer is going away: close the connections we opened to it and
 *	unbind those it opened to us (ClusterConnPoolForget).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Nothing of ours points to the peer afterwards.
 *
 *----------------------------------------------------------------------
 */

void
ClusterNetStreamsForget(
    ClusterNetStreams *streamsPtr,	/* Streams of the owner, or NULL. */
    ClusterNetPeer *peerPtr)	/* Peer going away. */
{
    int proto;

    if (streamsPtr != NULL) {
	ClusterConnPoolForget(streamsPtr->poolPtr, peerPtr);
    }
    for (proto = 0; proto < CLUSTER_PROTO_COUNT; proto++) {
	peerPtr->conns[proto] = NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamsMoved --
 *
 *	A peer's address changed, or ours: close the t connections we opened
 *	to it elsewhere than toPtr, or from an address not among locals
 *	(when given), and send what they held over one to toPtr
 *	(ClusterConnPoolMove).
 *
 * Results:
 *	The number of connections closed.
 *
 * Side effects:
 *	Connections; may run the owner's failedProc.
 *
 *----------------------------------------------------------------------
 */

int
ClusterNetStreamsMoved(
    ClusterNetStreams *streamsPtr,	/* Streams of the owner, or NULL. */
    ClusterNetPeer *peerPtr,	/* Peer that moved. */
    const ClusterAddr *toPtr,	/* Its t address and port now. */
    const ClusterIfAddr *locals,	/* The host's addresses, or NULL. */
    int numLocals)		/* How many. */
{
    if (streamsPtr == NULL || peerPtr == NULL || toPtr == NULL) {
	return 0;
    }
    return ClusterConnPoolMove(streamsPtr->poolPtr, peerPtr, toPtr, locals,
	    numLocals);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNetStreamStats --
 *
 *	The stream transports' counters as a dict: open connections,
 *	queued bytes, connections accepted, refused, connected, connect
 *	failures, connections failed with packets unsent, what the
 *	reassemblers dropped (garbage bytes, bad trailers, bad lengths,
 *	oversized), and the bounds hit (clusterNetLimits.c): connections
 *	cut off for an oversized frame, for garbage, or for stalling;
 *	packets refused by a full queue; connections not opened for
 *	-maxconns.
 *
 * Results:
 *	A new dict.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterNetStreamStats(
    ClusterNetStreams *streamsPtr)	/* Streams of interest, or NULL. */
{
    return ClusterConnPoolStats(streamsPtr ? streamsPtr->poolPtr : NULL);
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
 *	A standard Tcl result; *errPtr says why on error.
 *
 * Side effects:
 *	A socket; for u a socket file.
 *
 *----------------------------------------------------------------------
 */

static int
Listen(
    ClusterNetStreams *streamsPtr,	/* Owner of the server. */
    ClusterProto proto,		/* CLUSTER_PROTO_T or CLUSTER_PROTO_U. */
    int fresh,			/* u: 1 for a new random file name. */
    ClusterErr *errPtr,		/* For errors, or NULL. */
    StreamServer *serverPtr)	/* Filled in. */
{
    memset(serverPtr, 0, sizeof(StreamServer));
    serverPtr->streamsPtr = streamsPtr;
    serverPtr->proto = proto;
    serverPtr->fd = -1;
    if (proto == CLUSTER_PROTO_T) {
	if (ClusterpTcpListen(errPtr, &serverPtr->fd, &serverPtr->port)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	return ListenCheckFd(errPtr, serverPtr);
    }
    if (streamsPtr->unixPath == NULL) {
	return ClusterErrSet(errPtr, "INVALID_ARGS", "-u",
		"protocol \"u\" needs -u {path P}");
    }
    serverPtr->pathObj = UnixServerPath(streamsPtr, fresh);
    Tcl_IncrRefCount(serverPtr->pathObj);
    if (ClusterpUnixListen(errPtr, Tcl_GetString(serverPtr->pathObj),
	    streamsPtr->poolPtr->limitsPtr->unixMode, &serverPtr->fd)
	    != TCL_OK) {
	Tcl_DecrRefCount(serverPtr->pathObj);
	serverPtr->pathObj = NULL;
	return TCL_ERROR;
    }
    ClusterpFileIdentify(Tcl_GetString(serverPtr->pathObj),
	    &serverPtr->fileId);
    return ListenCheckFd(errPtr, serverPtr);
}

static int
ListenCheckFd(
    ClusterErr *errPtr,		/* For errors, or NULL. */
    StreamServer *serverPtr)	/* Just opened by Listen. */
{
    if (serverPtr->fd < CLUSTER_MAX_WATCHED_FD) {
	return TCL_OK;
    }
    ServerClose(serverPtr);
    return ClusterErrSet(errPtr, "SOCKET", "TOO_MANY_FILES",
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
 *	New connections (clusterNetConn.c). Nothing calls the owner here.
 *
 *----------------------------------------------------------------------
 */

static void
AcceptProc(
    ClientData clientData,	/* The StreamServer. */
    int mask)			/* Not used. */
{
    StreamServer *serverPtr = clientData;
    ClusterConnPool *poolPtr = serverPtr->streamsPtr->poolPtr;
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
 *	`/tmp/c-<sid>.sock`, `/tmp/a.b/c` -> `/tmp/a.b/c-<sid>`). A fresh
 *	one, for a rebuild, has eight random hexadecimal digits more
 *	(`/tmp/c-<sid>-1f0e3a9b.sock`).
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
    ClusterNetStreams *streamsPtr,	/* Streams with a -u path. */
    int fresh)			/* 1: add a random part. */
{
    const char *path = streamsPtr->unixPath;
    const char *name = streamsPtr->name ? streamsPtr->name : "";
    const char *tail = strrchr(path, '/');
    const char *dot = strrchr(tail ? tail + 1 : path, '.');
    unsigned char random[4] = {0, 0, 0, 0};
    char suffix[10] = "";
    Tcl_Obj *pathObj;

    if (fresh) {
	ClusterpRandomBytes(random, sizeof(random));
	snprintf(suffix, sizeof(suffix), "-%02x%02x%02x%02x", random[0],
		random[1], random[2], random[3]);
    }
    if (dot == NULL) {
	return Tcl_ObjPrintf("%s-%s%s", path, name, suffix);
    }
    pathObj = Tcl_NewStringObj(path, (int) (dot - path));
    Tcl_AppendPrintfToObj(pathObj, "-%s%s%s", name, suffix, dot);
    return pathObj;
}

/*
 *----------------------------------------------------------------------
 *
 * CopyString --
 *
 *	A copy of a string in memory of our own.
 *
 * Results:
 *	The copy (ckalloc), or NULL for NULL.
 *
 * Side effects:
 *	Memory.
 *
 *----------------------------------------------------------------------
 */

static char *
CopyString(
    const char *text)		/* Text to copy, or NULL. */
{
    char *copy;

    if (text == NULL) {
	return NULL;
    }
    copy = ckalloc(strlen(text) + 1);
    strcpy(copy, text);
    return copy;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
