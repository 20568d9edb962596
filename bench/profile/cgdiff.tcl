# cgdiff.tcl --
#
#	The cost per operation of each function, from two callgrind
#	profiles of the same path with N and 2N operations (callgrind.sh
#	makes them): the inclusive (or, with -self, exclusive) instruction
#	count of every function in the larger run minus that in the smaller
#	one, divided by N, so that start-up cancels out. Prints the top
#	functions and their share of the per-operation total.
#
#	Usage: tclsh cgdiff.tcl ?-self? ?-top K? small.out large.out N
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

set inclusive yes
set top 40
while {[string match -* [lindex $argv 0]]} {
    set argv [lassign $argv option]
    switch -- $option {
	-self {set inclusive no}
	-top {set argv [lassign $argv top]}
    }
}
lassign $argv small large n

# costs --
#
#	Dict function -> instructions, from callgrind_annotate.

proc costs {file inclusive} {
    set out [exec callgrind_annotate --inclusive=$inclusive --auto=no \
	    --threshold=100 $file 2>/dev/null]
    set result {}
    foreach line [split $out \n] {
	if {[regexp {^\s*([0-9,]+)\s+\([ 0-9.]+%\)\s+(.*)$} $line -> ir fn]} {
	    set fn [regsub { \[[^\]]*\]$} $fn ""]
	    set fn [regsub {^.*/} $fn ""]
	    dict incr result $fn [string map {, ""} $ir]
	}
    }
    return $result
}

set a [costs $small $inclusive]
set b [costs $large $inclusive]
set total [expr {([dict get $b "PROGRAM TOTALS"]
	- [dict get $a "PROGRAM TOTALS"]) / double($n)}]
set rows {}
dict for {fn ir} $b {
    set before [expr {[dict exists $a $fn] ? [dict get $a $fn] : 0}]
    lappend rows [list $fn [expr {($ir - $before) / double($n)}]]
}
puts [format "%10s %6s  %s" instr/op share function]
foreach r [lrange [lsort -real -decreasing -index 1 $rows] 0 $top] {
    lassign $r fn per
    puts [format "%10.0f %5.1f%%  %s" $per [expr {100.0 * $per / $total}] \
	    $fn]
}
