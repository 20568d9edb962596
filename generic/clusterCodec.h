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
void		ClusterStreamFeed(ClusterStream *streamPtr,
		    const unsigned char *bytes, size_t length);
int		ClusterStreamNext(ClusterStream *streamPtr,
		    const unsigned char **packetPtr, size_t *lengthPtr);
size_t		ClusterStreamBuffered(const ClusterStream *streamPtr);

#endif /* _CLUSTERCODEC_H */
