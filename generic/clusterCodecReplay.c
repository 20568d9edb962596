/*
 * clusterCodecReplay.c --
 *
 *	The replay defence for sealed frames. Every sealed frame names its
 *	sender, a lane of that sender (an independent sequence: one for
 *	its multicasts, one per service it streams to, one for replies),
 *	its number on the lane and the wall-clock ms it was sealed at. A
 *	frame is accepted once:
 *
 *	  - its ms must lie within windowMs of now (a recording older than
 *	    that is stale, whatever else is known), and after the
 *	    receiver's birth (the floor starts there: what was sealed before
 *	    a member joined was not meant for it, and can only be replayed
 *	    to it);
 *	  - per lane, the highest seq seen and a bitmap of the
 *	    CLUSTER_REPLAY_WINDOW seqs below it are kept (as in IPsec and
 *	    WireGuard): a seq seen, or below the bitmap, is refused; lanes
 *	    may reorder by up to the window (a stream and its fallback);
 *	  - at most maxLanes lanes are kept. When a new lane does not fit,
 *	    the least recently used one is forgotten, and `floorMs` rises
 *	    to the ms of its last frame: a frame of a lane not remembered,
 *	    or of one made again since, must be newer than the floor was
 *	    when the lane was (re)made, so forgetting a lane never lets one
 *	    of its recorded frames in again.
 *
 *	State is bounded: maxLanes entries of 176 bytes and a bucket array
 *	of at most twice maxLanes ints, allocated as lanes appear. Pure C.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCodec.h"
#include <stdlib.h>
#include <string.h>

#ifndef CLUSTER_REALLOC
#   define CLUSTER_REALLOC(ptr, size)	realloc((ptr), (size))
#   define CLUSTER_FREE(ptr)		free(ptr)
#endif

#define WORDS	(CLUSTER_REPLAY_WINDOW / 64)

typedef struct Lane {
    uint64_t sender;		/* Who. */
    uint32_t lane;		/* Which of its lanes. */
    int next;			/* Next entry in the bucket, or -1. */
    uint64_t highest;		/* Highest seq seen. */
    int64_t lastMs;		/* Largest ms of a frame accepted. */
    int64_t minMs;		/* floorMs when it was made: its frames
				 * must be newer (they may be replays from
				 * before it was last forgotten). */
    uint64_t lastUse;		/* Clock of the last frame accepted. */
    uint64_t seen[WORDS];	/* Bit i: seq highest - i was seen. */
} Lane;

struct ClusterReplay {
    int maxLanes;		/* Bound on lanes kept. */
    int64_t windowMs;		/* Freshness, either side of now. */
    Lane *lanes;		/* numLanes in use, room for capacity. */
    int numLanes;
    int capacity;
    int *buckets;		/* Heads of the chains, -1 when empty. */
    uint32_t mask;		/* Buckets minus one (a power of two). */
    uint64_t clock;		/* Ticks once per accepted frame. */
    int64_t floorMs;		/* Frames of unknown lanes must be newer. */
    uint64_t evicted;		/* Lanes forgotten to make room. */
};

static int		Bucket(const ClusterReplay *replayPtr,
			    uint64_t sender, uint32_t lane);
static Lane *		FindLane(ClusterReplay *replayPtr, uint64_t sender,
			    uint32_t lane);
static Lane *		NewLane(ClusterReplay *replayPtr, uint64_t sender,
			    uint32_t lane);
static void		Unlink(ClusterReplay *replayPtr, int index);
static void		Advance(Lane *lanePtr, uint64_t seq);

/*
 *----------------------------------------------------------------------
 *
 * ClusterReplayCreate, ClusterReplayFree --
 *
 *	Make an empty replay state; release one.
 *
 * Results:
 *	The new state (never NULL: aborts when memory is exhausted).
 *
 * Side effects:
 *	Memory.
 *
 *----------------------------------------------------------------------
 */

