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
 *	  peer cannot hold a connection by trickling noise;
 *	- holds part of a frame for CONN_FRAME_LIFETIME times -frametimeout
 *	  ms (stalled too): a peer adding a byte now and then makes
 *	  progress, but cannot keep a partial frame, and its memory, for
 *	  ever;
 *	- holds the most bytes of partial frames when those of all the
 *	  connections together go over -maxinput (input_cutoffs): each
 *	  connection may hold up to -maxframe, but not all of them at
 *	  once. The biggest holder is the likely attacker, and cutting it
 *	  frees the most; a frame that has just begun is spared.
 *
 *	The timer serves the connect timeout and the idle close of the
 *	keepalive rule (clusterNetConnRead.c) as well as the frame timeout. It
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
static int		ConnCheckBudget(ClusterConn *connPtr);
static void		ConnCutOff(ClusterConn *connPtr, int counter,
			    const char *reason);
static Tcl_WideInt	ConnDeadline(const ClusterConn *connPtr);
static Tcl_WideInt	ConnFrameDue(const ClusterConn *connPtr);

/*
 *----------------------------------------------------------------------
 *
 * ConnCheckInput --
 *
 *	Check what the reassembler of a connection has seen against the
 *	bounds on input: no frame over -maxframe, and no more than
 *	-maxframe bytes of garbage since the last whole frame. Called
 *	before each whole frame is delivered (gotFrame 1: the frame then
 *	becomes the last whole one) and after the reassembler is drained
 *	(gotFrame 0: then what it holds is counted against -maxinput,
 *	ConnCheckBudget).
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
	return TCL_OK;
    }
    return ConnCheckBudget(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnCheckBudget --
 *
 *	Count what the reassembler of a connection holds now in the pool's
 *	total, and while that total is over -maxinput, cut off the
 *	connection holding the most (this one, or another). So the
 *	reassemblers together hold at most -maxinput plus the last read.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR when this connection was cut off, or closed
 *	by the owner while another one was.
 *
 * Side effects:
 *	Updates the pool's held bytes; may close connections and call the
 *	owner (ConnFail).
 *
 *----------------------------------------------------------------------
 */

