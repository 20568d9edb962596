/*
 * clusterCodec.h --
 *
 *	The bpacket wire format: varints, typed fields, framing, strict
 *	UTF-8 and stream reassembly (clusterCodec.c, clusterCodecDecode.c,
 *	clusterCodecUtf8.c, clusterCodecStream.c). Pure C: nothing here knows of
 *	interpreters, sockets or clocks, so the codec can be fuzzed and
 *	benchmarked on its own.
 *
 *	A packet is  C0 8D | varint(N) | body (N bytes) | 00 00  and a body is
 *	a sequence of  varint(field id) value  pairs (doc/protocol.md section 1).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERCODEC_H
#define _CLUSTERCODEC_H

#include <stddef.h>
#include <stdint.h>

#define CLUSTER_HEADER_0	0xC0
#define CLUSTER_HEADER_1	0x8D
#define CLUSTER_VARINT_MAX	10	/* Bytes in the longest varint. */
#define CLUSTER_FRAME_PREFIX	(2 + CLUSTER_VARINT_MAX)
#define CLUSTER_FRAME_OVERHEAD	(CLUSTER_FRAME_PREFIX + 2)
#define CLUSTER_MAX_FIELDS	64	/* Fields one packet may hold. */
#define CLUSTER_DEFAULT_MAX_FRAME (16u * 1024u * 1024u)

/*
 * Field types and the cluster payload template (doc/protocol.md section 1.4).
 */

typedef enum ClusterFieldType {
    CLUSTER_T_VARINT,
    CLUSTER_T_STRING,
    CLUSTER_T_LIST,
    CLUSTER_T_BOOLEAN,
    CLUSTER_T_RAW
} ClusterFieldType;

typedef enum ClusterFieldId {
    CLUSTER_F_NONE = 0,
    CLUSTER_F_TYPE = 1,
    CLUSTER_F_CHANNEL = 2,
    CLUSTER_F_HID = 3,
    CLUSTER_F_SID = 4,
    CLUSTER_F_KNOWN = 5,
    CLUSTER_F_TIMESTAMP = 6,
    CLUSTER_F_PROTOCOLS = 7,
    CLUSTER_F_RUID = 8,
    CLUSTER_F_OP = 9,
    CLUSTER_F_DATA = 10,
    CLUSTER_F_RAW = 11,
    CLUSTER_F_TAGS = 12,
    CLUSTER_F_KEEPALIVE = 13,
    CLUSTER_F_FILTER = 14,
    CLUSTER_F_ERROR = 15,
    CLUSTER_F_COUNT = 16		/* One past the largest id. */
} ClusterFieldId;

typedef struct ClusterFieldInfo {
    const char *name;		/* Key in the payload dict. */
    ClusterFieldType type;	/* How the value is encoded. */
} ClusterFieldInfo;

extern const ClusterFieldInfo clusterFieldInfo[CLUSTER_F_COUNT];

/*
 * A growable byte buffer. Encoders append to it; a packet is built with
 * its body starting at CLUSTER_FRAME_PREFIX so that the length prefix can
 * be written in front of it afterwards without moving the body.
 */

typedef struct ClusterBuf {
    unsigned char *bytes;	/* Storage, or NULL while empty. */
    size_t length;		/* Bytes in use. */
    size_t capacity;		/* Bytes allocated. */
} ClusterBuf;

/*
 * What went wrong while decoding, and where. `code` is the third element
 * of the Tcl errorcode {CLUSTER DECODE code}.
 */

typedef struct ClusterCodecError {
    const char *code;		/* Static string, e.g. "TRUNCATED". */
    size_t offset;		/* Byte offset in the packet or body. */
    char message[160];		/* Human-readable explanation. */
} ClusterCodecError;

/*
 * One decoded field. Values point into the decoded bytes: a view is only
 * valid while those bytes are.
 */

typedef struct ClusterField {
    ClusterFieldId id;		/* Which field. */
    uint64_t number;		/* Value of a varint or boolean field;
				 * element count of a list field; for a
				 * string, its ClusterUtf8Valid flags. */
    const unsigned char *bytes;	/* String/raw: the value's bytes. List: the
				 * first element's length prefix. */
    size_t length;		/* String/raw: bytes in the value. List:
				 * bytes spanned by all its elements. */
} ClusterField;

