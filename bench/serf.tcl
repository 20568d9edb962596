# serf.tcl --
#
#	The cluster side by side with serf (HashiCorp's gossip membership
#	agent, Debian package serf), on this machine, as a user comparing
#	the two would run them: one member per process on our side (a
#	tclsh), one agent per process on serf's (`serf agent`, default LAN
#	profile, bound to and advertising 127.0.0.1, an RPC address each).
#	For each N of -sizes (default 2, 10 and 50), rounds of ours and
#	serf's alternate, each with processes of its own:
#
#	  - join: the processes are up, member 0 has been a member alone
#	    for a second (serf: agent 0 has run for a second); at t0
#	    the N-1 others join (ours: `cluster join` in each; serf: the RPC
#	    `join` to member 0's address). "converge" is t0 until every
#	    member knows every other: ours, when the last `service
#	    discovered` hook has run (each process writes the time); serf's,
#	    when the last agent's `members` (asked in turn over RPC, every
#	    N/5 ms at least 1 ms apart per agent) lists all N alive. serf's
#	    member events themselves (handlers, RPC streams) are coalesced by
#	    the agent for a quiet second, so they come 1 s or more later.
#	  - for the other N: an event from member 0 to the N-1
#	    others (ours: `$c send -resolve` to all, timed from before the
#	    call until the last `event` hook ran; serf: the RPC `event`, not
#	    coalesced, until the last other agent's RPC stream delivered it),
#	    and a query from member 0 until its last answer (ours: `$c query
#	    -resolve`, every member's query hook answering; serf: the RPC
#	    `query` filtered to the others, every agent answering from the
#	    RPC stream with `respond`). -repeat times each per round.
#	  - for the largest N only (-heavy): idle CPU per member (user +
#	    system of the member processes, /proc) over -idle seconds, 3 s
#	    after they all met; resident memory per member after it; and
#	    then one member killed with SIGKILL: the time until every other
#	    has lost it (ours: the `service lost` hook; serf: `members`,
#	    polled every 50 ms, shows it failed; the key=value line also
#	    gives when serf's RPC stream delivered member-failed).
#
#	Our members join with the options of -opts (default: none, the
#	defaults). Every figure is the median over rounds (and repeats);
#	ratio = cluster / serf; the target for every row is at or below
#	serf's. When serf is not installed the script says so and exits 0
#	(tools/setup --with-serf installs it).
#
#	Every child ends with the script: our members leave when their
#	stdin closes (or after a lifetime), each serf agent runs under a
#	shell that kills it when its stdin closes.
#
#	Run it in a network namespace of its own on a shared machine:
#	    ip netns add serf; ip netns exec serf ip link set lo up
#	    ip netns exec serf env TCLLIBPATH=. tclsh ../bench/serf.tcl
#	    ip netns del serf
#
#	Usage: tclsh bench/serf.tcl ?-sizes {N ...}? ?-rounds R? ?-repeat K?
#	    ?-idle S? ?-cap S? ?-opts JOINOPTIONS? ?-heavy N?
#	(-heavy: the N of -sizes with the idle, memory and SIGKILL rows
#	instead of the event and query rows, once; default the largest of
#	several)
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>); without
#	arguments, those of the environment variable SERFFLAGS.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
set here [file dirname [file normalize [info script]]]
source [file join $here lib common.tcl]
source [file join $here lib serfrpc.tcl]

set config [dict create -sizes {2 10 50} -rounds 5 -repeat 3 -idle 30 \
	-cap 60 -opts {} -heavy {}]
# Without arguments, the options in $SERFFLAGS ("make bench SERFFLAGS=...").
if {!$argc && [info exists env(SERFFLAGS)]} {
    set argv $env(SERFFLAGS)
    set argc [llength $argv]
}
for {set i 0} {$i < $argc} {incr i} {
    set arg [lindex $argv $i]
    if {![dict exists $config $arg] || $i + 1 >= $argc} {
	puts stderr "bad argument \"$arg\"; usage: [file tail $argv0]\
		?-sizes {N ...}? ?-rounds R? ?-repeat K? ?-idle S? ?-cap S?\
		?-opts JOINOPTIONS? ?-heavy N?"
	exit 2
    }
    dict set config $arg [lindex $argv [incr i]]
}
dict with config {}
set sizes [lsort -integer -unique ${-sizes}]
if {[lindex $sizes 0] < 2} {
    puts stderr "bad -sizes \"${-sizes}\": each N must be 2 or more"
    exit 2
}
set heavyN ${-heavy}
if {$heavyN eq "" && [llength $sizes] > 1} {
    set heavyN [lindex $sizes end]
}
set lifetime [expr {${-idle} + 2 * ${-cap} + 600}]

