/*
 * clusterCmdConfigure.c --
 *
 *	`$cluster configure` and `$cluster cget`: the options of `cluster
 *	join` that can change while the member runs, read and set as Tcl's
 *	`fconfigure` does, with their values checked by the option table
 *	of `cluster join` (clusterCmdConfig.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <string.h>

/*
 * The options configure can change, sorted. Every other option of
 * `cluster join` is fixed at join.
 */

static const char *const runtimeOptions[] = {
    "-channels", "-connecttimeout", "-discoverylimit", "-discoverywait",
    "-heartbeat", "-pingbatch", "-pingdeadline", "-pinglimit",
    "-pingreply", "-pingsweep", "-probeinterval", "-probetimeout",
    "-probewait", "-rebuildlimit", "-replywindow", "-tags", "-ttl", NULL
};

#define RUNTIME_TEXT \
    "-channels, -connecttimeout, -discoverylimit, -discoverywait," \
    " -heartbeat, -pingbatch, -pingdeadline, -pinglimit, -pingreply," \
    " -pingsweep, -probeinterval, -probetimeout, -probewait," \
    " -rebuildlimit, -replywindow, -tags or -ttl"

static int		RuntimeIndex(Tcl_Interp *interp, Tcl_Obj *nameObj,
			    int *joinIndexPtr);
static Tcl_Obj *	OptionValue(Cluster *clusterPtr, const char *name);
static Tcl_Obj *	SubscribedChannels(Cluster *clusterPtr);
static void		SetChannels(Cluster *clusterPtr, Tcl_Obj *listObj);
static int		CheckChannels(Tcl_Interp *interp, Tcl_Obj *listObj);

