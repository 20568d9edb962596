# common.tcl --
#
#	Helpers shared by the benchmark scripts in bench/: statistics, the
#	result table every benchmark prints, waiting on the event loop,
#	child tclsh processes and the C floor program (bench/floor.c).
#	Benchmarks are not tests: they print, they assert nothing, and a
#	missed target does not fail them.
#
#	Every benchmark prints one table with these columns:
#
#	    metric | cluster | baseline | of | ratio | target | met
#
#	where "baseline" is measured in the same run (the machine is shared
#	and noisy: absolute figures move, ratios move less), "of" names it,
#	and ratio is cluster / baseline.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6

namespace eval ::bench {
    variable rows {}		;# Rows of the table being built.
    variable wake 0		;# vwait target of bench::wait.
    variable dir [file dirname [file dirname \
	    [file normalize [info script]]]]	;# bench/ in the source tree.
}

# bench::median, bench::percentile --
#
#	Order statistics of a list of numbers (nearest rank).

proc ::bench::percentile {values p} {
    set sorted [lsort -real $values]
    set n [llength $sorted]
    set i [expr {int(ceil($p / 100.0 * $n)) - 1}]
    return [lindex $sorted [expr {max(0, min($n - 1, $i))}]]
}

proc ::bench::median {values} {
    return [percentile $values 50]
}

# bench::wait --
#
#	Run the event loop until the expression $cond (evaluated in the
#	caller) is true, or $ms milliseconds passed. 1 when it became true.

proc ::bench::wait {cond ms} {
    set deadline [expr {[clock milliseconds] + $ms}]
    while {![uplevel 1 [list expr $cond]]} {
	if {[clock milliseconds] > $deadline} {
	    return 0
	}
	set id [after 2 {set ::bench::wake 1}]
	vwait ::bench::wake
	after cancel $id
    }
    return 1
}

# bench::queryTimes --
#
#	N sequential queries of member $c to the service tagged `answerer`,
#	which answers with what it was asked, over one protocol: each waits
#	for the previous one's `done`. The list of round trips in
#	microseconds; a failed or wrong answer ends the benchmark.

proc ::bench::queryTimes {c proto n} {
    variable finished
    variable answer
    variable failed
    set times {}
    for {set i 0} {$i < $n} {incr i} {
	set finished 0
	set t0 [clock microseconds]
	$c query -resolve answerer -protocols $proto -timeout 5000 \
		-query $i -command ::bench::Answered
	while {!$finished} {
	    vwait ::bench::finished
	}
	set t1 [clock microseconds]
	if {[info exists failed]} {
	    fail "query $i of $c over $proto: $failed"
	}
	if {$answer ne $i} {
	    fail "query $i of $c over $proto: wrong answer \"$answer\""
	}
	lappend times [expr {$t1 - $t0}]
    }
    return $times
}

# bench::Answered --
#
#	The -command of the queries of bench::queryTimes.

proc ::bench::Answered {event} {
    lassign $event e q
    switch -- $e {
	response {set ::bench::answer [$q result]}
	done {set ::bench::finished 1}
	timeout - error {set ::bench::failed $e}
    }
}

# bench::fail --
#
#	Give up on the benchmark with a message (exit status 1). The
#	children are killed (one that hangs would not see its stdin close);
#	their scripts are removed.

proc ::bench::fail {message} {
    puts stderr "[file tail $::argv0]: $message"
    foreach {chan path} [array get ::bench::childFiles] {
	catch {exec kill -9 {*}[pid $chan]}
	file delete $path
    }
    exit 1
}

# bench::child --
#
#	Start a child tclsh running $script (written to a temporary file),
#	with its stdin and stdout as a line-buffered pipe and its stderr
#	ours. Returns the pipe; ::bench::childFiles($pipe) names the script
#	file.

proc ::bench::child {script args} {
    set f [file tempfile path /tmp/cluster-bench-child.tcl]
    puts $f $script
    close $f
    set chan [open |[list [info nameofexecutable] $path {*}$args \
	    2>@stderr] r+]
    fconfigure $chan -buffering line
    set ::bench::childFiles($chan) $path
    return $chan
}

