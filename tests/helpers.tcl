# helpers.tcl --
#
#	Helpers shared by the membership test files (join.test,
#	members.test, hooks.test, resolve.test, procs.test): a multicast
#	port per test, waiting for events with a watchdog, counting open
#	file descriptors, members that are destroyed at the end of each
#	test, and child tclsh processes that run a member of their own.
#
#	Source it after "package require cluster":
#
#	    source [file join [file dirname [info script]] helpers.tcl]
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

namespace eval ::th {
    variable portBase		;# First multicast port of this process.
    variable portCount 0	;# Ports handed out so far.
    variable port 0		;# The current test's port (fresh_port).
    variable members {}		;# Clusters made by [th::join].
    variable children {}	;# Child processes: dict chan -> pid.
    variable childReply		;# Array chan -> reply of child_eval.
    variable childLines		;# Array chan -> lines not yet consumed.
    variable sockDir		;# Directory of our unix socket files.
    variable baseCommands	;# [info commands ::cluster::*] at start.

    # Each process gets its own block of 64 ports in 30000-59999, chosen
    # from its pid, so that test files running at the same time (here or
    # in another checkout) do not hear each other.
    set portBase [expr {30000 + ([pid] % 468) * 64}]

    # And its own multicast group (a member bound to the group hears that
    # group only), so that a member of another program that happens to
    # use the same port is not heard either.
    variable group 230.231.[expr {([pid] >> 8) & 255}].[expr {[pid] & 255}]
    set sockDir /tmp/cluster-test-[pid]
    variable childFile /tmp/cluster-test-child-[pid].tcl
    set baseCommands [lsort [info commands ::cluster::*]]
}

# th::fresh_port --
#
#	A multicast port of its own for the next test; also remembered as
#	$::th::port, which [th::join] uses.

proc ::th::fresh_port {} {
    variable portBase
    variable portCount
    variable port
    set port [expr {$portBase + $portCount % 64}]
    incr portCount
    return $port
}

# th::wait_for --
#
#	Waits until the variable (give a fully qualified name, e.g. ::got)
#	is written, at most timeoutMs.
#
# Results:
#	1 if the variable was written, 0 on timeout.

proc ::th::wait_for {varName timeoutMs} {
    variable timedOut
    set timedOut 0
    set id [after $timeoutMs [list set ::th::timedOut 1]]
    trace add variable $varName write ::th::WaitWritten
    vwait ::th::timedOut
    trace remove variable $varName write ::th::WaitWritten
    after cancel $id
    return [expr {$timedOut == 0}]
}

proc ::th::WaitWritten {args} {
    set ::th::timedOut 0
}

# th::wait_until --
#
#	Runs the event loop until the expression (evaluated at global level)
#	is true, at most timeoutMs. It is checked every 5 ms.
#
# Results:
#	1 if the expression became true, 0 on timeout.

