/*
 * clusterCmdKeys.c --
 *
 *	Keys seen from Tcl (doc/protocol.md section 10): `cluster keygen`
 *	and `$cluster keys`. The key set itself and the seal step are the
 *	core's (clusterCoreSeal.c); keys are read and written in base64, as
 *	libsodium does it (clusterCodecSeal.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

static Tcl_Obj *	NewKeyObj(const ClusterKey *keyPtr);

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeygenObjCmd --
 *
 *	cluster keygen
 *
 *	A new key: 32 random bytes from libsodium, in base64.
 *
 * Results:
 *	A standard Tcl result: the key.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterKeygenObjCmd(
    ClientData clientData,	/* Not used. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Number of arguments. */
    Tcl_Obj *const objv[])	/* "keygen". */
{
    ClusterKey key;

    (void) clientData;
    if (objc != 1) {
	return ClusterError(interp, "INVALID_ARGS", "keygen",
		"wrong # args: should be \"cluster keygen\"");
    }
    (void) objv;
    ClusterKeyGenerate(&key);
    Tcl_SetObjResult(interp, NewKeyObj(&key));
    ClusterKeyWipe(&key);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterKeysCmd --
 *
 *	$cluster keys ?install|use|remove key?
 *
 *	Without arguments: the installed keys, the one in use first.
 *	install: open packets sealed with the key too (on a member without
 *	keys, it also becomes the key that seals). use: seal with an
 *	installed key from now on. remove: forget (and wipe) a key not in
 *	use. A rolling change of key: install the new key on every member,
 *	then use it on every member, then remove the old one everywhere.
 *
 * Results:
 *	A standard Tcl result: the list, or empty.
 *
 * Side effects:
 *	The cluster's key set.
 *
 *----------------------------------------------------------------------
 */

int
ClusterKeysCmd(
    Cluster *clusterPtr,	/* Cluster of interest. */
    Tcl_Interp *interp,		/* Current interpreter. */
    int objc,			/* Arguments after "keys". */
    Tcl_Obj *const objv[])
{
    static const char *const actions[] = {
	"install", "remove", "use", NULL
    };
    enum { ACT_INSTALL, ACT_REMOVE, ACT_USE };
    Tcl_Obj *listObj;
    ClusterKey key;
    int i, index, code;

    if (objc == 0) {
	listObj = Tcl_NewListObj(0, NULL);
	for (i = 0; i < clusterPtr->seal.numKeys; i++) {
	    Tcl_ListObjAppendElement(NULL, listObj,
		    NewKeyObj(&clusterPtr->seal.keys[i]));
	}
	Tcl_SetObjResult(interp, listObj);
	return TCL_OK;
    }
    if (objc != 2) {
	return ClusterError(interp, "INVALID_ARGS", "keys",
		"wrong # args: should be \"%s keys ?install|use|remove"
		" key?\"", Tcl_GetString(clusterPtr->nameObj));
    }
    if (ClusterCmdGetIndex(interp, objv[0], actions, sizeof(char *),
	    "keys action", &index) != TCL_OK
	    || ClusterGetKeyFromObj(interp, objv[1], "key", &key) != TCL_OK) {
	return TCL_ERROR;
    }
    switch (index) {
    case ACT_INSTALL:
	code = ClusterKeysInstall(clusterPtr, &key, interp);
	break;
    case ACT_USE:
	code = ClusterKeysUse(clusterPtr, &key, interp);
	break;
    default:
	code = ClusterKeysRemove(clusterPtr, &key, interp);
	break;
    }
    ClusterKeyWipe(&key);
    if (code == TCL_OK) {
	Tcl_ResetResult(interp);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ClusterGetKeyFromObj, NewKeyObj --
 *
 *	A key from its base64 form, as `cluster keygen` makes it (never
 *	echoed in an error), for every command that takes keys; the base64
 *	form of a key.
 *
 * Results:
 *	ClusterGetKeyFromObj: a standard Tcl result, {CLUSTER INVALID_ARGS
 *	detail} on error. NewKeyObj: a new string object.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
ClusterGetKeyFromObj(
    Tcl_Interp *interp,		/* For errors, or NULL. */
    Tcl_Obj *objPtr,		/* Base64 of 32 bytes. */
    const char *detail,		/* Last element of the errorcode. */
    ClusterKey *keyPtr)		/* Out. */
{
    int length;
    const char *text = Tcl_GetStringFromObj(objPtr, &length);

    if (ClusterKeyFromBase64(keyPtr, text, (size_t) length) != 0) {
	ClusterKeyWipe(keyPtr);
	return ClusterError(interp, "INVALID_ARGS", detail,
		"bad key: must be the base64 of 32 bytes (44 characters,"
		" as \"cluster keygen\" makes)");
    }
    return TCL_OK;
}

static Tcl_Obj *
NewKeyObj(
    const ClusterKey *keyPtr)	/* Key to render. */
{
    char text[48];
    Tcl_Obj *objPtr;

    ClusterKeyToBase64(keyPtr, text);
    objPtr = Tcl_NewStringObj(text, -1);
    memset(text, 0, sizeof(text));
    return objPtr;
}

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
