/*
 * clusterCoreSeal.c --
 *
 *	Keys and the seal step (doc/protocol.md section 10): the set of
 *	keys a cluster opens sealed frames with, the first of which seals
 *	what it sends; its random sender id and lanes; the replay window
 *	of the senders it hears; and the two halves of the step, sealing a
 *	packet going out and opening one coming in. clusterCoreNet.c, where
 *	every packet passes, calls them; the cryptography is libsodium's,
 *	behind the codec (clusterCodecSeal.c, clusterCodecReplay.c).
 *
 *	A key leaves memory wiped (ClusterKeyWipe): when it is removed,
 *	when the cluster is destroyed, when a join fails.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"

/*
 * Seals tried at most for a datagram that must hold no C0 8D: each try
 * succeeds with probability 37 % or more, so 32 fail together less than
 * once in two million of the largest datagrams.
 */

#define SEAL_TRIES	32

/*
 * Frames sealed up to this long before a member joined are still taken:
 * the members of one process share the multicast socket, so a datagram
 * sent just before one joined may be read just after. Older ones can
 * only be recordings replayed to it.
 */

#define SEAL_BIRTH_SLACK_MS	1000

static int		DropIn(Cluster *clusterPtr, ClusterProto proto,
			    size_t length, ClusterDrop reason);

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeysAdopt --
 *
 *	Give a new cluster the keys of its config (-keys), which no longer
 *	holds them, and what sealing needs: a random sender id and reply
 *	lane, and the time of its birth, before which nothing sealed is
 *	taken.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills clusterPtr->seal; empties the config's key list.
 *
 *----------------------------------------------------------------------
 */

