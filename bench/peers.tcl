# peers.tcl --
#
#	What unicast peers cost (cluster join -peers, doc/protocol.md
#	section 5.8): N members (default 5, 20 and 50) on 127.0.0.1, each
#	on a multicast group of its own so that multicast joins nobody, each
#	given one seed (the member before it; the first none), spread over
#	a few tclsh processes. We measure
#	  - convergence: the time from the common start until every member
#	    knows every other;
#	  - the datagrams sent during that storm, per member;
#	  - steady state: datagrams each member sends and receives per
#	    heartbeat interval (-heartbeat 1000), over its peer socket and
#	    over c, and the probes of failure detection (over t) apart.
#
#	Baseline, in the same run: the same N members on one multicast
#	group without -peers, in one process, where a heartbeat costs one
#	datagram.
#
#	Usage: tclsh bench/peers.tcl ?-steady S? ?N ...?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
source [file join [file dirname [file normalize [info script]]] \
	lib common.tcl]

set PROCESSES 5
set HEARTBEAT 1000

# The child: members of one process. "go FIRST COUNT TOTAL AT HB PEERS
# BASE PORT" joins members FIRST .. FIRST+COUNT-1 at wall clock AT: with PEERS
# 1, member i on a group of its own with -peerport BASE+i and the seed
# BASE+i-1; with 0, all on one group. It writes "converged OK MS SENT" once
# each knows TOTAL-1 others (OK 0: not after 30 s); "steady S" writes
# the datagrams sent and received over S seconds: peers out, peers in,
# c out, t out; EOF leaves.
set childScript {
    package require cluster
    fconfigure stdout -buffering line

    proc sum {args} {
	set n 0
	foreach c $::members {
	    if {[dict exists [$c stats] {*}$args]} {
		incr n [dict get [$c stats] {*}$args]
	    }
	}
	return $n
    }
    proc go {first count total at heartbeat peers base port} {
	set ::members {}
	set ::done 0
	set ::want [expr {$total - 1}]
	set wait [expr {$at - [clock milliseconds]}]
	if {$wait > 0} {
	    after $wait
	}
	for {set i $first} {$i < $first + $count} {incr i} {
	    set options [list -port $port -heartbeat $heartbeat -ttl 3600]
	    if {$peers} {
		set seeds {}
		if {$i > 0} {
		    set seeds [list 127.0.0.1:[expr {$base + $i - 1}]]
		}
		lappend options -address 230.233.[expr {$i >> 8}].[expr {
		    $i & 255}] -peers $seeds -peerport [expr {$base + $i}]
	    } else {
		lappend options -address 230.233.255.1
	    }
	    set c [cluster join {*}$options]
	    lappend ::members $c
	    set ::known($c) 0
	    $c hook service discovered {
		if {[incr ::known($cluster)] == $::want} {
		    incr ::done
		}
	    }
	}
	set timer [after 30000 {set ::done timeout}]
	while {$::done ne "timeout" && $::done < $count} {
	    vwait ::done
	}
	after cancel $timer
	set ms [expr {[clock milliseconds] - $at}]
	set sent [expr {[sum peers packets_out] + [sum c packets_out]}]
	puts "converged [expr {$::done ne "timeout"}] $ms $sent"
    }
    proc steady {seconds} {
	set before [list [sum peers packets_out] [sum peers packets_in] \
	    [sum c packets_out] [sum t packets_out]]
	after [expr {int($seconds * 1000)}] {set ::over 1}
	vwait ::over
	set after [list [sum peers packets_out] [sum peers packets_in] \
	    [sum c packets_out] [sum t packets_out]]
	puts "steady [lmap a $after b $before {expr {$a - $b}}]"
    }
    # Commands, one a line, until EOF (bench::endChild).
    while {[gets stdin line] >= 0} {
	[lindex $line 0] {*}[lrange $line 1 end]
    }
    foreach c $::members {
	$c destroy
    }
    exit 0
}

