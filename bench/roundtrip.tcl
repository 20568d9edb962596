# roundtrip.tcl --
#
#	Query round trip between two processes on this machine: a child
#	tclsh joins and answers every query with its data; this process asks
#	it N times in a row (each query waits for the previous one's `done`)
#	over u, t and c, and reports the median and p99 in microseconds. The
#	first queries over each protocol (connection set-up) are warm-up and
#	not counted.
#
#	Baselines, in the same run and with messages of the size of the
#	query packets just measured:
#	  - the C floor (bench/floor.c): a blocking ping-pong between two
#	    processes over a unix stream socket, TCP on 127.0.0.1, and UDP
#	    multicast in a group on one port with TTL 0, as the extension
#	    opens it;
#	  - a plain Tcl echo: two tclsh processes, [socket] on 127.0.0.1,
#	    -buffering line, both ends driven by fileevent and vwait as a Tcl
#	    application would be. Tcl 8.6 has no unix or UDP sockets, so
#	    every protocol is compared with this TCP echo.
#
#	Targets: median below 2x the C floor over the same transport, and
#	below the Tcl echo.
#
#	Usage: tclsh bench/roundtrip.tcl ?count? ?port?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
#	Everything stays on this machine: multicast TTL 0 (-remote 0),
#	loopback TCP, unix sockets under /tmp.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
source [file join [file dirname [file normalize [info script]]] \
	lib common.tcl]

set count [expr {$argc > 0 ? [lindex $argv 0] : 1000}]
set port [expr {$argc > 1 ? [lindex $argv 1]
	: 20000 + [pid] % 10000}]
set warmup 50
set base /tmp/cluster-roundtrip-[pid]

# The answering member: joins, answers queries with their data, leaves
# when its stdin closes.
set answerer [bench::child [string map [list @PORT@ $port @BASE@ $base] {
    package require cluster
    set c [cluster join -port @PORT@ -heartbeat 1000 -ttl 10 \
	    -discoverywait 100 -tags answerer -protocols {u t c} \
	    -u {path @BASE@-answerer.sock}]
    $c hook query {return $data}
    fileevent stdin readable {
	if {[gets stdin line] < 0} {
	    $c destroy
	    exit 0
	}
    }
    puts ready
    vwait forever
}]]
bench::expect $answerer ready

lassign [bench::joinAndFind $port asker $base answerer] c service

# The plain Tcl echo over TCP: the child echoes lines; we send lines of
# the query packet's size and wait for each echo in the event loop.
set echo [bench::child {
    proc accept {chan addr port} {
	fconfigure $chan -buffering line -translation lf
	fileevent $chan readable [list echo $chan]
    }
    proc echo {chan} {
	if {[gets $chan line] < 0} {
	    if {[eof $chan]} {
		close $chan
	    }
	    return
	}
	puts $chan $line
    }
    set server [socket -server accept -myaddr 127.0.0.1 0]
    puts "port [lindex [fconfigure $server -sockname] 2]"
    fileevent stdin readable {
	if {[gets stdin line] < 0} {
	    exit 0
	}
    }
    vwait forever
}]
set echoPort [lindex [bench::expect $echo port] 1]
set sock [socket 127.0.0.1 $echoPort]
fconfigure $sock -buffering line -translation lf -blocking 0
fileevent $sock readable {
    if {[gets $sock line] >= 0} {
	set ::echoed 1
    }
}

# echoes --
#
#	N sequential round trips of a line through the Tcl echo; the list
#	of times in microseconds.

proc echoes {message n} {
    global sock
    set times {}
    for {set i 0} {$i < $n} {incr i} {
	set ::echoed 0
	set t0 [clock microseconds]
	puts $sock $message
	while {!$::echoed} {
	    vwait ::echoed
	}
	lappend times [expr {[clock microseconds] - $t0}]
    }
    return $times
}

# Warm up every path, and learn the size of a query packet (all packets
# on t are queries).
puts "roundtrip: [bench::machine], $count sequential queries per protocol"
foreach proto {u t c} {
    set before [dict get [$c stats] $proto]
    bench::queryTimes $c $proto $warmup
    set after [dict get [$c stats] $proto]
    if {[dict get $after packets_out] - [dict get $before packets_out]
	    < $warmup} {
	bench::fail "the queries did not go over $proto"
    }
    if {$proto eq "t"} {
	set packetSize [expr {([dict get $after bytes_out]
		- [dict get $before bytes_out]) / $warmup}]
    }
    set times($proto) {}
    set floorTimes($proto) {}
}
set message [string repeat x [expr {max(1, $packetSize - 1)}]]
echoes $message $warmup
set echoTimes {}

# The machine is shared: measure in blocks, each protocol, its floor and
# the echo in turn, so that a noisy moment hits all of them alike.
set blocks 5
set perBlock [expr {max(1, $count / $blocks)}]
for {set b 0} {$b < $blocks} {incr b} {
    foreach {proto transport} {u unix t tcp c mcast} {
	lappend times($proto) {*}[bench::queryTimes $c $proto $perBlock]
	set fl [bench::runFloor pingpong $transport $packetSize $perBlock \
		10 raw]
	if {[dict exists $fl times]} {
	    lappend floorTimes($proto) {*}[dict get $fl times]
	}
    }
    lappend echoTimes {*}[echoes $message $perBlock]
}
$c destroy
bench::endChild $answerer
close $sock
bench::endChild $echo

set echoMedian [bench::median $echoTimes]
foreach proto {u t c} {
    set fl $floorTimes($proto)
    set of "C floor [dict get {u unix t tcp c mcast} $proto]"
    set median [bench::median $times($proto)]
    bench::row "$proto query median" us $median \
	    [expr {[llength $fl] ? [bench::median $fl] : ""}] \
	    $of {ratioBelow 2} "< 2x floor"
    bench::row "$proto query median" us $median $echoMedian "Tcl echo tcp" \
	    {ratioBelow 1} "< Tcl echo"
    bench::row "$proto query p99" us [bench::percentile $times($proto) 99] \
	    [expr {[llength $fl] ? [bench::percentile $fl 99] : ""}] $of {}
}
bench::row "Tcl echo p99 (reference)" us \
	[bench::percentile $echoTimes 99] "" "" {}
bench::table "Query round trip, two processes, [llength $times(u)]\
	sequential per protocol, $packetSize-byte query packets\
	(microseconds; $blocks interleaved blocks)"
