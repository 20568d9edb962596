/*
 * clusterPayload.c --
 *
 *	The payload seen from Tcl: a dict keyed by field names, converted to
 *	and from the codec's fields (SPEC section 1.4). Strings cross between
 *	Tcl's internal "modified UTF-8" (NUL as C0 80, characters beyond the
 *	BMP as two 3-byte surrogates) and real UTF-8 on the wire, with a fast
 *	path for the common pure-ASCII case.
 *
 *	Key objects are cached per thread, so that decoded dicts share their
 *	keys and an encoder given such a dict recognises them by address.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterInt.h"
#include <stdio.h>
#include <tclTomMath.h>

/*
 * Per-thread cache: the key objects of the payload dict, the two boolean
 * values and the Tcl type of bignums.
 */

typedef struct ThreadSpecificData {
    int initialized;		/* Set once the fields below are filled. */
    Tcl_Obj *keys[CLUSTER_F_COUNT];
				/* Shared key objects, indexed by field id
				 * (keys[0] is NULL). */
    Tcl_Obj *booleans[2];	/* Shared integer objects 0 and 1. */
    const Tcl_ObjType *bignumType;
				/* Tcl's "bignum" type, to detect values that
				 * Tcl_GetWideIntFromObj wraps. */
} ThreadSpecificData;

static Tcl_ThreadDataKey dataKey;

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

static void		AppendUtf8(unsigned char *dst, size_t *lengthPtr,
			    unsigned ch);
static int		EncodeField(Tcl_Interp *interp,
			    ThreadSpecificData *tsdPtr, ClusterBuf *bufPtr,
			    ClusterFieldId id, Tcl_Obj *valueObj);
static ClusterFieldId	FieldFromKey(ThreadSpecificData *tsdPtr,
			    Tcl_Obj *keyObj);
static void		FreeThreadData(ClientData clientData);
static ThreadSpecificData *GetThreadData(void);
static int		IsAscii(const unsigned char *bytes, size_t length);
static Tcl_Obj *	NewTclString(const unsigned char *bytes,
			    size_t length, int flags);
static void		PreviewValue(Tcl_Obj *objPtr, char *buffer,
			    size_t size);
static void		PutWireString(ClusterBuf *bufPtr, ClusterFieldId id,
			    const char *string, size_t length);
static size_t		TclToWire(const unsigned char *src, size_t length,
			    unsigned char *dst);

/*
 *----------------------------------------------------------------------
 *
 * GetThreadData --
 *
 *	The calling thread's cache, filled on first use.
 *
 * Results:
 *	The cache.
 *
 * Side effects:
 *	On first use in a thread, creates the key objects and registers a
 *	thread exit handler that releases them. Needs the tommath stubs
 *	(ClusterPacketInit initialises them).
 *
 *----------------------------------------------------------------------
 */

static ThreadSpecificData *
GetThreadData(void)
{
    ThreadSpecificData *tsdPtr = (ThreadSpecificData *)
	    Tcl_GetThreadData(&dataKey, sizeof(ThreadSpecificData));
    mp_int big;
    int i;

    if (!tsdPtr->initialized) {
	tsdPtr->keys[0] = NULL;
	for (i = 1; i < CLUSTER_F_COUNT; i++) {
	    tsdPtr->keys[i] = Tcl_NewStringObj(clusterFieldInfo[i].name, -1);
	    Tcl_IncrRefCount(tsdPtr->keys[i]);
	}
	for (i = 0; i < 2; i++) {
	    tsdPtr->booleans[i] = Tcl_NewIntObj(i);
	    Tcl_IncrRefCount(tsdPtr->booleans[i]);
	}

	/*
	 * Tcl 8.6 does not register its bignum type: take it from a value
	 * that must be a bignum.
	 */

	if (mp_init_u64(&big, UINT64_MAX) == MP_OKAY) {
	    Tcl_Obj *bigObj = Tcl_NewBignumObj(&big);

	    tsdPtr->bignumType = bigObj->typePtr;
	    Tcl_DecrRefCount(bigObj);
	}
	tsdPtr->initialized = 1;
	Tcl_CreateThreadExitHandler(FreeThreadData, tsdPtr);
    }
    return tsdPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * FreeThreadData --
 *
 *	Thread exit handler: release the cached objects.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Decrements reference counts; empties the cache.
 *
 *----------------------------------------------------------------------
 */

static void
FreeThreadData(
    ClientData clientData)	/* The thread's ThreadSpecificData. */
{
    ThreadSpecificData *tsdPtr = (ThreadSpecificData *) clientData;
    int i;

    for (i = 1; i < CLUSTER_F_COUNT; i++) {
	Tcl_DecrRefCount(tsdPtr->keys[i]);
	tsdPtr->keys[i] = NULL;
    }
    for (i = 0; i < 2; i++) {
	Tcl_DecrRefCount(tsdPtr->booleans[i]);
	tsdPtr->booleans[i] = NULL;
    }
    tsdPtr->initialized = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterFieldKey --
 *
 *	The shared key object of a field, e.g. to look a field up in a
 *	payload dict with Tcl_DictObjGet.
 *
 * Results:
 *	The calling thread's cached object (do not modify it; take a
 *	reference to keep it), or NULL for an id that is not a field.
 *
 * Side effects:
 *	May fill the thread's cache.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterFieldKey(
    ClusterFieldId id)		/* Field id, 1 to CLUSTER_F_COUNT-1. */
{
    if ((int) id <= 0 || id >= CLUSTER_F_COUNT) {
	return NULL;
    }
    return GetThreadData()->keys[id];
}

