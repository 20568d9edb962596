/*
 * fuzzSeal.c --
 *
 *	libFuzzer harness for sealed frames (clusterCodecSeal.c) and the
 *	replay window (clusterCodecReplay.c). The first byte of the input
 *	chooses what the rest is:
 *
 *	  0  a frame from the network, opened with two fixed keys: whatever
 *	     it holds, ClusterOpen must not crash, must say PLAIN for what
 *	     does not start C5 1E, and may only open what is consistent;
 *	  1  a packet (after two control bytes a, b) sealed with one of the
 *	     keys (a & 1), as sender/lane/seq/ms taken from the input: it
 *	     must open, with either key set holding that key, to the same
 *	     packet and header, also when sealed for old members (then
 *	     with no C0 8D in it); then one byte of the frame is changed
 *	     (position from b, xor mask from a), and it must not open; cut
 *	     short by a byte, it must not open; under the other key alone,
 *	     it must not open;
 *	  2  a series of frame headers fed to a replay state (born half a
 *	     window ago when the first byte's top bit is set), 4 bytes each
 *	     (sender and lane, seq low, seq high, ms offset), checked
 *	     against a plain model: no header is ever accepted twice (a
 *	     replay repeats the whole header, ms included: it is sealed),
 *	     and while no lane was forgotten, exactly the new, fresh ones
 *	     within the window are.
 *
 *	Build and run it with "make fuzz" (see fuzz/README).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "fuzzInt.h"
#include <stdlib.h>
#include <string.h>

#define NOW_MS		((int64_t) 1800000000000)
#define WINDOW_MS	1000
#define MODEL_MAX	4096	/* Headers the model remembers. */

static void		FuzzOpen(const ClusterKey *keys,
			    const unsigned char *data, size_t size);
static void		FuzzRoundTrip(const ClusterKey *keys,
			    const unsigned char *data, size_t size);
static void		FuzzReplay(const unsigned char *data, size_t size);

/*
 *----------------------------------------------------------------------
 *
 * LLVMFuzzerTestOneInput --
 *
 *	Make the two fixed keys, then run the mode the input chooses.
 *
 *----------------------------------------------------------------------
 */

