# codec.tcl --
#
#	Benchmark of the packet codec seen from Tcl: microseconds per encode
#	and per decode (`cluster::packet encode|decode`) of a heartbeat
#	payload (the one of the golden vector) and of events carrying 200
#	bytes, 20 KB and 1 MB of data, with MB/s (MB = 2^20 bytes) for the
#	large ones; and seal and open (`cluster::packet seal|open`, keys) of
#	the heartbeat and of the 1 MB event, against encode and decode (from
#	Tcl they also read the base64 key each call). Each figure is the
#	best of several rounds of [time {...} N].
#
#	Baseline, in the same run: a plain-Tcl bpacket encoder and decoder
#	(binary format/scan, encoding convertto/convertfrom, as a pure-Tcl
#	implementation must do it).
#
#	Targets: heartbeat encode and decode each under 2 us; 1 MB encode
#	and decode above 1 GB/s (1024 MB/s).
#
#	Usage: tclsh bench/codec.tcl ?rounds?
#	(with the package on auto_path, e.g. TCLLIBPATH=<builddir>)
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require cluster
source [file join [file dirname [file normalize [info script]]] \
	lib common.tcl]

set rounds [expr {$argc > 0 ? [lindex $argv 0] : 5}]

namespace eval ::tclcodec {
    variable ids
    variable types
    variable names
    set n 0
    foreach {name type} {
	type varint channel varint hid string sid string known varint
	timestamp varint protocols list ruid string op string data string
	raw raw tags list keepalive boolean filter list error string
    } {
	incr n
	set ids($name) $n
	set types($name) $type
	set names($n) $name
    }
}

# ::tclcodec::varint --
#
#	Plain-Tcl varint encoder.

proc ::tclcodec::varint {n} {
    set out ""
    while {$n >= 0x80} {
	append out [binary format c [expr {($n & 0x7F) | 0x80}]]
	set n [expr {$n >> 7}]
    }
    append out [binary format c $n]
}

# ::tclcodec::encode --
#
#	Plain-Tcl encoder of a payload dict (filter first).

proc ::tclcodec::encode {payload} {
    variable ids
    variable types
    set body ""
    if {[dict exists $payload filter]} {
	set payload [dict merge \
		[dict create filter [dict get $payload filter]] $payload]
    }
    dict for {key value} $payload {
	append body [varint $ids($key)]
	switch -- $types($key) {
	    varint {append body [varint $value]}
	    boolean {append body [binary format c [expr {$value ? 1 : 0}]]}
	    string {
		set b [encoding convertto utf-8 $value]
		append body [varint [string length $b]] $b
	    }
	    raw {append body [varint [string length $value]] $value}
	    list {
		append body [varint [llength $value]]
		foreach e $value {
		    set b [encoding convertto utf-8 $e]
		    append body [varint [string length $b]] $b
		}
	    }
	}
    }
    return \xc0\x8d[varint [string length $body]]$body\x00\x00
}

# ::tclcodec::getVarint --
#
#	Plain-Tcl varint decoder: reads at index i of bytes, advances i.

proc ::tclcodec::getVarint {bytes iVar} {
    upvar 1 $iVar i
    set value 0
    set shift 0
    while 1 {
	binary scan $bytes @${i}cu b
	incr i
	set value [expr {$value | (($b & 0x7F) << $shift)}]
	if {$b < 0x80} {
	    return $value
	}
	incr shift 7
    }
}

# ::tclcodec::decode --
#
#	Plain-Tcl decoder of a well-formed packet (no checks).

proc ::tclcodec::decode {packet} {
    variable names
    variable types
    set i 2
    set length [getVarint $packet i]
    set end [expr {$i + $length}]
    set result {}
    while {$i < $end} {
	set key $names([getVarint $packet i])
	switch -- $types($key) {
	    varint {dict set result $key [getVarint $packet i]}
	    boolean {
		binary scan $packet @${i}cu b
		incr i
		dict set result $key $b
	    }
	    string {
		set n [getVarint $packet i]
		dict set result $key [encoding convertfrom utf-8 \
			[string range $packet $i [expr {$i + $n - 1}]]]
		incr i $n
	    }
	    raw {
		set n [getVarint $packet i]
		dict set result $key [string range $packet $i \
			[expr {$i + $n - 1}]]
		incr i $n
	    }
	    list {
		set count [getVarint $packet i]
		set l {}
		for {set k 0} {$k < $count} {incr k} {
		    set n [getVarint $packet i]
		    lappend l [encoding convertfrom utf-8 \
			    [string range $packet $i [expr {$i + $n - 1}]]]
		    incr i $n
		}
		dict set result $key $l
	    }
	}
    }
    return $result
}