typedef struct ClusterPacketView {
    int numFields;		/* Fields in wire order. */
    ClusterField fields[CLUSTER_MAX_FIELDS];
} ClusterPacketView;

/*
 * Who is decoding: used to stop early on one's own multicast echo and on a
 * filter that names none of one's sid, hid or tags.
 */

typedef struct ClusterBytes {
    const unsigned char *bytes;
    size_t length;
} ClusterBytes;

typedef struct ClusterIdentity {
    ClusterBytes sid;		/* Own sid; length 0 disables the check. */
    ClusterBytes hid;		/* Own hid. */
    const ClusterBytes *tags;	/* Own tags. */
    int numTags;		/* How many; < 0 disables the filter
				 * check (only the sid check remains). */
} ClusterIdentity;

typedef enum ClusterVerdict {
    CLUSTER_DECODE_OK,		/* The whole packet was decoded. */
    CLUSTER_DECODE_SELF,	/* Stopped: it carries our own sid. */
    CLUSTER_DECODE_FILTERED,	/* Stopped: its filter does not name us. */
    CLUSTER_DECODE_ERROR	/* Malformed; see the ClusterCodecError. */
} ClusterVerdict;

/*
 * Buffers (clusterCodec.c, like the varints and the encoding).
 */

void		ClusterBufInit(ClusterBuf *bufPtr);
void		ClusterBufFree(ClusterBuf *bufPtr);
unsigned char *	ClusterBufReserve(ClusterBuf *bufPtr, size_t extra);

/*
 * Varints.
 */

size_t		ClusterVarintSize(uint64_t value);
size_t		ClusterVarintWrite(unsigned char *dst, uint64_t value);
int		ClusterVarintRead(const unsigned char *src, size_t length,
		    uint64_t *valuePtr, size_t *usedPtr);
#define CLUSTER_VARINT_OK	 0
#define CLUSTER_VARINT_SHORT	-1	/* Ran past the end of the input. */
#define CLUSTER_VARINT_LONG	-2	/* Over 10 bytes, or over 2^64-1. */

/*
 * Encoding. Call ClusterPacketBegin, append fields, then ClusterPacketEnd,
 * which returns where the finished packet starts inside the buffer.
 */

void		ClusterPacketBegin(ClusterBuf *bufPtr);
void		ClusterPutVarintField(ClusterBuf *bufPtr, ClusterFieldId id,
		    uint64_t value);
void		ClusterPutBytesField(ClusterBuf *bufPtr, ClusterFieldId id,
		    const unsigned char *bytes, size_t length);
void		ClusterPutBooleanField(ClusterBuf *bufPtr, ClusterFieldId id,
		    int value);
void		ClusterPutListHeader(ClusterBuf *bufPtr, ClusterFieldId id,
		    size_t count);
void		ClusterPutListElement(ClusterBuf *bufPtr,
		    const unsigned char *bytes, size_t length);
size_t		ClusterPacketEnd(ClusterBuf *bufPtr, size_t *lengthPtr);

/*
 * Decoding (clusterCodecDecode.c).
 */

ClusterVerdict	ClusterDecodePacket(const unsigned char *packet,
		    size_t length, const ClusterIdentity *selfPtr,
		    ClusterPacketView *viewPtr, ClusterCodecError *errPtr);
ClusterVerdict	ClusterDecodeBody(const unsigned char *body, size_t length,
		    const ClusterIdentity *selfPtr, ClusterPacketView *viewPtr,
		    ClusterCodecError *errPtr);
ClusterVerdict	ClusterViewVerdict(const ClusterPacketView *viewPtr,
		    const ClusterIdentity *selfPtr);
int		ClusterListNext(const unsigned char **cursorPtr,
		    const unsigned char *end, ClusterBytes *elementPtr);

/*
 * Strict UTF-8 (clusterCodecUtf8.c).
 */

int		ClusterUtf8Valid(const unsigned char *bytes, size_t length);
#define CLUSTER_UTF8_VALID	1	/* Valid (the result is 0 if not). */
#define CLUSTER_UTF8_SPECIAL	2	/* Holds a NUL or a 4-byte sequence,
					 * whose Tcl form differs. */
