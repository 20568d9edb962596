# roundtrip.tcl --
#
#	Query round-trip time between two processes on this machine: a
#	child tclsh joins and answers every query with its data; this
#	process asks it N times in a row (each query waits for the previous
#	one's `done`), over u and over t, and prints min, median, p90, p99,
#	max and mean in microseconds. The first queries over each protocol
#	(connection set-up) are run as warm-up and not counted.
#
#	Usage: tclsh bench/roundtrip.tcl ?count? ?port?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
#	Everything stays on this machine: multicast TTL 0 (-remote 0),
#	loopback TCP, a unix socket under /tmp.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster

set count [expr {$argc > 0 ? [lindex $argv 0] : 1000}]
set port [expr {$argc > 1 ? [lindex $argv 1]
	: 20000 + [pid] % 10000}]
set warmup 50
set base /tmp/cluster-roundtrip-[pid]

# The answering member: joins, answers queries with their data, leaves
# when its stdin closes.
set childScript [string map [list @PORT@ $port @BASE@ $base] {
    package require cluster
    set c [cluster join -port @PORT@ -heartbeat 1000 -ttl 10 \
	    -discoverywait 100 -tags answerer -protocols {u t c} \
	    -u {path @BASE@-answerer.sock}]
    $c hook query {return $data}
    fconfigure stdout -buffering line
    fileevent stdin readable {
	if {[gets stdin line] < 0} {
	    $c destroy
	    exit 0
	}
    }
    puts ready
    vwait forever
}]
set childFile $base-child.tcl
set f [open $childFile w]
puts $f $childScript
close $f

proc fail {message} {
    puts stderr "roundtrip: $message"
    exit 1
}

# wait --
#
#	Run the event loop until $cond is true or $ms passed.

proc wait {cond ms} {
    set deadline [expr {[clock milliseconds] + $ms}]
    while {![uplevel 1 [list expr $cond]]} {
	if {[clock milliseconds] > $deadline} {
	    return 0
	}
	set id [after 5 {set ::wake 1}]
	vwait ::wake
	after cancel $id
    }
    return 1
}

set child [open |[list [info nameofexecutable] $childFile 2>@stderr] r+]
fconfigure $child -buffering line -blocking 0
fileevent $child readable {
    if {[gets $child line] >= 0 && $line eq "ready"} {
	set ::childReady 1
    } elseif {[eof $child]} {
	set ::childReady dead
    }
}
if {![wait {[info exists ::childReady]} 10000] || $::childReady ne "1"} {
    fail "the answering member did not start"
}

set c [cluster join -port $port -heartbeat 1000 -ttl 10 -discoverywait 100 \
	-tags asker -protocols {u t c} -u [list path $base-asker.sock]]
if {![wait {[llength [$c resolve answerer]] == 1
	&& [dict exists [[lindex [$c resolve answerer] 0] props] t]
	&& [dict exists [[lindex [$c resolve answerer] 0] props] u]} 5000]} {
    fail "the answering member was not discovered"
}

proc answered {event} {
    lassign $event e q
    switch -- $e {
	response {
	    set ::answer [$q result]
	}
	done {
	    set ::finished 1
	}
	timeout - error {
	    set ::failed $e
	}
    }
}

# measure --
#
#	N sequential queries over one protocol; a sorted list of round trips
#	in microseconds.

proc measure {c proto n} {
    set times {}
    for {set i 0} {$i < $n} {incr i} {
	set ::finished 0
	set t0 [clock microseconds]
	$c query -resolve answerer -protocols $proto -timeout 5000 \
		-query $i -command answered
	while {!$::finished} {
	    vwait ::finished
	}
	set t1 [clock microseconds]
	if {[info exists ::failed]} {
	    fail "query $i over $proto: $::failed"
	}
	if {$::answer ne $i} {
	    fail "query $i over $proto: wrong answer \"$::answer\""
	}
	lappend times [expr {$t1 - $t0}]
    }
    return [lsort -integer $times]
}

proc percentile {sorted p} {
    set n [llength $sorted]
    set i [expr {int(ceil($p / 100.0 * $n)) - 1}]
    return [lindex $sorted [expr {max(0, min($n - 1, $i))}]]
}

puts [format "Query round trip between two processes, %d sequential\
	queries per protocol (microseconds)" $count]
puts [format "%-9s %8s %8s %8s %8s %8s %8s %9s" protocol min median p90 \
	p99 max mean queries/s]
foreach proto {u t} {
    measure $c $proto $warmup
    set before [dict get [$c stats] $proto packets_out]
    set times [measure $c $proto $count]
    set sent [expr {[dict get [$c stats] $proto packets_out] - $before}]
    if {$sent < $count} {
	fail "only $sent of $count queries went over $proto"
    }
    set total [tcl::mathop::+ {*}$times]
    set mean [expr {$total / double($count)}]
    puts [format "%-9s %8d %8d %8d %8d %8d %8.0f %9.0f" $proto \
	    [lindex $times 0] [percentile $times 50] [percentile $times 90] \
	    [percentile $times 99] [lindex $times end] $mean \
	    [expr {1e6 / $mean}]]
}

$c destroy
close $child write
fconfigure $child -blocking 1
catch {close $child}
file delete $childFile