puts "serf: [bench::machine]"
if {[auto_execok serf] eq "" || [auto_execok bash] eq ""} {
    puts "serf: not installed (tools/setup --with-serf installs it):\
	    no serf rows"
    exit 0
}
catch {exec serf version} version
set version [lindex [split $version \n] 0]
if {![catch {exec dpkg-query -W -f {${Version}} serf} deb]} {
    append version " (Debian package $deb)"
}
puts "serf: $version; our join options:\
	[expr {${-opts} eq "" ? "none (the defaults)" : ${-opts}}];\
	sizes $sizes, ${-rounds} rounds, ${-repeat} repeats, idle ${-idle} s"

# ---------------------------------------------------------------------
# Our side: one member per tclsh.
# ---------------------------------------------------------------------

# The member process. Argument: LIFETIME. On stdin:
#   join PORT WANT OPTS	join; "joined SID", and "complete MICROS" once
#			it knows WANT others
#   send		"sent MICROS", then an event to every other member
#   query		a query to every other member; "queried T0 {T ...}"
#			(the times of the answers) at its end
# and, unasked: "event MICROS" when an event arrives, "lost SID MICROS"
# when `service lost` runs. It leaves when its stdin closes.
set memberScript {
    package require cluster
    fconfigure stdout -buffering line
    file delete [info script]
    after [expr {[lindex $argv 0] * 1000}] {exit 3}
    proc now {} {clock microseconds}
    proc command {} {
	if {[gets stdin line] < 0} {
	    if {[eof stdin]} {
		exit 0
	    }
	    return
	}
	set rest [lassign $line what]
	switch -- $what {
	    join {
		lassign $rest port ::want opts
		set ::known 0
		set ::c [cluster join -port $port -remote 0 -tags bench \
			{*}$opts]
		$::c hook service discovered {
		    if {[incr ::known] == $::want} {
			puts [list complete [now]]
		    }
		}
		$::c hook service lost {
		    incr ::known -1
		    puts [list lost [$service sid] [now]]
		}
		$::c hook event {puts [list event [now]]}
		$::c hook query {set data}
		puts [list joined [$::c sid]]
	    }
	    send {
		set t [now]
		$::c send -resolve bench -data hello
		puts [list sent $t]
	    }
	    query {
		set ::t0 [now]
		set ::times {}
		$::c query -resolve bench -query ping -timeout 5000 \
			-command answered
	    }
	}
    }
    proc answered {event} {
	switch -- [lindex $event 0] {
	    response {lappend ::times [now]}
	    done {puts [list queried $::t0 $::times]}
	}
    }
    fileevent stdin readable command
    vwait forever
}

# OurRead --
#
#	Readable handler of a member process: each line is appended, with
#	the pipe, to ::lines(KIND).

proc OurRead {chan} {
    while {[gets $chan line] >= 0} {
	lappend ::lines([lindex $line 0]) [list $chan {*}[lrange $line 1 end]]
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	lappend ::lines(ended) $chan
    }
}

# Lines --
#
#	Wait until ::lines($kind) holds $count lines (at most $ms) and
#	return them, emptied; bench::fail when they do not come.

proc Lines {kind count {ms 30000}} {
    if {![bench::wait {[llength [Pending $kind]] >= $count} $ms]} {
	bench::fail "$count \"$kind\" lines expected in $ms ms, got\
		[llength [Pending $kind]]"
    }
    set got $::lines($kind)
    set ::lines($kind) {}
    return $got
}

proc Pending {kind} {
    if {![info exists ::lines($kind)]} {
	set ::lines($kind) {}
    }
    return $::lines($kind)
}

# Cpu --
#
#	User + system CPU time (ms) and resident memory (KB) of the
#	processes $pids, summed: {ms kb}.

proc Cpu {pids} {
    set ms 0
    set kb 0
    foreach pid $pids {
	if {[catch {open /proc/$pid/stat} f]} {
	    continue
	}
	set fields [split [lindex [split [read $f] )] 1]]
	close $f
	# utime, stime: fields 14, 15 (clock ticks of 10 ms); rss: 24
	# (4 KB pages).
	incr ms [expr {([lindex $fields 12] + [lindex $fields 13]) * 10}]
	incr kb [expr {[lindex $fields 22] * 4}]
    }
    return [list $ms $kb]
}

