/*
 * clusterUnixTime.c --
 *
 *	The monotonic clock the core measures liveness with: a wall clock
 *	that jumps would make every service look silent, or immortal.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterPort.h"
#include <time.h>

/*
 *----------------------------------------------------------------------
 *
 * ClusterpMonotonicMs --
 *
 *	Read the monotonic clock.
 *
 * Results:
 *	Milliseconds since an arbitrary fixed point.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_WideInt
ClusterpMonotonicMs(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (Tcl_WideInt) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
