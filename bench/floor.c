/*
 * floor.c --
 *
 *	The floor the benchmarks measure the extension against: the least a
 *	program can do to move the same bytes over the same transport. Two
 *	processes (this one and a forked child), blocking sockets, no event
 *	loop, no framing beyond a fixed message size.
 *
 *	    floor pingpong   unix|tcp|mcast|udp SIZE COUNT ?WARMUP? ?raw?
 *		Sequential round trips of SIZE-byte messages: the child
 *		echoes each one back. Prints one line of microseconds:
 *		    min MIN median MEDIAN p99 P99 mean MEAN lost LOST
 *		and with "raw", a second line: times T1 T2 ... (sorted).
 *	    floor throughput unix|tcp SIZE COUNT
 *		The parent writes COUNT messages of SIZE bytes (one write
 *		call each) as fast as the socket takes them; the child reads
 *		until it has them all and answers one byte. Prints:
 *		    seconds S bytes_per_s B msgs_per_s M
 *
 *	"mcast" is UDP multicast exactly as the extension opens it: both
 *	ends bound to the group 230.230.230.231 on one port with
 *	SO_REUSEADDR and SO_REUSEPORT, joined on the default interface (on
 *	loopback when there is no route for the group), IP_MULTICAST_LOOP on
 *	and TTL 0, so nothing leaves the machine. Each end also receives its
 *	own datagrams and skips them, as a member skips its own echo. "udp"
 *	is plain UDP on 127.0.0.1, for comparison. TCP is on 127.0.0.1 with
 *	TCP_NODELAY; the unix socket lives under /tmp.
 *
 *	Built by "make bench"; not part of the extension.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MCAST_GROUP	"230.230.230.231"
#define MAX_DGRAM	65507
#define LOST_WAIT_MS	1000	/* A datagram not echoed by then is lost. */

/*
 * Which end of a datagram exchange sent a message (its first byte).
 */

#define FROM_PARENT	'P'
#define FROM_CHILD	'C'

typedef enum Transport {
    T_UNIX, T_TCP, T_MCAST, T_UDP
} Transport;

/*
 * The two ends of one exchange.
 */

typedef struct Ends {
    int parentFd;		/* The measuring end. */
    int childFd;		/* The echoing or counting end. */
    struct sockaddr_in to;	/* Datagrams: where each end sends. */
    struct sockaddr_in toParent;	/* Plain UDP: the parent's address. */
    char path[108];		/* Unix socket file, or "". */
} Ends;

static int		Die(const char *what);
static double		NowUs(void);
static int		ReadFull(int fd, unsigned char *buf, size_t length);
static int		WriteFull(int fd, const unsigned char *buf,
			    size_t length);
static void		OpenStream(Transport t, Ends *endsPtr);
static void		OpenDatagram(Transport t, Ends *endsPtr);
static int		CompareDouble(const void *a, const void *b);
static int		PingPong(Transport t, size_t size, int count,
			    int warmup, int raw);
static int		Throughput(Transport t, size_t size, long count);

/*
 *----------------------------------------------------------------------
 *
 * Die, NowUs, ReadFull, WriteFull --
 *
 *	Small helpers: report a failed call and exit; the monotonic clock in
 *	microseconds; read or write exactly so many bytes on a blocking
 *	stream.
 *
 * Results:
 *	ReadFull and WriteFull: 0, or -1 on error or end of file.
 *
 * Side effects:
 *	Die exits the process.
 *
 *----------------------------------------------------------------------
 */

static int
Die(
    const char *what)		/* The call that failed. */
{
    fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
    exit(2);
}

static double
NowUs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
ReadFull(
    int fd,			/* Blocking stream. */
    unsigned char *buf,		/* Where to read. */
    size_t length)		/* Bytes wanted. */
{
    size_t got = 0;

    while (got < length) {
	ssize_t n = read(fd, buf + got, length - got);

	if (n <= 0) {
	    if (n < 0 && errno == EINTR) {
		continue;
	    }
	    return -1;
	}
	got += (size_t) n;
    }
    return 0;
}

