# serfrpc.tcl --
#
#	A small client of serf's RPC protocol (the agent's -rpc-addr: a TCP
#	stream of msgpack objects, each request a header {Command Seq} and a
#	body, each answer a header {Seq Error} and, for some commands, a
#	body), enough for bench/serf.tcl: handshake, join, stream (events as
#	the agent sees them), event, query and respond. Timestamps on serf's
#	side are taken when a record arrives here, so they include one
#	loopback TCP hop from the agent, as ours include one pipe hop.
#
#	    set a [serfrpc::open 127.0.0.1 7373]
#	    serfrpc::call $a join {Existing {array {{str 127.0.0.1:7946}}}
#		    Replay {bool 0}} ?command?
#	    serfrpc::stream $a member-join,user,query command
#
#	A body is given as a dict of key -> {type value}, type one of str,
#	int, bool, bin, nil, array (value: a list of {type value}) and map
#	(value: a dict as a body is). Decoded maps are dicts, arrays lists,
#	strings and binary data byte strings, nil "".
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6

namespace eval ::serfrpc {
    variable seq 0		;# Last sequence number used, all clients.
}

# serfrpc::Encode --
#
#	One {type value} as msgpack bytes.

proc ::serfrpc::Encode {typed} {
    lassign $typed type value
    switch -- $type {
	nil {return \xc0}
	bool {return [expr {$value ? "\xc3" : "\xc2"}]}
	int {
	    if {$value >= 0 && $value < 128} {
		return [binary format c $value]
	    }
	    return [binary format cW 0xd3 $value]
	}
	str - bin {
	    set bytes [expr {$type eq "str"
		    ? [encoding convertto utf-8 $value] : $value}]
	    set n [string length $bytes]
	    if {$type eq "str" && $n < 32} {
		return [binary format c [expr {0xa0 | $n}]]$bytes
	    }
	    return [binary format cI [expr {$type eq "str" ? 0xdb : 0xc6}] \
		    $n]$bytes
	}
	array {
	    set out [binary format cS 0xdc [llength $value]]
	    foreach v $value {
		append out [Encode $v]
	    }
	    return $out
	}
	map {
	    set out [binary format cS 0xde [dict size $value]]
	    dict for {k v} $value {
		append out [Encode [list str $k]] [Encode $v]
	    }
	    return $out
	}
    }
    error "serfrpc: unknown type \"$type\""
}

# serfrpc::Decode --
#
#	Decode one object from $buf at the offset in the variable $offVar,
#	advancing it. Raises "short" when $buf ends before the object.

proc ::serfrpc::Decode {buf offVar} {
    upvar 1 $offVar off
    if {$off >= [string length $buf]} {
	error short
    }
    binary scan $buf @${off}cu b
    incr off
    if {$b < 0x80} {
	return $b
    } elseif {$b >= 0xe0} {
	return [expr {$b - 256}]
    } elseif {($b & 0xf0) == 0x80} {
	return [DecodeMap $buf off [expr {$b & 0x0f}]]
    } elseif {($b & 0xf0) == 0x90} {
	return [DecodeArray $buf off [expr {$b & 0x0f}]]
    } elseif {($b & 0xe0) == 0xa0} {
	return [Bytes $buf off [expr {$b & 0x1f}] 1]
    }
    switch -- $b {
	192 {return ""}
	194 {return 0}
	195 {return 1}
	196 - 217 {
	    set n [Uint $buf off cu 1]
	    return [Bytes $buf off $n [expr {$b == 217}]]
	}
	197 - 218 {
	    set n [Uint $buf off Su 2]
	    return [Bytes $buf off $n [expr {$b == 218}]]
	}
	198 - 219 {
	    set n [Uint $buf off Iu 4]
	    return [Bytes $buf off $n [expr {$b == 219}]]
	}
	202 {return [Uint $buf off R 4]}
	203 {return [Uint $buf off Q 8]}
	204 {return [Uint $buf off cu 1]}
	205 {return [Uint $buf off Su 2]}
	206 {return [Uint $buf off Iu 4]}
	207 {return [Uint $buf off Wu 8]}
	208 {return [Uint $buf off c 1]}
	209 {return [Uint $buf off S 2]}
	210 {return [Uint $buf off I 4]}
	211 {return [Uint $buf off W 8]}
	220 {return [DecodeArray $buf off [Uint $buf off Su 2]]}
	221 {return [DecodeArray $buf off [Uint $buf off Iu 4]]}
	222 {return [DecodeMap $buf off [Uint $buf off Su 2]]}
	223 {return [DecodeMap $buf off [Uint $buf off Iu 4]]}
	199 - 200 - 201 - 212 - 213 - 214 - 215 - 216 {
	    # ext types: skip them (serf sends none we need).
	    set n [dict get {199 -1 200 -2 201 -4 212 1 213 2 214 4 215 8
		216 16} $b]
	    if {$n < 0} {
		set n [Uint $buf off [dict get {-1 cu -2 Su -4 Iu} $n] \
			[expr {-$n}]]
	    }
	    incr n
	    return [Bytes $buf off $n 0]
	}
    }
    error "serfrpc: cannot decode byte $b"
}

proc ::serfrpc::Uint {buf offVar format size} {
    upvar 1 $offVar off
    if {$off + $size > [string length $buf]} {
	error short
    }
    binary scan $buf @${off}$format v
    incr off $size
    return $v
}

