# detect.tcl --
#
#	How long a member killed with SIGKILL stays known, and what watching
#	for that costs. For each N (default 5, 50 and 500):
#	  - N members join on 127.0.0.1 (-remote 0, a fresh multicast port),
#	    spread over child tclsh processes of at most -perprocess members,
#	    the victim alone in a process of its own, every member joined
#	    with the options of -opts (default: none, i.e. the defaults);
#	  - once every member knows every other and 2 s more have passed (the
#	    answers to the joins' discoveries are out), a steady window of
#	    -window seconds: packets and bytes sent and received per member per
#	    second, from `$c stats` (packets_in counts a member's own
#	    multicast coming back, as the counter does), all protocols and
#	    per protocol; and the CPU time, resident memory and open
#	    descriptors of the member processes;
#	  - the victim's process is killed with SIGKILL, and we take the
#	    time until each surviving member's `service lost` hook has run
#	    for it: min, median and max (lost everywhere), or "not within
#	    cap" when some survivor still knows it after -cap seconds;
#	  - false losses: `service lost` for any other member, from the
#	    first join to the end.
#
#	Baseline, in the same run, when the `serf` program is installed (and
#	for N up to -serfmax, default 50: 500 agents, each a Go runtime of
#	some 15 MB, are too much for a shared two-core machine): N serf
#	agents on 127.0.0.1 with the default LAN profile, joined to the first
#	one; one is killed with SIGKILL, and every other agent's
#	member-failed event handler writes down when it learns of it. The
#	ratio is ours / serf. In a named network namespace (ip netns) the
#	namespace's UDP and TCP counters give serf's packets per agent too.
#
#	Every child is cleaned up when this script ends, however it ends:
#	member processes leave when their stdin closes and after a lifetime
#	at most; each serf agent runs under a shell that kills it when its
#	stdin closes, on SIGINT or SIGTERM, and after the same lifetime.
#	Every wait has a deadline.
#
#	Run it in a network namespace of its own when others use the
#	machine (their multicasts would mix in):
#	    ip netns add detect; ip netns exec detect ip link set lo up
#	    ip netns exec detect env TCLLIBPATH=. tclsh ../bench/detect.tcl
#	    ip netns del detect
#
#	Usage: tclsh bench/detect.tcl ?-opts JOINOPTIONS? ?-window S?
#	    ?-cap S? ?-perprocess M? ?-serf 0|1? ?-serfmax N? ?N ...?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
set here [file dirname [file normalize [info script]]]
source [file join $here lib common.tcl]
source [file join $here lib serfrpc.tcl]

set config [dict create -opts {} -window 10 -cap 120 -perprocess 25 \
	-serf 1 -serfmax 50]
set sizes {}
for {set i 0} {$i < $argc} {incr i} {
    set arg [lindex $argv $i]
    if {[dict exists $config $arg]} {
	dict set config $arg [lindex $argv [incr i]]
    } elseif {[string is integer -strict $arg] && $arg >= 2} {
	lappend sizes $arg
    } else {
	puts stderr "bad argument \"$arg\"; usage: [file tail $argv0]\
		?-opts JOINOPTIONS? ?-window S? ?-cap S? ?-perprocess M?\
		?-serf 0|1? ?-serfmax N? ?N ...?"
	exit 2
    }
}
if {![llength $sizes]} {
    set sizes {5 50 500}
}
dict with config {}
set opts ${-opts}

# No child outlives this long (seconds), whatever happens to us.
set lifetime [expr {${-window} + ${-cap} + 300}]

