# answerer.tcl --
#
#	The second member of the demo: it joins with the tag "answerer",
#	answers queries by evaluating them, and exits when the asker leaves.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require cluster

lassign $argv port
fconfigure stdout -buffering line

set cluster [cluster join -port $port -tags {answerer} -heartbeat 1000]
puts "answerer: joined as [$cluster uuid], serving [$cluster props]"

$cluster hook service discovered {
    puts "answerer: discovered [$service sid] on [$service ip],\
	    tags [$service tags]"
}
$cluster hook query {
    if {![my local]} {
	error "only members on this machine may ask"
    }
    puts "answerer: asked \"$data\" by [my sid]"
    uplevel #0 $data
}
$cluster hook service lost {
    puts "answerer: [$service sid] left"
    set ::done 1
}

after 15000 {set ::done timeout}
vwait ::done
$cluster destroy
