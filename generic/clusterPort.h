/*
 * clusterPort.h --
 *
 *	What the portable core needs from the platform layer: identities,
 *	interface addresses, and non-blocking sockets as plain file
 *	descriptors. Implemented in unix/ (Linux and, with macosx/, macOS).
 *	Only the platform files include <sys/socket.h>; everything here is
 *	expressed in our own small types.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERPORT_H
#define _CLUSTERPORT_H

#include <tcl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Tcl 9's type of counts and lengths, for builds against Tcl 8.6.
 */

#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#define TCL_SIZE_MAX INT_MAX
#endif

/*
 * An IPv4 or IPv6 address and port. Addresses and port in network byte
 * order, as they travel. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
 * stored as the IPv4 address it maps, except as the source of a datagram
 * that came over IPv6, which is forged: it stays IPv6, and the remote
 * policy drops it (ClusterAddrIsMapped). All of it is zeroed before
 * it is filled, so that two equal addresses compare equal field by field.
 */

typedef struct ClusterAddr {
    uint32_t ip;		/* IPv4 address; 0 for IPv6 or none. */
    uint16_t port;		/* Port, network byte order; 0 if none. */
    uint8_t v6;			/* 1: the address is ip6 (and scope). */
    unsigned char ip6[16];	/* IPv6 address, when v6. */
    uint32_t scope;		/* IPv6 scope (interface index) of a
				 * link-local address, else 0. For an
				 * interface (-interface): its index. */
} ClusterAddr;

#define CLUSTER_ADDR_STRLEN 64	/* An IPv6 address, "%", an interface
				 * name and the NUL. */
#define CLUSTER_HID_STRLEN 18	/* "aa:bb:cc:dd:ee:ff" and its NUL. */

/*
 * One address of a local interface, with its netmask, for the remote
 * policy and for "is this address on a directly connected subnet".
 */

typedef struct ClusterIfAddr {
    ClusterAddr addr;		/* The interface's address (port 0). */
    uint32_t netmask;		/* IPv4: network byte order. */
    int prefix;			/* IPv6: length of the subnet prefix. */
} ClusterIfAddr;

/*
 * An error met below the core, where there is no interpreter: the
 * category and detail of its {CLUSTER category detail} errorcode and its
 * message. ClusterErrSet (clusterUtil.c) fills it; the core hands it to
 * Tcl with ClusterErrToInterp (clusterCoreError.c).
 */

typedef struct ClusterErr {
    const char *category;	/* Static: SOCKET, SEND, ... */
    const char *detail;		/* Static: BIND, CREATE, ...; or NULL. */
    char message[256];		/* What went wrong, for a person. */
} ClusterErr;

int		ClusterErrSet(ClusterErr *errPtr, const char *category,
		    const char *detail, const char *format, ...);

/*
 * Helpers of every layer (clusterUtil.c): object slots, random delays,
 * the path of a channel's hook; (clusterUtilObj.c) sorted keys of a
 * table; and (clusterUtilAddr.c) comparing addresses of either family.
 */

void		ClusterSetObj(Tcl_Obj **slotPtr, Tcl_Obj *valueObj);
int		ClusterRandomUpTo(int limit);
#define CLUSTER_HOOK_PATH_SIZE 48
Tcl_Obj *	ClusterIntKeysSorted(Tcl_HashTable *tablePtr, int lowest);
void		ClusterChannelHookPath(char *path, const char *direction,
		    int channel);
int		ClusterAddrIsSet(const ClusterAddr *addrPtr);
int		ClusterAddrSameIp(const ClusterAddr *aPtr,
		    const ClusterAddr *bPtr);
int		ClusterAddrIsLoopback(const ClusterAddr *addrPtr);
int		ClusterAddrInPrefix(const ClusterIfAddr *ifPtr,
		    const ClusterAddr *addrPtr);
uint32_t	ClusterAddrHash(const ClusterAddr *addrPtr);
int		ClusterAddrIsMapped(const ClusterAddr *addrPtr);

/*
 * Clock (unix/clusterUnixTime.c): monotonic milliseconds.
 */

Tcl_WideInt	ClusterpMonotonicMs(void);

/*
 * Identities and addresses (unix/clusterUnixHost.c, macosx/).
 */

void		ClusterpRandomBytes(void *bytes, size_t length);
int		ClusterpHostId(char hid[CLUSTER_HID_STRLEN]);
int		ClusterpLocalAddresses(ClusterIfAddr *addrs, int maxAddrs);
int		ClusterpInterfaceAddress(const char *nameOrAddress,
		    ClusterAddr *addrPtr);
int		ClusterpSocketLocalAddress(int fd, ClusterAddr *addrPtr);
int		ClusterpParseAddress(const char *text, ClusterAddr *addrPtr);
void		ClusterpFormatAddress(const ClusterAddr *addrPtr,
		    char buffer[CLUSTER_ADDR_STRLEN]);

/*
 * Sockets (unix/clusterUnixNet.c). Every descriptor returned is
 * non-blocking and close-on-exec. Functions that take a ClusterErr fill it
 * on failure, with the category SOCKET.
 * The others return -1 and leave errno set.
 */

int		ClusterpMulticastOpen(ClusterErr *errPtr,
		    const ClusterAddr *groupPtr, const ClusterAddr *ifPtr,
		    int ttl, int *fdPtr);
int		ClusterpDatagramSend(int fd, const ClusterAddr *toPtr,
		    const unsigned char *bytes, size_t length);
int		ClusterpDatagramReceive(int fd, unsigned char *buffer,
		    size_t capacity, ClusterAddr *fromPtr);
int		ClusterpUdpOpen(ClusterErr *errPtr, int port, int *fdPtr,
		    int *portPtr);
int		ClusterpResolveHost(const char *host, ClusterAddr *addrPtr);
int		ClusterParsePeer(const char *text, ClusterAddr *addrPtr);

int		ClusterpTcpListen(ClusterErr *errPtr, int *fdPtr,
		    int *portPtr);
int		ClusterpUnixListen(ClusterErr *errPtr, const char *path,
		    int mode, int *fdPtr);
int		ClusterpAccept(int listenFd, ClusterAddr *fromPtr);
int		ClusterpTcpConnect(const ClusterAddr *toPtr, int *fdPtr);
int		ClusterpUnixConnect(const char *path, int *fdPtr);
int		ClusterpConnectResult(int fd);
int		ClusterpRead(int fd, unsigned char *buffer, size_t capacity);
int		ClusterpWrite(int fd, const unsigned char *bytes,
		    size_t length);
void		ClusterpClose(int fd);
void		ClusterpCloseListener(int fd);
int		ClusterpRemoveFile(const char *path);
int		ClusterpUnixCheckFile(const char *path);
int		ClusterpUnixPeerIsUs(int fd);

/*
 * Whether a listening socket still works (unix/clusterUnixCheck.c), for
 * the check a member makes before it rebuilds a server on a peer's
 * word: the identity of a unix socket file when it was bound, and the
 * test against it.
 */

typedef struct ClusterFileId {
    uint64_t dev;		/* Device of the file. */
    uint64_t ino;		/* Its inode. */
} ClusterFileId;

int		ClusterpFileIdentify(const char *path, ClusterFileId *idPtr);
int		ClusterpListenerWorks(int fd, const char *path,
		    const ClusterFileId *idPtr);

#define CLUSTER_CONNECT_DONE	 0	/* Connected at once. */
#define CLUSTER_CONNECT_PENDING	 1	/* Completes when writable. */

#endif /* _CLUSTERPORT_H */