# best --
#
#	Best microseconds per iteration of script over the rounds.

proc best {script iterations} {
    global rounds
    set best Inf
    for {set r 0} {$r < $rounds} {incr r} {
	set us [lindex [uplevel 1 [list time $script $iterations]] 0]
	if {$us < $best} {
	    set best $us
	}
    }
    return $best
}

set text abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
set payloads [list \
    heartbeat [dict create sid a1B2c3D4 hid 02:fc:00:00:00:01 type 1 \
	channel 0 protocols {t c} data {t {port 40001}} known 2 tags {a b}] \
    data-200 [dict create type 6 channel 0 data \
	[string range [string repeat $text 4] 0 199]] \
    data-20K [dict create type 6 channel 0 data \
	[string range [string repeat $text 330] 0 19999]] \
    data-1M [dict create type 6 channel 0 data \
	[string range [string repeat $text 16913] 0 1048575]] \
]
set iterations {heartbeat 200000 data-200 200000 data-20K 20000 data-1M 100}

puts "codec: [bench::machine], best of $rounds rounds"
foreach {name payload} $payloads {
    set n [dict get $iterations $name]
    set packet [cluster::packet encode $payload]
    if {[::tclcodec::encode $payload] ne $packet
	    || [dict get [::tclcodec::decode $packet] data] ne
		[dict get $payload data]} {
	error "plain-Tcl baseline disagrees with the codec on $name"
    }
    set size [string length $packet]
    set enc [best {cluster::packet encode $payload} $n]
    set dec [best {cluster::packet decode $packet} $n]
    set tclN [expr {max(1, $n / 20)}]
    set tclEnc [best {::tclcodec::encode $payload} $tclN]
    set tclDec [best {::tclcodec::decode $packet} $tclN]
    set target {}
    set text ""
    if {$name eq "heartbeat"} {
	set target {max 2.0}
	set text "< 2 us"
    }
    bench::row "$name encode ($size B)" us $enc $tclEnc "plain Tcl" \
	    $target $text
    bench::row "$name decode ($size B)" us $dec $tclDec "plain Tcl" \
	    $target $text
    if {$size >= 10000} {
	set mb [expr {$size / 1048576.0}]
	set target {}
	set text ""
	if {$name eq "data-1M"} {
	    set target {min 1024}
	    set text "> 1024 MB/s"
	}
	foreach {what us tclUs} [list encode $enc $tclEnc \
		decode $dec $tclDec] {
	    bench::row "$name $what rate" MB/s [expr {$mb / ($us / 1e6)}] \
		    [expr {$mb / ($tclUs / 1e6)}] "plain Tcl" $target $text
	}
    }
}

# Sealing (keys): seal and open of the encoded packet, against encoding
# and decoding it, which every packet costs anyway.
set key [binary encode base64 [string repeat \x5A 32]]
foreach name {heartbeat data-1M} {
    set n [expr {[dict get $iterations $name] / 2}]
    set payload [dict get $payloads $name]
    set packet [cluster::packet encode $payload]
    set sealed [cluster::packet seal $key $packet]
    if {[cluster::packet open [list $key] $sealed] ne $packet} {
	error "seal/open does not round-trip $name"
    }
    set size [string length $packet]
    set seal [best {cluster::packet seal $key $packet} $n]
    set open [best {cluster::packet open [list $key] $sealed} $n]
    set enc [best {cluster::packet encode $payload} $n]
    set dec [best {cluster::packet decode $packet} $n]
    bench::row "$name seal ($size B)" us $seal $enc "encode" {} ""
    bench::row "$name open ($size B)" us $open $dec "decode" {} ""
    if {$size >= 10000} {
	set mb [expr {$size / 1048576.0}]
	bench::row "$name seal rate" MB/s [expr {$mb / ($seal / 1e6)}] \
		[expr {$mb / ($enc / 1e6)}] "encode" {} ""
	bench::row "$name open rate" MB/s [expr {$mb / ($open / 1e6)}] \
		[expr {$mb / ($dec / 1e6)}] "decode" {} ""
    }
}

# Raw copy speed, for scale: encoding convertto utf-8 of 1 MB of ASCII.
set data [dict get $payloads data-1M data]
set us [best {encoding convertto utf-8 $data} 50]
bench::row "utf-8 convertto 1 MB (reference)" MB/s \
	[expr {1.0 / ($us / 1e6)}] "" "" {}
bench::table "Codec from Tcl (microseconds per call, best of $rounds)"
