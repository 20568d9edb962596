/*
 * clusterCmdStream.c --
 *
 *	The stream objects of ::cluster::packet: a command wrapping the
 *	codec's stream reassembler (clusterCodecStream.c), so that scripts can
 *	feed it bytes split or coalesced anyhow and get whole packets back.
 *
 *	    cluster::packet stream ?-maxframe bytes?
 *	    $stream feed bytes
 *	    $stream stats
 *	    $stream destroy
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stdio.h>

/*
 * A stream command's state.
 */

typedef struct PacketStream {
    ClusterStream stream;	/* The reassembler. */
    Tcl_Command token;		/* The stream's command. */
    Tcl_Interp *interp;		/* Interpreter holding the command. */
} PacketStream;

/*
 * `feed` hands the stream at most this much at a time, draining packets in
 * between, so memory stays bounded however much is fed at once.
 */

#define FEED_CHUNK 65536

/*
 * A subcommand of a stream object, which sees all the words.
 */

typedef int (StreamSubcommand)(PacketStream *streamPtr, Tcl_Interp *interp,
	int objc, Tcl_Obj *const objv[]);

static Tcl_ObjCmdProc StreamObjCmd;
static StreamSubcommand StreamDestroyCmd, StreamFeedCmd, StreamStatsCmd;

/*
 * The subcommands: name, fewest and most arguments, usage;
 * implementation. Their usage errors have the errorcode
 * {CLUSTER INVALID_ARGS WRONG_ARGS}, as those of `cluster::packet`.
 */

typedef struct StreamCommand {
    ClusterCmdSpec spec;	/* Name and arguments, for the kit. */
    StreamSubcommand *proc;	/* Its implementation. */
} StreamCommand;

static const StreamCommand streamCommands[] = {
    {{"destroy",	0, 0, NULL},	StreamDestroyCmd},
    {{"feed",		1, 1, "bytes"},	StreamFeedCmd},
    {{"stats",		0, 0, NULL},	StreamStatsCmd},
    {{NULL,		0, 0, NULL},	NULL}
};

static const ClusterCmdKit streamKit = {
    streamCommands, sizeof(StreamCommand), 1, "subcommand",
    "subcommand ?arg ...?", "WRONG_ARGS"
};

/*
 * Static functions defined in this file.
 */

static void		StreamDeleteProc(ClientData clientData);

/*
 *----------------------------------------------------------------------
 *
 * ClusterPacketStreamCmd --
 *
 *	cluster::packet stream ?-maxframe bytes?
 *
 *	Create a stream reassembler command, named ::cluster::packet::streamN
 *	with N unique in the interpreter.
 *
 * Results:
 *	The command's fully qualified name.
 *
 * Side effects:
 *	Creates the command.
 *
 *----------------------------------------------------------------------
 */

