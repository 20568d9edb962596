# scale.tcl --
#
#	How membership scales: N members (default 10, 100 and 500) join at
#	once, spread over as few tclsh processes as the notifier allows,
#	and we measure
#	  - the time from the common start until every member knows every
#	    other (the join storm's convergence);
#	  - the CPU seconds the storm cost (user + system, all processes);
#	  - resident memory per known service (growth of RSS over the storm,
#	    divided by N*(N-1));
#	  - datagrams and stream packets sent in all, and per member;
#	then the steady state: CPU per member per heartbeat interval.
#
#	Members of one process share one multicast socket, so a process
#	needs one descriptor per member for its TCP server plus one, and
#	more for the stream connections that failure detection's probes
#	open; the Tcl 8.6 notifier watches descriptors below 1024 only, so
#	at most MAX_PER_PROCESS members go in one process. With 500 members
#	in one process the probes' connects ran out of watchable
#	descriptors (30,000 connect failures), each failure made a
#	suspicion and each suspicion a probe by every member: 87 packets
#	per member instead of 4.
#
#	Baseline, in the same run: the packets the old design would have
#	sent for the same storm, where every member answers every discovery
#	at once (N heartbeats + N discoveries + N*(N-1) answers), so the
#	ratio shows what suppressing answers saves.
#
#	Usage: tclsh bench/scale.tcl ?-processes P? ?-steady S? ?N ...?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6

set MAX_PER_PROCESS 200

# The child: members of one process. Told "go PORT COUNT TOTAL AT HB" it
# waits until the wall clock reads AT (ms), joins COUNT members with
# -heartbeat HB and writes "converged MS CPU RSS0 RSS1 SENT" once each
# of them knows TOTAL-1 others ("timeout ..." after 20 s). Then "steady
# SECONDS" measures the CPU it spends over that long; "stop" leaves.
set childScript {
    package require cluster
    fconfigure stdout -buffering line

    proc cpuMs {} {
	set f [open /proc/self/stat]
	set fields [split [lindex [split [read $f] )] 1]]
	close $f
	# utime and stime are fields 14 and 15 of stat, in clock ticks
	# (100 per second on Linux).
	return [expr {([lindex $fields 12] + [lindex $fields 13]) * 10}]
    }
    proc rssKb {} {
	set f [open /proc/self/status]
	regexp {VmRSS:\s+(\d+)} [read $f] -> kb
	close $f
	return $kb
    }
    proc sent {} {
	set n 0
	foreach c $::members {
	    set s [$c stats]
	    foreach p {c t u} {
		if {[dict exists $s $p packets_out]} {
		    incr n [dict get $s $p packets_out]
		}
	    }
	}
	return $n
    }
    proc go {port count total at heartbeat} {
	set ::members {}
	set ::done 0
	set ::want [expr {$total - 1}]
	set rss0 [rssKb]
	set cpu0 [cpuMs]
	set wait [expr {$at - [clock milliseconds]}]
	if {$wait > 0} {
	    after $wait
	}
	for {set i 0} {$i < $count} {incr i} {
	    set c [cluster join -port $port -heartbeat $heartbeat -ttl 3600]
	    lappend ::members $c
	    set ::known($c) 0
	    $c hook service discovered {
		if {[incr ::known($cluster)] == $::want} {
		    incr ::done
		}
	    }
	}
	set timer [after 20000 {set ::done timeout}]
	while {$::done ne "timeout" && $::done < $count} {
	    vwait ::done
	}
	after cancel $timer
	set ms [expr {[clock milliseconds] - $at}]
	set what [expr {$::done eq "timeout" ? "timeout" : "converged"}]
	# Count packets once every answer is out: an answer waits at most
	# twice -replywindow (500 ms) after the first discovery it answers.
	after 1100 {set ::settle 1}
	vwait ::settle
	puts "$what $ms [expr {[cpuMs] - $cpu0}] $rss0 [rssKb] [sent]"
    }
    proc steady {seconds} {
	set cpu0 [cpuMs]
	after [expr {int($seconds * 1000)}] {set ::over 1}
	vwait ::over
	puts "steady [expr {[cpuMs] - $cpu0}]"
    }
    while {[gets stdin line] >= 0} {
	switch -- [lindex $line 0] {
	    go		{go {*}[lrange $line 1 end]}
	    steady	{steady {*}[lrange $line 1 end]}
	    stop	{break}
	}
    }
    foreach c $::members {
	$c destroy
    }
    exit 0
}

