# msghelpers.tcl --
#
#	Helpers shared by send.test, query.test and fallback.test: a fresh
#	multicast port per test, joining with short timings, waiting on a
#	condition with after+vwait and a deadline, child tclsh members
#	driven over a pipe, constraints probed from the system, and the
#	checks that nothing (descriptor, timer, channel, socket file,
#	command) outlives a test file.
#
#	Everything stays on this machine: -remote 0 (multicast TTL 0),
#	streams over loopback and unix sockets only.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require tcltest 2
package require cluster

namespace eval ::msg {
    # Multicast ports: a random base below the ephemeral range, so that
    # test files run at the same time by others rarely meet; one new port
    # per test (msg::port).
    variable nextPort [expr {20000 + int(rand() * 10000)}]
    variable clusters {}	;# Cluster objects joined by msg::join.
    variable children {}	;# Pipes of child members.
    variable bgerrors {}	;# Background errors seen (message list).
    variable wake 0		;# vwait target of msg::wait and friends.
    variable helperFile [file normalize [info script]]	;# This file.
    variable prefix /tmp/msgt-[pid]	;# Prefix of our socket files.
    variable bootFile $prefix-boot.tcl	;# Script run by child members.
    variable reply		;# Child pipe -> last {code result}.
    variable events		;# Child pipe -> events it reported.
    variable lines		;# Child pipe -> raw stdout lines.
    variable dead		;# Child pipe -> 1 once its stdout closed.
    array set reply {}
    array set events {}
    array set lines {}
    array set dead {}
}

# msg::port --
#
#	A multicast port no other test of this process used.

proc ::msg::port {} {
    variable nextPort
    return [incr nextPort]
}

# msg::sockpath --
#
#	The -u path for a member called $name; the extension inserts the sid
#	before ".sock". All of them match [msg::sockfiles].

proc ::msg::sockpath {name} {
    variable prefix
    return $prefix-$name.sock
}

proc ::msg::sockfiles {} {
    variable prefix
    return [lsort [glob -nocomplain -types s $prefix-*]]
}

# msg::join --
#
#	Join on $port with short timings (heartbeat 200 ms, ttl 5 s, props
#	wait 100 ms) unless overridden; the cluster is destroyed by
#	msg::cleanup if the test does not.

proc ::msg::join {port args} {
    variable clusters
    set c [cluster join -port $port -heartbeat 200 -ttl 5 \
	    -discoverywait 100 {*}$args]
    lappend clusters $c
    return $c
}

# msg::wait --
#
#	Run the event loop until the expression $cond (evaluated in the
#	caller) is true, or $ms milliseconds passed.
#
# Results:
#	1 when the condition became true, 0 on timeout.

proc ::msg::wait {cond {ms 5000}} {
    set deadline [expr {[clock milliseconds] + $ms}]
    while {1} {
	if {[uplevel 1 [list expr $cond]]} {
	    return 1
	}
	if {[clock milliseconds] >= $deadline} {
	    return 0
	}
	set id [after 5 {set ::msg::wake poll}]
	vwait ::msg::wake
	after cancel $id
    }
}

# msg::settle --
#
#	Let the event loop run for $ms milliseconds (to show that something
#	does NOT happen).

proc ::msg::settle {ms} {
    set id [after $ms {set ::msg::wake settle}]
    vwait ::msg::wake
    after cancel $id
}

# msg::see --
#
#	Wait until cluster $c knows a service with tag $tag whose props are
#	known for all its stream protocols. Returns the service, or raises.

proc ::msg::see {c tag {ms 5000}} {
    set ok [wait {[llength [$c resolve $tag]] == 1
	    && [::msg::ready [lindex [$c resolve $tag] 0]]} $ms]
    if {!$ok} {
	return -code error -errorcode {MSGTEST NOT_SEEN} \
		"$c did not discover a service tagged \"$tag\" in $ms ms"
    }
    return [lindex [$c resolve $tag] 0]
}

