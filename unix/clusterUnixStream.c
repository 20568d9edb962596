/*
 * clusterUnixStream.c --
 *
 *	Stream sockets on Unix: the TCP server and links of the "t"
 *	protocol, the unix-domain server and links of "u" (listen, accept,
 *	connect without blocking, read, write) and the removal of a socket
 *	file. They are made with the helpers of clusterUnixNet.c, which
 *	also closes them. Nothing here blocks or looks up a name; the
 *	transports watch the descriptors with Tcl_CreateFileHandler.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

/*
 * On Linux, ask for the GNU and BSD interfaces (accept4, lstat) even when
 * the compiler is in a strict standard mode. Must precede every include.
 */

#if defined(__linux__) && !defined(_GNU_SOURCE)
#   define _GNU_SOURCE 1
#endif

#include "clusterUnixPort.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/*
 * Backlog of the TCP and unix-domain servers.
 */

#define LISTEN_BACKLOG		128

/*
 * Flags for send(): no SIGPIPE where the system allows asking per call;
 * elsewhere (macOS) SO_NOSIGPIPE is set on every stream socket.
 */

#ifdef MSG_NOSIGNAL
#   define SEND_FLAGS MSG_NOSIGNAL
#else
#   define SEND_FLAGS 0
#endif

/*
 * Send and receive buffer asked for on unix stream sockets.
 */

#define UNIX_STREAM_BUFFER	(4 * 1024 * 1024)

/*
 * Static functions in this file.
 */

static int		MakeSocketDir(ClusterErr *errPtr, const char *path);
static const char *	UnsafeDir(const struct stat *statPtr);
static int		PrepareStream(int fd, int isTcp);
static int		StartConnect(int family, int noDelay,
			    const struct sockaddr *addrPtr,
			    socklen_t addrLength, int *fdPtr);
static int		UnixAddress(const char *path,
			    struct sockaddr_un *sunPtr);

/*
 *----------------------------------------------------------------------
 *
 * PrepareStream --
 *
 *	Set the options every stream link gets: no SIGPIPE on write where
 *	that is a socket option (macOS), TCP_NODELAY on TCP, since packets
 *	are written whole and should leave at once, and larger buffers on
 *	unix sockets.
 *
 * Results:
 *	0, or -1 with errno set.
 *
 * Side effects:
 *	Sets socket options.
 *
 *----------------------------------------------------------------------
 */

static int
PrepareStream(
    int fd,			/* A connected or connecting socket. */
    int isTcp)			/* Non-zero for AF_INET or AF_INET6. */
{
    int on = 1;

#ifdef SO_NOSIGPIPE
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on)) < 0) {
	return -1;
    }
