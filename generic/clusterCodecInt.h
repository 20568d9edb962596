/*
 * clusterCodecInt.h --
 *
 *	Declarations shared by the files of the codec only (clusterCodec.c,
 *	clusterCodecDecode.c, clusterCodecUtf8.c); the codec's API is in
 *	clusterCodec.h. Pure C, like them: no tcl.h.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERCODECINT_H
#define _CLUSTERCODECINT_H

#include "clusterCodec.h"

/*
 * Functions private to the codec are hidden from the shared library's
 * symbol table, so that calls between the codec's files are direct calls,
 * as calls to static functions are.
 */

#if defined(__GNUC__) && !defined(_WIN32) && !defined(__CYGWIN__)
#   define CLUSTER_CODEC_PRIVATE __attribute__((visibility("hidden")))
#else
#   define CLUSTER_CODEC_PRIVATE
#endif

/*
 * Strict UTF-8 validation that also tells where the bytes go wrong
 * (clusterCodecUtf8.c), for the decoder's error messages.
 */

CLUSTER_CODEC_PRIVATE int ClusterUtf8Check(const unsigned char *bytes,
			    size_t length, size_t *badPtr);

#endif /* _CLUSTERCODECINT_H */
