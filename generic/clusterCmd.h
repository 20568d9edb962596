/*
 * clusterCmd.h --
 *
 *	Declarations of the face: the Tcl commands of the extension
 *	(clusterInit.c, clusterCmd*.c). The face parses arguments, builds
 *	results and errors, and makes and deletes the object commands of
 *	clusters, services, queries and packet streams; it calls the core
 *	(clusterCore.h) and nothing calls it but Tcl.
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#ifndef _CLUSTERCMD_H
#define _CLUSTERCMD_H

#include "clusterCore.h"

/*
 * The command kit (clusterCmdKit.c): how every object command and ensemble
 * of the face finds its subcommand and checks its arguments. A table is
 * an array of entries of the caller's type, each starting with a
 * ClusterCmdSpec, the last with a NULL name; ClusterCmdLookup gives the
 * index of the entry and the caller runs its own implementation.
 */

typedef struct ClusterCmdSpec {
    const char *name;		/* Subcommand; NULL ends the table. */
    Tcl_Size minArgs;		/* Fewest arguments after it. */
    Tcl_Size maxArgs;		/* Most arguments after it; -1: no
				 * maximum. */
    const char *usage;		/* Its arguments, for Tcl_WrongNumArgs;
				 * NULL when it takes none. */
} ClusterCmdSpec;

typedef struct ClusterCmdKit {
    const void *table;		/* The first entry. */
    size_t entrySize;		/* Size of an entry. */
    int first;			/* Index in objv of the subcommand. */
    const char *what;		/* What the subcommand is called in the
				 * message when it is unknown: "subcommand",
				 * "action". */
    const char *usage;		/* The words from the subcommand on, in the
				 * message when it is missing. */
    const char *argsDetail;	/* Last element of the errorcode of wrong #
				 * args errors; NULL: the subcommand's name,
				 * none when it is missing. */
} ClusterCmdKit;

int		ClusterCmdLookup(Tcl_Interp *interp,
		    const ClusterCmdKit *kitPtr, Tcl_Size objc,
		    Tcl_Obj *const objv[], int *indexPtr);
int		ClusterCmdWrongArgs(Tcl_Interp *interp,
		    const ClusterCmdKit *kitPtr, Tcl_Size objc,
		    Tcl_Obj *const objv[]);
int		ClusterCmdGetIndex(Tcl_Interp *interp, Tcl_Obj *objPtr,
		    const void *table, size_t entrySize, const char *what,
		    int *indexPtr);

/*
 * Between the files of ::cluster::packet only: clusterCmdPacket.c (the
 * ensemble and its per-interp state), clusterCmdStream.c (the stream
 * objects) and clusterCmdSeal.c (seal and open).
 */

typedef struct ClusterPacketData {
    ClusterBuf buf;		/* Reused by `encode`. */
    unsigned long streamCount;	/* Streams created so far, to name the
				 * next one. */
} ClusterPacketData;

/*
 * The ensemble's subcommands (clusterCmdPacket.c), for the usage errors of
 * `stream`, which is in clusterCmdStream.c.
 */

extern const ClusterCmdKit clusterPacketKit;

int		ClusterPacketStreamCmd(ClusterPacketData *dataPtr,
		    Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);
int		ClusterPacketSealCmd(ClusterPacketData *dataPtr,
		    Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);
int		ClusterPacketOpenCmd(ClusterPacketData *dataPtr,
		    Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);

/*
 * Keys in their text form (clusterCmdKeys.c).
 */

int		ClusterGetKeyFromObj(Tcl_Interp *interp, Tcl_Obj *objPtr,
		    const char *detail, ClusterKey *keyPtr);
int		ClusterPacketInit(Tcl_Interp *interp);

/*
 * `cluster join` and the cluster object (clusterCmdJoin.c, clusterCmd.c);
 * its options (clusterCmdConfig.c).
 */

