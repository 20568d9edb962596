/*
 * clusterCmdConfig.c --
 *
 *	The options of `cluster join` (doc/protocol.md section 6.1): parsed and checked
 *	once into a ClusterConfig, which the core reads and `$cluster
 *	config` renders back as a dict.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <stddef.h>
#include <stdlib.h>

/*
 * The options of `cluster join`. The first nine are those of the pure-Tcl
 * package (doc/protocol.md section 6.1); the rest are ours, each with a default that
 * keeps the old behaviour. Integer options are read straight into their
 * field of ClusterConfig, within their range.
 */

typedef enum OptionKind {
    KIND_INT,			/* int field, range min..max. */
    KIND_SIZE,			/* size_t field, range min..max. */
    KIND_LIST,			/* Tcl_Obj * field holding a list. */
    KIND_ADDRESS,		/* -address: a multicast group. */
    KIND_PORT,			/* -port. */
    KIND_PROTOCOLS,		/* -protocols, checked at the end. */
    KIND_UNIX,			/* -u {path P}. */
    KIND_INTERFACE,		/* -interface name|address. */
    KIND_HID,			/* -hid aa:bb:cc:dd:ee:ff. */
    KIND_TRANSPORT,		/* -transport network|memory. */
    KIND_INTERP,		/* -interp child. */
    KIND_KEYS,			/* -keys {K ?K ...?}. */
    KIND_PLAINTEXT,		/* -plaintext accept|reject. */
    KIND_PEERS			/* -peers {host:port ...}. */
} OptionKind;

typedef struct JoinOption {
    const char *name;		/* Option, with its dash. */
    OptionKind kind;		/* How to read its value. */
    size_t offset;		/* Field in ClusterConfig (INT, SIZE, LIST). */
    int min, max;		/* Accepted range (INT, SIZE). */
} JoinOption;

#define FIELD(f) offsetof(ClusterConfig, f)

static const JoinOption joinOptions[] = {
    {"-address",	KIND_ADDRESS,	0, 0, 0},
    {"-port",		KIND_PORT,	0, 1, 65535},
    {"-ttl",		KIND_INT,	FIELD(ttl), 1, 86400 * 365},
    {"-heartbeat",	KIND_INT,	FIELD(heartbeatMs), 10, 86400000},
    {"-channels",	KIND_LIST,	FIELD(channelsObj), 0, 0},
    {"-remote",		KIND_INT,	FIELD(remote), 0, 255},
    {"-tags",		KIND_LIST,	FIELD(tagsObj), 0, 0},
    {"-protocols",	KIND_PROTOCOLS,	0, 0, 0},
    {"-u",		KIND_UNIX,	0, 0, 0},
    {"-interface",	KIND_INTERFACE,	0, 0, 0},
    {"-hid",		KIND_HID,	0, 0, 0},
    {"-discoverywait",	KIND_INT,	FIELD(discoveredWaitMs), 0, 600000},
    {"-discoverylimit",	KIND_INT,	FIELD(discoveryLimitMs), 0, 86400000},
    {"-pingbatch",	KIND_INT,	FIELD(pingBatchMs), 0, 600000},
    {"-pingdeadline",	KIND_INT,	FIELD(pingDeadlineMs), 0, 86400000},
    {"-pingsweep",	KIND_INT,	FIELD(pingSweepMs), 0, 86400000},
    {"-pingreply",	KIND_INT,	FIELD(pingReplyMs), 0, 600000},
    {"-replywindow",	KIND_INT,	FIELD(replyWindowMs), 0, 600000},
    {"-connecttimeout",	KIND_INT,	FIELD(limits.connectTimeoutMs), 1, 600000},
    {"-maxframe",	KIND_SIZE,	FIELD(limits.maxFrame), 64, 0x7fffffff},
    {"-maxqueue",	KIND_SIZE,	FIELD(limits.maxQueue), 1024, 0x7fffffff},
    {"-maxconns",	KIND_INT,	FIELD(limits.maxConns), 1, 1000000},
    {"-frametimeout",	KIND_INT,	FIELD(limits.frameTimeoutMs), 1, 86400000},
    {"-transport",	KIND_TRANSPORT,	0, 0, 0},
    {"-maxbuffered",	KIND_SIZE,	FIELD(limits.maxBuffered), 1024,
	0x7fffffff},
    {"-interp",		KIND_INTERP,	0, 0, 0},
    {"-maxservices",	KIND_INT,	FIELD(maxServices), 1, 10000000},
    {"-newservicerate",	KIND_INT,	FIELD(newServiceRate), 1, 1000000},
    {"-maxtags",	KIND_INT,	FIELD(maxTags), 0, 0x7fffffff},
    {"-maxrecord",	KIND_INT,	FIELD(maxRecord), 64, 0x7fffffff},
    {"-keys",		KIND_KEYS,	0, 0, 0},
    {"-plaintext",	KIND_PLAINTEXT,	0, 0, 0},
    {"-freshness",	KIND_INT,	FIELD(freshnessMs), 100, 86400000},
    {"-maxlanes",	KIND_INT,	FIELD(maxLanes), 1, 1000000},
    {"-probewait",	KIND_INT,	FIELD(probeWaitMs), 0, 86400000},
    {"-rebuildlimit",	KIND_INT,	FIELD(rebuildLimitMs), 0, 86400000},
    {"-pinglimit",	KIND_INT,	FIELD(pingLimitMs), 0, 600000},
    {"-maxinput",	KIND_SIZE,	FIELD(limits.maxInput), 1024,
	0x7fffffff},
    {"-maxnested",	KIND_INT,	FIELD(limits.maxNested), 1, 1000},
    {"-connectdelay",	KIND_INT,	FIELD(limits.connectDelayMs), 0,
	600000},
    {"-probeinterval",	KIND_INT,	FIELD(probeIntervalMs), 0, 86400000},
    {"-probetimeout",	KIND_INT,	FIELD(probeTimeoutMs), 1, 86400000},
    {"-maxdeferred",	KIND_INT,	FIELD(maxDeferred), 0, 65536},
    {"-deferwait",	KIND_INT,	FIELD(deferWaitMs), 1, 86400000},
    {"-peers",		KIND_PEERS,	0, 0, 0},
    {"-peerport",	KIND_INT,	FIELD(peerPort), 0, 65535},
    {"-maxpeers",	KIND_INT,	FIELD(maxPeers), 1, 1000},
    {NULL,		KIND_INT,	0, 0, 0}
};