void		ClusterUtf8Append(unsigned char *dst, size_t *lengthPtr,
		    unsigned ch);

/*
 * Stream reassembly for TCP and unix streams: bytes in, whole packets out
 * (clusterCodecStream.c).
 */

typedef struct ClusterStream {
    unsigned char *buffer;	/* Bytes received and not yet consumed. */
    size_t start;		/* Offset of the first unconsumed byte. */
    size_t end;			/* Offset one past the last byte. */
    size_t capacity;		/* Bytes allocated for buffer. */
    size_t maxFrame;		/* Largest body accepted; larger frames are
				 * skipped without being buffered. */
    uint64_t discard;		/* Bytes of an oversized frame still to
				 * skip. */
    size_t frameLength;		/* Whole length of the frame at start once
				 * its prefix has been read, else 0. */
    int frameSealed;		/* That frame is sealed (no trailer). */
    uint64_t garbageBytes;	/* Bytes skipped looking for a header. */
    uint64_t badTrailers;	/* Frames dropped for a bad trailer. */
    uint64_t badLengths;	/* Headers dropped for a malformed length. */
    uint64_t oversized;		/* Frames skipped for exceeding maxFrame. */
    uint64_t frames;		/* Whole packets handed out. */
} ClusterStream;

void		ClusterStreamInit(ClusterStream *streamPtr, size_t maxFrame);
void		ClusterStreamFree(ClusterStream *streamPtr);
unsigned char *	ClusterStreamSpace(ClusterStream *streamPtr, size_t want);
void		ClusterStreamCommit(ClusterStream *streamPtr, size_t count);
void *		ClusterStreamDetach(ClusterStream *streamPtr);
void		ClusterStreamFreeDetached(void *buffer);
void		ClusterStreamFeed(ClusterStream *streamPtr,
		    const unsigned char *bytes, size_t length);
int		ClusterStreamNext(ClusterStream *streamPtr,
		    const unsigned char **packetPtr, size_t *lengthPtr);
size_t		ClusterStreamBuffered(const ClusterStream *streamPtr);

/*
 * Sealed frames (clusterCodecSeal.c; doc/protocol.md section 10): with
 * keys, every packet travels inside one of these, on every transport.
 *
 *   0  C5 1E          magic (never C0 8D: the old package drops it)
 *   2  key id         4 bytes: which key sealed it (a hash of the key)
 *   6  N              4 bytes, big-endian: ciphertext length, tag included
 *  10  nonce          24 random bytes
 *  34  ciphertext     N bytes: XChaCha20-Poly1305 (libsodium) of
 *                       sender (8) lane (4) seq (8) ms (8) packet
 *                     with bytes 0-9 as associated data.
 *
 * A datagram holds exactly one sealed frame; on a stream, sealed frames
 * and plain packets may follow each other (ClusterStream finds both).
 */

#define CLUSTER_SEAL_0		0xC5
#define CLUSTER_SEAL_1		0x1E
#define CLUSTER_KEY_BYTES	32	/* A key. */
#define CLUSTER_KEY_ID_BYTES	4	/* A key's id in a frame. */
#define CLUSTER_SEAL_PREFIX	34	/* Magic, key id, N, nonce. */
#define CLUSTER_SEAL_INNER	28	/* Sender, lane, seq, ms. */
#define CLUSTER_SEAL_TAG	16	/* Poly1305 tag. */
#define CLUSTER_SEAL_OVERHEAD	(CLUSTER_SEAL_PREFIX + CLUSTER_SEAL_INNER \
				+ CLUSTER_SEAL_TAG)

/*
 * The most a whole frame on a stream exceeds its body by: a sealed frame
 * around a packet whose body is maxFrame bytes.
 */

#define CLUSTER_STREAM_OVERHEAD	(CLUSTER_FRAME_OVERHEAD + CLUSTER_SEAL_OVERHEAD)

typedef struct ClusterKey {
    unsigned char bytes[CLUSTER_KEY_BYTES];
    unsigned char id[CLUSTER_KEY_ID_BYTES];	/* From the bytes. */
} ClusterKey;

/*
 * The authenticated header inside a sealed frame: who sealed it, on which
 * of its lanes (an independent sequence: 0 for multicast, one per service
 * it streams to), its number on that lane, and when (ms since the epoch).
 */