# Ours --
#
#	One round of ours with $n members on $port. Returns a dict of
#	figures: converge (ms); for a small N event and query (lists of
#	ms); for the largest, cpu (ms per member per second), rss (MB per
#	member) and lost (ms, or "" when not within -cap).

proc Ours {n port heavy} {
    array unset ::lines
    set chans {}
    for {set i 0} {$i < $n} {incr i} {
	set chan [bench::child $::memberScript $::lifetime]
	fconfigure $chan -blocking 0
	fileevent $chan readable [list OurRead $chan]
	lappend chans $chan
    }
    set pids [lmap chan $chans {pid $chan}]
    set want [expr {$n - 1}]
    puts [lindex $chans 0] [list join $port $want ${::-opts}]
    set sids [dict create [lindex $chans 0] \
	    [lindex [Lines joined 1] 0 1]]
    # Every process has read its script and loaded the package, and
    # member 0 has been a member for a second: the others join a group
    # that is there (as serf's join the agent that runs).
    bench::wait 0 [expr {1000 + 20 * $n}]

    set t0 [clock microseconds]
    foreach chan [lrange $chans 1 end] {
	puts $chan [list join $port $want ${::-opts}]
    }
    set done [Lines complete $n [expr {30000 + 200 * $n}]]
    set result [dict create converge [Ms [expr {[Max $done 1] - $t0}]]]
    foreach line [Lines joined [expr {$n - 1}]] {
	dict set sids [lindex $line 0] [lindex $line 1]
    }

    if {!$heavy} {
	for {set k 0} {$k < ${::-repeat}} {incr k} {
	    puts [lindex $chans 0] send
	    set t [lindex [Lines sent 1] 0 1]
	    set events [Lines event [expr {$n - 1}] 10000]
	    dict lappend result event [Ms [expr {[Max $events 1] - $t}]]

	    puts [lindex $chans 0] query
	    lassign [lindex [Lines queried 1 10000] 0] -> q0 times
	    if {[llength $times] != $n - 1} {
		bench::fail "N=$n: a query had [llength $times] answers,\
			not [expr {$n - 1}]"
	    }
	    dict lappend result query [Ms [expr {
		    [tcl::mathfunc::max {*}$times] - $q0}]]
	    bench::wait 0 50
	}
    } else {
	Idle result $pids
	set victim [lindex $chans end]
	set sid [dict get $sids $victim]
	exec kill -9 [pid $victim]
	set killed [clock microseconds]
	set ok [bench::wait {[llength [lsearch -all -index 1 [Pending lost] \
		$sid]] >= $n - 1} [expr {${::-cap} * 1000}]]
	set lost [lsearch -all -inline -index 1 [Pending lost] $sid]
	dict set result lost [expr {$ok ? [Ms [expr {[Max $lost 2]
		- $killed}]] : "timeout"}]
	dict set result false [expr {[llength [Pending lost]]
		- [llength $lost]}]
    }

    # The end: stdin closed, 5 s to leave, then SIGKILL.
    foreach chan $chans {
	catch {close $chan write}
    }
    bench::wait {[llength [Pending ended]] >= $n} 5000
    foreach chan $chans {
	catch {exec kill -9 [pid $chan]}
	bench::endChild $chan
    }
    return $result
}

proc Max {lines index} {
    return [tcl::mathfunc::max {*}[lmap l $lines {lindex $l $index}]]
}

proc Ms {us} {
    return [expr {$us / 1000.0}]
}

# Idle --
#
#	3 s after all met, CPU per member over -idle s and the resident
#	memory per member after it, into the dict in $resultVar.

proc Idle {resultVar pids} {
    upvar 1 $resultVar result
    set n [llength $pids]
    bench::wait 0 3000
    set c0 [Cpu $pids]
    set t0 [clock milliseconds]
    bench::wait 0 [expr {int(${::-idle} * 1000)}]
    set c1 [Cpu $pids]
    set ms [expr {max(1, [clock milliseconds] - $t0)}]
    dict set result cpu [expr {([lindex $c1 0] - [lindex $c0 0])
	    * 1000.0 / $ms / $n}]
    dict set result rss [expr {[lindex $c1 1] / 1024.0 / $n}]
}