/*
 *----------------------------------------------------------------------
 *
 * FieldFromKey --
 *
 *	Map a dict key to its field: by address for the cached keys (any
 *	dict this file decoded), else by name. The key object is not
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
    ThreadSpecificData *tsdPtr,	/* The thread's cache. */
    Tcl_Obj *keyObj)		/* Key to look up. */
{
    const char *name;
    int i, length;
    ClusterFieldId candidates[3] = {
	CLUSTER_F_NONE, CLUSTER_F_NONE, CLUSTER_F_NONE
    };

    for (i = 1; i < CLUSTER_F_COUNT; i++) {
	if (tsdPtr->keys[i] == keyObj) {
	    return (ClusterFieldId) i;
	}
    }
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

	if ((size_t) length == strlen(known)
		&& memcmp(name, known, (size_t) length) == 0) {
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
    ThreadSpecificData *tsdPtr,	/* The thread's cache. */
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
    return GetVarint(interp, GetThreadData(), objPtr, NULL, valuePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterNewVarintObj --
 *
 *	A Tcl integer for an unsigned 64-bit value: a wide integer, or a
 *	bignum from 2^63 on.
 *
 * Results:
 *	A new object with no references.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterNewVarintObj(
    uint64_t value)		/* Value to represent. */
{
    mp_int big;

    if (value <= (uint64_t) INT64_MAX) {
	return Tcl_NewWideIntObj((Tcl_WideInt) value);
    }
    if (mp_init_u64(&big, value) != MP_OKAY) {
	char decimal[24];

	snprintf(decimal, sizeof(decimal), "%llu",
		(unsigned long long) value);
	return Tcl_NewStringObj(decimal, -1);
    }
    return Tcl_NewBignumObj(&big);
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
 * AppendUtf8 --
 *
 *	Write a BMP character as UTF-8 (1 to 3 bytes).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Writes at dst + *lengthPtr and advances *lengthPtr.
 *
 *----------------------------------------------------------------------
 */

static void
AppendUtf8(
    unsigned char *dst,		/* Output buffer. */
    size_t *lengthPtr,		/* Bytes already in it; updated. */
    unsigned ch)		/* Character, below 0x10000. */
{
    size_t n = *lengthPtr;

    if (ch < 0x80) {
	dst[n++] = (unsigned char) ch;
    } else if (ch < 0x800) {
	dst[n++] = (unsigned char) (0xC0 | (ch >> 6));
	dst[n++] = (unsigned char) (0x80 | (ch & 0x3F));
    } else {
	dst[n++] = (unsigned char) (0xE0 | (ch >> 12));
	dst[n++] = (unsigned char) (0x80 | ((ch >> 6) & 0x3F));
	dst[n++] = (unsigned char) (0x80 | (ch & 0x3F));
    }
    *lengthPtr = n;
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
		AppendUtf8(dst, &n, 0xFFFD);
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
	    AppendUtf8(dst, &n, ch);
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
    ThreadSpecificData *tsdPtr,	/* The thread's cache. */
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
 *	except that `filter` goes first unless keepOrder is set (SPEC
 *	section 1.4).
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
    ThreadSpecificData *tsdPtr = GetThreadData();
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

/*
 *----------------------------------------------------------------------
 *
 * NewTclString --
 *
 *	A Tcl string from validated UTF-8. Without NULs or 4-byte sequences
 *	(flags lack CLUSTER_UTF8_SPECIAL) the bytes are already Tcl's form;
 *	otherwise NUL becomes C0 80 and a 4-byte sequence becomes the
 *	surrogate pair Tcl 8.6 uses (what `encoding convertfrom utf-8`
 *	gives).
 *
 * Results:
 *	A new string object with no references.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
NewTclString(
    const unsigned char *bytes,	/* Valid UTF-8. */
    size_t length,		/* How many bytes. */
    int flags)			/* ClusterUtf8Valid flags of the bytes. */
{
    size_t i, n;
    unsigned char *dst;
    Tcl_Obj *objPtr;

    if (!(flags & CLUSTER_UTF8_SPECIAL)) {
	return Tcl_NewStringObj((const char *) bytes, (int) length);
    }

    /*
     * Size the result exactly (a NUL grows by one byte, a 4-byte sequence
     * by two), then write it straight into the object's string.
     */

    n = length;
    for (i = 0; i < length; i++) {
	if (bytes[i] == 0) {
	    n++;
	} else if (bytes[i] >= 0xF0) {
	    n += 2;
	}
    }
    objPtr = Tcl_NewObj();
    Tcl_SetObjLength(objPtr, (int) n);
    dst = (unsigned char *) Tcl_GetString(objPtr);
    i = n = 0;
    while (i < length) {
	unsigned b = bytes[i];

	if (b == 0) {
	    dst[n++] = 0xC0;
	    dst[n++] = 0x80;
	    i++;
	} else if (b < 0xF0) {
	    dst[n++] = (unsigned char) b;
	    i++;
	} else {
	    unsigned long cp = ((unsigned long) (b & 0x07) << 18)
		    | ((unsigned long) (bytes[i+1] & 0x3F) << 12)
		    | ((unsigned long) (bytes[i+2] & 0x3F) << 6)
		    | (unsigned long) (bytes[i+3] & 0x3F);

	    cp -= 0x10000;
	    AppendUtf8(dst, &n, (unsigned) (0xD800 + (cp >> 10)));
	    AppendUtf8(dst, &n, (unsigned) (0xDC00 + (cp & 0x3FF)));
	    i += 4;
	}
    }
    return objPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPayloadFromView --
 *
 *	Build the payload dict of a decoded packet: keys in wire order (a
 *	field repeated keeps its first position and its last value), shared
 *	key objects, varints as integers, booleans as 0/1, strings as Tcl
 *	strings, lists as lists of strings, raw as byte arrays.
 *
 * Results:
 *	A new dict object with no references.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterPayloadFromView(
    const ClusterPacketView *viewPtr)	/* Decoded fields. */
{
    ThreadSpecificData *tsdPtr = GetThreadData();
    Tcl_Obj *dictObj = Tcl_NewDictObj();
    int i;

    for (i = 0; i < viewPtr->numFields; i++) {
	const ClusterField *fieldPtr = &viewPtr->fields[i];
	Tcl_Obj *valueObj = NULL;

	switch (clusterFieldInfo[fieldPtr->id].type) {
	case CLUSTER_T_VARINT:
	    valueObj = ClusterNewVarintObj(fieldPtr->number);
	    break;
	case CLUSTER_T_BOOLEAN:
	    valueObj = tsdPtr->booleans[fieldPtr->number ? 1 : 0];
	    break;
	case CLUSTER_T_STRING:
	    valueObj = NewTclString(fieldPtr->bytes, fieldPtr->length,
		    (int) fieldPtr->number);
	    break;
	case CLUSTER_T_RAW:
	    valueObj = Tcl_NewByteArrayObj(fieldPtr->bytes,
		    (int) fieldPtr->length);
	    break;
	case CLUSTER_T_LIST: {
	    Tcl_Obj *small[16], **objv = small;
	    const unsigned char *cursor = fieldPtr->bytes;
	    const unsigned char *end = cursor + fieldPtr->length;
	    ClusterBytes element;
	    int count = 0;

	    if (fieldPtr->number > 16) {
		objv = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *)
			* (size_t) fieldPtr->number);
	    }
	    while ((uint64_t) count < fieldPtr->number
		    && ClusterListNext(&cursor, end, &element)) {
		objv[count++] = NewTclString(element.bytes, element.length,
			ClusterUtf8Valid(element.bytes, element.length));
	    }
	    valueObj = Tcl_NewListObj(count, objv);
	    if (objv != small) {
		ckfree((char *) objv);
	    }
	    break;
	}
	}
	Tcl_DictObjPut(NULL, dictObj, tsdPtr->keys[fieldPtr->id], valueObj);
    }
    return dictObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDecodeErrorToInterp --
 *
 *	Report a decode error to Tcl.
 *
 * Results:
 *	TCL_ERROR.
 *
 * Side effects:
 *	Sets the result to "decode error: ..." and the errorcode to
 *	{CLUSTER DECODE code offset}.
 *
 *----------------------------------------------------------------------
 */

int
ClusterDecodeErrorToInterp(
    Tcl_Interp *interp,			/* Where to report. */
    const ClusterCodecError *errPtr)	/* What went wrong. */
{
    char offset[24];

    if (interp == NULL) {
	return TCL_ERROR;
    }
    snprintf(offset, sizeof(offset), "%lu", (unsigned long) errPtr->offset);
    Tcl_SetObjResult(interp,
	    Tcl_ObjPrintf("decode error: %s", errPtr->message));
    Tcl_SetErrorCode(interp, "CLUSTER", "DECODE", errPtr->code, offset,
	    (char *) NULL);
    return TCL_ERROR;
}