typedef struct ClusterSealInfo {
    uint64_t sender;		/* Random per cluster object. */
    uint32_t lane;
    uint64_t seq;		/* Starts at 1 on every lane. */
    int64_t ms;
} ClusterSealInfo;

typedef enum ClusterOpenResult {
    CLUSTER_OPEN_OK,		/* Opened: plaintext and info filled. */
    CLUSTER_OPEN_PLAIN,		/* Not a sealed frame (starts C0 8D ...). */
    CLUSTER_OPEN_MALFORMED,	/* Sealed magic, but the framing is wrong. */
    CLUSTER_OPEN_NO_KEY,	/* No key of ours has its key id. */
    CLUSTER_OPEN_FORGED		/* The key's id matched; it did not open. */
} ClusterOpenResult;

int		ClusterSealInit(void);	/* sodium_init; 0 on success. */
void		ClusterKeyFromBytes(ClusterKey *keyPtr,
		    const unsigned char bytes[CLUSTER_KEY_BYTES]);
void		ClusterKeyGenerate(ClusterKey *keyPtr);
int		ClusterKeyFromBase64(ClusterKey *keyPtr, const char *text,
		    size_t length);	/* 0 ok, -1 not 32 bytes of base64. */
void		ClusterKeyToBase64(const ClusterKey *keyPtr,
		    char out[48]);	/* NUL-terminated, 44 characters. */
int		ClusterKeyEqual(const ClusterKey *a, const ClusterKey *b);
				/* Constant time. */
void		ClusterKeyWipe(ClusterKey *keyPtr);
size_t		ClusterSealedLength(size_t plainLength);
void		ClusterSeal(const ClusterKey *keyPtr,
		    const ClusterSealInfo *infoPtr,
		    const unsigned char *packet, size_t length,
		    unsigned char *out);	/* ClusterSealedLength bytes. */
int		ClusterSealForOld(const ClusterKey *keyPtr,
		    const ClusterSealInfo *infoPtr,
		    const unsigned char *packet, size_t length,
		    unsigned char *out, int maxTries);
				/* Seals until the frame holds no C0 8D. */
ClusterOpenResult ClusterOpen(const ClusterKey *keys, int numKeys,
		    const unsigned char *frame, size_t length,
		    unsigned char *out, size_t *outLengthPtr,
		    ClusterSealInfo *infoPtr);
				/* out: room for length bytes; receives the
				 * packet; *outLengthPtr its length. */

/*
 * Replay defence (clusterCodecReplay.c): per (sender, lane), the highest
 * seq seen and a window of the CLUSTER_REPLAY_WINDOW seqs below it; a
 * frame whose ms is more than windowMs from now, or not after the
 * receiver's birth (sinceMs), is stale. At most
 * maxLanes lanes are remembered; when full, the least recently used lane
 * is forgotten, and frames of lanes made since must be newer than the
 * last frame of any lane forgotten before, so forgetting never lets a
 * replay in.
 */

#define CLUSTER_REPLAY_WINDOW	1024	/* Seqs, a multiple of 64. */

typedef struct ClusterReplay ClusterReplay;

typedef enum ClusterReplayResult {
    CLUSTER_REPLAY_OK,		/* New: accepted and remembered. */
    CLUSTER_REPLAY_SEEN,	/* Its seq was seen, or is below the window. */
    CLUSTER_REPLAY_STALE	/* Its ms is outside now +- windowMs, or not
				 * newer than the forgotten lanes. */
} ClusterReplayResult;

ClusterReplay *	ClusterReplayCreate(int maxLanes, int64_t windowMs,
		    int64_t sinceMs);	/* Frames at or before sinceMs are
					 * stale: the receiver's birth. */
void		ClusterReplayFree(ClusterReplay *replayPtr);
ClusterReplayResult ClusterReplayCheck(ClusterReplay *replayPtr,
		    const ClusterSealInfo *infoPtr, int64_t nowMs);
int		ClusterReplayLanes(const ClusterReplay *replayPtr);
uint64_t	ClusterReplayEvicted(const ClusterReplay *replayPtr);

#endif /* _CLUSTERCODEC_H */
