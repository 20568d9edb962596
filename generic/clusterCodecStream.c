/*
 * clusterCodecStream.c --
 *
 *	Reassembly of packets from a byte stream (TCP, unix sockets): bytes
 *	go in as they arrive, split or coalesced anyhow, and whole frames
 *	come out: plain packets, header to trailer, and sealed frames
 *	(clusterCodecSeal.c), in any mix. Bytes before a header are
 *	skipped; a malformed length or a bad trailer drops the frame and
 *	resynchronises on the next C0 8D or C5 1E; a frame longer than
 *	maxFrame (plus the sealing overhead) is skipped as it arrives,
 *	without ever being buffered. Pure C, like clusterCodec.c.
 *
 *	Accounting: every byte fed ends up in exactly one of: a packet
 *	handed out, garbageBytes (skipped while resynchronising, including
 *	the bytes of frames dropped for a bad length or trailer), an
 *	oversized frame, or the bytes still buffered.
 *
 *	Typical use by a socket reader:
 *
 *	    p = ClusterStreamSpace(s, 65536);
 *	    n = read(fd, p, 65536);
 *	    ClusterStreamCommit(s, n);
 *	    while (ClusterStreamNext(s, &packet, &length)) { ... }
 *
 *	Memory stays within about maxFrame plus one read, whatever arrives,
 *	as long as the caller drains ClusterStreamNext after each read.
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

/*
 * Smallest allocation, and the capacity above which an empty buffer is
 * given back.
 */

#define STREAM_MIN_CAPACITY	4096
#define STREAM_KEEP_CAPACITY	(256 * 1024)

/*
 * What FramePrefix found.
 */

enum { PREFIX_WAIT, PREFIX_SKIPPED, PREFIX_READY };

static int		FramePrefix(ClusterStream *streamPtr,
			    const unsigned char *p, size_t avail);
static int		HeaderAt(const unsigned char *p, size_t avail);

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamInit, ClusterStreamFree --
 *
 *	Initialise an empty stream; release its buffer.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	ClusterStreamFree frees the buffer and leaves the stream empty (its
 *	counters are kept).
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamInit(
    ClusterStream *streamPtr,	/* Stream to initialise. */
    size_t maxFrame)		/* Largest body accepted; 0 for
				 * CLUSTER_DEFAULT_MAX_FRAME. */
{
    memset(streamPtr, 0, sizeof(ClusterStream));
    if (maxFrame == 0) {
	maxFrame = CLUSTER_DEFAULT_MAX_FRAME;
    } else if (maxFrame > SIZE_MAX / 4) {
	maxFrame = SIZE_MAX / 4;
    }
    streamPtr->maxFrame = maxFrame;
}