proc ::msg::ready {service} {
    foreach p [$service protocols] {
	if {$p ne "c" && ![dict exists [$service props] $p]} {
	    return 0
	}
    }
    return 1
}

# msg::stat --
#
#	One counter of [$c stats], e.g. [msg::stat $c t packets_out].

proc ::msg::stat {c args} {
    return [dict get [$c stats] {*}$args]
}

# msg::bgerror --
#
#	Background error handler installed by the test files: errors are
#	collected (and asserted on where expected), never printed.

proc ::msg::bgerror {message options} {
    variable bgerrors
    lappend bgerrors $message
}

# --------------------------------------------------------------------
# Child members.
#
# A child is a tclsh running $bootFile: it reads scripts from stdin, one
# per line (base64 of UTF-8), evaluates them at global level and writes
# back `result code value`; `::report args` in its scripts and hooks sends
# `event args` at any time. Every line it writes is the base64 of a list.
# EOF on stdin destroys its clusters and exits. Its stderr is ours, so a
# sanitizer report in a child fails the test file.
# --------------------------------------------------------------------

proc ::msg::WriteBoot {} {
    variable bootFile
    set f [open $bootFile w]
    puts $f {
	package require cluster
	fconfigure stdout -buffering line -translation lf
	fconfigure stdin -translation lf
	proc ::send_line {args} {
	    puts [binary encode base64 [encoding convertto utf-8 $args]]
	}
	proc ::report {args} {
	    ::send_line event {*}$args
	}
	proc ::bye {} {
	    foreach c [info commands ::cluster::cluster*] {
		catch {$c destroy}
	    }
	    exit 0
	}
	interp bgerror {} [list apply {{message options} {
	    ::report bgerror $message
	}}]
	proc ::command {} {
	    if {[gets stdin line] < 0} {
		::bye
	    }
	    if {$line eq ""} {
		return
	    }
	    set script [encoding convertfrom utf-8 \
		    [binary decode base64 $line]]
	    set code [catch {uplevel #0 $script} result]
	    ::send_line result $code $result
	}
	fileevent stdin readable ::command
	vwait ::forever
    }
    close $f
}

# msg::child --
#
#	Start a child member process. Returns its pipe.

proc ::msg::child {} {
    variable bootFile
    variable children
    variable events
    variable dead
    if {![file exists $bootFile]} {
	WriteBoot
    }
    set chan [open |[list [info nameofexecutable] $bootFile 2>@stderr] r+]
    fconfigure $chan -buffering line -blocking 0 -translation lf
    set events($chan) {}
    set dead($chan) 0
    fileevent $chan readable [list ::msg::ChildReadable $chan]
    lappend children $chan
    return $chan
}

proc ::msg::ChildReadable {chan} {
    variable reply
    variable events
    variable dead
    variable wake
    while {[gets $chan line] >= 0} {
	if {[catch {encoding convertfrom utf-8 \
		[binary decode base64 -strict $line]} message]} {
	    lappend events($chan) [list raw $line]
	    continue
	}
	if {[lindex $message 0] eq "result"} {
	    set reply($chan) [lrange $message 1 end]
	} else {
	    lappend events($chan) [lrange $message 1 end]
	}
	set wake child
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	set dead($chan) 1
	set wake child
    }
}

# msg::ceval --
#
#	Evaluate a script in a child; its result, or its error raised here.

proc ::msg::ceval {chan script {ms 5000}} {
    variable reply
    variable dead
    unset -nocomplain reply($chan)
    puts $chan [binary encode base64 [encoding convertto utf-8 $script]]
    flush $chan
    if {![wait {[info exists ::msg::reply($chan)] || $::msg::dead($chan)} \
	    $ms]} {
	return -code error -errorcode {MSGTEST CHILD TIMEOUT} \
		"child $chan did not answer in $ms ms: $script"
    }
    if {![info exists reply($chan)]} {
	return -code error -errorcode {MSGTEST CHILD DEAD} \
		"child $chan died running: $script"
    }
    lassign $reply($chan) code result
    unset reply($chan)
    if {$code == 1} {
	return -code error -errorcode {MSGTEST CHILD ERROR} $result
    }
    return $result
}

# msg::cjoin --
#
#	Join in a child, with the timings of msg::join; the cluster is the
#	child's global `c`. Returns its name.

proc ::msg::cjoin {chan port args} {
    set join [list cluster join -port $port -heartbeat 200 -ttl 5 \
	    -discoverywait 100 {*}$args]
    return [ceval $chan "set ::c \[$join\]"]
}

# msg::isolated --
#
#	Run a test scenario in a child tclsh of its own, so that a crash
#	fails one test instead of ending the whole file. The child sources
#	this file, gets the procs named in $procs, evaluates $script and
#	returns its result. A child that dies gives an error
#	{MSGTEST CHILD DEAD}.

proc ::msg::isolated {procs script {ms 20000}} {
    set kid [child]
    try {
	ceval $kid [list source $::msg::helperFile] 10000
	ceval $kid {interp bgerror {} ::msg::bgerror}
	foreach name $procs {
	    ceval $kid [ProcDefinition $name]
	}
	return [ceval $kid $script $ms]
    } finally {
	cclose $kid
    }
}

proc ::msg::ProcDefinition {name} {
    set name ::[string trimleft $name :]
    set args {}
    foreach a [info args $name] {
	if {[info default $name $a value]} {
	    lappend args [list $a $value]
	} else {
	    lappend args $a
	}
    }
    return [list proc $name $args [info body $name]]
}

# msg::cevents --
#
#	The events a child reported so far (each a list), optionally only
#	those whose first word is $kind.

proc ::msg::cevents {chan {kind *}} {
    variable events
    set out {}
    foreach e $events($chan) {
	if {[string match $kind [lindex $e 0]]} {
	    lappend out $e
	}
    }
    return $out
}

# msg::ckill --
#
#	SIGKILL a child and reap it.

proc ::msg::ckill {chan} {
    set pid [pid $chan]
    exec kill -KILL {*}$pid
    wait {$::msg::dead($chan)} 5000
    Reap $chan
}

# msg::cclose --
#
#	End a child in order: EOF on its stdin makes it destroy its
#	clusters and exit; wait for that.

proc ::msg::cclose {chan} {
    variable dead
    catch {close $chan write}
    wait {$::msg::dead($chan)} 5000
    if {!$dead($chan)} {
	catch {exec kill -KILL {*}[pid $chan]}
    }
    Reap $chan
}

# msg::Reap --
#
#	A blocking close reaps the child: only then are all its sockets
#	surely closed. Then forget everything about it.

proc ::msg::Reap {chan} {
    variable children
    fconfigure $chan -blocking 1
    catch {close $chan}
    set children [lsearch -all -inline -exact -not $children $chan]
    Forget $chan
}

proc ::msg::Forget {chan} {
    variable reply
    variable events
    variable lines
    variable dead
    unset -nocomplain reply($chan) events($chan) lines($chan) dead($chan)
}

# msg::script --
#
#	Start a child running a script file as is (the README examples),
#	collecting its stdout lines; see msg::lines.

proc ::msg::script {file} {
    variable children
    variable lines
    variable dead
    set chan [open |[list [info nameofexecutable] $file 2>@stderr] r+]
    fconfigure $chan -buffering line -blocking 0 -translation lf
    set lines($chan) {}
    set dead($chan) 0
    fileevent $chan readable [list ::msg::ScriptReadable $chan]
    lappend children $chan
    return $chan
}

proc ::msg::ScriptReadable {chan} {
    variable lines
    variable dead
    while {[gets $chan line] >= 0} {
	lappend lines($chan) $line
	set ::msg::wake line
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	set dead($chan) 1
	set ::msg::wake line
    }
}

proc ::msg::lines {chan} {
    variable lines
    return $lines($chan)
}

# --------------------------------------------------------------------
# Cleanup and leak checks.
# --------------------------------------------------------------------

# msg::cleanup --
#
#	End what a test left: clusters joined with msg::join, children,
#	collected background errors, the boot script.

proc ::msg::cleanup {} {
    variable clusters
    variable children
    variable bgerrors
    foreach c $clusters {
	if {[llength [info commands $c]]} {
	    $c destroy
	}
    }
    set clusters {}
    foreach chan $children {
	cclose $chan
    }
    set bgerrors {}
}

# msg::fds --
#
#	Open descriptors of this process.

proc ::msg::fds {} {
    return [llength [glob -nocomplain -directory /proc/self/fd *]]
}

# msg::baseline --
#
#	What a test file starts from, after the notifier is up: descriptors,
#	channels, timers. msg::leaks compares against it.

proc ::msg::baseline {} {
    variable base
    settle 1
    set base [dict create fds [fds] channels [lsort [file channels]] \
	    afters [llength [after info]]]
}

# msg::leaks --
#
#	What outlived the tests: a dict of the differences from the baseline
#	(empty when there are none), waiting a little for closes in flight.

proc ::msg::leaks {} {
    variable base
    variable bootFile
    file delete $bootFile
    wait {[fds] == [dict get $::msg::base fds]
	    && [llength [::msg::sockfiles]] == 0} 2000
    set out {}
    if {[fds] != [dict get $base fds]} {
	dict set out fds "[dict get $base fds] -> [fds]"
    }
    if {[lsort [file channels]] ne [dict get $base channels]} {
	dict set out channels [lsort [file channels]]
    }
    if {[llength [after info]] != [dict get $base afters]} {
	dict set out afters [after info]
    }
    if {[llength [sockfiles]]} {
	dict set out sockfiles [sockfiles]
    }
    foreach kind {cluster service query} {
	set left [info commands ::cluster::$kind*]
	if {[llength $left]} {
	    dict set out $kind $left
	}
    }
    return $out
}

# --------------------------------------------------------------------
# Constraints, probed.
# --------------------------------------------------------------------

# multicast: a member hears its own beacons.
proc ::msg::ProbeMulticast {} {
    if {[catch {cluster join -port [port] -heartbeat 100} c]} {
	return 0
    }
    set ok [wait {[dict get [$c stats] dropped self] > 0} 2000]
    $c destroy
    return $ok
}

# unixsock: the u protocol can be served.
proc ::msg::ProbeUnix {} {
    if {[catch {cluster join -port [port] -heartbeat 100000 \
	    -protocols {u c} -u [list path [sockpath probe]]} c]} {
	return 0
    }
    $c destroy
    return 1
}

# debugClose: `$cluster debug close-server t` closes the TCP server.
proc ::msg::ProbeDebugClose {} {
    if {[catch {cluster join -port [port] -heartbeat 100000} c]} {
	return 0
    }
    set ok [expr {![catch {$c debug close-server t}]}]
    $c destroy
    return $ok
}

# ssKill: `ss -K` can close a listening TCP socket of ours behind our
# back (root and a kernel with SOCK_DESTROY).
proc ::msg::ProbeSsKill {} {
    if {[catch {
	set s [socket -server {apply {{c a p} {close $c}}} \
		-myaddr 127.0.0.1 0]
    }]} {
	return 0
    }
    set p [lindex [fconfigure $s -sockname] 2]
    set ok 0
    if {![catch {exec {*}[SsCommand] -K -t -l sport = :$p}]} {
	set ok [catch {close [socket 127.0.0.1 $p]}]
    }
    close $s
    return $ok
}

# msg::sskill --
#
#	Close, from outside, the listening TCP socket on $port.

proc ::msg::sskill {port} {
    exec {*}[SsCommand] -K -t -l sport = :$port
}

# ss runs without the sanitizer runtime a sanitized build preloads.
proc ::msg::SsCommand {} {
    return [list env -u LD_PRELOAD ss]
}

::tcltest::testConstraint multicast [::msg::ProbeMulticast]
::tcltest::testConstraint unixsock [::msg::ProbeUnix]
::tcltest::testConstraint debugClose [::msg::ProbeDebugClose]
::tcltest::testConstraint ssKill [::msg::ProbeSsKill]
