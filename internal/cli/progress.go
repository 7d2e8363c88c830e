package cli

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/vcsync/vcsync/backends"
)

// progress keeps, on a terminal's stderr, one live line per remote being
// pushed, each with its running time and the latest progress line of its
// backend (git's "Writing objects:  45% (…), 12.00 MiB | 6.00 MiB/s"),
// redrawn a few times a second; as a
// remote finishes, its line gives way to its result line, printed on stdout
// above the live ones. On anything but a terminal it draws nothing: logs
// and pipes get the plain result lines only.
//
// The engine calls start and finish from its pushing goroutines; mu orders
// them with the ticker's redraws.
type progress struct {
	mu      sync.Mutex
	w       io.Writer // the terminal; nil when not one
	color   bool      // colour the result lines
	verb    string    // what the live lines say is going on: "pushing..." when ""
	live    []liveLine
	drawn   int       // live lines now on the screen
	last    time.Time // of the latest draw
	ticking bool      // the redraw goroutine runs
	now     func() time.Time
	size    func() (cols, rows int) // the terminal's; nil: 80×24
}

type liveLine struct {
	name  string
	start time.Time
	note  string // the backend's latest progress line
}

// tick is how often the running times are redrawn.
const tick = 200 * time.Millisecond

func newProgress(g *GlobalOptions) *progress {
	p := &progress{now: time.Now}
	if out, ok := g.IO.Out.(*os.File); ok && isTerminal(out) && !g.NoColor {
		p.color = true
	}
	f, ok := g.IO.ErrOut.(*os.File)
	// -v echoes commands on the same stderr, between the live lines'
	// redraws: it gets plain lines.
	if !ok || g.JSON || g.Quiet || g.Verbose || !isTerminal(f) {
		return p
	}
	p.w = f
	p.size = func() (int, int) { return winsize(f) }
	return p
}

// winsize returns the terminal's columns and rows, read at each redraw (the
// window may be resized); 80×24 when it cannot tell.
func winsize(f *os.File) (cols, rows int) {
	var ws struct{ Row, Col, X, Y uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws)))
	if errno != 0 || ws.Col == 0 || ws.Row == 0 {
		return 80, 24
	}
	return int(ws.Col), int(ws.Row)
}

// isTerminal reports whether f is a character device, the portable test
// without a terminal library; TERM=dumb asks for plain lines.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

// start adds a remote's live line.
func (p *progress) start(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live = append(p.live, liveLine{name: name, start: p.now()})
	p.draw()
	if p.w != nil && !p.ticking {
		p.ticking = true
		go p.tick()
	}
}

// note sets the progress line of a remote's live line. It is drawn at once
// if it is the first or the last draw is older than a tick's quarter: a
// short push still shows what it did, a long one redraws no more than its
// progress changes.
func (p *progress) note(name, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.IndexFunc(p.live, func(l liveLine) bool { return l.name == name })
	if i < 0 {
		return
	}
	first := p.live[i].note == ""
	p.live[i].note = line
	if first || p.now().Sub(p.last) >= tick/4 {
		p.draw()
	}
}

// finish removes a remote's live line and prints its result line in its
// place.
func (p *progress) finish(name string, print func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live = slices.DeleteFunc(p.live, func(l liveLine) bool { return l.name == name })
	p.erase()
	print()
	p.draw()
}

// tick redraws the live lines until none is left.
func (p *progress) tick() {
	t := time.NewTicker(tick)
	defer t.Stop()
	for range t.C {
		p.mu.Lock()
		if len(p.live) == 0 {
			p.ticking = false
			p.mu.Unlock()
			return
		}
		p.draw()
		p.mu.Unlock()
	}
}

// erase clears the live lines; the cursor ends where the first one began.
func (p *progress) erase() {
	if p.w == nil || p.drawn == 0 {
		return
	}
	s := "\r"
	if p.drawn > 1 {
		s += fmt.Sprintf("\033[%dA", p.drawn-1)
	}
	fmt.Fprint(p.w, s+"\033[J")
	p.drawn = 0
}

// draw writes the live lines, the cursor left at the end of the last one.
// Each fits the terminal's width and they fit its height (the rest are
// counted on the last line): a line that wrapped, or a cursor stopped at
// the top of the screen, would throw off the count of lines to erase.
func (p *progress) draw() {
	if p.w == nil {
		return
	}
	p.erase()
	cols, rows := 80, 24
	if p.size != nil {
		cols, rows = p.size()
	}
	var lines []string
	now := p.now()
	for _, l := range p.live {
		line := fmt.Sprintf("%-12s %s %.1fs", l.name, cmp.Or(p.verb, "pushing..."), now.Sub(l.start).Seconds())
		if l.note != "" {
			line += "  " + l.note
		}
		lines = append(lines, line)
	}
	if room := max(rows-1, 1); len(lines) > room {
		lines = append(lines[:room-1], fmt.Sprintf("... and %d more", len(lines)-room+1))
	}
	for i := range lines {
		lines[i] = clip(lines[i], max(cols-1, 1))
	}
	fmt.Fprint(p.w, strings.Join(lines, "\n"))
	p.drawn = len(lines)
	p.last = now
}

// clip cuts s to n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// paint colours a result's detail by its status, when colours are on:
// green for ok, red for rejected and failed, yellow for skipped.
func (p *progress) paint(s backends.Status, text string) string {
	if !p.color {
		return text
	}
	code := ""
	switch s {
	case backends.StatusOK:
		code = "32"
	case backends.StatusRejected, backends.StatusFailed:
		code = "31"
	case backends.StatusSkipped:
		code = "33"
	default:
		return text
	}
	return "\033[" + code + "m" + text + "\033[0m"
}