# bench::expect --
#
#	Read lines from a child, running the event loop meanwhile, until one
#	starts with $word; return that line. Gives up (bench::fail) after
#	$ms milliseconds or when the child ends.

proc ::bench::expect {chan word {ms 20000}} {
    set timer [after $ms [list ::bench::fail \
	    "no \"$word\" from the child in $ms ms"]]
    fconfigure $chan -blocking 0
    set line ""
    while {1} {
	if {[gets $chan line] >= 0} {
	    if {[lindex $line 0] eq $word} {
		break
	    }
	    continue
	}
	if {[eof $chan]} {
	    fail "the child ended before \"$word\""
	}
	fileevent $chan readable {set ::bench::wake 1}
	vwait ::bench::wake
	fileevent $chan readable {}
    }
    after cancel $timer
    return $line
}

# bench::endChild --
#
#	Close a child's stdin (it exits on EOF), reap it, remove its file.

proc ::bench::endChild {chan} {
    catch {close $chan write}
    fconfigure $chan -blocking 1
    catch {close $chan}
    file delete $::bench::childFiles($chan)
    unset ::bench::childFiles($chan)
}

# bench::floor --
#
#	Path of the floor program: $env(CLUSTER_FLOOR) (set by "make
#	bench"), else bench/floor in the current (build) directory, else one
#	compiled from bench/floor.c with cc into /tmp (kept there, and
#	compiled again when floor.c is newer). Empty when none can be had:
#	the benchmarks then print no C baseline.

proc ::bench::floor {} {
    variable floorPath
    variable dir
    if {[info exists floorPath]} {
	return $floorPath
    }
    set floorPath ""
    if {[info exists ::env(CLUSTER_FLOOR)]
	    && [file executable $::env(CLUSTER_FLOOR)]} {
	set floorPath $::env(CLUSTER_FLOOR)
    } elseif {[file executable bench/floor]} {
	set floorPath [file normalize bench/floor]
    } else {
	set source [file join $dir floor.c]
	set out /tmp/cluster-bench-floor-$::tcl_platform(user)
	if {[file executable $out]
		&& [file mtime $out] >= [file mtime $source]} {
	    set floorPath $out
	} elseif {![catch {exec cc -O2 -o $out $source}]} {
	    set floorPath $out
	}
    }
    return $floorPath
}

# bench::runFloor --
#
#	Run the floor program; its output as a dict (a line "times T1 T2
#	..." gives the key times the list of times), or an empty dict when
#	there is no floor or it failed.

proc ::bench::runFloor {args} {
    set floor [floor]
    if {$floor eq ""} {
	return {}
    }
    if {[catch {exec $floor {*}$args} out]} {
	puts stderr "floor $args: $out"
	return {}
    }
    set result {}
    foreach line [split $out \n] {
	if {[lindex $line 0] eq "times"} {
	    dict set result times [lrange $line 1 end]
	} else {
	    set result [dict merge $result $line]
	}
    }
    return $result
}

# bench::row --
#
#	Add a row to the table. $cluster and $baseline are numbers (baseline
#	may be empty), $of names the baseline;
#	$target is a list {kind value} checked against the figures:
#	    {max N}		cluster < N
#	    {min N}		cluster >= N
#	    {ratioBelow N}	cluster / baseline < N
#	    {ratioAbove N}	cluster / baseline >= N
#	    {}			no target
#	$text is how the target reads in the table. A $cluster that is not
#	a number (e.g. "> 120" for a wait that ran out) is printed as it
#	is, has no ratio and misses its target.

# bench::joinAndFind --
#
#	Join as the member tagged $tag on $port (serving u, t and c, the unix
#	socket at $base-$tag.sock) and wait until the one member tagged $peer
#	is known with its t and u props. Returns {cluster service}.

