/*
 * clusterCodec.c --
 *
 *	The bpacket wire format (SPEC section 1): the field table, varints,
 *	encoding of fields into a growable buffer, framing, strict UTF-8
 *	validation and the decoder that turns a packet into a view of its
 *	fields. Pure C: this file knows nothing of interpreters, sockets or
 *	clocks, and allocates with plain malloc/realloc/free (override with
 *	CLUSTER_REALLOC and CLUSTER_FREE), so it can be fuzzed and
 *	benchmarked alone.
 *
 *	The decoder reads every byte at most a bounded number of times, never
 *	reads outside the bytes it is given and always terminates: every step
 *	of every loop consumes at least one byte.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCodec.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CLUSTER_REALLOC
#   define CLUSTER_REALLOC(ptr, size)	realloc((ptr), (size))
#   define CLUSTER_FREE(ptr)		free(ptr)
#endif

/*
 * The payload template, indexed by field id (SPEC section 1.4).
 */

const ClusterFieldInfo clusterFieldInfo[CLUSTER_F_COUNT] = {
    {NULL,	  CLUSTER_T_VARINT},	/* 0: not a field. */
    {"type",	  CLUSTER_T_VARINT},
    {"channel",	  CLUSTER_T_VARINT},
    {"hid",	  CLUSTER_T_STRING},
    {"sid",	  CLUSTER_T_STRING},
    {"known",	  CLUSTER_T_VARINT},
    {"timestamp", CLUSTER_T_VARINT},
    {"protocols", CLUSTER_T_LIST},
    {"ruid",	  CLUSTER_T_STRING},
    {"op",	  CLUSTER_T_STRING},
    {"data",	  CLUSTER_T_STRING},
    {"raw",	  CLUSTER_T_RAW},
    {"tags",	  CLUSTER_T_LIST},
    {"keepalive", CLUSTER_T_BOOLEAN},
    {"filter",	  CLUSTER_T_LIST},
    {"error",	  CLUSTER_T_STRING}
};

/*
 * Eight bytes at a time: the high bit of every byte, and the constant used
 * to find a zero byte in a word.
 */

#define HIGH_BITS	UINT64_C(0x8080808080808080)
#define LOW_BITS	UINT64_C(0x0101010101010101)

static const char *const typeNames[] = {
    "varint", "string", "list", "boolean", "raw"
};

/*
 * Static functions defined in this file.
 */

static ClusterVerdict	DecodeFail(ClusterCodecError *errPtr,
			    const char *code, size_t offset,
			    const char *format, ...)
#if defined(__GNUC__)
			    __attribute__((format(printf, 4, 5)))
#endif
			    ;
static ClusterVerdict	DecodeBody(const unsigned char *body,
			    size_t length, size_t base,
			    const ClusterIdentity *selfPtr,
			    ClusterPacketView *viewPtr,
			    ClusterCodecError *errPtr);
static int		FilterNamesUs(const ClusterField *fieldPtr,
			    const ClusterIdentity *selfPtr);
static int		SameBytes(const unsigned char *bytes, size_t length,
			    const ClusterBytes *otherPtr);