set childFile [file join [expr {[info exists env(TMPDIR)] ? $env(TMPDIR)
	: "/tmp"}] scale-child-[pid].tcl]
set f [open $childFile w]
puts $f $childScript
close $f

proc spawn {} {
    set f [open [list | [info nameofexecutable] $::childFile 2>@stderr] r+]
    fconfigure $f -buffering line
    return $f
}

proc readAll {pipes} {
    set lines {}
    foreach f $pipes {
	lappend lines [gets $f]
    }
    return $lines
}

# Storm N P HB STEADY PORT -> dict of figures: N members over P processes
# join at once with -heartbeat HB; with STEADY > 0 seconds, the CPU spent
# after convergence over that long.
proc Storm {n processes heartbeat steadySeconds port} {
    set per [expr {($n + $processes - 1) / $processes}]
    set pipes {}
    for {set i 0} {$i < $processes} {incr i} {
	lappend pipes [spawn]
    }
    set at [expr {[clock milliseconds] + 500}]
    set left $n
    foreach f $pipes {
	set count [expr {min($per, $left)}]
	incr left -$count
	puts $f [list go $port $count $n $at $heartbeat]
    }
    set worst 0
    set cpu 0
    set grown 0
    set sent 0
    set ok 1
    foreach line [readAll $pipes] {
	lassign $line what ms cpuMs rss0 rss1 packets
	if {$what ne "converged"} {
	    set ok 0
	}
	set worst [expr {max($worst, $ms)}]
	incr cpu $cpuMs
	incr grown [expr {$rss1 - $rss0}]
	incr sent $packets
    }
    set steadyCpu 0
    if {$steadySeconds > 0} {
	foreach f $pipes {
	    puts $f [list steady $steadySeconds]
	}
	foreach line [readAll $pipes] {
	    incr steadyCpu [lindex $line 1]
	}
    }
    foreach f $pipes {
	puts $f stop
	close $f
    }
    return [dict create ok $ok ms $worst cpu $cpu grownKb $grown sent $sent \
	    steadyCpu $steadyCpu]
}

set sizes {}
set processes 0
set steady 3
for {set i 0} {$i < $argc} {incr i} {
    set arg [lindex $argv $i]
    switch -- $arg {
	-processes { set processes [lindex $argv [incr i]] }
	-steady	   { set steady [lindex $argv [incr i]] }
	default	   { lappend sizes $arg }
    }
}
if {![llength $sizes]} {
    set sizes {10 100 500}
}

puts [format "%-5s %-5s %-10s %-10s %-8s %-10s %-10s %-9s %-12s %-8s" \
	N procs converge cpu B/known sent old-design ratio sent/member \
	steady]
puts [format "%-5s %-5s %-10s %-10s %-8s %-10s %-10s %-9s %-12s %-8s" \
	"" "" ms s "" packets packets "" "" ms/m/hb]
set port [expr {42000 + [pid] % 5000}]
foreach n $sizes {
    set p [expr {$processes > 0 ? $processes
	    : max(1, ($n + $MAX_PER_PROCESS - 1) / $MAX_PER_PROCESS)}]
    set r [Storm $n $p 3600000 0 [incr port]]
    if {$steady > 0} {
	dict set r steadyCpu [dict get [Storm $n $p 1000 $steady [incr port]] \
		steadyCpu]
    }
    set old [expr {2 * $n + $n * ($n - 1)}]
    set known [expr {$n * ($n - 1)}]
    set perKnown [expr {[dict get $r grownKb] * 1024.0 / $known}]
    set steadyMs [expr {$steady > 0
	    ? [dict get $r steadyCpu] / double($n) / $steady : 0}]
    puts [format "%-5d %-5d %-10s %-10.2f %-8.0f %-10d %-10d %-9.3f %-12.1f %-8.3f" \
	    $n $p [expr {[dict get $r ok] ? [dict get $r ms] : "timeout"}] \
	    [expr {[dict get $r cpu] / 1000.0}] $perKnown [dict get $r sent] \
	    $old [expr {[dict get $r sent] / double($old)}] \
	    [expr {[dict get $r sent] / double($n)}] $steadyMs]
}
file delete $childFile
