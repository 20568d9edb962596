/*
 * clusterCodec.c --
 *
 *	The bpacket wire format (doc/protocol.md section 1), encoding side: the field
 *	table, growable buffers, varints, the writing of fields into a
 *	buffer and framing. The decoder is in clusterCodecDecode.c, strict
 *	UTF-8 in clusterCodecUtf8.c. Pure C: these files know nothing of
 *	interpreters, sockets or clocks, and this one allocates with plain
 *	malloc/realloc/free (override with CLUSTER_REALLOC and CLUSTER_FREE),
 *	so the codec can be fuzzed and benchmarked alone.
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
 * The payload template, indexed by field id (doc/protocol.md section 1.4).
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