static int		Utf8Check(const unsigned char *bytes, size_t length,
			    size_t *badPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterBufInit, ClusterBufFree --
 *
 *	Initialise an empty buffer; release a buffer's storage.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	ClusterBufFree frees the storage and leaves the buffer empty and
 *	reusable.
 *
 *----------------------------------------------------------------------
 */

void
ClusterBufInit(
    ClusterBuf *bufPtr)		/* Buffer to initialise. */
{
    bufPtr->bytes = NULL;
    bufPtr->length = 0;
    bufPtr->capacity = 0;
}

void
ClusterBufFree(
    ClusterBuf *bufPtr)		/* Buffer to release. */
{
    if (bufPtr->bytes != NULL) {
	CLUSTER_FREE(bufPtr->bytes);
    }
    ClusterBufInit(bufPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterBufReserve --
 *
 *	Make room for `extra` more bytes after the bytes in use. The caller
 *	writes at the returned address and then adds what it wrote to
 *	bufPtr->length.
 *
 * Results:
 *	The address one past the bytes in use.
 *
 * Side effects:
 *	May reallocate the storage (earlier pointers into it become
 *	invalid). Aborts the process when memory is exhausted, as
 *	Tcl_Alloc does.
 *
 *----------------------------------------------------------------------
 */

unsigned char *
ClusterBufReserve(
    ClusterBuf *bufPtr,		/* Buffer to grow. */
    size_t extra)		/* Bytes the caller is about to append. */
{
    size_t need, capacity;
    unsigned char *bytes;

    if (extra > SIZE_MAX - bufPtr->length) {
	abort();
    }
    need = bufPtr->length + extra;
    if (need <= bufPtr->capacity) {
	return bufPtr->bytes + bufPtr->length;
    }
    capacity = bufPtr->capacity ? bufPtr->capacity : 128;
    while (capacity < need) {
	capacity = (capacity > SIZE_MAX / 2) ? need : capacity * 2;
    }
    bytes = CLUSTER_REALLOC(bufPtr->bytes, capacity);
    if (bytes == NULL) {
	abort();
    }
    bufPtr->bytes = bytes;
    bufPtr->capacity = capacity;
    return bytes + bufPtr->length;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterVarintSize, ClusterVarintWrite --
 *
 *	The size of a value's varint; write the varint (unsigned LEB128:
 *	seven bits per byte, least significant group first, high bit set on
 *	every byte but the last).
 *
 * Results:
 *	The number of bytes, 1 to CLUSTER_VARINT_MAX.
 *
 * Side effects:
 *	ClusterVarintWrite stores that many bytes at dst.
 *
 *----------------------------------------------------------------------
 */

size_t
ClusterVarintSize(
    uint64_t value)		/* Value to measure. */
{
    size_t size = 1;

    while (value >= 0x80) {
	value >>= 7;
	size++;
    }
    return size;
}

size_t
ClusterVarintWrite(
    unsigned char *dst,		/* Where to write; room for 10 bytes. */
    uint64_t value)		/* Value to encode. */
{
    size_t n = 0;

    while (value >= 0x80) {
	dst[n++] = (unsigned char) (value | 0x80);
	value >>= 7;
    }
    dst[n++] = (unsigned char) value;
    return n;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterVarintRead --
 *
 *	Read one varint from at most `length` bytes. Non-minimal forms
 *	(80 00 for 0) are accepted, as the old decoder accepted them.
 *
 * Results:
 *	CLUSTER_VARINT_OK with the value and the bytes used stored;
 *	CLUSTER_VARINT_SHORT when the input ends inside the varint;
 *	CLUSTER_VARINT_LONG when it has more than 10 bytes or its value
 *	exceeds 2^64-1 (the tenth byte may only carry bit 63).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterVarintRead(
    const unsigned char *src,	/* First byte of the varint. */
    size_t length,		/* Bytes available at src. */
    uint64_t *valuePtr,		/* Where to store the value. */
    size_t *usedPtr)		/* Where to store the bytes read. */
{
    uint64_t value = 0;
    size_t i;

    for (i = 0; i < CLUSTER_VARINT_MAX; i++) {
	unsigned b;

	if (i >= length) {
	    return CLUSTER_VARINT_SHORT;
	}
	b = src[i];
	if (i == CLUSTER_VARINT_MAX - 1 && b > 1) {
	    return CLUSTER_VARINT_LONG;
	}
	value |= (uint64_t) (b & 0x7F) << (7 * i);
	if (!(b & 0x80)) {
	    *valuePtr = value;
	    *usedPtr = i + 1;
	    return CLUSTER_VARINT_OK;
	}
    }
    return CLUSTER_VARINT_LONG;		/* Not reached. */
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPacketBegin --
 *
 *	Start a packet in a buffer: discard its contents and reserve
 *	CLUSTER_FRAME_PREFIX bytes in front of the body for the header and
 *	the length, which ClusterPacketEnd fills in.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Resets the buffer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterPacketBegin(
    ClusterBuf *bufPtr)		/* Buffer to build the packet in. */
{
    bufPtr->length = 0;
    ClusterBufReserve(bufPtr, CLUSTER_FRAME_PREFIX + 64);
    bufPtr->length = CLUSTER_FRAME_PREFIX;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPutVarintField, ClusterPutBytesField, ClusterPutBooleanField,
 * ClusterPutListHeader, ClusterPutListElement --
 *
 *	Append one field to the body being built: its id and its value.
 *	Bytes fields serve both strings and raw values; the caller is
 *	responsible for strings being valid UTF-8. A list is a header with
 *	the element count followed by exactly that many elements.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Appends to the buffer.
 *
 *----------------------------------------------------------------------
 */

void
ClusterPutVarintField(
    ClusterBuf *bufPtr,		/* Packet being built. */
    ClusterFieldId id,		/* Field to append. */
    uint64_t value)		/* Its value. */
{
    unsigned char *p = ClusterBufReserve(bufPtr, 2 * CLUSTER_VARINT_MAX);
    size_t n = ClusterVarintWrite(p, (uint64_t) id);

    n += ClusterVarintWrite(p + n, value);
    bufPtr->length += n;
}

void
ClusterPutBytesField(
    ClusterBuf *bufPtr,		/* Packet being built. */
    ClusterFieldId id,		/* Field to append. */
    const unsigned char *bytes,	/* The value's bytes. */
    size_t length)		/* How many. */
{
    unsigned char *p;
    size_t n;

    if (length > SIZE_MAX - 2 * CLUSTER_VARINT_MAX) {
	abort();
    }
    p = ClusterBufReserve(bufPtr, 2 * CLUSTER_VARINT_MAX + length);
    n = ClusterVarintWrite(p, (uint64_t) id);
    n += ClusterVarintWrite(p + n, (uint64_t) length);
    if (length > 0) {
	memcpy(p + n, bytes, length);
    }
    bufPtr->length += n + length;
}

void
ClusterPutBooleanField(
    ClusterBuf *bufPtr,		/* Packet being built. */
    ClusterFieldId id,		/* Field to append. */
    int value)			/* Its value: zero or not. */
{
    unsigned char *p = ClusterBufReserve(bufPtr, CLUSTER_VARINT_MAX + 1);
    size_t n = ClusterVarintWrite(p, (uint64_t) id);

    p[n++] = value ? 1 : 0;
    bufPtr->length += n;
}

void
ClusterPutListHeader(
    ClusterBuf *bufPtr,		/* Packet being built. */
    ClusterFieldId id,		/* Field to append. */
    size_t count)		/* Elements that will follow. */
{
    unsigned char *p = ClusterBufReserve(bufPtr, 2 * CLUSTER_VARINT_MAX);
    size_t n = ClusterVarintWrite(p, (uint64_t) id);

    n += ClusterVarintWrite(p + n, (uint64_t) count);
    bufPtr->length += n;
}

void
ClusterPutListElement(
    ClusterBuf *bufPtr,		/* Packet being built. */
    const unsigned char *bytes,	/* The element's UTF-8 bytes. */
    size_t length)		/* How many. */
{
    unsigned char *p;
    size_t n;

    if (length > SIZE_MAX - CLUSTER_VARINT_MAX) {
	abort();
    }
    p = ClusterBufReserve(bufPtr, CLUSTER_VARINT_MAX + length);
    n = ClusterVarintWrite(p, (uint64_t) length);
    if (length > 0) {
	memcpy(p + n, bytes, length);
    }
    bufPtr->length += n + length;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPacketEnd --
 *
 *	Finish the packet started by ClusterPacketBegin: write the header
 *	and the body length right-aligned in the reserved prefix, just in
 *	front of the body (the body is not moved), and append the trailer.
 *
 * Results:
 *	The offset in the buffer where the packet starts; its length is
 *	stored at lengthPtr.
 *
 * Side effects:
 *	Writes the prefix and appends the trailer.
 *
 *----------------------------------------------------------------------
 */

size_t
ClusterPacketEnd(
    ClusterBuf *bufPtr,		/* Packet being built. */
    size_t *lengthPtr)		/* Where to store the packet's length. */
{
    size_t bodyLength = bufPtr->length - CLUSTER_FRAME_PREFIX;
    size_t n = ClusterVarintSize((uint64_t) bodyLength);
    size_t start = CLUSTER_FRAME_PREFIX - 2 - n;
    unsigned char *p = ClusterBufReserve(bufPtr, 2);

    p[0] = 0;
    p[1] = 0;
    bufPtr->length += 2;
    p = bufPtr->bytes + start;
    p[0] = CLUSTER_HEADER_0;
    p[1] = CLUSTER_HEADER_1;
    ClusterVarintWrite(p + 2, (uint64_t) bodyLength);
    *lengthPtr = bufPtr->length - start;
    return start;
}

/*
 *----------------------------------------------------------------------
 *
 * Utf8Check --
 *
 *	Strict UTF-8 validation (RFC 3629): rejects stray continuation
 *	bytes, overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16
 *	surrogates (ED A0..BF), code points above U+10FFFF (F4 90.., F5..FF)
 *	and truncated sequences. NUL bytes are valid. Pure ASCII is checked
 *	eight bytes at a time.
 *
 * Results:
 *	0 when invalid, with the offset of the first bad sequence stored at
 *	badPtr; else CLUSTER_UTF8_VALID, plus CLUSTER_UTF8_SPECIAL when the
 *	bytes hold a NUL or a 4-byte sequence (whose Tcl form differs).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
Utf8Check(
    const unsigned char *bytes,	/* Bytes to check. */
    size_t length,		/* How many. */
    size_t *badPtr)		/* Where to store the offset of a bad
				 * sequence. */
{
    size_t i = 0;
    int result = CLUSTER_UTF8_VALID;

    while (i < length) {
	unsigned b = bytes[i];

	if (b < 0x80) {
	    if (b == 0) {
		result |= CLUSTER_UTF8_SPECIAL;
	    }
	    i++;

	    /*
	     * A run of ASCII: skip words that hold no high bit and no NUL.
	     */

	    while (length - i >= 8) {
		uint64_t w;

		memcpy(&w, bytes + i, 8);
		if ((w & HIGH_BITS) || ((w - LOW_BITS) & ~w & HIGH_BITS)) {
		    break;
		}
		i += 8;
	    }
	    continue;
	}
	if (b >= 0xC2 && b <= 0xDF) {
	    if (length - i < 2 || (bytes[i+1] & 0xC0) != 0x80) {
		goto bad;
	    }
	    i += 2;
	} else if (b >= 0xE0 && b <= 0xEF) {
	    unsigned b1;

	    if (length - i < 3) {
		goto bad;
	    }
	    b1 = bytes[i+1];
	    if ((b1 & 0xC0) != 0x80 || (bytes[i+2] & 0xC0) != 0x80
		    || (b == 0xE0 && b1 < 0xA0)
		    || (b == 0xED && b1 > 0x9F)) {
		goto bad;
	    }
	    i += 3;
	} else if (b >= 0xF0 && b <= 0xF4) {
	    unsigned b1;

	    if (length - i < 4) {
		goto bad;
	    }
	    b1 = bytes[i+1];
	    if ((b1 & 0xC0) != 0x80 || (bytes[i+2] & 0xC0) != 0x80
		    || (bytes[i+3] & 0xC0) != 0x80
		    || (b == 0xF0 && b1 < 0x90)
		    || (b == 0xF4 && b1 > 0x8F)) {
		goto bad;
	    }
	    result |= CLUSTER_UTF8_SPECIAL;
	    i += 4;
	} else {
	    goto bad;
	}
    }
    return result;

  bad:
    *badPtr = i;
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterUtf8Valid --
 *
 *	Strict UTF-8 validation; see Utf8Check.
 *
 * Results:
 *	0 when the bytes are not valid UTF-8, else CLUSTER_UTF8_VALID,
 *	with CLUSTER_UTF8_SPECIAL added when they hold a NUL or a 4-byte
 *	sequence.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterUtf8Valid(
    const unsigned char *bytes,	/* Bytes to check. */
    size_t length)		/* How many. */
{
    size_t bad;

    return Utf8Check(bytes, length, &bad);
}

/*
 *----------------------------------------------------------------------
 *
 * DecodeFail --
 *
 *	Record a decode error.
 *
 * Results:
 *	CLUSTER_DECODE_ERROR.
 *
 * Side effects:
 *	Fills *errPtr (when not NULL).
 *
 *----------------------------------------------------------------------
 */

static ClusterVerdict
DecodeFail(
    ClusterCodecError *errPtr,	/* Where to record the error, or NULL. */
    const char *code,		/* Static errorcode word. */
    size_t offset,		/* Byte offset of the problem. */
    const char *format,		/* printf format of the message. */
    ...)
{
    va_list args;

    if (errPtr != NULL) {
	errPtr->code = code;
	errPtr->offset = offset;
	va_start(args, format);
	vsnprintf(errPtr->message, sizeof(errPtr->message), format, args);
	va_end(args);
    }
    return CLUSTER_DECODE_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDecodePacket --
 *
 *	Check a whole packet's framing (header, length, trailer) and decode
 *	its body. Error offsets and messages count bytes from the start of
 *	the packet.
 *
 * Results:
 *	A verdict: CLUSTER_DECODE_OK with the fields in *viewPtr; SELF or
 *	FILTERED when decoding stopped early (the fields before the stop
 *	are in *viewPtr); ERROR with *errPtr filled. TRUNCATED means the
 *	bytes are a proper prefix of a packet.
 *
 * Side effects:
 *	None. The view points into the packet's bytes.
 *
 *----------------------------------------------------------------------
 */

ClusterVerdict
ClusterDecodePacket(
    const unsigned char *packet,	/* The packet, header to trailer. */
    size_t length,			/* Its length. */
    const ClusterIdentity *selfPtr,	/* Who decodes, or NULL. */
    ClusterPacketView *viewPtr,		/* Where to store the fields. */
    ClusterCodecError *errPtr)		/* Where to store an error. */
{
    uint64_t bodyLength;
    size_t used, prefix, have;

    viewPtr->numFields = 0;
    if (length >= 1 && packet[0] != CLUSTER_HEADER_0) {
	return DecodeFail(errPtr, "BAD_HEADER", 0,
		"packet starts with %02x, not with the header c0 8d",
		packet[0]);
    }
    if (length >= 2 && packet[1] != CLUSTER_HEADER_1) {
	return DecodeFail(errPtr, "BAD_HEADER", 1,
		"packet starts with c0 %02x, not with the header c0 8d",
		packet[1]);
    }
    if (length < 3) {
	return DecodeFail(errPtr, "TRUNCATED", length,
		"packet is truncated: it has %zu bytes and ends before its "
		"length", length);
    }
    switch (ClusterVarintRead(packet + 2, length - 2, &bodyLength, &used)) {
    case CLUSTER_VARINT_SHORT:
	return DecodeFail(errPtr, "TRUNCATED", length,
		"packet is truncated: it has %zu bytes and ends inside its "
		"length", length);
    case CLUSTER_VARINT_LONG:
	return DecodeFail(errPtr, "VARINT_TOO_LONG", 2,
		"at byte 2: the body length is a varint longer than 10 "
		"bytes or larger than 2^64-1");
    }
    prefix = 2 + used;
    have = length - prefix;
    if (bodyLength > have || have - (size_t) bodyLength < 2) {
	return DecodeFail(errPtr, "TRUNCATED", length,
		"packet is truncated: it has %zu bytes, its length prefix "
		"announces a body of %llu bytes", length,
		(unsigned long long) bodyLength);
    }
    if (have - (size_t) bodyLength > 2) {
	return DecodeFail(errPtr, "LENGTH_MISMATCH", prefix + bodyLength + 2,
		"packet has %zu bytes but its length prefix says %zu "
		"(body of %llu bytes)", length,
		prefix + (size_t) bodyLength + 2,
		(unsigned long long) bodyLength);
    }
    if (packet[length - 2] != 0 || packet[length - 1] != 0) {
	return DecodeFail(errPtr, "BAD_TRAILER", length - 2,
		"at byte %zu: trailer is %02x %02x, not 00 00", length - 2,
		packet[length - 2], packet[length - 1]);
    }
    return DecodeBody(packet + prefix, (size_t) bodyLength, prefix, selfPtr,
	    viewPtr, errPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDecodeBody --
 *
 *	Decode a body (the bytes between the length and the trailer). Error
 *	offsets count from the start of the body.
 *
 * Results:
 *	As ClusterDecodePacket.
 *
 * Side effects:
 *	None. The view points into the body's bytes.
 *
 *----------------------------------------------------------------------
 */

ClusterVerdict
ClusterDecodeBody(
    const unsigned char *body,		/* The body. */
    size_t length,			/* Its length. */
    const ClusterIdentity *selfPtr,	/* Who decodes, or NULL. */
    ClusterPacketView *viewPtr,		/* Where to store the fields. */
    ClusterCodecError *errPtr)		/* Where to store an error. */
{
    viewPtr->numFields = 0;
    return DecodeBody(body, length, 0, selfPtr, viewPtr, errPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * DecodeBody --
 *
 *	The body decoder. `base` is added to every offset reported, so that
 *	errors found through ClusterDecodePacket count from the packet's
 *	first byte.
 *
 *	With a non-NULL identity it stops as soon as field 4 (sid) equals
 *	the identity's sid, and as soon as a field 14 (filter) names none of
 *	its sid, hid or tags (unless numTags < 0, which disables the filter
 *	check).
 *
 * Results:
 *	As ClusterDecodePacket.
 *
 * Side effects:
 *	Fills *viewPtr; fills *errPtr on error.
 *
 *----------------------------------------------------------------------
 */

static ClusterVerdict
DecodeBody(
    const unsigned char *body,		/* The body. */
    size_t length,			/* Its length. */
    size_t base,			/* Where the body is in its packet. */
    const ClusterIdentity *selfPtr,	/* Who decodes, or NULL. */
    ClusterPacketView *viewPtr,		/* Where to store the fields. */
    ClusterCodecError *errPtr)		/* Where to store an error. */
{
    size_t pos = 0;

    viewPtr->numFields = 0;
    while (pos < length) {
	size_t fieldPos = pos, used, at;
	uint64_t id, value;
	ClusterField *fieldPtr;
	const char *name;
	int status;

	status = ClusterVarintRead(body + pos, length - pos, &id, &used);
	if (status == CLUSTER_VARINT_SHORT) {
	    return DecodeFail(errPtr, "OVERRUN", base + pos,
		    "at byte %zu: field id runs past the end of the body "
		    "(body has %zu bytes)", base + pos, length);
	} else if (status == CLUSTER_VARINT_LONG) {
	    return DecodeFail(errPtr, "VARINT_TOO_LONG", base + pos,
		    "at byte %zu: field id is a varint longer than 10 bytes "
		    "or larger than 2^64-1", base + pos);
	}
	if (id == 0 || id >= CLUSTER_F_COUNT) {
	    return DecodeFail(errPtr, "UNKNOWN_FIELD", base + pos,
		    "at byte %zu: unknown field id %llu (known ids are 1 "
		    "to %d)", base + pos, (unsigned long long) id,
		    CLUSTER_F_COUNT - 1);
	}
	if (viewPtr->numFields >= CLUSTER_MAX_FIELDS) {
	    return DecodeFail(errPtr, "TOO_MANY_FIELDS", base + pos,
		    "at byte %zu: more than %d fields in one packet",
		    base + pos, CLUSTER_MAX_FIELDS);
	}
	pos += used;
	name = clusterFieldInfo[id].name;
	fieldPtr = &viewPtr->fields[viewPtr->numFields];
	fieldPtr->id = (ClusterFieldId) id;
	fieldPtr->number = 0;
	fieldPtr->bytes = body + pos;
	fieldPtr->length = 0;

	/*
	 * Every type starts with a varint except the boolean.
	 */

	if (clusterFieldInfo[id].type == CLUSTER_T_BOOLEAN) {
	    if (pos >= length) {
		return DecodeFail(errPtr, "OVERRUN", base + fieldPos,
			"field %u (%s) at byte %zu: boolean runs past the "
			"end of the body (body has %zu bytes)", (unsigned) id,
			name, base + fieldPos, length);
	    }
	    if (body[pos] > 1) {
		return DecodeFail(errPtr, "BAD_BOOLEAN", base + pos,
			"field %u (%s) at byte %zu: boolean byte is %02x, "
			"must be 00 or 01", (unsigned) id, name,
			base + fieldPos, body[pos]);
	    }
	    fieldPtr->number = body[pos];
	    pos++;
	    viewPtr->numFields++;
	    continue;
	}
	status = ClusterVarintRead(body + pos, length - pos, &value, &used);
	if (status != CLUSTER_VARINT_OK) {
	    const char *what = (clusterFieldInfo[id].type == CLUSTER_T_VARINT)
		    ? "value" : (clusterFieldInfo[id].type == CLUSTER_T_LIST)
		    ? "element count" : "length";

	    if (status == CLUSTER_VARINT_SHORT) {
		return DecodeFail(errPtr, "OVERRUN", base + fieldPos,
			"field %u (%s) at byte %zu: %s varint runs past the "
			"end of the body (body has %zu bytes)", (unsigned) id,
			name, base + fieldPos, what, length);
	    }
	    return DecodeFail(errPtr, "VARINT_TOO_LONG", base + pos,
		    "field %u (%s) at byte %zu: %s is a varint longer than "
		    "10 bytes or larger than 2^64-1", (unsigned) id, name,
		    base + fieldPos, what);
	}
	pos += used;
	at = pos;

	switch (clusterFieldInfo[id].type) {
	case CLUSTER_T_VARINT:
	    fieldPtr->number = value;
	    break;

	case CLUSTER_T_STRING:
	case CLUSTER_T_RAW:
	    if (value > length - pos) {
		return DecodeFail(errPtr, "OVERRUN", base + fieldPos,
			"field %u (%s) at byte %zu: %s length %llu runs past "
			"the end of the body (body has %zu bytes)",
			(unsigned) id, name, base + fieldPos,
			typeNames[clusterFieldInfo[id].type],
			(unsigned long long) value, length);
	    }
	    fieldPtr->bytes = body + pos;
	    fieldPtr->length = (size_t) value;
	    if (clusterFieldInfo[id].type == CLUSTER_T_STRING) {
		size_t bad;
		int flags = Utf8Check(body + pos, (size_t) value, &bad);

		if (flags == 0) {
		    return DecodeFail(errPtr, "BAD_UTF8", base + pos + bad,
			    "field %u (%s) at byte %zu: invalid UTF-8 at "
			    "byte %zu", (unsigned) id, name, base + fieldPos,
			    base + pos + bad);
		}
		fieldPtr->number = (uint64_t) flags;
	    }
	    pos += (size_t) value;
	    if (id == CLUSTER_F_SID && selfPtr != NULL
		    && selfPtr->sid.length > 0
		    && SameBytes(fieldPtr->bytes, fieldPtr->length,
			    &selfPtr->sid)) {
		viewPtr->numFields++;
		return CLUSTER_DECODE_SELF;
	    }
	    break;

	case CLUSTER_T_LIST: {
	    uint64_t i;

	    /*
	     * Each element takes at least one byte, so a count larger than
	     * the rest of the body fails within that many steps.
	     */

	    for (i = 0; i < value; i++) {
		uint64_t elementLength;
		size_t bad;

		status = ClusterVarintRead(body + pos, length - pos,
			&elementLength, &used);
		if (status == CLUSTER_VARINT_SHORT) {
		    return DecodeFail(errPtr, "OVERRUN", base + pos,
			    "field %u (%s) at byte %zu: element %llu of %llu "
			    "runs past the end of the body (body has %zu "
			    "bytes)", (unsigned) id, name, base + fieldPos,
			    (unsigned long long) i,
			    (unsigned long long) value, length);
		} else if (status == CLUSTER_VARINT_LONG) {
		    return DecodeFail(errPtr, "VARINT_TOO_LONG", base + pos,
			    "field %u (%s) at byte %zu: length of element "
			    "%llu is a varint longer than 10 bytes or larger "
			    "than 2^64-1", (unsigned) id, name,
			    base + fieldPos, (unsigned long long) i);
		}
		pos += used;
		if (elementLength > length - pos) {
		    return DecodeFail(errPtr, "OVERRUN", base + pos - used,
			    "field %u (%s) at byte %zu: element %llu length "
			    "%llu runs past the end of the body (body has "
			    "%zu bytes)", (unsigned) id, name,
			    base + fieldPos, (unsigned long long) i,
			    (unsigned long long) elementLength, length);
		}
		if (Utf8Check(body + pos, (size_t) elementLength,
			&bad) == 0) {
		    return DecodeFail(errPtr, "BAD_UTF8", base + pos + bad,
			    "field %u (%s) at byte %zu: element %llu has "
			    "invalid UTF-8 at byte %zu", (unsigned) id, name,
			    base + fieldPos, (unsigned long long) i,
			    base + pos + bad);
		}
		pos += (size_t) elementLength;
	    }
	    fieldPtr->number = value;
	    fieldPtr->bytes = body + at;
	    fieldPtr->length = pos - at;
	    if (id == CLUSTER_F_FILTER && selfPtr != NULL
		    && selfPtr->numTags >= 0
		    && !FilterNamesUs(fieldPtr, selfPtr)) {
		viewPtr->numFields++;
		return CLUSTER_DECODE_FILTERED;
	    }
	    break;
	}

	case CLUSTER_T_BOOLEAN:
	    break;			/* Handled above. */
	}
	viewPtr->numFields++;
    }
    return CLUSTER_DECODE_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * SameBytes --
 *
 *	Compare a byte string with a ClusterBytes.
 *
 * Results:
 *	1 when equal, else 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
SameBytes(
    const unsigned char *bytes,	/* First string. */
    size_t length,		/* Its length. */
    const ClusterBytes *otherPtr)	/* Second string. */
{
    return length == otherPtr->length
	    && (length == 0 || memcmp(bytes, otherPtr->bytes, length) == 0);
}

/*
 *----------------------------------------------------------------------
 *
 * FilterNamesUs --
 *
 *	Whether a validated filter list names the identity: one of its
 *	elements equals the (non-empty) sid, the (non-empty) hid or a tag.
 *	An empty filter names nobody.
 *
 * Results:
 *	1 when it names us, else 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
FilterNamesUs(
    const ClusterField *fieldPtr,	/* The filter field. */
    const ClusterIdentity *selfPtr)	/* Who we are. */
{
    const unsigned char *cursor = fieldPtr->bytes;
    const unsigned char *end = cursor + fieldPtr->length;
    ClusterBytes element;
    int i;

    while (ClusterListNext(&cursor, end, &element)) {
	if (selfPtr->sid.length > 0
		&& SameBytes(element.bytes, element.length, &selfPtr->sid)) {
	    return 1;
	}
	if (selfPtr->hid.length > 0
		&& SameBytes(element.bytes, element.length, &selfPtr->hid)) {
	    return 1;
	}
	for (i = 0; i < selfPtr->numTags; i++) {
	    if (SameBytes(element.bytes, element.length, &selfPtr->tags[i])) {
		return 1;
	    }
	}
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterListNext --
 *
 *	Step through the elements of a list field: start with *cursorPtr =
 *	field.bytes and end = field.bytes + field.length, and call until it
 *	returns 0.
 *
 * Results:
 *	1 with the next element stored in *elementPtr; 0 at the end of the
 *	list (or, defensively, on malformed bytes).
 *
 * Side effects:
 *	Advances *cursorPtr past the element.
 *
 *----------------------------------------------------------------------
 */

int
ClusterListNext(
    const unsigned char **cursorPtr,	/* Position in the list. */
    const unsigned char *end,		/* One past the list's bytes. */
    ClusterBytes *elementPtr)		/* Where to store the element. */
{
    const unsigned char *cursor = *cursorPtr;
    uint64_t length;
    size_t used;

    if (cursor >= end
	    || ClusterVarintRead(cursor, (size_t) (end - cursor), &length,
		    &used) != CLUSTER_VARINT_OK
	    || length > (uint64_t) (end - cursor) - used) {
	return 0;
    }
    elementPtr->bytes = cursor + used;
    elementPtr->length = (size_t) length;
    *cursorPtr = cursor + used + (size_t) length;
    return 1;
}
