# cycles.tcl --
#
#	Whether join and destroy leak: 1,000 lives of a member in one
#	process, each with traffic. A member M joins serving u, t and c, is
#	discovered by an anchor member, answers a query over t, takes an
#	event over u, and leaves; the anchor sees it go and closes its
#	connections. The open descriptors (/proc/self/fd) and the resident
#	memory (VmRSS in /proc/self/status) are printed at the start, after
#	100 cycles and at the end: both must be flat from 100 on (the first
#	cycles fill Tcl's allocator caches and object tables).
#
#	Usage: tclsh bench/cycles.tcl ?cycles?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster

set cycles [expr {$argc > 0 ? [lindex $argv 0] : 1000}]
set port [expr {40000 + [pid] % 10000}]
set group 230.235.[expr {([pid] >> 8) & 255}].[expr {[pid] & 255}]
set prefix /tmp/cluster-cycles-[pid]

proc fail {message} {
    puts stderr "[file tail $::argv0]: $message"
    exit 1
}

# wait --
#
#	Run the event loop until $cond (evaluated at global level) is true,
#	at most $ms milliseconds. 1 when it became true.

proc wait {cond ms} {
    set deadline [expr {[clock milliseconds] + $ms}]
    while {![uplevel #0 [list expr $cond]]} {
	if {[clock milliseconds] > $deadline} {
	    return 0
	}
	set id [after 2 {set ::wake 1}]
	vwait ::wake
	after cancel $id
    }
    return 1
}

proc fds {} {
    return [llength [glob -nocomplain -directory /proc/self/fd *]]
}

proc rss {} {
    set f [open /proc/self/status]
    set status [read $f]
    close $f
    if {![regexp {VmRSS:\s+(\d+)} $status -> kb]} {
	return 0
    }
    return $kb
}

proc member {tag} {
    return [cluster join -port $::port -address $::group -tags $tag \
	    -heartbeat 600000 -protocols {u t c} \
	    -u [list path $::prefix-$tag.sock]]
}

# ready --
#
#	Whether $c knows a service tagged $tag with the props of its stream
#	protocols.

proc ready {c tag} {
    set s [lindex [$c resolve $tag] 0]
    if {$s eq ""} {
	return 0
    }
    foreach p [$s protocols] {
	if {$p ne "c" && ![dict exists [$s props] $p]} {
	    return 0
	}
    }
    return 1
}

proc answered {event} {
    lassign $event e q
    if {$e eq "response"} {
	set ::answer [$q result]
    }
}

# cycle --
#
#	One life of M, with the anchor $anchor.

proc cycle {anchor i} {
    set m [member M]
    $m hook query {return "answer $data"}
    $m hook event {set ::event $data}
    unset -nocomplain ::answer ::event
    if {![wait "\[ready $anchor M\]" 3000]} {
	fail "cycle $i: the anchor did not discover the member"
    }
    $anchor query -resolve M -protocols t -query $i -timeout 3000 \
	    -command answered
    $anchor send -resolve M -protocols u -data $i
    if {![wait {[info exists ::answer] && [info exists ::event]} 3000]} {
	fail "cycle $i: no answer or no event"
    }
    $m destroy
    if {![wait "\[$anchor known_services\] == 0\
	    && \[dict get \[$anchor stats\] streams open\] == 0" 3000]} {
	fail "cycle $i: the anchor still knows the member"
    }
}

set anchor [member Anchor]
# The first turn of the event loop opens Tcl's notifier pipe.
after 1 {set ::wake 1}
vwait ::wake

set rows {}
proc sample {label i t0} {
    lappend ::rows [list $label $i [fds] [rss] \
	    [expr {[clock milliseconds] - $t0}]]
}

set t0 [clock milliseconds]
sample start 0 $t0
for {set i 1} {$i <= $cycles} {incr i} {
    cycle $anchor $i
    if {$i == 100 && $cycles > 100} {
	sample "after 100" $i $t0
    }
}
sample end $cycles $t0
$anchor destroy

puts "Tcl [info patchlevel], cluster [package present cluster]:\
	$cycles join/destroy cycles, each with a query over t and an event\
	over u"
puts [format "%-10s %7s %5s %11s %8s" point cycles fds "VmRSS kB" ms]
foreach r $rows {
    lassign $r label i fds rss ms
    puts [format "%-10s %7d %5d %11d %8d" $label $i $fds $rss $ms]
}
lassign [lindex $rows 0] - - fdsStart
lassign [lindex $rows end-1] - n1 fds1 rss1 ms1
lassign [lindex $rows end] - n2 fds2 rss2 ms2
if {$n2 > $n1} {
    puts [format "%.2f ms per cycle; from cycle %d to %d: fds %+d, VmRSS\
	    %+d kB (%.2f kB per cycle)" \
	    [expr {double($ms2 - $ms1) / ($n2 - $n1)}] $n1 $n2 \
	    [expr {$fds2 - $fds1}] [expr {$rss2 - $rss1}] \
	    [expr {double($rss2 - $rss1) / ($n2 - $n1)}]]
}
puts "flat: [expr {$fds2 == $fdsStart && $fds2 == $fds1
	&& $rss2 - $rss1 < 1024 ? "yes" : "NO"}]"
