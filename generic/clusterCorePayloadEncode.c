/*
 * clusterCorePayloadEncode.c --
 *
 *	The payload seen from Tcl, encoding side: a dict keyed by field
 *	names turned into a packet (doc/protocol.md section 1.4), each value converted
 *	by its field's type, strings from Tcl's internal "modified UTF-8"
 *	(NUL as C0 80, characters beyond the BMP as two 3-byte surrogates)
 *	to real UTF-8 on the wire, with a fast path for the common
 *	pure-ASCII case; and Tcl integers read as varints. Keys are
 *	recognised by address when they are the shared key objects of the
 *	per-thread cache (clusterCorePayload.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"
#include <stdio.h>
#include <tclTomMath.h>

/*
 * Values quoted in error messages are cut to this many bytes.
 */

#define PREVIEW_BYTES 40

/*
 * Eight bytes at a time: the high bit of every byte.
 */

#define HIGH_BITS UINT64_C(0x8080808080808080)

/*
 * Static functions defined in this file.
 */

static int		EncodeField(Tcl_Interp *interp,
			    ClusterPayloadCache *tsdPtr, ClusterBuf *bufPtr,
			    ClusterFieldId id, Tcl_Obj *valueObj);
static ClusterFieldId	FieldFromKey(ClusterPayloadCache *tsdPtr,
			    Tcl_Obj *keyObj);
static int		GetVarint(Tcl_Interp *interp,
			    ClusterPayloadCache *tsdPtr, Tcl_Obj *objPtr,
			    const char *field, uint64_t *valuePtr);
static int		IsAscii(const unsigned char *bytes, size_t length);
static void		PreviewValue(Tcl_Obj *objPtr, char *buffer,
			    size_t size);
static void		PutWireString(ClusterBuf *bufPtr, ClusterFieldId id,
			    const char *string, size_t length);
static size_t		TclToWire(const unsigned char *src, size_t length,
			    unsigned char *dst);

/*
 *----------------------------------------------------------------------
 *
 * FieldFromKey --
 *
 *	Map a dict key to its field: by its first letter to at most three
 *	candidates, then by address for the cached keys (any dict
 *	clusterCorePayload.c decoded), else by name. The key object is not
 *	converted to another type.
 *
 * Results:
 *	The field id, or CLUSTER_F_NONE for an unknown key.
 *
 * Side effects:
 *	May compute the key's string representation.
 *
 *----------------------------------------------------------------------
 */

static ClusterFieldId
FieldFromKey(
    ClusterPayloadCache *tsdPtr,	/* The thread's cache. */
    Tcl_Obj *keyObj)		/* Key to look up. */
{
    const char *name;
    int i, length;
    ClusterFieldId candidates[3] = {
	CLUSTER_F_NONE, CLUSTER_F_NONE, CLUSTER_F_NONE
    };

    name = Tcl_GetStringFromObj(keyObj, &length);
    switch (name[0]) {
    case 't':
	candidates[0] = CLUSTER_F_TYPE;
	candidates[1] = CLUSTER_F_TIMESTAMP;
	candidates[2] = CLUSTER_F_TAGS;
	break;
    case 'c': candidates[0] = CLUSTER_F_CHANNEL; break;
    case 'h': candidates[0] = CLUSTER_F_HID; break;
    case 's': candidates[0] = CLUSTER_F_SID; break;
    case 'k':
	candidates[0] = CLUSTER_F_KNOWN;
	candidates[1] = CLUSTER_F_KEEPALIVE;
	break;
    case 'p': candidates[0] = CLUSTER_F_PROTOCOLS; break;
    case 'r':
	candidates[0] = CLUSTER_F_RUID;
	candidates[1] = CLUSTER_F_RAW;
	break;
    case 'o': candidates[0] = CLUSTER_F_OP; break;
    case 'd': candidates[0] = CLUSTER_F_DATA; break;
    case 'f': candidates[0] = CLUSTER_F_FILTER; break;
    case 'e': candidates[0] = CLUSTER_F_ERROR; break;
    default:
	return CLUSTER_F_NONE;
    }
    for (i = 0; i < 3 && candidates[i] != CLUSTER_F_NONE; i++) {
	const char *known = clusterFieldInfo[candidates[i]].name;

	if (tsdPtr->keys[candidates[i]] == keyObj
		|| ((size_t) length == strlen(known)
		    && memcmp(name, known, (size_t) length) == 0)) {
	    return candidates[i];
	}
    }
    return CLUSTER_F_NONE;
}

