/*
 * clusterNetConnRead.c --
 *
 *	Input on the open connections of the stream transports t and u:
 *	reading straight into the reassembler, delivery of whole packets to
 *	the owner (also from a nested event loop the owner runs while it
 *	handles one), the end of input, and the keepalive rule of
 *	doc/protocol.md section 4. The file handler that calls in here, and
 *	the write queues, live in clusterNetConnIO.c.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNetInt.h"
#include <errno.h>

/*
 * A reassembly buffer detached while packets pointing into it were being
 * handed to the owner (ConnUnpin).
 */

typedef struct DetachedBuffer {
    struct DetachedBuffer *nextPtr;	/* Detached before it, or NULL. */
    void *buffer;			/* From ClusterStreamDetach. */
} DetachedBuffer;

/*
 * Static functions in this file.
 */

static void		ConnDecide(ClusterConn *connPtr);
static int		ConnDeliver(ClusterConn *connPtr);
static void		ConnDrainProc(ClientData clientData);
static void		ConnSettle(ClusterConn *connPtr, int more);
static void		ConnUnpin(ClusterConn *connPtr);

/*
 *----------------------------------------------------------------------
 *
 * ConnResume --
 *
 *	A throttled connection's peer has read enough: read from it again,
 *	and first hand the owner the whole frames that waited (also from a
 *	nested event loop: the packet being handled there may wait for
 *	one of them).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Anything the owner does; may close or fail the connection.
 *
 *----------------------------------------------------------------------
 */

