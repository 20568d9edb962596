# demo.tcl --
#
#	A first look at cluster's wire format: encode a heartbeat payload
#	with [cluster::packet encode], show its bytes, and decode it back.
#	Run it with "make demo" (it uses the library in the build directory).
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require cluster

# A heartbeat (type 1) on the broadcast channel (0), as a member with the
# sid "Demo1234" on host 02:00:00:00:00:01 would send it: it serves TCP on
# port 40001 and multicast, knows 2 services and carries two tags.
set heartbeat [dict create \
    type 1 \
    channel 0 \
    hid 02:00:00:00:00:01 \
    sid Demo1234 \
    known 2 \
    protocols {t c} \
    data {t {port 40001}} \
    tags {demo web}]

set bytes [cluster::packet encode $heartbeat]

binary scan $bytes H* hex
puts "heartbeat payload, [string length $bytes] bytes on the wire:"
foreach line [regexp -all -inline {.{1,48}} $hex] {
    puts "  [string trimright [regsub -all {..} $line {& }]]"
}

set decoded [cluster::packet decode $bytes]
puts "\ndecoded again:"
dict for {key value} $decoded {
    puts [format "  %-10s %s" $key $value]
}

# A receiver drops its own multicast echo: decoding with -self set to the
# sender's sid stops at the sid field.
set echo [cluster::packet decode $bytes -self Demo1234 -verdict verdict]
puts "\ndecoded by its own sender (-self Demo1234): verdict \"$verdict\""
