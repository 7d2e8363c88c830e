package changelog

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// bigChangeLog is a GNU ChangeLog of n entries, each of four lines.
func bigChangeLog(n int) string {
	var b strings.Builder
	for i := n; i > 0; i-- {
		fmt.Fprintf(&b, "2020-01-%02d  Jane Doe  <jane@example.org>\n\n", 1+i%28)
		fmt.Fprintf(&b, "\t* lib/f%05d.c (f%05d): Fix the bound of change %d.\n\n", i, i, i)
	}
	return b.String()
}

// sweep rewrites the item lines of cl with spaces for the tab, as a
// whitespace clean-up of old entries does.
func sweep(cl string) string {
	return strings.ReplaceAll(cl, "\t* lib/", "        * lib/")
}

const newTop = "2026-12-05  John Roe  <john@example.org>\n\n\tAdd the frobnicator.\n\t* lib/frob.c (frob): New.\n\n"

// TestDiffSameUnderLoad: a new entry over a sweep of 12,000 old lines
// gives the new entry's message, the same idle and beside 4 goroutines
// that burn CPU. With the 2-second limit the diff had, this test fails:
// "no new entry".
func TestDiffSameUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("seconds of diffing")
	}
	old := bigChangeLog(12000) // 48,000 lines, 12,000 of them items
	new := newTop + sweep(old)
	derive := func() string {
		m, err := Derive([]Input{{Path: "ChangeLog", Old: []byte(old), New: []byte(new)}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m.Text + fmt.Sprint(m.Files)
	}
	idle := derive()
	if !strings.HasPrefix(idle, "Add the frobnicator.\n") {
		t.Fatalf("idle message = %q, want the new entry's", idle)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			x := 1
			for !stop.Load() {
				for i := range 1 << 16 {
					x = x*31 + i
				}
				runtime.Gosched()
			}
			_ = x
		})
	}
	busy := derive()
	stop.Store(true)
	wg.Wait()
	if busy != idle {
		t.Errorf("under load:\n%s\nidle:\n%s", busy, idle)
	}
}

// TestDiffTooLarge: a rewrite of every line of a large ChangeLog is a clear
// error naming the file, never a panic nor a run of minutes.
func TestDiffTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("a second or two of diffing")
	}
	old := bigChangeLog(20000) // 80,000 lines
	new := newTop + strings.ReplaceAll(sweep(old), "Jane Doe", "Jane  Doe")
	_, err := Derive([]Input{{Path: "ChangeLog", Old: []byte(old), New: []byte(new)}}, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Path != "ChangeLog" || !strings.Contains(e.Msg, "too large to diff") {
		t.Errorf("Derive = %v, want a too-large error naming ChangeLog", err)
	}
}

// TestDiffWithin: the bound counts steps, so it is the same on any machine.
func TestDiffWithin(t *testing.T) {
	a, b := []rune("abcabba"), []rune("cbabac") // D = 5 (Myers' example)
	if !diffWithin(a, b, 1000) {
		t.Error("Myers' example is not within 1000 steps")
	}
	if diffWithin(a, b, 5) {
		t.Error("Myers' example is within 5 steps")
	}
	if !diffWithin(a, a, len(a)+1) {
		t.Error("equal texts take more than one step per line")
	}
}
