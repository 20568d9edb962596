# discovery.tcl --
#
#	How long discovery takes on this machine: the time from a second
#	member's join until both members' `service discovered` hooks have
#	run, in one process and across two processes. Median and worst of
#	20 rounds each. A benchmark, not a test: it prints, it asserts
#	nothing. Run it with "make bench" or, from a build directory,
#	TCLLIBPATH=. tclsh ../bench/discovery.tcl
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require cluster

set rounds 20
set basePort [expr {40000 + [pid] % 10000}]

proc median {values} {
    set sorted [lsort -real $values]
    return [lindex $sorted [expr {[llength $sorted] / 2}]]
}

proc wait {varName ms} {
    set timer [after $ms [list set $varName timeout]]
    vwait $varName
    after cancel $timer
    return [set $varName]
}

# One process: A joins, then B; both hooks must run.
proc InProcess {port} {
    set ::seen {}
    set a [cluster join -port $port -heartbeat 60000]
    $a hook service discovered {lappend ::seen a; set ::ev 1}
    set t0 [clock microseconds]
    set b [cluster join -port $port -heartbeat 60000]
    $b hook service discovered {lappend ::seen b; set ::ev 1}
    while {[llength $::seen] < 2} {
	if {[wait ::ev 2000] eq "timeout"} {
	    break
	}
    }
    set ms [expr {([clock microseconds] - $t0) / 1000.0}]
    $a destroy
    $b destroy
    return [expr {[llength $::seen] == 2 ? $ms : "lost"}]
}

# Two processes: a child joins and reports when it discovered us; we
# measure from the moment the child says it is about to join.
set childScript {
    package require cluster
    fconfigure stdout -buffering line
    set port [lindex $argv 0]
    puts ready
    gets stdin
    set c [cluster join -port $port -heartbeat 60000]
    $c hook service discovered {puts discovered}
    fileevent stdin readable {set ::stop 1}
    vwait ::stop
    $c destroy
}

set childFile [file tempfile childPath discovery-child.tcl]
puts $childFile $childScript
close $childFile

proc CrossProcess {port} {
    global childPath
    set chan [open |[list [info nameofexecutable] $childPath $port] r+]
    fconfigure $chan -buffering line
    gets $chan
    set ::seen {}
    set a [cluster join -port $port -heartbeat 60000]
    $a hook service discovered {lappend ::seen a; set ::ev 1}
    fileevent $chan readable [list apply {{chan} {
	if {[gets $chan line] >= 0 && $line eq "discovered"} {
	    lappend ::seen child
	    set ::ev 1
	}
    }} $chan]
    set t0 [clock microseconds]
    puts $chan go
    while {[llength $::seen] < 2} {
	if {[wait ::ev 2000] eq "timeout"} {
	    break
	}
    }
    set ms [expr {([clock microseconds] - $t0) / 1000.0}]
    fileevent $chan readable {}
    puts $chan stop
    close $chan
    $a destroy
    return [expr {[llength $::seen] == 2 ? $ms : "lost"}]
}

foreach {label proc} {"one process" InProcess "two processes" CrossProcess} {
    set times {}
    set lost 0
    for {set i 0} {$i < $rounds} {incr i} {
	set ms [$proc [expr {$basePort + $i}]]
	if {$ms eq "lost"} {
	    incr lost
	} else {
	    lappend times $ms
	}
    }
    if {[llength $times]} {
	puts [format "discovery, %-13s  median %7.2f ms  worst %7.2f ms\
		(%d rounds, %d lost)" $label [median $times] \
		[tcl::mathfunc::max {*}$times] $rounds $lost]
    } else {
	puts "discovery, $label: every round lost"
    }
}
file delete $childPath
