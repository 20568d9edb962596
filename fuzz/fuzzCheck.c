/*
 * fuzzCheck.c --
 *
 *	The checks the fuzz harnesses share: a reference decoder written
 *	from doc/protocol.md section 1 (varints, strict UTF-8, framing, fields, the
 *	early stops on our own sid and on a filter not for us), against
 *	which every decode is compared field by field and error by error;
 *	a walk over every field as the receive path does; and re-encoding
 *	of what decoded with the codec's own encoder, which must give back
 *	the same fields and, for canonical input, the same bytes.
 *
 *	The reference is deliberately plain: one byte at a time, code point
 *	by code point, no fast paths, so that the codec's word-at-a-time and
 *	incremental tricks are checked against something simple.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "fuzzInt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The payload template of doc/protocol.md section 1.4, written out again rather than
 * taken from clusterFieldInfo, so that the codec's table is checked too.
 */

static const struct {
    const char *name;		/* Key in the payload dict. */
    ClusterFieldType type;	/* How the value is encoded. */
} refFields[CLUSTER_F_COUNT] = {
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
 * The errorcodes a decode may report.
 */

static const char *const knownCodes[] = {
    "BAD_HEADER", "TRUNCATED", "VARINT_TOO_LONG", "LENGTH_MISMATCH",
    "BAD_TRAILER", "OVERRUN", "UNKNOWN_FIELD", "TOO_MANY_FIELDS",
    "BAD_BOOLEAN", "BAD_UTF8", NULL
};

/*
 * The identity of a member as in the golden vectors, to decode as.
 */

static const ClusterBytes memberTags[] = {
    {(const unsigned char *) "a", 1},
    {(const unsigned char *) "b", 1}
};
static const ClusterIdentity memberIdentity = {
    {(const unsigned char *) "a1B2c3D4", 8},
    {(const unsigned char *) "02:fc:00:00:00:01", 17},
    memberTags, 2
};

/*
 * What the reference makes of a packet or a body.
 */

typedef struct RefField {
    ClusterFieldId id;		/* Which field. */
    uint64_t number;		/* As ClusterField.number. */
    size_t offset;		/* String, raw: where its bytes start; list:
				 * where its first element starts; counted
				 * from the start of the body. */
    size_t length;		/* String, raw: its bytes; list: bytes
				 * spanned by its elements. */
} RefField;

typedef struct RefResult {
    int ok;			/* 1 when it decoded without error. */
    const char *code;		/* Else the errorcode... */
    size_t errorOffset;		/* ... and where. */
    size_t bodyStart;		/* Where the body starts in the input. */
    int numFields;		/* Fields decoded before the end or the
				 * error. */
    RefField fields[CLUSTER_MAX_FIELDS];
} RefResult;

/*
 * How many identities CheckIdentities decodes as.
 */

#define NUM_IDENTITIES 5

/*
 * Static functions defined in this file.
 */

static void		CheckError(ClusterVerdict verdict,
			    const ClusterCodecError *errPtr, size_t length);
static void		CheckIdentities(const unsigned char *bytes,
			    size_t length, int isPacket,
			    const RefResult *refPtr);
static void		CheckReencode(const unsigned char *body,
			    size_t bodyLength, const unsigned char *packet,
			    size_t packetLength,
			    const ClusterPacketView *viewPtr);
static void		CompareDecode(ClusterVerdict verdict,
			    const ClusterPacketView *viewPtr,
			    const ClusterCodecError *errPtr,
			    const RefResult *refPtr,
			    const unsigned char *body,
			    const ClusterIdentity *selfPtr);
static void		CompareFields(const ClusterPacketView *viewPtr,
			    int numFields, const RefResult *refPtr,
			    const unsigned char *body);
static void		CompareLists(const ClusterField *aPtr,
			    const ClusterField *bPtr);
static ClusterVerdict	Decode(int isPacket, const unsigned char *bytes,
			    size_t length, const ClusterIdentity *selfPtr,
			    ClusterPacketView *viewPtr,
			    ClusterCodecError *errPtr);
static void		RefDecodeBody(const unsigned char *body,
			    size_t length, size_t base, RefResult *refPtr);
static void		RefDecodePacket(const unsigned char *packet,
			    size_t length, RefResult *refPtr);
static void		RefFail(RefResult *refPtr, const char *code,
			    size_t offset);
static int		RefListNext(const unsigned char **cursorPtr,
			    const unsigned char *end,
			    ClusterBytes *elementPtr);
static int		RefNamesUs(const unsigned char *body,
			    const RefField *fieldPtr,
			    const ClusterIdentity *selfPtr);
static int		RefStop(const unsigned char *body,
			    const RefResult *refPtr,
			    const ClusterIdentity *selfPtr,
			    ClusterVerdict *verdictPtr);
static void		Reencode(const ClusterPacketView *viewPtr,
			    ClusterBuf *bufPtr,
			    const unsigned char **packetPtr,
			    size_t *lengthPtr);
static int		SameBytes(const unsigned char *bytes, size_t length,
			    const ClusterBytes *otherPtr);
static void		WalkView(const ClusterPacketView *viewPtr,
			    const unsigned char *start, size_t length);

/*
 *----------------------------------------------------------------------
 *
 * FuzzFail --
 *
 *	Report a failed check and abort, which libFuzzer reports as a crash
 *	with the input at hand.
 *
 * Results:
 *	Does not return.
 *
 * Side effects:
 *	Writes to stderr; aborts the process.
 *
 *----------------------------------------------------------------------
 */

void
FuzzFail(
    const char *file,		/* Source file of the check. */
    int line,			/* Its line. */
    const char *what)		/* The condition that was false. */
{
    fprintf(stderr, "\n%s:%d: fuzz check failed: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzVarintRead --
 *
 *	The reference varint reader (doc/protocol.md section 1.2): unsigned LEB128, at
 *	most ten bytes, at most 2^64-1.
 *
 * Results:
 *	CLUSTER_VARINT_OK with the value and the bytes used stored,
 *	CLUSTER_VARINT_SHORT when the input ends inside the varint,
 *	CLUSTER_VARINT_LONG when it is longer than ten bytes or its value
 *	does not fit in 64 bits.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
FuzzVarintRead(
    const unsigned char *src,	/* First byte of the varint. */
    size_t length,		/* Bytes available at src. */
    uint64_t *valuePtr,		/* Where to store the value. */
    size_t *usedPtr)		/* Where to store the bytes read. */
{
    uint64_t value = 0;
    unsigned shift = 0;
    size_t i;

    for (i = 0; i < length; i++) {
	unsigned payload = src[i] & 0x7F;
	int more = (src[i] & 0x80) != 0;

	if (shift == 63 && (more || payload > 1)) {
	    /*
	     * The tenth byte may only hold bit 63 and must be the last.
	     */

	    return CLUSTER_VARINT_LONG;
	}
	value += (uint64_t) payload << shift;
	if (!more) {
	    *valuePtr = value;
	    *usedPtr = i + 1;
	    return CLUSTER_VARINT_OK;
	}
	shift += 7;
    }
    return CLUSTER_VARINT_SHORT;
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzUtf8Check --
 *
 *	The reference strict UTF-8 check (RFC 3629): decode each sequence
 *	to its code point, then reject overlong forms, surrogates and code
 *	points above U+10FFFF.
 *
 * Results:
 *	As ClusterUtf8Check: 0 with the offset of the first bad sequence
 *	stored at badPtr, else CLUSTER_UTF8_VALID plus CLUSTER_UTF8_SPECIAL
 *	when there is a NUL or a 4-byte sequence.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
FuzzUtf8Check(
    const unsigned char *bytes,	/* Bytes to check. */
    size_t length,		/* How many. */
    size_t *badPtr)		/* Where to store the bad offset. */
{
    int result = CLUSTER_UTF8_VALID;
    size_t i = 0;

    while (i < length) {
	unsigned b = bytes[i], cp, least;
	size_t n, k;

	if (b < 0x80) {
	    if (b == 0) {
		result |= CLUSTER_UTF8_SPECIAL;
	    }
	    i++;
	    continue;
	} else if ((b & 0xE0) == 0xC0) {
	    n = 2;
	    cp = b & 0x1F;
	    least = 0x80;
	} else if ((b & 0xF0) == 0xE0) {
	    n = 3;
	    cp = b & 0x0F;
	    least = 0x800;
	} else if ((b & 0xF8) == 0xF0) {
	    n = 4;
	    cp = b & 0x07;
	    least = 0x10000;
	} else {
	    break;
	}
	if (length - i < n) {
	    break;
	}
	for (k = 1; k < n; k++) {
	    if ((bytes[i+k] & 0xC0) != 0x80) {
		break;
	    }
	    cp = (cp << 6) | (bytes[i+k] & 0x3F);
	}
	if (k < n || cp < least || cp > 0x10FFFF
		|| (cp >= 0xD800 && cp <= 0xDFFF)) {
	    break;
	}
	if (n == 4) {
	    result |= CLUSTER_UTF8_SPECIAL;
	}
	i += n;
    }
    if (i < length) {
	*badPtr = i;
	return 0;
    }
    return result;
}

/*
 *----------------------------------------------------------------------
 *
 * RefFail --
 *
 *	Record an error in a reference result.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *refPtr's error.
 *
 *----------------------------------------------------------------------
 */

static void
RefFail(
    RefResult *refPtr,		/* Result to fill. */
    const char *code,		/* Errorcode word. */
    size_t offset)		/* Where. */
{
    refPtr->ok = 0;
    refPtr->code = code;
    refPtr->errorOffset = offset;
}

/*
 *----------------------------------------------------------------------
 *
 * RefDecodePacket, RefDecodeBody --
 *
 *	The reference decoder, without early stops (RefStop finds those in
 *	its result). Errors carry the offsets the codec documents: a
 *	framing error where the framing goes wrong; a field id, an unknown
 *	field, one field too many, a list element at their first byte; a
 *	missing value at its field's first byte; a varint too long at its
 *	own first byte; a bad boolean at its byte; bad UTF-8 at the first
 *	byte of the bad sequence. `base` is added to body offsets.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *refPtr.
 *
 *----------------------------------------------------------------------
 */

static void
RefDecodePacket(
    const unsigned char *packet,	/* The packet. */
    size_t length,			/* Its length. */
    RefResult *refPtr)			/* Where to store the result. */
{
    uint64_t bodyLength;
    size_t used, prefix;
    int status;

    refPtr->ok = 1;
    refPtr->numFields = 0;
    refPtr->bodyStart = 0;
    if (length >= 1 && packet[0] != 0xC0) {
	RefFail(refPtr, "BAD_HEADER", 0);
	return;
    }
    if (length >= 2 && packet[1] != 0x8D) {
	RefFail(refPtr, "BAD_HEADER", 1);
	return;
    }
    if (length < 3) {
	RefFail(refPtr, "TRUNCATED", length);
	return;
    }
    status = FuzzVarintRead(packet + 2, length - 2, &bodyLength, &used);
    if (status == CLUSTER_VARINT_SHORT) {
	RefFail(refPtr, "TRUNCATED", length);
	return;
    }
    if (status == CLUSTER_VARINT_LONG) {
	RefFail(refPtr, "VARINT_TOO_LONG", 2);
	return;
    }
    prefix = 2 + used;
    if (bodyLength > length - prefix || length - prefix - bodyLength < 2) {
	RefFail(refPtr, "TRUNCATED", length);
	return;
    }
    if (bodyLength + 2 < length - prefix) {
	RefFail(refPtr, "LENGTH_MISMATCH", prefix + bodyLength + 2);
	return;
    }
    if (packet[length - 2] != 0 || packet[length - 1] != 0) {
	RefFail(refPtr, "BAD_TRAILER", length - 2);
	return;
    }
    refPtr->bodyStart = prefix;
    RefDecodeBody(packet + prefix, (size_t) bodyLength, prefix, refPtr);
}

static void
RefDecodeBody(
    const unsigned char *body,	/* The body. */
    size_t length,		/* Its length. */
    size_t base,		/* Added to the offsets of errors. */
    RefResult *refPtr)		/* Where to store the result. */
{
    size_t pos = 0;

    refPtr->ok = 1;
    refPtr->numFields = 0;
    while (pos < length) {
	size_t fieldPos = pos, used, bad;
	uint64_t id, value, i;
	RefField *fieldPtr;
	ClusterFieldType type;
	int status, flags;

	status = FuzzVarintRead(body + pos, length - pos, &id, &used);
	if (status != CLUSTER_VARINT_OK) {
	    RefFail(refPtr, (status == CLUSTER_VARINT_SHORT) ? "OVERRUN"
		    : "VARINT_TOO_LONG", base + pos);
	    return;
	}
	if (id < 1 || id > 15) {
	    RefFail(refPtr, "UNKNOWN_FIELD", base + pos);
	    return;
	}
	if (refPtr->numFields == CLUSTER_MAX_FIELDS) {
	    RefFail(refPtr, "TOO_MANY_FIELDS", base + pos);
	    return;
	}
	pos += used;
	type = refFields[id].type;
	fieldPtr = &refPtr->fields[refPtr->numFields];
	fieldPtr->id = (ClusterFieldId) id;
	fieldPtr->number = 0;
	fieldPtr->offset = pos;
	fieldPtr->length = 0;

	if (type == CLUSTER_T_BOOLEAN) {
	    if (pos == length) {
		RefFail(refPtr, "OVERRUN", base + fieldPos);
		return;
	    }
	    if (body[pos] != 0 && body[pos] != 1) {
		RefFail(refPtr, "BAD_BOOLEAN", base + pos);
		return;
	    }
	    fieldPtr->number = body[pos++];
	    refPtr->numFields++;
	    continue;
	}

	status = FuzzVarintRead(body + pos, length - pos, &value, &used);
	if (status == CLUSTER_VARINT_SHORT) {
	    RefFail(refPtr, "OVERRUN", base + fieldPos);
	    return;
	} else if (status == CLUSTER_VARINT_LONG) {
	    RefFail(refPtr, "VARINT_TOO_LONG", base + pos);
	    return;
	}
	pos += used;
	fieldPtr->number = value;
	fieldPtr->offset = pos;

	switch (type) {
	case CLUSTER_T_STRING:
	case CLUSTER_T_RAW:
	    if (value > length - pos) {
		RefFail(refPtr, "OVERRUN", base + fieldPos);
		return;
	    }
	    if (type == CLUSTER_T_STRING) {
		flags = FuzzUtf8Check(body + pos, (size_t) value, &bad);
		if (flags == 0) {
		    RefFail(refPtr, "BAD_UTF8", base + pos + bad);
		    return;
		}
		fieldPtr->number = (uint64_t) flags;
	    } else {
		fieldPtr->number = 0;
	    }
	    fieldPtr->length = (size_t) value;
	    pos += (size_t) value;
	    break;

	case CLUSTER_T_LIST:
	    for (i = 0; i < value; i++) {
		uint64_t elementLength;

		status = FuzzVarintRead(body + pos, length - pos,
			&elementLength, &used);
		if (status != CLUSTER_VARINT_OK) {
		    RefFail(refPtr, (status == CLUSTER_VARINT_SHORT)
			    ? "OVERRUN" : "VARINT_TOO_LONG", base + pos);
		    return;
		}
		if (elementLength > length - pos - used) {
		    RefFail(refPtr, "OVERRUN", base + pos);
		    return;
		}
		pos += used;
		if (FuzzUtf8Check(body + pos, (size_t) elementLength,
			&bad) == 0) {
		    RefFail(refPtr, "BAD_UTF8", base + pos + bad);
		    return;
		}
		pos += (size_t) elementLength;
	    }
	    fieldPtr->length = pos - fieldPtr->offset;
	    break;

	default:
	    break;
	}
	refPtr->numFields++;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * RefListNext --
 *
 *	Step through the elements of a list field the reference decoded.
 *
 * Results:
 *	1 with the next element stored, 0 at the end.
 *
 * Side effects:
 *	Advances *cursorPtr.
 *
 *----------------------------------------------------------------------
 */

static int
RefListNext(
    const unsigned char **cursorPtr,	/* Position in the list. */
    const unsigned char *end,		/* One past its bytes. */
    ClusterBytes *elementPtr)		/* Where to store the element. */
{
    uint64_t length;
    size_t used;

    if (*cursorPtr >= end || FuzzVarintRead(*cursorPtr,
	    (size_t) (end - *cursorPtr), &length, &used) != CLUSTER_VARINT_OK
	    || length > (size_t) (end - *cursorPtr) - used) {
	return 0;
    }
    elementPtr->bytes = *cursorPtr + used;
    elementPtr->length = (size_t) length;
    *cursorPtr += used + (size_t) length;
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * SameBytes --
 *
 *	Compare bytes with a ClusterBytes.
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
    const unsigned char *bytes,		/* First string. */
    size_t length,			/* Its length. */
    const ClusterBytes *otherPtr)	/* Second string. */
{
    size_t i;

    if (length != otherPtr->length) {
	return 0;
    }
    for (i = 0; i < length; i++) {
	if (bytes[i] != otherPtr->bytes[i]) {
	    return 0;
	}
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * RefNamesUs, RefStop --
 *
 *	The early stops of doc/protocol.md section 1.4. RefNamesUs: whether a filter
 *	names the identity (one element equals its non-empty sid, its
 *	non-empty hid or one of its tags). RefStop: the first of the
 *	fields the reference decoded at which a receiver with this
 *	identity stops: a sid equal to its own, or a filter that does not
 *	name it (unless numTags < 0).
 *
 * Results:
 *	RefNamesUs: 1 or 0. RefStop: the index of that field with the
 *	verdict stored at verdictPtr, or -1 when it does not stop.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
RefNamesUs(
    const unsigned char *body,		/* The body decoded. */
    const RefField *fieldPtr,		/* Its filter field. */
    const ClusterIdentity *selfPtr)	/* Who decodes. */
{
    const unsigned char *cursor = body + fieldPtr->offset;
    const unsigned char *end = cursor + fieldPtr->length;
    ClusterBytes element;
    int i;

    while (RefListNext(&cursor, end, &element)) {
	if ((selfPtr->sid.length > 0 && SameBytes(element.bytes,
		element.length, &selfPtr->sid))
		|| (selfPtr->hid.length > 0 && SameBytes(element.bytes,
		element.length, &selfPtr->hid))) {
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

static int
RefStop(
    const unsigned char *body,		/* The body decoded. */
    const RefResult *refPtr,		/* What the reference made of it. */
    const ClusterIdentity *selfPtr,	/* Who decodes, or NULL. */
    ClusterVerdict *verdictPtr)		/* Where to store the verdict. */
{
    int i;

    if (selfPtr == NULL) {
	return -1;
    }
    for (i = 0; i < refPtr->numFields; i++) {
	const RefField *fieldPtr = &refPtr->fields[i];

	if (fieldPtr->id == CLUSTER_F_SID && selfPtr->sid.length > 0
		&& SameBytes(body + fieldPtr->offset, fieldPtr->length,
		&selfPtr->sid)) {
	    *verdictPtr = CLUSTER_DECODE_SELF;
	    return i;
	}
	if (fieldPtr->id == CLUSTER_F_FILTER && selfPtr->numTags >= 0
		&& !RefNamesUs(body, fieldPtr, selfPtr)) {
	    *verdictPtr = CLUSTER_DECODE_FILTERED;
	    return i;
	}
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * Decode --
 *
 *	Decode bytes as a packet or as a body, with the error struct
 *	poisoned first so that CheckError sees what the decoder wrote.
 *
 * Results:
 *	The decoder's verdict.
 *
 * Side effects:
 *	Fills *viewPtr and *errPtr.
 *
 *----------------------------------------------------------------------
 */

static ClusterVerdict
Decode(
    int isPacket,			/* 1 for a packet, 0 for a body. */
    const unsigned char *bytes,		/* The bytes. */
    size_t length,			/* Their length. */
    const ClusterIdentity *selfPtr,	/* Who decodes, or NULL. */
    ClusterPacketView *viewPtr,		/* Where to store the fields. */
    ClusterCodecError *errPtr)		/* Where to store an error. */
{
    ClusterVerdict verdict;

    errPtr->code = NULL;
    errPtr->offset = (size_t) -1;
    memset(errPtr->message, 0xAA, sizeof(errPtr->message));
    viewPtr->numFields = -1;
    if (isPacket) {
	verdict = ClusterDecodePacket(bytes, length, selfPtr, viewPtr,
		errPtr);
    } else {
	verdict = ClusterDecodeBody(bytes, length, selfPtr, viewPtr, errPtr);
    }
    FUZZ_CHECK(viewPtr->numFields >= 0
	    && viewPtr->numFields <= CLUSTER_MAX_FIELDS);
    CheckError(verdict, errPtr, length);
    return verdict;
}

/*
 *----------------------------------------------------------------------
 *
 * CheckError --
 *
 *	An error must carry a known code, an offset within the input or at
 *	its end (always at its end for TRUNCATED; a body may run out where
 *	a list element should start) and a terminated, non-empty message.
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
CheckError(
    ClusterVerdict verdict,		/* The decoder's verdict. */
    const ClusterCodecError *errPtr,	/* Its error. */
    size_t length)			/* Bytes decoded. */
{
    int i;

    FUZZ_CHECK(verdict == CLUSTER_DECODE_OK
	    || verdict == CLUSTER_DECODE_SELF
	    || verdict == CLUSTER_DECODE_FILTERED
	    || verdict == CLUSTER_DECODE_ERROR);
    if (verdict != CLUSTER_DECODE_ERROR) {
	return;
    }
    FUZZ_CHECK(errPtr->code != NULL);
    for (i = 0; knownCodes[i] != NULL; i++) {
	if (strcmp(errPtr->code, knownCodes[i]) == 0) {
	    break;
	}
    }
    FUZZ_CHECK(knownCodes[i] != NULL);
    if (strcmp(errPtr->code, "TRUNCATED") == 0) {
	FUZZ_CHECK(errPtr->offset == length);
    } else {
	FUZZ_CHECK(errPtr->offset <= length);
    }
    FUZZ_CHECK(memchr(errPtr->message, 0, sizeof(errPtr->message)) != NULL);
    FUZZ_CHECK(errPtr->message[0] != '\0');
}

/*
 *----------------------------------------------------------------------
 *
 * CompareFields, CompareDecode --
 *
 *	CompareFields: the first numFields fields of a view must be the
 *	reference's: same ids and numbers and, for strings, raws and
 *	lists, the very same bytes of the input. CompareDecode: a decode
 *	as a given identity must stop where the reference says, or else
 *	end as the reference does, with the same error at the same offset.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Abort on a difference.
 *
 *----------------------------------------------------------------------
 */

static void
CompareFields(
    const ClusterPacketView *viewPtr,	/* What the codec decoded. */
    int numFields,			/* How many fields to compare. */
    const RefResult *refPtr,		/* What the reference decoded. */
    const unsigned char *body)		/* Where the body starts. */
{
    int i;

    for (i = 0; i < numFields; i++) {
	const ClusterField *fieldPtr = &viewPtr->fields[i];
	const RefField *refFieldPtr = &refPtr->fields[i];

	FUZZ_CHECK(fieldPtr->id == refFieldPtr->id);
	FUZZ_CHECK(fieldPtr->number == refFieldPtr->number);
	switch (refFields[refFieldPtr->id].type) {
	case CLUSTER_T_STRING:
	case CLUSTER_T_RAW:
	case CLUSTER_T_LIST:
	    FUZZ_CHECK(fieldPtr->bytes == body + refFieldPtr->offset);
	    FUZZ_CHECK(fieldPtr->length == refFieldPtr->length);
	    break;
	default:
	    break;
	}
    }
}

static void
CompareDecode(
    ClusterVerdict verdict,		/* The codec's verdict... */
    const ClusterPacketView *viewPtr,	/* ... fields... */
    const ClusterCodecError *errPtr,	/* ... and error. */
    const RefResult *refPtr,		/* The reference's result. */
    const unsigned char *body,		/* Where the body starts. */
    const ClusterIdentity *selfPtr)	/* Who decoded, or NULL. */
{
    ClusterVerdict expected = CLUSTER_DECODE_OK;
    int stop = RefStop(body, refPtr, selfPtr, &expected);

    if (stop >= 0) {
	FUZZ_CHECK(verdict == expected);
	FUZZ_CHECK(viewPtr->numFields == stop + 1);
	CompareFields(viewPtr, stop + 1, refPtr, body);
	return;
    }
    if (refPtr->ok) {
	FUZZ_CHECK(verdict == CLUSTER_DECODE_OK);
    } else {
	FUZZ_CHECK(verdict == CLUSTER_DECODE_ERROR);
	FUZZ_CHECK(strcmp(errPtr->code, refPtr->code) == 0);
	FUZZ_CHECK(errPtr->offset == refPtr->errorOffset);
    }
    FUZZ_CHECK(viewPtr->numFields == refPtr->numFields);
    CompareFields(viewPtr, refPtr->numFields, refPtr, body);
}

/*
 *----------------------------------------------------------------------
 *
 * WalkView --
 *
 *	Walk every field of a view as the receive path does when it builds
 *	a payload dict, checking what it relies on: ids are known; values
 *	lie inside the decoded bytes, in wire order, without overlapping;
 *	strings are valid UTF-8 with their flags in `number`; a list
 *	yields exactly `number` valid elements through ClusterListNext and
 *	ends exactly at its end; a boolean is 0 or 1.
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
WalkView(
    const ClusterPacketView *viewPtr,	/* Fields to walk. */
    const unsigned char *start,		/* The bytes decoded. */
    size_t length)			/* Their length. */
{
    const unsigned char *limit = start;	/* End of the previous value. */
    int i;

    for (i = 0; i < viewPtr->numFields; i++) {
	const ClusterField *fieldPtr = &viewPtr->fields[i];
	ClusterFieldType type;

	FUZZ_CHECK(fieldPtr->id >= 1 && fieldPtr->id < CLUSTER_F_COUNT);
	type = refFields[fieldPtr->id].type;
	FUZZ_CHECK(clusterFieldInfo[fieldPtr->id].type == type);
	FUZZ_CHECK(strcmp(clusterFieldInfo[fieldPtr->id].name,
		refFields[fieldPtr->id].name) == 0);

	switch (type) {
	case CLUSTER_T_VARINT:
	    break;
	case CLUSTER_T_BOOLEAN:
	    FUZZ_CHECK(fieldPtr->number <= 1);
	    break;
	case CLUSTER_T_STRING:
	case CLUSTER_T_RAW:
	case CLUSTER_T_LIST:
	    FUZZ_CHECK(fieldPtr->bytes >= limit);
	    FUZZ_CHECK(fieldPtr->length <= length);
	    FUZZ_CHECK((size_t) (fieldPtr->bytes - start)
		    <= length - fieldPtr->length);
	    limit = fieldPtr->bytes + fieldPtr->length;
	    if (type == CLUSTER_T_STRING) {
		int flags = ClusterUtf8Valid(fieldPtr->bytes,
			fieldPtr->length);

		FUZZ_CHECK(flags != 0);
		FUZZ_CHECK(fieldPtr->number == (uint64_t) flags);
	    } else if (type == CLUSTER_T_LIST) {
		const unsigned char *cursor = fieldPtr->bytes;
		const unsigned char *end = cursor + fieldPtr->length;
		ClusterBytes element;
		uint64_t count = 0;

		while (count < fieldPtr->number
			&& ClusterListNext(&cursor, end, &element)) {
		    FUZZ_CHECK(element.bytes >= fieldPtr->bytes
			    && element.bytes + element.length <= end);
		    FUZZ_CHECK(ClusterUtf8Valid(element.bytes,
			    element.length) != 0);
		    count++;
		}
		FUZZ_CHECK(count == fieldPtr->number);
		FUZZ_CHECK(cursor == end);
		FUZZ_CHECK(!ClusterListNext(&cursor, end, &element));
	    }
	    break;
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * Reencode --
 *
 *	Encode the fields of a view again, in wire order, with the codec's
 *	encoder.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Builds the packet in *bufPtr; stores where it starts and its
 *	length.
 *
 *----------------------------------------------------------------------
 */

static void
Reencode(
    const ClusterPacketView *viewPtr,	/* Fields to encode. */
    ClusterBuf *bufPtr,			/* Buffer to build in. */
    const unsigned char **packetPtr,	/* Where to store the packet. */
    size_t *lengthPtr)			/* Where to store its length. */
{
    size_t start;
    int i;

    ClusterPacketBegin(bufPtr);
    for (i = 0; i < viewPtr->numFields; i++) {
	const ClusterField *fieldPtr = &viewPtr->fields[i];

	switch (refFields[fieldPtr->id].type) {
	case CLUSTER_T_VARINT:
	    ClusterPutVarintField(bufPtr, fieldPtr->id, fieldPtr->number);
	    break;
	case CLUSTER_T_BOOLEAN:
	    ClusterPutBooleanField(bufPtr, fieldPtr->id,
		    (int) fieldPtr->number);
	    break;
	case CLUSTER_T_STRING:
	case CLUSTER_T_RAW:
	    ClusterPutBytesField(bufPtr, fieldPtr->id, fieldPtr->bytes,
		    fieldPtr->length);
	    break;
	case CLUSTER_T_LIST: {
	    const unsigned char *cursor = fieldPtr->bytes;
	    const unsigned char *end = cursor + fieldPtr->length;
	    ClusterBytes element;

	    ClusterPutListHeader(bufPtr, fieldPtr->id,
		    (size_t) fieldPtr->number);
	    while (ClusterListNext(&cursor, end, &element)) {
		ClusterPutListElement(bufPtr, element.bytes, element.length);
	    }
	    break;
	}
	}
    }
    start = ClusterPacketEnd(bufPtr, lengthPtr);
    *packetPtr = bufPtr->bytes + start;
}

/*
 *----------------------------------------------------------------------
 *
 * CompareLists --
 *
 *	Two list fields must hold the same elements.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a difference.
 *
 *----------------------------------------------------------------------
 */

static void
CompareLists(
    const ClusterField *aPtr,	/* One list field. */
    const ClusterField *bPtr)	/* The other. */
{
    const unsigned char *a = aPtr->bytes, *aEnd = a + aPtr->length;
    const unsigned char *b = bPtr->bytes, *bEnd = b + bPtr->length;
    ClusterBytes aElement, bElement;
    int aMore, bMore;

    do {
	aMore = ClusterListNext(&a, aEnd, &aElement);
	bMore = ClusterListNext(&b, bEnd, &bElement);
	FUZZ_CHECK(aMore == bMore);
	if (aMore) {
	    FUZZ_CHECK(aElement.length == bElement.length);
	    FUZZ_CHECK(aElement.length == 0 || memcmp(aElement.bytes,
		    bElement.bytes, aElement.length) == 0);
	}
    } while (aMore);
}

/*
 *----------------------------------------------------------------------
 *
 * CheckReencode --
 *
 *	Round trip of a view that decoded whole: its re-encoding decodes to
 *	the same fields and encodes again to the same bytes; it is never
 *	longer than the original body (varints are written minimally, the
 *	decoder also accepts longer forms) and, when as long, identical to
 *	it; and for a packet, the same holds for the whole packet.
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
CheckReencode(
    const unsigned char *body,		/* The body decoded. */
    size_t bodyLength,			/* Its length. */
    const unsigned char *packet,	/* The packet around it, or NULL. */
    size_t packetLength,		/* Its length. */
    const ClusterPacketView *viewPtr)	/* What decoded. */
{
    ClusterBuf first, second;
    ClusterPacketView again;
    ClusterCodecError error;
    const unsigned char *p1, *p2, *body1;
    size_t length1, length2, bodyLength1, prefix1;
    uint64_t value;
    int i;

    ClusterBufInit(&first);
    ClusterBufInit(&second);
    Reencode(viewPtr, &first, &p1, &length1);

    FUZZ_CHECK(length1 >= 5 && p1[0] == 0xC0 && p1[1] == 0x8D);
    FUZZ_CHECK(p1[length1 - 2] == 0 && p1[length1 - 1] == 0);
    FUZZ_CHECK(FuzzVarintRead(p1 + 2, length1 - 2, &value,
	    &prefix1) == CLUSTER_VARINT_OK);
    FUZZ_CHECK(ClusterVarintSize(value) == prefix1);
    prefix1 += 2;
    FUZZ_CHECK(value == length1 - prefix1 - 2);
    bodyLength1 = (size_t) value;
    body1 = p1 + prefix1;
    FUZZ_CHECK(bodyLength1 <= bodyLength);
    if (bodyLength1 == bodyLength) {
	FUZZ_CHECK(bodyLength == 0 || memcmp(body1, body, bodyLength) == 0);
    }
    if (packet != NULL) {
	FUZZ_CHECK(length1 <= packetLength);
	if (length1 == packetLength) {
	    FUZZ_CHECK(memcmp(p1, packet, packetLength) == 0);
	}
    }

    FUZZ_CHECK(Decode(1, p1, length1, NULL, &again, &error)
	    == CLUSTER_DECODE_OK);
    FUZZ_CHECK(again.numFields == viewPtr->numFields);
    for (i = 0; i < again.numFields; i++) {
	const ClusterField *aPtr = &viewPtr->fields[i];
	const ClusterField *bPtr = &again.fields[i];

	FUZZ_CHECK(aPtr->id == bPtr->id && aPtr->number == bPtr->number);
	switch (refFields[aPtr->id].type) {
	case CLUSTER_T_STRING:
	case CLUSTER_T_RAW:
	    FUZZ_CHECK(aPtr->length == bPtr->length);
	    FUZZ_CHECK(aPtr->length == 0
		    || memcmp(aPtr->bytes, bPtr->bytes, aPtr->length) == 0);
	    break;
	case CLUSTER_T_LIST:
	    CompareLists(aPtr, bPtr);
	    break;
	default:
	    break;
	}
    }
    WalkView(&again, p1, length1);

    Reencode(&again, &second, &p2, &length2);
    FUZZ_CHECK(length2 == length1 && memcmp(p1, p2, length1) == 0);
    ClusterBufFree(&first);
    ClusterBufFree(&second);
}

/*
 *----------------------------------------------------------------------
 *
 * CheckIdentities --
 *
 *	Decode the bytes again as several receivers and compare each
 *	decode with where the reference says it must stop: the member of
 *	the golden vectors; a receiver whose sid is the packet's last sid
 *	(sid check only); one whose tags are the elements of the packet's
 *	first filter; one whose hid is the first element of its last
 *	filter; and one named by no filter at all.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a difference.
 *
 *----------------------------------------------------------------------
 */

static void
CheckIdentities(
    const unsigned char *bytes,		/* The bytes decoded. */
    size_t length,			/* Their length. */
    int isPacket,			/* 1 for a packet, 0 for a body. */
    const RefResult *refPtr)		/* The reference's result. */
{
    const unsigned char *body = bytes + refPtr->bodyStart;
    const RefField *firstFilter = NULL, *lastFilter = NULL;
    const RefField *lastSid = NULL;
    ClusterIdentity ids[NUM_IDENTITIES];
    ClusterBytes tags[CLUSTER_MAX_FIELDS];
    ClusterPacketView view;
    ClusterCodecError error;
    int i, n;

    for (i = 0; i < refPtr->numFields; i++) {
	const RefField *fieldPtr = &refPtr->fields[i];

	if (fieldPtr->id == CLUSTER_F_SID) {
	    lastSid = fieldPtr;
	} else if (fieldPtr->id == CLUSTER_F_FILTER) {
	    if (firstFilter == NULL) {
		firstFilter = fieldPtr;
	    }
	    lastFilter = fieldPtr;
	}
    }
    memset(ids, 0, sizeof(ids));
    ids[0] = memberIdentity;

    ids[1].numTags = -1;
    if (lastSid != NULL) {
	ids[1].sid.bytes = body + lastSid->offset;
	ids[1].sid.length = lastSid->length;
    }

    n = 0;
    if (firstFilter != NULL) {
	const unsigned char *cursor = body + firstFilter->offset;
	const unsigned char *end = cursor + firstFilter->length;

	while (n < CLUSTER_MAX_FIELDS
		&& RefListNext(&cursor, end, &tags[n])) {
	    n++;
	}
    }
    ids[2].tags = tags;
    ids[2].numTags = n;

    if (lastFilter != NULL) {
	const unsigned char *cursor = body + lastFilter->offset;

	RefListNext(&cursor, cursor + lastFilter->length, &ids[3].hid);
    }
    ids[3].numTags = 0;

    ids[4].numTags = 0;

    for (i = 0; i < NUM_IDENTITIES; i++) {
	ClusterVerdict verdict = Decode(isPacket, bytes, length, &ids[i],
		&view, &error);

	CompareDecode(verdict, &view, &error, refPtr, body, &ids[i]);
	WalkView(&view, bytes, length);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzCheckPacket --
 *
 *	The checks of one packet (a datagram, or a frame out of a stream):
 *	decode it as nobody and as the member of the golden vectors, compare
 *	with the reference and walk its fields; with `all`, also decode it
 *	as the other receivers of CheckIdentities and, when it decoded
 *	whole, re-encode it, and check that proper prefixes of it are
 *	TRUNCATED and that one byte more is a LENGTH_MISMATCH.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a violation.
 *
 *----------------------------------------------------------------------
 */

void
FuzzCheckPacket(
    const unsigned char *packet,	/* The packet. */
    size_t length,			/* Its length. */
    int all)				/* 0: only the first two decodes. */
{
    static RefResult ref;
    ClusterPacketView view;
    ClusterCodecError error;
    ClusterVerdict verdict;
    const unsigned char *body;
    size_t cuts[2];
    unsigned char *longer;
    int i;

    RefDecodePacket(packet, length, &ref);
    body = packet + ref.bodyStart;
    verdict = Decode(1, packet, length, NULL, &view, &error);
    CompareDecode(verdict, &view, &error, &ref, body, NULL);
    WalkView(&view, packet, length);
    if (!all) {
	ClusterPacketView member;
	ClusterVerdict memberVerdict = Decode(1, packet, length,
		&memberIdentity, &member, &error);

	CompareDecode(memberVerdict, &member, &error, &ref, body,
		&memberIdentity);
	WalkView(&member, packet, length);
	return;
    }
    CheckIdentities(packet, length, 1, &ref);
    if (verdict != CLUSTER_DECODE_OK) {
	return;
    }
    CheckReencode(body, length - ref.bodyStart - 2, packet, length, &view);

    cuts[0] = length - 1;
    cuts[1] = length / 2;
    for (i = 0; i < 2; i++) {
	ClusterPacketView cut;

	FUZZ_CHECK(Decode(1, packet, cuts[i], NULL, &cut, &error)
		== CLUSTER_DECODE_ERROR);
	FUZZ_CHECK(strcmp(error.code, "TRUNCATED") == 0);
    }
    longer = malloc(length + 1);
    FUZZ_CHECK(longer != NULL);
    memcpy(longer, packet, length);
    longer[length] = packet[length / 2];
    FUZZ_CHECK(Decode(1, longer, length + 1, NULL, &view, &error)
	    == CLUSTER_DECODE_ERROR);
    FUZZ_CHECK(strcmp(error.code, "LENGTH_MISMATCH") == 0
	    && error.offset == length);
    free(longer);
}

/*
 *----------------------------------------------------------------------
 *
 * FuzzCheckBody --
 *
 *	The checks of FuzzCheckPacket for bytes taken as a body
 *	(ClusterDecodeBody), without the framing.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a violation.
 *
 *----------------------------------------------------------------------
 */

void
FuzzCheckBody(
    const unsigned char *body,		/* The body. */
    size_t length)			/* Its length. */
{
    static RefResult ref;
    ClusterPacketView view;
    ClusterCodecError error;
    ClusterVerdict verdict;

    RefDecodeBody(body, length, 0, &ref);
    ref.bodyStart = 0;
    verdict = Decode(0, body, length, NULL, &view, &error);
    CompareDecode(verdict, &view, &error, &ref, body, NULL);
    WalkView(&view, body, length);
    CheckIdentities(body, length, 0, &ref);
    if (verdict == CLUSTER_DECODE_OK) {
	CheckReencode(body, length, NULL, 0, &view);
    }
}
