# state.tcl --
#
#	What the shared state of the cluster package (registry.tcl,
#	queue.tcl, cache.tcl) has in common: one channel of the member's
#	own, taken with `$cluster handler` and `$cluster watch` so that the
#	application keeps all of its hooks; a dispatcher that hands each
#	message to the module it names; and the ways a module talks to
#	other members.
#
#	Every message is a dict in the data of an event or a query on the
#	state channel, with the key "kind" naming the module (registry,
#	queue, cache). A member that uses a module carries the tag
#	cluster:MODULE, so that the others find it with
#	`$cluster resolve cluster:MODULE`.
#
#	Everything a message carries comes from the network: each module
#	checks what it reads, and a message that is not a dict, or names
#	no module in use here, is dropped and counted.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

namespace eval ::cluster::state {
    # Per cluster object: a dict of channel (the state channel),
    # modules (the modules attached, in order) and dropped (messages
    # dropped: not a dict, or for no module in use).
    variable Members
    array set Members {}
    # The channel the shared state uses unless told otherwise.
    variable DefaultChannel 64
    # The modules there are; each is a namespace ::cluster::MODULE with
    # the procs Receive, Member and Forget (see attach).
    variable Modules {registry queue cache}
}

# ::cluster::state::subcommand --
#
#	Add a module's command, ::cluster::NAME, to the ::cluster ensemble
#	as `cluster NAME`.

proc ::cluster::state::subcommand {name} {
    set have [namespace ensemble configure ::cluster -subcommands]
    if {$name ni $have} {
	namespace ensemble configure ::cluster \
	    -subcommands [linsert $have end $name]
    }
}

# ::cluster::state::attach --
#
#	Make a module of the shared state work on a cluster object: on the
#	first module, subscribe to the state channel, take it with a
#	handler, watch membership and forget everything when the cluster
#	object goes; then add the module's tag.
#
#	A module MODULE provides, in ::cluster::MODULE:
#	  Receive cluster what service data: an event or query (what) for
#	    it; for a query, the result is the answer, an error the error
#	    answer ($cluster defer works).
#	  Member cluster what service: discovered, tags or lost.
#	  Forget cluster: the cluster object is gone.
#
# Arguments:
#	cluster	the cluster object.
#	module	registry, queue or cache.
#
# Results:
#	The state channel.

proc ::cluster::state::attach {cluster module} {
    variable Members
    variable DefaultChannel
    set cluster [Canonical $cluster]
    if {![info exists Members($cluster)]} {
	set channel $DefaultChannel
	$cluster channel subscribe [list $channel]
	$cluster handler $channel [list ::cluster::state::Handle $cluster]
	$cluster watch cluster:state [list ::cluster::state::Member $cluster]
	trace add command $cluster delete [list ::cluster::state::Gone]
	set Members($cluster) [dict create channel $channel modules {} \
	    dropped 0]
    }
    if {$module ni [dict get $Members($cluster) modules]} {
	dict lappend Members($cluster) modules $module
	$cluster tags -append cluster:$module
    }
    return [dict get $Members($cluster) channel]
}

# ::cluster::state::attached --
#
#	1 when a module works on a cluster object, else 0.

proc ::cluster::state::attached {cluster module} {
    variable Members
    set cluster [Canonical $cluster]
    expr {[info exists Members($cluster)]
	&& $module in [dict get $Members($cluster) modules]}
}

# ::cluster::state::channel --
#
#	The state channel of a cluster object (attached or not).

proc ::cluster::state::channel {cluster} {
    variable Members
    variable DefaultChannel
    set cluster [Canonical $cluster]
    if {[info exists Members($cluster)]} {
	return [dict get $Members($cluster) channel]
    }
    return $DefaultChannel
}

# ::cluster::state::peers --
#
#	The services that use a module (they carry its tag), in the order
#	they were learnt.

proc ::cluster::state::peers {cluster module} {
    $cluster resolve cluster:$module
}

