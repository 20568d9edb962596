/*
 * clusterCmdSeal.c --
 *
 *	`cluster packet seal` and `cluster packet open`: sealed frames
 *	(clusterCodecSeal.c) seen from Tcl, for tools, tests and the codec
 *	benchmark.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

/*
 * Options of `seal`.
 */

static const char *const sealOptions[] = {
    "-lane", "-ms", "-sender", "-seq", NULL
};
enum { SEAL_LANE, SEAL_MS, SEAL_SENDER, SEAL_SEQ };

static Tcl_Obj *	InfoDict(const ClusterSealInfo *infoPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterPacketSealCmd --
 *
 *	cluster packet seal key bytes ?-sender n? ?-lane n? ?-seq n? ?-ms n?
 *
 *	Seal a packet under a key. The inner header defaults to a random
 *	sender, lane 0, seq 1 and the current time.
 *
 * Results:
 *	The sealed frame as a byte array, or an error {CLUSTER INVALID_ARGS
 *	...}.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPacketSealCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state (unused). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words. */
    Tcl_Obj *const objv[])	/* The words. */
{
    ClusterKey key;
    ClusterSealInfo info;
    Tcl_Obj *resultObj;
    const unsigned char *bytes;
    Tcl_Size length;
    Tcl_Time now;
    int i, index;

    (void) dataPtr;
    if (objc % 2 != 0) {
	return ClusterCmdWrongArgs(interp, &clusterPacketKit, objc, objv);
    }
    if (ClusterGetKeyFromObj(interp, objv[2], "KEY", &key) != TCL_OK) {
	return TCL_ERROR;
    }
    ClusterpRandomBytes(&info.sender, sizeof(info.sender));
    info.lane = 0;
    info.seq = 1;
    Tcl_GetTime(&now);
    info.ms = (int64_t) now.sec * 1000 + now.usec / 1000;
    for (i = 4; i < objc; i += 2) {
	uint64_t value;

	if (ClusterCmdGetIndex(interp, objv[i], sealOptions,
		sizeof(char *), "option", &index) != TCL_OK
		|| ClusterGetVarintFromObj(interp, objv[i + 1], &value)
		!= TCL_OK) {
	    ClusterKeyWipe(&key);
	    return TCL_ERROR;
	}
	switch (index) {
	case SEAL_LANE:
	    info.lane = (uint32_t) value;
	    break;
	case SEAL_MS:
	    info.ms = (int64_t) value;
	    break;
	case SEAL_SENDER:
	    info.sender = value;
	    break;
	default:
	    info.seq = value;
	    break;
	}
    }
    bytes = Tcl_GetByteArrayFromObj(objv[3], &length);
    resultObj = Tcl_NewByteArrayObj(NULL, 0);
    ClusterSeal(&key, &info, bytes, (size_t) length,
	    Tcl_SetByteArrayLength(resultObj,
		(Tcl_Size) ClusterSealedLength((size_t) length)));
    ClusterKeyWipe(&key);
    Tcl_SetObjResult(interp, resultObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterPacketOpenCmd --
 *
 *	cluster packet open keys bytes ?infoVar?
 *
 *	Open a sealed frame with one of a list of keys.
 *
 * Results:
 *	The packet as a byte array; infoVar, when given, receives the inner
 *	header as a dict {sender lane seq ms}. A frame that does not open
 *	is an error {CLUSTER OPEN PLAIN|MALFORMED|NO_KEY|FORGED}.
 *
 * Side effects:
 *	May set infoVar.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPacketOpenCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state (unused). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words. */
    Tcl_Obj *const objv[])	/* The words. */
{
    static const char *const why[] = {
	NULL, "PLAIN", "MALFORMED", "NO_KEY", "FORGED"
    };
    static const char *const what[] = {
	NULL, "not a sealed frame", "malformed sealed frame",
	"sealed with none of the keys", "does not open: forged or damaged"
    };
    ClusterKey *keys;
    ClusterSealInfo info;
    ClusterOpenResult result;
    Tcl_Obj **keyObjs, *packetObj;
    const unsigned char *frame;
    Tcl_Size numKeys, length;
    size_t packetLength = 0;
    int i, code = TCL_OK;

    (void) dataPtr;
    if (Tcl_ListObjGetElements(interp, objv[2], &numKeys, &keyObjs)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    keys = (ClusterKey *) ckalloc(sizeof(ClusterKey) * (numKeys + 1));
    for (i = 0; i < numKeys && code == TCL_OK; i++) {
	code = ClusterGetKeyFromObj(interp, keyObjs[i], "KEY", &keys[i]);
    }
    if (code == TCL_OK) {
	frame = Tcl_GetByteArrayFromObj(objv[3], &length);
	packetObj = Tcl_NewByteArrayObj(NULL, 0);
	result = ClusterOpen(keys, (int) numKeys, frame, (size_t) length,
		Tcl_SetByteArrayLength(packetObj, length), &packetLength,
		&info);
	if (result != CLUSTER_OPEN_OK) {
	    Tcl_DecrRefCount(packetObj);
	    code = ClusterError(interp, "OPEN", why[result], "can't open"
		    " frame: %s", what[result]);
	} else {
	    Tcl_SetByteArrayLength(packetObj, (Tcl_Size) packetLength);
	    if (objc == 5 && Tcl_ObjSetVar2(interp, objv[4], NULL,
		    InfoDict(&info), TCL_LEAVE_ERR_MSG) == NULL) {
		Tcl_DecrRefCount(packetObj);
		code = TCL_ERROR;
	    } else {
		Tcl_SetObjResult(interp, packetObj);
	    }
	}
    }
    for (i = 0; i < numKeys; i++) {
	ClusterKeyWipe(&keys[i]);
    }
    ckfree(keys);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * InfoDict --
 *
 *	The inner header of a sealed frame as a dict.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
InfoDict(
    const ClusterSealInfo *infoPtr)
{
    Tcl_Obj *dictObj = Tcl_NewDictObj();

    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("sender", -1),
	    ClusterNewVarintObj(infoPtr->sender));
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("lane", -1),
	    Tcl_NewWideIntObj((Tcl_WideInt) infoPtr->lane));
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("seq", -1),
	    ClusterNewVarintObj(infoPtr->seq));
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj("ms", -1),
	    Tcl_NewWideIntObj((Tcl_WideInt) infoPtr->ms));
    return dictObj;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
