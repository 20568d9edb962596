/*
 * clusterNetLimits.c --
 *
 *	The bounds on what the peer of a stream connection may send, and
 *	the one timer of a connection. doc/protocol.md section 1.1 asks that nothing
 *	arriving on the wire grow memory without bound or hold resources
 *	forever; here a connection is cut off (closed at once, its queued
 *	packets handed back to the owner like any failed connection's) when
 *	its peer
 *
 *	- announces a frame whose body exceeds -maxframe (counted as
 *	  oversized_cutoffs): the reassembler would skip it, but a peer that
 *	  sends one is broken or hostile, and skipping a gigabyte costs a
 *	  gigabyte of reads;
 *	- sends more than -maxframe bytes that are not frames since its
 *	  last whole frame (garbage_cutoffs): resynchronising on C0 8D
 *	  (doc/protocol.md section 1.1) is for glitches, not for a stream of noise;
 *	- makes no progress towards a frame for -frametimeout ms while a
 *	  frame is owed (stalled): part of a frame is buffered, or the
 *	  connection was accepted and has not yet sent a whole frame (so a
 *	  client that connects and sends nothing is closed too). Progress
 *	  is a whole frame, or more bytes of the frame in progress than
 *	  were ever buffered since the last whole one: bytes skipped as
 *	  garbage, or a frame dropped and begun again, do not count, so a
 *	  peer cannot hold a connection by trickling noise.
 *
 *	The timer serves the connect timeout and the idle close of the
 *	keepalive rule (clusterNetConnIO.c) as well as the frame timeout. It
 *	is armed for the earliest deadline that applies and re-armed
 *	lazily: a deadline that moves later (the usual case, as input
 *	arrives) changes only a field, and the timer, when it fires early,
 *	finds nothing due and re-arms itself. So there is at most one Tcl
 *	timer per connection, and none is created or deleted per read.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNetInt.h"
#include <limits.h>

/*
 * Static functions in this file.
 */

static int		ConnAwaiting(const ClusterConn *connPtr);
static void		ConnCutOff(ClusterConn *connPtr, int counter,
			    const char *reason);
static Tcl_WideInt	ConnDeadline(const ClusterConn *connPtr);

/*
 *----------------------------------------------------------------------
 *
 * ConnCheckInput --
 *
 *	Check what the reassembler of a connection has seen against the
 *	bounds on input: no frame over -maxframe, and no more than
 *	-maxframe bytes of garbage since the last whole frame. Called
 *	before each whole frame is delivered (gotFrame 1: the frame then
 *	becomes the last whole one) and after the reassembler is drained.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR when the connection was cut off.
 *
 * Side effects:
 *	May close the connection and call the owner (ConnFail): the caller
 *	holds Tcl_Preserve on the cluster and the connection.
 *
 *----------------------------------------------------------------------
 */

