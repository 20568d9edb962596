/*
 * fuzzInt.h --
 *
 *	Declarations shared by the libFuzzer harnesses of the codec
 *	(fuzzDecode.c, fuzzStream.c) and by the checks they share
 *	(fuzzCheck.c). See fuzz/README for how to build and run them.
 *
 *	The checks compare the codec with a reference written here from
 *	doc/protocol.md section 1, as plainly as possible (one byte at a time, no fast
 *	paths), and abort() on the first difference, which libFuzzer reports
 *	as a crash with the input that caused it.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _FUZZINT_H
#define _FUZZINT_H

#include "clusterCodecInt.h"	/* The codec, and ClusterUtf8Check. */

/*
 * FUZZ_CHECK(condition) -- abort with the file, line and condition when the
 * condition is false.
 */

#define FUZZ_CHECK(cond) \
    ((cond) ? (void) 0 : FuzzFail(__FILE__, __LINE__, #cond))

/*
 * The entry point libFuzzer calls with each input.
 */

int		LLVMFuzzerTestOneInput(const unsigned char *data,
		    size_t size);

/*
 * fuzzCheck.c.
 */

void		FuzzFail(const char *file, int line, const char *what)
#if defined(__GNUC__)
		    __attribute__((noreturn))
#endif
		    ;
int		FuzzVarintRead(const unsigned char *src, size_t length,
		    uint64_t *valuePtr, size_t *usedPtr);
int		FuzzUtf8Check(const unsigned char *bytes, size_t length,
		    size_t *badPtr);
void		FuzzCheckPacket(const unsigned char *packet, size_t length,
		    int all);
void		FuzzCheckBody(const unsigned char *body, size_t length);

#endif /* _FUZZINT_H */
