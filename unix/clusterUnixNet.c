/*
 * clusterUnixNet.c --
 *
 *	Sockets on Unix as plain non-blocking, close-on-exec descriptors:
 *	the UDP multicast socket of the "c" protocol, the TCP server and
 *	links of "t", the unix-domain server and links of "u". Nothing here
 *	blocks or looks up a name; the transports watch the descriptors
 *	with Tcl_CreateFileHandler.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

/*
 * On Linux, ask for the GNU and BSD interfaces (accept4, struct ip_mreq,
 * lstat) even when the compiler is in a strict standard mode. Must precede
 * every include.
 */

#if defined(__linux__) && !defined(_GNU_SOURCE)
#   define _GNU_SOURCE 1
#endif

#include "clusterInt.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The receive buffer asked for on the multicast socket, so that a burst of
 * beacons from many members is not dropped (best effort: the system may
 * grant less).
 */

#define MULTICAST_RCVBUF	(1024 * 1024)

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
 * Static functions in this file.
 */

static int		ClampLength(size_t length);
static int		NewSocket(int domain, int type);
static int		PrepareStream(int fd, int isTcp);
static int		SetCloexecNonblock(int fd);
static int		StartConnect(int family, int noDelay,
			    const struct sockaddr *addrPtr,
			    socklen_t addrLength, int *fdPtr);
static int		UnixAddress(const char *path,
			    struct sockaddr_un *sunPtr);

/*
 *----------------------------------------------------------------------
 *
 * SetCloexecNonblock --
 *
 *	Make a descriptor non-blocking and close-on-exec, for systems where
 *	socket() and accept() can't do it atomically.
 *
 * Results:
 *	0, or -1 with errno set.
 *
 * Side effects:
 *	Changes the descriptor's flags.
 *
 *----------------------------------------------------------------------
 */

static int
SetCloexecNonblock(
    int fd)			/* Descriptor to change. */
{
    int flags = fcntl(fd, F_GETFL, 0);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
	return -1;
    }
    flags = fcntl(fd, F_GETFD, 0);
    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
	return -1;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * NewSocket --
 *
 *	Create a non-blocking, close-on-exec socket: atomically where
 *	SOCK_NONBLOCK and SOCK_CLOEXEC exist (Linux), with fcntl elsewhere.
 *
 * Results:
 *	The descriptor, or -1 with errno set (nothing left open).
 *
 * Side effects:
 *	Opens a socket.
 *
 *----------------------------------------------------------------------
 */

static int
NewSocket(
    int domain,			/* AF_INET or AF_UNIX. */
    int type)			/* SOCK_DGRAM or SOCK_STREAM. */
{
    int fd, savedErrno;

#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 || errno != EINVAL) {
	return fd;
    }
    /*
     * A kernel older than the flags: fall through to fcntl.
     */
#endif
    fd = socket(domain, type, 0);
    if (fd < 0) {
	return -1;
    }
    if (SetCloexecNonblock(fd) < 0) {
	savedErrno = errno;
	close(fd);
	errno = savedErrno;
	return -1;
    }
    return fd;
}

