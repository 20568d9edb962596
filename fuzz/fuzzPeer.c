/*
 * fuzzPeer.c --
 *
 *	libFuzzer harness for the address parsers that read text a peer
 *	sends: ClusterParsePeer (generic/clusterUtil.c), which reads each
 *	entry of the `peers` list in a heartbeat's `p` props
 *	(doc/protocol.md section 5.8), and ClusterpParseAddress
 *	(unix/clusterUnixAddr.c), which it calls and which also reads
 *	-address, -interface and is_local. The input, cut at its first NUL,
 *	is the text. Checks:
 *
 *	  - what ClusterParsePeer takes is a unicast IPv4 address (not
 *	    0.0.0.0/8, multicast, 240.0.0.0/4) with a port from 1 to 65535,
 *	    and written back as ip:port it parses to the same address;
 *	  - what ClusterpParseAddress takes, written back, parses to the
 *	    same address (but for a scope, which may name an interface this
 *	    machine does not have);
 *	  - neither reads or writes past the text (AddressSanitizer).
 *
 *	Build and run it with "make fuzz" (see fuzz/README).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterPort.h"
#include "fuzzInt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void		CheckPeer(const char *text);
static void		CheckAddress(const char *text);

/*
 *----------------------------------------------------------------------
 *
 * LLVMFuzzerTestOneInput --
 *
 *	Run both checks on the input as a NUL-terminated string.
 *
 *----------------------------------------------------------------------
 */

int
LLVMFuzzerTestOneInput(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    char *text = malloc(size + 1);

    FUZZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    CheckPeer(text);
    CheckAddress(text);
    free(text);
    return 0;
}

/*
 * CheckPeer --
 *
 *	ClusterParsePeer takes only unicast IPv4 and a port, and what it
 *	takes round-trips.
 */

static void
CheckPeer(
    const char *text)		/* The input. */
{
    ClusterAddr addr, again;
    char written[CLUSTER_ADDR_STRLEN + 8];
    unsigned char ip[4], port[2];

    if (!ClusterParsePeer(text, &addr)) {
	return;
    }
    memcpy(ip, &addr.ip, 4);
    memcpy(port, &addr.port, 2);
    FUZZ_CHECK(!addr.v6);
    FUZZ_CHECK(ip[0] != 0 && ip[0] < 224);
    FUZZ_CHECK(port[0] != 0 || port[1] != 0);
    ClusterpFormatAddress(&addr, written);
    snprintf(written + strlen(written), 8, ":%u",
	    (unsigned) (port[0] << 8 | port[1]));
    FUZZ_CHECK(ClusterParsePeer(written, &again));
    FUZZ_CHECK(again.ip == addr.ip && again.port == addr.port);
}

/*
 * CheckAddress --
 *
 *	What ClusterpParseAddress takes round-trips through
 *	ClusterpFormatAddress.
 */

static void
CheckAddress(
    const char *text)		/* The input. */
{
    ClusterAddr addr, again;
    char written[CLUSTER_ADDR_STRLEN];

    if (ClusterpParseAddress(text, &addr) != 0) {
	return;
    }
    FUZZ_CHECK(addr.port == 0);
    if (addr.v6 && addr.scope != 0) {
	return;			/* The scope may name no interface here. */
    }
    ClusterpFormatAddress(&addr, written);
    FUZZ_CHECK(ClusterpParseAddress(written, &again) == 0);
    FUZZ_CHECK(ClusterAddrSameIp(&addr, &again));
}

/*
 * ClusterpRandomBytes, TclFreeObj --
 *
 *	clusterUtil.c's other functions draw random bytes and free Tcl
 *	objects; the parsers do neither, so the harness is linked without
 *	libsodium's platform file and without Tcl, and these stand in.
 */

void
ClusterpRandomBytes(
    void *bytes,		/* Unused. */
    size_t length)		/* Unused. */
{
    (void) bytes;
    (void) length;
    abort();
}

void
TclFreeObj(
    Tcl_Obj *objPtr)		/* Unused. */
{
    (void) objPtr;
    abort();
}
