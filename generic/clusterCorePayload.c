/*
 * clusterCorePayload.c --
 *
 *	The payload seen from Tcl, decoding side: the dict of a decoded
 *	packet (doc/protocol.md section 1.4), its strings converted from real UTF-8
 *	on the wire to Tcl's internal "modified UTF-8" (NUL as C0 80,
 *	characters beyond the BMP as two 3-byte surrogates); Tcl integers
 *	for varints; decode errors reported to Tcl. Also the per-thread
 *	cache of key objects that both sides use, so that decoded dicts
 *	share their keys and the encoder (clusterCorePayloadEncode.c)
 *	recognises them by address.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCore.h"
#include <stdio.h>
#include <tclTomMath.h>

static Tcl_ThreadDataKey dataKey;

/*
 * The calling thread's cache is asked for on every field of every payload
 * (ClusterFieldKey), and Tcl_GetThreadData costs a lookup each time. Where
 * the compiler has thread-local variables, a pointer to the cache is kept
 * in one too; Tcl's thread data still owns the cache and frees it.
 */

#if defined(__GNUC__) || defined(__clang__)
#   define CACHE_TLS __thread
#endif

#ifdef CACHE_TLS
static CACHE_TLS ClusterPayloadCache *threadCache = NULL;
#endif

/*
 * Static functions defined in this file.
 */

static void		FreeThreadData(ClientData clientData);
static Tcl_Obj *	NewTclString(const unsigned char *bytes,
			    size_t length, int flags);

/*
 *----------------------------------------------------------------------
 *
 * ClusterGetPayloadCache --
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

ClusterPayloadCache *
ClusterGetPayloadCache(void)
{
    ClusterPayloadCache *tsdPtr;
    mp_int big;
    int i;

#ifdef CACHE_TLS
    if (threadCache != NULL) {
	return threadCache;
    }
#endif
    tsdPtr = (ClusterPayloadCache *)
	    Tcl_GetThreadData(&dataKey, sizeof(ClusterPayloadCache));
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
#ifdef CACHE_TLS
    threadCache = tsdPtr;
#endif
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
    ClientData clientData)	/* The thread's ClusterPayloadCache. */
{
    ClusterPayloadCache *tsdPtr = (ClusterPayloadCache *) clientData;
    int i;

    for (i = 1; i < CLUSTER_F_COUNT; i++) {
	Tcl_DecrRefCount(tsdPtr->keys[i]);
	tsdPtr->keys[i] = NULL;
    }
    for (i = 0; i < 2; i++) {
	Tcl_DecrRefCount(tsdPtr->booleans[i]);
	tsdPtr->booleans[i] = NULL;
    }
    if (tsdPtr->lastPayloadObj != NULL) {
	Tcl_DecrRefCount(tsdPtr->lastPayloadObj);
	tsdPtr->lastPayloadObj = NULL;
    }
    ClusterBufFree(&tsdPtr->lastBytes);
    tsdPtr->initialized = 0;
#ifdef CACHE_TLS
    threadCache = NULL;
#endif
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterDecodeIncoming --
 *
 *	Decode a packet for a member and build its payload dict. Members of
 *	one thread on one group share a multicast socket, which hands each
 *	of them the same datagram in turn (clusterNetMcast.c): the first
 *	that decodes it whole keeps a copy of it, its fields and its
 *	payload, and the others, seeing the same bytes, take their verdict
 *	from the kept fields (ClusterViewVerdict) and share the payload,
 *	which nothing changes in place. A datagram is thus decoded and
 *	built once per thread, not once per member. Each member's own echo
 *	and what a filter keeps from it still stop its decode early.
 *
 * Results:
 *	The verdict of ClusterDecodePacket for this member; on
 *	CLUSTER_DECODE_OK, *payloadObjPtr is the payload (the caller takes
 *	its own reference).
 *
 * Side effects:
 *	Keeps the last whole datagram over c and its payload, per thread.
 *
 *----------------------------------------------------------------------
 */

ClusterVerdict
ClusterDecodeIncoming(
    const unsigned char *bytes,	/* The whole packet. */
    size_t length,		/* Its size. */
    ClusterProto proto,		/* Transport it arrived on. */
    const ClusterIdentity *selfPtr,	/* The member decoding. */
    Tcl_Obj **payloadObjPtr)	/* Out: the payload. */
{
    ClusterPayloadCache *tsdPtr = ClusterGetPayloadCache();
    ClusterPacketView view;
    ClusterCodecError error;
    ClusterVerdict verdict;
    unsigned char *copy;
    int i;

    if (proto == CLUSTER_PROTO_C && tsdPtr->lastPayloadObj != NULL
	    && tsdPtr->lastBytes.length == length
	    && memcmp(tsdPtr->lastBytes.bytes, bytes, length) == 0) {
	verdict = ClusterViewVerdict(&tsdPtr->lastView, selfPtr);
	if (verdict == CLUSTER_DECODE_OK) {
	    *payloadObjPtr = tsdPtr->lastPayloadObj;
	}
	return verdict;
    }
    verdict = ClusterDecodePacket(bytes, length, selfPtr, &view, &error);
    if (verdict != CLUSTER_DECODE_OK) {
	return verdict;
    }
    *payloadObjPtr = ClusterPayloadFromView(&view);
    if (proto != CLUSTER_PROTO_C) {
	return verdict;
    }

    /*
     * Keep it, its fields moved onto the copy.
     */

    if (tsdPtr->lastPayloadObj != NULL) {
	Tcl_DecrRefCount(tsdPtr->lastPayloadObj);
    }
    tsdPtr->lastBytes.length = 0;
    copy = ClusterBufReserve(&tsdPtr->lastBytes, length);
    memcpy(copy, bytes, length);
    tsdPtr->lastBytes.length = length;
    tsdPtr->lastView.numFields = view.numFields;
    for (i = 0; i < view.numFields; i++) {
	tsdPtr->lastView.fields[i] = view.fields[i];
	if (view.fields[i].bytes != NULL) {
	    tsdPtr->lastView.fields[i].bytes = copy
		    + (view.fields[i].bytes - bytes);
	}
    }
    tsdPtr->lastPayloadObj = *payloadObjPtr;
    Tcl_IncrRefCount(tsdPtr->lastPayloadObj);
    return verdict;
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
    return ClusterGetPayloadCache()->keys[id];
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
	    ClusterUtf8Append(dst, &n, (unsigned) (0xD800 + (cp >> 10)));
	    ClusterUtf8Append(dst, &n, (unsigned) (0xDC00 + (cp & 0x3FF)));
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
    ClusterPayloadCache *tsdPtr = ClusterGetPayloadCache();
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
