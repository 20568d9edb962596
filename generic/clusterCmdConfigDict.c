/*
 * clusterCmdConfigDict.c --
 *
 *	`$cluster config`: the configuration in force rendered as a dict
 *	keyed by the options of `cluster join` without their dash (the
 *	options themselves are parsed in clusterCmdConfig.c).
 *
 * Copyright (c) 2026 The cluster developers.
 * See the file "LICENSE" for information on usage and redistribution.
 */

#include "clusterCmd.h"

/*
 *----------------------------------------------------------------------
 *
 * ClusterConfigDict --
 *
 *	Render a cluster's configuration as a dict, keyed by the option
 *	names without their dash (`$cluster config`).
 *
 * Results:
 *	A new dict object.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
ClusterConfigDict(
    const Cluster *clusterPtr)	/* Cluster of interest. */
{
    const ClusterConfig *c = &clusterPtr->config;
    Tcl_Obj *dictObj = Tcl_NewDictObj();
    char address[CLUSTER_ADDR_STRLEN];

#define PUT(key, valueObj) \
    Tcl_DictObjPut(NULL, dictObj, Tcl_NewStringObj((key), -1), (valueObj))

    ClusterpFormatAddress(&c->group, address);
    PUT("address", Tcl_NewStringObj(address, -1));
    PUT("port", Tcl_NewIntObj(ClusterPortFromNet(c->group.port)));
    PUT("ttl", Tcl_NewIntObj(c->ttl));
    PUT("heartbeat", Tcl_NewIntObj(c->heartbeatMs));
    PUT("channels", c->channelsObj);
    PUT("remote", Tcl_NewIntObj(c->remote));
    PUT("tags", c->tagsObj);
    PUT("protocols", c->protocolsObj);
    PUT("u", c->unixObj ? c->unixObj : Tcl_NewObj());
    PUT("interface", c->interfaceObj ? c->interfaceObj : Tcl_NewObj());
    PUT("transport", Tcl_NewStringObj(c->memory ? "memory" : "network", -1));
    PUT("hid", clusterPtr->hidObj);
    PUT("discoverywait", Tcl_NewIntObj(c->discoveredWaitMs));
    PUT("discoverylimit", Tcl_NewIntObj(c->discoveryLimitMs));
    PUT("pingbatch", Tcl_NewIntObj(c->pingBatchMs));
    PUT("pingdeadline", Tcl_NewIntObj(c->pingDeadlineMs));
    PUT("pingsweep", Tcl_NewIntObj(c->pingSweepMs));
    PUT("pingreply", Tcl_NewIntObj(c->pingReplyMs));
    PUT("replywindow", Tcl_NewIntObj(c->replyWindowMs));
    PUT("connecttimeout", Tcl_NewIntObj(c->limits.connectTimeoutMs));
    PUT("maxframe", Tcl_NewWideIntObj((Tcl_WideInt) c->limits.maxFrame));
    PUT("maxqueue", Tcl_NewWideIntObj((Tcl_WideInt) c->limits.maxQueue));
    PUT("maxconns", Tcl_NewIntObj(c->limits.maxConns));
    PUT("frametimeout", Tcl_NewIntObj(c->limits.frameTimeoutMs));
    PUT("maxbuffered",
	    Tcl_NewWideIntObj((Tcl_WideInt) c->limits.maxBuffered));
    PUT("interp", c->interpObj ? c->interpObj : Tcl_NewObj());
    PUT("maxservices", Tcl_NewIntObj(c->maxServices));
    PUT("newservicerate", Tcl_NewIntObj(c->newServiceRate));
    PUT("maxtags", Tcl_NewIntObj(c->maxTags));
    PUT("maxrecord", Tcl_NewIntObj(c->maxRecord));
    PUT("keys", Tcl_NewIntObj(clusterPtr->seal.numKeys));
    PUT("plaintext", Tcl_NewStringObj(c->plaintextAccept ? "accept"
	    : "reject", -1));
    PUT("freshness", Tcl_NewIntObj(c->freshnessMs));
    PUT("maxlanes", Tcl_NewIntObj(c->maxLanes));
    PUT("probewait", Tcl_NewIntObj(c->probeWaitMs));
    PUT("rebuildlimit", Tcl_NewIntObj(c->rebuildLimitMs));
    PUT("pinglimit", Tcl_NewIntObj(c->pingLimitMs));
    PUT("maxinput", Tcl_NewWideIntObj((Tcl_WideInt) c->limits.maxInput));
    PUT("maxnested", Tcl_NewIntObj(c->limits.maxNested));
    PUT("connectdelay", Tcl_NewIntObj(c->limits.connectDelayMs));
    PUT("probeinterval", Tcl_NewIntObj(c->probeIntervalMs));
    PUT("probetimeout", Tcl_NewIntObj(c->probeTimeoutMs));
    PUT("maxdeferred", Tcl_NewIntObj(c->maxDeferred));
    PUT("deferwait", Tcl_NewIntObj(c->deferWaitMs));
    PUT("peers", c->peersObj ? c->peersObj : Tcl_NewObj());
    PUT("peerport", Tcl_NewIntObj(clusterPtr->peersPtr
	    ? ClusterPeersPort(clusterPtr) : c->peerPort));
    PUT("maxpeers", Tcl_NewIntObj(c->maxPeers));
#undef PUT
    return dictObj;
}
