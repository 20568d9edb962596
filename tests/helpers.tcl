# helpers.tcl --
#
#	The helpers every network test file shares: a multicast port per
#	test on a group of this process's own, joining with short timings,
#	waiting on a condition with a deadline, child tclsh processes driven
#	over a pipe, constraints probed from the system, and the checks
#	that nothing (member, descriptor, channel, timer, socket file,
#	command) outlives a test or a file.
#
#	Everything stays on this machine: -remote 0 (multicast TTL 0),
#	streams over loopback and unix sockets only.
#
#	Source it at the top of a test file:
#
#	    source [file join [file dirname [file normalize [info script]]] \
#		    helpers.tcl]
#	    th::start_state
#	    testConstraint multicast [th::probe_multicast]
#
#	and end the file with a test whose body is [th::end_state] and
#	result {}, then "th::cleanup; th::remove_files; cleanupTests".
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require tcltest 2
package require cluster

namespace eval ::th {
    variable portBase		;# First multicast port of this process.
    variable portCount 0	;# Ports handed out so far.
    variable port 0		;# The current test's port (fresh_port).
    variable group		;# The multicast group of this process.
    variable members {}		;# Clusters made by th::join.
    variable children {}	;# Pipes of child processes.
    variable bgerrors {}	;# Background errors seen (message list).
    variable wake 0		;# vwait target of th::wait_until.
    variable helperFile [file normalize [info script]]	;# This file.
    variable sockDir		;# Directory of our unix socket files.
    variable bootFile		;# Script run by child processes.
    variable base		;# What th::start_state saw (a dict).
    variable baseCommands	;# [info commands ::cluster::*] at start.
    variable reply		;# Child pipe -> last {code result}.
    variable events		;# Child pipe -> events it reported.
    variable lines		;# Child pipe -> raw stdout lines.
    variable dead		;# Child pipe -> 1 once its stdout closed.
    array set reply {}
    array set events {}
    array set lines {}
    array set dead {}

    # The timings th::join, th::cjoin and th::child_start give a member
    # unless the call overrides them. A file may set its own once: the
    # messaging files use {-heartbeat 200 -ttl 5 -discoverywait 100}.
    variable timings {-heartbeat 200 -ttl 1}

    # Each process gets its own block of 64 ports in 30000-59999, chosen
    # from its pid, so that test files running at the same time (here or
    # in another checkout) do not hear each other.
    set portBase [expr {30000 + ([pid] % 468) * 64}]

    # And its own multicast group (a member bound to the group hears that
    # group only), so that a member of another program that happens to
    # use the same port is not heard either.
    set group 230.231.[expr {([pid] >> 8) & 255}].[expr {[pid] & 255}]
    set sockDir /tmp/cluster-test-[pid]
    set bootFile /tmp/cluster-test-[pid]-child.tcl
    set baseCommands [lsort [info commands ::cluster::*]]
}

# ----------------------------------------------------------------------
# Members in this process.
# ----------------------------------------------------------------------

# th::fresh_port --
#
#	A multicast port of its own for the next test; also remembered as
#	$::th::port, which th::join, th::cjoin and th::child_start use.

proc ::th::fresh_port {} {
    variable portBase
    variable portCount
    variable port
    set port [expr {$portBase + $portCount % 64}]
    incr portCount
    return $port
}

# th::join --
#
#	Joins with this process's group, the current test's port and the
#	timings of $::th::timings (the options given override them), and
#	remembers the member for th::cleanup.

proc ::th::join {args} {
    variable members
    set c [cluster join {*}[JoinOptions] {*}$args]
    lappend members $c
    return $c
}

proc ::th::JoinOptions {} {
    variable group
    variable port
    variable timings
    return [list -address $group -port $port {*}$timings]
}

# th::see --
#
#	Waits until cluster $c knows a service with tag $tag whose props are
#	known for all its stream protocols. Returns the service, or raises.

