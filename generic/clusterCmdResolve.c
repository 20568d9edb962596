/*
 * clusterCmdResolve.c --
 *
 *	Finding services (doc/protocol.md section 6.6) and changing our own
 *	tags (section 6.7), as the commands resolve, resolver, tags and the
 *	-resolve and -resolver options ask. A service is matched against its
 *	"resolver tags" (ClusterServiceResolverTags, kept by the core): its
 *	tags, sid, hid and address, and `localhost` when it is on this
 *	machine. Only commands resolve, so this is the face's.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"
#include <limits.h>

typedef enum MatchMode {
    MODE_EQUAL, MODE_MATCH, MODE_REGEXP
} MatchMode;

static const char *const resolverWords[] = {
    "-equal", "-match", "-regexp", "-has", "-all", "-not", "-some",
    "-exact", NULL
};

enum ResolverWord {
    WORD_EQUAL, WORD_MATCH, WORD_REGEXP, WORD_HAS, WORD_ALL, WORD_NOT,
    WORD_SOME, WORD_EXACT
};

static const char *const tagActions[] = {
    "-append", "-lappend", "-remove", "-replace", "-map", "-mappend", NULL
};

enum TagAction {
    ACT_APPEND, ACT_LAPPEND, ACT_REMOVE, ACT_REPLACE, ACT_MAP, ACT_MAPPEND
};

static int		CountMatches(Tcl_Interp *interp, MatchMode mode,
			    Tcl_Obj *itemObj, Tcl_Obj *candidatesObj,
			    int *countPtr);
static int		ItemMatches(Tcl_Interp *interp, MatchMode mode,
			    Tcl_Obj *itemObj, Tcl_Obj *candidateObj,
			    int *matchPtr);
static int		ApplySet(Tcl_Interp *interp, MatchMode mode,
			    enum ResolverWord op, Tcl_Obj *itemsObj,
			    Tcl_Obj *resolverTagsObj, Tcl_Obj *tagsObj,
			    int *matchPtr);
static int		ListIndexOf(Tcl_Obj *listObj, Tcl_Obj *itemObj);

/*
 *----------------------------------------------------------------------
 *
 * ItemMatches --
 *
 *	Test one resolver item against one candidate tag under a mode:
 *	equality, [string match] with the item as pattern, or [regexp].
 *
 * Results:
 *	A standard Tcl result (a bad regular expression is an error
 *	{CLUSTER INVALID_ARGS regexp}); *matchPtr is 1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ItemMatches(
    Tcl_Interp *interp,		/* For errors. */
    MatchMode mode,		/* How to compare. */
    Tcl_Obj *itemObj,		/* Item or pattern. */
    Tcl_Obj *candidateObj,	/* A resolver tag. */
    int *matchPtr)		/* Out. */
{
    int result;

    switch (mode) {
    case MODE_MATCH:
	*matchPtr = Tcl_StringMatch(Tcl_GetString(candidateObj),
		Tcl_GetString(itemObj));
	return TCL_OK;
    case MODE_REGEXP:
	result = Tcl_RegExpMatchObj(interp, candidateObj, itemObj);
	if (result < 0) {
	    Tcl_SetErrorCode(interp, "CLUSTER", "INVALID_ARGS", "regexp",
		    (char *) NULL);
	    return TCL_ERROR;
	}
	*matchPtr = result;
	return TCL_OK;
    case MODE_EQUAL:
    default:
	*matchPtr = strcmp(Tcl_GetString(candidateObj),
		Tcl_GetString(itemObj)) == 0;
	return TCL_OK;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * CountMatches --
 *
 *	Count the candidates an item matches.
 *
 * Results:
 *	A standard Tcl result; *countPtr.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
CountMatches(
    Tcl_Interp *interp,		/* For errors. */
    MatchMode mode,		/* How to compare. */
    Tcl_Obj *itemObj,		/* Item or pattern. */
    Tcl_Obj *candidatesObj,	/* List of candidates. */
    int *countPtr)		/* Out. */
{
    Tcl_Obj **candidates;
    int numCandidates, i, match;

    *countPtr = 0;
    if (candidatesObj == NULL) {
	return TCL_OK;
    }
    if (Tcl_ListObjGetElements(NULL, candidatesObj, &numCandidates,
	    &candidates) != TCL_OK) {
	return TCL_OK;
    }
    for (i = 0; i < numCandidates; i++) {
	if (ItemMatches(interp, mode, itemObj, candidates[i], &match)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	*countPtr += match;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ApplySet --
 *
 *	Apply one set operator with its list of items: -has/-all (every
 *	item matches), -not (none does), -some (at least one does), -exact
 *	(every item matches a tag and every tag is matched by an item).
 *
 * Results:
 *	A standard Tcl result; *matchPtr is 1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ApplySet(
    Tcl_Interp *interp,		/* For errors. */
    MatchMode mode,		/* How to compare. */
    enum ResolverWord op,	/* Set operator. */
    Tcl_Obj *itemsObj,		/* Its list of items. */
    Tcl_Obj *resolverTagsObj,	/* What a service is matched against. */
    Tcl_Obj *tagsObj,		/* Its tags alone (for -exact). */
    int *matchPtr)		/* Out. */
{
    Tcl_Obj **items, **tags;
    int numItems, numTags, i, j, count, matched;

    if (Tcl_ListObjGetElements(NULL, itemsObj, &numItems, &items)
	    != TCL_OK) {
	return ClusterError(interp, "INVALID_ARGS", "resolver",
		"bad resolver list \"%s\": must be a list",
		Tcl_GetString(itemsObj));
    }
    *matchPtr = (op != WORD_SOME);
    for (i = 0; i < numItems; i++) {
	if (CountMatches(interp, mode, items[i],
		op == WORD_EXACT ? tagsObj : resolverTagsObj, &count)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	if (op == WORD_NOT && count > 0) {
	    *matchPtr = 0;
	    return TCL_OK;
	}
	if (op == WORD_SOME && count > 0) {
	    *matchPtr = 1;
	    return TCL_OK;
	}
	if ((op == WORD_HAS || op == WORD_ALL || op == WORD_EXACT)
		&& count == 0) {
	    *matchPtr = 0;
	    return TCL_OK;
	}
    }
    if (op != WORD_EXACT || tagsObj == NULL) {
	if (op == WORD_EXACT && numItems > 0) {
	    *matchPtr = 0;
	}
	return TCL_OK;
    }

    /*
     * -exact: no tag may be left that no item matches.
     */

    Tcl_ListObjGetElements(NULL, tagsObj, &numTags, &tags);
    for (j = 0; j < numTags; j++) {
	matched = 0;
	for (i = 0; i < numItems && !matched; i++) {
	    if (ItemMatches(interp, mode, items[i], tags[j], &matched)
		    != TCL_OK) {
		return TCL_ERROR;
	    }
	}
	if (!matched) {
	    *matchPtr = 0;
	    return TCL_OK;
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterMatchResolverTags --
 *
 *	Run a resolver expression (modifiers, and set operators each
 *	followed by a list, applied in order) against one member.
 *
 * Results:
 *	A standard Tcl result; *matchPtr is 1 when every list matched.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterMatchResolverTags(
    Tcl_Interp *interp,		/* For errors. */
    Tcl_Obj *resolverTagsObj,	/* Tags, sid, hid, address, localhost. */
    Tcl_Obj *tagsObj,		/* Tags alone, for -exact. */
    int objc,			/* Resolver words. */
    Tcl_Obj *const objv[],
    int *matchPtr)		/* Out. */
{
    MatchMode mode = MODE_EQUAL;
    int i, index;

    *matchPtr = 1;
    for (i = 0; i < objc; i++) {
	const char *word = Tcl_GetString(objv[i]);

	if (word[0] != '-') {
	    index = WORD_HAS;	/* A bare list means -has. */
	    i--;
	} else if (Tcl_GetIndexFromObj(interp, objv[i], resolverWords,
		"resolver word", 0, &index) != TCL_OK) {
	    Tcl_SetErrorCode(interp, "CLUSTER", "INVALID_ARGS", word,
		    (char *) NULL);
	    return TCL_ERROR;
	}
	switch ((enum ResolverWord) index) {
	case WORD_EQUAL:
	    mode = MODE_EQUAL;
	    continue;
	case WORD_MATCH:
	    mode = MODE_MATCH;
	    continue;
	case WORD_REGEXP:
	    mode = MODE_REGEXP;
	    continue;
	default:
	    break;
	}
	if (++i >= objc) {
	    return ClusterError(interp, "INVALID_ARGS", word,
		    "resolver operator \"%s\" needs a list", word);
	}
	if (*matchPtr && ApplySet(interp, mode, (enum ResolverWord) index,
		objv[i], resolverTagsObj, tagsObj, matchPtr) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterResolveTest --
 *
 *	The short forms that test one member: `resolve tag ?modifier?` and
 *	`resolver tags ?modifier? ?op?` of a service, `resolve_self`. The
 *	modifier defaults to -equal and the operator to -has.
 *
 * Results:
 *	A standard Tcl result; on success 1 or 0 in the interpreter.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterResolveTest(
    Tcl_Interp *interp,		/* For the result. */
    Tcl_Obj *resolverTagsObj,	/* Tags, sid, hid, address, localhost. */
    Tcl_Obj *tagsObj,		/* Tags alone, for -exact. */
    Tcl_Obj *itemsObj,		/* List of items to test. */
    Tcl_Obj *modifierObj,	/* -equal, -match, -regexp, or NULL. */
    Tcl_Obj *opObj)		/* Set operator, or NULL for -has. */
{
    Tcl_Obj *args[3];
    int match, code, i;

    args[0] = modifierObj ? modifierObj : Tcl_NewStringObj("-equal", -1);
    args[1] = opObj ? opObj : Tcl_NewStringObj("-has", -1);
    args[2] = itemsObj;
    for (i = 0; i < 3; i++) {
	Tcl_IncrRefCount(args[i]);
    }
    code = ClusterMatchResolverTags(interp, resolverTagsObj, tagsObj, 3,
	    args, &match);
    for (i = 0; i < 3; i++) {
	Tcl_DecrRefCount(args[i]);
    }
    if (code == TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(match));
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterResolveObjCmd --
 *
 *	$cluster resolve filter ?filter ...?
 *
 *	The services that match every filter: a filter is a service command
 *	name (matching that service), or a tag, sid, hid, address or
 *	`localhost`.
 *
 * Results:
 *	A standard Tcl result; *listPtr receives a new list of service
 *	command names, in discovery order.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterResolveObjCmd(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Interp *interp,		/* For errors. */
    int objc,			/* Filters. */
    Tcl_Obj *const objv[],
    Tcl_Obj **listPtr)		/* Out. */
{
    ClusterService *servicePtr;
    Tcl_Obj *resultObj = Tcl_NewListObj(0, NULL);
    int i, count;

    (void) interp;
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	Tcl_Obj *resolverTagsObj = ClusterServiceResolverTags(servicePtr);
	int all = 1;

	for (i = 0; i < objc && all; i++) {
	    if (strcmp(Tcl_GetString(objv[i]),
		    Tcl_GetString(servicePtr->nameObj)) == 0) {
		continue;
	    }
	    CountMatches(NULL, MODE_EQUAL, objv[i], resolverTagsObj, &count);
	    all = count > 0;
	}
	if (all) {
	    Tcl_ListObjAppendElement(NULL, resultObj, servicePtr->nameObj);
	}
    }
    *listPtr = resultObj;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterResolverObjCmd --
 *
 *	$cluster resolver ?modifier? ?operator list ...?
 *
 *	The services a resolver expression matches. A single argument that
 *	does not start with `-` is treated as `resolve`.
 *
 * Results:
 *	A standard Tcl result; *listPtr receives a new list of service
 *	command names.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterResolverObjCmd(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Interp *interp,		/* For errors. */
    int objc,			/* Resolver words. */
    Tcl_Obj *const objv[],
    Tcl_Obj **listPtr)		/* Out. */
{
    ClusterService *servicePtr;
    Tcl_Obj *resultObj;
    int match;

    if (objc == 1 && Tcl_GetString(objv[0])[0] != '-') {
	Tcl_Obj **filters;
	int numFilters;

	if (Tcl_ListObjGetElements(interp, objv[0], &numFilters, &filters)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	return ClusterResolveObjCmd(clusterPtr, interp, numFilters, filters,
		listPtr);
    }
    resultObj = Tcl_NewListObj(0, NULL);
    for (servicePtr = clusterPtr->firstService; servicePtr != NULL;
	    servicePtr = servicePtr->nextPtr) {
	if (ClusterMatchResolverTags(interp,
		ClusterServiceResolverTags(servicePtr), servicePtr->tagsObj,
		objc, objv, &match) != TCL_OK) {
	    Tcl_DecrRefCount(resultObj);
	    return TCL_ERROR;
	}
	if (match) {
	    Tcl_ListObjAppendElement(NULL, resultObj, servicePtr->nameObj);
	}
    }
    *listPtr = resultObj;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ListIndexOf --
 *
 *	Find a string in a list.
 *
 * Results:
 *	Its index, or -1.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
ListIndexOf(
    Tcl_Obj *listObj,		/* List to search. */
    Tcl_Obj *itemObj)		/* String to find. */
{
    Tcl_Obj **elements;
    int numElements, i;
    const char *item = Tcl_GetString(itemObj);

    Tcl_ListObjGetElements(NULL, listObj, &numElements, &elements);
    for (i = 0; i < numElements; i++) {
	if (strcmp(Tcl_GetString(elements[i]), item) == 0) {
	    return i;
	}
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterTagsObjCmd --
 *
 *	$cluster tags ?-append|-lappend|-remove|-replace|-map|-mappend?
 *		?value ...? ...
 *
 *	Change our tags, handling the words left to right (doc/protocol.md
 *	section 6.7). A tag never appears twice. A word that starts with a
 *	dash must be an action, or "--", after which every word is a value;
 *	-replace must be followed by its value. A change is announced by a
 *	heartbeat in the next turn of the event loop.
 *
 * Results:
 *	A standard Tcl result: the new tag list.
 *
 * Side effects:
 *	Replaces clusterPtr->tagsObj; schedules the heartbeat.
 *
 *----------------------------------------------------------------------
 */

int
ClusterTagsObjCmd(
    Cluster *clusterPtr,	/* Cluster whose tags change. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Words after "tags". */
    Tcl_Obj *const objv[])
{
    Tcl_Obj *tagsObj = Tcl_DuplicateObj(clusterPtr->tagsObj), **pair;
    enum TagAction action = ACT_APPEND;
    int i, index, numPair, at, valuesOnly = 0;

    Tcl_IncrRefCount(tagsObj);
    for (i = 0; i < objc; i++) {
	const char *word = Tcl_GetString(objv[i]);

	if (word[0] == '-' && !valuesOnly) {
	    if (action == ACT_REPLACE) {
		goto noReplace;
	    }
	    if (strcmp(word, "--") == 0) {
		valuesOnly = 1;
		continue;
	    }
	    if (Tcl_GetIndexFromObj(NULL, objv[i], tagActions, "action", 0,
		    &index) != TCL_OK) {
		Tcl_DecrRefCount(tagsObj);
		return ClusterError(interp, "INVALID_ARGS", word,
			"bad tag action \"%s\": must be -append, -lappend,"
			" -remove, -replace, -map or -mappend (to add a tag"
			" that starts with \"-\", put \"--\" before it)",
			word);
	    }
	    action = (enum TagAction) index;
	    continue;
	}
	switch (action) {
	case ACT_APPEND:
	case ACT_LAPPEND:
	    if (ListIndexOf(tagsObj, objv[i]) < 0) {
		Tcl_ListObjAppendElement(NULL, tagsObj, objv[i]);
	    }
	    break;
	case ACT_REMOVE:
	    if ((at = ListIndexOf(tagsObj, objv[i])) >= 0) {
		Tcl_ListObjReplace(NULL, tagsObj, at, 1, 0, NULL);
	    }
	    break;
	case ACT_REPLACE: {
	    Tcl_Obj **newTags;
	    int numNew, j;

	    if (Tcl_ListObjGetElements(NULL, objv[i], &numNew, &newTags)
		    != TCL_OK) {
		goto badPair;
	    }
	    Tcl_ListObjReplace(NULL, tagsObj, 0, INT_MAX, 0, NULL);
	    for (j = 0; j < numNew; j++) {
		if (ListIndexOf(tagsObj, newTags[j]) < 0) {
		    Tcl_ListObjAppendElement(NULL, tagsObj, newTags[j]);
		}
	    }
	    action = ACT_APPEND;
	    break;
	}
	case ACT_MAP:
	case ACT_MAPPEND:
	    if (Tcl_ListObjGetElements(NULL, objv[i], &numPair, &pair)
		    != TCL_OK || numPair != 2) {
		goto badPair;
	    }
	    at = ListIndexOf(tagsObj, pair[0]);
	    if (action == ACT_MAP) {
		if (at >= 0) {
		    if (ListIndexOf(tagsObj, pair[1]) >= 0) {
			Tcl_ListObjReplace(NULL, tagsObj, at, 1, 0, NULL);
		    } else {
			Tcl_ListObjReplace(NULL, tagsObj, at, 1, 1, &pair[1]);
		    }
		}
	    } else {
		if (at >= 0) {
		    Tcl_ListObjReplace(NULL, tagsObj, at, 1, 0, NULL);
		}
		if (ListIndexOf(tagsObj, pair[1]) < 0) {
		    Tcl_ListObjAppendElement(NULL, tagsObj, pair[1]);
		}
	    }
	    break;
	}
    }
    if (action == ACT_REPLACE) {
	goto noReplace;
    }
    if (strcmp(Tcl_GetString(tagsObj),
	    Tcl_GetString(clusterPtr->tagsObj)) != 0) {
	ClusterSetObj(&clusterPtr->tagsObj, tagsObj);
	ClusterTagsChanged(clusterPtr);
    }
    Tcl_DecrRefCount(tagsObj);
    Tcl_SetObjResult(interp, clusterPtr->tagsObj);
    return TCL_OK;

  noReplace:
    Tcl_DecrRefCount(tagsObj);
    return ClusterError(interp, "INVALID_ARGS", "-replace",
	    "-replace needs a value: the new tag list, e.g. tags -replace"
	    " {a b} (an empty list {} removes every tag)");

  badPair:
    Tcl_DecrRefCount(tagsObj);
    return ClusterError(interp, "INVALID_ARGS", tagActions[action],
	    "bad value \"%s\" for %s: must be a pair {old new}",
	    Tcl_GetString(objv[i]), tagActions[action]);
}
