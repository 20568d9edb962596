/*
 * clusterCmdPacket.c --
 *
 *	The ::cluster::packet command: the codec exposed to scripts, for
 *	tests, tools and benchmarks. This file holds the ensemble, its
 *	per-interp state and the subcommands that encode and decode; the
 *	stream objects that `stream` creates are in clusterCmdStream.c.
 *
 *	    cluster::packet encode ?-keeporder? dict
 *	    cluster::packet decode bytes ?-self sid? ?-accept list?
 *		    ?-verdict varName?
 *	    cluster::packet varint encode n
 *	    cluster::packet varint decode bytes
 *	    cluster::packet stream ?-maxframe bytes?
 *	    cluster::packet fields
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stdio.h>
#include <tclTomMath.h>

/*
 * Per-interp state (a ClusterPacketData), kept as assoc data.
 */

#define PACKET_ASSOC_KEY "cluster::packet"

/*
 * Encode buffers grown beyond this are released after use.
 */

#define KEEP_BUFFER (64 * 1024)

/*
 * A subcommand, which sees all the words.
 */

typedef int (PacketSubcommand)(ClusterPacketData *dataPtr,
	Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);

static Tcl_ObjCmdProc PacketObjCmd;
static PacketSubcommand PacketDecodeCmd, PacketEncodeCmd,
	PacketFieldsCmd, PacketVarintCmd;

/*
 * The subcommands: name, fewest and most arguments (-1: no maximum),
 * usage; implementation.
 */

typedef struct PacketCommand {
    ClusterCmdSpec spec;	/* Name and arguments, for the kit. */
    PacketSubcommand *proc;	/* Its implementation. */
} PacketCommand;

static const PacketCommand packetCommands[] = {
    {{"decode",	1, -1,
	    "bytes ?-self sid? ?-accept list? ?-verdict varName?"},
					PacketDecodeCmd},
    {{"encode",	1,  2, "?-keeporder? dict"},	PacketEncodeCmd},
    {{"fields",	0,  0, NULL},			PacketFieldsCmd},
    {{"open",	2,  3, "keys bytes ?infoVar?"},	ClusterPacketOpenCmd},
    {{"seal",	2, 10,
	    "key bytes ?-sender n? ?-lane n? ?-seq n? ?-ms n?"},
					ClusterPacketSealCmd},
    {{"stream",	0,  2, "?-maxframe bytes?"},	ClusterPacketStreamCmd},
    {{"varint",	2,  2, "encode n | decode bytes"}, PacketVarintCmd},
    {{NULL,	0,  0, NULL},			NULL}
};

/*
 * Usage errors of the ensemble and its subcommands all have the errorcode
 * {CLUSTER INVALID_ARGS WRONG_ARGS}.
 */

const ClusterCmdKit clusterPacketKit = {
    packetCommands, sizeof(PacketCommand), 1, "subcommand",
    "subcommand ?arg ...?", "WRONG_ARGS"
};

/*
 * `cluster::packet varint encode|decode value`: an ensemble of its own,
 * whose argument count `varint` has checked.
 */

typedef int (VarintAction)(Tcl_Interp *interp, Tcl_Obj *valueObj);

static VarintAction VarintDecode, VarintEncode;

typedef struct VarintCommand {
    ClusterCmdSpec spec;	/* Name and arguments, for the kit. */
    VarintAction *proc;		/* Its implementation. */
} VarintCommand;

static const VarintCommand varintCommands[] = {
    {{"decode",	1, 1, "bytes"},	VarintDecode},
    {{"encode",	1, 1, "n"},	VarintEncode},
    {{NULL,	0, 0, NULL},	NULL}
};

static const ClusterCmdKit varintKit = {
    varintCommands, sizeof(VarintCommand), 2, "action",
    "encode n | decode bytes", "WRONG_ARGS"
};

/*
 * Static functions defined in this file.
 */

static void		PacketInterpDeleteProc(ClientData clientData,
			    Tcl_Interp *interp);

