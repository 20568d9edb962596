/*
 * clusterCodecStream.c --
 *
 *	Reassembly of packets from a byte stream (TCP, unix sockets): bytes
 *	go in as they arrive, split or coalesced anyhow, and whole packets,
 *	header to trailer, come out. Bytes before a header are skipped; a
 *	malformed length or a bad trailer drops the frame and resynchronises
 *	on the next C0 8D; a frame longer than maxFrame is skipped as it
 *	arrives, without ever being buffered. Pure C, like clusterCodec.c.
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
    } else if (capacity > streamPtr->maxFrame + CLUSTER_FRAME_OVERHEAD
	    + want) {
	capacity = streamPtr->maxFrame + CLUSTER_FRAME_OVERHEAD + want;
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
 *	Find the next whole packet in the buffered bytes. Skips garbage
 *	before a header, drops frames with a malformed length or a bad
 *	trailer, and starts skipping frames whose body exceeds maxFrame.
 *	The length of the frame being assembled is remembered, so a large
 *	frame arriving in many pieces costs O(1) per call until complete.
 *
 * Results:
 *	1 with the packet (header to trailer) stored in *packetPtr and
 *	*lengthPtr: it points into the buffer and stays valid until the
 *	next ClusterStreamFeed or ClusterStreamSpace. 0 when no whole packet
 *	is buffered.
 *
 * Side effects:
 *	Consumes the packet and whatever was skipped; updates the counters.
 *
 *----------------------------------------------------------------------
 */

int
ClusterStreamNext(
    ClusterStream *streamPtr,		/* Stream to read from. */
    const unsigned char **packetPtr,	/* Where to store the packet. */
    size_t *lengthPtr)			/* Where to store its length. */
{
    unsigned char *buffer = streamPtr->buffer;

    while (streamPtr->start < streamPtr->end) {
	size_t start = streamPtr->start;
	size_t avail = streamPtr->end - start;
	unsigned char *p = buffer + start;

	if (streamPtr->frameLength == 0) {
	    unsigned char *header;
	    uint64_t bodyLength;
	    size_t used, prefix;
	    int status;

	    /*
	     * Look for C0 8D. A C0 at the very end may be the start of a
	     * header: keep it.
	     */

	    if (p[0] != CLUSTER_HEADER_0
		    || (avail > 1 && p[1] != CLUSTER_HEADER_1)) {
		size_t skip;

		header = memchr(p + 1, CLUSTER_HEADER_0, avail - 1);
		while (header != NULL
			&& header + 1 < p + avail
			&& header[1] != CLUSTER_HEADER_1) {
		    header = memchr(header + 1, CLUSTER_HEADER_0,
			    (size_t) (p + avail - header - 1));
		}
		skip = (header == NULL) ? avail : (size_t) (header - p);
		streamPtr->garbageBytes += skip;
		streamPtr->start += skip;
		continue;
	    }
	    if (avail < 3) {
		return 0;
	    }
	    status = ClusterVarintRead(p + 2, avail - 2, &bodyLength, &used);
	    if (status == CLUSTER_VARINT_SHORT) {
		return 0;
	    }
	    if (status == CLUSTER_VARINT_LONG) {
		streamPtr->badLengths++;
		streamPtr->garbageBytes += 2;
		streamPtr->start += 2;
		continue;
	    }
	    prefix = 2 + used;
	    if (bodyLength > streamPtr->maxFrame) {
		uint64_t whole;

		/*
		 * Skip the whole frame, prefix to trailer, without keeping
		 * any of it: what is buffered goes now, the rest as it
		 * arrives.
		 */

		streamPtr->oversized++;
		whole = (bodyLength > UINT64_MAX - CLUSTER_FRAME_OVERHEAD)
			? UINT64_MAX : bodyLength + prefix + 2;
		if (whole <= avail) {
		    streamPtr->start += (size_t) whole;
		} else {
		    streamPtr->discard = whole - avail;
		    streamPtr->start = streamPtr->end;
		}
		continue;
	    }
	    streamPtr->frameLength = prefix + (size_t) bodyLength + 2;
	}
	if (avail < streamPtr->frameLength) {
	    return 0;
	}
	if (p[streamPtr->frameLength - 2] != 0
		|| p[streamPtr->frameLength - 1] != 0) {
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
