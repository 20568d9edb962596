/*
 * clusterUnixNet.c --
 *
 *	Sockets on Unix as plain non-blocking, close-on-exec descriptors:
 *	the helpers every socket of the platform layer is made with, the
 *	UDP multicast socket of the "c" protocol (open, send, receive), and
 *	closing a descriptor. The stream sockets of "t" and "u" are in
 *	clusterUnixStream.c. Nothing here blocks or looks up a name; the
 *	transports watch the descriptors with Tcl_CreateFileHandler.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

/*
 * On Linux, ask for the GNU and BSD interfaces (struct ip_mreq) even when
 * the compiler is in a strict standard mode. Must precede every include.
 */

#if defined(__linux__) && !defined(_GNU_SOURCE)
#   define _GNU_SOURCE 1
#endif

#include "clusterUnixPort.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <ifaddrs.h>
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

static int		BindToInterface(int fd, const ClusterAddr *ifPtr);
static int		JoinGroup(int fd, const ClusterAddr *groupPtr,
			    const ClusterAddr *ifPtr, int ttl,
			    const char *groupText, struct in_addr *ifAddrPtr,
			    ClusterErr *errPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterpSetCloexecNonblock --
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

int
ClusterpSetCloexecNonblock(
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
 * ClusterpNewSocket --
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

int
ClusterpNewSocket(
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
    if (ClusterpSetCloexecNonblock(fd) < 0) {
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
 * ClusterpClampLength --
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

int
ClusterpClampLength(
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
 *	An IPv6 group is opened by ClusterpMulticast6Open instead.
 *
 *	With no interface (ifPtr NULL) the kernel chooses, as
 *	the old package let it, so that mixed groups meet on the same
 *	interface. A host with no route for the group (a container or
 *	network namespace with only loopback) makes that fail with ENODEV;
 *	with TTL 0 the socket then joins and sends on loopback (127.0.0.1),
 *	which is where every member of that host meets. With a TTL above 0
 *	the member means to reach other hosts, which loopback never does:
 *	that is an error {CLUSTER SOCKET NO_ROUTE}.
 *
 *	A socket given an interface hears that interface's LAN only. On
 *	Linux a socket receives the group from every interface on which any
 *	socket of the host joined it (IP_MULTICAST_ALL), so a member on eth1
 *	would hear the LAN of a member on eth0. Such a socket is therefore
 *	bound to its device (SO_BINDTODEVICE, before bind: sockets bound to
 *	different devices then never share a SO_REUSEPORT group, whose
 *	steering would hand one member's datagrams to another), and
 *	IP_MULTICAST_ALL is turned off. Where the device can't be bound,
 *	the socket hears every interface, as before. A socket on the
 *	system's choice keeps IP_MULTICAST_ALL: all of a host's such
 *	sockets must receive alike (see BindToInterface).
 *
 * Results:
 *	A standard Tcl result; on success the descriptor is in *fdPtr.
 *
 * Side effects:
 *	Opens a socket and joins the group. On failure nothing is left
 *	open and *errPtr holds an error {CLUSTER SOCKET
 *	detail}.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpMulticastOpen(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    const ClusterAddr *groupPtr,	/* Group address and port. */
    const ClusterAddr *ifPtr,	/* Interface (-interface), or NULL for
				 * the system's choice. */
    int ttl,			/* Multicast TTL, 0-255: 0 never leaves
				 * the machine. */
    int *fdPtr)			/* Where to put the descriptor. */
{
    char groupText[CLUSTER_ADDR_STRLEN];
    struct sockaddr_in sin;
    struct in_addr ifAddr;
    unsigned char loop = 1, ttlByte;
    int fd, on = 1, err, bound;
    const char *what;

    ClusterpFormatAddress(groupPtr, groupText);
    if (groupPtr->v6 ? (groupPtr->ip6[0] != 0xff)
	    : !IN_MULTICAST(ntohl(groupPtr->ip))) {
	return ClusterErrSet(errPtr, "SOCKET", "NOT_MULTICAST",
		"can't open multicast socket: %s is not a multicast address"
		" (224.0.0.0 to 239.255.255.255, or ff00::/8)", groupText);
    }
    if (ttl < 0 || ttl > 255) {
	return ClusterErrSet(errPtr, "SOCKET", "TTL",
		"can't open multicast socket: TTL %d is out of range"
		" (0 to 255)", ttl);
    }
    if (groupPtr->v6) {
	return ClusterpMulticast6Open(errPtr, groupPtr, ifPtr, ttl, fdPtr);
    }
    if (ifPtr != NULL && ifPtr->ip == 0) {
	return ClusterErrSet(errPtr, "SOCKET", "NO_ADDRESS",
		"can't join multicast group %s: the interface given has no"
		" IPv4 address; give another -interface", groupText);
    }
    ttlByte = (unsigned char) ttl;

    fd = ClusterpMulticastSocket(errPtr, AF_INET, ifPtr, &bound);
    if (fd < 0) {
	return TCL_ERROR;
    }

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
	return ClusterErrSet(errPtr, "SOCKET", "BIND",
		"can't bind multicast socket to port %u: %s",
		(unsigned) ntohs(groupPtr->port), Tcl_ErrnoMsg(err));
    }

    if (JoinGroup(fd, groupPtr, ifPtr, ttl, groupText, &ifAddr, errPtr)
	    != TCL_OK) {
	close(fd);
	return TCL_ERROR;
    }
#ifdef IP_MULTICAST_ALL
    on = 0;
    if (bound && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &on,
	    sizeof(on)) < 0) {
	what = "IP_MULTICAST_ALL";
	goto optionError;
    }
#endif

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
    return ClusterErrSet(errPtr, "SOCKET", "OPTION",
	    "can't set %s on multicast socket for %s: %s", what, groupText,
	    Tcl_ErrnoMsg(err));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpMulticastSocket --
 *
 *	Create the datagram socket of a multicast group, of either family,
 *	not yet bound: the port shared with the other members of this
 *	machine (address and port reuse), a large receive buffer, and,
 *	given an interface, bound to its device (BindToInterface).
 *
 * Results:
 *	The descriptor, or -1 with *errPtr filled ({CLUSTER SOCKET CREATE}
 *	or {CLUSTER SOCKET OPTION}); *boundPtr says whether the socket is
 *	bound to a device.
 *
 * Side effects:
 *	Opens a socket.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpMulticastSocket(
    ClusterErr *errPtr,		/* For errors; may be NULL. */
    int family,			/* AF_INET or AF_INET6. */
    const ClusterAddr *ifPtr,	/* Interface, or NULL. */
    int *boundPtr)		/* Out: bound to the interface's device. */
{
    int fd, on = 1, rcvbuf = MULTICAST_RCVBUF, err;
    const char *what;

    fd = ClusterpNewSocket(family, SOCK_DGRAM);
    if (fd < 0) {
	ClusterErrSet(errPtr, "SOCKET", "CREATE",
		"can't create multicast socket: %s", Tcl_ErrnoMsg(errno));
	return -1;
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
    *boundPtr = BindToInterface(fd, ifPtr);
    return fd;

  optionError:
    err = errno;
    close(fd);
    ClusterErrSet(errPtr, "SOCKET", "OPTION",
	    "can't set %s on multicast socket: %s", what, Tcl_ErrnoMsg(err));
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * BindToInterface --
 *
 *	Bind a multicast socket, before bind(), to the device that has the
 *	interface address it was given, so that it receives only what
 *	arrives there. Only where SO_BINDTODEVICE exists (Linux).
 *
 *	Why a socket on the system's choice is not bound, and keeps
 *	IP_MULTICAST_ALL: the members of a host that share the port are
 *	one SO_REUSEPORT group per device bound, and when only one socket
 *	of a group accepts a datagram, Linux may hand it to another socket
 *	of the group instead. Sockets that all hear every interface (or
 *	all one device) always accept alike, so that never happens.
 *
 * Results:
 *	1 when the socket is bound to a device, else 0.
 *
 * Side effects:
 *	SO_BINDTODEVICE on fd.
 *
 *----------------------------------------------------------------------
 */

static int
BindToInterface(
    int fd,			/* The socket, not yet bound. */
    const ClusterAddr *ifPtr)	/* Interface (its index), or NULL. */
{
#ifdef SO_BINDTODEVICE
    char name[IF_NAMESIZE + 1];

    if (ifPtr == NULL || ifPtr->scope == 0
	    || if_indextoname(ifPtr->scope, name) == NULL) {
	return 0;
    }
    return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name,
	    (socklen_t) strlen(name)) == 0;
#else
    (void) fd;
    (void) ifPtr;
    return 0;
#endif
}

/*
 *----------------------------------------------------------------------
 *
 * JoinGroup --
 *
 *	Join a multicast socket to its group on an interface, or on the
 *	system's choice; when the system has no route for the group and the
 *	TTL is 0, meet on loopback (127.0.0.1), where every member of this
 *	host does.
 *
 * Results:
 *	A standard Tcl result; *ifAddrPtr is the interface joined on
 *	(INADDR_ANY for the system's choice). On error *errPtr says why and
 *	the caller closes the socket: {CLUSTER SOCKET NO_ROUTE} when there
 *	is no route for the group and the TTL is above 0, else {CLUSTER
 *	SOCKET MEMBERSHIP}.
 *
 * Side effects:
 *	Group membership.
 *
 *----------------------------------------------------------------------
 */

static int
JoinGroup(
    int fd,			/* The bound socket. */
    const ClusterAddr *groupPtr,	/* Group address and port. */
    const ClusterAddr *ifPtr,	/* Interface, or NULL: system's choice. */
    int ttl,			/* Multicast TTL: above 0, loopback will
				 * not do. */
    const char *groupText,	/* The group, for messages. */
    struct in_addr *ifAddrPtr,	/* Out: the interface joined on. */
    ClusterErr *errPtr)		/* For errors; may be NULL. */
{
    char ifText[CLUSTER_ADDR_STRLEN];
    struct ip_mreq mreq;
    int err = 0;

    ifAddrPtr->s_addr = (ifPtr != NULL) ? ifPtr->ip : htonl(INADDR_ANY);
    memset(&mreq, 0, sizeof(mreq));
    mreq.imr_multiaddr.s_addr = groupPtr->ip;
    mreq.imr_interface = *ifAddrPtr;
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
	    sizeof(mreq)) == 0) {
	return TCL_OK;
    }
    err = errno;
    if (ifAddrPtr->s_addr == htonl(INADDR_ANY) && err == ENODEV
	    && ttl > 0) {
	return ClusterErrSet(errPtr, "SOCKET", "NO_ROUTE",
		"can't join multicast group %s with -remote %d: this host"
		" has no route or interface for the group; add a multicast"
		" route (ip route add 224.0.0.0/4 dev eth0) or give"
		" -interface", groupText, ttl);
    }
    if (ifAddrPtr->s_addr == htonl(INADDR_ANY) && err == ENODEV) {
	ifAddrPtr->s_addr = htonl(INADDR_LOOPBACK);
	mreq.imr_interface = *ifAddrPtr;
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
		sizeof(mreq)) == 0) {
	    return TCL_OK;
	}
	err = errno;
    }
    if (ifAddrPtr->s_addr == htonl(INADDR_ANY)) {
	snprintf(ifText, sizeof(ifText), "%s", "default");
    } else {
	ClusterAddr joined;

	memset(&joined, 0, sizeof(joined));
	joined.ip = ifAddrPtr->s_addr;
	ClusterpFormatAddress(&joined, ifText);
    }
    return ClusterErrSet(errPtr, "SOCKET", "MEMBERSHIP",
	    "can't join multicast group %s on interface %s: %s",
	    groupText, ifText, Tcl_ErrnoMsg(err));
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
    ClusterpSockaddr sa;
    socklen_t saLength;
    ssize_t sent;

    if (length > (size_t) INT_MAX) {
	errno = EMSGSIZE;
	return -1;
    }
    saLength = ClusterpToSockaddr(toPtr, &sa);
    do {
	sent = sendto(fd, bytes, length, 0, &sa.sa, saLength);
    } while (sent < 0 && errno == EINTR);
    return (int) sent;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpDatagramReceive --
 *
 *	Receive one whole datagram. Its source is as ClusterpFromSockaddr
 *	gives it, except an IPv4-mapped one, which stays IPv6 (forged).
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
    ClusterpSockaddr sa;
    struct iovec iov;
    struct msghdr msg;
    ssize_t got;

    memset(&sa, 0, sizeof(sa));
    memset(&msg, 0, sizeof(msg));
    iov.iov_base = buffer;
    iov.iov_len = (size_t) ClusterpClampLength(capacity);
    msg.msg_name = &sa;
    msg.msg_namelen = sizeof(sa);
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
	(void) ClusterpFromSockaddr(&sa.sa, fromPtr);

	/*
	 * No IPv4 host sent a datagram that came over IPv6: an IPv4-mapped
	 * source (::ffff:127.0.0.1) is forged, and the kernel passes it.
	 * Kept as IPv6, it matches no IPv4 address, and the remote policy
	 * drops it.
	 */

	if (sa.sa.sa_family == AF_INET6
		&& IN6_IS_ADDR_V4MAPPED(&sa.sin6.sin6_addr)) {
	    fromPtr->ip = 0;
	    fromPtr->v6 = 1;
	    memcpy(fromPtr->ip6, sa.sin6.sin6_addr.s6_addr, 16);
	}
    }
    return (int) got;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpSocketLocalAddress --
 *
 *	The local address and port of a socket (getsockname).
 *
 * Results:
 *	0 with *addrPtr filled, or -1 with errno set (EAFNOSUPPORT for a
 *	socket that is not IPv4 or IPv6).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpSocketLocalAddress(
    int fd,			/* A bound or connected socket. */
    ClusterAddr *addrPtr)	/* Where to put its address. */
{
    ClusterpSockaddr sa;
    socklen_t length = sizeof(sa);

    memset(&sa, 0, sizeof(sa));
    if (getsockname(fd, &sa.sa, &length) < 0) {
	return -1;
    }
    if (ClusterpFromSockaddr(&sa.sa, addrPtr) != 0) {
	errno = EAFNOSUPPORT;
	return -1;
    }
    return 0;
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
 * ClusterpCloseListener --
 *
 *	Close a listening socket so that no connection gets in after: shut
 *	it down first, for the notifier may still be watching it in select()
 *	on another thread, and there a plain close() leaves the socket
 *	accepting (and dropping) connections for a moment.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Closes fd; pending connections are reset; errno is preserved.
 *
 *----------------------------------------------------------------------
 */

void
ClusterpCloseListener(
    int fd)			/* Listening socket, or -1. */
{
    int savedErrno = errno;

    if (fd >= 0) {
	(void) shutdown(fd, SHUT_RDWR);
	(void) close(fd);
    }
    errno = savedErrno;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterpUnixCheckFile, ClusterpUnixPeerIsUs --
 *
 *	Whether a unix socket may be given what we send: its file must be
 *	a socket (not a symbolic link, not a file of another kind) owned
 *	by our effective user, and once connected the process listening
 *	on it must run as that user too (the file could have been swapped
 *	between the check and the connect).
 *
 * Results:
 *	ClusterpUnixCheckFile: 0, or -1 with errno ELOOP (a symbolic link),
 *	ENOTSOCK (not a socket), EPERM (another user's) or what lstat set.
 *	ClusterpUnixPeerIsUs: 1 when the peer of a connected unix socket
 *	runs as our effective user, else 0 (also when that can't be told).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterpUnixCheckFile(
    const char *path)		/* Socket file about to be connected to. */
{
    struct stat st;

    if (lstat(path, &st) < 0) {
	return -1;
    }
    if (S_ISLNK(st.st_mode)) {
	errno = ELOOP;
	return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
	errno = ENOTSOCK;
	return -1;
    }
    if (st.st_uid != geteuid()) {
	errno = EPERM;
	return -1;
    }
    return 0;
}

int
ClusterpUnixPeerIsUs(
    int fd)			/* A connected unix-domain socket. */
{
#if defined(SO_PEERCRED)
    struct ucred cred;
    socklen_t length = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) < 0
	    || length != sizeof(cred)) {
	return 0;
    }
    return cred.uid == geteuid();
#else
    uid_t uid;
    gid_t gid;

    if (getpeereid(fd, &uid, &gid) < 0) {
	return 0;
    }
    return uid == geteuid();
#endif
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
