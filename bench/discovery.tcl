# discovery.tcl --
#
#	How long discovery takes on this machine: the time from a second
#	member's join until both members' `service discovered` hooks have
#	run, across two processes (the target) and, for reference, in one
#	process. Median and worst of 20 rounds, each on a multicast port of
#	its own.
#
#	Two processes: the child is told "go" over its stdin pipe, joins,
#	and writes "discovered" when its hook runs; we join first and time
#	from "go" until both hooks ran. Baseline, in the same run: the same
#	exchange with a child that answers "discovered" at once without
#	joining, i.e. what the measuring harness itself costs (a pipe round
#	trip through two Tcl event loops).
#
#	Target: median below 20 ms across two processes.
#
#	Usage: tclsh bench/discovery.tcl ?rounds?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
source [file join [file dirname [file normalize [info script]]] \
	lib common.tcl]

set rounds [expr {$argc > 0 ? [lindex $argv 0] : 20}]
set basePort [expr {40000 + [pid] % 10000}]

proc await {varName ms} {
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
	if {[await ::ev 2000] eq "timeout"} {
	    break
	}
    }
    set ms [expr {([clock microseconds] - $t0) / 1000.0}]
    $a destroy
    $b destroy
    return [expr {[llength $::seen] == 2 ? $ms : "lost"}]
}

# The child: on each "go PORT" it joins on PORT (or, with "echo", only
# answers) and writes "discovered" when its hook runs; "stop" leaves.
set child [bench::child {
    package require cluster
    fconfigure stdout -buffering line
    proc command {} {
	if {[gets stdin line] < 0} {
	    exit 0
	}
	lassign $line what port
	switch -- $what {
	    go {
		set ::c [cluster join -port $port -heartbeat 60000]
		$::c hook service discovered {puts discovered}
	    }
	    echo {
		puts discovered
	    }
	    stop {
		if {[info exists ::c]} {
		    $::c destroy
		    unset ::c
		}
		puts stopped
	    }
	}
    }
    fileevent stdin readable command
    puts ready
    vwait forever
}]
bench::expect $child ready

proc CrossProcess {how port} {
    global child
    set ::seen {}
    if {$how eq "go"} {
	set a [cluster join -port $port -heartbeat 60000]
	$a hook service discovered {lappend ::seen a; set ::ev 1}
    } else {
	lappend ::seen a
    }
    fconfigure $child -blocking 0
    fileevent $child readable {
	while {[gets $child line] >= 0} {
	    if {$line eq "discovered"} {
		lappend ::seen child
		set ::ev 1
	    }
	}
    }
    set t0 [clock microseconds]
    puts $child [list $how $port]
    while {[llength $::seen] < 2} {
	if {[await ::ev 2000] eq "timeout"} {
	    break
	}
    }
    set ms [expr {([clock microseconds] - $t0) / 1000.0}]
    fileevent $child readable {}
    puts $child stop
    bench::expect $child stopped
    if {$how eq "go"} {
	$a destroy
    }
    return [expr {[llength $::seen] == 2 ? $ms : "lost"}]
}

# measure --
#
#	$rounds rounds of a scenario; {times lost}.

proc measure {script} {
    global rounds basePort
    set times {}
    set lost 0
    for {set i 0} {$i < $rounds} {incr i} {
	set ms [{*}$script [expr {$basePort + $i}]]
	if {$ms eq "lost"} {
	    incr lost
	} else {
	    lappend times $ms
	}
    }
    return [list $times $lost]
}

puts "discovery: [bench::machine], $rounds rounds"
lassign [measure {CrossProcess echo}] harness
lassign [measure {CrossProcess go}] cross crossLost
lassign [measure InProcess] inproc inprocLost
bench::endChild $child

if {[llength $cross] == 0} {
    bench::fail "every round across two processes was lost"
}
set harnessMedian [bench::median $harness]
bench::row "two processes, median" ms [bench::median $cross] \
	$harnessMedian "harness only" {max 20} "< 20 ms"
bench::row "two processes, worst" ms [tcl::mathfunc::max {*}$cross] \
	[tcl::mathfunc::max {*}$harness] "harness only" {}
if {[llength $inproc]} {
    bench::row "one process, median" ms [bench::median $inproc] "" "" {}
    bench::row "one process, worst" ms [tcl::mathfunc::max {*}$inproc] \
	    "" "" {}
}
bench::table "Discovery: second member's join to `service discovered` on\
	both sides ($rounds rounds; lost: $crossLost two processes,\
	$inprocLost one process)"
