# demo.tcl --
#
#	Two members discover each other and one answers the other's query.
#	This process joins with the tag "asker" and starts a second tclsh
#	(demo/answerer.tcl) that joins with the tag "answerer". Each prints
#	what it learns of the other; the asker then queries the answerer,
#	prints the answer and both leave. Run it with "make demo".
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require cluster

set here [file dirname [file normalize [info script]]]
# A group of our own, so that the demo does not talk to anything else.
set port [expr {20000 + [pid] % 20000}]

set cluster [cluster join -port $port -tags {asker} -heartbeat 1000]
puts "asker:    joined as [$cluster uuid], serving [$cluster props]"

$cluster hook service discovered {
    puts "asker:    discovered [$service sid] on [$service ip],\
	    tags [$service tags], props [$service props]"
    if {"answerer" in [$service tags]} {
	set ::answerer $service
    }
}

# The second member, in its own process.
set child [open |[list [info nameofexecutable] \
	[file join $here answerer.tcl] $port] r]
fconfigure $child -buffering line
fileevent $child readable {
    if {[gets $child line] >= 0} {
	puts $line
    } elseif {[eof $child]} {
	close $child
	set ::childDone 1
    }
}

proc Answer {event} {
    lassign $event action query
    switch -- $action {
	response {
	    puts "asker:    [$query service] answered: [$query result]"
	}
	error {
	    puts "asker:    [$query service] failed: [$query error]"
	}
	timeout {
	    puts "asker:    no answer in time"
	}
	done {
	    set ::done 1
	}
    }
}

set watchdog [after 10000 {set ::answerer {}; set ::done timeout}]
vwait ::answerer
if {$::answerer ne ""} {
    set started [clock microseconds]
    $cluster query -resolve answerer -query {clock format 0 -gmt 1} \
	    -command Answer -timeout 5000
    vwait ::done
    puts "asker:    query round trip\
	    [expr {([clock microseconds] - $started) / 1000.0}] ms"
}
after cancel $watchdog

# Leaving sends a disconnect: the answerer sees us go and exits.
$cluster destroy
if {![info exists ::childDone]} {
    set watchdog [after 5000 {set ::childDone timeout}]
    vwait ::childDone
    after cancel $watchdog
}
exit [expr {$::done eq "1" ? 0 : 1}]