int
LLVMFuzzerTestOneInput(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    static ClusterKey keys[2];
    static int ready = 0;

    if (!ready) {
	unsigned char bytes[CLUSTER_KEY_BYTES];

	FUZZ_CHECK(ClusterSealInit() == 0);
	memset(bytes, 0x11, sizeof(bytes));
	ClusterKeyFromBytes(&keys[0], bytes);
	memset(bytes, 0x22, sizeof(bytes));
	ClusterKeyFromBytes(&keys[1], bytes);
	FUZZ_CHECK(memcmp(keys[0].id, keys[1].id, CLUSTER_KEY_ID_BYTES));
	ready = 1;
    }
    if (size == 0) {
	return 0;
    }
    switch (data[0] % 3) {
    case 0:
	FuzzOpen(keys, data + 1, size - 1);
	break;
    case 1:
	FuzzRoundTrip(keys, data + 1, size - 1);
	break;
    default:
	FuzzReplay(data + 1, size - 1);
	break;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzOpen --
 *
 *	Mode 0: hostile bytes as a frame.
 *
 *----------------------------------------------------------------------
 */

static void
FuzzOpen(
    const ClusterKey *keys,
    const unsigned char *data,
    size_t size)
{
    unsigned char *out = malloc(size + 1);
    size_t outLength = 0;
    ClusterSealInfo info;
    ClusterOpenResult result;

    FUZZ_CHECK(out != NULL);
    result = ClusterOpen(keys, 2, data, size, out, &outLength, &info);
    if (size < 2 || data[0] != CLUSTER_SEAL_0 || data[1] != CLUSTER_SEAL_1) {
	FUZZ_CHECK(result == CLUSTER_OPEN_PLAIN);
    } else if (size < CLUSTER_SEAL_OVERHEAD) {
	FUZZ_CHECK(result == CLUSTER_OPEN_MALFORMED);
    } else if (result == CLUSTER_OPEN_OK) {
	FUZZ_CHECK(outLength == size - CLUSTER_SEAL_OVERHEAD);
    }
    free(out);
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzRoundTrip --
 *
 *	Mode 1: seal, open, tamper.
 *
 *----------------------------------------------------------------------
 */

static void
FuzzRoundTrip(
    const ClusterKey *keys,
    const unsigned char *data,
    size_t size)
{
    const unsigned char *packet = data + 2;
    size_t length, sealedLength, outLength = 0, at;
    unsigned char *frame, *out;
    ClusterSealInfo info, opened;
    int k;

    if (size < 2) {
	return;
    }
    length = size - 2;
    k = data[0] & 1;
    info.sender = 0x0102030405060708u * (uint64_t) (data[1] + 1);
    info.lane = (uint32_t) data[0] << 8 | data[1];
    info.seq = (uint64_t) data[1] + 1;
    info.ms = NOW_MS - data[0];

    sealedLength = ClusterSealedLength(length);
    FUZZ_CHECK(sealedLength == length + CLUSTER_SEAL_OVERHEAD);
    frame = malloc(sealedLength);
    out = malloc(sealedLength);
    FUZZ_CHECK(frame != NULL && out != NULL);
    ClusterSeal(&keys[k], &info, packet, length, frame);
    FUZZ_CHECK(frame[0] == CLUSTER_SEAL_0 && frame[1] == CLUSTER_SEAL_1);

    FUZZ_CHECK(ClusterOpen(keys, 2, frame, sealedLength, out, &outLength,
	    &opened) == CLUSTER_OPEN_OK);
    FUZZ_CHECK(outLength == length && memcmp(out, packet, length) == 0);
    FUZZ_CHECK(opened.sender == info.sender && opened.lane == info.lane
	    && opened.seq == info.seq && opened.ms == info.ms);
    FUZZ_CHECK(ClusterOpen(keys + k, 1, frame, sealedLength, out,
	    &outLength, &opened) == CLUSTER_OPEN_OK);
    FUZZ_CHECK(ClusterOpen(keys + 1 - k, 1, frame, sealedLength, out,
	    &outLength, &opened) == CLUSTER_OPEN_NO_KEY);
    FUZZ_CHECK(ClusterOpen(keys, 2, frame, sealedLength - 1, out,
	    &outLength, &opened) == CLUSTER_OPEN_MALFORMED);

    /*
     * Sealed for old members: no C0 8D anywhere, and it still opens.
     */

    if (ClusterSealForOld(&keys[k], &info, packet, length, frame, 64)
	    <= 64) {
	for (at = 0; at + 1 < sealedLength; at++) {
	    FUZZ_CHECK(frame[at] != CLUSTER_HEADER_0
		    || frame[at + 1] != CLUSTER_HEADER_1);
	}
    }
    FUZZ_CHECK(ClusterOpen(keys, 2, frame, sealedLength, out, &outLength,
	    &opened) == CLUSTER_OPEN_OK);
    FUZZ_CHECK(outLength == length && memcmp(out, packet, length) == 0);

    at = ((size_t) data[1] * 131 + length) % sealedLength;
    frame[at] ^= (unsigned char) (data[0] | 1);
    FUZZ_CHECK(ClusterOpen(keys, 2, frame, sealedLength, out, &outLength,
	    &opened) != CLUSTER_OPEN_OK);
    free(frame);
    free(out);
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzReplay --
 *
 *	Mode 2: the replay window against a model that remembers every
 *	header it accepted and the highest seq of each lane.
 *
 *----------------------------------------------------------------------
 */

typedef struct ModelHeader {
    uint64_t sender;
    uint32_t lane;
    uint64_t seq;
    int64_t ms;
} ModelHeader;

static void
FuzzReplay(
    const unsigned char *data,
    size_t size)
{
    static ModelHeader accepted[MODEL_MAX];
    uint64_t highest[4][4];
    int known[4][4];
    int numAccepted = 0, maxLanes, i, replayed;
    int64_t since;
    ClusterReplay *replayPtr;
    size_t pos;

    if (size < 1) {
	return;
    }
    maxLanes = 1 + data[0] % 8;
    since = (data[0] & 0x80) ? NOW_MS - WINDOW_MS / 2 : INT64_MIN;
    replayPtr = ClusterReplayCreate(maxLanes, WINDOW_MS, since);
    memset(highest, 0, sizeof(highest));
    memset(known, 0, sizeof(known));
    for (pos = 1; pos + 4 <= size && numAccepted < MODEL_MAX; pos += 4) {
	ClusterSealInfo info;
	ClusterReplayResult result;
	int s = data[pos] & 3, l = (data[pos] >> 2) & 3, seen = 0, expect;
	int fresh;

	info.sender = (uint64_t) s * 0x9E3779B97F4A7C15u + 1;
	info.lane = (uint32_t) l;
	info.seq = (uint64_t) data[pos + 1] | (uint64_t) data[pos + 2] << 8;
	if (data[pos] & 0x10) {
	    info.seq <<= 4;
	}
	info.ms = NOW_MS + ((int64_t) (signed char) data[pos + 3]) * 10;
	fresh = info.ms >= NOW_MS - WINDOW_MS
		&& info.ms <= NOW_MS + WINDOW_MS && info.ms > since;
	replayed = 0;
	for (i = 0; i < numAccepted; i++) {
	    if (accepted[i].sender == info.sender
		    && accepted[i].lane == info.lane
		    && accepted[i].seq == info.seq) {
		seen = 1;
		replayed = (accepted[i].ms == info.ms);
		break;
	    }
	}
	result = ClusterReplayCheck(replayPtr, &info, NOW_MS);
	FUZZ_CHECK(!replayed || result != CLUSTER_REPLAY_OK);
	FUZZ_CHECK(fresh || result != CLUSTER_REPLAY_OK);
	if (ClusterReplayEvicted(replayPtr) == 0) {
	    expect = fresh && !seen && info.seq != 0 && (!known[s][l]
		    || info.seq + CLUSTER_REPLAY_WINDOW > highest[s][l]);
	    FUZZ_CHECK(expect == (result == CLUSTER_REPLAY_OK));
	}
	FUZZ_CHECK(ClusterReplayLanes(replayPtr) <= maxLanes);
	if (result == CLUSTER_REPLAY_OK) {
	    accepted[numAccepted].sender = info.sender;
	    accepted[numAccepted].lane = info.lane;
	    accepted[numAccepted].seq = info.seq;
	    accepted[numAccepted].ms = info.ms;
	    numAccepted++;
	    if (!known[s][l] || info.seq > highest[s][l]) {
		highest[s][l] = info.seq;
	    }
	    known[s][l] = 1;
	}
    }
    ClusterReplayFree(replayPtr);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