int
ClusterPacketStreamCmd(
    ClusterPacketData *dataPtr,	/* Per-interp state. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 2 to 4. */
    Tcl_Obj *const objv[])	/* The words. */
{
    PacketStream *streamPtr;
    Tcl_WideInt maxFrame = 0;
    char name[64];

    if (objc == 4) {
	const char *option = Tcl_GetString(objv[2]);

	if (strcmp(option, "-maxframe") != 0) {
	    return ClusterError(interp, "INVALID_ARGS", option,
		    "bad option \"%s\": must be -maxframe", option);
	}
	if (Tcl_GetWideIntFromObj(NULL, objv[3], &maxFrame) != TCL_OK
		|| maxFrame < 1 || maxFrame > (Tcl_WideInt) (SIZE_MAX / 4)) {
	    return ClusterError(interp, "INVALID_ARGS", "-maxframe",
		    "-maxframe must be a positive number of bytes, got "
		    "\"%s\"",
		    Tcl_GetString(objv[3]));
	}
    } else if (objc != 2) {
	return ClusterCmdWrongArgs(interp, &clusterPacketKit, objc, objv);
    }

    do {
	snprintf(name, sizeof(name), "::cluster::packet::stream%lu",
		++dataPtr->streamCount);
    } while (Tcl_FindCommand(interp, name, NULL, 0) != NULL);

    streamPtr = (PacketStream *) ckalloc(sizeof(PacketStream));
    ClusterStreamInit(&streamPtr->stream, (size_t) maxFrame);
    streamPtr->interp = interp;
    streamPtr->token = Tcl_CreateObjCommand(interp, name, StreamObjCmd,
	    streamPtr, StreamDeleteProc);
    Tcl_SetObjResult(interp, Tcl_NewStringObj(name, -1));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * StreamObjCmd --
 *
 *	$stream subcommand ?arg ...?
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
StreamObjCmd(
    ClientData clientData,	/* The PacketStream. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words. */
    Tcl_Obj *const objv[])	/* The words. */
{
    int index;

    if (ClusterCmdLookup(interp, &streamKit, objc, objv, &index)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    return streamCommands[index].proc((PacketStream *) clientData, interp,
	    objc, objv);
}

/*
 *----------------------------------------------------------------------
 *
 * StreamFeedCmd --
 *
 *	$stream feed bytes
 *
 *	Feed received bytes, in chunks of at most FEED_CHUNK with the
 *	completed packets drained after each, so that what is buffered stays
 *	bounded by the largest frame accepted.
 *
 * Results:
 *	The list of the whole packets completed, as byte arrays.
 *
 * Side effects:
 *	Advances the stream.
 *
 *----------------------------------------------------------------------
 */

static int
StreamFeedCmd(
    PacketStream *streamPtr,	/* The stream. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 3. */
    Tcl_Obj *const objv[])	/* The words. */
{
    const unsigned char *bytes, *packet;
    Tcl_Obj *listObj;
    size_t offset = 0, packetLength;
    Tcl_Size length;

    (void) objc;
    bytes = Tcl_GetByteArrayFromObj(objv[2], &length);
    listObj = Tcl_NewListObj(0, NULL);
    do {
	size_t chunk = (size_t) length - offset;

	if (chunk > FEED_CHUNK) {
	    chunk = FEED_CHUNK;
	}
	ClusterStreamFeed(&streamPtr->stream, bytes + offset, chunk);
	offset += chunk;
	while (ClusterStreamNext(&streamPtr->stream, &packet,
		&packetLength)) {
	    Tcl_ListObjAppendElement(NULL, listObj,
		    Tcl_NewByteArrayObj(packet, (Tcl_Size) packetLength));
	}
    } while (offset < (size_t) length);
    Tcl_SetObjResult(interp, listObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * StreamStatsCmd --
 *
 *	$stream stats
 *
 * Results:
 *	A dict: frames garbage badtrailers badlengths oversized buffered.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
StreamStatsCmd(
    PacketStream *streamPtr,	/* The stream. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 2. */
    Tcl_Obj *const objv[])	/* The words. */
{
    ClusterStream *sPtr = &streamPtr->stream;
    Tcl_Obj *dictObj = Tcl_NewDictObj();

    (void) objc; (void) objv;
#define STAT(name, value) \
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj((name), -1), \
	    Tcl_NewWideIntObj((Tcl_WideInt) (value)))
    STAT("frames", sPtr->frames);
    STAT("garbage", sPtr->garbageBytes);
    STAT("badtrailers", sPtr->badTrailers);
    STAT("badlengths", sPtr->badLengths);
    STAT("oversized", sPtr->oversized);
    STAT("buffered", ClusterStreamBuffered(sPtr));
#undef STAT
    Tcl_SetObjResult(interp, dictObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * StreamDestroyCmd --
 *
 *	$stream destroy
 *
 * Results:
 *	Empty.
 *
 * Side effects:
 *	Deletes the command; StreamDeleteProc frees the stream.
 *
 *----------------------------------------------------------------------
 */

static int
StreamDestroyCmd(
    PacketStream *streamPtr,	/* The stream. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of words: 2. */
    Tcl_Obj *const objv[])	/* The words. */
{
    (void) objc; (void) objv;
    Tcl_DeleteCommandFromToken(interp, streamPtr->token);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * StreamDeleteProc --
 *
 *	Free a stream when its command is deleted (destroy, rename to {},
 *	interpreter deletion).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Frees the stream's buffer and state.
 *
 *----------------------------------------------------------------------
 */

static void
StreamDeleteProc(
    ClientData clientData)	/* The PacketStream. */
{
    PacketStream *streamPtr = (PacketStream *) clientData;

    ClusterStreamFree(&streamPtr->stream);
    ckfree((char *) streamPtr);
}