# ::cluster::state::tell --
#
#	Send a message of a module as an event to some services, directly
#	(over their streams where they have one, never as a filtered
#	multicast that may be lost).
#
# Arguments:
#	cluster		the cluster object.
#	services	service objects.
#	module		the module sending.
#	message		a dict; its key "kind" is set to the module.
#
# Results:
#	The services it was handed to for sending.

proc ::cluster::state::tell {cluster services module message} {
    if {[llength $services] == 0} {
	return {}
    }
    dict set message kind $module
    set r [$cluster send -services $services -broadcast 0 \
	-channel [channel $cluster] -data $message]
    dict get $r services
}

# ::cluster::state::ask --
#
#	Ask one service a question of a module, as a query on the state
#	channel; the answer comes to command.
#
# Arguments:
#	cluster		the cluster object.
#	service		the service asked.
#	module		the module asking.
#	message		a dict; its key "kind" is set to the module.
#	timeout		ms to wait for the answer.
#	command		called from the event loop as {*}command ok|error|
#			timeout value: the answer, the error message, or
#			an empty string.
#
# Results:
#	None.

proc ::cluster::state::ask {cluster service module message timeout command} {
    dict set message kind $module
    $cluster query -resolve [list [$service sid]] -broadcast 0 \
	-channel [channel $cluster] -timeout $timeout -query $message \
	-command [list ::cluster::state::Answer $command]
    return
}

# ::cluster::state::Answer --
#
#	The query command of `ask`: one call of command per query.

proc ::cluster::state::Answer {command event} {
    lassign $event name query
    switch -- $name {
	response {
	    {*}$command ok [$query result]
	    return -code break
	}
	error {
	    {*}$command error [$query error]
	    return -code break
	}
	timeout {
	    {*}$command timeout {}
	}
    }
}

# ::cluster::state::Handle --
#
#	The handler of the state channel: hand the message to its module.
#	A message that is no dict, or names a module not in use here, is
#	dropped (an event) or refused (a query), and counted.

proc ::cluster::state::Handle {cluster what service payload} {
    variable Members
    set data [dict get $payload data]
    if {![info exists Members($cluster)]
	    || [catch {dict get $data kind} module]
	    || $module ni [dict get $Members($cluster) modules]} {
	if {[info exists Members($cluster)]} {
	    dict incr Members($cluster) dropped
	}
	if {$what eq "query"} {
	    return -code error "no shared state \"[Printable $data]\" here"
	}
	return
    }
    tailcall ::cluster::${module}::Receive $cluster $what $service $data
}

# ::cluster::state::Member --
#
#	The membership watcher: tell each module.

proc ::cluster::state::Member {cluster what service} {
    variable Members
    if {![info exists Members($cluster)]} {
	return
    }
    foreach module [dict get $Members($cluster) modules] {
	::cluster::${module}::Member $cluster $what $service
    }
}

# ::cluster::state::Gone --
#
#	The cluster object was deleted: every module forgets it.

proc ::cluster::state::Gone {old new op} {
    variable Members
    set cluster [Canonical $old]
    if {![info exists Members($cluster)]} {
	return
    }
    set modules [dict get $Members($cluster) modules]
    unset Members($cluster)
    foreach module $modules {
	catch {::cluster::${module}::Forget $cluster}
    }
}

# ::cluster::state::dropped --
#
#	How many messages of the state channel were dropped on a cluster
#	object because they named no module in use.

proc ::cluster::state::dropped {cluster} {
    variable Members
    set cluster [Canonical $cluster]
    if {[info exists Members($cluster)]} {
	return [dict get $Members($cluster) dropped]
    }
    return 0
}

# ::cluster::state::Canonical --
#
#	A cluster object's fully qualified name, so that one object has one
#	key however it is written.

proc ::cluster::state::Canonical {cluster} {
    if {[string match ::* $cluster]} {
	return $cluster
    }
    return ::[string trimleft $cluster :]
}

# ::cluster::state::Printable --
#
#	At most 40 characters of what a peer sent, for an error message.

proc ::cluster::state::Printable {text} {
    if {[string length $text] > 40} {
	return "[string range $text 0 39]..."
    }
    return $text
}