# ---------------------------------------------------------------------
# serf's side: one agent per process, driven over RPC.
# ---------------------------------------------------------------------

# SerfStart --
#
#	Start agent $i (name n$i) on $port (gossip) and $port+1 (RPC),
#	connect to its RPC address and open a stream of user events,
#	queries and member-failed events. Returns {shell pid rpc}.

proc SerfStart {i port} {
    set log [file join $::serfDir agent$i.log]
    lassign [serfrpc::agent $::lifetime $log -node n$i \
	    -bind 127.0.0.1:$port -advertise 127.0.0.1:$port \
	    -rpc-addr 127.0.0.1:[expr {$port + 1}] -log-level warn] chan pid
    set deadline [expr {[clock milliseconds] + 15000}]
    while {[catch {serfrpc::open 127.0.0.1 [expr {$port + 1}]} rpc]} {
	if {[clock milliseconds] > $deadline} {
	    catch {close $chan}
	    bench::fail "serf agent n$i did not answer on its RPC address:\
		    $rpc"
	}
	bench::wait 0 20
    }
    set s [serfrpc::call $rpc stream {Type {str user,query,member-failed}} \
	    stream [list SerfRecord $i $rpc]]
    serfrpc::Await $s 5000
    return [list $chan $pid $rpc]
}

# SerfRecord --
#
#	A record of agent $i's stream: user events and member-failed are
#	noted in ::serfSeen(KIND) as {agent micros ...}; a query is
#	answered at once.

proc SerfRecord {i rpc error body} {
    set now [clock microseconds]
    switch -- [dict get $body Event] {
	user {lappend ::serfSeen(user) [list $i $now]}
	query {
	    serfrpc::call $rpc respond [dict create \
		    ID [list int [dict get $body ID]] \
		    Payload [list bin [dict get $body Payload]]]
	}
	member-failed {
	    foreach m [dict get $body Members] {
		lappend ::serfSeen(failed) [list $i $now [dict get $m Name]]
	    }
	}
    }
}

# SerfPoll --
#
#	Ask the agents of $agents (indexes into ::agents) for their
#	members, each again $gap ms after its answer, until the script
#	$enough (called with the member list) says 1 for every one, or $ms
#	passed. Returns a dict agent -> micros of the answer that said so.

proc SerfPoll {agents gap enough ms} {
    set gen [incr ::serfGen]
    set ::serfDone {}
    foreach i $agents {
	SerfAsk $gen $i $gap $enough
    }
    bench::wait {[dict size $::serfDone] >= [llength $agents]} $ms
    incr ::serfGen
    return $::serfDone
}

proc SerfAsk {gen i gap enough} {
    if {$gen == $::serfGen} {
	serfrpc::call [lindex $::agents $i 2] members none body \
		[list SerfAnswer $gen $i $gap $enough]
    }
}

proc SerfAnswer {gen i gap enough error body} {
    set now [clock microseconds]
    if {$gen != $::serfGen || [dict exists $::serfDone $i]} {
	return
    }
    if {[{*}$enough $i [dict get $body Members]]} {
	dict set ::serfDone $i $now
    } else {
	after $gap [list SerfAsk $gen $i $gap $enough]
    }
}

proc AllAlive {n i members} {
    set ::serfAlive($i) [llength [lsearch -all [lmap m $members {
	dict get $m Status
    }] alive]]
    return [expr {$::serfAlive($i) >= $n}]
}

proc Gone {name i members} {
    foreach m $members {
	if {[dict get $m Name] eq $name} {
	    return [expr {[dict get $m Status] ne "alive"}]
	}
    }
    return 1
}

# Serf --
#
#	One round of serf with $n agents from $port up; the same figures
#	as Ours (lost: when `members` showed it on every other agent;
#	streamlost: when every other agent's stream delivered
#	member-failed).

