/*
 * clusterUnixCheck.c --
 *
 *	Whether a member's own listening socket still works. A peer that
 *	failed to reach a member tells it so (a failure report, type 8),
 *	but anybody can send such a report: the member rebuilds a server
 *	only when its own look at the server agrees (doc/protocol.md
 *	section 2.10). The look is a few system calls, and never blocks.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterUnixPort.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 *----------------------------------------------------------------------
 *
 * ClusterpFileIdentify --
 *
 *	The identity (device and inode) of a file, without following a
 *	symbolic link: taken right after a unix socket is bound, to tell
 *	later whether the file at that path is still ours.
 *
 * Results:
 *	0, or -1 with errno set.
 *
 * Side effects:
 *	Fills *idPtr.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpFileIdentify(
    const char *path,		/* File of interest. */
    ClusterFileId *idPtr)	/* Out: its identity. */
{
    struct stat st;

    if (lstat(path, &st) < 0) {
	return -1;
    }
    idPtr->dev = (uint64_t) st.st_dev;
    idPtr->ino = (uint64_t) st.st_ino;
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpListenerWorks --
 *
 *	Whether a listening socket still accepts: the descriptor is a
 *	socket in the listening state and, for a unix socket (path not
 *	NULL), the file at its path is still the socket it bound: a
 *	socket, owned by this process's user, with the identity recorded
 *	at bind time. A file removed or replaced by someone else means
 *	that peers can no longer reach the server.
 *
 * Results:
 *	1 when the server works, 0 when it is broken.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpListenerWorks(
    int fd,			/* Listening socket. */
    const char *path,		/* Its socket file, or NULL. */
    const ClusterFileId *idPtr)	/* The file's identity at bind time. */
{
    struct stat st;
    int listening = 0;
    socklen_t size = sizeof(listening);

    if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
	    &size) < 0 || !listening) {
	return 0;
    }
    if (path == NULL) {
	return 1;
    }
    if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode)
	    || st.st_uid != geteuid()) {
	return 0;
    }
    return idPtr == NULL || ((uint64_t) st.st_dev == idPtr->dev
	    && (uint64_t) st.st_ino == idPtr->ino);
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