proc ::th::see {c tag {ms 5000}} {
    set ok [wait_until {[llength [$c resolve $tag]] == 1
	    && [::th::ready [lindex [$c resolve $tag] 0]]} $ms]
    if {!$ok} {
	return -code error -errorcode {THTEST NOT_SEEN} \
		"$c did not discover a service tagged \"$tag\" in $ms ms"
    }
    return [lindex [$c resolve $tag] 0]
}

# th::ready --
#
#	1 when the props of a service are known for each of its stream
#	protocols.

proc ::th::ready {service} {
    foreach p [$service protocols] {
	if {$p ne "c" && ![dict exists [$service props] $p]} {
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

# th::cluster_commands --
#
#	The cluster, service and query commands that exist now and did not
#	when this file was sourced.

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

# ----------------------------------------------------------------------
# The event loop.
# ----------------------------------------------------------------------

# th::wait_until --
#
#	Runs the event loop until the expression (evaluated in the caller)
#	is true, at most timeoutMs. It is checked every 5 ms, and at once
#	when a child writes.
#
# Results:
#	1 if the expression became true, 0 on timeout.

proc ::th::wait_until {expression {timeoutMs 5000}} {
    set deadline [expr {[clock milliseconds] + $timeoutMs}]
    while {1} {
	if {[uplevel 1 [list expr $expression]]} {
	    return 1
	}
	if {[clock milliseconds] >= $deadline} {
	    return 0
	}
	set id [after 5 {set ::th::wake poll}]
	vwait ::th::wake
	after cancel $id
    }
}

# th::settle --
#
#	Runs the event loop for ms milliseconds (to show that something
#	does NOT happen).

proc ::th::settle {ms} {
    set id [after $ms [list set ::th::settled 1]]
    vwait ::th::settled
    after cancel $id
}

# th::bgerror --
#
#	Background error handler the test files may install: errors are
#	collected in $::th::bgerrors (and asserted on where expected), never
#	printed. th::cleanup empties the list.

proc ::th::bgerror {message options} {
    variable bgerrors
    lappend bgerrors $message
}

# ----------------------------------------------------------------------
# Measurements, descriptors, files.
# ----------------------------------------------------------------------

# th::measured --
#
#	Writes a measurement (a latency, a convergence time, memory) to the
#	test output, so that runs can be compared.

proc ::th::measured {text} {
    puts [::tcltest::outputChannel] "    measured: $text"
}

# th::rss --
#
#	VmRSS of this process, in kB.

proc ::th::rss {} {
    set f [open /proc/self/status]
    set status [read $f]
    close $f
    regexp {VmRSS:\s+(\d+)} $status -> kb
    return $kb
}

# th::instrumented --
#
#	Whether this process runs under AddressSanitizer or valgrind, whose
#	own bookkeeping (quarantine, shadow memory) makes VmRSS say little
#	about our memory: their leak checkers judge instead.

proc ::th::instrumented {} {
    set f [open /proc/self/maps]
    set maps [read $f]
    close $f
    return [regexp {libasan|vgpreload} $maps]
}

# th::fd_count --
#
#	The number of file descriptors this process has open.

proc ::th::fd_count {} {
    return [llength [glob -nocomplain /proc/[pid]/fd/*]]
}

# th::sock_path --
#
#	A unix socket path in our own directory, for a member called $name;
#	the member inserts -<sid> before the extension.

proc ::th::sock_path {name} {
    variable sockDir
    file mkdir $sockDir
    return [file join $sockDir $name.sock]
}

# th::sock_files --
#
#	The files left in our socket directory.

proc ::th::sock_files {} {
    variable sockDir
    return [lsort [glob -nocomplain -directory $sockDir *]]
}

# ----------------------------------------------------------------------
# Child processes.
#
# A child is a tclsh running $bootFile: it loads the same build
# (TCLLIBPATH and, under the sanitizer build, LD_PRELOAD are inherited),
# reads scripts from stdin, one per line (base64 of UTF-8), evaluates
# them at global level and writes back `result code value`; `::report
# args` in its scripts and hooks sends `event args` at any time. Every
# line it writes is the base64 of a list. EOF on stdin destroys its
# clusters and exits. Its stderr is ours, so a sanitizer report in a
# child fails the test file.
# ----------------------------------------------------------------------

proc ::th::WriteBoot {} {
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

# th::child --
#
#	Starts a child process. Returns its pipe. A prefix, if given, is
#	the command that runs the tclsh (e.g. `ip netns exec HOST`, which
#	execs it: the pipe's pid is still the tclsh's).

proc ::th::child {{prefix {}}} {
    variable bootFile
    if {![file exists $bootFile]} {
	WriteBoot
    }
    return [Spawn $bootFile events ::th::ChildReadable $prefix]
}

# th::Spawn --
#
#	Starts a tclsh child on a script file, its output collected in the
#	namespace array $buffer by the readable handler; remembered for
#	th::cleanup. Returns its pipe. The tclsh is run through $prefix,
#	if any.

proc ::th::Spawn {file buffer readable {prefix {}}} {
    variable children
    variable dead
    variable $buffer
    set chan [open |[list {*}$prefix [info nameofexecutable] $file \
	    2>@stderr] r+]
    fconfigure $chan -buffering line -blocking 0 -translation lf
    set ${buffer}($chan) {}
    set dead($chan) 0
    fileevent $chan readable [list $readable $chan]
    lappend children $chan
    return $chan
}

proc ::th::ChildReadable {chan} {
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

# th::csend --
#
#	Sends a script to a child and returns at once: its reply is left to
#	th::ChildReadable (the child may be killed, or stay busy, before it
#	answers).

proc ::th::csend {chan script} {
    puts $chan [binary encode base64 [encoding convertto utf-8 $script]]
    flush $chan
}

# th::ceval --
#
#	Evaluates a script in a child; its result, or its error raised here.

proc ::th::ceval {chan script {ms 5000}} {
    variable reply
    variable dead
    unset -nocomplain reply($chan)
    csend $chan $script
    if {![wait_until {[info exists ::th::reply($chan)]
	    || $::th::dead($chan)} $ms]} {
	return -code error -errorcode {THTEST CHILD TIMEOUT} \
		"child $chan did not answer in $ms ms: $script"
    }
    if {![info exists reply($chan)]} {
	return -code error -errorcode {THTEST CHILD DEAD} \
		"child $chan died running: $script"
    }
    lassign $reply($chan) code result
    unset reply($chan)
    if {$code == 1} {
	return -code error -errorcode {THTEST CHILD ERROR} $result
    }
    return $result
}

# th::cblocking --
#
#	Evaluates a script in a child WITHOUT running our event loop while
#	it runs (our members read nothing meanwhile). Its result. The
#	script must end by itself (bound its waits).

proc ::th::cblocking {chan script} {
    variable events
    fileevent $chan readable {}
    fconfigure $chan -blocking 1
    csend $chan $script
    set reply {}
    while {[gets $chan line] >= 0} {
	set message [encoding convertfrom utf-8 [binary decode base64 $line]]
	if {[lindex $message 0] eq "result"} {
	    set reply [lrange $message 1 end]
	    break
	}
	lappend events($chan) [lrange $message 1 end]
    }
    fconfigure $chan -blocking 0
    fileevent $chan readable [list ::th::ChildReadable $chan]
    lassign $reply code result
    if {$code ne "0"} {
	return -code error "child: [expr {$reply eq "" ? "died" : $result}]"
    }
    return $result
}

# th::cjoin --
#
#	Joins in a child, as th::join does here (group, current port,
#	timings, then the options given); the cluster is the child's global
#	`c`. Returns its name.

proc ::th::cjoin {chan args} {
    set join [list cluster join {*}[JoinOptions] {*}$args]
    return [ceval $chan "set ::c \[$join\]"]
}

# th::child_start --
#
#	Starts a child whose member joins as th::cjoin does, then runs
#	`setup` in the same step (at global level, with $c the member,
#	before its event loop runs again: the place for its hooks, which
#	may report with [report ...]).
#
# Results:
#	A dict: chan, pid, sid, joinMs (when it joined, [clock milliseconds]
#	in the child).

proc ::th::child_start {setup args} {
    set chan [child]
    set join [list cluster join {*}[JoinOptions] {*}$args]
    lassign [ceval $chan [format {
	set ::joinMs [clock milliseconds]
	set ::c [%s]
	%s
	list [$::c sid] $::joinMs
    } $join $setup] 10000] sid joinMs
    return [dict create chan $chan pid [lindex [pid $chan] 0] sid $sid \
	    joinMs $joinMs]
}

# th::isolated --
#
#	Runs a test scenario in a child tclsh of its own, so that a crash
#	fails one test instead of ending the whole file. The child sources
#	this file, takes our timings, gets the procs named in $procs,
#	evaluates $script and returns its result; then it cleans up and
#	ends. A child that dies gives an error {THTEST CHILD DEAD}.

proc ::th::isolated {procs script {ms 20000}} {
    variable helperFile
    variable timings
    set kid [child]
    try {
	ceval $kid [list source $helperFile] 10000
	ceval $kid [list set ::th::timings $timings]
	ceval $kid {interp bgerror {} ::th::bgerror}
	foreach name $procs {
	    ceval $kid [ProcDefinition $name]
	}
	return [ceval $kid $script $ms]
    } finally {
	# Its members and their socket directory go before it does.
	catch {ceval $kid {th::cleanup; th::remove_files}}
	cclose $kid
    }
}

proc ::th::ProcDefinition {name} {
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

# th::cevents --
#
#	The events a child reported so far (each a list), optionally only
#	those whose first word is $kind.

proc ::th::cevents {chan {kind *}} {
    variable events
    set out {}
    foreach e $events($chan) {
	if {[string match $kind [lindex $e 0]]} {
	    lappend out $e
	}
    }
    return $out
}

# th::ckill --
#
#	SIGKILL to a child, and reap it.

proc ::th::ckill {chan} {
    set pid [pid $chan]
    exec kill -KILL {*}$pid
    wait_until {$::th::dead($chan)} 5000
    Reap $chan
}

# th::cclose --
#
#	Ends a child in order: EOF on its stdin makes it destroy its
#	clusters and exit; waits for that (at most 5 s, then SIGKILL).

proc ::th::cclose {chan} {
    variable dead
    catch {close $chan write}
    wait_until {$::th::dead($chan)} 5000
    if {!$dead($chan)} {
	catch {exec kill -KILL {*}[pid $chan]}
    }
    Reap $chan
}

# th::Reap --
#
#	A blocking close reaps the child (its status, when killed, is an
#	error we expect): only then are all its sockets surely closed. Then
#	forget everything about it.

proc ::th::Reap {chan} {
    variable children
    catch {fileevent $chan readable {}}
    fconfigure $chan -blocking 1
    catch {close $chan}
    set children [lsearch -all -inline -exact -not $children $chan]
    Forget $chan
}

proc ::th::Forget {chan} {
    variable reply
    variable events
    variable lines
    variable dead
    unset -nocomplain reply($chan) events($chan) lines($chan) dead($chan)
}

# th::child_alive --
#
#	1 if the process still exists (not yet reaped counts as alive).

proc ::th::child_alive {pid} {
    return [file exists /proc/$pid]
}

# th::script --
#
#	Starts a child running a script file as is (the README examples),
#	collecting its stdout lines; see th::lines.

proc ::th::script {file} {
    return [Spawn $file lines ::th::ScriptReadable]
}

proc ::th::ScriptReadable {chan} {
    variable lines
    variable dead
    while {[gets $chan line] >= 0} {
	lappend lines($chan) $line
	set ::th::wake line
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	set dead($chan) 1
	set ::th::wake line
    }
}

proc ::th::lines {chan} {
    variable lines
    return $lines($chan)
}

# th::run_in_netns --
#
#	Runs a Tcl script in a child tclsh inside a network namespace of its
#	own (unshare -n, loopback only, brought up), so that a test can use
#	-remote 1 or more without any packet leaving the machine. The script
#	has the cluster package loaded and its output is the result.

proc ::th::run_in_netns {script} {
    set file /tmp/cluster-test-[pid]-netns.tcl
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

# th::sskill --
#
#	Closes, from outside, the listening TCP socket on $port (ss -K).

proc ::th::sskill {port} {
    exec {*}[SsCommand] -K -t -l sport = :$port
}

# ss runs without the sanitizer runtime a sanitized build preloads.
proc ::th::SsCommand {} {
    return [list env -u LD_PRELOAD ss]
}

# ----------------------------------------------------------------------
# Constraints, probed. Each file sets those it uses, e.g.
#	testConstraint multicast [th::probe_multicast]
# ----------------------------------------------------------------------

# th::probe_multicast --
#
#	1 when two members on one port can hear each other here.

proc ::th::probe_multicast {} {
    variable group
    variable port
    fresh_port
    if {[catch {
	set a [cluster join -address $group -port $port -heartbeat 1000]
	set b [cluster join -address $group -port $port -heartbeat 1000]
    }]} {
	catch {$a destroy}
	return 0
    }
    set ok [wait_until \
	{[$a known_services] == 1 && [$b known_services] == 1} 2000]
    $a destroy
    $b destroy
    return $ok
}

# th::probe_tcludp --
#
#	1 when TclUDP is there and a datagram it sends to the group reaches a
#	member (in a network namespace with only lo, TclUDP cannot join the
#	group: tests of hostile datagrams then skip instead of failing).

proc ::th::probe_tcludp {} {
    variable group
    variable port
    if {[catch {package require udp}]} {
	return 0
    }
    fresh_port
    if {[catch {cluster join -address $group -port $port -heartbeat 1000 \
	    -protocols c} c]} {
	return 0
    }
    set ok 0
    if {![catch {
	set s [udp_open]
	fconfigure $s -translation binary -buffering none
	fconfigure $s -mcastadd $group
	fconfigure $s -ttl 0 -mcastloop 1
	if {[fconfigure $s -ttl] != 0} {
	    error "the multicast TTL is not 0"
	}
	fconfigure $s -remote [list $group $port]
	puts -nonewline $s [cluster packet encode [list sid probeudp \
	    hid [$c hid] type 1 channel 0 protocols c]]
	flush $s
    }]} {
	set ok [wait_until {[$c known_services] == 1} 1000]
    }
    catch {close $s}
    $c destroy
    return $ok
}

# th::probe_unixsock --
#
#	1 when the u protocol can be served.

proc ::th::probe_unixsock {} {
    variable group
    variable port
    fresh_port
    if {[catch {
	set a [cluster join -address $group -port $port -heartbeat 1000 \
		-protocols {u c} -u [list path [sock_path probe]]]
    }]} {
	return 0
    }
    $a destroy
    return 1
}

# th::probe_old_package --
#
#	1 when the pure-Tcl package is at hand: made by
#	shared/tools/original-setup.sh into the directory CLUSTER_OLD_PACKAGE
#	names (by hand only; CI has none).

proc ::th::probe_old_package {} {
    return [expr {[info exists ::env(CLUSTER_OLD_PACKAGE)]
	&& [file isdirectory $::env(CLUSTER_OLD_PACKAGE)/orig]}]
}

# th::oldchild --
#
#	A child tclsh running the pure-Tcl package 1.1.8, joined to our
#	group and port with tag $tag and the options given (by default
#	-heartbeat 1000 -ttl 10), answering queries with "$tag:question".
#	Returns its pipe.

proc ::th::oldchild {tag args} {
    variable group
    variable port
    if {![llength $args]} {
	set args {-heartbeat 1000 -ttl 10}
    }
    set dir $::env(CLUSTER_OLD_PACKAGE)
    set chan [child]
    ceval $chan [format {
	::tcl::tm::path add %1$s/shim %1$s/deps %1$s/orig
	package forget cluster
	package require -exact cluster 1.1.8
	set ::c [cluster join -address %2$s -port %3$s -tags %4$s %5$s]
	$::c hook query {return "%4$s:[dict get $payload data]"}
	list
    } $dir $group $port $tag $args] 10000
    return $chan
}

# th::probe_netns --
#
#	1 when th::run_in_netns can work (unshare -n and ip).

proc ::th::probe_netns {} {
    return [expr {![catch {
	exec unshare -n sh -c {env -u LD_PRELOAD ip link set lo up}
    }]}]
}

# th::probe_debug_close --
#
#	1 when `$cluster debug close-server t` closes the TCP server.

proc ::th::probe_debug_close {} {
    variable group
    variable port
    fresh_port
    if {[catch {cluster join -address $group -port $port \
	    -heartbeat 100000} c]} {
	return 0
    }
    set ok [expr {![catch {$c debug close-server t}]}]
    $c destroy
    return $ok
}

# th::probe_ss_kill --
#
#	1 when `ss -K` can close a listening TCP socket of ours behind our
#	back (root and a kernel with SOCK_DESTROY).

proc ::th::probe_ss_kill {} {
    if {[catch {
	set s [socket -server {apply {{c a p} {close $c}}} \
		-myaddr 127.0.0.1 0]
    }]} {
	return 0
    }
    set p [lindex [fconfigure $s -sockname] 2]
    set ok 0
    if {![catch {sskill $p}]} {
	set ok [catch {close [socket 127.0.0.1 $p]}]
    }
    close $s
    return $ok
}

# ----------------------------------------------------------------------
# Cleanup, and the state each file checks at its end.
# ----------------------------------------------------------------------

# th::cleanup --
#
#	Ends what a test left through the helpers: destroys the members
#	made by th::join that are still alive, ends every child, forgets
#	the background errors collected. Called by each test's -cleanup.
#	A member made with [cluster join] directly is the test's to
#	destroy: th::end_state reports it.

proc ::th::cleanup {} {
    variable members
    variable children
    variable bgerrors
    foreach c $members {
	if {[llength [info commands $c]]} {
	    $c destroy
	}
    }
    set members {}
    foreach chan $children {
	cclose $chan
    }
    set bgerrors {}
}

# th::start_state --
#
#	What a file starts from, after the notifier is up: descriptors,
#	channels, timers. th::end_state compares against it.

proc ::th::start_state {} {
    variable base
    # The first turn of the event loop opens Tcl's own notifier pipe.
    settle 1
    set base [dict create fds [fd_count] channels [lsort [file channels]] \
	    afters [llength [after info]]]
}

# th::end_state --
#
#	What outlived the tests: one line per difference from the start
#	(descriptors, channels, timers, socket files, cluster commands; a
#	member left alive or a child not ended shows there), empty when
#	there is none. Waits a little for disconnects and closes in
#	flight; destroys nothing.

proc ::th::end_state {} {
    variable base
    settle 50
    wait_until {[fd_count] == [dict get $::th::base fds]
	    && [llength [sock_files]] == 0} 2000
    set problems {}
    if {[fd_count] != [dict get $base fds]} {
	lappend problems "fds: [dict get $base fds] at start, [fd_count] now"
    }
    if {[lsort [file channels]] ne [dict get $base channels]} {
	lappend problems "channels: [dict get $base channels] at start,\
		[lsort [file channels]] now"
    }
    if {[llength [after info]] != [dict get $base afters]} {
	lappend problems "timers left: [after info]"
    }
    if {[llength [sock_files]]} {
	lappend problems "socket files left: [sock_files]"
    }
    if {[llength [cluster_commands]]} {
	lappend problems "commands left: [cluster_commands]"
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
    variable bootFile
    catch {file delete $sockDir}
    catch {file delete $bootFile}
}
