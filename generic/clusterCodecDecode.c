/*
 * clusterCodecDecode.c --
 *
 *	The bpacket decoder (doc/protocol.md section 1): checks a packet's framing and
 *	turns its body into a view of its fields, which points into the
 *	decoded bytes; stops early on one's own echo and on a filter that
 *	does not name us; steps through the elements of list fields. Pure C,
 *	like clusterCodec.c: no interpreters, sockets or clocks, and no
 *	allocation, so it can be fuzzed and benchmarked alone.
 *
 *	The decoder reads every byte at most a bounded number of times, never
 *	reads outside the bytes it is given and always terminates: every step
 *	of every loop consumes at least one byte.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCodecInt.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Type names, indexed by ClusterFieldType, for error messages.
 */

static const char *const typeNames[] = {
    "varint", "string", "list", "boolean", "raw"
};

/*
 * Static functions defined in this file.
 */

/*
 * Where DecodeBody is in a body, and the field it is reading.
 */

typedef struct BodyCursor {
    const unsigned char *body;	/* The body. */
    size_t length;		/* Its length. */
    size_t base;		/* Where the body is in its packet. */
    size_t pos;			/* Next byte to read. */
    size_t fieldPos;		/* Where the current field starts. */
    unsigned id;		/* Its id, */
    const char *name;		/* and name. */
    ClusterCodecError *errPtr;	/* Where to store an error. */
} BodyCursor;

static ClusterVerdict	DecodeBoolean(BodyCursor *curPtr,
			    ClusterField *fieldPtr);
static ClusterVerdict	DecodeBytes(BodyCursor *curPtr, uint64_t value,
			    ClusterField *fieldPtr);
static ClusterVerdict	DecodeList(BodyCursor *curPtr, uint64_t value,
			    ClusterField *fieldPtr);
static ClusterVerdict	ValueFail(BodyCursor *curPtr, int status);
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
static ClusterVerdict	EarlyStop(const ClusterField *fieldPtr,
			    const ClusterIdentity *selfPtr);
static int		FilterNamesUs(const ClusterField *fieldPtr,
			    const ClusterIdentity *selfPtr);
static int		SameBytes(const unsigned char *bytes, size_t length,
			    const ClusterBytes *otherPtr);

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
    BodyCursor cur;

    cur.body = body;
    cur.length = length;
    cur.base = base;
    cur.pos = 0;
    cur.errPtr = errPtr;
    viewPtr->numFields = 0;
    while (cur.pos < length) {
	ClusterField *fieldPtr;
	ClusterVerdict verdict;
	uint64_t id, value;
	size_t used;
	int status;

	cur.fieldPos = cur.pos;
	status = ClusterVarintRead(body + cur.pos, length - cur.pos, &id,
		&used);
	if (status == CLUSTER_VARINT_SHORT) {
	    return DecodeFail(errPtr, "OVERRUN", base + cur.pos,
		    "at byte %zu: field id runs past the end of the body "
		    "(body has %zu bytes)", base + cur.pos, length);
	} else if (status == CLUSTER_VARINT_LONG) {
	    return DecodeFail(errPtr, "VARINT_TOO_LONG", base + cur.pos,
		    "at byte %zu: field id is a varint longer than 10 bytes "
		    "or larger than 2^64-1", base + cur.pos);
	}
	if (id == 0 || id >= CLUSTER_F_COUNT) {
	    return DecodeFail(errPtr, "UNKNOWN_FIELD", base + cur.pos,
		    "at byte %zu: unknown field id %llu (known ids are 1 "
		    "to %d)", base + cur.pos, (unsigned long long) id,
		    CLUSTER_F_COUNT - 1);
	}
	if (viewPtr->numFields >= CLUSTER_MAX_FIELDS) {
	    return DecodeFail(errPtr, "TOO_MANY_FIELDS", base + cur.pos,
		    "at byte %zu: more than %d fields in one packet",
		    base + cur.pos, CLUSTER_MAX_FIELDS);
	}
	cur.pos += used;
	cur.id = (unsigned) id;
	cur.name = clusterFieldInfo[id].name;
	fieldPtr = &viewPtr->fields[viewPtr->numFields];
	fieldPtr->id = (ClusterFieldId) id;
	fieldPtr->number = 0;
	fieldPtr->bytes = body + cur.pos;
	fieldPtr->length = 0;

	/*
	 * Every type starts with a varint except the boolean.
	 */

	if (clusterFieldInfo[id].type == CLUSTER_T_BOOLEAN) {
	    verdict = DecodeBoolean(&cur, fieldPtr);
	} else {
	    status = ClusterVarintRead(body + cur.pos, length - cur.pos,
		    &value, &used);
	    if (status != CLUSTER_VARINT_OK) {
		return ValueFail(&cur, status);
	    }
	    cur.pos += used;
	    if (clusterFieldInfo[id].type == CLUSTER_T_VARINT) {
		fieldPtr->number = value;
		verdict = CLUSTER_DECODE_OK;
	    } else if (clusterFieldInfo[id].type == CLUSTER_T_LIST) {
		verdict = DecodeList(&cur, value, fieldPtr);
	    } else {
		verdict = DecodeBytes(&cur, value, fieldPtr);
	    }
	}
	if (verdict != CLUSTER_DECODE_OK) {
	    return verdict;
	}
	viewPtr->numFields++;

	/*
	 * The early stops: our own echo, and a filter that does not name
	 * us. The field counts as decoded.
	 */

	verdict = EarlyStop(fieldPtr, selfPtr);
	if (verdict != CLUSTER_DECODE_OK) {
	    return verdict;
	}
    }
    return CLUSTER_DECODE_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterViewVerdict, EarlyStop --
 *
 *	The verdict for an identity on a packet decoded whole without one
 *	(selfPtr NULL): what ClusterDecodePacket with that identity would
 *	have said of the same bytes. Fields are taken in wire order, as the
 *	decoder meets them: SELF at a sid that is ours, FILTERED at a filter
 *	that names us not. Lets several members that hear the same datagram
 *	decode it once.
 *
 * Results:
 *	CLUSTER_DECODE_OK, SELF or FILTERED.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

