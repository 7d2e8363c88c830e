package git

import (
	"strings"
	"sync"
	"unicode"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"

	"github.com/vcsync/vcsync/internal/run"
)

// What the server says during a push. git's receive-pack sends the output
// of its hooks (pre-receive, update, post-receive: "Create a merge request
// for main: https://...", a CI link, a hook's reason for a refusal) on
// side-band channel 2, which git push shows as "remote: ..." lines. Here
// they are collected, and the engine shows them the same way.

// Bounds on what a server can make us keep and print.
const (
	maxMessageLines = 200
	maxMessageLine  = 1000 // characters
)

// remoteMessages collects side-band channel 2: it is the request's
// Progress writer. Safe for concurrent use (go-git's demuxer writes from
// the goroutine that reads the session).
type remoteMessages struct {
	mu      sync.Mutex
	partial strings.Builder // the line being received
	lines   []string
	secrets []string
}

// listen asks the server for side-band-64k (side-band if that is all it
// has), so that its messages come apart from the report, and for quiet,
// as git push does when its stderr is not a terminal: no "Resolving
// deltas" progress, only what the hooks say.
func (m *remoteMessages) listen(ar *packp.AdvRefs, req *packp.ReferenceUpdateRequest, secrets []string) {
	m.secrets = secrets
	switch caps := ar.Capabilities; {
	case caps.Supports(capability.Sideband64k):
		_ = req.Capabilities.Set(capability.Sideband64k)
	case caps.Supports(capability.Sideband):
		_ = req.Capabilities.Set(capability.Sideband)
	default:
		return
	}
	if ar.Capabilities.Supports(capability.Quiet) {
		_ = req.Capabilities.Set(capability.Quiet)
	}
	req.Progress = m
}

// Write takes a piece of channel 2; a line ends at "\n" or "\r" (a
// progress meter redrawn in place).
func (m *remoteMessages) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range string(p) {
		if r == '\n' || r == '\r' {
			m.endLine()
			continue
		}
		if m.partial.Len() < maxMessageLine {
			m.partial.WriteRune(r)
		}
	}
	return len(p), nil
}

// endLine keeps the line received so far: trimmed, blank lines dropped,
// with what a hostile server could use to move the cursor or recolour the
// terminal (escape and other control characters) shown as "?", as git
// does, and secrets redacted.
func (m *remoteMessages) endLine() {
	line := strings.TrimRightFunc(m.partial.String(), unicode.IsSpace)
	m.partial.Reset()
	if line == "" || len(m.lines) >= maxMessageLines {
		return
	}
	line = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' {
			return '?'
		}
		return r
	}, line)
	m.lines = append(m.lines, run.Redact(line, m.secrets...))
}

// Lines returns the lines received, the last one even if it did not end.
func (m *remoteMessages) Lines() []string {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.partial.Len() > 0 {
		m.endLine()
	}
	return append([]string(nil), m.lines...)
}