int		ClusterJoinObjCmd(ClientData clientData, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterObjCmd(ClientData clientData, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterGateObjCmd(ClientData clientData, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
#define CLUSTER_GATE	"::cluster::hook::gate"	/* Its name. */
int		ClusterParseConfig(Tcl_Interp *interp, int objc,
		    Tcl_Obj *const objv[], ClusterConfig *configPtr);
Tcl_Obj *	ClusterConfigDict(const Cluster *clusterPtr);
Tcl_Obj *	ClusterStatsDict(const Cluster *clusterPtr);
void		ClusterCmdHookAlias(Cluster *clusterPtr, Tcl_Obj *nameObj,
		    int create);

/*
 * Unicast peers (clusterCmdPeers.c).
 */

int		ClusterGetPeerFromObj(Tcl_Interp *interp, Tcl_Obj *objPtr,
		    const char *what, ClusterAddr *addrPtr);
int		ClusterParsePeersOption(Tcl_Interp *interp,
		    Tcl_Obj *valueObj, ClusterConfig *configPtr);
int		ClusterPeersCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);

/*
 * Sending and querying (clusterCmdSend.c, clusterCmdQuery.c).
 */

int		ClusterSendObjCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterAddTargets(Cluster *clusterPtr, Tcl_Interp *interp,
		    int how, Tcl_Obj *argObj, Tcl_Obj *targetsObj);
int		ClusterSendToServiceCmd(ClusterService *servicePtr,
		    Tcl_Interp *interp, Tcl_Obj *givenObj,
		    Tcl_Obj *protocolsObj, Tcl_Obj *commandObj);
int		ClusterQueryObjCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
void		ClusterQueryCommandCreate(ClusterQuery *queryPtr);
void		ClusterQueryCommandDelete(ClusterQuery *queryPtr);

/*
 * Service objects (clusterCmdService.c).
 */

void		ClusterServiceCommandCreate(ClusterService *servicePtr);
void		ClusterServiceCommandDelete(ClusterService *servicePtr);
ClusterService *ClusterServiceFromObj(Cluster *clusterPtr, Tcl_Obj *objPtr);
ClusterService *ClusterServiceFromName(Cluster *clusterPtr, Tcl_Obj *objPtr);

/*
 * Resolver and tags (clusterCmdResolve.c).
 */

int		ClusterResolveObjCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[], Tcl_Obj **listPtr);
int		ClusterResolverObjCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[], Tcl_Obj **listPtr);
int		ClusterMatchResolverTags(Tcl_Interp *interp,
		    Tcl_Obj *resolverTagsObj, Tcl_Obj *tagsObj, int objc,
		    Tcl_Obj *const objv[], int *matchPtr);
int		ClusterResolveTest(Tcl_Interp *interp,
		    Tcl_Obj *resolverTagsObj, Tcl_Obj *tagsObj,
		    Tcl_Obj *itemsObj, Tcl_Obj *modifierObj, Tcl_Obj *opObj);
int		ClusterTagsObjCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);

/*
 * Checking a send's protocols (clusterCmdSend.c).
 */

int		ClusterCheckProtocols(Tcl_Interp *interp, Tcl_Obj *listObj,
		    const char *what);

/*
 * A list without repeats; one join option at a time (clusterCmdConfig.c).
 */

Tcl_Obj *	ClusterUniqueList(Tcl_Obj *listObj);
const char *	ClusterOptionName(Tcl_Obj *nameObj, int *indexPtr);
int		ClusterParseOption(Tcl_Interp *interp, int index,
		    Tcl_Obj *valueObj, ClusterConfig *configPtr);

/*
 * configure and cget (clusterCmdConfigure.c).
 */

int		ClusterConfigureCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterCgetCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);

/*
 * Deferred answers (clusterCmdDefer.c).
 */

int		ClusterHandlerCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterWatchCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterDeferCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);
int		ClusterAnswerCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);

/*
 * Hooks (clusterCmdHook.c).
 */

int		ClusterHookObjCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);

/*
 * Keys (clusterCmdKeys.c).
 */

int		ClusterKeygenObjCmd(ClientData clientData,
		    Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);
int		ClusterKeysCmd(Cluster *clusterPtr, Tcl_Interp *interp,
		    int objc, Tcl_Obj *const objv[]);

#endif /* _CLUSTERCMD_H */

/*
 * Local Variables:
 * mode: c
 * c-basic-offset: 4
 * fill-column: 78
 * End:
 */
