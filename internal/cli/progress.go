package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vcsync/vcsync/backends"
)

// progress keeps, on a terminal's stderr, one live line per remote being
// pushed, each with its running time, redrawn a few times a second; as a
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
	live    []liveLine
	drawn   int  // live lines now on the screen
	ticking bool // the redraw goroutine runs
	now     func() time.Time
}

type liveLine struct {
	name  string
	start time.Time
}

// tick is how often the running times are redrawn.
const tick = 200 * time.Millisecond

// maxWidth keeps a live line from wrapping on an 80-column terminal: a
// wrapped line would throw off the count of lines to erase.
const maxWidth = 79

func newProgress(g *GlobalOptions) *progress {
	p := &progress{now: time.Now}
	if out, ok := g.IO.Out.(*os.File); ok && isTerminal(out) && !g.NoColor {
		p.color = true
	}
	f, ok := g.IO.ErrOut.(*os.File)
	if !ok || g.JSON || g.Quiet || !isTerminal(f) {
		return p
	}
	p.w = f
	return p
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
func (p *progress) draw() {
	if p.w == nil {
		return
	}
	p.erase()
	var b strings.Builder
	now := p.now()
	for i, l := range p.live {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(clip(fmt.Sprintf("%-12s pushing... %.1fs", l.name, now.Sub(l.start).Seconds()), maxWidth))
	}
	fmt.Fprint(p.w, b.String())
	p.drawn = len(p.live)
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