static int
WriteFull(
    int fd,			/* Blocking stream. */
    const unsigned char *buf,	/* What to write. */
    size_t length)		/* How many bytes. */
{
    size_t done = 0;

    while (done < length) {
	ssize_t n = send(fd, buf + done, length - done, MSG_NOSIGNAL);

	if (n < 0) {
	    if (errno == EINTR) {
		continue;
	    }
	    return -1;
	}
	done += (size_t) n;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * OpenStream --
 *
 *	Connect the two ends of a stream: listen, connect, accept. The
 *	listening socket is closed once accepted.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *endsPtr; may create a socket file (removed at once).
 *
 *----------------------------------------------------------------------
 */

static void
OpenStream(
    Transport t,		/* T_UNIX or T_TCP. */
    Ends *endsPtr)		/* Out. */
{
    int listenFd, on = 1;

    endsPtr->path[0] = '\0';
    if (t == T_UNIX) {
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(endsPtr->path, sizeof(endsPtr->path),
		"/tmp/cluster-floor-%ld.sock", (long) getpid());
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", endsPtr->path);
	unlink(endsPtr->path);
	if ((listenFd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
	    Die("socket");
	}
	if (bind(listenFd, (struct sockaddr *) &sun, sizeof(sun)) < 0
		|| listen(listenFd, 1) < 0) {
	    Die("bind/listen unix");
	}
	if ((endsPtr->parentFd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0
		|| connect(endsPtr->parentFd, (struct sockaddr *) &sun,
		    sizeof(sun)) < 0) {
	    Die("connect unix");
	}
    } else {
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((listenFd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
	    Die("socket");
	}
	if (bind(listenFd, (struct sockaddr *) &sin, sizeof(sin)) < 0
		|| listen(listenFd, 1) < 0
		|| getsockname(listenFd, (struct sockaddr *) &sin,
		    &len) < 0) {
	    Die("bind/listen tcp");
	}
	if ((endsPtr->parentFd = socket(AF_INET, SOCK_STREAM, 0)) < 0
		|| connect(endsPtr->parentFd, (struct sockaddr *) &sin,
		    sizeof(sin)) < 0) {
	    Die("connect tcp");
	}
	setsockopt(endsPtr->parentFd, IPPROTO_TCP, TCP_NODELAY, &on,
		sizeof(on));
    }
    if ((endsPtr->childFd = accept(listenFd, NULL, NULL)) < 0) {
	Die("accept");
    }
    if (t == T_TCP) {
	setsockopt(endsPtr->childFd, IPPROTO_TCP, TCP_NODELAY, &on,
		sizeof(on));
    }
    close(listenFd);
    if (endsPtr->path[0] != '\0') {
	unlink(endsPtr->path);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * OpenDatagram --
 *
 *	Open the two ends of a datagram exchange: both in one multicast
 *	group and port (as cluster members are), or two plain UDP sockets
 *	on 127.0.0.1.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *endsPtr.
 *
 *----------------------------------------------------------------------
 */

static void
OpenDatagram(
    Transport t,		/* T_MCAST or T_UDP. */
    Ends *endsPtr)		/* Out. */
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int *fds[2], i, on = 1, rcvbuf = 1 << 20;

    fds[0] = &endsPtr->parentFd;
    fds[1] = &endsPtr->childFd;
    endsPtr->path[0] = '\0';
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    if (t == T_UDP) {
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 2; i++) {
	    if ((*fds[i] = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		Die("socket");
	    }
	    setsockopt(*fds[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	    sin.sin_port = 0;
	    if (bind(*fds[i], (struct sockaddr *) &sin, sizeof(sin)) < 0) {
		Die("bind udp");
	    }
	}
	getsockname(endsPtr->childFd, (struct sockaddr *) &endsPtr->to, &len);
	len = sizeof(sin);
	getsockname(endsPtr->parentFd, (struct sockaddr *) &endsPtr->toParent,
		&len);
	return;
    }

    /*
     * Multicast: a port of our own, the group, then both sockets as the
     * extension opens its one.
     */

    sin.sin_port = htons((uint16_t) (21000 + getpid() % 9000));
    inet_pton(AF_INET, MCAST_GROUP, &sin.sin_addr);
    endsPtr->to = sin;
    for (i = 0; i < 2; i++) {
	struct ip_mreq mreq;
	struct in_addr ifAddr;
	unsigned char loop = 1, ttl = 0;

	if ((*fds[i] = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
	    Die("socket");
	}
	setsockopt(*fds[i], SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	setsockopt(*fds[i], SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	setsockopt(*fds[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(*fds[i], (struct sockaddr *) &sin, sizeof(sin)) < 0) {
	    Die("bind mcast");
	}
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_multiaddr = sin.sin_addr;
	ifAddr.s_addr = htonl(INADDR_ANY);
	mreq.imr_interface = ifAddr;
	if (setsockopt(*fds[i], IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
		sizeof(mreq)) < 0) {
	    if (errno != ENODEV) {
		Die("IP_ADD_MEMBERSHIP");
	    }
	    ifAddr.s_addr = htonl(INADDR_LOOPBACK);
	    mreq.imr_interface = ifAddr;
	    if (setsockopt(*fds[i], IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
		    sizeof(mreq)) < 0) {
		Die("IP_ADD_MEMBERSHIP on loopback");
	    }
	    setsockopt(*fds[i], IPPROTO_IP, IP_MULTICAST_IF, &ifAddr,
		    sizeof(ifAddr));
	}
	if (setsockopt(*fds[i], IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
		sizeof(loop)) < 0 || setsockopt(*fds[i], IPPROTO_IP,
		IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0) {
	    Die("IP_MULTICAST_LOOP/TTL");
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * DatagramWait --
 *
 *	Receive datagrams until one from the other end arrives (skipping our
 *	own multicast echoes), or LOST_WAIT_MS pass.
 *
 * Results:
 *	1 when one arrived, 0 on timeout.
 *
 * Side effects:
 *	Reads datagrams.
 *
 *----------------------------------------------------------------------
 */

static int
DatagramWait(
    int fd,			/* Our socket. */
    unsigned char *buf,		/* MAX_DGRAM bytes. */
    int from,			/* FROM_* of the other end. */
    struct sockaddr_in *senderPtr)	/* Out: where it came from. */
{
    for (;;) {
	struct pollfd pfd;
	socklen_t len = sizeof(*senderPtr);
	ssize_t n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, LOST_WAIT_MS) <= 0) {
	    return 0;
	}
	n = recvfrom(fd, buf, MAX_DGRAM, 0, (struct sockaddr *) senderPtr,
		&len);
	if (n > 0 && buf[0] == from) {
	    return 1;
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PingPong --
 *
 *	Measure COUNT sequential round trips (after WARMUP unmeasured ones)
 *	and print their distribution.
 *
 * Results:
 *	The process exit status.
 *
 * Side effects:
 *	Forks the echoing child and waits for it.
 *
 *----------------------------------------------------------------------
 */

static int
PingPong(
    Transport t,		/* Transport. */
    size_t size,		/* Bytes per message. */
    int count,			/* Measured round trips. */
    int warmup,			/* Unmeasured ones first. */
    int raw)			/* Also print every time. */
{
    Ends ends;
    unsigned char *buf = calloc(1, size > MAX_DGRAM ? size : MAX_DGRAM);
    double *times = calloc((size_t) count, sizeof(double)), sum = 0;
    int isStream = (t == T_UNIX || t == T_TCP), i, lost = 0;
    pid_t pid;

    if (isStream) {
	OpenStream(t, &ends);
    } else {
	OpenDatagram(t, &ends);
    }
    memset(buf, 'x', size);
    pid = fork();
    if (pid < 0) {
	Die("fork");
    }
    if (pid == 0) {
	struct sockaddr_in sender;

	close(ends.parentFd);
	for (;;) {
	    if (isStream) {
		if (ReadFull(ends.childFd, buf, size) < 0
			|| WriteFull(ends.childFd, buf, size) < 0) {
		    _exit(0);
		}
	    } else {
		if (!DatagramWait(ends.childFd, buf, FROM_PARENT, &sender)) {
		    continue;
		}
		if (buf[1] == 'q') {
		    _exit(0);
		}
		buf[0] = FROM_CHILD;
		sendto(ends.childFd, buf, size, 0, (struct sockaddr *)
			(t == T_UDP ? &sender : &ends.to), sizeof(ends.to));
	    }
	}
    }
    close(ends.childFd);
    for (i = -warmup; i < count; i++) {
	double t0 = NowUs(), t1;

	if (isStream) {
	    if (WriteFull(ends.parentFd, buf, size) < 0
		    || ReadFull(ends.parentFd, buf, size) < 0) {
		Die("round trip");
	    }
	} else {
	    struct sockaddr_in sender;

	    buf[0] = FROM_PARENT;
	    buf[1] = 'x';
	    sendto(ends.parentFd, buf, size, 0,
		    (struct sockaddr *) &ends.to, sizeof(ends.to));
	    if (!DatagramWait(ends.parentFd, buf, FROM_CHILD, &sender)) {
		lost++;
		i--;
		if (lost > 100) {
		    fprintf(stderr, "floor: too many datagrams lost\n");
		    kill(pid, SIGKILL);
		    return 1;
		}
		continue;
	    }
	}
	t1 = NowUs();
	if (i >= 0) {
	    times[i] = t1 - t0;
	    sum += t1 - t0;
	}
    }
    if (!isStream) {
	buf[0] = FROM_PARENT;
	buf[1] = 'q';
	sendto(ends.parentFd, buf, size, 0, (struct sockaddr *) &ends.to,
		sizeof(ends.to));
	usleep(10000);
	kill(pid, SIGKILL);
    }
    close(ends.parentFd);
    waitpid(pid, NULL, 0);
    qsort(times, (size_t) count, sizeof(double), CompareDouble);
    printf("min %.1f median %.1f p99 %.1f mean %.1f lost %d\n", times[0],
	    times[count / 2], times[(int) (count * 0.99 + 0.999) - 1],
	    sum / count, lost);
    if (raw) {
	printf("times");
	for (i = 0; i < count; i++) {
	    printf(" %.1f", times[i]);
	}
	printf("\n");
    }
    free(times);
    free(buf);
    return 0;
}

static int
CompareDouble(
    const void *a,
    const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

/*
 *----------------------------------------------------------------------
 *
 * Throughput --
 *
 *	Stream COUNT messages of SIZE bytes to the child, one write call
 *	each, and time until the child has read them all and said so.
 *
 * Results:
 *	The process exit status.
 *
 * Side effects:
 *	Forks the reading child and waits for it.
 *
 *----------------------------------------------------------------------
 */

static int
Throughput(
    Transport t,		/* T_UNIX or T_TCP. */
    size_t size,		/* Bytes per message. */
    long count)			/* Messages. */
{
    Ends ends;
    size_t chunk = 64 * 1024;
    unsigned char *buf = calloc(1, size > chunk ? size : chunk);
    unsigned char ack = 0;
    double t0, seconds;
    long i;
    pid_t pid;

    OpenStream(t, &ends);
    memset(buf, 'x', size);
    pid = fork();
    if (pid < 0) {
	Die("fork");
    }
    if (pid == 0) {
	uint64_t want = (uint64_t) size * (uint64_t) count, got = 0;

	close(ends.parentFd);
	while (got < want) {
	    ssize_t n = read(ends.childFd, buf, chunk);

	    if (n <= 0) {
		if (n < 0 && errno == EINTR) {
		    continue;
		}
		_exit(1);
	    }
	    got += (uint64_t) n;
	}
	WriteFull(ends.childFd, &ack, 1);
	_exit(0);
    }
    close(ends.childFd);
    t0 = NowUs();
    for (i = 0; i < count; i++) {
	if (WriteFull(ends.parentFd, buf, size) < 0) {
	    Die("write");
	}
    }
    if (ReadFull(ends.parentFd, &ack, 1) < 0) {
	Die("ack");
    }
    seconds = (NowUs() - t0) / 1e6;
    close(ends.parentFd);
    waitpid(pid, NULL, 0);
    printf("seconds %.6f bytes_per_s %.0f msgs_per_s %.0f\n", seconds,
	    (double) size * (double) count / seconds, count / seconds);
    free(buf);
    return 0;
}

int
main(
    int argc,
    char **argv)
{
    Transport t;
    long size, count;

    if (argc < 5) {
	fprintf(stderr, "usage: %s pingpong unix|tcp|mcast|udp SIZE COUNT"
		" ?WARMUP? ?raw?\n       %s throughput unix|tcp SIZE COUNT\n",
		argv[0], argv[0]);
	return 2;
    }
    if (strcmp(argv[2], "unix") == 0) {
	t = T_UNIX;
    } else if (strcmp(argv[2], "tcp") == 0) {
	t = T_TCP;
    } else if (strcmp(argv[2], "mcast") == 0) {
	t = T_MCAST;
    } else if (strcmp(argv[2], "udp") == 0) {
	t = T_UDP;
    } else {
	fprintf(stderr, "floor: unknown transport \"%s\"\n", argv[2]);
	return 2;
    }
    size = atol(argv[3]);
    count = atol(argv[4]);
    if (size < 2 || count < 1 || size > 256L * 1024 * 1024
	    || (t >= T_MCAST && size > MAX_DGRAM)) {
	fprintf(stderr, "floor: bad size or count\n");
	return 2;
    }
    if (strcmp(argv[1], "pingpong") == 0) {
	return PingPong(t, (size_t) size, (int) count,
		argc > 5 ? atoi(argv[5]) : 50,
		argc > 6 && strcmp(argv[6], "raw") == 0);
    }
    if (strcmp(argv[1], "throughput") == 0 && t <= T_TCP) {
	return Throughput(t, (size_t) size, count);
    }
    fprintf(stderr, "floor: unknown mode \"%s\" for %s\n", argv[1], argv[2]);
    return 2;
}