/*
 *----------------------------------------------------------------------
 *
 * PreviewValue --
 *
 *	The start of a value's string, for an error message: at most
 *	PREVIEW_BYTES bytes, cut on a character boundary, with "..." when
 *	cut.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills buffer (size must exceed PREVIEW_BYTES + 3).
 *
 *----------------------------------------------------------------------
 */

static void
PreviewValue(
    Tcl_Obj *objPtr,		/* Value to show. */
    char *buffer,		/* Where to write. */
    size_t size)		/* Its size. */
{
    int length;
    const char *string = Tcl_GetStringFromObj(objPtr, &length);

    if ((size_t) length <= PREVIEW_BYTES) {
	snprintf(buffer, size, "%s", string);
    } else {
	const char *cut = string + PREVIEW_BYTES;

	/*
	 * Back up to the first byte of a character.
	 */

	while (cut > string && (*cut & 0xC0) == 0x80) {
	    cut--;
	}
	snprintf(buffer, size, "%.*s...", (int) (cut - string), string);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * GetVarint, ClusterGetVarintFromObj --
 *
 *	Read a Tcl integer in 0..2^64-1. Tcl_GetWideIntFromObj is the fast
 *	path; since it silently wraps bignums of up to 64 bits, a value that
 *	is a bignum is checked as one.
 *
 * Results:
 *	TCL_OK with the value stored, or TCL_ERROR with an error in interp:
 *	{CLUSTER ENCODE NOT_A_NUMBER}, {CLUSTER ENCODE NEGATIVE} or
 *	{CLUSTER ENCODE TOO_LARGE}. The message names `field` when not
 *	NULL.
 *
 * Side effects:
 *	May convert the value's internal representation to an integer.
 *
 *----------------------------------------------------------------------
 */

static int
GetVarint(
    Tcl_Interp *interp,		/* For errors; may be NULL. */
    ClusterPayloadCache *tsdPtr,	/* The thread's cache. */
    Tcl_Obj *objPtr,		/* Value to read. */
    const char *field,		/* Field name for messages, or NULL. */
    uint64_t *valuePtr)		/* Where to store the value. */
{
    Tcl_WideInt wide;
    mp_int big;
    char preview[PREVIEW_BYTES + 8], where[64];
    int negative, bits;

    if (Tcl_GetWideIntFromObj(NULL, objPtr, &wide) == TCL_OK
	    && objPtr->typePtr != tsdPtr->bignumType) {
	if (wide >= 0) {
	    *valuePtr = (uint64_t) wide;
	    return TCL_OK;
	}
	negative = 1;
	bits = 0;
    } else if (Tcl_GetBignumFromObj(NULL, objPtr, &big) == TCL_OK) {
	negative = mp_isneg(&big);
	bits = mp_count_bits(&big);
	if (!negative && bits <= 64) {
	    *valuePtr = (uint64_t) mp_get_mag_ull(&big);
	    mp_clear(&big);
	    return TCL_OK;
	}
	mp_clear(&big);
    } else {
	negative = -1;
	bits = 0;
    }

    PreviewValue(objPtr, preview, sizeof(preview));
    if (field != NULL) {
	snprintf(where, sizeof(where), "field \"%s\": ", field);
    } else {
	where[0] = '\0';
    }
    if (negative < 0) {
	return ClusterError(interp, "ENCODE", "NOT_A_NUMBER",
		"%sexpected an integer from 0 to 18446744073709551615 but "
		"got \"%s\"", where, preview);
    } else if (negative) {
	return ClusterError(interp, "ENCODE", "NEGATIVE",
		"%snegative value \"%s\" cannot be encoded: varints are "
		"unsigned", where, preview);
    }
    return ClusterError(interp, "ENCODE", "TOO_LARGE",
	    "%svalue \"%s\" is too large for a varint (largest is "
	    "18446744073709551615)", where, preview);
}

int
ClusterGetVarintFromObj(
    Tcl_Interp *interp,		/* For errors; may be NULL. */
    Tcl_Obj *objPtr,		/* Value to read. */
    uint64_t *valuePtr)		/* Where to store the value. */
{
    return GetVarint(interp, ClusterGetPayloadCache(), objPtr, NULL,
	    valuePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * IsAscii --
 *
 *	Whether bytes are all below 0x80 (then Tcl's form and the wire form
 *	are the same). Eight bytes at a time.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
IsAscii(
    const unsigned char *bytes,	/* Bytes to check. */
    size_t length)		/* How many. */
{
    size_t i = 0;
    uint64_t any = 0;

    for (; length - i >= 8; i += 8) {
	uint64_t w;

	memcpy(&w, bytes + i, 8);
	any |= w;
    }
    if (any & HIGH_BITS) {
	return 0;
    }
    for (; i < length; i++) {
	if (bytes[i] & 0x80) {
	    return 0;
	}
    }
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * TclToWire --
 *
 *	Convert Tcl's internal string form to real UTF-8: C0 80 becomes 00;
 *	a surrogate pair (two 3-byte ED sequences) becomes one 4-byte
 *	sequence; a lone surrogate becomes U+FFFD; well-formed sequences are
 *	copied; any other byte is read as Tcl reads it (Tcl_UtfToUniChar)
 *	and re-encoded. The source must be NUL-terminated beyond `length`
 *	(Tcl's string representations are).
 *
 * Results:
 *	Bytes written to dst, at most 3 * length.
 *
 * Side effects:
 *	Writes to dst.
 *
 *----------------------------------------------------------------------
 */

static size_t
TclToWire(
    const unsigned char *src,	/* Tcl string bytes. */
    size_t length,		/* How many. */
    unsigned char *dst)		/* Room for 3 * length bytes. */
{
    size_t i = 0, n = 0;

#define CONT(k) (i + (k) < length && (src[i + (k)] & 0xC0) == 0x80)

    while (i < length) {
	unsigned b = src[i];

	if (b < 0x80) {
	    dst[n++] = (unsigned char) b;
	    i++;
	} else if (b == 0xC0 && i + 1 < length && src[i+1] == 0x80) {
	    dst[n++] = 0;
	    i += 2;
	} else if (b >= 0xC2 && b <= 0xDF && CONT(1)) {
	    dst[n++] = src[i++];
	    dst[n++] = src[i++];
	} else if (b == 0xED && CONT(1) && CONT(2) && src[i+1] >= 0xA0) {
	    unsigned hi = ((src[i+1] & 0x3Fu) << 6) | (src[i+2] & 0x3Fu);

	    /*
	     * A surrogate: hi is its offset from U+D000.
	     */

	    if (hi < 0xC00 && i + 5 < length && src[i+3] == 0xED
		    && (src[i+4] & 0xF0) == 0xB0 && CONT(5)) {
		unsigned lo = ((src[i+4] & 0x0Fu) << 6) | (src[i+5] & 0x3Fu);
		unsigned long cp = 0x10000
			+ ((unsigned long) (hi - 0x800) << 10) + lo;

		dst[n++] = (unsigned char) (0xF0 | (cp >> 18));
		dst[n++] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
		dst[n++] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		dst[n++] = (unsigned char) (0x80 | (cp & 0x3F));
		i += 6;
	    } else {
		ClusterUtf8Append(dst, &n, 0xFFFD);
		i += 3;
	    }
	} else if (b >= 0xE0 && b <= 0xEF && CONT(1) && CONT(2)
		&& (b != 0xE0 || src[i+1] >= 0xA0)) {
	    dst[n++] = src[i++];
	    dst[n++] = src[i++];
	    dst[n++] = src[i++];
	} else if (b >= 0xF0 && b <= 0xF4 && CONT(1) && CONT(2) && CONT(3)
		&& (b != 0xF0 || src[i+1] >= 0x90)
		&& (b != 0xF4 || src[i+1] <= 0x8F)) {
	    memcpy(dst + n, src + i, 4);
	    n += 4;
	    i += 4;
	} else {
	    Tcl_UniChar ch = 0;
	    int used = Tcl_UtfToUniChar((const char *) src + i, &ch);

	    if (used < 1 || (size_t) used > length - i) {
		used = 1;
		ch = (Tcl_UniChar) b;
	    }
	    if (ch >= 0xD800 && ch <= 0xDFFF) {
		ch = 0xFFFD;
	    }
	    ClusterUtf8Append(dst, &n, ch);
	    i += (size_t) used;
	}
    }
#undef CONT
    return n;
}

/*
 *----------------------------------------------------------------------
 *
 * PutWireString --
 *
 *	Append a Tcl string as a string field (id != CLUSTER_F_NONE) or as
 *	a list element (id == CLUSTER_F_NONE), converted to real UTF-8.
 *	Pure ASCII is copied as is; otherwise the conversion writes straight
 *	into the buffer behind a length prefix sized for the input, which is
 *	moved only in the rare case where the converted length needs a
 *	varint of another size.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Appends to the buffer.
 *
 *----------------------------------------------------------------------
 */

static void
PutWireString(
    ClusterBuf *bufPtr,		/* Packet being built. */
    ClusterFieldId id,		/* Field, or CLUSTER_F_NONE for an element. */
    const char *string,		/* Tcl string bytes (NUL-terminated). */
    size_t length)		/* How many. */
{
    const unsigned char *src = (const unsigned char *) string;
    unsigned char *p, *body;
    size_t n = 0, guess, actual, converted;

    if (IsAscii(src, length)) {
	if (id == CLUSTER_F_NONE) {
	    ClusterPutListElement(bufPtr, src, length);
	} else {
	    ClusterPutBytesField(bufPtr, id, src, length);
	}
	return;
    }
    if (length > (SIZE_MAX - 4 * CLUSTER_VARINT_MAX) / 3) {
	Tcl_Panic("cluster: string of %lu bytes too large to encode",
		(unsigned long) length);
    }
    p = ClusterBufReserve(bufPtr, 2 * CLUSTER_VARINT_MAX + 3 * length);
    if (id != CLUSTER_F_NONE) {
	n = ClusterVarintWrite(p, (uint64_t) id);
    }
    guess = ClusterVarintSize((uint64_t) length);
    body = p + n + guess;
    converted = TclToWire(src, length, body);
    actual = ClusterVarintSize((uint64_t) converted);
    if (actual != guess) {
	memmove(p + n + actual, body, converted);
    }
    ClusterVarintWrite(p + n, (uint64_t) converted);
    bufPtr->length += n + actual + converted;
}

/*
 *----------------------------------------------------------------------
 *
 * EncodeField --
 *
 *	Append one payload field, its value converted from Tcl by type.
 *
 * Results:
 *	A standard Tcl result; errors are {CLUSTER ENCODE ...} and name the
 *	field and the value.
 *
 * Side effects:
 *	Appends to the buffer (partially on error: the caller discards it).
 *	May change the value's internal representation to the field's type.
 *
 *----------------------------------------------------------------------
 */

static int
EncodeField(
    Tcl_Interp *interp,		/* For errors. */
    ClusterPayloadCache *tsdPtr,	/* The thread's cache. */
    ClusterBuf *bufPtr,		/* Packet being built. */
    ClusterFieldId id,		/* Field to append. */
    Tcl_Obj *valueObj)		/* Its value. */
{
    const char *name = clusterFieldInfo[id].name;
    char preview[PREVIEW_BYTES + 8];

    switch (clusterFieldInfo[id].type) {
    case CLUSTER_T_VARINT: {
	uint64_t value;

	if (GetVarint(interp, tsdPtr, valueObj, name, &value) != TCL_OK) {
	    return TCL_ERROR;
	}
	ClusterPutVarintField(bufPtr, id, value);
	return TCL_OK;
    }

    case CLUSTER_T_STRING: {
	int length;
	const char *string = Tcl_GetStringFromObj(valueObj, &length);

	PutWireString(bufPtr, id, string, (size_t) length);
	return TCL_OK;
    }

    case CLUSTER_T_LIST: {
	int objc, i;
	Tcl_Obj **objv;

	if (Tcl_ListObjGetElements(NULL, valueObj, &objc, &objv) != TCL_OK) {
	    PreviewValue(valueObj, preview, sizeof(preview));
	    return ClusterError(interp, "ENCODE", "NOT_A_LIST",
		    "field \"%s\": expected a list but got \"%s\"", name,
		    preview);
	}
	ClusterPutListHeader(bufPtr, id, (size_t) objc);
	for (i = 0; i < objc; i++) {
	    int length;
	    const char *string = Tcl_GetStringFromObj(objv[i], &length);

	    PutWireString(bufPtr, CLUSTER_F_NONE, string, (size_t) length);
	}
	return TCL_OK;
    }

    case CLUSTER_T_BOOLEAN: {
	int value;

	if (Tcl_GetBooleanFromObj(NULL, valueObj, &value) != TCL_OK) {
	    PreviewValue(valueObj, preview, sizeof(preview));
	    return ClusterError(interp, "ENCODE", "NOT_A_BOOLEAN",
		    "field \"%s\": expected a boolean but got \"%s\"", name,
		    preview);
	}
	ClusterPutBooleanField(bufPtr, id, value);
	return TCL_OK;
    }

    case CLUSTER_T_RAW: {
	int length;
	const unsigned char *bytes =
		Tcl_GetByteArrayFromObj(valueObj, &length);

	ClusterPutBytesField(bufPtr, id, bytes, (size_t) length);
	return TCL_OK;
    }
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPayloadEncode --
 *
 *	Encode a payload dict as a whole packet, fields in the dict's order,
 *	except that `filter` goes first unless keepOrder is set
 *	(doc/protocol.md section 1.4).
 *
 * Results:
 *	A standard Tcl result. On success the packet is in the buffer at
 *	*startPtr, *lengthPtr bytes long. Errors are {CLUSTER ENCODE
 *	NOT_A_DICT}, {CLUSTER ENCODE UNKNOWN_FIELD key} or the value errors
 *	of EncodeField.
 *
 * Side effects:
 *	Overwrites the buffer's contents.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPayloadEncode(
    Tcl_Interp *interp,		/* For errors; may be NULL. */
    Tcl_Obj *dictObj,		/* The payload dict. */
    int keepOrder,		/* Non-zero: keep filter where it is. */
    ClusterBuf *bufPtr,		/* Where to build the packet. */
    size_t *startPtr,		/* Where to store its offset. */
    size_t *lengthPtr)		/* Where to store its length. */
{
    ClusterPayloadCache *tsdPtr = ClusterGetPayloadCache();
    Tcl_DictSearch search;
    Tcl_Obj *keyObj, *valueObj, *filterObj = NULL;
    int done;

    if (Tcl_DictObjFirst(NULL, dictObj, &search, &keyObj, &valueObj,
	    &done) != TCL_OK) {
	char preview[PREVIEW_BYTES + 8];

	PreviewValue(dictObj, preview, sizeof(preview));
	return ClusterError(interp, "ENCODE", "NOT_A_DICT",
		"payload is not a dict: \"%s\"", preview);
    }
    ClusterPacketBegin(bufPtr);
    if (!keepOrder) {
	Tcl_DictObjGet(NULL, dictObj, tsdPtr->keys[CLUSTER_F_FILTER],
		&filterObj);
	if (filterObj != NULL && EncodeField(interp, tsdPtr, bufPtr,
		CLUSTER_F_FILTER, filterObj) != TCL_OK) {
	    Tcl_DictObjDone(&search);
	    return TCL_ERROR;
	}
    }
    for (; !done; Tcl_DictObjNext(&search, &keyObj, &valueObj, &done)) {
	ClusterFieldId id = FieldFromKey(tsdPtr, keyObj);

	if (id == CLUSTER_F_NONE) {
	    char preview[PREVIEW_BYTES + 8];

	    Tcl_DictObjDone(&search);
	    PreviewValue(keyObj, preview, sizeof(preview));
	    ClusterError(interp, "ENCODE", "UNKNOWN_FIELD",
		    "unknown payload field \"%s\": must be type, channel, "
		    "hid, sid, known, timestamp, protocols, ruid, op, data, "
		    "raw, tags, keepalive, filter or error", preview);
	    if (interp != NULL) {
		Tcl_SetErrorCode(interp, "CLUSTER", "ENCODE",
			"UNKNOWN_FIELD", Tcl_GetString(keyObj),
			(char *) NULL);
	    }
	    return TCL_ERROR;
	}
	if (id == CLUSTER_F_FILTER && filterObj != NULL) {
	    continue;
	}
	if (EncodeField(interp, tsdPtr, bufPtr, id, valueObj) != TCL_OK) {
	    Tcl_DictObjDone(&search);
	    return TCL_ERROR;
	}
    }
    Tcl_DictObjDone(&search);
    *startPtr = ClusterPacketEnd(bufPtr, lengthPtr);
    return TCL_OK;
}
