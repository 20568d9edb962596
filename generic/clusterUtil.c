/*
 * clusterUtil.c --
 *
 *	Small helpers of every layer, below all of them: the one way the
 *	Tcl_Obj slots of structures are managed, random delays, the path of
 *	a channel's hook, and error records for code that has no
 *	interpreter (ClusterErrSet).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterPort.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * ClusterSetObj --
 *
 *	Replace the object held in a slot, managing references.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	The slot holds a reference to valueObj (which may be NULL); the old
 *	value's reference is released.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSetObj(
    Tcl_Obj **slotPtr,		/* Slot to update. */
    Tcl_Obj *valueObj)		/* New value, or NULL. */
{
    if (valueObj != NULL) {
	Tcl_IncrRefCount(valueObj);
    }
    if (*slotPtr != NULL) {
	Tcl_DecrRefCount(*slotPtr);
    }
    *slotPtr = valueObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterRandomUpTo --
 *
 *	A random whole number from 0 to limit, both included, for the
 *	jitter of heartbeats and of the answers to pings and discoveries.
 *
 * Results:
 *	The number; 0 when limit is 0 or less.
 *
 * Side effects:
 *	Reads the system's random source.
 *
 *----------------------------------------------------------------------
 */

int
ClusterRandomUpTo(
    int limit)			/* Largest result. */
{
    unsigned char bytes[4] = {0, 0, 0, 0};
    uint32_t value;

    if (limit <= 0) {
	return 0;
    }
    ClusterpRandomBytes(bytes, sizeof(bytes));
    value = ((uint32_t) bytes[0] << 24) | ((uint32_t) bytes[1] << 16)
	    | ((uint32_t) bytes[2] << 8) | bytes[3];
    return (int) (value % ((uint32_t) limit + 1));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterChannelHookPath --
 *
 *	Write the hook path "channel N receive" or "channel N send" into a
 *	buffer of CLUSTER_HOOK_PATH_SIZE bytes. Every packet asks for one,
 *	so this avoids snprintf.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills path.
 *
 *----------------------------------------------------------------------
 */

void
ClusterChannelHookPath(
    char *path,			/* CLUSTER_HOOK_PATH_SIZE bytes. */
    const char *direction,	/* "receive" or "send". */
    int channel)		/* Channel number. */
{
    char digits[16];
    unsigned int value = (unsigned int) (channel < 0 ? -channel : channel);
    int n = 0;
    size_t length;

    do {
	digits[n++] = (char) ('0' + value % 10);
	value /= 10;
    } while (value != 0);
    if (channel < 0) {
	digits[n++] = '-';
    }
    memcpy(path, "channel ", 8);
    length = 8;
    while (n > 0) {
	path[length++] = digits[--n];
    }
    path[length++] = ' ';
    strcpy(path + length, direction);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterErrSet --
 *
 *	Fill an error record below the core, where there is no
 *	interpreter: the category and detail of its errorcode and the
 *	message formatted from `format` (cut at the record's size).
 *
 * Results:
 *	Always TCL_ERROR, so callers can write `return ClusterErrSet(...)`.
 *
 * Side effects:
 *	Fills *errPtr when it is not NULL.
 *
 *----------------------------------------------------------------------
 */

int
ClusterErrSet(
    ClusterErr *errPtr,		/* Record to fill; may be NULL. */
    const char *category,	/* Static: second element of the code. */
    const char *detail,		/* Static: third element, or NULL. */
    const char *format,		/* printf format of the message. */
    ...)
{
    va_list args;

    if (errPtr == NULL) {
	return TCL_ERROR;
    }
    errPtr->category = category;
    errPtr->detail = detail;
    va_start(args, format);
    if (vsnprintf(errPtr->message, sizeof(errPtr->message), format,
	    args) < 0) {
	errPtr->message[0] = '\0';
    }
    va_end(args);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterParsePeer --
 *
 *	Parse a peer address written as a dotted quad and a port,
 *	"10.0.0.2:24000" (doc/protocol.md section 5.8). Names are not
 *	looked up: nothing here may block. Peers are IPv4 only, and unicast:
 *	0.0.0.0/8 (which reaches this host), multicast addresses and
 *	240.0.0.0/4 (with the broadcast address) are refused, whoever
 *	names them.
 *
 * Results:
 *	1 with the address and port (network order) in *addrPtr, or 0 when
 *	the text is no such address.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterParsePeer(
    const char *text,		/* ip:port. */
    ClusterAddr *addrPtr)	/* Out. */
{
    char ip[CLUSTER_ADDR_STRLEN];
    const char *colon = strrchr(text, ':'), *p;
    unsigned char bytes[2];
    int port = 0;

    if (colon == NULL || colon == text
	    || (size_t) (colon - text) >= sizeof(ip) || colon[1] == '\0') {
	return 0;
    }
    for (p = colon + 1; *p != '\0'; p++) {
	if (*p < '0' || *p > '9' || port > 65535) {
	    return 0;
	}
	port = port * 10 + (*p - '0');
    }
    if (port < 1 || port > 65535) {
	return 0;
    }
    memcpy(ip, text, (size_t) (colon - text));
    ip[colon - text] = '\0';
    if (ClusterpParseAddress(ip, addrPtr) != 0 || addrPtr->v6) {
	return 0;		/* Peers are IPv4 only. */
    }
    memcpy(bytes, &addrPtr->ip, 1);
    if (bytes[0] == 0 || bytes[0] >= 224) {
	return 0;		/* 0.0.0.0/8 (this host), multicast,
				 * 240.0.0.0/4 and broadcast: no peer. */
    }
    bytes[0] = (unsigned char) (port >> 8);
    bytes[1] = (unsigned char) (port & 0xff);
    memcpy(&addrPtr->port, bytes, 2);	/* Network order. */
    return 1;
}
