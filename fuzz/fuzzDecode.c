/*
 * fuzzDecode.c --
 *
 *	libFuzzer harness for the packet decoder. Each input is one
 *	datagram, decoded as the multicast receive path decodes it
 *	(ClusterDecodePacket with the receiver's identity, then a walk over
 *	every field), and also taken as a bare body (ClusterDecodeBody).
 *	Every decode is compared with the reference of fuzzCheck.c: as
 *	nobody, and as receivers that must stop early on their own sid or
 *	on a filter that does not name them. What decodes whole is encoded
 *	again with the codec's encoder and must round-trip. The input's
 *	first bytes are also read as a varint and as a character, and the
 *	whole input is checked as UTF-8, against the reference.
 *
 *	Build and run it with "make fuzz" (see fuzz/README).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "fuzzInt.h"
#include <string.h>

/*
 * Static functions defined in this file.
 */

static void		CheckUtf8(const unsigned char *data, size_t size);
static void		CheckUtf8Append(const unsigned char *data,
			    size_t size);
static void		CheckVarint(const unsigned char *data, size_t size);

/*
 *----------------------------------------------------------------------
 *
 * LLVMFuzzerTestOneInput --
 *
 *	Run every check on one input.
 *
 * Results:
 *	0 (libFuzzer's "keep going").
 *
 * Side effects:
 *	Aborts when a check fails.
 *
 *----------------------------------------------------------------------
 */

int
LLVMFuzzerTestOneInput(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    CheckVarint(data, size);
    CheckUtf8(data, size);
    CheckUtf8Append(data, size);
    FuzzCheckPacket(data, size, 1);
    FuzzCheckBody(data, size);
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * CheckVarint --
 *
 *	ClusterVarintRead must agree with the reference on the input and
 *	on each of its first eleven prefixes; a value read must be written
 *	back by ClusterVarintWrite in ClusterVarintSize bytes, no more than
 *	were read, which read back give the same value and, when as many,
 *	are the same bytes.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a violation.
 *
 *----------------------------------------------------------------------
 */

static void
CheckVarint(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    size_t cut, used, refUsed, again, written;
    uint64_t value, refValue, againValue;
    unsigned char bytes[CLUSTER_VARINT_MAX];
    int status;

    for (cut = 0; cut <= size && cut <= CLUSTER_VARINT_MAX + 1; cut++) {
	size_t length = (cut <= CLUSTER_VARINT_MAX) ? cut : size;

	status = ClusterVarintRead(data, length, &value, &used);
	FUZZ_CHECK(status == FuzzVarintRead(data, length, &refValue,
		&refUsed));
	if (status != CLUSTER_VARINT_OK) {
	    continue;
	}
	FUZZ_CHECK(value == refValue && used == refUsed);
	FUZZ_CHECK(used >= 1 && used <= length
		&& used <= CLUSTER_VARINT_MAX);
	written = ClusterVarintWrite(bytes, value);
	FUZZ_CHECK(written == ClusterVarintSize(value));
	FUZZ_CHECK(written >= 1 && written <= used);
	FUZZ_CHECK(ClusterVarintRead(bytes, written, &againValue, &again)
		== CLUSTER_VARINT_OK);
	FUZZ_CHECK(againValue == value && again == written);
	if (written == used) {
	    FUZZ_CHECK(memcmp(bytes, data, used) == 0);
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * CheckUtf8 --
 *
 *	ClusterUtf8Check and ClusterUtf8Valid must agree with the reference
 *	on the input and on the input less its first one to three bytes (so
 *	that the word-at-a-time path meets each byte at several positions
 *	in a word).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a violation.
 *
 *----------------------------------------------------------------------
 */

static void
CheckUtf8(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    size_t skip;

    for (skip = 0; skip < 4 && skip <= size; skip++) {
	size_t bad = (size_t) -1, refBad = (size_t) -2;
	int flags = ClusterUtf8Check(data + skip, size - skip, &bad);

	FUZZ_CHECK(flags == FuzzUtf8Check(data + skip, size - skip,
		&refBad));
	FUZZ_CHECK(flags == ClusterUtf8Valid(data + skip, size - skip));
	if (flags == 0) {
	    FUZZ_CHECK(bad == refBad && bad < size - skip);
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * CheckUtf8Append --
 *
 *	The first two bytes, as a BMP character other than a surrogate,
 *	written by ClusterUtf8Append after one byte already in the buffer:
 *	the shortest form, valid, decoding back to the character.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Aborts on a violation.
 *
 *----------------------------------------------------------------------
 */

static void
CheckUtf8Append(
    const unsigned char *data,	/* The input. */
    size_t size)		/* Its length. */
{
    unsigned char out[1 + 3 + 1];
    unsigned ch, back;
    size_t length = 1, bad, n;

    if (size < 2) {
	return;
    }
    ch = data[0] | ((unsigned) data[1] << 8);
    if (ch >= 0xD800 && ch <= 0xDFFF) {
	return;
    }
    memset(out, 0x55, sizeof(out));
    ClusterUtf8Append(out, &length, ch);
    n = length - 1;
    FUZZ_CHECK(out[0] == 0x55 && out[length] == 0x55);
    FUZZ_CHECK(n == (ch < 0x80 ? 1u : ch < 0x800 ? 2u : 3u));
    FUZZ_CHECK(FuzzUtf8Check(out + 1, n, &bad) != 0);
    if (n == 1) {
	back = out[1];
    } else if (n == 2) {
	back = ((out[1] & 0x1Fu) << 6) | (out[2] & 0x3Fu);
    } else {
	back = ((out[1] & 0x0Fu) << 12) | ((out[2] & 0x3Fu) << 6)
		| (out[3] & 0x3Fu);
    }
    FUZZ_CHECK(back == ch);
}
