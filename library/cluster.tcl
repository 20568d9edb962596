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

# The waits under way: ::cluster::Waits($key) is a dict of what arrived
# (responses, errors, timedout), done (0 or 1), coro (the coroutine that
# waits, or empty) and alias (the command given to a -interp child, or
# empty).

namespace eval ::cluster {
    variable Waits
    variable NextWait 0
    if {![interp issafe]} {
	namespace ensemble configure ::cluster -subcommands [linsert \
	    [namespace ensemble configure ::cluster -subcommands] end wait]
    }
}

# ::cluster::wait --
#
#	`cluster wait clusterObj ?option value ...?`: send a query (the
#	options of `$cluster query`, without -command) and wait until every
#	answer arrived or its -timeout ran out. Inside a coroutine it
#	yields to the event loop, and the query's `done` resumes it;
#	outside one it waits like vwait.
#
# Arguments:
#	cluster	the cluster object asking.
#	args	options of `$cluster query`.
#
# Results:
#	A dict: responses (service object -> answer), errors (service
#	object -> error message), timedout (the service objects that did not
#	answer). Errors {CLUSTER WAIT ...}, or those of `$cluster query`.

proc ::cluster::wait {cluster args} {
    variable Waits
    variable NextWait
    for {set i 0} {$i < [llength $args]} {incr i} {
	set word [lindex $args $i]
	if {[string length $word] > 3} {
	    if {[string first $word -command] == 0} {
		return -code error -errorcode {CLUSTER WAIT COMMAND} \
		    "cluster wait takes no -command: it returns the answers"
	    }
	    if {[string first $word -collect] == 0} {
		continue
	    }
	}
	incr i;			# Skip the value.
    }
    set key [incr NextWait]
    set Waits($key) [dict create responses {} errors {} timedout {} \
	done 0 coro [info coroutine] alias {}]
    set command [list ::cluster::WaitEvent $key]
    if {[catch {dict get [$cluster config] interp} child] == 0
	    && $child ne {}} {
	# The query's events run in the child: give it the way back.
	interp eval $child {namespace eval ::cluster {}}
	set command ::cluster::wait$key
	interp alias $child $command {} ::cluster::WaitEvent $key
	dict set Waits($key) alias [list $child $command]
    }
    try {
	set query [$cluster query {*}$args -command $command]
	set guard [after [expr {[dict get [$query props] timeout] + 5000}] \
	    [list ::cluster::WaitEvent $key [list done {}]]]
	if {[dict get $Waits($key) coro] ne {}} {
	    while {![dict get $Waits($key) done]} {
		::yield
	    }
	} else {
	    while {![dict get $Waits($key) done]} {
		vwait ::cluster::Waits($key)
	    }
	}
	after cancel $guard
	if {[dict exists $Waits($key) lost]} {
	    return -code error -errorcode {CLUSTER WAIT LOST} \
		"the events of query $query never came: its -command could\
		not run (the -interp child lost ::cluster::wait$key?)"
	}
	return [dict remove $Waits($key) done coro alias]
    } finally {
	lassign [dict get $Waits($key) alias] child alias
	if {$alias ne {} && [interp exists $child]} {
	    interp alias $child $alias {}
	}
	unset Waits($key)
    }
}

# ::cluster::WaitEvent --
#
#	The query command of `cluster wait`: keeps each answer and, on
#	`done`, what timed out, and wakes the waiter.
#
# Arguments:
#	key	the wait's key in ::cluster::Waits.
#	event	the event and the query object.
#
# Results:
#	None.

proc ::cluster::WaitEvent {key event} {
    variable Waits
    if {![info exists Waits($key)] || [dict get $Waits($key) done]} {
	return
    }
    lassign $event name query
    switch -- $name {
	response {
	    dict set Waits($key) responses [$query service] [$query result]
	}
	error {
	    dict set Waits($key) errors [$query service] [$query error]
	}
	done {
	    if {$query ne {}} {
		dict set Waits($key) timedout [$query remaining]
	    } else {
		dict set Waits($key) lost 1
	    }
	    dict set Waits($key) done 1
	    set coro [dict get $Waits($key) coro]
	    if {$coro ne {}} {
		after 0 [list ::cluster::WaitResume $key $coro]
	    }
	}
    }
}

# ::cluster::WaitResume --
#
#	Resume the coroutine waiting in `cluster wait`, if it still waits.
#
# Arguments:
#	key	the wait's key in ::cluster::Waits.
#	coro	the coroutine.
#
# Results:
#	None.

proc ::cluster::WaitResume {key coro} {
    variable Waits
    if {[info exists Waits($key)] && [info commands $coro] ne {}} {
	$coro
    }
}

# The shared state (state.tcl and the modules on it), each file beside
# this one; a module adds its subcommand to the ::cluster ensemble.

if {![interp issafe]} {
    apply {{dir} {
	foreach file {state.tcl registry.tcl queue.tcl cache.tcl} {
	    if {[file exists [file join $dir $file]]} {
		uplevel #0 [list source [file join $dir $file]]
	    }
	}
    }} [file dirname [file normalize [info script]]]
}
