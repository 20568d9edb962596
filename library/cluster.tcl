# cluster.tcl --
#
#	The Tcl part of the cluster package, sourced by pkgIndex.tcl right
#	after the shared library is loaded. The C part makes the ::cluster
#	ensemble (join, packet) and every object command; what is easier
#	said in Tcl lives here.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

namespace eval ::cluster::hook {}

# ::cluster::hook::my --
#
#	Inside a hook, `my subcommand ?arg ...?` calls the object command of
#	the hook's service: `my local` is `$service local`. Hook lambdas run
#	in ::cluster::hook, so they find it without qualification.
#
# Arguments:
#	args	the subcommand and its arguments.
#
# Results:
#	The result of `$service subcommand ...`; an error
#	{CLUSTER HOOK NO_SERVICE} in a hook that has no service.

proc ::cluster::hook::my {args} {
    upvar 1 service service
    if {![info exists service] || $service eq {}} {
	return -code error -errorcode {CLUSTER HOOK NO_SERVICE} \
	    {"my" needs a service: this hook has none}
    }
    tailcall $service {*}$args
}
