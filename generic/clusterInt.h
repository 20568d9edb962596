/*
 * clusterInt.h --
 *
 *	Declarations shared by the files of the cluster extension: the
 *	structures of clusters, services, queries and transports, and the
 *	prototypes that cross file boundaries.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERINT_H
#define _CLUSTERINT_H

#include "cluster.h"
#include <string.h>
#include "clusterCodec.h"
#include "clusterPort.h"

#ifndef PACKAGE_NAME
#   define PACKAGE_NAME "cluster"
#endif
#ifndef PACKAGE_VERSION
#   define PACKAGE_VERSION "2.0.0"
#endif

/*
 * Errors (clusterError.c).
 */

int		ClusterError(Tcl_Interp *interp, const char *category,
		    const char *detail, const char *format, ...);

/*
 * The packet codec seen from Tcl (clusterPayload.c, clusterPacketCmd.c).
 */

int		ClusterPayloadEncode(Tcl_Interp *interp, Tcl_Obj *dictObj,
		    int keepOrder, ClusterBuf *bufPtr, size_t *startPtr,
		    size_t *lengthPtr);
Tcl_Obj *	ClusterPayloadFromView(const ClusterPacketView *viewPtr);
int		ClusterDecodeErrorToInterp(Tcl_Interp *interp,
		    const ClusterCodecError *errPtr);
int		ClusterPacketInit(Tcl_Interp *interp);
Tcl_Obj *	ClusterFieldKey(ClusterFieldId id);

#endif /* _CLUSTERINT_H */
