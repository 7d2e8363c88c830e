package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
)

// progress keeps one live line on a terminal's stderr saying which remotes
// are being pushed; the result lines go to stdout above it. On anything but
// a terminal it does nothing: logs and pipes get plain lines only.
type progress struct {
	mu      sync.Mutex
	w       io.Writer // nil when not a terminal
	running []string
	done    int
}

func newProgress(g *GlobalOptions) *progress {
	f, ok := g.IO.ErrOut.(*os.File)
	if !ok || g.JSON || g.Quiet || !isTerminal(f) {
		return &progress{}
	}
	return &progress{w: f}
}

// isTerminal reports whether f is a character device, the portable test
// without a terminal library.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

func (p *progress) start(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, name)
	p.draw()
}

// finish removes a remote from the live line and prints its result line.
func (p *progress) finish(name string, print func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = slices.DeleteFunc(p.running, func(n string) bool { return n == name })
	p.done++
	p.clear()
	print()
	p.draw()
}

func (p *progress) clear() {
	if p.w != nil {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *progress) draw() {
	if p.w == nil {
		return
	}
	p.clear()
	if len(p.running) > 0 {
		fmt.Fprintf(p.w, "pushing %s (%d done)", strings.Join(p.running, ", "), p.done)
	}
}