/*
 *----------------------------------------------------------------------
 *
 * PrepareStream --
 *
 *	Set the options every stream link gets: no SIGPIPE on write where
 *	that is a socket option (macOS), and TCP_NODELAY on TCP, since
 *	packets are written whole and should leave at once.
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
    int isTcp)			/* Non-zero for AF_INET. */
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
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClampLength --
 *
 *	Limit a buffer length to what an int result can report.
 *
 * Results:
 *	The length, at most INT_MAX.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ClampLength(
    size_t length)		/* Length asked for. */
{
    return (length > (size_t) INT_MAX) ? INT_MAX : (int) length;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpMulticastOpen --
 *
 *	Open the UDP socket of the "c" protocol: joined to the group,
 *	bound to its port and shared with every other member on this
 *	machine (SO_REUSEADDR and SO_REUSEPORT: each of them receives every
 *	datagram sent to the group).
 *
 *	On Linux the socket is bound to the group address itself: Linux
 *	delivers to a socket bound to INADDR_ANY every group that any socket
 *	of the host joined on that port, and unicast datagrams to the port
 *	too; bound to the group it sees its own group only. BSD and macOS
 *	filter multicast by the socket's own memberships, and are bound to
 *	INADDR_ANY as usual.
 *
 *	With no interface (ifPtr NULL or its ip 0) the kernel chooses, as
 *	the old package let it, so that mixed groups meet on the same
 *	interface. A host with no route for the group (a container or
 *	network namespace with only loopback) makes that fail with ENODEV;
 *	the socket then joins and sends on loopback (127.0.0.1), which is
 *	where every member of that host meets.
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr.
 *
 * Side effects:
 *	Opens a socket and joins the group. On failure nothing is left
 *	open and the interp holds an error with code {CLUSTER SOCKET
 *	detail}.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpMulticastOpen(
    Tcl_Interp *interp,		/* For errors; may be NULL. */
    const ClusterAddr *groupPtr,	/* Group address and port. */
    const ClusterAddr *ifPtr,	/* Interface address, or NULL or ip 0 for
				 * the system's choice. */
    int ttl,			/* Multicast TTL, 0-255: 0 never leaves
				 * the machine. */
    int *fdPtr)			/* Where to put the descriptor. */
{
    char groupText[CLUSTER_ADDR_STRLEN], ifText[CLUSTER_ADDR_STRLEN];
    struct sockaddr_in sin;
    struct ip_mreq mreq;
    struct in_addr ifAddr;
    unsigned char loop = 1, ttlByte;
    int fd, on = 1, rcvbuf = MULTICAST_RCVBUF, err;
    const char *what;

    ClusterpFormatAddress(groupPtr, groupText);
    if (!IN_MULTICAST(ntohl(groupPtr->ip))) {
	return ClusterError(interp, "SOCKET", "NOT_MULTICAST",
		"can't open multicast socket: %s is not a multicast address"
		" (224.0.0.0 to 239.255.255.255)", groupText);
    }
    if (ttl < 0 || ttl > 255) {
	return ClusterError(interp, "SOCKET", "TTL",
		"can't open multicast socket: TTL %d is out of range"
		" (0 to 255)", ttl);
    }
    ttlByte = (unsigned char) ttl;

    fd = NewSocket(AF_INET, SOCK_DGRAM);
    if (fd < 0) {
	return ClusterError(interp, "SOCKET", "CREATE",
		"can't create multicast socket: %s", Tcl_ErrnoMsg(errno));
    }

    /*
     * Share the port with the other members of this machine.
     */

    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0) {
	what = "SO_REUSEADDR";
	goto optionError;
    }
#ifdef SO_REUSEPORT
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) < 0
	    && errno != ENOPROTOOPT && errno != EINVAL) {
	what = "SO_REUSEPORT";
	goto optionError;
    }
