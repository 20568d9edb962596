/*
 * clusterCore.c --
 *
 *	The life of a cluster: its birth (identities, channels, sockets,
 *	first beacons, timers) from a parsed ClusterConfig, and its death,
 *	which happens in one place, ClusterDestroy, whatever triggered it:
 *	`destroy`, `rename $c {}` or deleting the interpreter. A cluster
 *	still alive when its thread or process ends (Tcl 8.6's `exit`
 *	deletes no interpreter) says goodbye from an exit handler instead.
 *	The face (clusterCmdJoin.c) parses the options and makes the
 *	command.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"
#include <ctype.h>
#include <errno.h>
#include <string.h>

#define INTERP_DATA_KEY "cluster::interpData"

/*
 * The clusters of a thread that have not left yet, so that they can say
 * goodbye when the thread or the process ends before they are destroyed
 * (GoodbyeExitProc). The exit handlers are registered while the list is
 * not empty, and only then: none is left to run once the last cluster of
 * the thread is gone (nor, then, after the library could be unloaded).
 */

typedef struct ThreadClusters {
    Cluster *firstPtr;		/* Newest first; linked by prevLivePtr and
				 * nextLivePtr. */
} ThreadClusters;

static Tcl_ThreadDataKey clustersKey;

static void		FreeCluster(char *blockPtr);
static void		FreeInterpData(ClientData clientData,
			    Tcl_Interp *interp);
static void		GoodbyeExitProc(ClientData clientData);
static void		Leave(Cluster *clusterPtr, int atExit);
static void		LiveAdd(Cluster *clusterPtr);
static void		MakeSid(char sid[9]);
static int		SetupIdentity(Tcl_Interp *interp,
			    Cluster *clusterPtr);
static int		SubscribeChannels(Tcl_Interp *interp,
			    Cluster *clusterPtr, Tcl_Obj *listObj);

/*
 *----------------------------------------------------------------------
 *
 * ClusterGetInterpData --
 *
 *	Per-interpreter state, created on first use.
 *
 * Results:
 *	The interpreter's ClusterInterpData.
 *
 * Side effects:
 *	May create the assoc data.
 *
 *----------------------------------------------------------------------
 */

ClusterInterpData *
ClusterGetInterpData(
    Tcl_Interp *interp)		/* Interpreter of interest. */
{
    ClusterInterpData *dataPtr =
	    Tcl_GetAssocData(interp, INTERP_DATA_KEY, NULL);

    if (dataPtr == NULL) {
	dataPtr = ckalloc(sizeof(ClusterInterpData));
	memset(dataPtr, 0, sizeof(ClusterInterpData));
	Tcl_SetAssocData(interp, INTERP_DATA_KEY, FreeInterpData, dataPtr);
    }
    return dataPtr;
}