/*
 *----------------------------------------------------------------------
 *
 * ClusterPacketInit --
 *
 *	Create the ::cluster::packet command in an interpreter.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Initialises the tommath stubs (for varints of 2^63 and more),
 *	creates the per-interp state and the command.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPacketInit(
    Tcl_Interp *interp)		/* Interpreter to extend. */
{
    ClusterPacketData *dataPtr;

#ifdef USE_TCL_STUBS
    if (Tcl_TomMath_InitStubs(interp, "8.6") == NULL) {
	return TCL_ERROR;
    }
#endif
    dataPtr = (ClusterPacketData *)
	    Tcl_GetAssocData(interp, PACKET_ASSOC_KEY, NULL);
    if (dataPtr == NULL) {
	dataPtr = (ClusterPacketData *) ckalloc(sizeof(ClusterPacketData));
	ClusterBufInit(&dataPtr->buf);
	dataPtr->streamCount = 0;
	Tcl_SetAssocData(interp, PACKET_ASSOC_KEY, PacketInterpDeleteProc,
		dataPtr);
    }
    if (Tcl_CreateObjCommand(interp, "::cluster::packet", PacketObjCmd,
	    dataPtr, NULL) == NULL) {
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PacketInterpDeleteProc --
 *
 *	Release the per-interp state when the interpreter is deleted.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Frees the encode buffer and the state.
 *
 *----------------------------------------------------------------------
 */

static void
PacketInterpDeleteProc(
    ClientData clientData,	/* The ClusterPacketData. */
    Tcl_Interp *interp)		/* Interpreter being deleted (unused). */
{
    ClusterPacketData *dataPtr = (ClusterPacketData *) clientData;

    (void) interp;
    ClusterBufFree(&dataPtr->buf);
    ckfree((char *) dataPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * PacketObjCmd --
 *
 *	cluster::packet subcommand ?arg ...?
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Those of the subcommand.
 *
 *----------------------------------------------------------------------
 */

static int
PacketObjCmd(
    ClientData clientData,	/* The ClusterPacketData. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words. */
    Tcl_Obj *const objv[])	/* The words. */
{
    int index;

    if (ClusterCmdLookup(interp, &clusterPacketKit, objc, objv, &index)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    return packetCommands[index].proc((ClusterPacketData *) clientData,
	    interp, objc, objv);
}

/*
 *----------------------------------------------------------------------
 *
 * PacketEncodeCmd --
 *
 *	cluster::packet encode ?-keeporder? dict
 *
 *	Encode a payload dict; `filter` goes first unless -keeporder.
 *
 * Results:
 *	The packet as a byte array, or an error {CLUSTER ENCODE ...}.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
PacketEncodeCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 3 or 4. */
    Tcl_Obj *const objv[])	/* The words. */
{
    int keepOrder = 0, result;
    size_t start, length;

    if (objc == 4) {
	const char *option = Tcl_GetString(objv[2]);

	if (strcmp(option, "-keeporder") != 0) {
	    return ClusterError(interp, "INVALID_ARGS", option,
		    "bad option \"%s\": must be -keeporder", option);
	}
	keepOrder = 1;
    }
    result = ClusterPayloadEncode(interp, objv[objc - 1], keepOrder,
	    &dataPtr->buf, &start, &length);
    if (result == TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_NewByteArrayObj(
		dataPtr->buf.bytes + start, (Tcl_Size) length));
    }
    if (dataPtr->buf.capacity > KEEP_BUFFER) {
	ClusterBufFree(&dataPtr->buf);
    }
    return result;
}

/*
 *----------------------------------------------------------------------
 *
 * PacketDecodeCmd --
 *
 *	cluster::packet decode bytes ?-self sid? ?-accept list?
 *		?-verdict varName?
 *
 *	Decode a packet. With -self, decoding stops on a packet carrying
 *	that sid (our own echo); with -accept (our sid, hid and tags, and
 *	the -self sid), it stops on a filter naming none of them. When it
 *	stops early the result is an empty dict; varName is set to `self`,
 *	`filtered` or `ok`.
 *
 * Results:
 *	The payload dict, or an error {CLUSTER DECODE code offset}.
 *
 * Side effects:
 *	Sets varName.
 *
 *----------------------------------------------------------------------
 */

static int
PacketDecodeCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state (unused). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: at least 3. */
    Tcl_Obj *const objv[])	/* The words. */
{
    static const char *const options[] = {
	"-accept", "-self", "-verdict", NULL
    };
    enum { OPT_ACCEPT, OPT_SELF, OPT_VERDICT };
    static const char *const verdictNames[] = {
	"ok", "self", "filtered", "error"
    };
    Tcl_Obj *selfObj = NULL, *acceptObj = NULL, *verdictVar = NULL;
    ClusterIdentity identity, *identityPtr = NULL;
    ClusterBytes smallTags[16], *tags = smallTags;
    ClusterBuf scratch;
    ClusterPacketView view;
    ClusterCodecError error;
    ClusterVerdict verdict;
    const unsigned char *bytes;
    Tcl_Size length;
    int i, result = TCL_OK;

    (void) dataPtr;
    if ((objc % 2) != 1) {
	return ClusterCmdWrongArgs(interp, &clusterPacketKit, objc, objv);
    }
    for (i = 3; i < objc; i += 2) {
	int index;

	if (ClusterCmdGetIndex(interp, objv[i], options, sizeof(char *),
		"option", &index) != TCL_OK) {
	    return TCL_ERROR;
	}
	switch (index) {
	case OPT_ACCEPT: {
	    Tcl_Size count;

	    if (Tcl_ListObjLength(NULL, objv[i+1], &count) != TCL_OK) {
		return ClusterError(interp, "INVALID_ARGS", "-accept",
			"-accept needs a list of names, got \"%s\"",
			Tcl_GetString(objv[i+1]));
	    }
	    acceptObj = objv[i+1];
	    break;
	}
	case OPT_SELF:
	    selfObj = objv[i+1];
	    break;
	case OPT_VERDICT:
	    verdictVar = objv[i+1];
	    break;
	}
    }

    /*
     * The identity's names must be real UTF-8, as on the wire: encode them
     * as a packet {sid $self tags $accept} and point into its fields.
     */

    ClusterBufInit(&scratch);
    if (selfObj != NULL || acceptObj != NULL) {
	Tcl_Obj *namesObj = Tcl_NewDictObj();
	size_t start, packetLength;
	int f;

	Tcl_IncrRefCount(namesObj);
	if (selfObj != NULL) {
	    Tcl_DictObjPut(NULL, namesObj, ClusterFieldKey(CLUSTER_F_SID),
		    selfObj);
	}
	if (acceptObj != NULL) {
	    Tcl_DictObjPut(NULL, namesObj, ClusterFieldKey(CLUSTER_F_TAGS),
		    acceptObj);
	}
	result = ClusterPayloadEncode(interp, namesObj, 1, &scratch, &start,
		&packetLength);
	Tcl_DecrRefCount(namesObj);
	if (result != TCL_OK) {
	    goto done;
	}
	ClusterDecodePacket(scratch.bytes + start, packetLength, NULL, &view,
		NULL);
	memset(&identity, 0, sizeof(identity));
	identity.numTags = -1;
	for (f = 0; f < view.numFields; f++) {
	    const ClusterField *fieldPtr = &view.fields[f];

	    if (fieldPtr->id == CLUSTER_F_SID) {
		identity.sid.bytes = fieldPtr->bytes;
		identity.sid.length = fieldPtr->length;
	    } else if (fieldPtr->id == CLUSTER_F_TAGS) {
		const unsigned char *cursor = fieldPtr->bytes;
		const unsigned char *end = cursor + fieldPtr->length;
		int n = 0;

		if (fieldPtr->number > 16) {
		    tags = (ClusterBytes *) ckalloc(sizeof(ClusterBytes)
			    * (size_t) fieldPtr->number);
		}
		while ((uint64_t) n < fieldPtr->number
			&& ClusterListNext(&cursor, end, &tags[n])) {
		    n++;
		}
		identity.tags = tags;
		identity.numTags = n;
	    }
	}
	identityPtr = &identity;
    }

    bytes = Tcl_GetByteArrayFromObj(objv[2], &length);
    verdict = ClusterDecodePacket(bytes, (size_t) length, identityPtr, &view,
	    &error);
    if (verdict == CLUSTER_DECODE_ERROR) {
	result = ClusterDecodeErrorToInterp(interp, &error);
	goto done;
    }
    if (verdictVar != NULL && Tcl_ObjSetVar2(interp, verdictVar, NULL,
	    Tcl_NewStringObj(verdictNames[verdict], -1),
	    TCL_LEAVE_ERR_MSG) == NULL) {
	result = TCL_ERROR;
	goto done;
    }
    if (verdict == CLUSTER_DECODE_OK) {
	Tcl_SetObjResult(interp, ClusterPayloadFromView(&view));
    } else {
	Tcl_SetObjResult(interp, Tcl_NewDictObj());
    }

  done:
    if (tags != smallTags) {
	ckfree((char *) tags);
    }
    ClusterBufFree(&scratch);
    return result;
}

/*
 *----------------------------------------------------------------------
 *
 * PacketVarintCmd --
 *
 *	cluster::packet varint encode n
 *	cluster::packet varint decode bytes
 *
 * Results:
 *	The varint's bytes, or the value of bytes that are exactly one
 *	varint. Errors: {CLUSTER ENCODE NEGATIVE|TOO_LARGE|NOT_A_NUMBER},
 *	{CLUSTER DECODE TRUNCATED|VARINT_TOO_LONG|TRAILING offset}.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
PacketVarintCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state (unused). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 4. */
    Tcl_Obj *const objv[])	/* The words. */
{
    int index;

    (void) dataPtr;
    if (ClusterCmdLookup(interp, &varintKit, objc, objv, &index)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    return varintCommands[index].proc(interp, objv[3]);
}

static int
VarintEncode(
    Tcl_Interp *interp,		/* Current interpreter. */
    Tcl_Obj *valueObj)		/* The value to encode. */
{
    unsigned char bytes[CLUSTER_VARINT_MAX];
    uint64_t value;

    if (ClusterGetVarintFromObj(interp, valueObj, &value) != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewByteArrayObj(bytes,
	    (Tcl_Size) ClusterVarintWrite(bytes, value)));
    return TCL_OK;
}

static int
VarintDecode(
    Tcl_Interp *interp,		/* Current interpreter. */
    Tcl_Obj *bytesObj)		/* The bytes to decode. */
{
    ClusterCodecError error;
    const unsigned char *bytes;
    uint64_t value;
    size_t used;
    Tcl_Size length;

    bytes = Tcl_GetByteArrayFromObj(bytesObj, &length);
    switch (ClusterVarintRead(bytes, (size_t) length, &value, &used)) {
    case CLUSTER_VARINT_SHORT:
	error.code = "TRUNCATED";
	error.offset = (size_t) length;
	snprintf(error.message, sizeof(error.message),
		"varint is truncated: %lu bytes, all with the "
		"continuation bit set", (unsigned long) length);
	return ClusterDecodeErrorToInterp(interp, &error);
    case CLUSTER_VARINT_LONG:
	error.code = "VARINT_TOO_LONG";
	error.offset = 0;
	snprintf(error.message, sizeof(error.message),
		"varint is longer than 10 bytes or larger than "
		"2^64-1");
	return ClusterDecodeErrorToInterp(interp, &error);
    }
    if (used != (size_t) length) {
	error.code = "TRAILING";
	error.offset = used;
	snprintf(error.message, sizeof(error.message),
		"%lu bytes given but the varint ends after %lu",
		(unsigned long) length, (unsigned long) used);
	return ClusterDecodeErrorToInterp(interp, &error);
    }
    Tcl_SetObjResult(interp, ClusterNewVarintObj(value));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PacketFieldsCmd --
 *
 *	cluster::packet fields
 *
 * Results:
 *	The field names in id order.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
PacketFieldsCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state (unused). */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 2. */
    Tcl_Obj *const objv[])	/* The words. */
{
    Tcl_Obj *listObj = Tcl_NewListObj(0, NULL);
    int id;

    (void) dataPtr; (void) objc; (void) objv;
    for (id = 1; id < CLUSTER_F_COUNT; id++) {
	Tcl_ListObjAppendElement(NULL, listObj,
		ClusterFieldKey((ClusterFieldId) id));
    }
    Tcl_SetObjResult(interp, listObj);
    return TCL_OK;
}
