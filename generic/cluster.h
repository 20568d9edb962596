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

/*
 * The library is compiled with -fvisibility=hidden where the compiler
 * has it: these two are its only exports. While it is being built
 * (BUILD_cluster), EXTERN carries DLLEXPORT, which tcl.h makes
 * __attribute__((visibility("default"))) for gcc and clang (and
 * __declspec(dllexport) on Windows). The storage class is reset at the
 * end of this file, so that nothing declared after it is exported.
 */

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

#undef TCL_STORAGE_CLASS
#define TCL_STORAGE_CLASS DLLIMPORT

#endif /* _CLUSTER_H */
