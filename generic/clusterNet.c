/*
 * clusterNet.c --
 *
 *	What the transports share: the names of the protocols, indexed by
 *	ClusterProto (doc/protocol.md section 4).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterNet.h"

/*
 * Protocol ids, indexed by ClusterProto, NULL-terminated for
 * Tcl_GetIndexFromObj.
 */

const char *const clusterProtoNames[CLUSTER_PROTO_COUNT + 1] = {
    "c", "t", "u", NULL
};

/*
 *----------------------------------------------------------------------
 *
 * ClusterProtoFromName --
 *
 *	Map a protocol id to its ClusterProto.
 *
 * Results:
 *	The protocol, or -1 for an unknown id.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterProtoFromName(
    const char *name)		/* "c", "t" or "u". */
{
    if (name[0] != '\0' && name[1] == '\0') {
	switch (name[0]) {
	case 'c': return CLUSTER_PROTO_C;
	case 't': return CLUSTER_PROTO_T;
	case 'u': return CLUSTER_PROTO_U;
	}
    }
    return -1;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