/*
 *----------------------------------------------------------------------
 *
 * RuntimeIndex --
 *
 *	Find an option that configure can change.
 *
 * Results:
 *	Its index in runtimeOptions, with its index in the join table in
 *	*joinIndexPtr; or -1 with an error {CLUSTER INVALID_ARGS option}
 *	that says whether the option is fixed at join or unknown.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
RuntimeIndex(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *nameObj,		/* The option word. */
    int *joinIndexPtr)		/* Out: index in the join table. */
{
    int index;
    const char *name = Tcl_GetString(nameObj);

    if (Tcl_GetIndexFromObj(NULL, nameObj, runtimeOptions, "option", 0,
	    &index) == TCL_OK) {
	nameObj = Tcl_NewStringObj(runtimeOptions[index], -1);
	Tcl_IncrRefCount(nameObj);
	ClusterOptionName(nameObj, joinIndexPtr);
	Tcl_DecrRefCount(nameObj);
	return index;
    }
    if (ClusterOptionName(nameObj, &index) != NULL) {
	ClusterError(interp, "INVALID_ARGS", name, "option \"%s\" cannot"
		" change while the member runs: destroy it and join again"
		" with the new value; configure changes " RUNTIME_TEXT, name);
    } else {
	ClusterError(interp, "INVALID_ARGS", name, "bad option \"%s\":"
		" must be " RUNTIME_TEXT, name);
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterConfigureCmd --
 *
 *	$cluster configure ?-option? ?-option value ...?
 *
 *	No argument: every option configure can change, as a dict keyed
 *	by the options with their dash. One option: its value. Pairs: set
 *	them, all checked before any is set. Changed tags are announced
 *	by a heartbeat; a changed -heartbeat reschedules the next one; the
 *	timings take effect the next time they are used.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Changes the member's configuration, tags and channels.
 *
 *----------------------------------------------------------------------
 */

int
ClusterConfigureCmd(
    Cluster *clusterPtr,	/* Cluster to configure. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Words after "configure". */
    Tcl_Obj *const objv[])
{
    ClusterConfig scratch;
    Tcl_Obj *dictObj;
    int i, index, joinIndex, code = TCL_OK;

    if (objc == 0) {
	dictObj = Tcl_NewDictObj();
	for (i = 0; runtimeOptions[i] != NULL; i++) {
	    Tcl_DictObjPut(NULL, dictObj,
		    Tcl_NewStringObj(runtimeOptions[i], -1),
		    OptionValue(clusterPtr, runtimeOptions[i]));
	}
	Tcl_SetObjResult(interp, dictObj);
	return TCL_OK;
    }
    if (objc == 1) {
	return ClusterCgetCmd(clusterPtr, interp, objc, objv);
    }
    memset(&scratch, 0, sizeof(scratch));
    for (i = 0; i < objc && code == TCL_OK; i += 2) {
	if ((index = RuntimeIndex(interp, objv[i], &joinIndex)) < 0) {
	    code = TCL_ERROR;
	} else if (i + 1 >= objc) {
	    code = ClusterError(interp, "INVALID_ARGS",
		    runtimeOptions[index], "option \"%s\" needs a value",
		    runtimeOptions[index]);
	} else {
	    code = ClusterParseOption(interp, joinIndex, objv[i + 1],
		    &scratch);
	}
	if (code == TCL_OK
		&& strcmp(runtimeOptions[index], "-channels") == 0) {
	    code = CheckChannels(interp, objv[i + 1]);
	}
    }
    ClusterFreeConfig(&scratch);
    if (code != TCL_OK) {
	return TCL_ERROR;
    }
    for (i = 0; i < objc; i += 2) {
	index = RuntimeIndex(interp, objv[i], &joinIndex);
	ClusterParseOption(interp, joinIndex, objv[i + 1],
		&clusterPtr->config);
	if (strcmp(runtimeOptions[index], "-tags") == 0) {
	    if (strcmp(Tcl_GetString(clusterPtr->config.tagsObj),
		    Tcl_GetString(clusterPtr->tagsObj)) != 0) {
		ClusterSetObj(&clusterPtr->tagsObj,
			clusterPtr->config.tagsObj);
		ClusterTagsChanged(clusterPtr);
	    }
	} else if (strcmp(runtimeOptions[index], "-channels") == 0) {
	    SetChannels(clusterPtr, clusterPtr->config.channelsObj);
	} else if (strcmp(runtimeOptions[index], "-heartbeat") == 0) {
	    ClusterScheduleHeartbeat(clusterPtr,
		    clusterPtr->config.heartbeatMs);
	}
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterCgetCmd --
 *
 *	$cluster cget -option
 *
 *	The value of an option configure can change (tags and channels as
 *	they are now), or of any other option of `cluster join`.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterCgetCmd(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Words after "cget": one. */
    Tcl_Obj *const objv[])
{
    int index, joinIndex;
    const char *name;

    (void) objc;
    if (Tcl_GetIndexFromObj(NULL, objv[0], runtimeOptions, "option", 0,
	    &index) == TCL_OK) {
	Tcl_SetObjResult(interp, OptionValue(clusterPtr,
		runtimeOptions[index]));
	return TCL_OK;
    }
    if ((name = ClusterOptionName(objv[0], &joinIndex)) == NULL) {
	return ClusterError(interp, "INVALID_ARGS", Tcl_GetString(objv[0]),
		"bad option \"%s\": must be an option of cluster join (see"
		" [$cluster config]); configure changes " RUNTIME_TEXT,
		Tcl_GetString(objv[0]));
    }
    Tcl_SetObjResult(interp, OptionValue(clusterPtr, name));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * OptionValue --
 *
 *	The value of an option configure can change: tags and channels as
 *	they are now, the others as the config holds them.
 *
 * Results:
 *	A new object, or a shared one.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
OptionValue(
    Cluster *clusterPtr,	/* Cluster of interest. */
    const char *name)		/* Option, with its dash. */
{
    Tcl_Obj *dictObj, *keyObj, *valueObj = NULL;

    if (strcmp(name, "-tags") == 0) {
	return clusterPtr->tagsObj;
    }
    if (strcmp(name, "-channels") == 0) {
	return SubscribedChannels(clusterPtr);
    }
    dictObj = ClusterConfigDict(clusterPtr);
    keyObj = Tcl_NewStringObj(name + 1, -1);
    Tcl_IncrRefCount(dictObj);
    Tcl_IncrRefCount(keyObj);
    Tcl_DictObjGet(NULL, dictObj, keyObj, &valueObj);
    valueObj = (valueObj != NULL) ? Tcl_DuplicateObj(valueObj)
	    : Tcl_NewObj();
    Tcl_DecrRefCount(keyObj);
    Tcl_DecrRefCount(dictObj);
    return valueObj;
}

/*
 *----------------------------------------------------------------------
 *
 * CheckChannels --
 *
 *	A value of -channels must list channel numbers.
 *
 * Results:
 *	A standard Tcl result; the error is {CLUSTER INVALID_ARGS
 *	-channels}.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
CheckChannels(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *listObj)		/* The value (a list: checked already). */
{
    Tcl_Obj **elements;
    int numElements, i, channel;

    Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements);
    for (i = 0; i < numElements; i++) {
	if (Tcl_GetIntFromObj(NULL, elements[i], &channel) != TCL_OK
		|| channel < 0) {
	    return ClusterError(interp, "INVALID_ARGS", "-channels",
		    "bad channel \"%s\" in -channels: must be a non-negative"
		    " integer", Tcl_GetString(elements[i]));
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * SubscribedChannels, SetChannels --
 *
 *	Read the channels subscribed besides 0, 1 and 2 (which always
 *	are), sorted; make them those of a list.
 *
 * Results:
 *	SubscribedChannels: a new list.
 *
 * Side effects:
 *	SetChannels leaves the channels above 2 not in the list and joins
 *	those in it.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
SubscribedChannels(
    Cluster *clusterPtr)	/* Cluster of interest. */
{
    return ClusterIntKeysSorted(&clusterPtr->channels,
	    CLUSTER_CHANNEL_LAN + 1);
}

static void
SetChannels(
    Cluster *clusterPtr,	/* Cluster whose channels change. */
    Tcl_Obj *listObj)		/* The channels wanted (checked). */
{
    Tcl_Obj *nowObj = SubscribedChannels(clusterPtr), *leaveObj, **now;
    Tcl_Obj **wanted;
    int numNow, numWanted, i, j, channel, other;

    Tcl_IncrRefCount(nowObj);
    leaveObj = Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(leaveObj);
    Tcl_ListObjGetElements(NULL, nowObj, &numNow, &now);
    Tcl_ListObjGetElements(NULL, listObj, &numWanted, &wanted);
    for (i = 0; i < numNow; i++) {
	Tcl_GetIntFromObj(NULL, now[i], &channel);
	for (j = 0; j < numWanted; j++) {
	    Tcl_GetIntFromObj(NULL, wanted[j], &other);
	    if (other == channel) {
		break;
	    }
	}
	if (j == numWanted) {
	    Tcl_ListObjAppendElement(NULL, leaveObj, now[i]);
	}
    }
    ClusterChannelSubscribe(NULL, clusterPtr, leaveObj, 0);
    ClusterChannelSubscribe(NULL, clusterPtr, listObj, 1);
    Tcl_DecrRefCount(leaveObj);
    Tcl_DecrRefCount(nowObj);
}