static void
FreeInterpData(
    ClientData clientData,	/* The ClusterInterpData. */
    Tcl_Interp *interp)		/* Interpreter being deleted. */
{
    (void) interp;
    ckfree(clientData);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCreate --
 *
 *	The birth of a cluster from a parsed configuration: its identity,
 *	channels and tags, and its transports. It is not yet announced:
 *	the face gives it its command first, then calls ClusterStart.
 *
 * Results:
 *	The new cluster; NULL with an error {CLUSTER ...} in interp, in
 *	which case nothing stays open.
 *
 * Side effects:
 *	Takes over the references of *configPtr, whatever the outcome.
 *	Sockets, a unix socket file, file handlers.
 *
 *----------------------------------------------------------------------
 */

Cluster *
ClusterCreate(
    Tcl_Interp *interp,		/* Where the cluster lives. */
    ClusterConfig *configPtr,	/* Parsed options; taken over. */
    const ClusterFaceProcs *faceProcsPtr)	/* How the face is told of
				 * services and queries. */
{
    Cluster *clusterPtr;

    clusterPtr = ckalloc(sizeof(Cluster));
    memset(clusterPtr, 0, sizeof(Cluster));
    clusterPtr->interp = interp;
    clusterPtr->faceProcsPtr = faceProcsPtr;
    clusterPtr->config = *configPtr;
    memset(configPtr, 0, sizeof(ClusterConfig));
    Tcl_InitHashTable(&clusterPtr->channels, TCL_ONE_WORD_KEYS);
    Tcl_InitHashTable(&clusterPtr->services, TCL_STRING_KEYS);
    clusterPtr->hooksPtr = ClusterHooksCreate();
    clusterPtr->handlersPtr = ClusterHandlersCreate();
    ClusterBufInit(&clusterPtr->sendBuf);
    ClusterKeysAdopt(clusterPtr, &clusterPtr->config);

    if (SetupIdentity(interp, clusterPtr) != TCL_OK
	    || SubscribeChannels(interp, clusterPtr,
		    clusterPtr->config.channelsObj) != TCL_OK) {
	goto failed;
    }
    clusterPtr->tagsObj = Tcl_DuplicateObj(clusterPtr->config.tagsObj);
    Tcl_IncrRefCount(clusterPtr->tagsObj);
    if (ClusterTransportsOpen(clusterPtr, interp) != TCL_OK) {
	goto failed;
    }
    LiveAdd(clusterPtr);
    return clusterPtr;

  failed:
    clusterPtr->flags |= CLUSTER_DELETED;
    ClusterTransportsClose(clusterPtr);
    FreeCluster((char *) clusterPtr);
    return NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStart --
 *
 *	Announce a new cluster with a discovery: it carries our tags and
 *	props, every member takes it as a heartbeat, and it asks them to
 *	answer. (The old package sent a heartbeat first with the same news;
 *	one datagram fewer per member matters when hundreds join at once.)
 *	Then heartbeat on.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A datagram; the heartbeat timer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterStart(
    Cluster *clusterPtr)	/* Cluster just created. */
{
    ClusterSendDiscovery(clusterPtr, 1);
    ClusterScheduleHeartbeat(clusterPtr, clusterPtr->config.heartbeatMs);
    ClusterProbeStart(clusterPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * SetupIdentity --
 *
 *	Give a new cluster its sid (random, new at every join), its hid
 *	(from -hid or the machine) and its uuid sid@hid.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Fills the identity fields of the cluster.
 *
 *----------------------------------------------------------------------
 */

static int
SetupIdentity(
    Tcl_Interp *interp,		/* For errors. */
    Cluster *clusterPtr)	/* Cluster being born. */
{
    MakeSid(clusterPtr->sid);
    if (clusterPtr->config.hidObj) {
	const char *given = Tcl_GetString(clusterPtr->config.hidObj);
	int i;

	for (i = 0; i < CLUSTER_HID_STRLEN - 1 && given[i]; i++) {
	    clusterPtr->hid[i] = (char) tolower((unsigned char) given[i]);
	}
	clusterPtr->hid[i] = '\0';
    } else if (ClusterpHostId(clusterPtr->hid) != 0) {
	if (errno == EMFILE || errno == ENFILE) {
	    return ClusterError(interp, "SOCKET", "CREATE",
		    "can't find a host id: %s; close some files or raise"
		    " the limit (ulimit -n)", Tcl_ErrnoMsg(errno));
	}
	return ClusterError(interp, "HOST", "NO_HID",
		"can't find a host id: no network interface has a MAC"
		" address and /etc/machine-id is unreadable; give one with"
		" -hid 02:00:00:00:00:01");
    }
    clusterPtr->sidObj = Tcl_NewStringObj(clusterPtr->sid, -1);
    clusterPtr->hidObj = Tcl_NewStringObj(clusterPtr->hid, -1);
    clusterPtr->uuidObj = Tcl_ObjPrintf("%s@%s", clusterPtr->sid,
	    clusterPtr->hid);
    Tcl_IncrRefCount(clusterPtr->sidObj);
    Tcl_IncrRefCount(clusterPtr->hidObj);
    Tcl_IncrRefCount(clusterPtr->uuidObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * MakeSid --
 *
 *	Draw a service id: 8 characters of [A-Za-z0-9] from libsodium's
 *	random bytes, without modulo bias.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills sid (NUL-terminated).
 *
 *----------------------------------------------------------------------
 */

static void
MakeSid(
    char sid[9])		/* Out. */
{
    static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char random[32];
    int have = 0, used = (int) sizeof(random);

    while (have < 8) {
	if (used == (int) sizeof(random)) {
	    ClusterpRandomBytes(random, sizeof(random));
	    used = 0;
	}
	if (random[used] < 248) {	/* 248 = 4 * 62. */
	    sid[have++] = alphabet[random[used] % 62];
	}
	used++;
    }
    sid[8] = '\0';
}

/*
 *----------------------------------------------------------------------
 *
 * SubscribeChannels, ClusterChannelSubscribe --
 *
 *	Subscribe to channels 0, 1 and 2, and to those of -channels.
 *
 * Results:
 *	A standard Tcl result; a channel must be a non-negative integer.
 *
 * Side effects:
 *	Adds entries to clusterPtr->channels.
 *
 *----------------------------------------------------------------------
 */

static int
SubscribeChannels(
    Tcl_Interp *interp,		/* For errors. */
    Cluster *clusterPtr,	/* Cluster being born. */
    Tcl_Obj *listObj)		/* Extra channels. */
{
    Tcl_Obj *fixed = Tcl_NewStringObj("0 1 2", -1);
    int code;

    Tcl_IncrRefCount(fixed);
    code = ClusterChannelSubscribe(interp, clusterPtr, fixed, 1);
    Tcl_DecrRefCount(fixed);
    if (code != TCL_OK) {
	return code;
    }
    return ClusterChannelSubscribe(interp, clusterPtr, listObj, 1);
}

int
ClusterChannelSubscribe(
    Tcl_Interp *interp,		/* For errors. */
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Obj *listObj,		/* Channel numbers. */
    int subscribe)		/* 1 to join, 0 to leave. */
{
    Tcl_Obj **elements;
    int numElements, i, channel;

    if (Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements)
	    != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "channel",
		"bad channel list \"%s\": must be a list of channel numbers",
		Tcl_GetString(listObj));
    }
    for (i = 0; i < numElements; i++) {
	if (Tcl_GetIntFromObj(NULL, elements[i], &channel) != TCL_OK
		|| channel < 0) {
	    return ClusterError(interp, "INVALID_ARGS", "channel",
		    "bad channel \"%s\": must be a non-negative integer",
		    Tcl_GetString(elements[i]));
	}
	if (!subscribe && channel <= CLUSTER_CHANNEL_LAN) {
	    return ClusterError(interp, "CHANNEL", "PERMANENT",
		    "can't leave channel %d: channels 0, 1 and 2 are always"
		    " subscribed", channel);
	}
    }
    for (i = 0; i < numElements; i++) {
	Tcl_HashEntry *entryPtr;
	int isNew;

	Tcl_GetIntFromObj(NULL, elements[i], &channel);
	if (subscribe) {
	    Tcl_CreateHashEntry(&clusterPtr->channels,
		    CLUSTER_INT2PTR(channel), &isNew);
	} else {
	    entryPtr = Tcl_FindHashEntry(&clusterPtr->channels,
		    CLUSTER_INT2PTR(channel));
	    if (entryPtr) {
		Tcl_DeleteHashEntry(entryPtr);
	    }
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDestroy --
 *
 *	Leave the cluster (doc/protocol.md section 5): broadcast a
 *	disconnect (unless an exit handler already did, see Leave), close
 *	every socket, remove unix socket files, cancel every timer and
 *	remove every service and query. The face calls it when the object
 *	command is deleted, however that happened, possibly from inside one
 *	of the cluster's own hooks: the memory is freed only when the last
 *	Tcl_Preserve is released.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	As above.
 *
 *----------------------------------------------------------------------
 */

void
ClusterDestroy(
    Cluster *clusterPtr)	/* Cluster to destroy. */
{
    if (clusterPtr->flags & CLUSTER_DELETED) {
	return;
    }
    clusterPtr->flags |= CLUSTER_DELETED;
    Leave(clusterPtr, 0);
    if (clusterPtr->heartbeatTimer) {
	Tcl_DeleteTimerHandler(clusterPtr->heartbeatTimer);
	clusterPtr->heartbeatTimer = NULL;
    }
    if (clusterPtr->replyTimer) {
	Tcl_DeleteTimerHandler(clusterPtr->replyTimer);
	clusterPtr->replyTimer = NULL;
    }
    if (clusterPtr->pingSweepTimer) {
	Tcl_DeleteTimerHandler(clusterPtr->pingSweepTimer);
	clusterPtr->pingSweepTimer = NULL;
    }
    if (clusterPtr->pingTimer) {
	Tcl_DeleteTimerHandler(clusterPtr->pingTimer);
	clusterPtr->pingTimer = NULL;
    }
    if (clusterPtr->pingAnswerTimer) {
	Tcl_DeleteTimerHandler(clusterPtr->pingAnswerTimer);
	clusterPtr->pingAnswerTimer = NULL;
    }
    ClusterProbeStop(clusterPtr);
    if (clusterPtr->pingSidsObj) {
	Tcl_DecrRefCount(clusterPtr->pingSidsObj);
	clusterPtr->pingSidsObj = NULL;
    }
    if (clusterPtr->flags & CLUSTER_TAGS_PENDING) {
	Tcl_CancelIdleCall(ClusterTagsIdleProc, clusterPtr);
	clusterPtr->flags &= ~CLUSTER_TAGS_PENDING;
    }
    ClusterQueriesDeleteAll(clusterPtr);
    ClusterDeferredDeleteAll(clusterPtr);
    ClusterRemoveAllServices(clusterPtr);
    ClusterAnnounceCancel(clusterPtr);
    ClusterTransportsClose(clusterPtr);
    ClusterOutcomesFree(clusterPtr);
    ClusterSealStateFree(clusterPtr);
    Tcl_EventuallyFree(clusterPtr, FreeCluster);
}

/*
 *----------------------------------------------------------------------
 *
 * LiveAdd --
 *
 *	Put a cluster just born on its thread's list of clusters that have
 *	not left; the first one registers the exit handlers.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May create a process and a thread exit handler.
 *
 *----------------------------------------------------------------------
 */

static void
LiveAdd(
    Cluster *clusterPtr)	/* Cluster just created. */
{
    ThreadClusters *tsdPtr = Tcl_GetThreadData(&clustersKey,
	    sizeof(ThreadClusters));

    if (tsdPtr->firstPtr == NULL) {
	/*
	 * Thread exit handlers run newest first: filling the thread's
	 * cache of field keys now, if it is not yet, puts its handler,
	 * which empties it, after ours, which encodes disconnects with it.
	 */

	(void) ClusterFieldKey(CLUSTER_F_SID);
	Tcl_CreateExitHandler(GoodbyeExitProc, tsdPtr);
	Tcl_CreateThreadExitHandler(GoodbyeExitProc, tsdPtr);
    } else {
	tsdPtr->firstPtr->prevLivePtr = clusterPtr;
    }
    clusterPtr->prevLivePtr = NULL;
    clusterPtr->nextLivePtr = tsdPtr->firstPtr;
    tsdPtr->firstPtr = clusterPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * Leave --
 *
 *	Multicast a cluster's disconnect, once in its life: when it is
 *	destroyed or, if its thread or process ends first, then. It goes
 *	off its thread's list; the last one off removes the exit handlers.
 *
 *	At exit, a member on the in-process bus (-transport memory) sends
 *	nothing: the bus and every member on it belong to the thread that is
 *	ending, the datagram would never be delivered, and the timer that
 *	delivers it would outlive the notifier.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	A datagram; may delete the exit handlers.
 *
 *----------------------------------------------------------------------
 */

static void
Leave(
    Cluster *clusterPtr,	/* Cluster leaving. */
    int atExit)			/* 1: the thread or process ends. */
{
    ThreadClusters *tsdPtr;

    if (clusterPtr->flags & CLUSTER_LEFT) {
	return;
    }
    clusterPtr->flags |= CLUSTER_LEFT;
    tsdPtr = Tcl_GetThreadData(&clustersKey, sizeof(ThreadClusters));
    if (clusterPtr->prevLivePtr != NULL) {
	clusterPtr->prevLivePtr->nextLivePtr = clusterPtr->nextLivePtr;
    } else {
	tsdPtr->firstPtr = clusterPtr->nextLivePtr;
    }
    if (clusterPtr->nextLivePtr != NULL) {
	clusterPtr->nextLivePtr->prevLivePtr = clusterPtr->prevLivePtr;
    }
    clusterPtr->prevLivePtr = clusterPtr->nextLivePtr = NULL;
    if (tsdPtr->firstPtr == NULL) {
	Tcl_DeleteExitHandler(GoodbyeExitProc, tsdPtr);
	Tcl_DeleteThreadExitHandler(GoodbyeExitProc, tsdPtr);
    }
    if (!atExit || !clusterPtr->config.memory) {
	ClusterSendDisconnect(clusterPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * GoodbyeExitProc --
 *
 *	Process and thread exit handler: every cluster of the thread that
 *	has not left multicasts its disconnect, so that its peers drop it
 *	at once instead of after -ttl. Tcl 8.6's `exit` (Tcl_Exit) and
 *	thread::exit (Tcl_ExitThread) end the process or thread without
 *	deleting the interpreter, so ClusterDestroy never runs. On `exit`
 *	the process handler runs first, and the last cluster to leave
 *	removes the thread handler before it runs.
 *
 *	This sends the datagram and nothing else: the clusters are not
 *	destroyed, no hook or script runs, no service is removed and no
 *	socket closed (the end of the process closes them). Tcl is tearing
 *	things down: exit handlers registered after ours have already run
 *	and may have closed channels or deleted what a script relies on,
 *	the thread's notifier and channels go right after the thread's
 *	handlers, and nothing will run the event loop again to finish what
 *	a script starts. `exit` may also have been called from one of the
 *	cluster's own hooks, in the middle of its work: that work never
 *	resumes, for Tcl_Exit does not return, so reusing the cluster's
 *	send buffer here is safe, but running another of its scripts is not.
 *
 *	The process handler is registered by every thread that has
 *	clusters and runs in the thread that called `exit`, which can only
 *	speak for its own clusters: those of a thread still running are
 *	in use there, and touching them from here would race with it.
 *	Those keep the ttl.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	One datagram per cluster; the exit handlers are deleted.
 *
 *----------------------------------------------------------------------
 */

static void
GoodbyeExitProc(
    ClientData clientData)	/* ThreadClusters of the registering
				 * thread. */
{
    ThreadClusters *tsdPtr = clientData;

    if (tsdPtr != Tcl_GetThreadData(&clustersKey, sizeof(ThreadClusters))) {
	return;			/* Another thread's clusters. */
    }
    while (tsdPtr->firstPtr != NULL) {
	Leave(tsdPtr->firstPtr, 1);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterFreeConfig --
 *
 *	Drop the references a ClusterConfig holds, and wipe its keys.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The Tcl_Obj slots are released and set to NULL, and so is the
 *	hold on the -interp child.
 *
 *----------------------------------------------------------------------
 */

void
ClusterFreeConfig(
    ClusterConfig *configPtr)	/* Config whose references to drop. */
{
    Tcl_Obj **slots[] = {
	&configPtr->interfaceObj, &configPtr->channelsObj,
	&configPtr->tagsObj, &configPtr->protocolsObj, &configPtr->unixObj,
	&configPtr->unixPathObj, &configPtr->hidObj, &configPtr->interpObj,
	&configPtr->peersObj
    };
    size_t i;

    for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
	ClusterSetObj(slots[i], NULL);
    }
    if (configPtr->hookInterp != NULL) {
	Tcl_Release(configPtr->hookInterp);
	configPtr->hookInterp = NULL;
    }
    ClusterKeysFree(configPtr->keys, configPtr->numKeys);
    configPtr->keys = NULL;
    configPtr->numKeys = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * FreeCluster --
 *
 *	Free the memory of a cluster once nobody holds it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Memory and object references are released.
 *
 *----------------------------------------------------------------------
 */

static void
FreeCluster(
    char *blockPtr)		/* The Cluster. */
{
    Cluster *clusterPtr = (Cluster *) blockPtr;

    ClusterFreeConfig(&clusterPtr->config);
    if (clusterPtr->nameObj) {
	Tcl_DecrRefCount(clusterPtr->nameObj);
    }
    if (clusterPtr->sidObj) {
	Tcl_DecrRefCount(clusterPtr->sidObj);
	Tcl_DecrRefCount(clusterPtr->hidObj);
	Tcl_DecrRefCount(clusterPtr->uuidObj);
    }
    if (clusterPtr->tagsObj) {
	Tcl_DecrRefCount(clusterPtr->tagsObj);
    }
    Tcl_DeleteHashTable(&clusterPtr->channels);
    Tcl_DeleteHashTable(&clusterPtr->services);
    ClusterHooksFree(clusterPtr->hooksPtr);
    ClusterHandlersFree(clusterPtr->handlersPtr);
    ClusterBufFree(&clusterPtr->sendBuf);
    ClusterSealStateFree(clusterPtr);
    if (clusterPtr->localAddrs != NULL) {
	ckfree(clusterPtr->localAddrs);
    }
    ckfree(clusterPtr);
}

