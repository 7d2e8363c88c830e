package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vcsync/vcsync/backends"
)

// TestProgressLines drives the live lines the way the engine does, three
// remotes at once: each finish erases exactly the lines drawn (cursor up
// one fewer than drawn, then clear to the end of the screen), prints the
// result in their place, and redraws the others.
func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := t0
	p := &progress{w: &buf, now: func() time.Time { return clock }, ticking: true} // no ticker: redraws only on events
	p.start("a")
	p.start("b")
	clock = t0.Add(1500 * time.Millisecond)
	p.start("c")
	buf.Reset()
	p.finish("b", func() { buf.WriteString("b            ok\n") })
	want := "\r\033[2A\033[J" + "b            ok\n" +
		"a            pushing... 1.5s\nc            pushing... 0.0s"
	if got := buf.String(); got != want {
		t.Errorf("finish b wrote\n%q\nwant\n%q", got, want)
	}
	buf.Reset()
	p.finish("a", func() {})
	p.finish("c", func() {})
	if got, want := buf.String(), "\r\033[1A\033[J"+"c            pushing... 0.0s"+"\r\033[J"; got != want {
		t.Errorf("finishing the rest wrote %q, want %q", got, want)
	}
	if p.drawn != 0 {
		t.Errorf("%d lines still drawn", p.drawn)
	}
}

func TestProgressClipAndPaint(t *testing.T) {
	long := strings.Repeat("x", 100)
	if got := clip(long, 79); len([]rune(got)) != 79 || !strings.HasSuffix(got, "…") {
		t.Errorf("clip: %q", got)
	}
	if got := clip("short", 79); got != "short" {
		t.Errorf("clip(short) = %q", got)
	}
	p := &progress{color: true}
	if got := p.paint(backends.StatusFailed, "failed: x"); got != "\033[31mfailed: x\033[0m" {
		t.Errorf("paint failed = %q", got)
	}
	if got := p.paint(backends.StatusUpToDate, "up-to-date"); got != "up-to-date" {
		t.Errorf("paint up-to-date = %q", got)
	}
	p.color = false
	if got := p.paint(backends.StatusOK, "ok"); got != "ok" {
		t.Errorf("paint with colours off = %q", got)
	}
}

// TestProgressFitsTerminal: on a small terminal the live lines neither wrap
// nor outnumber its rows (the cursor could not go back up past the top),
// and erasing takes back exactly what was drawn.
func TestProgressFitsTerminal(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, now: func() time.Time { return now }, ticking: true,
		size: func() (int, int) { return 20, 4 }}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		p.start(n)
	}
	buf.Reset()
	p.draw()
	want := "\r\033[2A\033[J" + "a            pushi…\nb            pushi…\n... and 3 more"
	if got := buf.String(); got != want {
		t.Errorf("draw wrote\n%q\nwant\n%q", got, want)
	}
	if p.drawn != 3 {
		t.Errorf("drawn = %d, want 3", p.drawn)
	}
}

// TestProgressNote: a backend's progress line goes on its remote's live
// line, drawn at once unless the last draw is within a quarter tick; a note
// for a remote that has finished is dropped.
func TestProgressNote(t *testing.T) {
	var buf bytes.Buffer
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := t0
	p := &progress{w: &buf, now: func() time.Time { return clock }, ticking: true}
	p.start("a")
	clock = t0.Add(time.Second)
	buf.Reset()
	p.note("a", "Writing objects:  45% (45/100), 1.00 MiB")
	if got, want := buf.String(), "\r\033[Ja            pushing... 1.0s  Writing objects:  45% (45/100), 1.00 MiB"; got != want {
		t.Errorf("note wrote %q, want %q", got, want)
	}
	buf.Reset()
	clock = clock.Add(tick / 8)
	p.note("a", "Writing objects:  46% (46/100)")
	if buf.Len() != 0 {
		t.Errorf("a note within a quarter tick of a draw drew %q", buf.String())
	}
	clock = clock.Add(tick)
	p.note("a", "Writing objects:  47% (47/100)")
	if !strings.HasSuffix(buf.String(), "  Writing objects:  47% (47/100)") {
		t.Errorf("a later note drew %q", buf.String())
	}
	p.finish("a", func() {})
	buf.Reset()
	p.note("a", "late")
	if buf.Len() != 0 {
		t.Errorf("a note after finish drew %q", buf.String())
	}
}