ClusterReplay *
ClusterReplayCreate(
    int maxLanes,		/* Lanes kept at most (at least 1). */
    int64_t windowMs,		/* Freshness window. */
    int64_t sinceMs)		/* Frames sealed at or before this are
				 * stale: the receiver did not exist yet,
				 * so they can only be recordings. */
{
    ClusterReplay *replayPtr = CLUSTER_REALLOC(NULL, sizeof(ClusterReplay));
    uint32_t buckets = 16;
    uint32_t i;

    if (replayPtr == NULL) {
	abort();
    }
    memset(replayPtr, 0, sizeof(ClusterReplay));
    replayPtr->maxLanes = (maxLanes < 1) ? 1 : maxLanes;
    replayPtr->windowMs = (windowMs < 0) ? 0 : windowMs;
    while (buckets < (uint32_t) replayPtr->maxLanes && buckets < (1u << 30)) {
	buckets <<= 1;
    }
    replayPtr->buckets = CLUSTER_REALLOC(NULL, buckets * sizeof(int));
    if (replayPtr->buckets == NULL) {
	abort();
    }
    for (i = 0; i < buckets; i++) {
	replayPtr->buckets[i] = -1;
    }
    replayPtr->mask = buckets - 1;
    replayPtr->floorMs = sinceMs;
    return replayPtr;
}

