/*
 * clusterCodecSeal.c --
 *
 *	Sealed frames: a packet encrypted and authenticated under a shared
 *	key, with XChaCha20-Poly1305 from libsodium (doc/protocol.md section
 *	10). Also the keys themselves: made from random bytes, written and
 *	read as base64, compared in constant time, wiped. Nothing here is
 *	hand-written cryptography: every primitive is libsodium's.
 *
 *	A frame is
 *
 *	    C5 1E | key id (4) | N (4, big-endian) | nonce (24) | ciphertext (N)
 *
 *	and the ciphertext, tag included, covers the inner header (sender,
 *	lane, seq, ms: 28 bytes, big-endian) followed by the whole packet.
 *	The first ten bytes are associated data: a frame whose magic, key id
 *	or length was changed does not open.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCodec.h"
#include <string.h>
#include <sodium.h>

#define SEAL_AD		10	/* Magic, key id, N: the associated data. */

/*
 * The personalisation of the key id hash: a key's id is the keyed BLAKE2b
 * of this string, so it reveals nothing of the key.
 */

static const char keyIdContext[] = "cluster key id";

static void		PutBig(unsigned char *p, uint64_t value, int bytes);
static uint64_t		GetBig(const unsigned char *p, int bytes);

/*
 *----------------------------------------------------------------------
 *
 * ClusterSealInit --
 *
 *	Initialise libsodium (safe to call more than once, from any
 *	thread).
 *
 * Results:
 *	0 on success, -1 when libsodium cannot be used.
 *
 * Side effects:
 *	None beyond libsodium's own.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSealInit(void)
{
    return (sodium_init() < 0) ? -1 : 0;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeyFromBytes, ClusterKeyGenerate --
 *
 *	Make a key from 32 bytes, or from 32 random ones, and compute its
 *	id (the first bytes of a BLAKE2b hash keyed with it, with no byte
 *	C0, so that no id holds the plain header C0 8D).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *keyPtr.
 *
 *----------------------------------------------------------------------
 */

void
ClusterKeyFromBytes(
    ClusterKey *keyPtr,		/* Key to fill. */
    const unsigned char bytes[CLUSTER_KEY_BYTES])
{
    unsigned char hash[16];
    int i;

    memcpy(keyPtr->bytes, bytes, CLUSTER_KEY_BYTES);
    crypto_generichash(hash, sizeof(hash),
	    (const unsigned char *) keyIdContext, sizeof(keyIdContext) - 1,
	    keyPtr->bytes, CLUSTER_KEY_BYTES);
    memcpy(keyPtr->id, hash, CLUSTER_KEY_ID_BYTES);
    for (i = 0; i < CLUSTER_KEY_ID_BYTES; i++) {
	if (keyPtr->id[i] == CLUSTER_HEADER_0) {
	    keyPtr->id[i]++;		/* See ClusterSealForOld. */
	}
    }
}