#endif
    if (isTcp && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)) < 0) {
	return -1;
    }
    if (!isTcp) {
	int size = UNIX_STREAM_BUFFER;

	/*
	 * Best effort (the system caps it): unix sockets default to some
	 * 200 KB, which makes a 1 MB event take a dozen trips through the
	 * event loop. TCP tunes its own buffers.
	 */

	(void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpTcpListen --
 *
 *	Open the TCP server of the "t" protocol on an ephemeral port on all
 *	interfaces, IPv6 and IPv4 alike (IPv4 only where the host has no
 *	IPv6).
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr and
 *	the port, in host byte order, in *portPtr.
 *
 * Side effects:
 *	Opens a listening socket. On failure nothing is left open and the
 *	*errPtr holds an error {CLUSTER SOCKET detail}.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpTcpListen(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    int *fdPtr,			/* Where to put the descriptor. */
    int *portPtr)		/* Where to put the port. */
{
    ClusterpSockaddr sa;
    socklen_t len;
    int fd, on = 1, off = 0, err;
    const char *detail, *action;

    /*
     * One socket for both families where the host has IPv6: IPv4 peers
     * arrive as IPv4-mapped addresses, which ClusterpFromSockaddr turns
     * back into IPv4.
     */

    memset(&sa, 0, sizeof(sa));
    fd = ClusterpNewSocket(AF_INET6, SOCK_STREAM);
    if (fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
	    sizeof(off)) == 0) {
	sa.sin6.sin6_family = AF_INET6;
	sa.sin6.sin6_addr = in6addr_any;
	len = sizeof(sa.sin6);
    } else {
	ClusterpClose(fd);
	fd = ClusterpNewSocket(AF_INET, SOCK_STREAM);
	sa.sin.sin_family = AF_INET;
	sa.sin.sin_addr.s_addr = htonl(INADDR_ANY);
	len = sizeof(sa.sin);
    }
    if (fd < 0) {
	return ClusterErrSet(errPtr, "SOCKET", "CREATE",
		"can't create TCP server socket: %s", Tcl_ErrnoMsg(errno));
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0) {
	detail = "OPTION";
	action = "set SO_REUSEADDR on";
	goto error;
    }
    if (bind(fd, &sa.sa, len) < 0) {
	detail = "BIND";
	action = "bind";
	goto error;
    }
    if (listen(fd, LISTEN_BACKLOG) < 0) {
	detail = "LISTEN";
	action = "listen on";
	goto error;
    }
    len = sizeof(sa);
    if (getsockname(fd, &sa.sa, &len) < 0) {
	detail = "LISTEN";
	action = "read the port of";
	goto error;
    }
    *fdPtr = fd;
    *portPtr = ntohs(sa.sa.sa_family == AF_INET6 ? sa.sin6.sin6_port
	    : sa.sin.sin_port);
    return TCL_OK;

  error:
    err = errno;
    close(fd);
    return ClusterErrSet(errPtr, "SOCKET", detail,
	    "can't %s TCP server socket on an ephemeral port: %s", action,
	    Tcl_ErrnoMsg(err));
}

/*
 *----------------------------------------------------------------------
 *
 * UnixAddress --
 *
 *	Fill a unix-domain address with a path.
 *
 * Results:
 *	0, or -1 with errno ENAMETOOLONG when the path does not fit
 *	sun_path.
 *
 * Side effects:
 *	Fills *sunPtr.
 *
 *----------------------------------------------------------------------
 */

static int
UnixAddress(
    const char *path,		/* Socket file path. */
    struct sockaddr_un *sunPtr)	/* Where to build the address. */
{
    size_t length = strlen(path);

    memset(sunPtr, 0, sizeof(*sunPtr));
    if (length == 0 || length >= sizeof(sunPtr->sun_path)) {
	errno = (length == 0) ? ENOENT : ENAMETOOLONG;
	return -1;
    }
    sunPtr->sun_family = AF_UNIX;
    memcpy(sunPtr->sun_path, path, length + 1);
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * MakeSocketDir --
 *
 *	Make sure the directory of a socket file exists, creating it and
 *	any missing parent with mode 0700 (only this user may enter), like
 *	`file mkdir`. A directory that exists is used as it is, unless it
 *	or one on its path is unsafe (UnsafeDir): another user than root
 *	or us owns it, or others may write to it without the sticky bit
 *	(as /tmp has); they could then replace our socket file.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Directories. On failure *errPtr holds {CLUSTER SOCKET MKDIR} or
 *	{CLUSTER SOCKET UNSAFE_DIR}.
 *
 *----------------------------------------------------------------------
 */

static int
MakeSocketDir(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    const char *path)		/* Socket file path. */
{
    char dir[sizeof(((struct sockaddr_un *) NULL)->sun_path)];
    const char *slash = strrchr(path, '/');
    struct stat st;
    size_t length, i;

    if (slash == NULL || slash == path) {
	return TCL_OK;		/* The current directory, or /. */
    }
    length = (size_t) (slash - path);
    if (length >= sizeof(dir)) {
	return TCL_OK;		/* The bind says that it is too long. */
    }
    memcpy(dir, path, length);
    dir[length] = '\0';

    /*
     * Every directory on the way must be safe, checked before the next
     * one is made in it: whoever may rename an entry of one of them could
     * swap the socket's directory.
     */

    for (i = 1; i <= length; i++) {
	const char *why;

	if (dir[i] != '/' && dir[i] != '\0') {
	    continue;
	}
	dir[i] = '\0';
	if (mkdir(dir, 0700) == 0) {
	    (void) chmod(dir, 0700);	/* Whatever the umask says. */
	} else if (errno != EEXIST) {
	    return ClusterErrSet(errPtr, "SOCKET", "MKDIR",
		    "can't create directory \"%s\" for unix socket \"%s\": %s",
		    dir, path, Tcl_ErrnoMsg(errno));
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
	    return ClusterErrSet(errPtr, "SOCKET", "MKDIR",
		    "can't use \"%s\" as a directory of unix socket \"%s\":"
		    " not a directory", dir, path);
	}
	why = UnsafeDir(&st);
	if (why != NULL) {
	    return ClusterErrSet(errPtr, "SOCKET", "UNSAFE_DIR",
		    "can't listen on unix socket \"%s\": directory \"%s\" on"
		    " its path is %s; use a directory of your own", path,
		    dir, why);
	}
	if (i < length) {
	    dir[i] = '/';
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * UnsafeDir --
 *
 *	Whether another user than root or us could change a directory's
 *	entries: it is theirs, or others may write to it without the
 *	sticky bit (as /tmp has).
 *
 * Results:
 *	NULL when safe, else why not.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static const char *
UnsafeDir(
    const struct stat *statPtr)	/* The directory's status. */
{
    if (statPtr->st_uid != geteuid() && statPtr->st_uid != 0) {
	return "owned by another user";
    }
    if ((statPtr->st_mode & (S_IWGRP | S_IWOTH))
	    && !(statPtr->st_mode & S_ISVTX)) {
	return "writable by others";
    }
    return NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpUnixListen --
 *
 *	Open the unix-domain server of the "u" protocol at a path, in a
 *	directory made if missing (MakeSocketDir), with the socket file's
 *	permissions set to `mode` before anyone can connect (between bind
 *	and listen a connect is refused). A socket file left there by a
 *	member that died is removed; a live server, or a file that is not
 *	a socket, is never touched.
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr.
 *
 * Side effects:
 *	Creates the socket file (the caller removes it when done) and
 *	perhaps removes a stale one. On failure nothing is left open or
 *	created and *errPtr holds an error {CLUSTER SOCKET
 *	detail}: PATH_TOO_LONG, MKDIR, UNSAFE_DIR, ADDRESS_IN_USE, BIND,
 *	MODE, LISTEN or CREATE.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpUnixListen(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    const char *path,		/* Socket file path. */
    int mode,			/* Permissions of the socket file. */
    int *fdPtr)			/* Where to put the descriptor. */
{
    struct sockaddr_un sun;
    struct stat st;
    int fd, probe, err, tries;

    if (UnixAddress(path, &sun) < 0) {
	if (errno == ENAMETOOLONG) {
	    return ClusterErrSet(errPtr, "SOCKET", "PATH_TOO_LONG",
		    "can't listen on unix socket \"%s\": path is longer than"
		    " %d bytes", path, (int) sizeof(sun.sun_path) - 1);
	}
	return ClusterErrSet(errPtr, "SOCKET", "BIND",
		"can't listen on unix socket: empty path");
    }
    if (MakeSocketDir(errPtr, path) != TCL_OK) {
	return TCL_ERROR;
    }
    fd = ClusterpNewSocket(AF_UNIX, SOCK_STREAM);
    if (fd < 0) {
	return ClusterErrSet(errPtr, "SOCKET", "CREATE",
		"can't create unix socket: %s", Tcl_ErrnoMsg(errno));
    }
    for (tries = 0; ; tries++) {
	if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0) {
	    break;
	}
	err = errno;
	if (err != EADDRINUSE || tries > 0) {
	    close(fd);
	    return ClusterErrSet(errPtr, "SOCKET",
		    (err == EADDRINUSE) ? "ADDRESS_IN_USE" : "BIND",
		    "can't bind unix socket \"%s\": %s", path,
		    Tcl_ErrnoMsg(err));
	}

	/*
	 * Something is there. Remove it only if it is a socket nobody
	 * listens on any more.
	 */

	if (lstat(path, &st) < 0) {
	    continue;			/* Gone meanwhile: bind again. */
	}
	if (!S_ISSOCK(st.st_mode)) {
	    close(fd);
	    return ClusterErrSet(errPtr, "SOCKET", "ADDRESS_IN_USE",
		    "can't listen on unix socket \"%s\": a file that is"
		    " not a socket is in the way", path);
	}
	probe = ClusterpNewSocket(AF_UNIX, SOCK_STREAM);
	if (probe < 0) {
	    err = errno;
	    close(fd);
	    return ClusterErrSet(errPtr, "SOCKET", "CREATE",
		    "can't create unix socket: %s", Tcl_ErrnoMsg(err));
	}
	if (connect(probe, (struct sockaddr *) &sun, sizeof(sun)) == 0
		|| errno != ECONNREFUSED) {
	    close(probe);
	    close(fd);
	    return ClusterErrSet(errPtr, "SOCKET", "ADDRESS_IN_USE",
		    "can't listen on unix socket \"%s\": another process is"
		    " listening there", path);
	}
	close(probe);
	if (unlink(path) < 0 && errno != ENOENT) {
	    err = errno;
	    close(fd);
	    return ClusterErrSet(errPtr, "SOCKET", "ADDRESS_IN_USE",
		    "can't remove stale unix socket \"%s\": %s", path,
		    Tcl_ErrnoMsg(err));
	}
    }
    if (chmod(path, (mode_t) mode) < 0) {
	err = errno;
	close(fd);
	unlink(path);
	return ClusterErrSet(errPtr, "SOCKET", "MODE",
		"can't set mode %04o on unix socket \"%s\": %s", mode, path,
		Tcl_ErrnoMsg(err));
    }
    if (listen(fd, LISTEN_BACKLOG) < 0) {
	err = errno;
	close(fd);
	unlink(path);
	return ClusterErrSet(errPtr, "SOCKET", "LISTEN",
		"can't listen on unix socket \"%s\": %s", path,
		Tcl_ErrnoMsg(err));
    }
    *fdPtr = fd;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpAccept --
 *
 *	Accept one connection on a TCP or unix-domain server.
 *
 * Results:
 *	The new descriptor (non-blocking, close-on-exec; TCP_NODELAY on
 *	TCP), or -1 with errno set: EAGAIN when no connection is waiting.
 *
 * Side effects:
 *	Fills *fromPtr (when not NULL) with the peer's address, or zeros
 *	for a unix-domain peer.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpAccept(
    int listenFd,		/* Listening socket. */
    ClusterAddr *fromPtr)	/* Where to put the peer, or NULL. */
{
    union {
	struct sockaddr sa;
	ClusterpSockaddr in;
	struct sockaddr_un sun;
    } from;
    socklen_t len;
    int fd, err;

    for (;;) {
	len = sizeof(from);
	memset(&from, 0, sizeof(from));
#if defined(__linux__) && defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
	fd = accept4(listenFd, &from.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
	fd = accept(listenFd, &from.sa, &len);
#endif
	if (fd >= 0) {
	    break;
	}
	if (errno != EINTR && errno != ECONNABORTED) {
	    return -1;
	}
    }
#if !(defined(__linux__) && defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC))
    if (ClusterpSetCloexecNonblock(fd) < 0) {
	goto error;
    }
#endif
    if (PrepareStream(fd, from.sa.sa_family != AF_UNIX) < 0) {
	goto error;
    }
    if (fromPtr != NULL) {
	(void) ClusterpFromSockaddr(&from.sa, fromPtr);
    }
    return fd;

  error:
    err = errno;
    close(fd);
    errno = err;
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * StartConnect --
 *
 *	Open a non-blocking stream socket of a family and start connecting
 *	it. An interrupted connect goes on in the background, like one in
 *	progress.
 *
 * Results:
 *	CLUSTER_CONNECT_DONE, CLUSTER_CONNECT_PENDING, or -1 with errno set
 *	(the socket is closed).
 *
 * Side effects:
 *	Opens a socket, put in *fdPtr unless -1 is returned.
 *
 *----------------------------------------------------------------------
 */

static int
StartConnect(
    int family,			/* AF_INET, AF_INET6 or AF_UNIX. */
    int noDelay,		/* Set TCP_NODELAY (TCP only). */
    const struct sockaddr *addrPtr, /* Where to connect. */
    socklen_t addrLength,
    int *fdPtr)			/* Where to put the descriptor. */
{
    int fd, err;

    fd = ClusterpNewSocket(family, SOCK_STREAM);
    if (fd < 0) {
	return -1;
    }
    if (PrepareStream(fd, noDelay) < 0) {
	goto error;
    }
    if (connect(fd, addrPtr, addrLength) == 0) {
	*fdPtr = fd;
	return CLUSTER_CONNECT_DONE;
    }
    if (errno == EINPROGRESS || errno == EINTR) {
	*fdPtr = fd;
	return CLUSTER_CONNECT_PENDING;
    }

  error:
    err = errno;
    close(fd);
    errno = err;
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpTcpConnect --
 *
 *	Start a TCP connection without blocking.
 *
 * Results:
 *	CLUSTER_CONNECT_DONE when connected at once, CLUSTER_CONNECT_PENDING
 *	when it completes later (wait until writable, then ask
 *	ClusterpConnectResult), or -1 with errno set (nothing left open).
 *
 * Side effects:
 *	Opens a socket, put in *fdPtr unless -1 is returned.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpTcpConnect(
    const ClusterAddr *toPtr,	/* Address and port to connect to. */
    int *fdPtr)			/* Where to put the descriptor. */
{
    ClusterpSockaddr sa;
    socklen_t length = ClusterpToSockaddr(toPtr, &sa);

    return StartConnect(sa.sa.sa_family, 1, &sa.sa, length, fdPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpUnixConnect --
 *
 *	Connect to a unix-domain server without blocking. A server whose
 *	backlog is full gives EAGAIN: try later or another protocol.
 *
 * Results:
 *	As ClusterpTcpConnect; errno ENAMETOOLONG for a path that does not
 *	fit.
 *
 * Side effects:
 *	Opens a socket, put in *fdPtr unless -1 is returned.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpUnixConnect(
    const char *path,		/* Socket file path. */
    int *fdPtr)			/* Where to put the descriptor. */
{
    struct sockaddr_un sun;

    if (UnixAddress(path, &sun) < 0) {
	return -1;
    }
    return StartConnect(AF_UNIX, 0, (struct sockaddr *) &sun, sizeof(sun),
	    fdPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpConnectResult --
 *
 *	The outcome of a pending connect, once the socket is writable.
 *
 * Results:
 *	0 when connected, else the errno value of the failure
 *	(ECONNREFUSED, ETIMEDOUT, ...).
 *
 * Side effects:
 *	Clears the socket's pending error.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpConnectResult(
    int fd)			/* Socket of a pending connect. */
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
	return errno;
    }
    return err;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpRead --
 *
 *	Read what is available from a stream socket.
 *
 * Results:
 *	The number of bytes read, 0 at end of file, or -1 with errno set
 *	(EAGAIN when nothing is available).
 *
 * Side effects:
 *	Consumes input.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpRead(
    int fd,			/* Stream socket. */
    unsigned char *buffer,	/* Where to put the bytes. */
    size_t capacity)		/* Room in buffer. */
{
    ssize_t got;

    do {
	got = read(fd, buffer, (size_t) ClusterpClampLength(capacity));
    } while (got < 0 && errno == EINTR);
    return (int) got;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpWrite --
 *
 *	Write what the socket accepts now, never raising SIGPIPE.
 *
 * Results:
 *	The number of bytes written (perhaps fewer than length), or -1 with
 *	errno set (EAGAIN when the socket is full, EPIPE when the peer has
 *	gone).
 *
 * Side effects:
 *	Sends bytes.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpWrite(
    int fd,			/* Stream socket. */
    const unsigned char *bytes,	/* Bytes to write. */
    size_t length)		/* How many. */
{
    ssize_t sent;

    do {
	sent = send(fd, bytes, (size_t) ClusterpClampLength(length),
		SEND_FLAGS);
    } while (sent < 0 && errno == EINTR);
    return (int) sent;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpRemoveFile --
 *
 *	Remove a file (a unix socket of ours). A file already gone is not an
 *	error.
 *
 * Results:
 *	0, or -1 with errno set.
 *
 * Side effects:
 *	Unlinks path.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpRemoveFile(
    const char *path)		/* File to remove. */
{
    if (unlink(path) < 0 && errno != ENOENT) {
	return -1;
    }
    return 0;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
