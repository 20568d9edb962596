# all.tcl --
#
#	Runs every tests/*.test file with tcltest's runAllTests, each file in
#	its own child tclsh (unless -singleproc 1 is given), and exits with a
#	status that says whether everything passed. Arguments are tcltest
#	options, e.g. "-file codec.test" or "-match codec-1.*".
#
#	tcltest alone exits 0 whatever happens, and a child that dies (a
#	crash, a sanitizer report, an error outside any test, a missing
#	cleanupTests) contributes no counts at all. So this file watches
#	runAllTests as it works:
#
#	- a write to ::tcltest::numTestFiles means the next file starts;
#	- a write to ::tcltest::numTests(Total) means that file's summary
#	  line ("foo.test: Total n Passed n Skipped n Failed n") arrived;
#	- a failing [close] of the pipe means the child exited non-zero, was
#	  killed by a signal, or wrote to stderr (tcltest itself counts that
#	  as a test file error). Sanitizers exit non-zero, even after the
#	  summary when LeakSanitizer finds leaks at exit.
#
#	Every file that gave no summary, or whose process failed, counts as
#	one more failed test. The very last line printed is
#	"N passed, N failed, N skipped"; the exit status is 1 if N failed > 0.
#
# Copyright (c) 2026 The cluster developers.
# See the file "LICENSE" for information on usage and redistribution.

package require Tcl 8.6
package require tcltest 2.2

namespace eval ::clusterAll {
    variable running 0		;# 1 while runAllTests runs test files.
    variable current -1		;# Index in $files of the running file.
    variable files {}		;# One dict per file: name, summary, error.
    variable totals		;# Totals taken before tcltest resets them.
    array set totals {Total 0 Passed 0 Skipped 0 Failed 0}
}

# ::clusterAll::FileStarted --
#
#	Write trace on ::tcltest::numTestFiles, which runAllTests increments
#	just before it starts each file. Records the new file.

proc ::clusterAll::FileStarted {args} {
    variable running
    variable current
    variable files
    if {!$running} {
	return
    }
    # runAllTests keeps the file in its local "file"; the trace runs in
    # its frame.
    if {[catch {uplevel 1 {set file}} name]} {
	set name "test file #[expr {[llength $files] + 1}]"
    }
    lappend files [dict create name [file tail $name] summary 0 error {}]
    set current [expr {[llength $files] - 1}]
}

# ::clusterAll::SummarySeen --
#
#	Write trace on ::tcltest::numTests: runAllTests adds a child's
#	summary line to it (in -singleproc mode, each test does).

proc ::clusterAll::SummarySeen {name1 name2 op} {
    variable running
    variable current
    variable files
    if {$running && $current >= 0 && $name2 eq "Total"} {
	lset files $current [dict replace [lindex $files $current] summary 1]
    }
}

# ::clusterAll::CloseDone --
#
#	Leave trace on [close]: a failing close while a test file runs is
#	the pipe to a child that exited abnormally.

proc ::clusterAll::CloseDone {command code result op} {
    variable running
    variable current
    variable files
    if {$running && $current >= 0 && $code != 0} {
	# Tcl's message: the child's stderr, then the reason if it failed.
	# Sanitizer reports start with a rule of '='; show their ERROR line.
	set lines {}
	foreach line [split $result \n] {
	    if {[string trim $line "= \t"] ne ""} {
		lappend lines $line
	    }
	}
	set first [lindex $lines 0]
	set last [lindex $lines end]
	foreach line $lines {
	    if {[regexp {ERROR: |runtime error: } $line]} {
		set first [string trim $line]
		break
	    }
	}
	if {[string match "child killed*" $last]} {
	    set reason $last
	    if {$first ne $last} {
		append reason ": " $first
	    }
	} else {
	    set reason "non-zero exit or output on stderr: $first"
	}
	lset files $current \
	    [dict replace [lindex $files $current] error $reason]
    }
}

# ::clusterAll::FinalCleanup --
#
#	Enter trace on ::tcltest::cleanupTests: when runAllTests calls it
#	with 1 at the end, take the totals before it resets them.

proc ::clusterAll::FinalCleanup {command op} {
    variable running
    variable totals
    if {$running && [lindex $command 1] eq "1"} {
	set running 0
	array set totals [array get ::tcltest::numTests]
    }
}

# ::clusterAll::Run --
#
#	Configures tcltest from the command line, runs all test files and
#	prints the final verdict.
#
# Results:
#	The exit status: 0 if every test passed and every file ran to its
#	end, else 1.

proc ::clusterAll::Run {argv} {
    variable running
    variable files
    variable totals

    ::tcltest::configure -testdir [file dirname [file normalize [info script]]]
    ::tcltest::configure {*}$argv

    trace add variable ::tcltest::numTestFiles write ::clusterAll::FileStarted
    trace add variable ::tcltest::numTests write ::clusterAll::SummarySeen
    trace add execution ::close leave ::clusterAll::CloseDone
    trace add execution ::tcltest::cleanupTests enter ::clusterAll::FinalCleanup

    set running 1
    set status [::tcltest::runAllTests]
    set running 0

    trace remove execution ::tcltest::cleanupTests enter ::clusterAll::FinalCleanup
    trace remove execution ::close leave ::clusterAll::CloseDone
    trace remove variable ::tcltest::numTests write ::clusterAll::SummarySeen
    trace remove variable ::tcltest::numTestFiles write ::clusterAll::FileStarted

    set passed $totals(Passed)
    set failed $totals(Failed)
    set skipped $totals(Skipped)
    set broken {}
    foreach record $files {
	dict with record {}
	if {$error ne ""} {
	    lappend broken "$name: $error"
	} elseif {!$summary} {
	    lappend broken "$name: ended without a tcltest summary\
		    (crash, exit or missing cleanupTests?)"
	} else {
	    continue
	}
	incr failed
    }
    if {[llength $files] == 0} {
	lappend broken "no test file matched in [::tcltest::testsDirectory]"
	incr failed
    }
    if {$status && $failed == 0} {
	# tcltest saw a failure that escaped the checks above.
	lappend broken "tcltest reported a failure"
	incr failed
    }

    set out [::tcltest::outputChannel]
    if {[llength $broken]} {
	puts $out "\nTest files that did not run cleanly:"
	foreach line $broken {
	    puts $out "  $line"
	}
    }
    set verdict "$passed passed, $failed failed, $skipped skipped"
    if {$out ne "stdout"} {
	puts $out \n$verdict
	flush $out
    }
    puts stdout \n$verdict
    flush stdout
    return [expr {$failed > 0}]
}

# A bad option or a broken tcltest must still end with a verdict line.
if {[catch {::clusterAll::Run $argv} code]} {
    puts stderr "all.tcl: $::errorInfo"
    puts stdout "\n0 passed, 1 failed, 0 skipped"
    exit 1
}
exit $code