#undef FIELD

static void		SetDefaults(ClusterConfig *configPtr);
static int		ParseOne(Tcl_Interp *interp, const JoinOption *optPtr,
			    Tcl_Obj *valueObj, ClusterConfig *configPtr);
static int		ParseAddress(Tcl_Interp *interp, Tcl_Obj *valueObj,
			    ClusterConfig *configPtr);
static int		ParseUnix(Tcl_Interp *interp, Tcl_Obj *valueObj,
			    ClusterConfig *configPtr);
static int		ParseInterp(Tcl_Interp *interp, Tcl_Obj *valueObj,
			    ClusterConfig *configPtr);
static int		ParseProtocols(Tcl_Interp *interp, Tcl_Obj *listObj,
			    ClusterConfig *configPtr);
static int		ParseKeys(Tcl_Interp *interp, Tcl_Obj *valueObj,
			    ClusterConfig *configPtr);
static int		GetBoundedInt(Tcl_Interp *interp, Tcl_Obj *objPtr,
			    const char *option, int min, int max,
			    int *valuePtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterParseConfig --
 *
 *	Fill a ClusterConfig from the options of `cluster join`, with the
 *	defaults of doc/protocol.md section 6.1 for what is not given.
 *
 * Results:
 *	A standard Tcl result; on error the message names the option (and
 *	lists the valid ones for an unknown option), and the errorcode is
 *	{CLUSTER INVALID_ARGS option}.
 *
 * Side effects:
 *	The config holds references to the Tcl_Objs it keeps (release them
 *	with ClusterFreeConfig, also after an error).
 *
 *----------------------------------------------------------------------
 */

int
ClusterParseConfig(
    Tcl_Interp *interp,		/* For errors. */
    int objc,			/* Option/value words. */
    Tcl_Obj *const objv[],
    ClusterConfig *configPtr)	/* Filled in. */
{
    Tcl_Obj *protocolsObj = NULL;
    int i, index;

    SetDefaults(configPtr);
    for (i = 0; i < objc; i += 2) {
	const JoinOption *optPtr;

	if (ClusterCmdGetIndex(interp, objv[i], joinOptions,
		sizeof(JoinOption), "option", &index) != TCL_OK) {
	    return TCL_ERROR;
	}
	optPtr = &joinOptions[index];
	if (i + 1 >= objc) {
	    return ClusterError(interp, "INVALID_ARGS", optPtr->name,
		    "option \"%s\" needs a value", optPtr->name);
	}
	if (optPtr->kind == KIND_PROTOCOLS) {
	    protocolsObj = objv[i + 1];
	} else if (ParseOne(interp, optPtr, objv[i + 1], configPtr)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
    }
    if (configPtr->memory && configPtr->peersObj != NULL) {
	return ClusterError(interp, "INVALID_ARGS", "-peers",
		"-peers needs a network: it can't be used with -transport"
		" memory");
    }
    if (configPtr->peersObj != NULL) {
	int numSeeds;

	Tcl_ListObjLength(NULL, configPtr->peersObj, &numSeeds);
	if (numSeeds > configPtr->maxPeers) {
	    return ClusterError(interp, "INVALID_ARGS", "-peers",
		    "-peers gives %d seeds, more than -maxpeers (%d): give"
		    " fewer, or a larger -maxpeers", numSeeds,
		    configPtr->maxPeers);
	}
    }
    return ParseProtocols(interp, protocolsObj, configPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterParseOption --
 *
 *	Read one option of `cluster join`, named by its index in the
 *	option table (ClusterOptionName), into a config: what `$cluster
 *	configure` uses, so that it checks values as `cluster join` does.
 *
 * Results:
 *	A standard Tcl result, with the errors of ClusterParseConfig.
 *
 * Side effects:
 *	Updates *configPtr.
 *
 *----------------------------------------------------------------------
 */

int
ClusterParseOption(
    Tcl_Interp *interp,		/* For errors. */
    int index,			/* From ClusterOptionIndex. */
    Tcl_Obj *valueObj,		/* The value. */
    ClusterConfig *configPtr)	/* Updated. */
{
    return ParseOne(interp, &joinOptions[index], valueObj, configPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterOptionName --
 *
 *	Find an option of `cluster join` in the table (a unique prefix
 *	will do).
 *
 * Results:
 *	Its name, with *indexPtr its index; or NULL when the word names
 *	none.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

const char *
ClusterOptionName(
    Tcl_Obj *nameObj,		/* The option word. */
    int *indexPtr)		/* Out: its index. */
{
    if (Tcl_GetIndexFromObjStruct(NULL, nameObj, joinOptions,
	    sizeof(JoinOption), "option", 0, indexPtr) != TCL_OK) {
	return NULL;
    }
    return joinOptions[*indexPtr].name;
}

/*
 *----------------------------------------------------------------------
 *
 * SetDefaults --
 *
 *	The defaults of doc/protocol.md section 6.1, and of our own options: a
 *	heartbeat drawn between 110 and 140 seconds, the old package's
 *	timings for discovery and pings.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Fills *configPtr.
 *
 *----------------------------------------------------------------------
 */

static void
SetDefaults(
    ClusterConfig *configPtr)	/* Config to fill. */
{
    memset(configPtr, 0, sizeof(ClusterConfig));
    ClusterpParseAddress("230.230.230.230", &configPtr->group);
    configPtr->group.port = ClusterPortToNet(23000);
    configPtr->ttl = 600;
    configPtr->heartbeatMs = 110000 + ClusterRandomUpTo(30000);
    ClusterSetObj(&configPtr->channelsObj, Tcl_NewObj());
    ClusterSetObj(&configPtr->tagsObj, Tcl_NewObj());
    configPtr->discoveredWaitMs = 1000;
    configPtr->discoveryLimitMs = 30000;
    configPtr->pingBatchMs = 5000;
    configPtr->pingDeadlineMs = 20000;
    configPtr->pingSweepMs = 30000;
    configPtr->pingReplyMs = 15000;
    configPtr->replyWindowMs = 500;
    configPtr->limits.connectTimeoutMs = 5000;
    configPtr->limits.maxFrame = CLUSTER_DEFAULT_MAX_FRAME;
    configPtr->limits.maxQueue = CLUSTER_DEFAULT_MAX_QUEUE;
    configPtr->limits.maxConns = CLUSTER_DEFAULT_MAX_CONNS;
    configPtr->limits.frameTimeoutMs = CLUSTER_DEFAULT_FRAME_TIMEOUT;
    configPtr->limits.maxBuffered = CLUSTER_DEFAULT_MAX_BUFFERED;
    configPtr->limits.maxInput = CLUSTER_DEFAULT_MAX_INPUT;
    configPtr->limits.maxNested = CLUSTER_DEFAULT_MAX_NESTED;
    configPtr->limits.connectDelayMs = CLUSTER_DEFAULT_CONNECT_DELAY;
    configPtr->limits.unixMode = CLUSTER_DEFAULT_UNIX_MODE;
    configPtr->maxServices = 4096;
    configPtr->newServiceRate = 500;
    configPtr->maxTags = 4096;
    configPtr->maxRecord = 8192;
    configPtr->freshnessMs = 60000;
    configPtr->maxLanes = 4096;
    configPtr->probeWaitMs = 4000;
    configPtr->probeIntervalMs = 1000;
    configPtr->probeTimeoutMs = 2000;
    configPtr->maxDeferred = 256;
    configPtr->deferWaitMs = 60000;
    configPtr->rebuildLimitMs = 5000;
    configPtr->pingLimitMs = 1000;
    configPtr->maxPeers = 128;
}

/*
 *----------------------------------------------------------------------
 *
 * ParseOne --
 *
 *	Read the value of one option into the config.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Updates *configPtr.
 *
 *----------------------------------------------------------------------
 */

static int
ParseOne(
    Tcl_Interp *interp,		/* For errors. */
    const JoinOption *optPtr,	/* The option. */
    Tcl_Obj *valueObj,		/* Its value. */
    ClusterConfig *configPtr)	/* Updated. */
{
    char *field = (char *) configPtr + optPtr->offset;
    const char *value = Tcl_GetString(valueObj);
    int number, length;

    switch (optPtr->kind) {
    case KIND_INT:
	return GetBoundedInt(interp, valueObj, optPtr->name, optPtr->min,
		optPtr->max, (int *) field);
    case KIND_SIZE:
	if (GetBoundedInt(interp, valueObj, optPtr->name, optPtr->min,
		optPtr->max, &number) != TCL_OK) {
	    return TCL_ERROR;
	}
	*(size_t *) field = (size_t) number;
	return TCL_OK;
    case KIND_PORT:
	if (GetBoundedInt(interp, valueObj, optPtr->name, optPtr->min,
		optPtr->max, &number) != TCL_OK) {
	    return TCL_ERROR;
	}
	configPtr->group.port = ClusterPortToNet(number);
	return TCL_OK;
    case KIND_LIST:
	if (Tcl_ListObjLength(NULL, valueObj, &length) != TCL_OK) {
	    return ClusterError(interp, "INVALID_ARGS", optPtr->name,
		    "bad %s \"%s\": must be a list", optPtr->name, value);
	}
	if (strcmp(optPtr->name, "-tags") == 0) {
	    valueObj = ClusterUniqueList(valueObj);
	}
	ClusterSetObj((Tcl_Obj **) field, valueObj);
	return TCL_OK;
    case KIND_ADDRESS:
	return ParseAddress(interp, valueObj, configPtr);
    case KIND_UNIX:
	return ParseUnix(interp, valueObj, configPtr);
    case KIND_INTERFACE:
	if (ClusterpInterfaceAddress(value, &configPtr->interfaceAddr) != 0) {
	    return ClusterError(interp, "INVALID_ARGS", optPtr->name,
		    "bad -interface \"%s\": no local interface has that name"
		    " or address", value);
	}
	ClusterSetObj(&configPtr->interfaceObj, valueObj);
	return TCL_OK;
    case KIND_HID:
	if (!ClusterHidValid(value)) {
	    return ClusterError(interp, "INVALID_ARGS", optPtr->name,
		    "bad -hid \"%s\": must be a MAC address such as"
		    " 02:00:00:00:00:01", value);
	}
	ClusterSetObj(&configPtr->hidObj, valueObj);
	return TCL_OK;
    case KIND_TRANSPORT:
	if (strcmp(value, "network") == 0 || strcmp(value, "memory") == 0) {
	    configPtr->memory = (value[0] == 'm');
	    return TCL_OK;
	}
	return ClusterError(interp, "INVALID_ARGS", optPtr->name,
		"bad -transport \"%s\": must be network or memory", value);
    case KIND_INTERP:
	return ParseInterp(interp, valueObj, configPtr);
    case KIND_KEYS:
	return ParseKeys(interp, valueObj, configPtr);
    case KIND_PLAINTEXT:
	if (strcmp(value, "accept") == 0 || strcmp(value, "reject") == 0) {
	    configPtr->plaintextAccept = (value[0] == 'a');
	    return TCL_OK;
	}
	return ClusterError(interp, "INVALID_ARGS", optPtr->name,
		"bad -plaintext \"%s\": must be accept or reject", value);
    case KIND_PEERS:
	return ClusterParsePeersOption(interp, valueObj, configPtr);
    case KIND_PROTOCOLS:
	break;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterUniqueList --
 *
 *	A list without repeats: the tags of -tags, like those `$cluster
 *	tags` keeps, hold each tag once (the first time it is given).
 *
 * Results:
 *	listObj itself when it has no repeat, else a new list.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterUniqueList(
    Tcl_Obj *listObj)		/* A valid list. */
{
    Tcl_Obj **elements, *resultObj;
    Tcl_HashTable seen;
    int numElements, i, isNew;

    Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements);
    Tcl_InitHashTable(&seen, TCL_STRING_KEYS);
    resultObj = Tcl_NewListObj(0, NULL);
    for (i = 0; i < numElements; i++) {
	Tcl_CreateHashEntry(&seen, Tcl_GetString(elements[i]), &isNew);
	if (isNew) {
	    Tcl_ListObjAppendElement(NULL, resultObj, elements[i]);
	}
    }
    isNew = (seen.numEntries == numElements);
    Tcl_DeleteHashTable(&seen);
    if (isNew) {
	Tcl_DecrRefCount(resultObj);
	return listObj;
    }
    return resultObj;
}

/*
 *----------------------------------------------------------------------
 *
 * ParseInterp --
 *
 *	-interp must name an existing child of the joining interpreter (a
 *	path as `interp create` returned it): the cluster's hooks and query
 *	commands run there (clusterCoreHookInterp.c).
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	The config holds the child with Tcl_Preserve (released by
 *	ClusterFreeConfig).
 *
 *----------------------------------------------------------------------
 */

static int
ParseInterp(
    Tcl_Interp *interp,		/* The joining interpreter. */
    Tcl_Obj *valueObj,		/* The value of -interp. */
    ClusterConfig *configPtr)	/* Updated. */
{
    Tcl_Interp *childPtr = Tcl_GetChild(interp, Tcl_GetString(valueObj));

    if (childPtr == NULL || childPtr == interp) {
	Tcl_ResetResult(interp);
	return ClusterError(interp, "INVALID_ARGS", "-interp",
		"bad -interp \"%s\": no such child interpreter; make one"
		" first, e.g. with [interp create -safe]",
		Tcl_GetString(valueObj));
    }
    Tcl_Preserve(childPtr);
    if (configPtr->hookInterp != NULL) {
	Tcl_Release(configPtr->hookInterp);
    }
    configPtr->hookInterp = childPtr;
    ClusterSetObj(&configPtr->interpObj, valueObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ParseAddress, ParseUnix --
 *
 *	-address must be a dotted-quad multicast group; -u must be a dict
 *	with a non-empty `path` and, optionally, a `mode` for the socket
 *	file: octal permission bits from 0 to 0777, as chmod takes them
 *	(0600 by default: only this user may connect).
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Updates *configPtr.
 *
 *----------------------------------------------------------------------
 */

static int
ParseAddress(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *valueObj,		/* The value of -address. */
    ClusterConfig *configPtr)	/* Updated. */
{
    ClusterAddr group;
    const char *value = Tcl_GetString(valueObj);
    unsigned first;

    if (ClusterpParseAddress(value, &group) != 0 || group.scope != 0) {
	return ClusterError(interp, "INVALID_ARGS", "-address",
		"bad -address \"%s\": must be a multicast IPv4 or IPv6"
		" address such as 230.230.230.230 or ff02::1230 (the"
		" interface goes in -interface)", value);
    }
    first = group.v6 ? group.ip6[0] : ((const unsigned char *) &group.ip)[0];
    if (group.v6 ? (first != 0xff) : (first < 224 || first > 239)) {
	return ClusterError(interp, "INVALID_ARGS", "-address",
		"bad -address \"%s\": not a multicast address (224.0.0.0 to"
		" 239.255.255.255, or ff00::/8)", value);
    }
    if (group.v6 && (group.ip6[1] & 0x0f) == 0) {
	return ClusterError(interp, "INVALID_ARGS", "-address",
		"bad -address \"%s\": scope 0 (ff00::/16, ff10::/16...) is"
		" reserved and no host delivers it; take ff02:: (the link)"
		" or ff05:: (the site)", value);
    }
    group.port = configPtr->group.port;
    configPtr->group = group;
    return TCL_OK;
}

static int
ParseUnix(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *valueObj,		/* The value of -u. */
    ClusterConfig *configPtr)	/* Updated. */
{
    Tcl_Obj *pathObj = NULL, *modeObj = NULL;
    Tcl_Obj *keyObj = Tcl_NewStringObj("path", -1);
    const char *mode;
    char *end;
    long bits = CLUSTER_DEFAULT_UNIX_MODE;
    int code;

    Tcl_IncrRefCount(keyObj);
    code = Tcl_DictObjGet(NULL, valueObj, keyObj, &pathObj);
    if (code == TCL_OK) {
	Tcl_SetStringObj(keyObj, "mode", -1);
	code = Tcl_DictObjGet(NULL, valueObj, keyObj, &modeObj);
    }
    Tcl_DecrRefCount(keyObj);
    if (code != TCL_OK || pathObj == NULL
	    || Tcl_GetCharLength(pathObj) == 0) {
	return ClusterError(interp, "INVALID_ARGS", "-u",
		"bad -u \"%s\": must be a dict with a \"path\", e.g. -u {path"
		" /tmp/cluster.sock}", Tcl_GetString(valueObj));
    }
    if (modeObj != NULL) {
	mode = Tcl_GetString(modeObj);
	bits = strtol(mode, &end, 8);
	if (mode[0] < '0' || mode[0] > '7' || *end != '\0' || bits < 0
		|| bits > 0777) {
	    return ClusterError(interp, "INVALID_ARGS", "-u",
		    "bad mode \"%s\" in -u: must be octal permissions from"
		    " 0 to 0777, e.g. -u {path /tmp/c.sock mode 0660}", mode);
	}
    }
    configPtr->limits.unixMode = (int) bits;
    ClusterSetObj(&configPtr->unixObj, valueObj);
    ClusterSetObj(&configPtr->unixPathObj, pathObj);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ParseKeys --
 *
 *	-keys {K ?K ...?}: each the base64 of 32 bytes (`cluster keygen`),
 *	none twice; the first seals. An empty list means no keys. A bad
 *	key is named by its position, never echoed.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Replaces configPtr->keys (the old ones wiped).
 *
 *----------------------------------------------------------------------
 */

static int
ParseKeys(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *valueObj,		/* The value of -keys. */
    ClusterConfig *configPtr)	/* Updated. */
{
    Tcl_Obj **elements;
    ClusterKey *keys;
    int numElements, i, j, length;
    const char *text;

    if (Tcl_ListObjGetElements(NULL, valueObj, &numElements, &elements)
	    != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "-keys",
		"bad -keys: must be a list of keys made by \"cluster"
		" keygen\"");
    }
    keys = ckalloc(sizeof(ClusterKey) * (numElements + 1));
    for (i = 0; i < numElements; i++) {
	text = Tcl_GetStringFromObj(elements[i], &length);
	if (ClusterKeyFromBase64(&keys[i], text, (size_t) length) != 0) {
	    ClusterKeysFree(keys, i + 1);
	    return ClusterError(interp, "INVALID_ARGS", "-keys",
		    "bad -keys: key %d of %d is not the base64 of 32 bytes"
		    " (44 characters, as \"cluster keygen\" makes)", i + 1,
		    numElements);
	}
	for (j = 0; j < i; j++) {
	    if (ClusterKeyEqual(&keys[i], &keys[j])) {
		ClusterKeysFree(keys, i + 1);
		return ClusterError(interp, "INVALID_ARGS", "-keys",
			"bad -keys: keys %d and %d are the same key: give"
			" each once", j + 1, i + 1);
	    }
	}
    }
    ClusterKeysFree(configPtr->keys, configPtr->numKeys);
    configPtr->keys = (numElements > 0) ? keys : NULL;
    configPtr->numKeys = numElements;
    if (numElements == 0) {
	ckfree(keys);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ParseProtocols --
 *
 *	Check the -protocols list (default "t c"), append `c` when it is
 *	missing, and check that `u` comes with -u {path ...}.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Sets configPtr->protocolsObj.
 *
 *----------------------------------------------------------------------
 */

static int
ParseProtocols(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *listObj,		/* As given, or NULL for the default. */
    ClusterConfig *configPtr)	/* Receives protocolsObj. */
{
    Tcl_Obj **elements, *resultObj;
    int numElements, i, index, seen[CLUSTER_PROTO_COUNT] = {0, 0, 0};

    if (listObj == NULL) {
	listObj = Tcl_NewStringObj(configPtr->memory ? "c" : "t c", -1);
    }
    Tcl_IncrRefCount(listObj);
    if (Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements)
	    != TCL_OK) {
	Tcl_DecrRefCount(listObj);
	return ClusterError(interp, "INVALID_ARGS", "-protocols",
		"bad -protocols \"%s\": must be a list of c, t and u",
		Tcl_GetString(listObj));
    }
    resultObj = Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(resultObj);
    for (i = 0; i < numElements; i++) {
	if (Tcl_GetIndexFromObj(NULL, elements[i], clusterProtoNames, "protocol",
		TCL_EXACT, &index) != TCL_OK) {
	    ClusterError(interp, "INVALID_ARGS", "-protocols",
		    "unknown protocol \"%s\" in -protocols: must be c, t"
		    " or u", Tcl_GetString(elements[i]));
	    goto error;
	}
	if (!seen[index]) {
	    seen[index] = 1;
	    Tcl_ListObjAppendElement(NULL, resultObj, elements[i]);
	}
    }
    if (!seen[CLUSTER_PROTO_C]) {
	Tcl_ListObjAppendElement(NULL, resultObj, Tcl_NewStringObj("c", 1));
    }
    if (configPtr->memory
	    && (seen[CLUSTER_PROTO_T] || seen[CLUSTER_PROTO_U])) {
	ClusterError(interp, "INVALID_ARGS", "-transport",
		"-transport memory carries only c: give -protocols c, or"
		" leave -protocols out");
	goto error;
    }
    if (seen[CLUSTER_PROTO_U] && configPtr->unixPathObj == NULL) {
	ClusterError(interp, "INVALID_ARGS", "-u",
		"protocol \"u\" needs a socket path: add -u {path"
		" /tmp/cluster.sock}");
	goto error;
    }
    Tcl_DecrRefCount(listObj);
    configPtr->protocolsObj = resultObj;
    return TCL_OK;

  error:
    Tcl_DecrRefCount(listObj);
    Tcl_DecrRefCount(resultObj);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * GetBoundedInt --
 *
 *	Read an integer option value and check its range.
 *
 * Results:
 *	A standard Tcl result; errors name the option and the range.
 *
 * Side effects:
 *	Sets *valuePtr on success.
 *
 *----------------------------------------------------------------------
 */

static int
GetBoundedInt(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *objPtr,		/* Value to read. */
    const char *option,		/* Its option, for the message. */
    int min, int max,		/* Accepted range, inclusive. */
    int *valuePtr)		/* Out. */
{
    int value;

    if (Tcl_GetIntFromObj(NULL, objPtr, &value) != TCL_OK
	    || value < min || value > max) {
	return ClusterError(interp, "INVALID_ARGS", option,
		"bad %s \"%s\": must be an integer from %d to %d", option,
		Tcl_GetString(objPtr), min, max);
    }
    *valuePtr = value;
    return TCL_OK;
}
