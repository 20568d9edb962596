#!/bin/sh
#
# callgrind.sh --
#
#	Instructions per operation on the hot paths, measured with
#	valgrind --tool=callgrind (deterministic counts, unlike the clock on
#	a shared machine): each path of hotpaths.tcl runs twice, with N and
#	with 2N operations, and the difference of the two totals divided by
#	N is the cost of one operation, start-up excluded. Both profiles are
#	kept; cgdiff.tcl breaks the difference down by function.
#
#	Usage, from a build directory:
#	    sh ../bench/profile/callgrind.sh ?outdir? ?path ...?
#	paths: encode decode send-u send-t receive-u receive-t ask-u ask-t
#	ask-c answer-u answer-t answer-c (the default: all of these), and
#	send-u-1M send-t-1M receive-u-1M receive-t-1M (events of 1 MB).
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/cluster-callgrind}
[ $# -gt 0 ] && shift
all="encode decode send-u send-t receive-u receive-t"
all="$all ask-u ask-t ask-c answer-u answer-t answer-c"
paths=${*:-$all}
mkdir -p "$out"

# total FILE -- the instruction total of a callgrind profile.
total() {
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1"
}

printf '%-14s %6s %14s\n' path N instr/op
for path in $paths; do
    mode=$(echo "$path" | cut -d- -f1)
    proto=$(echo "$path" | cut -s -d- -f2)
    size=$(echo "$path" | cut -s -d- -f3)
    case $mode in
	encode|decode) n=20000 ;;
	send|receive) n=2000 ;;
	*) n=300 ;;
    esac
    if [ "$size" = 1M ]; then
	size=1048576
	n=20
    fi
    for k in 1 2; do
	TCLLIBPATH=${TCLLIBPATH:-.} valgrind --tool=callgrind \
	    --callgrind-out-file="$out/$path.$k.out" \
	    tclsh "$here/hotpaths.tcl" $mode $proto $((n * k)) $size \
	    >/dev/null 2>"$out/$path.$k.log" || {
	    echo "$path: failed, see $out/$path.$k.log" >&2
	    continue 2
	}
    done
    a=$(total "$out/$path.1.out")
    b=$(total "$out/$path.2.out")
    printf '%-14s %6d %14d\n' "$path" "$n" $(( (b - a) / n ))
done
