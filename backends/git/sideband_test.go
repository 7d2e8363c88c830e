package git

import (
	"slices"
	"strings"
	"testing"
)

// TestRemoteMessages: lines end at "\n" or "\r" and may come in pieces;
// blank lines go, control characters show as "?", secrets are redacted,
// an unended last line is kept, and a server cannot make us keep more
// than the bounds.
func TestRemoteMessages(t *testing.T) {
	m := &remoteMessages{secrets: []string{"t0ken"}}
	for _, p := range []string{"Create a merge", " request\n", "\n", "Resolving 50%\rResolving 100%\r\n", "\x1b[2Jcleared\n", "token t0ken\n", "last"} {
		m.Write([]byte(p))
	}
	want := []string{"Create a merge request", "Resolving 50%", "Resolving 100%", "?[2Jcleared", "token ***", "last"}
	if got := m.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines() = %q, want %q", got, want)
	}

	flood := &remoteMessages{}
	flood.Write([]byte(strings.Repeat(strings.Repeat("x", 5000)+"\n", 500)))
	got := flood.Lines()
	if len(got) != maxMessageLines || len(got[0]) != maxMessageLine {
		t.Errorf("a flood kept %d lines of %d characters, want %d of %d", len(got), len(got[0]), maxMessageLines, maxMessageLine)
	}
	if (*remoteMessages)(nil).Lines() != nil {
		t.Error("a nil collector has lines")
	}
}
