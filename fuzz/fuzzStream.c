/*
 * fuzzStream.c --
 *
 *	libFuzzer harness for the stream reassembler (clusterCodecStream.c). The
 *	input is
 *
 *	    flags | stream bytes ... | control bytes, read from the end
 *
 *	The low two bits of `flags` choose maxFrame (4096, 4096, 200 or 1).
 *	The stream bytes are delivered in chunks, each described by two
 *	control bytes taken from the end of the input (the last byte first),
 *	until data and control meet; when fewer than three bytes are left
 *	they go as one chunk. A control pair (a, b) means: a chunk of
 *	ChunkLength(a) bytes (1 to 512 KB), delivered by b & 3:
 *	    0  ClusterStreamFeed;
 *	    1  ClusterStreamSpace(n), then ClusterStreamCommit(n);
 *	    2  the same asking for (b >> 2) * 8 KB more space than it fills;
 *	    3  as a socket reader: Space(64 KB), at most 64 KB committed.
 *	With modes 0, 1 and 3, b & 4 first detaches the buffer
 *	(ClusterStreamDetach, as a reader does while a packet is still being
 *	handled): the last packet of the previous chunk must stay intact
 *	through the chunk, until the detached buffer is freed.
 *	After each chunk the stream is drained, as its callers must.
 *
 *	The packets must be exactly those a reference finds in the whole of
 *	the stream bytes at once, byte for byte and in order, each as soon as
 *	the bytes that decide it have arrived and not before, whatever the
 *	chunks; the counters must end equal to the reference's and account
 *	for every byte; the buffer must never hold more than maxFrame plus a
 *	frame's overhead and the largest space asked for; no packet may be
 *	larger than maxFrame allows. Every packet is then decoded and
 *	compared with the reference decoder (fuzzCheck.c), the first few of
 *	each input with every check fuzzDecode.c makes.
 *
 *	Build and run it with "make fuzz" (see fuzz/README).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "fuzzInt.h"
#include <stdlib.h>
#include <string.h>

/*
 * The space a socket reader asks for (CONN_READ_CHUNK in clusterNetInt.h).
 */

#define READER_WANT	(64 * 1024)

/*
 * The first packets of each input get every datagram check; the others
 * are only decoded and compared (fuzzDecode.c checks packets in depth).
 */

#define FULL_CHECKS	4

/*
 * One chunk of the delivery plan.
 */

typedef struct Chunk {
    size_t length;		/* Stream bytes in the chunk. */
    int mode;			/* How they are delivered, 0 to 3. */
    size_t want;		/* Space asked for (modes 1 to 3). */
    int detach;			/* Detach the buffer first. */
} Chunk;

/*
 * Where the plan stands: the next stream byte and the control bytes not
 * yet read.
 */

typedef struct Plan {
    const unsigned char *data;	/* The input. */
    size_t next;		/* Next stream byte. */
    size_t controlEnd;		/* One past the last unread control byte. */
} Plan;

/*
 * What the reference finds in the stream bytes.
 */

typedef struct RefFrame {
    size_t offset;		/* Where the packet starts. */
    size_t length;		/* Its length, header to trailer. */
    size_t ready;		/* Stream bytes needed before it can come
				 * out: the furthest byte any decision up to
				 * and including it looked at. */
} RefFrame;

typedef struct RefStream {
    RefFrame *frames;		/* The packets, in order. */
    size_t numFrames;		/* How many. */
    size_t frameBytes;		/* Their total length. */
    uint64_t garbage;		/* As ClusterStream.garbageBytes... */
    uint64_t badTrailers;	/* ... badTrailers... */
    uint64_t badLengths;	/* ... badLengths... */
    uint64_t oversized;		/* ... and oversized. */
    size_t oversizedBytes;	/* Bytes of oversized frames skipped. */
    uint64_t discard;		/* Bytes of one still to skip at the end. */
    size_t buffered;		/* Bytes left waiting at the end. */
} RefStream;

/*
 * Static functions defined in this file.
 */

static size_t		ChunkLength(unsigned selector);
static void		CheckFrame(const unsigned char *packet,
			    size_t length, size_t maxFrame, int all);
static int		NextChunk(Plan *planPtr, Chunk *chunkPtr);
static void		RefAddFrame(RefStream *refPtr, size_t offset,
			    size_t frameLength, size_t horizon,
			    size_t *capacityPtr);
static int		RefSealed(const unsigned char *bytes, size_t length,
			    size_t maxFrame, RefStream *refPtr,
			    size_t *sizePtr);
static void		RefReassemble(const unsigned char *bytes,
			    size_t length, size_t maxFrame,
			    RefStream *refPtr);