int
ConnCheckInput(
    ClusterConn *connPtr,	/* Connection (preserved). */
    int gotFrame)		/* 1: a whole frame was just found. */
{
    const ClusterStream *streamPtr = &connPtr->stream;

    if (streamPtr->oversized > 0) {
	ConnCutOff(connPtr, POOL_CUT_OVERSIZED,
		"cut off: frame larger than -maxframe");
	return TCL_ERROR;
    }
    if (streamPtr->garbageBytes - connPtr->garbageMark
	    > (uint64_t) streamPtr->maxFrame) {
	ConnCutOff(connPtr, POOL_CUT_GARBAGE,
		"cut off: more than -maxframe bytes of garbage");
	return TCL_ERROR;
    }
    if (gotFrame) {
	connPtr->garbageMark = streamPtr->garbageBytes;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnNoteInput --
 *
 *	After a read has been delivered: note progress towards a frame
 *	(see the top of this file). While no frame is owed the clock is
 *	kept at now, so that it starts when one becomes owed.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Updates progressMs, framesMark and partialMark. The caller arms
 *	the timer (ConnArmTimer) once per event, not per read.
 *
 *----------------------------------------------------------------------
 */

void
ConnNoteInput(
    ClusterConn *connPtr)	/* Connection just read from. */
{
    size_t buffered = ClusterStreamBuffered(&connPtr->stream);

    if (!ConnAwaiting(connPtr)
	    || connPtr->stream.frames != connPtr->framesMark
	    || buffered > connPtr->partialMark) {
	connPtr->progressMs = ClusterpMonotonicMs();
	connPtr->framesMark = connPtr->stream.frames;
	connPtr->partialMark = buffered;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnAwaiting, ConnDeadline --
 *
 *	Whether a connection owes a frame: it is open, not connecting, not
 *	handing packets to the owner (nothing is read meanwhile), and holds
 *	part of a frame or was accepted and has sent no whole frame yet.
 *	The earliest deadline of a connection: the end of its pending
 *	connect, of the idle wait of a closing connection, or of the frame
 *	it owes.
 *
 * Results:
 *	ConnAwaiting: 1 or 0. ConnDeadline: monotonic ms, or -1 when no
 *	deadline applies.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ConnAwaiting(
    const ClusterConn *connPtr)	/* Connection of interest. */
{
    if (connPtr->flags & (CONN_CLOSED | CONN_CONNECTING | CONN_BUSY)) {
	return 0;
    }
    return ClusterStreamBuffered(&connPtr->stream) > 0
	    || !(connPtr->flags & (CONN_OUTGOING | CONN_HANDLED));
}

static Tcl_WideInt
ConnDeadline(
    const ClusterConn *connPtr)	/* Connection of interest. */
{
    Tcl_WideInt when = -1, frameMs;

    if (connPtr->flags & CONN_CLOSED) {
	return -1;
    }
    if (connPtr->flags & CONN_CONNECTING) {
	return connPtr->closeMs;
    }
    if ((connPtr->flags & CONN_CLOSING)
	    && !(connPtr->flags & (CONN_IDLE | CONN_BUSY))) {
	when = connPtr->closeMs;
    }
    if (ConnAwaiting(connPtr)) {
	frameMs = connPtr->progressMs
		+ connPtr->poolPtr->limitsPtr->frameTimeoutMs;
	if (when < 0 || frameMs < when) {
	    when = frameMs;
	}
    }
    return when;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnArmTimer --
 *
 *	Make sure the timer of a connection fires no later than its
 *	earliest deadline. A timer armed for that time or earlier is left
 *	alone; one armed for later is replaced. When no deadline applies,
 *	a timer already armed is left to fire and find nothing to do.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May create or replace the Tcl timer.
 *
 *----------------------------------------------------------------------
 */

void
ConnArmTimer(
    ClusterConn *connPtr)	/* Connection of interest. */
{
    Tcl_WideInt when = ConnDeadline(connPtr), delay;

    if (when < 0) {
	return;
    }
    if (connPtr->timer != NULL) {
	if (connPtr->timerMs <= when) {
	    return;
	}
	Tcl_DeleteTimerHandler(connPtr->timer);
    }
    delay = when - ClusterpMonotonicMs();
    if (delay < 0) {
	delay = 0;
    } else if (delay > INT_MAX) {
	delay = INT_MAX;
    }
    connPtr->timer = Tcl_CreateTimerHandler((int) delay, ConnTimeoutProc,
	    connPtr);
    connPtr->timerMs = when;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnTimeoutProc --
 *
 *	The timer of a connection. A connect pending for -connecttimeout
 *	ms fails. A closing connection idle for CONN_IDLE_CLOSE_MS reads
 *	what may have just arrived (new payloads cancel the close), else
 *	closes (ConnDecide). A connection owing a frame with no progress
 *	for -frametimeout ms also reads first (the loop may have been busy
 *	elsewhere), and is cut off if that brought no progress. Then the
 *	timer is armed for the next deadline.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Anything the owner does; may fail or close the connection.
 *
 *----------------------------------------------------------------------
 */

void
ConnTimeoutProc(
    ClientData clientData)	/* The ClusterConn. */
{
    ClusterConn *connPtr = clientData;
    int frameTimeoutMs = connPtr->poolPtr->limitsPtr->frameTimeoutMs;
    Tcl_WideInt now = ClusterpMonotonicMs();

    connPtr->timer = NULL;
    Tcl_Preserve(connPtr);
    if (connPtr->flags & CONN_CONNECTING) {
	if (now >= connPtr->closeMs) {
	    connPtr->poolPtr->counts[POOL_CONNECT_FAILURES]++;
	    ConnFail(connPtr, "connect timed out");
	}
	goto done;
    }
    if ((connPtr->flags & CONN_CLOSING)
	    && !(connPtr->flags & (CONN_IDLE | CONN_BUSY))
	    && now >= connPtr->closeMs) {
	connPtr->flags |= CONN_IDLE;
	ConnReadable(connPtr);
    }
    if (!(connPtr->flags & CONN_CLOSED)
	    && ConnAwaiting(connPtr)
	    && now - connPtr->progressMs >= frameTimeoutMs) {
	ConnReadable(connPtr);
	if (!(connPtr->flags & CONN_CLOSED)
		&& ConnAwaiting(connPtr) && ClusterpMonotonicMs()
		- connPtr->progressMs >= frameTimeoutMs) {
	    ConnCutOff(connPtr, POOL_STALLED,
		    "cut off: no progress within -frametimeout");
	}
    }

  done:
    if (!(connPtr->flags & CONN_CLOSED)) {
	ConnArmTimer(connPtr);
    }
    Tcl_Release(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnCutOff --
 *
 *	A peer broke a bound: count it, and close the connection as a
 *	failed one (ConnFail), so that replies queued on it are retried
 *	over another protocol.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Closes the connection; may call the owner.
 *
 *----------------------------------------------------------------------
 */

static void
ConnCutOff(
    ClusterConn *connPtr,	/* Connection (preserved). */
    int counter,		/* POOL_CUT_OVERSIZED, ... */
    const char *reason)		/* Static text for the failedProc. */
{
    if (connPtr->flags & CONN_CLOSED) {
	return;
    }
    connPtr->poolPtr->counts[counter]++;
    ConnFail(connPtr, reason);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