# The member process. Arguments: PORT COUNT LIFETIME OPTIONS. It joins
# COUNT members and writes "joined SID ...". Then, on stdin:
#   known	-> "known K": the fewest services any of its members knows;
#   snap	-> "snap MS STATS FDS": now, per protocol the sums over its
#		   members of packets_in, packets_out, bytes_in, bytes_out,
#		   and its open descriptors (Tcl 8.6's notifier watches
#		   those below 1024 only);
# and whenever a member's `service lost` runs: "lost OBSERVER SID MS".
# It leaves when its stdin closes, on an error, or after LIFETIME
# seconds.
set memberScript {
    package require cluster
    fconfigure stdout -buffering line
    file delete [info script]
    lassign $argv port count lifetime opts
    after [expr {$lifetime * 1000}] {exit 3}
    interp bgerror {} {apply {{message options} {
	puts stderr "member process: [dict get $options -errorinfo]"
	exit 1
    }}}
    set counters {packets_in packets_out bytes_in bytes_out}

    proc command {} {
	if {[gets stdin line] < 0} {
	    if {[eof stdin]} {
		exit 0
	    }
	    return
	}
	switch -- $line {
	    known {
		set k [tcl::mathfunc::min {*}[lmap c $::members {
		    set ::known($c)
		}]]
		puts [list known $k]
	    }
	    snap {
		set sums {}
		foreach p {c t u} {
		    foreach k $::counters {
			dict set sums $p $k 0
		    }
		}
		foreach c $::members {
		    dict for {p s} [dict filter [$c stats] key c t u] {
			foreach k $::counters {
			    dict set sums $p $k [expr {[dict get $sums $p $k]
				    + [dict get $s $k]}]
			}
		    }
		}
		set fds [llength [glob -nocomplain /proc/self/fd/*]]
		puts [list snap [clock milliseconds] $sums $fds]
	    }
	}
    }

    set members {}
    for {set i 0} {$i < $count} {incr i} {
	set c [cluster join -port $port -remote 0 {*}$opts]
	lappend members $c
	set known($c) 0
	$c hook service discovered {incr ::known($cluster)}
	$c hook service lost {
	    incr ::known($cluster) -1
	    puts [list lost [$cluster sid] [$service sid] \
		    [clock milliseconds]]
	}
    }
    puts [list joined {*}[lmap c $members {$c sid}]]
    fileevent stdin readable command
    vwait forever
}

# Read --
#
#	The readable handler of a member process: keeps the last answer of
#	each kind in ::answer($chan,KIND), appends "lost" lines to ::losses
#	as {observer sid ms}, and notes the end of the process in
#	::ended($chan).

proc Read {chan} {
    while {[gets $chan line] >= 0} {
	set rest [lrange $line 1 end]
	switch -- [lindex $line 0] {
	    lost    {lappend ::losses $rest}
	    joined - known - snap {set ::answer($chan,[lindex $line 0]) $rest}
	}
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	set ::ended($chan) 1
    }
}

# Spawn --
#
#	Start a member process of $count members on $port. Returns its pipe.

proc Spawn {port count} {
    set chan [bench::child $::memberScript $port $count $::lifetime $::opts]
    fconfigure $chan -blocking 0
    fileevent $chan readable [list Read $chan]
    return $chan
}

# EndMembers --
#
#	End the member processes of $chans: close their stdin, give them 5 s
#	to leave, then SIGKILL those still there, and reap them all.

proc EndMembers {chans} {
    foreach chan $chans {
	catch {close $chan write}
    }
    bench::wait {[llength [lmap chan $chans {
	if {[info exists ::ended($chan)]} continue
	set chan
    }]] == 0} 5000
    foreach chan $chans {
	if {![info exists ::ended($chan)]} {
	    catch {exec kill -9 {*}[pid $chan]}
	}
	bench::endChild $chan
	unset -nocomplain ::ended($chan)
	array unset ::answer $chan,*
    }
}

# Ask --
#
#	Send $word to every member process of $chans and wait for each one's
#	answer of that kind; a list of the answers, in the order of $chans.
#	"joined" is not sent: it is the line each process writes once. Gives
#	up (bench::fail) after $ms milliseconds or when a process ends.

proc Ask {chans word {ms 20000}} {
    foreach chan $chans {
	if {$word ne "joined"} {
	    unset -nocomplain ::answer($chan,$word)
	    puts $chan $word
	}
    }
    set pending $chans
    set deadline [expr {[clock milliseconds] + $ms}]
    while {[llength $pending]} {
	set chan [lindex $pending 0]
	if {[info exists ::answer($chan,$word)]} {
	    set pending [lrange $pending 1 end]
	    continue
	}
	if {[info exists ::ended($chan)]} {
	    bench::fail "a member process ended before answering \"$word\""
	}
	set left [expr {$deadline - [clock milliseconds]}]
	if {$left <= 0 || ![bench::wait {[info exists ::answer($chan,$word)]
		|| [info exists ::ended($chan)]} $left]} {
	    bench::fail "no \"$word\" from a member process in $ms ms"
	}
    }
    return [lmap chan $chans {set ::answer($chan,$word)}]
}

# Cpu --
#
#	The CPU time (user + system, ms) and the resident memory (KB) of
#	the member processes of $chans, summed: {ms kb}.

proc Cpu {chans} {
    set ms 0
    set kb 0
    foreach chan $chans {
	set f [open /proc/[pid $chan]/stat]
	set fields [split [lindex [split [read $f] )] 1]]
	close $f
	# utime and stime are fields 14 and 15 of stat, in clock ticks
	# (100 per second on Linux); rss is field 24, in 4 KB pages.
	incr ms [expr {([lindex $fields 12] + [lindex $fields 13]) * 10}]
	incr kb [expr {[lindex $fields 22] * 4}]
    }
    return [list $ms $kb]
}

# Summary --
#
#	Detection times in ms as a dict: min, median, max (empty when not
#	every one of $want survivors lost the victim) and count.

proc Summary {times want} {
    set d [dict create count [llength $times] min "" median "" max ""]
    if {[llength $times]} {
	dict set d min [tcl::mathfunc::min {*}$times]
	dict set d median [bench::median $times]
	if {[llength $times] == $want} {
	    dict set d max [tcl::mathfunc::max {*}$times]
	}
    }
    return $d
}

# Cluster --
#
#	The measurement of the cluster for $n members on $port. Returns a
#	dict: processes, converge (ms), per (packets and bytes per member
#	per second: in, out, bin, bout, c_in, c_out, t_in, ...), detect (a
#	Summary), false (false losses), rss (resident memory of the
#	member processes per member, MB) and fds (the most descriptors a
#	member process had open at the end of the window). In per, cpu_ms is the CPU time
#	the member processes spent per member per second of the window.

proc Cluster {n port} {
    global opts
    set ::losses {}
    set others [expr {$n - 1}]
    set nproc [expr {($others + ${::-perprocess} - 1) / ${::-perprocess}}]
    set t0 [clock milliseconds]
    set victim [Spawn $port 1]
    set chans [list $victim]
    for {set i 0} {$i < $nproc} {incr i} {
	set count [expr {$others / $nproc + ($i < $others % $nproc)}]
	lappend chans [Spawn $port $count]
    }
    set victimSid [lindex [Ask $victim joined 30000] 0 0]
    Ask $chans joined [expr {30000 + 100 * $n}]

    # Until every member knows the N-1 others.
    set deadline [expr {[clock milliseconds] + 60000 + 100 * $n}]
    while {[tcl::mathfunc::min {*}[lmap a [Ask $chans known] {
	lindex $a 0
    }]] < $others} {
	if {[clock milliseconds] > $deadline} {
	    bench::fail "N=$n: not every member knows every other after\
		    [expr {([clock milliseconds] - $t0) / 1000}] s"
	}
	bench::wait 0 200
    }
    set converge [expr {[clock milliseconds] - $t0}]

    # The steady window, once the answers to the joins' discoveries are
    # out (each waits at most twice -replywindow, 500 ms, by default).
    bench::wait 0 2000
    set cpu0 [Cpu $chans]
    set before [Ask $chans snap]
    bench::wait 0 [expr {int(${::-window} * 1000)}]
    set after [Ask $chans snap]
    set cpu1 [Cpu $chans]
    set per {}
    foreach k {in out bin bout c_in c_out t_in t_out u_in u_out} {
	dict set per $k 0.0
    }
    set fds 0
    foreach b $before a $after {
	lassign $b ms0 s0
	lassign $a ms1 s1 fds1
	set fds [expr {max($fds, $fds1)}]
	set secs [expr {max(1, $ms1 - $ms0) / 1000.0}]
	dict for {p s} $s1 {
	    foreach {k short} {packets_in in packets_out out
		    bytes_in bin bytes_out bout} {
		set rate [expr {([dict get $s $k] - [dict get $s0 $p $k])
			/ $secs / $n}]
		dict set per $short [expr {[dict get $per $short] + $rate}]
		if {$short in {in out}} {
		    dict set per ${p}_$short \
			    [expr {[dict get $per ${p}_$short] + $rate}]
		}
	    }
	}
    }

    set ms [expr {[lindex $after 0 0] - [lindex $before 0 0]}]
    dict set per cpu_ms [expr {([lindex $cpu1 0] - [lindex $cpu0 0])
	    * 1000.0 / max(1, $ms) / $n}]
    set rss [expr {[lindex $cpu1 1] / 1024.0 / $n}]

    # The kill, and the wait for `service lost` everywhere.
    exec kill -9 [pid $victim]
    set killed [clock milliseconds]
    bench::wait {[llength [lsearch -all -index 1 $::losses $victimSid]]
	    >= $others} [expr {int(${::-cap} * 1000)}]
    set times {}
    set false 0
    foreach loss $::losses {
	lassign $loss observer sid ms
	if {$sid ne $victimSid} {
	    incr false
	} elseif {$observer ne $victimSid} {
	    lappend times [expr {$ms - $killed}]
	}
    }
    EndMembers $chans
    return [dict create processes "$nproc+1" converge $converge per $per \
	    rss $rss fds $fds detect [Summary $times $others] false $false]
}

# The serf agents' event handler: one line per member of the event,
# "SELF MEMBER MS EVENT", appended to the file given.
set serfHandler {#!/bin/sh
ms=$(date +%s%3N)
while read name rest; do
    echo "$SERF_SELF_NAME $name $ms $SERF_EVENT" >> "$1"
done
}

# SerfEvents --
#
#	The lines of the serf event file $path as a list of {self member ms
#	event}.

proc SerfEvents {path} {
    if {![file exists $path]} {
	return {}
    }
    set f [open $path]
    set lines [split [string trim [read $f]] \n]
    close $f
    return $lines
}

# SerfCount --
#
#	How many agents had the event $event about another member (about
#	$member only, unless empty), from the serf event file $path.

proc SerfCount {path event {member ""}} {
    set seen {}
    foreach e [SerfEvents $path] {
	lassign $e self about ms what
	if {$what eq $event && $self ne $about
		&& ($member eq "" || $about eq $member)} {
	    dict set seen $self,$about 1
	}
    }
    return [dict size $seen]
}

# PrivateNet --
#
#	1 when we run in a named network namespace (ip netns), else 0.

proc PrivateNet {} {
    return [expr {![catch {exec ip netns identify [pid]} name]
	    && $name ne ""}]
}

# NetCounters --
#
#	The UDP datagrams and TCP segments received and sent in our network
#	namespace, from /proc/net/snmp: a dict udp_in, udp_out, tcp_in,
#	tcp_out.

proc NetCounters {} {
    set f [open /proc/net/snmp]
    set lines [split [read $f] \n]
    close $f
    set result {}
    set header {}
    foreach line $lines {
	set proto [string tolower [string trimright [lindex $line 0] :]]
	if {![dict exists $header $proto]} {
	    dict set header $proto [lrange $line 1 end]
	    continue
	}
	foreach name [dict get $header $proto] value [lrange $line 1 end] {
	    switch -- $proto,$name {
		udp,InDatagrams - tcp,InSegs {dict set result ${proto}_in $value}
		udp,OutDatagrams - tcp,OutSegs {
		    dict set result ${proto}_out $value
		}
	    }
	}
    }
    return $result
}

# Serf --
#
#	The same measurement with $n serf agents from $port up (two ports
#	each: gossip and RPC). Returns a dict: converge (ms), detect (a
#	Summary), false (false failures) and, when we run in a network
#	namespace of our own, per: UDP datagrams and TCP segments in and out
#	per agent per second over a window (udp_in, udp_out, tcp_in,
#	tcp_out); an empty dict when they did not all meet.

proc Serf {n port} {
    # What a run killed by a signal left behind.
    foreach old [glob -nocomplain -directory /tmp cluster-bench-serf-*] {
	if {[regexp {serf-(\d+)-} $old -> pid]
		&& ![file exists /proc/$pid]} {
	    file delete -force $old
	}
    }
    set dir [file join /tmp cluster-bench-serf-[pid]-$n]
    file delete -force $dir
    file mkdir $dir
    set handler [file join $dir handler.sh]
    set events [file join $dir events]
    set f [open $handler w]
    puts -nonewline $f $::serfHandler
    close $f
    file attributes $handler -permissions 0755
    set t0 [clock milliseconds]
    set ::serfShells {}
    set pids {}
    for {set i 0} {$i < $n} {incr i} {
	set gossip [expr {$port + 2 * $i}]
	set args [list -node n$i -bind 127.0.0.1:$gossip \
		-advertise 127.0.0.1:$gossip \
		-rpc-addr 127.0.0.1:[expr {$gossip + 1}] \
		-event-handler "member-join,member-failed,member-leave=$handler\
		$events" -log-level warn]
	if {$i > 0} {
	    lappend args -retry-join 127.0.0.1:$port -retry-interval 1s
	}
	lassign [serfrpc::agent $::lifetime [file join $dir agent$i.log] \
		{*}$args] chan pid
	lappend ::serfShells $chan
	lappend pids $pid
    }

    # Until every agent has seen every other join.
    set want [expr {$n * ($n - 1)}]
    set deadline [expr {[clock milliseconds] + 60000 + 200 * $n}]
    while {[set ok [expr {[SerfCount $events member-join] >= $want}]] == 0
	    && [clock milliseconds] < $deadline} {
	bench::wait 0 100
    }
    set converge [expr {[clock milliseconds] - $t0}]
    set result {}
    if {$ok && [PrivateNet]} {
	# Packets, from the counters of the network namespace, which only
	# the agents use.
	set c0 [NetCounters]
	set ms0 [clock milliseconds]
	bench::wait 0 [expr {int(${::-window} * 1000)}]
	set c1 [NetCounters]
	set secs [expr {max(1, [clock milliseconds] - $ms0) / 1000.0}]
	dict for {k v} $c1 {
	    dict set result per $k \
		    [expr {($v - [dict get $c0 $k]) / $secs / $n}]
	}
    }
    if {$ok} {
	# The victim is the last agent: the first is the one all joined.
	set victim n[expr {$n - 1}]
	exec kill -9 [lindex $pids end]
	set killed [clock milliseconds]
	set deadline [expr {$killed + int(${::-cap} * 1000)}]
	while {[SerfCount $events member-failed $victim] < $n - 1
		&& [clock milliseconds] < $deadline} {
	    bench::wait 0 100
	}
	set times {}
	set false 0
	foreach e [SerfEvents $events] {
	    lassign $e self member ms event
	    if {$event eq "member-join"} {
		continue
	    }
	    if {$member ne $victim} {
		incr false
	    } elseif {$event eq "member-failed"} {
		lappend times [expr {$ms - $killed}]
	    }
	}
	dict set result converge $converge
	dict set result detect [Summary $times [expr {$n - 1}]]
	dict set result false $false
    }
    EndSerf
    file delete -force $dir
    return $result
}

# EndSerf --
#
#	Close the shells of the serf agents: each kills its agent.

proc EndSerf {} {
    foreach chan $::serfShells {
	catch {close $chan}
    }
    set ::serfShells {}
}

# Seconds --
#
#	A time in ms as seconds for the result line; when empty, "-", or
#	"not-within-CAPs" when $cap is given.

proc Seconds {ms {cap ""}} {
    if {$ms eq "" && $cap ne ""} {
	return not-within-${cap}s
    } elseif {$ms eq ""} {
	return -
    }
    return [format %.2f [expr {$ms / 1000.0}]]
}

set serfOk [expr {${-serf} && [auto_execok serf] ne ""
	&& [auto_execok bash] ne ""}]
puts "detect: [bench::machine]"
puts "join options: [expr {$opts eq "" ? "none (the defaults)" : $opts}];\
	window ${-window} s, cap ${-cap} s, at most ${-perprocess} members\
	per process"
if {!${-serf}} {
    puts "serf: not asked for (-serf 0)"
} elseif {!$serfOk} {
    puts "serf: not installed (Debian package serf), no baseline"
}
set ::serfShells {}
set port [expr {40000 + [pid] % 10000}]
set serfPort [expr {20000 + [pid] % 8 * 1200}]
foreach n $sizes {
    set r [Cluster $n [incr port]]
    set d [dict get $r detect]
    set s {}
    if {$serfOk && $n <= ${-serfmax}} {
	set s [Serf $n $serfPort]
	if {![dict size $s]} {
	    puts "serf N=$n: the agents did not all meet, no baseline"
	}
    }
    set line [list detect N=$n processes=[dict get $r processes] \
	    converge_s=[Seconds [dict get $r converge]] \
	    rss_mb/member=[format %.2f [dict get $r rss]] \
	    fds_max/process=[dict get $r fds]]
    dict for {k v} [dict get $r per] {
	lappend line [string map {bin bytes_in bout bytes_out} \
		$k]/member/s=[format [expr {$v < 1 ? "%.4f" : "%.2f"}] $v]
    }
    set within [expr {[dict get $d max] ne ""}]
    lappend line lost_by=[dict get $d count]/[expr {$n - 1}] \
	    lost_min_s=[Seconds [dict get $d min]] \
	    lost_median_s=[Seconds [dict get $d median]] \
	    lost_max_s=[Seconds [dict get $d max] ${-cap}] \
	    false_losses=[dict get $r false]
    set serfMax ""
    if {[dict size $s]} {
	set sd [dict get $s detect]
	set serfMax [dict get $sd max]
	lappend line serf_converge_s=[Seconds [dict get $s converge]] \
		serf_lost_by=[dict get $sd count]/[expr {$n - 1}] \
		serf_min_s=[Seconds [dict get $sd min]] \
		serf_median_s=[Seconds [dict get $sd median]] \
		serf_max_s=[Seconds $serfMax ${-cap}] \
		serf_false=[dict get $s false]
	if {[dict exists $s per]} {
	    dict for {k v} [dict get $s per] {
		lappend line serf_$k/member/s=[format %.2f $v]
	    }
	}
	if {$within && $serfMax ne ""} {
	    lappend line ratio=[format %.2f \
		    [expr {double([dict get $d max]) / $serfMax}]]
	} elseif {$serfMax ne ""} {
	    # Not within the cap: the ratio is at least cap / serf.
	    lappend line ratio=>[format %.1f \
		    [expr {${-cap} * 1000.0 / $serfMax}]]
	}
    }
    puts [join $line " "]
    set cluster [expr {$within ? [dict get $d max] / 1000.0
	    : "> ${-cap}"}]
    bench::row "N=$n lost everywhere" s $cluster \
	    [expr {$serfMax ne "" ? $serfMax / 1000.0 : ""}] \
	    [expr {$serfMax ne "" ? "serf" : ""}] {max 10} "< 10 s"
    set serfOut ""
    if {[dict exists $s per]} {
	set serfOut [expr {[dict get $s per udp_out]
		+ [dict get $s per tcp_out]}]
    }
    bench::row "N=$n packets out/member/s" "" [dict get $r per out] \
	    $serfOut [expr {$serfOut ne "" ? "serf" : ""}] {}
}
bench::table "Failure detection: SIGKILL to `service lost` on every\
	survivor (join options: [expr {$opts eq "" ? "defaults" : $opts}])"