#endif

    /*
     * Best effort: the system may cap it (net.core.rmem_max).
     */

    (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = groupPtr->port;
#ifdef __linux__
    sin.sin_addr.s_addr = groupPtr->ip;
#else
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
#endif
    if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0) {
	err = errno;
	close(fd);
	return ClusterError(interp, "SOCKET", "BIND",
		"can't bind multicast socket to port %u: %s",
		(unsigned) ntohs(groupPtr->port), Tcl_ErrnoMsg(err));
    }

    /*
     * Join the group.
     */

    ifAddr.s_addr = (ifPtr != NULL) ? ifPtr->ip : htonl(INADDR_ANY);
    memset(&mreq, 0, sizeof(mreq));
    mreq.imr_multiaddr.s_addr = groupPtr->ip;
    mreq.imr_interface = ifAddr;
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
	    sizeof(mreq)) < 0) {
	err = errno;
	if (ifAddr.s_addr == htonl(INADDR_ANY) && err == ENODEV) {
	    /*
	     * No route for the group: meet on loopback.
	     */

	    ifAddr.s_addr = htonl(INADDR_LOOPBACK);
	    mreq.imr_interface = ifAddr;
	    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
		    sizeof(mreq)) < 0) {
		err = errno;
	    } else {
		err = 0;
	    }
	}
	if (err != 0) {
	    close(fd);
	    if (ifAddr.s_addr == htonl(INADDR_ANY)) {
		snprintf(ifText, sizeof(ifText), "%s", "default");
	    } else {
		ClusterAddr joined;

		joined.ip = ifAddr.s_addr;
		joined.port = 0;
		ClusterpFormatAddress(&joined, ifText);
	    }
	    return ClusterError(interp, "SOCKET", "MEMBERSHIP",
		    "can't join multicast group %s on interface %s: %s",
		    groupText, ifText, Tcl_ErrnoMsg(err));
	}
    }

    /*
     * Send on the interface we joined on, when it is not the system's
     * choice.
     */

    if (ifAddr.s_addr != htonl(INADDR_ANY) && setsockopt(fd, IPPROTO_IP,
	    IP_MULTICAST_IF, &ifAddr, sizeof(ifAddr)) < 0) {
	what = "IP_MULTICAST_IF";
	goto optionError;
    }

    /*
     * Both options take a byte on BSD and macOS; Linux accepts a byte
     * too.
     */

    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
	    sizeof(loop)) < 0) {
	what = "IP_MULTICAST_LOOP";
	goto optionError;
    }
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttlByte,
	    sizeof(ttlByte)) < 0) {
	what = "IP_MULTICAST_TTL";
	goto optionError;
    }
    *fdPtr = fd;
    return TCL_OK;

  optionError:
    err = errno;
    close(fd);
    return ClusterError(interp, "SOCKET", "OPTION",
	    "can't set %s on multicast socket for %s: %s", what, groupText,
	    Tcl_ErrnoMsg(err));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpDatagramSend --
 *
 *	Send one datagram.
 *
 * Results:
 *	The number of bytes sent, or -1 with errno set (EAGAIN when the
 *	socket buffer is full, EMSGSIZE when the datagram is too large).
 *
 * Side effects:
 *	Sends a datagram.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpDatagramSend(
    int fd,			/* Datagram socket. */
    const ClusterAddr *toPtr,	/* Destination address and port. */
    const unsigned char *bytes,	/* Datagram. */
    size_t length)		/* Its length. */
{
    struct sockaddr_in sin;
    ssize_t sent;

    if (length > (size_t) INT_MAX) {
	errno = EMSGSIZE;
	return -1;
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = toPtr->ip;
    sin.sin_port = toPtr->port;
    do {
	sent = sendto(fd, bytes, length, 0, (struct sockaddr *) &sin,
		sizeof(sin));
    } while (sent < 0 && errno == EINTR);
    return (int) sent;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpDatagramReceive --
 *
 *	Receive one whole datagram.
 *
 * Results:
 *	Its length (0 for an empty datagram), or -1 with errno set: EAGAIN
 *	when none is waiting; EMSGSIZE when it was larger than capacity.
 *
 * Side effects:
 *	Consumes a datagram, even one too large for the buffer. Fills
 *	*fromPtr (when not NULL) with its source.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpDatagramReceive(
    int fd,			/* Datagram socket. */
    unsigned char *buffer,	/* Where to put the datagram. */
    size_t capacity,		/* Room in buffer. */
    ClusterAddr *fromPtr)	/* Where to put its source, or NULL. */
{
    struct sockaddr_in sin;
    struct iovec iov;
    struct msghdr msg;
    ssize_t got;

    memset(&sin, 0, sizeof(sin));
    memset(&msg, 0, sizeof(msg));
    iov.iov_base = buffer;
    iov.iov_len = (size_t) ClampLength(capacity);
    msg.msg_name = &sin;
    msg.msg_namelen = sizeof(sin);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    do {
	got = recvmsg(fd, &msg, 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
	return -1;
    }
    if (msg.msg_flags & MSG_TRUNC) {
	errno = EMSGSIZE;
	return -1;
    }
    if (fromPtr != NULL) {
	if (sin.sin_family == AF_INET) {
	    fromPtr->ip = sin.sin_addr.s_addr;
	    fromPtr->port = sin.sin_port;
	} else {
	    fromPtr->ip = 0;
	    fromPtr->port = 0;
	}
    }
    return (int) got;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpTcpListen --
 *
 *	Open the TCP server of the "t" protocol on an ephemeral port on all
 *	interfaces.
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr and
 *	the port, in host byte order, in *portPtr.
 *
 * Side effects:
 *	Opens a listening socket. On failure nothing is left open and the
 *	interp holds an error with code {CLUSTER SOCKET detail}.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpTcpListen(
    Tcl_Interp *interp,		/* For errors; may be NULL. */
    int *fdPtr,			/* Where to put the descriptor. */
    int *portPtr)		/* Where to put the port. */
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd, on = 1, err;
    const char *detail, *action;

    fd = NewSocket(AF_INET, SOCK_STREAM);
    if (fd < 0) {
	return ClusterError(interp, "SOCKET", "CREATE",
		"can't create TCP server socket: %s", Tcl_ErrnoMsg(errno));
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    sin.sin_port = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0) {
	detail = "OPTION";
	action = "set SO_REUSEADDR on";
	goto error;
    }
    if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0) {
	detail = "BIND";
	action = "bind";
	goto error;
    }
    if (listen(fd, LISTEN_BACKLOG) < 0) {
	detail = "LISTEN";
	action = "listen on";
	goto error;
    }
    if (getsockname(fd, (struct sockaddr *) &sin, &len) < 0) {
	detail = "LISTEN";
	action = "read the port of";
	goto error;
    }
    *fdPtr = fd;
    *portPtr = ntohs(sin.sin_port);
    return TCL_OK;

  error:
    err = errno;
    close(fd);
    return ClusterError(interp, "SOCKET", detail,
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
 * ClusterpUnixListen --
 *
 *	Open the unix-domain server of the "u" protocol at a path. A socket
 *	file left there by a member that died is removed; a live server, or
 *	a file that is not a socket, is never touched.
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr.
 *
 * Side effects:
 *	Creates the socket file (the caller removes it when done) and
 *	perhaps removes a stale one. On failure nothing is left open or
 *	created and the interp holds an error with code {CLUSTER SOCKET
 *	detail}: PATH_TOO_LONG, ADDRESS_IN_USE, BIND, LISTEN or CREATE.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpUnixListen(
    Tcl_Interp *interp,		/* For errors; may be NULL. */
    const char *path,		/* Socket file path. */
    int *fdPtr)			/* Where to put the descriptor. */
{
    struct sockaddr_un sun;
    struct stat st;
    int fd, probe, err, tries;

    if (UnixAddress(path, &sun) < 0) {
	if (errno == ENAMETOOLONG) {
	    return ClusterError(interp, "SOCKET", "PATH_TOO_LONG",
		    "can't listen on unix socket \"%s\": path is longer than"
		    " %d bytes", path, (int) sizeof(sun.sun_path) - 1);
	}
	return ClusterError(interp, "SOCKET", "BIND",
		"can't listen on unix socket: empty path");
    }
    fd = NewSocket(AF_UNIX, SOCK_STREAM);
    if (fd < 0) {
	return ClusterError(interp, "SOCKET", "CREATE",
		"can't create unix socket: %s", Tcl_ErrnoMsg(errno));
    }
    for (tries = 0; ; tries++) {
	if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0) {
	    break;
	}
	err = errno;
	if (err != EADDRINUSE || tries > 0) {
	    close(fd);
	    return ClusterError(interp, "SOCKET",
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
	    return ClusterError(interp, "SOCKET", "ADDRESS_IN_USE",
		    "can't listen on unix socket \"%s\": a file that is"
		    " not a socket is in the way", path);
	}
	probe = NewSocket(AF_UNIX, SOCK_STREAM);
	if (probe < 0) {
	    err = errno;
	    close(fd);
	    return ClusterError(interp, "SOCKET", "CREATE",
		    "can't create unix socket: %s", Tcl_ErrnoMsg(err));
	}
	if (connect(probe, (struct sockaddr *) &sun, sizeof(sun)) == 0
		|| errno != ECONNREFUSED) {
	    close(probe);
	    close(fd);
	    return ClusterError(interp, "SOCKET", "ADDRESS_IN_USE",
		    "can't listen on unix socket \"%s\": another process is"
		    " listening there", path);
	}
	close(probe);
	if (unlink(path) < 0 && errno != ENOENT) {
	    err = errno;
	    close(fd);
	    return ClusterError(interp, "SOCKET", "ADDRESS_IN_USE",
		    "can't remove stale unix socket \"%s\": %s", path,
		    Tcl_ErrnoMsg(err));
	}
    }
    if (listen(fd, LISTEN_BACKLOG) < 0) {
	err = errno;
	close(fd);
	unlink(path);
	return ClusterError(interp, "SOCKET", "LISTEN",
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
	struct sockaddr_in sin;
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
    if (SetCloexecNonblock(fd) < 0) {
	goto error;
    }
#endif
    if (PrepareStream(fd, from.sa.sa_family == AF_INET) < 0) {
	goto error;
    }
    if (fromPtr != NULL) {
	if (from.sa.sa_family == AF_INET) {
	    fromPtr->ip = from.sin.sin_addr.s_addr;
	    fromPtr->port = from.sin.sin_port;
	} else {
	    fromPtr->ip = 0;
	    fromPtr->port = 0;
	}
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
    int family,			/* AF_INET or AF_UNIX. */
    int noDelay,		/* Set TCP_NODELAY (TCP only). */
    const struct sockaddr *addrPtr, /* Where to connect. */
    socklen_t addrLength,
    int *fdPtr)			/* Where to put the descriptor. */
{
    int fd, err;

    fd = NewSocket(family, SOCK_STREAM);
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
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = toPtr->ip;
    sin.sin_port = toPtr->port;
    return StartConnect(AF_INET, 1, (struct sockaddr *) &sin, sizeof(sin),
	    fdPtr);
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
	got = read(fd, buffer, (size_t) ClampLength(capacity));
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
	sent = send(fd, bytes, (size_t) ClampLength(length), SEND_FLAGS);
    } while (sent < 0 && errno == EINTR);
    return (int) sent;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpClose --
 *
 *	Close a descriptor. Not retried on EINTR: Linux and macOS release
 *	the descriptor whatever close() returns, and a second close could
 *	hit a descriptor another thread has just opened. A negative fd is
 *	ignored, so "close if open" needs no test.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Closes fd.
 *
 *----------------------------------------------------------------------
 */

void
ClusterpClose(
    int fd)			/* Descriptor to close, or -1. */
{
    int savedErrno = errno;

    if (fd >= 0) {
	(void) close(fd);
    }
    errno = savedErrno;
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