proc Serf {n port heavy} {
    set ::serfDir [file join /tmp cluster-bench-serf-[pid]]
    file mkdir $::serfDir
    array unset ::serfSeen
    set ::agents {}
    for {set i 0} {$i < $n} {incr i} {
	lappend ::agents [SerfStart $i [expr {$port + 2 * $i}]]
    }
    set gap [expr {max(1, $n / 5)}]
    bench::wait 0 1000

    set t0 [clock microseconds]
    set ::serfJoinRetries 0
    for {set i 1} {$i < $n} {incr i} {
	SerfJoin $i $port
    }
    set all [lsort -integer [lmap a $::agents {lsearch $::agents $a}]]
    set done [SerfPoll $all $gap [list AllAlive $n] [expr {30000 + 200 * $n}]]
    set converge ""
    if {[dict size $done] < $n} {
	# Gossip that did not reach an agent waits for a push-pull sync
	# (every 30 s in the LAN profile): note who, and go on.
	set counts [lmap i $all {
	    expr {[dict exists $done $i] ? [continue]
		    : "n$i:$::serfAlive($i)"}
	}]
	puts "serf N=$n: not every agent knew every other after\
		[expr {(30000 + 200 * $n) / 1000}] s (alive members seen:\
		$counts; joins retried: $::serfJoinRetries)"
    } else {
	set converge [Ms [expr {[tcl::mathfunc::max {*}[dict values $done]]
		- $t0}]]
    }
    set result [dict create converge \
	    [expr {$converge eq "" ? "timeout" : $converge}] \
	    joinretries $::serfJoinRetries]

    if {!$heavy} {
	set names [lmap i [lrange $all 1 end] {list str n$i}]
	for {set k 0} {$k < ${::-repeat}} {incr k} {
	    set ::serfSeen(user) {}
	    set t [clock microseconds]
	    serfrpc::call [lindex $::agents 0 2] event [dict create \
		    Name {str bench} Payload {bin hello} Coalesce {bool 0}]
	    if {![bench::wait {[llength [lsearch -all -not -index 0 \
		    $::serfSeen(user) 0]] >= $n - 1} 10000]} {
		EndSerf
		bench::fail "serf N=$n: an event did not reach every agent"
	    }
	    set got [lsearch -all -inline -not -index 0 $::serfSeen(user) 0]
	    dict lappend result event [Ms [expr {[Max $got 1] - $t}]]

	    set ::serfAnswers {}
	    set t [clock microseconds]
	    serfrpc::call [lindex $::agents 0 2] query [dict create \
		    FilterNodes [list array $names] FilterTags {map {}} \
		    RequestAck {bool 0} RelayFactor {int 0} \
		    Timeout {int 2000000000} Name {str bench} \
		    Payload {bin ping}] stream SerfAnswered
	    if {![bench::wait {[llength $::serfAnswers] >= $n - 1} 10000]} {
		EndSerf
		bench::fail "serf N=$n: a query had [llength $::serfAnswers]\
			answers, not [expr {$n - 1}]"
	    }
	    dict lappend result query [Ms [expr {
		    [tcl::mathfunc::max {*}$::serfAnswers] - $t}]]
	    bench::wait 0 50
	}
    } else {
	Idle result [lmap a $::agents {lindex $a 1}]
	set victim n[expr {$n - 1}]
	set ::serfSeen(failed) {}
	exec kill -9 [lindex $::agents end 1]
	set killed [clock microseconds]
	set others [lrange $all 0 end-1]
	set gone [SerfPoll $others 50 [list Gone $victim] \
		[expr {${::-cap} * 1000}]]
	dict set result lost [expr {[dict size $gone] == $n - 1
		? [Ms [expr {[tcl::mathfunc::max {*}[dict values $gone]]
		- $killed}]] : "timeout"}]
	# What the agents' handlers and streams see comes later: member
	# events are coalesced.
	bench::wait {[llength [lsearch -all -index 2 $::serfSeen(failed) \
		$victim]] >= $n - 1} 10000
	set seen [lsearch -all -inline -index 2 $::serfSeen(failed) $victim]
	dict set result streamlost [expr {[llength $seen] >= $n - 1
		? [Ms [expr {[Max $seen 1] - $killed}]] : "timeout"}]
    }
    EndSerf
    return $result
}

# SerfJoin, SerfJoined --
#
#	Ask agent $i to join the agent on $port; a join that fails (the
#	agent answers with an error, or joined none) is asked again a
#	second later, as `serf agent -retry-join` would.

proc SerfJoin {i port {round ""}} {
    if {$round ne "" && $round != $::serfRound} {
	return			;# The agents of another round.
    }
    serfrpc::call [lindex $::agents $i 2] join [dict create \
	    Existing [list array [list [list str 127.0.0.1:$port]]] \
	    Replay {bool 0}] body [list SerfJoined $i $port]
}