proc ::bench::joinAndFind {port tag base peer} {
    set c [cluster join -port $port -heartbeat 1000 -ttl 10 \
	    -discoverywait 100 -tags $tag -protocols {u t c} \
	    -u [list path $base-$tag.sock]]
    if {![wait {[llength [$c resolve $peer]] == 1
	    && [dict exists [[lindex [$c resolve $peer] 0] props] t]
	    && [dict exists [[lindex [$c resolve $peer] 0] props] u]} 5000]} {
	fail "the member tagged $peer was not discovered"
    }
    return [list $c [lindex [$c resolve $peer] 0]]
}

proc ::bench::row {metric unit cluster baseline of target {text ""}} {
    variable rows
    set ratio ""
    set met -
    lassign $target kind value
    if {![string is double -strict $cluster]} {
	if {$kind ne ""} {
	    set met no
	}
	lappend rows [list $metric $unit $cluster $baseline $of "" $text $met]
	return
    }
    if {$baseline ne "" && $baseline != 0} {
	set ratio [expr {double($cluster) / $baseline}]
    }
    switch -- $kind {
	max {set met [expr {$cluster < $value ? "yes" : "no"}]}
	min {set met [expr {$cluster >= $value ? "yes" : "no"}]}
	ratioBelow {
	    if {$ratio ne ""} {
		set met [expr {$ratio < $value ? "yes" : "no"}]
	    }
	}
	ratioAbove {
	    if {$ratio ne ""} {
		set met [expr {$ratio >= $value ? "yes" : "no"}]
	    }
	}
    }
    lappend rows [list $metric $unit $cluster $baseline $of $ratio \
	    $text $met]
}

# bench::number --
#
#	A figure for the table: few significant digits, big ones grouped.

proc ::bench::number {value} {
    if {$value eq ""} {
	return -
    }
    if {![string is double -strict $value]} {
	return $value
    }
    set a [expr {abs(double($value))}]
    if {$a >= 100000} {
	return [format %.3g $value]
    } elseif {$a >= 100} {
	return [format %.0f $value]
    } elseif {$a >= 10} {
	return [format %.1f $value]
    } elseif {$a >= 1} {
	return [format %.2f $value]
    }
    return [format %.3f $value]
}

proc ::bench::Dash {text} {
    if {$text eq ""} {
	return -
    }
    return $text
}

# bench::table --
#
#	Print the rows added since the last table, under a title.

proc ::bench::table {title} {
    variable rows
    set header {metric unit cluster baseline of ratio target met}
    set lines [list $header]
    foreach r $rows {
	lassign $r metric unit cluster baseline of ratio text met
	if {$ratio ne ""} {
	    set ratio [format [expr {abs($ratio) < 0.1 && $ratio != 0
		    ? "%.2g" : "%.2f"}] $ratio]
	}
	lappend lines [list $metric $unit [number $cluster] \
		[number $baseline] [Dash $of] [Dash $ratio] [Dash $text] $met]
    }
    set widths {}
    for {set i 0} {$i < 8} {incr i} {
	set w 0
	foreach l $lines {
	    set w [expr {max($w, [string length [lindex $l $i]])}]
	}
	lappend widths $w
    }
    puts $title
    set n 0
    foreach l $lines {
	set out {}
	foreach cell $l w $widths align {- - "" "" - "" - -} {
	    lappend out [format "%${align}${w}s" $cell]
	}
	puts [join $out "  "]
	if {[incr n] == 1} {
	    puts [string repeat - [string length [join $out "  "]]]
	}
    }
    puts "ratio = cluster / baseline; baselines measured in this run."
    set rows {}
}

# bench::machine --
#
#	One line about this machine and build, printed first.

proc ::bench::machine {} {
    set cpu ?
    catch {
	set f [open /proc/cpuinfo]
	foreach line [split [read $f] \n] {
	    if {[string match "model name*" $line]} {
		set cpu [string trim [lindex [split $line :] 1]]
		break
	    }
	}
	close $f
    }
    set n ?
    catch {set n [exec nproc]}
    return "Tcl [info patchlevel], cluster [package present cluster],\
	    $n cpus ($cpu)"
}