void
ClusterKeyGenerate(
    ClusterKey *keyPtr)		/* Key to fill. */
{
    unsigned char bytes[CLUSTER_KEY_BYTES];

    randombytes_buf(bytes, sizeof(bytes));
    ClusterKeyFromBytes(keyPtr, bytes);
    sodium_memzero(bytes, sizeof(bytes));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeyFromBase64, ClusterKeyToBase64 --
 *
 *	Read a key from its text form, standard base64 of exactly 32 bytes
 *	(padding required, nothing else around it); write it so.
 *
 * Results:
 *	ClusterKeyFromBase64: 0 with *keyPtr filled, -1 if the text is not
 *	that.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterKeyFromBase64(
    ClusterKey *keyPtr,		/* Key to fill. */
    const char *text,		/* Base64 text. */
    size_t length)		/* Its length. */
{
    unsigned char bytes[CLUSTER_KEY_BYTES + 1];
    size_t binLength = 0;
    const char *end = NULL;
    int result = -1;

    if (sodium_base642bin(bytes, sizeof(bytes), text, length, NULL,
	    &binLength, &end, sodium_base64_VARIANT_ORIGINAL) == 0
	    && end == text + length && binLength == CLUSTER_KEY_BYTES) {
	ClusterKeyFromBytes(keyPtr, bytes);
	result = 0;
    }
    sodium_memzero(bytes, sizeof(bytes));
    return result;
}

void
ClusterKeyToBase64(
    const ClusterKey *keyPtr,	/* Key to write. */
    char out[48])		/* Receives 44 characters and a NUL. */
{
    sodium_bin2base64(out, 48, keyPtr->bytes, CLUSTER_KEY_BYTES,
	    sodium_base64_VARIANT_ORIGINAL);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeyEqual, ClusterKeyWipe --
 *
 *	Compare two keys in constant time; erase a key.
 *
 * Results:
 *	ClusterKeyEqual: 1 if the keys are the same.
 *
 * Side effects:
 *	ClusterKeyWipe zeroes the key (in a way the compiler keeps).
 *
 *----------------------------------------------------------------------
 */

int
ClusterKeyEqual(
    const ClusterKey *a,
    const ClusterKey *b)
{
    return sodium_memcmp(a->bytes, b->bytes, CLUSTER_KEY_BYTES) == 0;
}

void
ClusterKeyWipe(
    ClusterKey *keyPtr)		/* Key to erase. */
{
    sodium_memzero(keyPtr, sizeof(ClusterKey));
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSealedLength --
 *
 *	The size of the sealed frame of a packet.
 *
 * Results:
 *	plainLength plus CLUSTER_SEAL_OVERHEAD.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

size_t
ClusterSealedLength(
    size_t plainLength)		/* Size of the packet. */
{
    return plainLength + CLUSTER_SEAL_OVERHEAD;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSeal --
 *
 *	Seal a packet: frame header, a random nonce, and the inner header
 *	and packet encrypted in place under the key.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Writes ClusterSealedLength(length) bytes at out, which must not
 *	overlap the packet.
 *
 *----------------------------------------------------------------------
 */

void
ClusterSeal(
    const ClusterKey *keyPtr,	/* Key to seal with. */
    const ClusterSealInfo *infoPtr,	/* Sender, lane, seq, ms. */
    const unsigned char *packet,	/* Whole plain packet. */
    size_t length,		/* Its size (below 4 GB minus overhead). */
    unsigned char *out)		/* Receives the frame. */
{
    unsigned char *nonce = out + SEAL_AD;
    unsigned char *inner = out + CLUSTER_SEAL_PREFIX;
    size_t plain = CLUSTER_SEAL_INNER + length;

    out[0] = CLUSTER_SEAL_0;
    out[1] = CLUSTER_SEAL_1;
    memcpy(out + 2, keyPtr->id, CLUSTER_KEY_ID_BYTES);
    PutBig(out + 6, plain + CLUSTER_SEAL_TAG, 4);
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);

    PutBig(inner, infoPtr->sender, 8);
    PutBig(inner + 8, infoPtr->lane, 4);
    PutBig(inner + 12, infoPtr->seq, 8);
    PutBig(inner + 20, (uint64_t) infoPtr->ms, 8);
    memcpy(inner + CLUSTER_SEAL_INNER, packet, length);

    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(inner,
	    inner + plain, NULL, inner, plain, out, SEAL_AD, NULL, nonce,
	    keyPtr->bytes);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterSealForOld --
 *
 *	Seal a datagram so that members of the old package can ignore it:
 *	they feed every datagram of the group into one stream reassembler
 *	that hunts for C0 8D anywhere in it, and a frame holding those two
 *	bytes by chance would make them wait for a packet that never
 *	comes. The key id never holds them (ClusterKeyFromBytes); a nonce
 *	or ciphertext that does is sealed again under a new nonce, up to
 *	maxTries times (each try succeeds with probability about
 *	exp(-length / 65536): 37 % for the largest datagram).
 *
 * Results:
 *	The number of seals made; more than maxTries when every one held C0
 *	8D (the frame is sealed all the same, by the last try).
 *
 * Side effects:
 *	As ClusterSeal.
 *
 *----------------------------------------------------------------------
 */

int
ClusterSealForOld(
    const ClusterKey *keyPtr,	/* Key to seal with. */
    const ClusterSealInfo *infoPtr,	/* Sender, lane, seq, ms. */
    const unsigned char *packet,	/* Whole plain packet. */
    size_t length,		/* Its size. */
    unsigned char *out,		/* Receives the frame. */
    int maxTries)		/* Seals to try at most. */
{
    size_t sealed = ClusterSealedLength(length);
    int tries = 0;

    do {
	const unsigned char *p = out, *end = out + sealed - 1;

	ClusterSeal(keyPtr, infoPtr, packet, length, out);
	tries++;
	while (p < end && (p = memchr(p, CLUSTER_HEADER_0,
		(size_t) (end - p))) != NULL && p[1] != CLUSTER_HEADER_1) {
	    p++;
	}
	if (p == NULL || p >= end) {
	    return tries;
	}
    } while (tries < maxTries);
    return tries + 1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOpen --
 *
 *	Open a sealed frame with whichever of the keys has its key id (a
 *	datagram, or a frame cut from a stream by ClusterStream: the length
 *	must account for the bytes exactly).
 *
 * Results:
 *	CLUSTER_OPEN_OK with the packet at out (*outLengthPtr bytes) and
 *	the inner header in *infoPtr; else why not (clusterCodec.h).
 *
 * Side effects:
 *	Writes up to length bytes at out (scratch on failure), which must
 *	not overlap the frame.
 *
 *----------------------------------------------------------------------
 */

ClusterOpenResult
ClusterOpen(
    const ClusterKey *keys,	/* Keys to try. */
    int numKeys,		/* How many. */
    const unsigned char *frame,	/* The frame. */
    size_t length,		/* Its size. */
    unsigned char *out,		/* Receives the packet. */
    size_t *outLengthPtr,	/* Receives its size. */
    ClusterSealInfo *infoPtr)	/* Receives the inner header. */
{
    const unsigned char *nonce = frame + SEAL_AD;
    const unsigned char *cipher = frame + CLUSTER_SEAL_PREFIX;
    size_t plain;
    int i, matched = 0;

    if (length < 2 || frame[0] != CLUSTER_SEAL_0
	    || frame[1] != CLUSTER_SEAL_1) {
	return CLUSTER_OPEN_PLAIN;
    }
    if (length < CLUSTER_SEAL_OVERHEAD
	    || GetBig(frame + 6, 4) != length - CLUSTER_SEAL_PREFIX) {
	return CLUSTER_OPEN_MALFORMED;
    }
    plain = length - CLUSTER_SEAL_PREFIX - CLUSTER_SEAL_TAG;
    for (i = 0; i < numKeys; i++) {
	if (memcmp(keys[i].id, frame + 2, CLUSTER_KEY_ID_BYTES) != 0) {
	    continue;
	}
	matched = 1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(out, NULL,
		cipher, plain, cipher + plain, frame, SEAL_AD, nonce,
		keys[i].bytes) == 0) {
	    break;
	}
    }
    if (i == numKeys) {
	return matched ? CLUSTER_OPEN_FORGED : CLUSTER_OPEN_NO_KEY;
    }
    infoPtr->sender = GetBig(out, 8);
    infoPtr->lane = (uint32_t) GetBig(out + 8, 4);
    infoPtr->seq = GetBig(out + 12, 8);
    infoPtr->ms = (int64_t) GetBig(out + 20, 8);
    *outLengthPtr = plain - CLUSTER_SEAL_INNER;
    memmove(out, out + CLUSTER_SEAL_INNER, *outLengthPtr);
    return CLUSTER_OPEN_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PutBig, GetBig --
 *
 *	Write and read an unsigned integer of 4 or 8 bytes, big-endian.
 *
 *----------------------------------------------------------------------
 */

static void
PutBig(
    unsigned char *p,
    uint64_t value,
    int bytes)
{
    int i;

    for (i = bytes - 1; i >= 0; i--) {
	p[i] = (unsigned char) (value & 0xFF);
	value >>= 8;
    }
}

static uint64_t
GetBig(
    const unsigned char *p,
    int bytes)
{
    uint64_t value = 0;
    int i;

    for (i = 0; i < bytes; i++) {
	value = (value << 8) | p[i];
    }
    return value;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
