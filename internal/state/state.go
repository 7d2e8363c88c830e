// Package state keeps what vcsync knows about each remote between runs:
// the local commit it was last known to hold and how the last push ended,
// in one JSON file under .git/vcsync/, written by rename so that a run
// killed at any moment leaves either the old state or the new one. It also
// holds the lock that keeps two vcsync processes out of one repository.
//
// It must not import the core nor any backend; errors it stores are
// redacted by the caller.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
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

const file = "state.json"

// Load reads the state; a missing file is an empty state.
func Load(dir string) (*State, error) {
	s := &State{Remotes: map[string]*Remote{}}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("%s: %w (remove it to start afresh: vcsync then asks each remote what it holds)", filepath.Join(dir, file), err)
	}
	if s.Remotes == nil {
		s.Remotes = map[string]*Remote{}
	}
	return s, nil
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
// new one. It is not fsynced: the state is a cache (every backend asks its
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
	return os.Rename(f.Name(), filepath.Join(dir, file))
}