proc ::th::wait_until {expression timeoutMs} {
    set deadline [expr {[clock milliseconds] + $timeoutMs}]
    while {1} {
	if {[uplevel #0 [list expr $expression]]} {
	    return 1
	}
	if {[clock milliseconds] >= $deadline} {
	    return 0
	}
	set id [after 5 [list set ::th::tick 1]]
	vwait ::th::tick
	after cancel $id
    }
}

# th::settle --
#
#	Runs the event loop for ms milliseconds (to check that something
#	does NOT happen).

proc ::th::settle {ms} {
    set id [after $ms [list set ::th::settled 1]]
    vwait ::th::settled
    after cancel $id
}

# th::report --
#
#	Writes a measurement (a latency, a convergence time) to the test
#	output, so that runs can be compared.

proc ::th::report {text} {
    puts [::tcltest::outputChannel] "    measured: $text"
}

# th::fd_count --
#
#	The number of file descriptors this process has open.

proc ::th::fd_count {} {
    return [llength [glob -nocomplain /proc/[pid]/fd/*]]
}

# th::sock_path --
#
#	A unix socket path in our own directory; the member inserts -<sid>
#	before the extension.

proc ::th::sock_path {name} {
    variable sockDir
    file mkdir $sockDir
    return [file join $sockDir $name.sock]
}

# th::sock_files --
#
#	The socket files left in our directory.

proc ::th::sock_files {} {
    variable sockDir
    return [lsort [glob -nocomplain -directory $sockDir *]]
}

# th::join --
#
#	Joins with this file's group, the current test's port and small
#	timings (overridable),
#	and remembers the member for th::cleanup.

proc ::th::join {args} {
    variable port
    variable members
    variable group
    set c [cluster join -address $group -port $port -heartbeat 200 -ttl 1 \
	    {*}$args]
    lappend members $c
    return $c
}

# th::cluster_commands --
#
#	The cluster, service and query commands that exist now.

proc ::th::cluster_commands {} {
    variable baseCommands
    set extra {}
    foreach cmd [lsort [info commands ::cluster::*]] {
	if {$cmd ni $baseCommands} {
	    lappend extra $cmd
	}
    }
    return $extra
}

# th::cleanup --
#
#	Destroys every member still alive and stops every child. Called by
#	each test's -cleanup.

proc ::th::cleanup {} {
    variable members
    variable children
    foreach c $members {
	if {[llength [info commands $c]]} {
	    catch {$c destroy}
	}
    }
    set members {}
    foreach chan [dict keys $children] {
	child_stop $chan
    }
    # Anything else that a test made without th::join.
    foreach cmd [info commands ::cluster::cluster*] {
	catch {$cmd destroy}
    }
}

# th::all_known --
#
#	1 when every member in the list knows exactly n services.

proc ::th::all_known {clusters n} {
    foreach c $clusters {
	if {[$c known_services] != $n} {
	    return 0
	}
    }
    return 1
}

# th::counter --
#
#	One counter of [$c stats], e.g. th::counter $c dropped channel.

proc ::th::counter {c args} {
    return [dict get [$c stats] {*}$args]
}

# th::service_of --
#
#	The service object of member `self` for member `other` (by sid), or
#	empty.

proc ::th::service_of {self otherSid} {
    foreach s [$self services] {
	if {[$s sid] eq $otherSid} {
	    return $s
	}
    }
    return {}
}

# ----------------------------------------------------------------------
# Child processes.
#
# A child is a tclsh running childScript below: it loads the same build
# (TCLLIBPATH and, under the sanitizer build, LD_PRELOAD are inherited),
# joins with the options it is given and prints "ready <sid> <joinMs>".
# Then it evaluates each line it reads on stdin at global level and
# answers "ok <result>" or "error <message>" (as a list, on one line).
# Lines it prints by itself (from its hooks) start with "event".
# At EOF on stdin it destroys its member and exits.
# ----------------------------------------------------------------------

set ::th::childScript {
    package require cluster
    fconfigure stdout -buffering line
    proc emit {args} {
	puts stdout [list event {*}$args]
    }
    set joinMs [clock milliseconds]
    set c [cluster join {*}[lrange $argv 1 end]]
    eval [lindex $argv 0]
    puts stdout [list ready [$c sid] $joinMs]
    proc serve {} {
	if {[gets stdin line] < 0} {
	    if {[eof stdin]} {
		catch {$::c destroy}
		set ::finished 1
	    }
	    return
	}
	if {[catch {uplevel #0 $line} result]} {
	    puts stdout [list error $result]
	} else {
	    puts stdout [list ok $result]
	}
    }
    fconfigure stdin -blocking 0
    fileevent stdin readable serve
    vwait ::finished
    exit 0
}

# th::child_start --
#
#	Starts a child whose member joins with the current port and the
#	given options, then runs `setup` (at global level, with $c the
#	member, before its event loop runs: the place for its hooks, which
#	may report with [emit ...]). Waits for it to be ready.
#
# Results:
#	A dict: chan, pid, sid, joinMs (when it joined, [clock milliseconds]).

proc ::th::child_start {setup args} {
    variable port
    variable children
    variable childLines
    variable childScript
    variable childFile
    set file $childFile
    if {![file exists $file]} {
	set f [open $file w]
	puts $f $childScript
	close $f
    }
    variable group
    set cmd [list | [info nameofexecutable] $file $setup \
	    -address $group -port $port -heartbeat 200 -ttl 1 {*}$args 2>@stderr]
    set chan [open $cmd r+]
    fconfigure $chan -buffering line -blocking 0
    set pid [lindex [pid $chan] 0]
    dict set children $chan $pid
    set childLines($chan) {}
    fileevent $chan readable [list ::th::ChildReadable $chan]
    set started "\[llength \[::th::child_lines_matching $chan ready\]\]"
    if {![wait_until $started 10000]} {
	child_stop $chan
	error "child did not start"
    }
    set line [lindex [child_lines_matching $chan ready] 0]
    child_consume $chan $line
    return [dict create chan $chan pid $pid sid [lindex $line 1] \
	    joinMs [lindex $line 2]]
}

proc ::th::ChildReadable {chan} {
    variable childLines
    variable childReply
    while {[gets $chan line] >= 0} {
	if {[lindex $line 0] in {ok error}} {
	    set childReply($chan) $line
	} else {
	    lappend childLines($chan) $line
	}
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	set childReply($chan) {error eof}
	lappend childLines($chan) eof
    }
}

# th::child_lines_matching --
#
#	The lines a child printed by itself whose first word (or first two
#	words, when `first` has two) match.

proc ::th::child_lines_matching {chan args} {
    variable childLines
    set found {}
    if {![info exists childLines($chan)]} {
	return {}
    }
    foreach line $childLines($chan) {
	if {[lrange $line 0 [llength $args]-1] eq $args} {
	    lappend found $line
	}
    }
    return $found
}

proc ::th::child_consume {chan line} {
    variable childLines
    set i [lsearch -exact $childLines($chan) $line]
    if {$i >= 0} {
	set childLines($chan) [lreplace $childLines($chan) $i $i]
    }
}

# th::child_eval --
#
#	Evaluates a script in a child and returns its result (an error in
#	the child is an error here). Waits at most 5 s.

proc ::th::child_eval {chan script} {
    variable childReply
    unset -nocomplain childReply($chan)
    puts $chan [string map {\n ;} $script]
    flush $chan
    if {![wait_until "\[info exists ::th::childReply($chan)\]" 5000]} {
	error "child $chan did not answer \"$script\""
    }
    lassign $childReply($chan) status result
    if {$status ne "ok"} {
	error "child: $result"
    }
    return $result
}

# th::child_kill --
#
#	SIGKILL to a child and reap it.

proc ::th::child_kill {chan} {
    variable children
    if {![dict exists $children $chan]} {
	return
    }
    catch {exec kill -KILL [dict get $children $chan]}
    Reap $chan
}

# th::child_stop --
#
#	Asks a child to leave (EOF on its stdin), waits for it to exit (at
#	most 3 s, then SIGKILL) and reaps it.

proc ::th::child_stop {chan} {
    variable children
    if {![dict exists $children $chan]} {
	return
    }
    catch {chan close $chan write}
    set exited "\[llength \[::th::child_lines_matching $chan eof\]\]"
    if {![wait_until $exited 3000]} {
	catch {exec kill -KILL [dict get $children $chan]}
    }
    Reap $chan
}

proc ::th::Reap {chan} {
    variable children
    variable childLines
    variable childReply
    catch {fileevent $chan readable {}}
    catch {fconfigure $chan -blocking 1}
    # A blocking close waits for the child; its status (killed) is an
    # error we expect.
    catch {close $chan}
    dict unset children $chan
    unset -nocomplain childLines($chan) childReply($chan)
}

# th::child_alive --
#
#	1 if the process still exists (not yet reaped counts as alive).

proc ::th::child_alive {pid} {
    return [file exists /proc/$pid]
}

# th::run_in_netns --
#
#	Runs a Tcl script in a child tclsh inside a network namespace of its
#	own (unshare -n, loopback only, brought up), so that a test can use
#	-remote 1 or more without any packet leaving the machine. The script
#	has the cluster package loaded and its output is the result.

proc ::th::run_in_netns {script} {
    set file /tmp/cluster-test-netns-[pid].tcl
    set f [open $file w]
    puts $f "package require cluster\n$script"
    close $f
    set code [catch {
	exec unshare -n sh -c {env -u LD_PRELOAD ip link set lo up \
		&& exec "$0" "$1"} [info nameofexecutable] $file
    } result]
    file delete $file
    if {$code} {
	error "in the network namespace: $result"
    }
    return $result
}

proc ::th::probe_netns {} {
    return [expr {![catch {
	exec unshare -n sh -c {env -u LD_PRELOAD ip link set lo up}
    }]}]
}

# ----------------------------------------------------------------------
# Constraints, and the state each file checks at its end.
# ----------------------------------------------------------------------

# th::probe_multicast --
#
#	1 when two members on one port can hear each other here.

proc ::th::probe_multicast {} {
    fresh_port
    if {[catch {
	set a [cluster join -address $::th::group -port $::th::port -heartbeat 1000]
	set b [cluster join -address $::th::group -port $::th::port -heartbeat 1000]
    }]} {
	catch {$a destroy}
	return 0
    }
    set ok [wait_until \
	"\[$a known_services\] == 1 && \[$b known_services\] == 1" 2000]
    $a destroy
    $b destroy
    return $ok
}

proc ::th::probe_unixsock {} {
    fresh_port
    if {[catch {
	set a [cluster join -address $::th::group -port $::th::port -heartbeat 1000 \
		-protocols {u c} -u [list path [sock_path probe]]]
    }]} {
	return 0
    }
    $a destroy
    return 1
}

# th::start_state, th::end_state --
#
#	What a file must give back: its fds, no socket file, no member, no
#	timer. end_state returns a description of what differs (empty when
#	all is well).

proc ::th::start_state {} {
    variable startFds
    # The first turn of the event loop opens Tcl's own notifier pipe.
    settle 1
    set startFds [fd_count]
}

proc ::th::end_state {} {
    variable startFds
    variable sockDir
    cleanup
    # Let disconnects and closes complete.
    settle 50
    set problems {}
    set fds [fd_count]
    if {$fds != $startFds} {
	lappend problems "fds: $startFds at start, $fds now"
    }
    if {[llength [sock_files]]} {
	lappend problems "socket files left: [sock_files]"
    }
    if {[llength [cluster_commands]]} {
	lappend problems "commands left: [cluster_commands]"
    }
    if {[llength [after info]]} {
	lappend problems "timers left: [after info]"
    }
    remove_files
    return $problems
}

# th::remove_files --
#
#	Removes our socket directory (empty unless a test failed to clean
#	up) and the child script. Each file calls it before cleanupTests,
#	whichever tests ran.

proc ::th::remove_files {} {
    variable sockDir
    variable childFile
    catch {file delete $sockDir}
    catch {file delete $childFile}
}