static int
ConnCheckBudget(
    ClusterConn *connPtr)	/* Connection (preserved), just drained. */
{
    ClusterConnPool *poolPtr = connPtr->poolPtr;
    ClusterConn *victimPtr, *scanPtr;
    size_t held = ClusterStreamBuffered(&connPtr->stream);

    poolPtr->held = poolPtr->held - connPtr->held + held;
    connPtr->held = held;

    /*
     * The owner, called by a cut, may close this connection and even the
     * pool: look at the pool again each time.
     */

    while (!(connPtr->flags & CONN_CLOSED) && (poolPtr = connPtr->poolPtr,
	    poolPtr->held > poolPtr->limitsPtr->maxInput)) {
	victimPtr = poolPtr->firstPtr;
	for (scanPtr = victimPtr; scanPtr != NULL;
		scanPtr = scanPtr->nextPtr) {
	    if (scanPtr->held > victimPtr->held) {
		victimPtr = scanPtr;
	    }
	}
	Tcl_Preserve(victimPtr);
	ConnCutOff(victimPtr, POOL_CUT_INPUT,
		"cut off: partial frames over -maxinput");
	Tcl_Release(victimPtr);
    }
    return (connPtr->flags & CONN_CLOSED) ? TCL_ERROR : TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ConnNoteInput --
 *
 *	After a read has been delivered: note progress towards a frame
 *	(see the top of this file). While no frame is owed the clock is
 *	kept at now, so that it starts when one becomes owed. Note when
 *	the partial frame held now began: at this read if none was held,
 *	or a whole frame was found since.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Updates progressMs, framesMark, partialMark and frameStartMs. The
 *	caller arms the timer (ConnArmTimer) once per event, not per read.
 *
 *----------------------------------------------------------------------
 */

void
ConnNoteInput(
    ClusterConn *connPtr)	/* Connection just read from. */
{
    size_t buffered = ClusterStreamBuffered(&connPtr->stream);
    Tcl_WideInt now = ClusterpMonotonicMs();

    if (buffered == 0) {
	connPtr->frameStartMs = -1;
    } else if (connPtr->frameStartMs < 0
	    || connPtr->stream.frames != connPtr->framesMark) {
	connPtr->frameStartMs = now;
    }
    if (!ConnAwaiting(connPtr)
	    || connPtr->stream.frames != connPtr->framesMark
	    || buffered > connPtr->partialMark) {
	connPtr->progressMs = now;
	connPtr->framesMark = connPtr->stream.frames;
	connPtr->partialMark = buffered;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * ConnAwaiting, ConnDeadline, ConnFrameDue --
 *
 *	Whether a connection owes a frame: it is open, not connecting, not
 *	handing packets to the owner (nothing is read meanwhile), and holds
 *	part of a frame or was accepted and has sent no whole frame yet.
 *	The earliest deadline of a connection: -connectdelay or the end of
 *	its pending connect, the end of the idle wait of a closing
 *	connection, or of the frame it owes. When the frame it owes is
 *	due: -frametimeout after the last progress, or CONN_FRAME_LIFETIME
 *	times that after the partial frame began, whichever comes first.
 *
 * Results:
 *	ConnAwaiting: 1 or 0. ConnDeadline: monotonic ms, or -1 when no
 *	deadline applies. ConnFrameDue: monotonic ms.
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
	if (connPtr->slowMs > 0 && !(connPtr->flags & CONN_SLOW)
		&& connPtr->slowMs < connPtr->closeMs) {
	    return connPtr->slowMs;
	}
	return connPtr->closeMs;
    }
    if ((connPtr->flags & CONN_CLOSING)
	    && !(connPtr->flags & (CONN_IDLE | CONN_BUSY))) {
	when = connPtr->closeMs;
    }
    if (ConnAwaiting(connPtr)) {
	frameMs = ConnFrameDue(connPtr);
	if (when < 0 || frameMs < when) {
	    when = frameMs;
	}
    }
    return when;
}

static Tcl_WideInt
ConnFrameDue(
    const ClusterConn *connPtr)	/* Connection of interest, open. */
{
    Tcl_WideInt timeoutMs = connPtr->poolPtr->limitsPtr->frameTimeoutMs;
    Tcl_WideInt due = connPtr->progressMs + timeoutMs;

    if (connPtr->frameStartMs >= 0 && connPtr->frameStartMs
	    + CONN_FRAME_LIFETIME * timeoutMs < due) {
	due = connPtr->frameStartMs + CONN_FRAME_LIFETIME * timeoutMs;
    }
    return due;
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
 *	The timer of a connection. A connect pending for -connectdelay ms
 *	offers its queue to the owner (ConnHandOff); one pending for
 *	-connecttimeout ms fails. A closing connection idle for
 *	CONN_IDLE_CLOSE_MS reads what may have just arrived (new payloads
 *	cancel the close), else closes (ConnDecide). A connection whose frame is due (no progress
 *	for -frametimeout ms, or a partial frame older than
 *	CONN_FRAME_LIFETIME times that, ConnFrameDue) also reads first (the
 *	loop may have been busy elsewhere), and is cut off if the frame is
 *	still due. Then the timer is armed for the next deadline.
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
    Tcl_WideInt now = ClusterpMonotonicMs();

    connPtr->timer = NULL;
    Tcl_Preserve(connPtr);
    if (connPtr->flags & CONN_CONNECTING) {
	if (now >= connPtr->closeMs) {
	    connPtr->poolPtr->counts[POOL_CONNECT_FAILURES]++;
	    ConnFail(connPtr, "connect timed out");
	} else if (connPtr->slowMs > 0 && now >= connPtr->slowMs
		&& !(connPtr->flags & CONN_SLOW)) {
	    ConnHandOff(connPtr);
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
	    && ConnAwaiting(connPtr) && now >= ConnFrameDue(connPtr)) {
	ConnReadable(connPtr);
	if (!(connPtr->flags & CONN_CLOSED) && ConnAwaiting(connPtr)
		&& ClusterpMonotonicMs() >= ConnFrameDue(connPtr)) {
	    ConnCutOff(connPtr, POOL_STALLED,
		    "cut off: frame not finished in time (-frametimeout)");
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

/*
 *----------------------------------------------------------------------
 *
 * ClusterPeerQueued --
 *
 *	The bytes queued, not yet written, on a peer's open streams.
 *
 * Results:
 *	A byte count.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

size_t
ClusterPeerQueued(
    const ClusterNetPeer *peerPtr)	/* Peer of interest. */
{
    size_t queued = 0;
    int i;

    for (i = 0; i < CLUSTER_PROTO_COUNT; i++) {
	if (peerPtr->conns[i] != NULL
		&& !(peerPtr->conns[i]->flags & CONN_CLOSED)) {
	    queued += peerPtr->conns[i]->queued;
	}
    }
    return queued;
}