void
ClusterStreamFree(
    ClusterStream *streamPtr)	/* Stream to release. */
{
    if (streamPtr->buffer != NULL) {
	CLUSTER_FREE(streamPtr->buffer);
    }
    streamPtr->buffer = NULL;
    streamPtr->start = streamPtr->end = streamPtr->capacity = 0;
    streamPtr->frameLength = 0;
    streamPtr->discard = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamSpace --
 *
 *	Room for `want` more bytes at the end of the buffer, for a reader to
 *	receive into directly; follow with ClusterStreamCommit. Compacts
 *	lazily: unconsumed bytes are moved to the front only when the room
 *	at the end is too small.
 *
 * Results:
 *	The address where `want` bytes may be written.
 *
 * Side effects:
 *	May move or reallocate the buffer: packets returned by
 *	ClusterStreamNext become invalid. Aborts when memory is exhausted.
 *
 *----------------------------------------------------------------------
 */

unsigned char *
ClusterStreamSpace(
    ClusterStream *streamPtr,	/* Stream to receive into. */
    size_t want)		/* Bytes the caller may write. */
{
    size_t pending = streamPtr->end - streamPtr->start;
    size_t need, capacity;
    unsigned char *buffer;

    if (pending == 0) {
	streamPtr->start = streamPtr->end = 0;
	if (streamPtr->capacity > STREAM_KEEP_CAPACITY
		&& streamPtr->capacity / 4 > want) {
	    /*
	     * Give the storage back, but only the storage: the rest of an
	     * oversized frame may still have to be skipped.
	     */

	    CLUSTER_FREE(streamPtr->buffer);
	    streamPtr->buffer = NULL;
	    streamPtr->capacity = 0;
	}
    }
    if (streamPtr->capacity - streamPtr->end >= want
	    && streamPtr->buffer != NULL) {
	return streamPtr->buffer + streamPtr->end;
    }
    if (streamPtr->start > 0) {
	memmove(streamPtr->buffer, streamPtr->buffer + streamPtr->start,
		pending);
	streamPtr->start = 0;
	streamPtr->end = pending;
	if (streamPtr->capacity - pending >= want) {
	    return streamPtr->buffer + pending;
	}
    }
    if (want > SIZE_MAX / 2 - pending) {
	abort();
    }
    need = pending + want;

    /*
     * Grow geometrically, but never far beyond what one frame and one read
     * need: when the frame being assembled has a known length, that is
     * the target.
     */

    capacity = streamPtr->capacity * 2;
    if (capacity < STREAM_MIN_CAPACITY) {
	capacity = STREAM_MIN_CAPACITY;
    }
    if (streamPtr->frameLength > 0
	    && capacity > streamPtr->frameLength + want) {
	capacity = streamPtr->frameLength + want;
    } else if (capacity > streamPtr->maxFrame + CLUSTER_STREAM_OVERHEAD
	    + want) {
	capacity = streamPtr->maxFrame + CLUSTER_STREAM_OVERHEAD + want;
    }
    if (capacity < need) {
	capacity = need;
    }
    buffer = CLUSTER_REALLOC(streamPtr->buffer, capacity);
    if (buffer == NULL) {
	abort();
    }
    streamPtr->buffer = buffer;
    streamPtr->capacity = capacity;
    return buffer + streamPtr->end;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamDetach, ClusterStreamFreeDetached --
 *
 *	Hand the caller the buffer that the frames ClusterStreamNext gave
 *	out point into, and go on with a new one holding the bytes not yet
 *	consumed: those frames then stay valid across further
 *	ClusterStreamSpace and ClusterStreamFeed calls (a reader that
 *	reads again while a frame it handed out is still being handled).
 *	The caller frees the old buffer with ClusterStreamFreeDetached once
 *	those frames are no longer used.
 *
 * Results:
 *	ClusterStreamDetach: the old buffer, or NULL when there was none.
 *
 * Side effects:
 *	Memory: the new buffer holds just the unconsumed bytes (there is
 *	none when nothing is pending); ClusterStreamSpace grows it. Aborts
 *	when memory is exhausted.
 *
 *----------------------------------------------------------------------
 */

void *
ClusterStreamDetach(
    ClusterStream *streamPtr)	/* Stream whose buffer to hand out. */
{
    unsigned char *old = streamPtr->buffer, *buffer = NULL;
    size_t pending = streamPtr->end - streamPtr->start;
    size_t capacity = 0;

    if (old == NULL) {
	return NULL;
    }
    if (pending > 0) {
	capacity = pending;
	buffer = CLUSTER_REALLOC(NULL, capacity);
	if (buffer == NULL) {
	    abort();
	}
	memcpy(buffer, old + streamPtr->start, pending);
    }
    streamPtr->buffer = buffer;
    streamPtr->capacity = capacity;
    streamPtr->start = 0;
    streamPtr->end = pending;
    return old;
}

void
ClusterStreamFreeDetached(
    void *buffer)		/* From ClusterStreamDetach, or NULL. */
{
    if (buffer != NULL) {
	CLUSTER_FREE(buffer);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamCommit --
 *
 *	Account for `count` bytes written at the address ClusterStreamSpace
 *	returned. Bytes that belong to an oversized frame being skipped are
 *	dropped at once.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Extends the buffered bytes.
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamCommit(
    ClusterStream *streamPtr,	/* Stream received into. */
    size_t count)		/* Bytes written. */
{
    if (streamPtr->discard > 0) {
	size_t skip = (streamPtr->discard < (uint64_t) count)
		? (size_t) streamPtr->discard : count;

	/*
	 * While a frame is being discarded nothing else is buffered
	 * (start == end), so skipping is moving start.
	 */

	streamPtr->discard -= skip;
	streamPtr->end += count;
	streamPtr->start = streamPtr->end - (count - skip);
	return;
    }
    streamPtr->end += count;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamFeed --
 *
 *	Append bytes to the stream (a copy is made). Bytes of an oversized
 *	frame being skipped are dropped without being copied.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	As ClusterStreamSpace and ClusterStreamCommit.
 *
 *----------------------------------------------------------------------
 */

void
ClusterStreamFeed(
    ClusterStream *streamPtr,	/* Stream to feed. */
    const unsigned char *bytes,	/* Bytes received. */
    size_t length)		/* How many. */
{
    unsigned char *dst;

    if (streamPtr->discard > 0) {
	size_t skip = (streamPtr->discard < (uint64_t) length)
		? (size_t) streamPtr->discard : length;

	streamPtr->discard -= skip;
	bytes += skip;
	length -= skip;
    }
    if (length == 0) {
	return;
    }
    dst = ClusterStreamSpace(streamPtr, length);
    memcpy(dst, bytes, length);
    streamPtr->end += length;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamNext --
 *
 *	Find the next whole frame in the buffered bytes: a plain packet or
 *	a sealed frame (clusterCodecSeal.c), which may follow each other.
 *	Skips garbage before a header, drops frames with a malformed length
 *	or a bad trailer, and starts skipping frames whose body exceeds
 *	maxFrame. The length of the frame being assembled is remembered, so
 *	a large frame arriving in many pieces costs O(1) per call until
 *	complete.
 *
 * Results:
 *	1 with the frame (header to trailer, or a whole sealed frame) stored
 *	in *packetPtr and *lengthPtr: it points into the buffer and stays
 *	valid until the next ClusterStreamFeed or ClusterStreamSpace (or,
 *	once detached, until ClusterStreamFreeDetached). 0
 *	when no whole frame is buffered.
 *
 * Side effects:
 *	Consumes the frame and whatever was skipped; updates the counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamNext(
    ClusterStream *streamPtr,		/* Stream to read from. */
    const unsigned char **packetPtr,	/* Where to store the packet. */
    size_t *lengthPtr)			/* Where to store its length. */
{
    while (streamPtr->start < streamPtr->end) {
	unsigned char *p = streamPtr->buffer + streamPtr->start;
	size_t avail = streamPtr->end - streamPtr->start;

	if (streamPtr->frameLength == 0) {
	    int status = FramePrefix(streamPtr, p, avail);

	    if (status == PREFIX_WAIT) {
		return 0;
	    } else if (status == PREFIX_SKIPPED) {
		continue;
	    }
	}
	if (avail < streamPtr->frameLength) {
	    return 0;
	}
	if (!streamPtr->frameSealed
		&& (p[streamPtr->frameLength - 2] != 0
		|| p[streamPtr->frameLength - 1] != 0)) {
	    /*
	     * Not a frame after all: resynchronise from the byte after this
	     * header's first byte.
	     */

	    streamPtr->badTrailers++;
	    streamPtr->garbageBytes++;
	    streamPtr->start++;
	    streamPtr->frameLength = 0;
	    continue;
	}
	*packetPtr = p;
	*lengthPtr = streamPtr->frameLength;
	streamPtr->start += streamPtr->frameLength;
	streamPtr->frameLength = 0;
	streamPtr->frames++;
	return 1;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * FramePrefix --
 *
 *	At the start of the buffered bytes, with no frame under way: skip
 *	garbage up to a header, read the frame's length from its prefix
 *	(a varint after C0 8D; four bytes six after C5 1E), and start
 *	skipping an oversized frame.
 *
 * Results:
 *	PREFIX_READY with frameLength (and frameSealed) set; PREFIX_WAIT
 *	when more bytes are needed; PREFIX_SKIPPED when bytes were
 *	consumed and the caller should look again.
 *
 * Side effects:
 *	Consumes skipped bytes; updates the counters.
 *
 *----------------------------------------------------------------------
 */

static int
FramePrefix(
    ClusterStream *streamPtr,	/* Stream being read. */
    const unsigned char *p,	/* Its first unconsumed byte. */
    size_t avail)		/* Bytes from there. */
{
    uint64_t bodyLength, limit, whole;
    size_t used;
    int status, sealed;

    if (!HeaderAt(p, avail)) {
	size_t skip = 1;

	while (skip < avail && !HeaderAt(p + skip, avail - skip)) {
	    skip++;
	}
	streamPtr->garbageBytes += skip;
	streamPtr->start += skip;
	return PREFIX_SKIPPED;
    }
    sealed = (p[0] == CLUSTER_SEAL_0);
    if (sealed) {
	if (avail < 10) {
	    return PREFIX_WAIT;
	}
	bodyLength = ((uint64_t) p[6] << 24) | ((uint64_t) p[7] << 16)
		| ((uint64_t) p[8] << 8) | p[9];
	limit = (uint64_t) streamPtr->maxFrame + CLUSTER_FRAME_OVERHEAD
		+ CLUSTER_SEAL_INNER + CLUSTER_SEAL_TAG;
	whole = bodyLength + CLUSTER_SEAL_PREFIX;
	if (bodyLength < CLUSTER_SEAL_INNER + CLUSTER_SEAL_TAG + 5) {
	    streamPtr->badLengths++;
	    streamPtr->garbageBytes++;
	    streamPtr->start++;
	    return PREFIX_SKIPPED;
	}
    } else {
	if (avail < 3) {
	    return PREFIX_WAIT;
	}
	status = ClusterVarintRead(p + 2, avail - 2, &bodyLength, &used);
	if (status == CLUSTER_VARINT_SHORT) {
	    return PREFIX_WAIT;
	}
	if (status == CLUSTER_VARINT_LONG) {
	    streamPtr->badLengths++;
	    streamPtr->garbageBytes += 2;
	    streamPtr->start += 2;
	    return PREFIX_SKIPPED;
	}
	limit = streamPtr->maxFrame;
	whole = (bodyLength > UINT64_MAX - CLUSTER_FRAME_OVERHEAD)
		? UINT64_MAX : bodyLength + 2 + used + 2;
    }
    if (bodyLength > limit) {
	/*
	 * Skip the whole frame, prefix to end, without keeping any of it:
	 * what is buffered goes now, the rest as it arrives.
	 */

	streamPtr->oversized++;
	if (whole <= avail) {
	    streamPtr->start += (size_t) whole;
	} else {
	    streamPtr->discard = whole - avail;
	    streamPtr->start = streamPtr->end;
	}
	return PREFIX_SKIPPED;
    }
    streamPtr->frameLength = (size_t) whole;
    streamPtr->frameSealed = sealed;
    return PREFIX_READY;
}

/*
 *----------------------------------------------------------------------
 *
 * HeaderAt --
 *
 *	Whether a frame may start at p: C0 8D or C5 1E, or the first byte
 *	of one of them as the very last byte buffered.
 *
 *----------------------------------------------------------------------
 */

static int
HeaderAt(
    const unsigned char *p,
    size_t avail)
{
    if (p[0] == CLUSTER_HEADER_0) {
	return avail == 1 || p[1] == CLUSTER_HEADER_1;
    }
    if (p[0] == CLUSTER_SEAL_0) {
	return avail == 1 || p[1] == CLUSTER_SEAL_1;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterStreamBuffered --
 *
 *	How many bytes the stream holds that have not been consumed.
 *
 * Results:
 *	The number of bytes.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

size_t
ClusterStreamBuffered(
    const ClusterStream *streamPtr)	/* Stream to measure. */
{
    return streamPtr->end - streamPtr->start;
}