# Run N PEERS STEADY PORT -> dict: ok, ms (convergence), sent (datagrams
# in the storm), and over STEADY seconds: peersOut peersIn cOut tOut.
proc Run {n peers steadySeconds port} {
    # The multicast baseline runs in one process: members of one process
    # share one multicast socket (members of several processes on one
    # group do not all hear each other on this kernel: see BENCHMARKS.md).
    set processes [expr {$peers ? min($n, $::PROCESSES) : 1}]
    set per [expr {($n + $processes - 1) / $processes}]
    set pipes {}
    for {set i 0} {$i < $processes} {incr i} {
	lappend pipes [bench::child $::childScript]
    }
    set at [expr {[clock milliseconds] + 500}]
    set first 0
    set base [expr {40000 + ([pid] % 100) * 100}]
    foreach f $pipes {
	set count [expr {min($per, $n - $first)}]
	puts $f [list go $first $count $n $at $::HEARTBEAT $peers $base \
	    $port]
	incr first $count
    }
    set ok 1
    set worst 0
    set sent 0
    foreach f $pipes {
	lassign [bench::expect $f converged 40000] - what ms packets
	if {!$what} {
	    set ok 0
	}
	set worst [expr {max($worst, $ms)}]
	incr sent $packets
    }
    set steady {0 0 0 0}
    foreach f $pipes {
	puts $f [list steady $steadySeconds]
    }
    foreach f $pipes {
	set steady [lmap a $steady b [lrange [bench::expect $f steady \
	    [expr {$steadySeconds * 1000 + 20000}]] 1 end] {
	    expr {$a + $b}
	}]
    }
    foreach f $pipes {
	bench::endChild $f
    }
    lassign $steady peersOut peersIn cOut tOut
    return [dict create ok $ok ms $worst sent $sent peersOut $peersOut \
	peersIn $peersIn cOut $cOut tOut $tOut]
}

set sizes {}
set steady 5
for {set i 0} {$i < $argc} {incr i} {
    set arg [lindex $argv $i]
    switch -- $arg {
	-steady { set steady [lindex $argv [incr i]] }
	default { lappend sizes $arg }
    }
}
if {![llength $sizes]} {
    set sizes {5 20 50}
}

puts "peers.tcl: N members on 127.0.0.1, each on a group of its own with\
	one seed; -heartbeat $HEARTBEAT ms; steady state over $steady s"
puts [format "%-4s | %-9s | %-12s | %-22s | %-16s | %-12s | %s" N converged \
	"storm sent" "per member per interval" "of which c" "probes (t)" \
	"multicast: converged, per member per interval"]
set port [expr {23500 + [pid] % 400}]
foreach n $sizes {
    set p [Run $n 1 $steady $port]
    set m [Run $n 0 $steady [incr port]]
    incr port
    set intervals [expr {$steady * 1000.0 / $HEARTBEAT}]
    set perOut [expr {([dict get $p peersOut] + [dict get $p cOut])
	/ double($n) / $intervals}]
    set perIn [expr {[dict get $p peersIn] / double($n) / $intervals}]
    set perC [expr {[dict get $p cOut] / double($n) / $intervals}]
    set perT [expr {[dict get $p tOut] / double($n) / $intervals}]
    set mOut [expr {([dict get $m cOut]) / double($n) / $intervals}]
    puts [format "%-4d | %-9s | %-12s | %-22s | %-16s | %-12s | %s, %.1f" \
	$n [expr {[dict get $p ok] ? "[dict get $p ms] ms" : "TIMEOUT"}] \
	"[format %.1f [expr {[dict get $p sent] / double($n)}]]/member" \
	[format "%.1f out, %.1f in" $perOut $perIn] [format %.1f $perC] \
	[format %.1f $perT] \
	[expr {[dict get $m ok] ? "[dict get $m ms] ms" : "TIMEOUT"}] $mOut]
}