proc SerfJoined {i port error body} {
    if {$error ne "" || ![dict exists $body Num]
	    || [dict get $body Num] < 1} {
	incr ::serfJoinRetries
	after 1000 [list SerfJoin $i $port $::serfRound]
    }
}

proc SerfAnswered {error body} {
    if {[dict get $body Type] eq "response"} {
	lappend ::serfAnswers [clock microseconds]
    }
}

proc EndSerf {} {
    foreach a $::agents {
	lassign $a chan pid rpc
	serfrpc::close $rpc
	catch {close $chan}
    }
    set ::agents {}
    incr ::serfRound
    file delete -force $::serfDir
}

# ---------------------------------------------------------------------
# The runs, interleaved, and the table.
# ---------------------------------------------------------------------

set port [expr {40000 + [pid] % 10000}]
set serfBase [expr {20000 + [pid] % 8 * 1200}]
set serfNext 0
set ::agents {}
set ::serfGen 0
set ::serfRound 0
set figures {}

proc SerfPort {n} {
    global serfNext serfBase
    if {$serfNext + 2 * $n > 1200} {
	set serfNext 0
    }
    set p [expr {$serfBase + $serfNext}]
    incr serfNext [expr {2 * $n}]
    return $p
}

foreach n $sizes {
    set heavy [expr {$n == $heavyN}]
    set rounds [expr {$heavy ? 1 : ${-rounds}}]
    for {set r 0} {$r < $rounds} {incr r} {
	# Who goes first alternates.
	set order [expr {$r % 2 ? {serf ours} : {ours serf}}]
	foreach who $order {
	    if {$who eq "ours"} {
		set f [Ours $n [incr port] $heavy]
	    } else {
		set f [Serf $n [SerfPort $n] $heavy]
	    }
	    dict for {k v} $f {
		dict lappend figures $n,$who,$k {*}$v
	    }
	}
    }
}

# Median --
#
#	The median of the figures for key $k of $who at $n, "" when none;
#	a wait that ran out ("" or "timeout") counts as the longest, and
#	when the median is one, so is the result ("timeout").

proc Median {n who k} {
    global figures
    if {![dict exists $figures $n,$who,$k]} {
	return ""
    }
    set v [lmap x [dict get $figures $n,$who,$k] {
	expr {[string is double -strict $x] ? $x : 1e300}
    }]
    if {![llength $v]} {
	return ""
    }
    set m [bench::median $v]
    return [expr {$m == 1e300 ? "timeout" : $m}]
}

set rows {
    converge ms "N=%d: all know all (join)"
    event ms "N=%d: event to the others, last arrival"
    query ms "N=%d: query to the last answer"
    cpu ms/s "N=%d: idle CPU per member over -idle s"
    rss MB "N=%d: resident memory per member"
    lost s "N=%d: SIGKILL to lost everywhere"
}
foreach n $sizes {
    set line [list serf N=$n]
    foreach {k unit label} $rows {
	set ours [Median $n ours $k]
	set theirs [Median $n serf $k]
	if {![dict exists $figures $n,ours,$k]} {
	    continue
	}
	set cap [expr {$k eq "lost" ? ${-cap} : 30 + $n / 5}]
	foreach v {ours theirs} {
	    if {[set $v] eq "timeout"} {
		set $v "> $cap"
	    } elseif {$k eq "lost" && [set $v] ne ""} {
		set $v [expr {[set $v] / 1000.0}]
	    }
	}
	set of serf
	if {![string is double -strict $theirs]} {
	    set of "serf: $theirs s"
	    set theirs ""
	}
	bench::row [format $label $n] $unit $ours $theirs $of \
		{ratioBelow 1.0001} "<= serf"
	lappend line ${k}_ours=[dict get $figures $n,ours,$k] \
		${k}_serf=[expr {[dict exists $figures $n,serf,$k]
		? [dict get $figures $n,serf,$k] : "-"}]
    }
    foreach k {false streamlost joinretries} who {ours serf serf} {
	if {[dict exists $figures $n,$who,$k]} {
	    lappend line ${k}_$who=[dict get $figures $n,$who,$k]
	}
    }
    puts [join $line " "]
}
bench::table "Side by side with serf (one member or agent per process,\
	127.0.0.1; medians of ${-rounds} rounds x ${-repeat}; N=$heavyN\
	once; our join options: [expr {${-opts} eq "" ? "defaults"
	: ${-opts}}])"