/*
 *----------------------------------------------------------------------
 *
 * ChunkLength, NextChunk --
 *
 *	ChunkLength maps a control byte to a chunk length: 00-7F give 1 to
 *	128 bytes, 80-BF 64 B to 4 KB, C0-EF 1 KB to 48 KB, F0-FF 32 KB to
 *	512 KB. NextChunk reads the next chunk of the plan.
 *
 * Results:
 *	ChunkLength: the length. NextChunk: 1 with the chunk stored, 0 when
 *	all the stream bytes are planned.
 *
 * Side effects:
 *	NextChunk advances the plan.
 *
 *----------------------------------------------------------------------
 */

static size_t
ChunkLength(
    unsigned selector)		/* Control byte. */
{
    if (selector < 0x80) {
	return 1 + selector;
    } else if (selector < 0xC0) {
	return (selector - 0x7F) * 64;
    } else if (selector < 0xF0) {
	return (selector - 0xBF) * 1024;
    }
    return (selector - 0xEF) * 32768;
}

static int
NextChunk(
    Plan *planPtr,		/* The plan. */
    Chunk *chunkPtr)		/* Where to store the chunk. */
{
    unsigned a = 0xFF, b = 0;
    size_t left;

    if (planPtr->next >= planPtr->controlEnd) {
	return 0;
    }
    if (planPtr->controlEnd - planPtr->next > 2) {
	a = planPtr->data[--planPtr->controlEnd];
	b = planPtr->data[--planPtr->controlEnd];
    }
    left = planPtr->controlEnd - planPtr->next;
    chunkPtr->length = ChunkLength(a);
    if (chunkPtr->length > left) {
	chunkPtr->length = left;
    }
    chunkPtr->mode = (int) (b & 3);
    chunkPtr->detach = (chunkPtr->mode != 2) && (b & 4);
    switch (chunkPtr->mode) {
    case 2:
	chunkPtr->want = chunkPtr->length + (size_t) (b >> 2) * 8192;
	break;
    case 3:
	chunkPtr->want = READER_WANT;
	if (chunkPtr->length > READER_WANT) {
	    chunkPtr->length = READER_WANT;
	}
	break;
    default:
	chunkPtr->want = chunkPtr->length;
	break;
    }
    planPtr->next += chunkPtr->length;
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * RefReassemble --
 *
 *	The reference reassembler (doc/protocol.md section 1.1), on all the stream
 *	bytes at once: skip to a C0 8D (a C0 at the very end may start
 *	one); a length varint too long drops the header; a frame whose body
 *	exceeds maxFrame is skipped whole; one without a 00 00 trailer is
 *	dropped and the search resumes at the byte after its first; bytes
 *	that might still become a packet wait. Every decision records how
 *	far it looked, which is when an incremental reassembler can make
 *	it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *refPtr; its frames are allocated (free them).
 *
 *----------------------------------------------------------------------
 */

static void
RefReassemble(
    const unsigned char *bytes,	/* The stream bytes. */
    size_t length,		/* How many. */
    size_t maxFrame,		/* Largest body accepted. */
    RefStream *refPtr)		/* Where to store the result. */
{
    size_t pos = 0, horizon = 0, capacity = 0;

    memset(refPtr, 0, sizeof(RefStream));
    while (pos < length) {
	uint64_t bodyLength, whole;
	size_t used, prefix, frameLength;
	int status;

	if (bytes[pos] != 0xC0 && bytes[pos] != 0xC5) {
	    refPtr->garbage++;
	    pos++;
	    continue;
	}
	if (length - pos < 2) {
	    break;
	}
	if (bytes[pos + 1] != (bytes[pos] == 0xC0 ? 0x8D : 0x1E)) {
	    refPtr->garbage++;
	    pos++;
	    continue;
	}
	if (bytes[pos] == 0xC5) {
	    size_t skip = 0;

	    if (length - pos >= 10 && horizon < pos + 10) {
		horizon = pos + 10;
	    }
	    status = RefSealed(bytes + pos, length - pos, maxFrame, refPtr,
		    &skip);
	    if (status == 0) {
		break;
	    } else if (status > 0) {
		pos += skip;
		continue;
	    }
	    frameLength = skip;
	    if (horizon < pos + frameLength) {
		horizon = pos + frameLength;
	    }
	    RefAddFrame(refPtr, pos, frameLength, horizon, &capacity);
	    pos += frameLength;
	    continue;
	}
	status = FuzzVarintRead(bytes + pos + 2, length - pos - 2,
		&bodyLength, &used);
	if (status == CLUSTER_VARINT_SHORT) {
	    break;
	}
	if (status == CLUSTER_VARINT_LONG) {
	    if (horizon < pos + 2 + CLUSTER_VARINT_MAX) {
		horizon = pos + 2 + CLUSTER_VARINT_MAX;
	    }
	    refPtr->badLengths++;
	    refPtr->garbage += 2;
	    pos += 2;
	    continue;
	}
	prefix = 2 + used;
	if (horizon < pos + prefix) {
	    horizon = pos + prefix;
	}
	if (bodyLength > maxFrame) {
	    refPtr->oversized++;
	    whole = (bodyLength > UINT64_MAX - prefix - 2) ? UINT64_MAX
		    : bodyLength + prefix + 2;
	    if (whole <= length - pos) {
		refPtr->oversizedBytes += (size_t) whole;
		pos += (size_t) whole;
	    } else {
		refPtr->oversizedBytes += length - pos;
		refPtr->discard = whole - (length - pos);
		pos = length;
	    }
	    continue;
	}
	frameLength = prefix + (size_t) bodyLength + 2;
	if (length - pos < frameLength) {
	    break;
	}
	if (horizon < pos + frameLength) {
	    horizon = pos + frameLength;
	}
	if (bytes[pos + frameLength - 2] != 0
		|| bytes[pos + frameLength - 1] != 0) {
	    refPtr->badTrailers++;
	    refPtr->garbage++;
	    pos++;
	    continue;
	}
	RefAddFrame(refPtr, pos, frameLength, horizon, &capacity);
	pos += frameLength;
    }
    refPtr->buffered = length - pos;
}

/*
 *----------------------------------------------------------------------
 *
 * RefSealed --
 *
 *	The reference for a sealed frame (C5 1E, doc/protocol.md section
 *	10) at the start of bytes: its ten-byte prefix holds the length N
 *	of what follows the 24-byte nonce, big-endian at offset 6; a
 *	frame with N below the smallest sealed packet drops its first
 *	byte; one with N beyond maxFrame and the sealing overhead is
 *	skipped whole; a sealed frame has no trailer.
 *
 * Results:
 *	0: more bytes are needed. 1: *sizePtr bytes were skipped (and
 *	counted). -1: a whole frame of *sizePtr bytes is there.
 *
 * Side effects:
 *	Counters of *refPtr.
 *
 *----------------------------------------------------------------------
 */

static int
RefSealed(
    const unsigned char *bytes,	/* From the frame's first byte. */
    size_t length,		/* Bytes from there. */
    size_t maxFrame,		/* Largest body accepted. */
    RefStream *refPtr,		/* Counters. */
    size_t *sizePtr)		/* Out: bytes skipped, or the frame's
				 * length. */
{
    uint64_t n, whole;

    if (length < 10) {
	return 0;
    }
    n = ((uint64_t) bytes[6] << 24) | ((uint64_t) bytes[7] << 16)
	    | ((uint64_t) bytes[8] << 8) | bytes[9];
    if (n < 28 + 16 + 5) {
	refPtr->badLengths++;
	refPtr->garbage++;
	*sizePtr = 1;
	return 1;
    }
    whole = n + 34;
    if (n > maxFrame + CLUSTER_FRAME_OVERHEAD + 28 + 16) {
	refPtr->oversized++;
	if (whole <= length) {
	    refPtr->oversizedBytes += (size_t) whole;
	    *sizePtr = (size_t) whole;
	} else {
	    refPtr->oversizedBytes += length;
	    refPtr->discard = whole - length;
	    *sizePtr = length;
	}
	return 1;
    }
    if (length < whole) {
	return 0;
    }
    *sizePtr = (size_t) whole;
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * RefAddFrame --
 *
 *	Record a frame the reference found.
 *
 *----------------------------------------------------------------------
 */

static void
RefAddFrame(
    RefStream *refPtr,		/* Where to record it. */
    size_t offset,		/* Its offset in the stream bytes. */
    size_t frameLength,		/* Its length. */
    size_t horizon,		/* Bytes needed to decide it. */
    size_t *capacityPtr)	/* Room in refPtr->frames. */
{
    if (refPtr->numFrames == *capacityPtr) {
	*capacityPtr = *capacityPtr ? 2 * *capacityPtr : 64;
	refPtr->frames = realloc(refPtr->frames,
		*capacityPtr * sizeof(RefFrame));
	FUZZ_CHECK(refPtr->frames != NULL);
    }
    refPtr->frames[refPtr->numFrames].offset = offset;
    refPtr->frames[refPtr->numFrames].length = frameLength;
    refPtr->frames[refPtr->numFrames].ready = horizon;
    refPtr->numFrames++;
    refPtr->frameBytes += frameLength;
}

/*
 *----------------------------------------------------------------------
 *
 * CheckFrame --
 *
 *	A packet out of the stream is framed right (whatever its body) and
 *	within maxFrame; then it is checked as a datagram is.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a violation.
 *
 *----------------------------------------------------------------------
 */

static void
CheckFrame(
    const unsigned char *packet,	/* The packet. */
    size_t length,			/* Its length. */
    size_t maxFrame,			/* The stream's maxFrame. */
    int all)				/* Every datagram check, or only
					 * the decodes (FuzzCheckPacket). */
{
    ClusterPacketView view;
    ClusterCodecError error;
    uint64_t bodyLength;
    size_t used;

    if (packet[0] == CLUSTER_SEAL_0) {
	/*
	 * A sealed frame: whole, within its bound; its contents are for
	 * ClusterOpen (fuzzSeal.c).
	 */

	FUZZ_CHECK(length >= CLUSTER_SEAL_OVERHEAD + 5
		&& length <= maxFrame + CLUSTER_STREAM_OVERHEAD);
	FUZZ_CHECK(packet[1] == CLUSTER_SEAL_1);
	FUZZ_CHECK((((size_t) packet[6] << 24) | ((size_t) packet[7] << 16)
		| ((size_t) packet[8] << 8) | packet[9])
		== length - CLUSTER_SEAL_PREFIX);
	return;
    }
    FUZZ_CHECK(length >= 5 && length <= maxFrame + CLUSTER_FRAME_OVERHEAD);
    FUZZ_CHECK(FuzzVarintRead(packet + 2, length - 2, &bodyLength, &used)
	    == CLUSTER_VARINT_OK);
    FUZZ_CHECK(bodyLength <= maxFrame);
    if (ClusterDecodePacket(packet, length, NULL, &view, &error)
	    == CLUSTER_DECODE_ERROR) {
	FUZZ_CHECK(strcmp(error.code, "BAD_HEADER") != 0);
	FUZZ_CHECK(strcmp(error.code, "TRUNCATED") != 0);
	FUZZ_CHECK(strcmp(error.code, "LENGTH_MISMATCH") != 0);
	FUZZ_CHECK(strcmp(error.code, "BAD_TRAILER") != 0);
	FUZZ_CHECK(error.offset >= 2 + used);
    }
    FuzzCheckPacket(packet, length, all);
}

/*
 *----------------------------------------------------------------------
 *
 * LLVMFuzzerTestOneInput --
 *
 *	Plan the chunks, find the packets with the reference, then feed the
 *	chunks to a stream and check it after each.
 *
 * Results:
 *	0 (libFuzzer's "keep going").
 *
 * Side effects:
 *	Aborts when a check fails.
 *
 *----------------------------------------------------------------------
 */

int
LLVMFuzzerTestOneInput(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    static const size_t maxFrames[4] = {4096, 4096, 200, 1};
    size_t maxFrame, begin = 1, fed = 0, maxWant = 0, yielded = 0;
    size_t yieldedBytes = 0, streamLength;
    uint64_t garbage = 0, badTrailers = 0, badLengths = 0, oversized = 0;
    const unsigned char *stream, *held = NULL;
    size_t heldOffset = 0, heldLength = 0;
    int heldDetached = 0;	/* held points into the detached buffer. */
    ClusterStream s;
    RefStream ref;
    Chunk chunk;
    Plan plan;

    if (size == 0) {
	return 0;
    }
    maxFrame = maxFrames[data[0] & 3];
    plan.data = data;
    plan.next = begin;
    plan.controlEnd = size;
    while (NextChunk(&plan, &chunk)) {
	/* Find where the stream bytes end. */
    }
    stream = data + begin;
    streamLength = plan.next - begin;
    RefReassemble(stream, streamLength, maxFrame, &ref);

    ClusterStreamInit(&s, maxFrame);
    FUZZ_CHECK(s.maxFrame == maxFrame && ClusterStreamBuffered(&s) == 0);
    plan.next = begin;
    plan.controlEnd = size;
    while (NextChunk(&plan, &chunk)) {
	const unsigned char *piece = data + plan.next - chunk.length;
	const unsigned char *packet;
	size_t length;
	void *detached = NULL;

	if (chunk.detach) {
	    detached = ClusterStreamDetach(&s);
	    heldDetached = (held != NULL);
	} else {
	    held = NULL;	/* The chunk may move what it points into. */
	}
	if (chunk.mode == 0) {
	    ClusterStreamFeed(&s, piece, chunk.length);
	} else {
	    unsigned char *space = ClusterStreamSpace(&s, chunk.want);

	    FUZZ_CHECK(space != NULL && space >= s.buffer
		    && s.capacity >= chunk.want
		    && (size_t) (space - s.buffer)
			<= s.capacity - chunk.want);
	    memcpy(space, piece, chunk.length);

	    /*
	     * Scribble on the rest of the space: it must be there, and
	     * must not be taken for received bytes.
	     */

	    if (chunk.want > chunk.length) {
		size_t rest = chunk.want - chunk.length;

		memset(space + chunk.length, 0xC0, rest < 4096 ? rest : 4096);
		space[chunk.want - 1] = 0x8D;
	    }
	    ClusterStreamCommit(&s, chunk.length);
	}
	if (held != NULL) {
	    FUZZ_CHECK(memcmp(held, stream + heldOffset, heldLength) == 0);
	}
	fed += chunk.length;
	if (maxWant < chunk.want) {
	    maxWant = chunk.want;
	}

	while (ClusterStreamNext(&s, &packet, &length)) {
	    const RefFrame *framePtr;

	    FUZZ_CHECK(yielded < ref.numFrames);
	    framePtr = &ref.frames[yielded];
	    FUZZ_CHECK(framePtr->ready <= fed);
	    FUZZ_CHECK(length == framePtr->length);
	    FUZZ_CHECK(memcmp(packet, stream + framePtr->offset,
		    length) == 0);
	    CheckFrame(packet, length, maxFrame, yielded < FULL_CHECKS);
	    held = packet;
	    heldDetached = 0;
	    heldOffset = framePtr->offset;
	    heldLength = length;
	    yielded++;
	    yieldedBytes += length;
	}
	if (held != NULL) {
	    FUZZ_CHECK(memcmp(held, stream + heldOffset, heldLength) == 0);
	}
	ClusterStreamFreeDetached(detached);
	if (heldDetached) {
	    held = NULL;	/* It was in the buffer just freed. */
	    heldDetached = 0;
	}

	/*
	 * Every packet whose bytes are all in has come out, and no other.
	 */

	FUZZ_CHECK(yielded == ref.numFrames
		|| ref.frames[yielded].ready > fed);
	FUZZ_CHECK(s.frames == yielded);

	/*
	 * Bounded memory, and counters that only grow and account for
	 * every byte fed.
	 */

	FUZZ_CHECK(s.start <= s.end && s.end <= s.capacity);
	FUZZ_CHECK(s.capacity <= maxFrame + CLUSTER_STREAM_OVERHEAD + maxWant);
	FUZZ_CHECK(ClusterStreamBuffered(&s) < maxFrame
		+ CLUSTER_STREAM_OVERHEAD);
	FUZZ_CHECK(s.frameLength <= maxFrame + CLUSTER_STREAM_OVERHEAD);
	FUZZ_CHECK(s.frameLength == 0
		|| ClusterStreamBuffered(&s) < s.frameLength);
	FUZZ_CHECK(s.garbageBytes >= garbage && s.badTrailers >= badTrailers
		&& s.badLengths >= badLengths && s.oversized >= oversized);
	garbage = s.garbageBytes;
	badTrailers = s.badTrailers;
	badLengths = s.badLengths;
	oversized = s.oversized;
	FUZZ_CHECK(garbage <= fed - yieldedBytes - ClusterStreamBuffered(&s));
	if (oversized == 0) {
	    FUZZ_CHECK(garbage == fed - yieldedBytes
		    - ClusterStreamBuffered(&s));
	}
    }

    /*
     * The end: the reference's packets, counters and leftovers.
     */

    FUZZ_CHECK(fed == streamLength && yielded == ref.numFrames);
    FUZZ_CHECK(s.garbageBytes == ref.garbage);
    FUZZ_CHECK(s.badTrailers == ref.badTrailers);
    FUZZ_CHECK(s.badLengths == ref.badLengths);
    FUZZ_CHECK(s.oversized == ref.oversized);
    FUZZ_CHECK(ClusterStreamBuffered(&s) == ref.buffered);
    FUZZ_CHECK(fed == yieldedBytes + s.garbageBytes + ref.oversizedBytes
	    + ClusterStreamBuffered(&s));
    if (ref.discard < (UINT64_C(1) << 62)) {
	FUZZ_CHECK(s.discard == ref.discard);
    } else {
	FUZZ_CHECK(s.discard >= (UINT64_C(1) << 62));
    }

    ClusterStreamFree(&s);
    FUZZ_CHECK(s.buffer == NULL && ClusterStreamBuffered(&s) == 0);
    free(ref.frames);
    return 0;
}
