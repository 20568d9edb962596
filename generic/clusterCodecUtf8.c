/*
 * clusterCodecUtf8.c --
 *
 *	Strict UTF-8 (RFC 3629) for the codec: validation of the strings
 *	and list elements of a packet, as the decoder requires, and the
 *	writing of one character, for the payload files' conversions to and
 *	from Tcl's string form. Pure C, like clusterCodec.c: no
 *	interpreters, sockets or clocks, and no allocation.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCodecInt.h"
#include <string.h>

/*
 * Eight bytes at a time: the high bit of every byte, and the constant used
 * to find a zero byte in a word.
 */

#define HIGH_BITS	UINT64_C(0x8080808080808080)
#define LOW_BITS	UINT64_C(0x0101010101010101)

/*
 *----------------------------------------------------------------------
 *
 * ClusterUtf8Check --
 *
 *	Strict UTF-8 validation (RFC 3629): rejects stray continuation
 *	bytes, overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16
 *	surrogates (ED A0..BF), code points above U+10FFFF (F4 90.., F5..FF)
 *	and truncated sequences. NUL bytes are valid. Pure ASCII is checked
 *	eight bytes at a time.
 *
 * Results:
 *	0 when invalid, with the offset of the first bad sequence stored at
 *	badPtr; else CLUSTER_UTF8_VALID, plus CLUSTER_UTF8_SPECIAL when the
 *	bytes hold a NUL or a 4-byte sequence (whose Tcl form differs).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterUtf8Check(
    const unsigned char *bytes,	/* Bytes to check. */
    size_t length,		/* How many. */
    size_t *badPtr)		/* Where to store the offset of a bad
				 * sequence. */
{
    size_t i = 0;
    int result = CLUSTER_UTF8_VALID;

    while (i < length) {
	unsigned b = bytes[i];

	if (b < 0x80) {
	    if (b == 0) {
		result |= CLUSTER_UTF8_SPECIAL;
	    }
	    i++;

	    /*
	     * A run of ASCII: skip words that hold no high bit and no NUL.
	     */

	    while (length - i >= 8) {
		uint64_t w;

		memcpy(&w, bytes + i, 8);
		if ((w & HIGH_BITS) || ((w - LOW_BITS) & ~w & HIGH_BITS)) {
		    break;
		}
		i += 8;
	    }
	    continue;
	}
	if (b >= 0xC2 && b <= 0xDF) {
	    if (length - i < 2 || (bytes[i+1] & 0xC0) != 0x80) {
		goto bad;
	    }
	    i += 2;
	} else if (b >= 0xE0 && b <= 0xEF) {
	    unsigned b1;

	    if (length - i < 3) {
		goto bad;
	    }
	    b1 = bytes[i+1];
	    if ((b1 & 0xC0) != 0x80 || (bytes[i+2] & 0xC0) != 0x80
		    || (b == 0xE0 && b1 < 0xA0)
		    || (b == 0xED && b1 > 0x9F)) {
		goto bad;
	    }
	    i += 3;
	} else if (b >= 0xF0 && b <= 0xF4) {
	    unsigned b1;

	    if (length - i < 4) {
		goto bad;
	    }
	    b1 = bytes[i+1];
	    if ((b1 & 0xC0) != 0x80 || (bytes[i+2] & 0xC0) != 0x80
		    || (bytes[i+3] & 0xC0) != 0x80
		    || (b == 0xF0 && b1 < 0x90)
		    || (b == 0xF4 && b1 > 0x8F)) {
		goto bad;
	    }
	    result |= CLUSTER_UTF8_SPECIAL;
	    i += 4;
	} else {
	    goto bad;
	}
    }
    return result;

  bad:
    *badPtr = i;
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterUtf8Valid --
 *
 *	Strict UTF-8 validation; see ClusterUtf8Check.
 *
 * Results:
 *	0 when the bytes are not valid UTF-8, else CLUSTER_UTF8_VALID,
 *	with CLUSTER_UTF8_SPECIAL added when they hold a NUL or a 4-byte
 *	sequence.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterUtf8Valid(
    const unsigned char *bytes,	/* Bytes to check. */
    size_t length)		/* How many. */
{
    size_t bad;

    return ClusterUtf8Check(bytes, length, &bad);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterUtf8Append --
 *
 *	Write a BMP character as UTF-8 (1 to 3 bytes).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Writes at dst + *lengthPtr and advances *lengthPtr.
 *
 *----------------------------------------------------------------------
 */

void
ClusterUtf8Append(
    unsigned char *dst,		/* Output buffer. */
    size_t *lengthPtr,		/* Bytes already in it; updated. */
    unsigned ch)		/* Character, below 0x10000. */
{
    size_t n = *lengthPtr;

    if (ch < 0x80) {
	dst[n++] = (unsigned char) ch;
    } else if (ch < 0x800) {
	dst[n++] = (unsigned char) (0xC0 | (ch >> 6));
	dst[n++] = (unsigned char) (0x80 | (ch & 0x3F));
    } else {
	dst[n++] = (unsigned char) (0xE0 | (ch >> 12));
	dst[n++] = (unsigned char) (0x80 | ((ch >> 6) & 0x3F));
	dst[n++] = (unsigned char) (0x80 | (ch & 0x3F));
    }
    *lengthPtr = n;
}