void
ClusterKeysAdopt(
    Cluster *clusterPtr,	/* Cluster being born. */
    ClusterConfig *configPtr)	/* Its config, whose keys it takes. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;

    sealPtr->keys = configPtr->keys;
    sealPtr->numKeys = configPtr->numKeys;
    sealPtr->keyed = (configPtr->numKeys > 0);
    configPtr->keys = NULL;
    configPtr->numKeys = 0;
    ClusterpRandomBytes(&sealPtr->sender, sizeof(sealPtr->sender));
    sealPtr->bornMs = ClusterWallClockMs();
    do {
	ClusterpRandomBytes(&sealPtr->replyLane, sizeof(sealPtr->replyLane));
    } while (sealPtr->replyLane == 0);
    ClusterBufInit(&sealPtr->sealBuf);
    ClusterBufInit(&sealPtr->openBuf);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeysFind --
 *
 *	Where a key is in a cluster's set (compared in constant time).
 *
 * Results:
 *	Its index (0: the key in use), or -1.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterKeysFind(
    const Cluster *clusterPtr,	/* Cluster of interest. */
    const ClusterKey *keyPtr)	/* Key to look for. */
{
    int i;

    for (i = 0; i < clusterPtr->seal.numKeys; i++) {
	if (ClusterKeyEqual(&clusterPtr->seal.keys[i], keyPtr)) {
	    return i;
	}
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeysInstall, ClusterKeysUse, ClusterKeysRemove --
 *
 *	`$cluster keys install|use|remove K`. Install adds a key that
 *	opens packets (a no-op when it is there; on a cluster without keys
 *	it becomes the key that seals, and packets go sealed from then on).
 *	Use makes an installed key the one that seals. Remove wipes a key
 *	that is not in use.
 *
 * Results:
 *	A standard Tcl result; errors {CLUSTER KEYS NOT_INSTALLED} and
 *	{CLUSTER KEYS IN_USE}.
 *
 * Side effects:
 *	The cluster's key set.
 *
 *----------------------------------------------------------------------
 */

int
ClusterKeysInstall(
    Cluster *clusterPtr,	/* Cluster to change. */
    const ClusterKey *keyPtr,	/* Key to add. */
    Tcl_Interp *interp)		/* For errors (none for now). */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;

    (void) interp;
    if (ClusterKeysFind(clusterPtr, keyPtr) >= 0) {
	return TCL_OK;
    }
    sealPtr->keys = ckrealloc(sealPtr->keys,
	    (sealPtr->numKeys + 1) * sizeof(ClusterKey));
    sealPtr->keys[sealPtr->numKeys++] = *keyPtr;
    sealPtr->keyed = 1;
    return TCL_OK;
}

int
ClusterKeysUse(
    Cluster *clusterPtr,	/* Cluster to change. */
    const ClusterKey *keyPtr,	/* Key to seal with. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;
    ClusterKey chosen;
    int index = ClusterKeysFind(clusterPtr, keyPtr);

    if (index < 0) {
	return ClusterError(interp, "KEYS", "NOT_INSTALLED",
		"can't use a key that is not installed: run \"keys install"
		" KEY\" first (on every member, before any uses it)");
    }
    chosen = sealPtr->keys[index];
    memmove(sealPtr->keys + 1, sealPtr->keys, index * sizeof(ClusterKey));
    sealPtr->keys[0] = chosen;
    ClusterKeyWipe(&chosen);
    return TCL_OK;
}

int
ClusterKeysRemove(
    Cluster *clusterPtr,	/* Cluster to change. */
    const ClusterKey *keyPtr,	/* Key to wipe. */
    Tcl_Interp *interp)		/* For errors. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;
    int index = ClusterKeysFind(clusterPtr, keyPtr);

    if (index < 0) {
	return ClusterError(interp, "KEYS", "NOT_INSTALLED",
		"can't remove a key that is not installed: \"keys\" lists"
		" those that are");
    }
    if (index == 0) {
	return ClusterError(interp, "KEYS", "IN_USE",
		"can't remove the key in use: \"keys use\" another key"
		" first");
    }
    ClusterKeyWipe(&sealPtr->keys[index]);
    memmove(sealPtr->keys + index, sealPtr->keys + index + 1,
	    (sealPtr->numKeys - index - 1) * sizeof(ClusterKey));
    sealPtr->numKeys--;
    ClusterKeyWipe(&sealPtr->keys[sealPtr->numKeys]);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeysFree, ClusterSealStateFree --
 *
 *	Wipe and free a list of keys; everything of a cluster's seal
 *	state (safe to call twice). A cluster that had keys never sends
 *	in the clear afterwards (seal.keyed stays set).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Memory.
 *
 *----------------------------------------------------------------------
 */

void
ClusterKeysFree(
    ClusterKey *keys,		/* Keys, or NULL. */
    int numKeys)		/* How many. */
{
    int i;

    for (i = 0; i < numKeys; i++) {
	ClusterKeyWipe(&keys[i]);
    }
    if (keys != NULL) {
	ckfree(keys);
    }
}

void
ClusterSealStateFree(
    Cluster *clusterPtr)	/* Cluster going away. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;

    ClusterKeysFree(sealPtr->keys, sealPtr->numKeys);
    sealPtr->keys = NULL;
    sealPtr->numKeys = 0;
    if (sealPtr->replayPtr != NULL) {
	ClusterReplayFree(sealPtr->replayPtr);
	sealPtr->replayPtr = NULL;
    }
    ClusterBufFree(&sealPtr->sealBuf);
    ClusterBufFree(&sealPtr->openBuf);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOpenIn, DropIn --
 *
 *	The seal step of a packet coming in (doc/protocol.md section 10).
 *	With keys: a sealed frame is opened with the cluster's keys and
 *	must pass the replay window; a plain packet passes only with
 *	-plaintext accept. Without keys: plain packets pass and sealed
 *	frames are dropped. DropIn counts a packet dropped here.
 *
 * Results:
 *	ClusterOpenIn: 1 when the packet goes on (*bytesPtr and *lengthPtr then
 *	name the plain packet, maybe inside *bufPtr); 0 when it was
 *	dropped and counted. DropIn: 0.
 *
 * Side effects:
 *	Counters; the replay window (made on first use).
 *
 *----------------------------------------------------------------------
 */

int
ClusterOpenIn(
    Cluster *clusterPtr,	/* Receiver. */
    ClusterProto proto,		/* Transport it came on. */
    const unsigned char **bytesPtr,	/* In/out: the packet. */
    size_t *lengthPtr,		/* In/out: its size. */
    ClusterBuf *bufPtr)		/* Receives the opened packet. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;
    ClusterSealInfo info;
    const unsigned char *bytes = *bytesPtr;
    size_t length = *lengthPtr, openedLength = 0;
    unsigned char *out;

    if (sealPtr->numKeys == 0) {
	if (length >= 2 && bytes[0] == CLUSTER_SEAL_0
		&& bytes[1] == CLUSTER_SEAL_1) {
	    return DropIn(clusterPtr, proto, length,
		    CLUSTER_DROP_UNAUTHENTICATED);
	}
	return 1;
    }
    bufPtr->length = 0;
    out = ClusterBufReserve(bufPtr, length + 1);
    switch (ClusterOpen(sealPtr->keys, sealPtr->numKeys, bytes, length,
	    out, &openedLength, &info)) {
    case CLUSTER_OPEN_OK:
	break;
    case CLUSTER_OPEN_PLAIN:
	if (clusterPtr->config.plaintextAccept) {
	    return 1;
	}
	return DropIn(clusterPtr, proto, length,
		CLUSTER_DROP_UNAUTHENTICATED);
    default:
	return DropIn(clusterPtr, proto, length,
		CLUSTER_DROP_UNAUTHENTICATED);
    }
    if (sealPtr->replayPtr == NULL) {
	sealPtr->replayPtr = ClusterReplayCreate(clusterPtr->config.maxLanes,
		clusterPtr->config.freshnessMs,
		sealPtr->bornMs - SEAL_BIRTH_SLACK_MS);
    }
    if (ClusterReplayCheck(sealPtr->replayPtr, &info, ClusterWallClockMs())
	    != CLUSTER_REPLAY_OK) {
	return DropIn(clusterPtr, proto, length, CLUSTER_DROP_REPLAYED);
    }
    *bytesPtr = out;
    *lengthPtr = openedLength;
    return 1;
}

static int
DropIn(
    Cluster *clusterPtr,	/* Receiver. */
    ClusterProto proto,		/* Transport it came on. */
    size_t length,		/* Its size. */
    ClusterDrop reason)		/* Why it is dropped. */
{
    clusterPtr->stats.packetsIn[proto]++;
    clusterPtr->stats.bytesIn[proto] += (Tcl_WideInt) length;
    clusterPtr->stats.dropped[reason]++;
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOpenOwn --
 *
 *	Open the sealed frames of ours that a stream gives back. Plain
 *	packets (queued before keys were installed) stay as they are; a
 *	frame that no longer opens (its key was removed since) is dropped
 *	and counted in `dropped unauthenticated`.
 *
 * Results:
 *	A new array of the packets to resend (*numPacketsPtr of them),
 *	whose bytes are in *storagePtr; the caller frees both.
 *
 * Side effects:
 *	Memory; counters.
 *
 *----------------------------------------------------------------------
 */

ClusterNetPacket *
ClusterOpenOwn(
    Cluster *clusterPtr,	/* Sender. */
    const ClusterNetPacket *packets,	/* Frames given back. */
    int *numPacketsPtr,		/* In/out: how many. */
    unsigned char **storagePtr)	/* Out: the opened bytes. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;
    ClusterNetPacket *opened;
    ClusterSealInfo info;
    unsigned char *out;
    size_t total = 1, length;
    int i, numOpened = 0;

    for (i = 0; i < *numPacketsPtr; i++) {
	total += packets[i].length;
    }
    opened = ckalloc(sizeof(ClusterNetPacket) * (*numPacketsPtr + 1));
    out = *storagePtr = ckalloc(total);
    for (i = 0; i < *numPacketsPtr; i++) {
	switch (ClusterOpen(sealPtr->keys, sealPtr->numKeys,
		packets[i].bytes, packets[i].length, out, &length, &info)) {
	case CLUSTER_OPEN_OK:
	    break;
	case CLUSTER_OPEN_PLAIN:
	    memcpy(out, packets[i].bytes, packets[i].length);
	    length = packets[i].length;
	    break;
	default:
	    clusterPtr->stats.dropped[CLUSTER_DROP_UNAUTHENTICATED]++;
	    ClusterOutcomeDone(clusterPtr, packets[i].tag, -1,
		    "its key was removed before it could be sent");
	    continue;
	}
	opened[numOpened].bytes = out;
	opened[numOpened].length = length;
	opened[numOpened].flags = packets[i].flags;
	opened[numOpened].tag = packets[i].tag;
	numOpened++;
	out += length;
    }
    *numPacketsPtr = numOpened;
    return opened;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSealOut --
 *
 *	The seal step of a packet going out (doc/protocol.md section 10):
 *	with keys, seal it with the key in use, as the next seq of one of
 *	our lanes, into the cluster's reused seal buffer. A datagram is
 *	sealed so that members of the old package can ignore it
 *	(ClusterSealForOld: no C0 8D anywhere in it).
 *
 * Results:
 *	1 when sealed (*bytesPtr and *lengthPtr then name the frame, valid
 *	until the next seal); 0 without keys (unchanged); -1 when the
 *	cluster had keys and they are wiped: nothing may go out.
 *
 * Side effects:
 *	*seqPtr is advanced.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSealOut(
    Cluster *clusterPtr,	/* Sender. */
    uint32_t lane,		/* Lane to seal on. */
    uint64_t *seqPtr,		/* In/out: the lane's last seq. */
    int datagram,		/* It goes out as a datagram (c). */
    const unsigned char **bytesPtr,	/* In/out: the packet. */
    size_t *lengthPtr)		/* In/out: its size. */
{
    ClusterSealState *sealPtr = &clusterPtr->seal;
    ClusterSealInfo info;
    size_t sealedLength;
    unsigned char *out;

    if (sealPtr->numKeys == 0) {
	return sealPtr->keyed ? -1 : 0;
    }
    info.sender = sealPtr->sender;
    info.lane = lane;
    info.seq = ++*seqPtr;
    info.ms = (int64_t) ClusterWallClockMs();
    sealedLength = ClusterSealedLength(*lengthPtr);
    sealPtr->sealBuf.length = 0;
    out = ClusterBufReserve(&sealPtr->sealBuf, sealedLength);
    if (datagram) {
	ClusterSealForOld(&sealPtr->keys[0], &info, *bytesPtr, *lengthPtr,
		out, SEAL_TRIES);
    } else {
	ClusterSeal(&sealPtr->keys[0], &info, *bytesPtr, *lengthPtr, out);
    }
    *bytesPtr = out;
    *lengthPtr = sealedLength;
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterServiceLane --
 *
 *	Our lane for streams to a service: random and nonzero, drawn the
 *	first time a sealed packet goes to it.
 *
 * Results:
 *	The lane.
 *
 * Side effects:
 *	May set servicePtr->sealLane.
 *
 *----------------------------------------------------------------------
 */

uint32_t
ClusterServiceLane(
    ClusterService *servicePtr)	/* Service to reach. */
{
    while (servicePtr->sealLane == 0) {
	ClusterpRandomBytes(&servicePtr->sealLane,
		sizeof(servicePtr->sealLane));
    }
    return servicePtr->sealLane;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterWallClockMs --
 *
 *	The wall clock, in ms since the epoch: what sealed frames carry,
 *	and what -freshness compares them with.
 *
 * Results:
 *	Milliseconds.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_WideInt
ClusterWallClockMs(void)
{
    Tcl_Time now;

    Tcl_GetTime(&now);
    return (Tcl_WideInt) now.sec * 1000 + now.usec / 1000;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
