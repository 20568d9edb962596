/*
 * cluster.h --
 *
 *	Public interface of the cluster extension: its entry points.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTER_H
#define _CLUSTER_H

#include <tcl.h>

#ifdef BUILD_cluster
#   undef TCL_STORAGE_CLASS
#   define TCL_STORAGE_CLASS DLLEXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

EXTERN int	Cluster_Init(Tcl_Interp *interp);
EXTERN int	Cluster_SafeInit(Tcl_Interp *interp);

#ifdef __cplusplus
}
#endif

#endif /* _CLUSTER_H */