proc ::serfrpc::Bytes {buf offVar n utf8} {
    upvar 1 $offVar off
    if {$off + $n > [string length $buf]} {
	error short
    }
    set v [string range $buf $off [expr {$off + $n - 1}]]
    incr off $n
    return [expr {$utf8 ? [encoding convertfrom utf-8 $v] : $v}]
}

proc ::serfrpc::DecodeArray {buf offVar n} {
    upvar 1 $offVar off
    set out {}
    for {set i 0} {$i < $n} {incr i} {
	lappend out [Decode $buf off]
    }
    return $out
}

proc ::serfrpc::DecodeMap {buf offVar n} {
    upvar 1 $offVar off
    set out {}
    for {set i 0} {$i < $n} {incr i} {
	set k [Decode $buf off]
	dict set out $k [Decode $buf off]
    }
    return $out
}

# serfrpc::agent --
#
#	Start `serf agent` with the arguments $args (its output to the file
#	$log) under a shell that kills it with SIGKILL when the shell's
#	stdin closes, on SIGINT, SIGTERM or SIGHUP, or after $lifetime
#	seconds. Returns {shell pid}: the shell's pipe (close it to end the
#	agent) and the agent's pid.

proc ::serfrpc::agent {lifetime log args} {
    set chan [::open |[list bash -c {
	life=$1 log=$2
	shift 2
	serf agent "$@" >"$log" 2>&1 &
	p=$!
	trap 'kill -9 $p 2>/dev/null; exit 0' INT TERM HUP
	echo $p
	read -t "$life" x
	kill -9 $p 2>/dev/null
    } serf $lifetime $log {*}$args] r+]
    fconfigure $chan -buffering line
    return [list $chan [gets $chan]]
}

# serfrpc::open --
#
#	Connect to the RPC address of an agent and shake hands (waits for
#	the answer, at most $ms). Returns the client (its socket), or raises
#	an error when the agent does not answer.

proc ::serfrpc::open {host port {ms 5000}} {
    set sock [socket $host $port]
    fconfigure $sock -translation binary -blocking 0 -buffering none
    variable buf
    variable handlers
    set buf($sock) ""
    fileevent $sock readable [list ::serfrpc::Readable $sock]
    set done [call $sock handshake {Version {int 1}}]
    if {![Await $done $ms]} {
	close $sock
	error "serf agent at $host:$port did not answer the handshake"
    }
    return $sock
}

# serfrpc::close --
#
#	Close a client.

proc ::serfrpc::close {sock} {
    variable buf
    variable handlers
    catch {::close $sock}
    unset -nocomplain buf($sock)
    array unset handlers $sock,*
}

# serfrpc::call --
#
#	Send the command $command with the body $body ("none": no body,
#	as for members). $kind says what the
#	answer is: "plain" (a header), "body" (a header and a body) or
#	"stream" (a header, then a header and a body per record). $script,
#	when given, is called with the error and the body (or "" ) of each
#	answer. Returns a variable name set to 1 once the first answer
#	arrived (see Await).

proc ::serfrpc::call {sock command body {kind ""} {script ""}} {
    variable seq
    variable handlers
    if {$kind eq ""} {
	set kind [dict get {handshake plain event plain respond plain
	    join body members body stream stream query stream} $command]
    }
    set s [incr seq]
    set var ::serfrpc::answered($s)
    set $var 0
    set handlers($sock,$s) [list $kind 0 $script $var]
    set out [Encode [list map [dict create \
	    Command [list str $command] Seq [list int $s]]]]
    if {$body ne "none"} {
	append out [Encode [list map $body]]
    }
    puts -nonewline $sock $out
    flush $sock
    return $var
}

# serfrpc::Await --
#
#	Run the event loop until the variable $var (from call) is 1 or $ms
#	passed; 1 when it was answered.

proc ::serfrpc::Await {var ms} {
    set deadline [expr {[clock milliseconds] + $ms}]
    while {![set $var]} {
	set left [expr {$deadline - [clock milliseconds]}]
	if {$left <= 0} {
	    return 0
	}
	set id [after [expr {min($left, 50)}] [list set ::serfrpc::tick 1]]
	vwait ::serfrpc::tick
	after cancel $id
    }
    return 1
}

# serfrpc::Readable --
#
#	Read what the agent sent and dispatch each complete answer.

proc ::serfrpc::Readable {sock} {
    variable buf
    variable handlers
    if {[catch {read $sock} data] || ([eof $sock] && $data eq "")} {
	fileevent $sock readable {}
	return
    }
    append buf($sock) $data
    set off 0
    while {1} {
	set start $off
	if {[catch {Decode $buf($sock) off} header]} {
	    set off $start
	    break
	}
	set s [dict get $header Seq]
	set error [dict get $header Error]
	if {![info exists handlers($sock,$s)]} {
	    continue
	}
	lassign $handlers($sock,$s) kind started script var
	set body ""
	if {$kind eq "body" || ($kind eq "stream" && $started)} {
	    if {[catch {Decode $buf($sock) off} body]} {
		set off $start
		break
	    }
	}
	if {$kind eq "stream"} {
	    lset handlers($sock,$s) 1 1
	} else {
	    unset handlers($sock,$s)
	}
	set $var 1
	if {$script ne "" && ($kind ne "stream" || $started)} {
	    uplevel #0 [list {*}$script $error $body]
	}
    }
    set buf($sock) [string range $buf($sock) $off end]
}
