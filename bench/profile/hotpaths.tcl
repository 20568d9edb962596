# hotpaths.tcl --
#
#	Drives one hot path N times, for a profiler: run this process under
#	valgrind --tool=callgrind (its children are not traced) and compare
#	the instruction counts of two runs with different N to get the cost
#	of one operation. bench/profile/callgrind.sh does that for every
#	path.
#
#	    tclsh hotpaths.tcl encode N	   encode a heartbeat N times
#	    tclsh hotpaths.tcl decode N	   decode a heartbeat N times
#	    tclsh hotpaths.tcl send u|t N ?size?
#		send N events to a child (data of `size` bytes, default 10)
#	    tclsh hotpaths.tcl receive u|t N ?size?
#		receive N events from a child (counted in the event hook)
#	    tclsh hotpaths.tcl ask u|t|c N	   ask a child N queries in a row
#	    tclsh hotpaths.tcl answer u|t|c N  answer N queries of a child
#
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#	Everything stays on this machine: -remote 0, loopback, /tmp.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
source [file join [file dirname [file dirname [file normalize \
	[info script]]]] lib common.tcl]

lassign $argv mode proto count size
if {$size eq ""} {
    set data event-0123
} else {
    set data [string repeat x $size]
}
if {$mode in {encode decode}} {
    set count $proto
}
set heartbeat [dict create sid a1B2c3D4 hid 02:fc:00:00:00:01 type 1 \
	channel 0 protocols {t c} data {t {port 40001}} known 2 tags {a b}]
# The loops are procs, so that the harness itself costs little.
proc encodeLoop {payload count} {
    for {set i 0} {$i < $count} {incr i} {
	cluster::packet encode $payload
    }
}
proc decodeLoop {packet count} {
    for {set i 0} {$i < $count} {incr i} {
	cluster::packet decode $packet
    }
}
switch -- $mode {
    encode {
	encodeLoop $heartbeat $count
	exit 0
    }
    decode {
	decodeLoop [cluster::packet encode $heartbeat] $count
	exit 0
    }
}

set port [expr {20000 + ([pid] + 777) % 10000}]
set base /tmp/cluster-hotpaths-[pid]

# The child plays the other side: it receives, sends, answers or asks,
# as told on stdin ("send PROTO N", "ask PROTO N"), and says "done".
set child [bench::child [string map [list @PORT@ $port @BASE@ $base] {
    package require cluster
    fconfigure stdout -buffering line
    set c [cluster join -port @PORT@ -heartbeat 1000 -ttl 30 \
	    -discoverywait 100 -tags child -protocols {u t c} \
	    -u {path @BASE@-child.sock}]
    $c hook query {return $data}
    set ::n 0
    set ::want -1
    $c hook event {
	if {[incr ::n] == $::want} {
	    puts done
	}
    }
    proc answered {event} {
	if {[lindex $event 0] eq "done"} {
	    set ::finished 1
	}
    }
    fileevent stdin readable {
	if {[gets stdin line] < 0} {
	    $c destroy
	    exit 0
	}
	lassign $line what proto howMany size
	if {$size eq ""} {
	    set data event-0123
	} else {
	    set data [string repeat x $size]
	}
	set peer [lindex [$c resolve parent] 0]
	switch -- $what {
	    expect {
		set ::n 0
		set ::want $howMany
		puts ok
	    }
	    send {
		for {set i 0} {$i < $howMany} {incr i} {
		    $c send -services $peer -protocols $proto -data $data
		    if {$i % 100 == 99 || [string length $data] > 1000} {
			update
		    }
		}
	    }
	    ask {
		for {set i 0} {$i < $howMany} {incr i} {
		    set ::finished 0
		    $c query -resolve parent -protocols $proto \
			    -timeout 60000 -query $i -command answered
		    while {!$::finished} {
			vwait ::finished
		    }
		}
		puts done
	    }
	}
    }
    puts ready
    vwait forever
}]]
bench::expect $child ready 60000

set c [cluster join -port $port -heartbeat 1000 -ttl 30 -discoverywait 100 \
	-tags parent -protocols {u t c} -u [list path $base-parent.sock]]
$c hook query {return $data}
if {![bench::wait {[llength [$c resolve child]] == 1
	&& [dict exists [[lindex [$c resolve child] 0] props] t]
	&& [dict exists [[lindex [$c resolve child] 0] props] u]} 60000]} {
    bench::fail "the child member was not discovered"
}
set service [lindex [$c resolve child] 0]
set ::n 0
set ::want -1
$c hook event {
    if {[incr ::n] == $::want} {
	set ::finished 1
    }
}
proc answered {event} {
    if {[lindex $event 0] eq "done"} {
	set ::finished 1
    }
}

proc sendLoop {c service proto data count} {
    for {set i 0} {$i < $count} {incr i} {
	$c send -services $service -protocols $proto -data $data
	if {$i % 100 == 99 || [string length $data] > 1000} {
	    update
	}
    }
}
proc askLoop {c proto count} {
    for {set i 0} {$i < $count} {incr i} {
	set ::finished 0
	$c query -resolve child -protocols $proto -timeout 60000 \
		-query $i -command answered
	while {!$::finished} {
	    vwait ::finished
	}
    }
}

switch -- $mode {
    send {
	puts $child "expect $proto $count"
	bench::expect $child ok 60000
	sendLoop $c $service $proto $data $count
	bench::expect $child done 600000
    }
    receive {
	set ::want $count
	set ::finished 0
	puts $child "send $proto $count $size"
	while {!$::finished} {
	    vwait ::finished
	}
    }
    ask {
	askLoop $c $proto $count
    }
    answer {
	puts $child "ask $proto $count"
	bench::expect $child done 600000
    }
    default {
	bench::fail "unknown mode \"$mode\""
    }
}
$c destroy
bench::endChild $child
