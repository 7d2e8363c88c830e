// Package state keeps what vcsync knows about each remote between runs:
// the local commit it was last known to hold and how the last push ended,
// in one JSON file under .git/vcsync/, written by rename so that a run
// killed at any moment leaves either the old state or the new one. A push
// to many remotes records each remote as it ends in a journal beside it
// (one appended line, O(1)), and writes the file once at its end: a state
// file rewritten after each of n remotes made a push O(n²). It also holds
// the lock that keeps two vcsync processes out of one repository.
//
// It must not import the core nor any backend; errors it stores are
// redacted by the caller.
package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vcsync/vcsync/internal/safefile"
)

// Last is how the last push to a remote ended.
type Last struct {
	Status   string    `json:"status"`
	Time     time.Time `json:"time"`
	Error    string    `json:"error,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
}

// Remote is what is known of one remote.
type Remote struct {
	Holds    string `json:"holds,omitempty"`    // the local commit id it was last known to hold
	Revision string `json:"revision,omitempty"` // the same in the remote's terms
	URL      string `json:"url,omitempty"`      // redacted: tells a re-pointed remote from the same one
	Branch   string `json:"branch,omitempty"`   // the remote branch it holds: another branch knows nothing
	Last     *Last  `json:"last,omitempty"`
}

// State is the whole file.
type State struct {
	Remotes map[string]*Remote `json:"remotes"`
}

// Dir is the state directory of a repository whose common git directory is
// gitDir.
func Dir(gitDir string) string { return filepath.Join(gitDir, "vcsync") }

const (
	file    = "state.json"
	journal = "state.journal"
	// maxFile bounds what is read of the state file and of the journal:
	// 4,000 remotes take about 2 MB.
	maxFile = 256 << 20
)

// record is one line of the journal: a remote's whole entry as a push to
// it ended.
type record struct {
	Name   string  `json:"name"`
	Remote *Remote `json:"remote"`
}

// Load reads the state, then replays the journal a run killed before its
// final Save left: a missing file is an empty state. State and journal
// must be regular files (a FIFO there is an error, not a hang).
func Load(dir string) (*State, error) {
	s := &State{Remotes: map[string]*Remote{}}
	b, err := safefile.ReadFile(filepath.Join(dir, file), maxFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, s); err != nil {
			return nil, fmt.Errorf("%s: %w (remove it to start afresh: vcsync then asks each remote what it holds)", filepath.Join(dir, file), err)
		}
		if s.Remotes == nil {
			s.Remotes = map[string]*Remote{}
		}
	}
	b, err = safefile.ReadFile(filepath.Join(dir, journal), maxFile)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	s.replay(b)
	return s, nil
}

// replay applies the journal's records in order. A line that does not
// parse is the torn end of a write a crash cut short, and is skipped: the
// remote's older entry stays, and its backend asks the remote.
func (s *State) replay(b []byte) {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		var r record
		if len(line) == 0 || json.Unmarshal(line, &r) != nil || r.Name == "" || r.Remote == nil {
			continue
		}
		s.Remotes[r.Name] = r.Remote
	}
}

// Record appends the entry of the remote name to the journal, so that a run
// killed before its Save remembers it: O(1) however many remotes the state
// holds. Each line starts with a newline too, so that a line torn by a
// crash never runs into the next one.
func (s *State) Record(dir, name string) error {
	r := s.Remotes[name]
	if r == nil {
		return nil
	}
	b, err := json.Marshal(record{Name: name, Remote: r})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := safefile.Open(filepath.Join(dir, journal), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(append([]byte{'\n'}, b...), '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Remote returns the entry of a remote, creating it.
func (s *State) Remote(name string) *Remote {
	r := s.Remotes[name]
	if r == nil {
		r = &Remote{}
		s.Remotes[name] = r
	}
	return r
}

// Save writes the state atomically: a temporary file renamed over the old
// one, so that a process killed at any moment leaves the old state or the
// new one; then it removes the journal, which the file now contains (a
// crash between the two leaves a journal whose replay changes nothing). It is not fsynced: the state is a cache (every backend asks its
// remote before sending anything), and a sync per remote was a measurable
// part of a parallel push (P3). The file is readable by its owner only: it
// names remotes.
func (s *State) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, file+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename, a no-op
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, file)); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, journal)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
