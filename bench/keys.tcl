# keys.tcl --
#
#	What keys cost (doc/protocol.md section 10), measured against the
#	same work without keys in the same run. A child tclsh holds two
#	members, one joined with -keys and one without, each in a group of
#	its own; this process holds their two peers. Both pairs are
#	measured in turn, block by block, so that a noisy moment of the
#	shared machine hits both alike:
#	  - query round trip over u and t: N sequential queries (each waits
#	    for the previous one's `done`), median and p99 in microseconds;
#	  - 1 MB events over u and t, pipelined as bench/throughput.tcl does,
#	    best of three, in bytes per second.
#
#	Targets: the keyed round trip's median within 15 % of the plain
#	one's; 1 MB events with keys above 1 GB/s.
#
#	Usage: tclsh bench/keys.tcl ?count? ?big-count?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
#	Everything stays on this machine: multicast TTL 0 (-remote 0),
#	loopback TCP, unix sockets under /tmp.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
source [file join [file dirname [file normalize [info script]]] \
	lib common.tcl]

set count [expr {$argc > 0 ? [lindex $argv 0] : 1000}]
set bigCount [expr {$argc > 1 ? [lindex $argv 1] : 100}]
set port [expr {20000 + ([pid] + 1234) % 10000}]
set base /tmp/cluster-keys-[pid]
set key [cluster keygen]
set warmup 50

# The child: two members, `plain` on $port and `keyed` on $port + 1, that
# answer queries with their data and count events; "expect KIND N" on
# stdin starts a count, "done KIND T N" on stdout (T in microseconds)
# ends it.
set child [bench::child [string map [list @PORT@ $port @BASE@ $base \
	@KEY@ $key] {
    package require cluster
    fconfigure stdout -buffering line
    foreach kind {plain keyed} p {@PORT@ @PORT@+1} keys {{} {@KEY@}} {
	set m($kind) [cluster join -port [expr $p] -heartbeat 1000 -ttl 10 \
		-discoverywait 100 -tags answerer -protocols {u t c} \
		-u [list path @BASE@-$kind-answerer.sock] -keys $keys]
	$m($kind) hook query {return $data}
	$m($kind) hook event [string map [list KIND $kind] {
	    if {[incr ::n(KIND)] == $::want(KIND)} {
		puts "done KIND [clock microseconds] $::n(KIND)"
	    }
	}]
	set ::n($kind) 0
	set ::want($kind) -1
    }
    fileevent stdin readable {
	if {[gets stdin line] < 0} {
	    $m(plain) destroy
	    $m(keyed) destroy
	    exit 0
	}
	lassign $line - kind count
	set ::n($kind) 0
	set ::want($kind) $count
	puts ok
    }
    puts ready
    vwait forever
}]]
bench::expect $child ready

foreach kind {plain keyed} p [list $port [expr {$port + 1}]] \
	keys [list {} [list $key]] {
    set c($kind) [cluster join -port $p -heartbeat 1000 -ttl 10 \
	    -discoverywait 100 -tags asker -protocols {u t c} \
	    -u [list path $base-$kind-asker.sock] -keys $keys]
    set cc $c($kind)
    if {![bench::wait {[llength [$cc resolve answerer]] == 1
	    && [dict exists [[lindex [$cc resolve answerer] 0] props] t]
	    && [dict exists [[lindex [$cc resolve answerer] 0] props] u]} \
	    5000]} {
	bench::fail "the $kind answerer was not discovered"
    }
    set service($kind) [lindex [$cc resolve answerer] 0]
}

# run --
#
#	Send $total events of $data from member $kind over $proto, $batch
#	per turn of the event loop, at most $window unwritten. Returns the
#	seconds from the first send to the receiver's last event.

proc run {kind proto data total batch window} {
    global c service child
    set cc $c($kind)
    puts $child "expect $kind $total"
    flush $child
    bench::expect $child ok
    set before [dict get [$cc stats] $proto packets_out]
    set sent 0
    set t0 [clock microseconds]
    while {$sent < $total} {
	set n [expr {min($batch, $total - $sent)}]
	for {set i 0} {$i < $n} {incr i} {
	    $cc send -services $service($kind) -protocols $proto -data $data
	}
	incr sent $n
	update
	while {$sent - ([dict get [$cc stats] $proto packets_out]
		- $before) > $window} {
	    after 1 {set ::bench::wake 1}
	    vwait ::bench::wake
	}
    }
    set line [bench::expect $child done 60000]
    return [expr {([lindex $line 2] - $t0) / 1e6}]
}

puts "keys: [bench::machine], $count sequential queries per protocol and\
	kind, $bigCount events of 1 MB"
foreach proto {u t} {
    foreach kind {plain keyed} {
	bench::queryTimes $c($kind) $proto $warmup
	set times($proto,$kind) {}
    }
}
set blocks 5
set perBlock [expr {max(1, $count / $blocks)}]
for {set b 0} {$b < $blocks} {incr b} {
    foreach proto {u t} {
	foreach kind {plain keyed} {
	    lappend times($proto,$kind) \
		    {*}[bench::queryTimes $c($kind) $proto $perBlock]
	}
    }
}
foreach proto {u t} {
    set plain [bench::median $times($proto,plain)]
    bench::row "$proto query median, keys" us \
	    [bench::median $times($proto,keyed)] $plain "no keys" \
	    {ratioBelow 1.15} "< 1.15x no keys"
    bench::row "$proto query p99, keys" us \
	    [bench::percentile $times($proto,keyed) 99] \
	    [bench::percentile $times($proto,plain) 99] "no keys" {}
}
bench::table "Query round trip with and without keys, two processes,\
	[llength $times(u,plain)] sequential per protocol and kind\
	(microseconds; $blocks interleaved blocks)"

set big [string repeat "0123456789abcdef" 65536]
foreach proto {u t} {
    foreach kind {plain keyed} {
	run $kind $proto $big 4 4 4
	set best($kind) 0
    }
    for {set i 0} {$i < 3} {incr i} {
	foreach kind {plain keyed} {
	    set seconds [run $kind $proto $big $bigCount 2 8]
	    set best($kind) [expr {max($best($kind),
		    $bigCount * 1048576 / $seconds / 1048576.0)}]
	}
    }
    bench::row "$proto 1 MB events, keys" MB/s $best(keyed) $best(plain) \
	    "no keys" {min 1024} ">= 1 GB/s"
}
bench::table "1 MB events with and without keys, one sender to one\
	receiver, two processes ($bigCount events; best of 3)"

foreach kind {plain keyed} {
    $c($kind) destroy
}
bench::endChild $child