ClusterVerdict
ClusterViewVerdict(
    const ClusterPacketView *viewPtr,	/* Fields of a whole packet. */
    const ClusterIdentity *selfPtr)	/* Who asks. */
{
    ClusterVerdict verdict = CLUSTER_DECODE_OK;
    int i;

    for (i = 0; i < viewPtr->numFields && verdict == CLUSTER_DECODE_OK;
	    i++) {
	verdict = EarlyStop(&viewPtr->fields[i], selfPtr);
    }
    return verdict;
}

static ClusterVerdict
EarlyStop(
    const ClusterField *fieldPtr,	/* A decoded field. */
    const ClusterIdentity *selfPtr)	/* Who decodes, or NULL. */
{
    if (selfPtr == NULL) {
	return CLUSTER_DECODE_OK;
    }
    if (fieldPtr->id == CLUSTER_F_SID && selfPtr->sid.length > 0
	    && SameBytes(fieldPtr->bytes, fieldPtr->length, &selfPtr->sid)) {
	return CLUSTER_DECODE_SELF;
    }
    if (fieldPtr->id == CLUSTER_F_FILTER && selfPtr->numTags >= 0
	    && !FilterNamesUs(fieldPtr, selfPtr)) {
	return CLUSTER_DECODE_FILTERED;
    }
    return CLUSTER_DECODE_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * DecodeBoolean, DecodeBytes, DecodeList, ValueFail --
 *
 *	The value of one field, after its id (and, but for the boolean,
 *	the varint that starts it: a count or a length): a boolean byte; a
 *	string or raw bytes of the given length (a string must be valid
 *	UTF-8); a list of the given number of strings, each a varint length
 *	and that many bytes of valid UTF-8. ValueFail reports a bad leading
 *	varint.
 *
 * Results:
 *	CLUSTER_DECODE_OK with the field filled in and the cursor past it,
 *	or CLUSTER_DECODE_ERROR with the error stored.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static ClusterVerdict
DecodeBoolean(
    BodyCursor *curPtr,		/* At the boolean's byte. */
    ClusterField *fieldPtr)	/* The field to fill. */
{
    const unsigned char *body = curPtr->body;
    size_t pos = curPtr->pos;

    if (pos >= curPtr->length) {
	return DecodeFail(curPtr->errPtr, "OVERRUN",
		curPtr->base + curPtr->fieldPos,
		"field %u (%s) at byte %zu: boolean runs past the end of the "
		"body (body has %zu bytes)", curPtr->id, curPtr->name,
		curPtr->base + curPtr->fieldPos, curPtr->length);
    }
    if (body[pos] > 1) {
	return DecodeFail(curPtr->errPtr, "BAD_BOOLEAN", curPtr->base + pos,
		"field %u (%s) at byte %zu: boolean byte is %02x, must be 00 "
		"or 01", curPtr->id, curPtr->name,
		curPtr->base + curPtr->fieldPos, body[pos]);
    }
    fieldPtr->number = body[pos];
    curPtr->pos = pos + 1;
    return CLUSTER_DECODE_OK;
}

static ClusterVerdict
DecodeBytes(
    BodyCursor *curPtr,		/* Past the length varint. */
    uint64_t value,		/* The length. */
    ClusterField *fieldPtr)	/* The field to fill. */
{
    size_t pos = curPtr->pos, bad;
    int type = clusterFieldInfo[curPtr->id].type, flags;

    if (value > curPtr->length - pos) {
	return DecodeFail(curPtr->errPtr, "OVERRUN",
		curPtr->base + curPtr->fieldPos,
		"field %u (%s) at byte %zu: %s length %llu runs past the end "
		"of the body (body has %zu bytes)", curPtr->id, curPtr->name,
		curPtr->base + curPtr->fieldPos, typeNames[type],
		(unsigned long long) value, curPtr->length);
    }
    fieldPtr->bytes = curPtr->body + pos;
    fieldPtr->length = (size_t) value;
    if (type == CLUSTER_T_STRING) {
	flags = ClusterUtf8Check(curPtr->body + pos, (size_t) value, &bad);
	if (flags == 0) {
	    return DecodeFail(curPtr->errPtr, "BAD_UTF8",
		    curPtr->base + pos + bad,
		    "field %u (%s) at byte %zu: invalid UTF-8 at byte %zu",
		    curPtr->id, curPtr->name, curPtr->base + curPtr->fieldPos,
		    curPtr->base + pos + bad);
	}
	fieldPtr->number = (uint64_t) flags;
    }
    curPtr->pos = pos + (size_t) value;
    return CLUSTER_DECODE_OK;
}

static ClusterVerdict
DecodeList(
    BodyCursor *curPtr,		/* Past the count varint. */
    uint64_t value,		/* The number of elements. */
    ClusterField *fieldPtr)	/* The field to fill. */
{
    const unsigned char *body = curPtr->body;
    size_t length = curPtr->length, base = curPtr->base;
    size_t at = curPtr->pos, pos = at, used, bad;
    uint64_t i, elementLength;
    int status;

    /*
     * Each element takes at least one byte, so a count larger than the
     * rest of the body fails within that many steps.
     */

    for (i = 0; i < value; i++) {
	status = ClusterVarintRead(body + pos, length - pos, &elementLength,
		&used);
	if (status == CLUSTER_VARINT_SHORT) {
	    return DecodeFail(curPtr->errPtr, "OVERRUN", base + pos,
		    "field %u (%s) at byte %zu: element %llu of %llu runs "
		    "past the end of the body (body has %zu bytes)",
		    curPtr->id, curPtr->name, base + curPtr->fieldPos,
		    (unsigned long long) i, (unsigned long long) value,
		    length);
	} else if (status == CLUSTER_VARINT_LONG) {
	    return DecodeFail(curPtr->errPtr, "VARINT_TOO_LONG", base + pos,
		    "field %u (%s) at byte %zu: length of element %llu is a "
		    "varint longer than 10 bytes or larger than 2^64-1",
		    curPtr->id, curPtr->name, base + curPtr->fieldPos,
		    (unsigned long long) i);
	}
	pos += used;
	if (elementLength > length - pos) {
	    return DecodeFail(curPtr->errPtr, "OVERRUN", base + pos - used,
		    "field %u (%s) at byte %zu: element %llu length %llu runs "
		    "past the end of the body (body has %zu bytes)",
		    curPtr->id, curPtr->name, base + curPtr->fieldPos,
		    (unsigned long long) i,
		    (unsigned long long) elementLength, length);
	}
	if (ClusterUtf8Check(body + pos, (size_t) elementLength, &bad)
		== 0) {
	    return DecodeFail(curPtr->errPtr, "BAD_UTF8", base + pos + bad,
		    "field %u (%s) at byte %zu: element %llu has invalid "
		    "UTF-8 at byte %zu", curPtr->id, curPtr->name,
		    base + curPtr->fieldPos, (unsigned long long) i,
		    base + pos + bad);
	}
	pos += (size_t) elementLength;
    }
    fieldPtr->number = value;
    fieldPtr->bytes = body + at;
    fieldPtr->length = pos - at;
    curPtr->pos = pos;
    return CLUSTER_DECODE_OK;
}

static ClusterVerdict
ValueFail(
    BodyCursor *curPtr,		/* At the bad varint. */
    int status)			/* What ClusterVarintRead said. */
{
    int type = clusterFieldInfo[curPtr->id].type;
    const char *what = (type == CLUSTER_T_VARINT) ? "value"
	    : (type == CLUSTER_T_LIST) ? "element count" : "length";

    if (status == CLUSTER_VARINT_SHORT) {
	return DecodeFail(curPtr->errPtr, "OVERRUN",
		curPtr->base + curPtr->fieldPos,
		"field %u (%s) at byte %zu: %s varint runs past the end of "
		"the body (body has %zu bytes)", curPtr->id, curPtr->name,
		curPtr->base + curPtr->fieldPos, what, curPtr->length);
    }
    return DecodeFail(curPtr->errPtr, "VARINT_TOO_LONG",
	    curPtr->base + curPtr->pos,
	    "field %u (%s) at byte %zu: %s is a varint longer than 10 bytes "
	    "or larger than 2^64-1", curPtr->id, curPtr->name,
	    curPtr->base + curPtr->fieldPos, what);
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