void
ConnResume(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    connPtr->flags &= ~CONN_THROTTLED;
    ConnWatch(connPtr);
    if (ConnDeliver(connPtr) != TCL_OK) {
	return;
    }
    ConnSettle(connPtr, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnReadable, ConnDeliver --
 *
 *	Read what the socket has (at most CONN_READS_PER_EVENT chunks)
 *	straight into the reassembler, and after each chunk hand every
 *	whole packet to the owner, noting whether the last one asked for
 *	keepalive. So the reassembler never holds more than one incomplete
 *	frame and one chunk. A connection whose input breaks a bound
 *	(ConnCheckInput) is cut off before anything after the offence is
 *	delivered. A throttled one (ConnOverShare) is neither read nor
 *	delivered from: its whole frames wait for ConnResume. Then close
 *	on end of file, or apply the keepalive rule, and arm the timer
 *	(ConnSettle).
 *
 *	The owner may run a nested event loop while it handles a packet (a
 *	hook that waits for an answer); the connection is read and
 *	delivered from again there, so that the packets that follow,
 *	the awaited answer among them, are handled in the order they came,
 *	each once: every packet is taken from the reassembler before it is
 *	handed over, whole packets already buffered behind it are handed
 *	over by an idle call (ConnDrainProc), and a read first detaches the
 *	buffer the packets being handled point into (ConnUnpin). At most
 *	-maxnested packets are handled at once: at that bound the
 *	connection is neither read nor delivered from until one returns.
 *	What ends the connection or decides its keepalive waits until no
 *	packet is being handled.
 *
 * Results:
 *	ConnDeliver: TCL_OK, or TCL_ERROR when the cluster or the
 *	connection went away during a call into the owner, or the
 *	connection was cut off.
 *
 * Side effects:
 *	Anything the owner does; may close or fail the connection.
 *
 *----------------------------------------------------------------------
 */

void
ConnReadable(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    const ClusterNetLimits *limitsPtr = connPtr->poolPtr->limitsPtr;
    unsigned char *space;
    int i, got, more = 1;

    for (i = 0; i < CONN_READS_PER_EVENT; i++) {
	if ((connPtr->flags & (CONN_THROTTLED | CONN_EOF))
		|| connPtr->delivering >= limitsPtr->maxNested) {
	    break;		/* ConnResume, ConnSettle or ConnDeliver
				 * goes on. */
	}
	ConnUnpin(connPtr);
	space = ClusterStreamSpace(&connPtr->stream, CONN_READ_CHUNK);
	got = ClusterpRead(connPtr->fd, space, CONN_READ_CHUNK);
	if (got <= 0) {
	    more = 0;
	    if (got < 0 && ConnWouldBlock(errno)) {
		break;
	    }
	    connPtr->flags |= CONN_EOF;
	    connPtr->eofError = (got < 0) ? errno : 0;
	    ConnWatch(connPtr);
	    break;
	}
	ClusterStreamCommit(&connPtr->stream, (size_t) got);
	if (ConnDeliver(connPtr) != TCL_OK) {
	    return;
	}
	ConnNoteInput(connPtr);
	if (got < CONN_READ_CHUNK) {
	    more = 0;
	    break;
	}
    }
    ConnSettle(connPtr, more);
}

static int
ConnDeliver(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    const unsigned char *bytes;
    size_t length;
    unsigned int generation;
    uint64_t number;
    int keep;

    while (!(connPtr->flags & CONN_THROTTLED)
	    && connPtr->delivering < connPtr->poolPtr->limitsPtr->maxNested
	    && ClusterStreamNext(&connPtr->stream, &bytes, &length) > 0) {
	if (ConnCheckInput(connPtr, 1) != TCL_OK) {
	    return TCL_ERROR;
	}

	/*
	 * A new payload: the keepalive rule is applied anew after it, and
	 * a nested event loop must not close the connection.
	 */

	connPtr->flags = (connPtr->flags | CONN_BUSY)
		& ~(CONN_CLOSING | CONN_IDLE);
	if (!(connPtr->flags & CONN_DRAINING)
		&& ClusterStreamBuffered(&connPtr->stream) > 0) {
	    connPtr->flags |= CONN_DRAINING;
	    Tcl_Preserve(connPtr);
	    Tcl_DoWhenIdle(ConnDrainProc, connPtr);
	}
	if (++connPtr->delivering
		== connPtr->poolPtr->limitsPtr->maxNested) {
	    connPtr->poolPtr->counts[POOL_NESTED_FULL]++;
	    ConnWatch(connPtr);
	}
	connPtr->pinned++;
	generation = connPtr->generation;
	number = ++connPtr->handedOut;
	keep = 0;
	connPtr->poolPtr->handlerPtr->packetProc(connPtr->poolPtr->owner,
		connPtr->proto, bytes, length, &connPtr->peer, connPtr,
		&keep);
	connPtr->delivering--;
	if (generation == connPtr->generation) {
	    connPtr->pinned--;
	}
	if (connPtr->flags & CONN_CLOSED) {
	    if (connPtr->delivering == 0) {
		ConnFreeInput(connPtr);
	    }
	    return TCL_ERROR;	/* Closed, or its owner is gone. */
	}
	if (connPtr->delivering + 1
		== connPtr->poolPtr->limitsPtr->maxNested) {
	    ConnWatch(connPtr);	/* Read it again. */
	}
	connPtr->flags |= CONN_HANDLED;
	if (number == connPtr->handedOut) {
	    /*
	     * No later packet was handed over meanwhile (in a nested
	     * loop, which has then decided): this one is the last.
	     */

	    if (keep) {
		connPtr->flags |= CONN_KEEP;
	    } else {
		connPtr->flags &= ~CONN_KEEP;
	    }
	}
    }
    if (connPtr->delivering == 0 && (connPtr->flags & CONN_BUSY)) {
	connPtr->flags &= ~CONN_BUSY;
	ConnFreeDetached(connPtr);
	if (connPtr->flags & CONN_DRAINING) {
	    connPtr->flags &= ~CONN_DRAINING;
	    Tcl_CancelIdleCall(ConnDrainProc, connPtr);
	    Tcl_Release(connPtr);
	}
    }
    return ConnCheckInput(connPtr, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnDrainProc --
 *
 *	The owner ran the event loop while handling a packet that had whole
 *	packets buffered behind it (read in the same chunk): hand those
 *	over now, in order, for the packet being handled may wait for one
 *	of them. When the owner runs no loop, the delivery that scheduled
 *	this call hands them over itself and cancels it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Anything the owner does; may close or fail the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnDrainProc(
    ClientData clientData)	/* The ClusterConn (preserved for us). */
{
    ClusterConn *connPtr = clientData;

    connPtr->flags &= ~CONN_DRAINING;
    if (!(connPtr->flags & CONN_CLOSED)
	    && ConnDeliver(connPtr) == TCL_OK) {
	ConnSettle(connPtr, 0);
    }
    Tcl_Release(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnSettle --
 *
 *	After reading or delivering: add up the reassembler's counters;
 *	then, unless packets are still being handed over (a nested loop:
 *	the outermost delivery settles), fail the connection if its input
 *	ended, else apply the keepalive rule when all was read, and arm
 *	the timer.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May fail, close or unbind the connection.
 *
 *----------------------------------------------------------------------
 */

static void
ConnSettle(
    ClusterConn *connPtr,	/* Connection (preserved, open). */
    int more)			/* 1: the socket may hold more to read. */
{
    ConnHarvestCounters(connPtr);
    if (connPtr->delivering > 0) {
	return;
    }
    if (connPtr->flags & CONN_EOF) {
	if (!connPtr->eofError) {
	    connPtr->flags |= CONN_PEER_CLOSED;
	}
	ConnFail(connPtr, connPtr->eofError
		? Tcl_ErrnoMsg(connPtr->eofError) : "closed by peer");
	return;
    }
    if (!more && !(connPtr->flags & CONN_THROTTLED)) {
	ConnDecide(connPtr);
    }
    ConnArmTimer(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnUnpin, ConnFreeDetached --
 *
 *	Before reading into the reassembler while packets that point into
 *	its buffer are being handled (a nested event loop), detach that
 *	buffer (ClusterStreamDetach): a read may move or free it. The
 *	detached buffers are freed once no packet is being handled any
 *	more, or with the connection; there are at most as many as
 *	deliveries nested.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Memory.
 *
 *----------------------------------------------------------------------
 */

static void
ConnUnpin(
    ClusterConn *connPtr)	/* Connection about to be read. */
{
    DetachedBuffer *detachedPtr;
    void *buffer;

    if (connPtr->pinned == 0) {
	return;
    }
    connPtr->pinned = 0;
    connPtr->generation++;
    buffer = ClusterStreamDetach(&connPtr->stream);
    if (buffer != NULL) {
	detachedPtr = ckalloc(sizeof(DetachedBuffer));
	detachedPtr->buffer = buffer;
	detachedPtr->nextPtr = connPtr->detachedPtr;
	connPtr->detachedPtr = detachedPtr;
    }
}

void
ConnFreeDetached(
    ClusterConn *connPtr)	/* Connection of interest. */
{
    DetachedBuffer *detachedPtr;

    while ((detachedPtr = connPtr->detachedPtr) != NULL) {
	connPtr->detachedPtr = detachedPtr->nextPtr;
	ClusterStreamFreeDetached(detachedPtr->buffer);
	ckfree(detachedPtr);
    }
}

/*
 * ConnFreeInput --
 *
 *	Free all a closed connection's input: its reassembly buffer and
 *	the detached ones. Only when no packet is being handled.
 */

void
ConnFreeInput(
    ClusterConn *connPtr)	/* Closed connection. */
{
    ClusterStreamFree(&connPtr->stream);
    ConnFreeDetached(connPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ConnDecide --
 *
 *	The keepalive rule (doc/protocol.md section 4) for a connection we
 *	accepted: once everything read has been handled (no payload of it
 *	is being handled any more: ConnSettle), and no partial frame waits,
 *	if the last payload handled did not ask for keepalive (or was
 *	dropped), close our end, after writing any queued reply. The close
 *	waits until no input came for CONN_IDLE_CLOSE_MS, and new payloads
 *	cancel it (ConnDeliver): a sender that pipelines payloads on a
 *	reused connection (ClusterConnUsable) would otherwise lose those
 *	in flight. A connection that stays open becomes its peer's
 *	connection again if that slot is free. Connections we opened stay
 *	open until the peer closes them.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May close the connection or mark it closing (the caller arms the
 *	timer).
 *
 *----------------------------------------------------------------------
 */

static void
ConnDecide(
    ClusterConn *connPtr)	/* Connection (preserved). */
{
    ClusterNetPeer *peerPtr = connPtr->peerPtr;

    if ((connPtr->flags & CONN_OUTGOING)
	    || !(connPtr->flags & CONN_HANDLED)) {
	return;
    }
    if ((connPtr->flags & CONN_KEEP)
	    || ClusterStreamBuffered(&connPtr->stream) > 0) {
	connPtr->flags &= ~(CONN_CLOSING | CONN_IDLE);
	if (peerPtr != NULL && peerPtr->conns[connPtr->proto] == NULL) {
	    peerPtr->conns[connPtr->proto] = connPtr;
	}
	return;
    }
    if (!(connPtr->flags & CONN_CLOSING)) {
	connPtr->flags |= CONN_CLOSING;
	connPtr->closeMs = ClusterpMonotonicMs() + CONN_IDLE_CLOSE_MS;
    }
    ConnUnbind(connPtr, 0);
    if (!(connPtr->flags & CONN_IDLE)) {
	return;
    }
    if (connPtr->headPtr == NULL) {
	ConnClose(connPtr);
    } else {
	ConnWatch(connPtr);
    }
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