void
ClusterReplayFree(
    ClusterReplay *replayPtr)	/* State to release, or NULL. */
{
    if (replayPtr == NULL) {
	return;
    }
    CLUSTER_FREE(replayPtr->lanes);
    CLUSTER_FREE(replayPtr->buckets);
    CLUSTER_FREE(replayPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterReplayCheck --
 *
 *	Decide whether an opened frame is new, and remember it if so.
 *
 * Results:
 *	CLUSTER_REPLAY_OK, _SEEN or _STALE (see the file's comment).
 *
 * Side effects:
 *	May add a lane, forgetting the least recently used one.
 *
 *----------------------------------------------------------------------
 */

ClusterReplayResult
ClusterReplayCheck(
    ClusterReplay *replayPtr,	/* State. */
    const ClusterSealInfo *infoPtr,	/* The frame's inner header. */
    int64_t nowMs)		/* Wall clock, ms since the epoch. */
{
    Lane *lanePtr;
    uint64_t diff;

    if (infoPtr->ms > nowMs + replayPtr->windowMs
	    || infoPtr->ms < nowMs - replayPtr->windowMs) {
	return CLUSTER_REPLAY_STALE;
    }
    if (infoPtr->seq == 0) {
	return CLUSTER_REPLAY_SEEN;
    }
    lanePtr = FindLane(replayPtr, infoPtr->sender, infoPtr->lane);
    if (lanePtr == NULL) {
	int64_t floorMs = replayPtr->floorMs;

	if (infoPtr->ms <= floorMs) {
	    return CLUSTER_REPLAY_STALE;
	}
	lanePtr = NewLane(replayPtr, infoPtr->sender, infoPtr->lane);
	lanePtr->minMs = floorMs;
	lanePtr->highest = infoPtr->seq;
	lanePtr->seen[0] = 1;
    } else if (infoPtr->ms <= lanePtr->minMs) {
	return CLUSTER_REPLAY_STALE;
    } else if (infoPtr->seq > lanePtr->highest) {
	Advance(lanePtr, infoPtr->seq);
    } else {
	diff = lanePtr->highest - infoPtr->seq;
	if (diff >= CLUSTER_REPLAY_WINDOW
		|| (lanePtr->seen[diff / 64] >> (diff % 64)) & 1) {
	    return CLUSTER_REPLAY_SEEN;
	}
	lanePtr->seen[diff / 64] |= (uint64_t) 1 << (diff % 64);
    }
    if (infoPtr->ms > lanePtr->lastMs) {
	lanePtr->lastMs = infoPtr->ms;
    }
    lanePtr->lastUse = ++replayPtr->clock;
    return CLUSTER_REPLAY_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterReplayLanes, ClusterReplayEvicted --
 *
 *	Lanes remembered now; lanes forgotten to make room since creation.
 *
 *----------------------------------------------------------------------
 */

int
ClusterReplayLanes(
    const ClusterReplay *replayPtr)
{
    return replayPtr->numLanes;
}

uint64_t
ClusterReplayEvicted(
    const ClusterReplay *replayPtr)
{
    return replayPtr->evicted;
}

/*
 *----------------------------------------------------------------------
 *
 * Advance --
 *
 *	A lane's seq moved up to `seq`: shift the bitmap by the distance
 *	(bit i becomes bit i + distance) and mark the new highest.
 *
 *----------------------------------------------------------------------
 */

static void
Advance(
    Lane *lanePtr,		/* Lane to move. */
    uint64_t seq)		/* New highest, above the old one. */
{
    uint64_t shift = seq - lanePtr->highest;
    int words, bits, w;

    if (shift >= CLUSTER_REPLAY_WINDOW) {
	memset(lanePtr->seen, 0, sizeof(lanePtr->seen));
    } else {
	words = (int) (shift / 64);
	bits = (int) (shift % 64);
	for (w = WORDS - 1; w >= 0; w--) {
	    uint64_t value = 0;

	    if (w - words >= 0) {
		value = lanePtr->seen[w - words] << bits;
		if (bits > 0 && w - words - 1 >= 0) {
		    value |= lanePtr->seen[w - words - 1] >> (64 - bits);
		}
	    }
	    lanePtr->seen[w] = value;
	}
    }
    lanePtr->seen[0] |= 1;
    lanePtr->highest = seq;
}

/*
 *----------------------------------------------------------------------
 *
 * Bucket, FindLane, NewLane, Unlink --
 *
 *	The hash table of lanes: separate chains threaded through the
 *	entry array by index. NewLane appends an entry, or reuses the
 *	least recently used one when maxLanes are kept (raising floorMs).
 *
 *----------------------------------------------------------------------
 */

static int
Bucket(
    const ClusterReplay *replayPtr,
    uint64_t sender,
    uint32_t lane)
{
    uint64_t h = (sender ^ ((uint64_t) lane * 0x9E3779B97F4A7C15u))
	    * 0xBF58476D1CE4E5B9u;

    return (int) ((h ^ (h >> 31)) & replayPtr->mask);
}

static Lane *
FindLane(
    ClusterReplay *replayPtr,
    uint64_t sender,
    uint32_t lane)
{
    int index = replayPtr->buckets[Bucket(replayPtr, sender, lane)];

    while (index >= 0) {
	Lane *lanePtr = replayPtr->lanes + index;

	if (lanePtr->sender == sender && lanePtr->lane == lane) {
	    return lanePtr;
	}
	index = lanePtr->next;
    }
    return NULL;
}

static Lane *
NewLane(
    ClusterReplay *replayPtr,
    uint64_t sender,
    uint32_t lane)
{
    Lane *lanePtr;
    int index, i, bucket;

    if (replayPtr->numLanes < replayPtr->maxLanes) {
	if (replayPtr->numLanes == replayPtr->capacity) {
	    int capacity = replayPtr->capacity ? replayPtr->capacity * 2 : 8;

	    if (capacity > replayPtr->maxLanes) {
		capacity = replayPtr->maxLanes;
	    }
	    replayPtr->lanes = CLUSTER_REALLOC(replayPtr->lanes,
		    (size_t) capacity * sizeof(Lane));
	    if (replayPtr->lanes == NULL) {
		abort();
	    }
	    replayPtr->capacity = capacity;
	}
	index = replayPtr->numLanes++;
    } else {
	index = 0;
	for (i = 1; i < replayPtr->numLanes; i++) {
	    if (replayPtr->lanes[i].lastUse
		    < replayPtr->lanes[index].lastUse) {
		index = i;
	    }
	}
	if (replayPtr->lanes[index].lastMs > replayPtr->floorMs) {
	    replayPtr->floorMs = replayPtr->lanes[index].lastMs;
	}
	Unlink(replayPtr, index);
	replayPtr->evicted++;
    }
    lanePtr = replayPtr->lanes + index;
    memset(lanePtr, 0, sizeof(Lane));
    lanePtr->sender = sender;
    lanePtr->lane = lane;
    lanePtr->lastMs = INT64_MIN;
    bucket = Bucket(replayPtr, sender, lane);
    lanePtr->next = replayPtr->buckets[bucket];
    replayPtr->buckets[bucket] = index;
    return lanePtr;
}

static void
Unlink(
    ClusterReplay *replayPtr,
    int index)
{
    const Lane *lanePtr = replayPtr->lanes + index;
    int *linkPtr = replayPtr->buckets
	    + Bucket(replayPtr, lanePtr->sender, lanePtr->lane);

    while (*linkPtr != index) {
	linkPtr = &replayPtr->lanes[*linkPtr].next;
    }
    *linkPtr = lanePtr->next;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
