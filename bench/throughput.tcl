# throughput.tcl --
#
#	Events per second, one sender to one receiver, two processes, over u
#	and t: this process sends N small events, pipelined (`$c send` in a
#	loop, in batches with `update` between them so that its own event
#	loop writes what the sockets take, and no more than a window of
#	packets unwritten); the child counts them in its `event` hook and
#	reports the time it had them all. Then the same with 1 MB events,
#	as bytes per second.
#
#	Baseline, in the same run: the C floor (bench/floor.c throughput
#	mode), two processes, one blocking write per message of the same
#	packet size over the same transport, the reader counting bytes.
#	Each figure is the best of three runs, the cluster's and the
#	floor's taken in turn, since the machine is shared.
#
#	Targets: at least 100,000 small events/s; for 1 MB events at least
#	half the C floor's bytes/s.
#
#	Usage: tclsh bench/throughput.tcl ?small-count? ?big-count?
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

set smallCount [expr {$argc > 0 ? [lindex $argv 0] : 100000}]
set bigCount [expr {$argc > 1 ? [lindex $argv 1] : 100}]
set port [expr {20000 + ([pid] + 4321) % 10000}]
set base /tmp/cluster-throughput-[pid]

# The receiving member: counts events; "expect N" on stdin starts a count,
# "done T N" on stdout (T in microseconds) ends it.
set receiver [bench::child [string map [list @PORT@ $port @BASE@ $base] {
    package require cluster
    fconfigure stdout -buffering line
    set c [cluster join -port @PORT@ -heartbeat 1000 -ttl 10 \
	    -discoverywait 100 -tags receiver -protocols {u t c} \
	    -u {path @BASE@-receiver.sock}]
    set ::n 0
    set ::want -1
    $c hook event {
	if {[incr ::n] == $::want} {
	    puts "done [clock microseconds] $::n"
	}
    }
    fileevent stdin readable {
	if {[gets stdin line] < 0} {
	    $c destroy
	    exit 0
	}
	set ::n 0
	set ::want [lindex $line 1]
	puts ok
    }
    puts ready
    vwait forever
}]]
bench::expect $receiver ready

lassign [bench::joinAndFind $port sender $base receiver] c service

# run --
#
#	Send $total events carrying $data over $proto, $batch per turn of
#	the event loop, at most $window unwritten. Returns {seconds
#	packetBytes}: the time from the first send to the receiver's last
#	event, and the size of one packet.

proc run {proto data total batch window} {
    global c service receiver
    puts $receiver "expect $total"
    bench::expect $receiver ok
    set before [dict get [$c stats] $proto]
    set written 0
    set sent 0
    set t0 [clock microseconds]
    while {$sent < $total} {
	set n [expr {min($batch, $total - $sent)}]
	for {set i 0} {$i < $n} {incr i} {
	    $c send -services $service -protocols $proto -data $data
	}
	incr sent $n
	update
	while {$sent - $written > $window} {
	    set written [expr {[dict get [$c stats] $proto packets_out]
		    - [dict get $before packets_out]}]
	    if {$sent - $written > $window} {
		after 1 {set ::bench::wake 1}
		vwait ::bench::wake
	    }
	}
    }
    set line [bench::expect $receiver done 60000]
    set t1 [lindex $line 1]
    set after [dict get [$c stats] $proto]
    set packets [expr {[dict get $after packets_out]
	    - [dict get $before packets_out]}]
    if {$packets != $total} {
	bench::fail "$packets of $total events went over $proto"
    }
    set bytes [expr {[dict get $after bytes_out]
	    - [dict get $before bytes_out]}]
    return [list [expr {($t1 - $t0) / 1e6}] [expr {$bytes / $total}]]
}

# best --
#
#	The best of three runs of $count events of $data over $proto, each
#	followed by a run of the floor with packets of the same size:
#	{events/s bytes/s floorEvents/s floorBytes/s packetSize}.

proc best {proto transport data count batch window} {
    set rate 0
    set floorRate 0
    for {set i 0} {$i < 3} {incr i} {
	lassign [run $proto $data $count $batch $window] seconds size
	set rate [expr {max($rate, $count / $seconds)}]
	set fl [bench::runFloor throughput $transport $size $count]
	if {[dict exists $fl msgs_per_s]} {
	    set floorRate [expr {max($floorRate, [dict get $fl msgs_per_s])}]
	}
    }
    return [list $rate [expr {$rate * $size}] $floorRate \
	    [expr {$floorRate * $size}] $size]
}

puts "throughput: [bench::machine]"
set small "event-0123456789"
set big [string repeat "0123456789abcdef" 65536]
foreach {proto transport} {u unix t tcp} {
    run $proto $small 2000 500 2000
    lassign [best $proto $transport $small $smallCount 500 4000] \
	    rate - floorRate - size
    bench::row "$proto small events ($size B)" events/s $rate \
	    [expr {$floorRate > 0 ? $floorRate : ""}] "C floor $transport" \
	    {min 100000} ">= 100000/s"

    run $proto $big 4 4 4
    lassign [best $proto $transport $big $bigCount 2 8] \
	    - bytes - floorBytes
    bench::row "$proto 1 MB events" MB/s [expr {$bytes / 1048576.0}] \
	    [expr {$floorBytes > 0 ? $floorBytes / 1048576.0 : ""}] \
	    "C floor $transport" {ratioAbove 0.5} ">= 0.5x floor"
}
$c destroy
bench::endChild $receiver
bench::table "Throughput, one sender to one receiver, two processes\
	($smallCount small events, $bigCount events of 1 MB; best of 3)"
