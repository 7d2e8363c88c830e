package state

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vcsync")
	s, err := Load(dir)
	if err != nil || len(s.Remotes) != 0 {
		t.Fatalf("Load(missing) = %v, %v; want empty state", s, err)
	}
	r := s.Remote("svn")
	r.Holds, r.Revision = "abc", "r12"
	r.Last = &Last{Status: "ok", Time: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), Attempts: 1}
	if err := s.Save(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "state.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g := got.Remotes["svn"]; g.Holds != "abc" || g.Revision != "r12" || g.Last.Status != "ok" || !g.Last.Time.Equal(r.Last.Time) {
		t.Errorf("round trip = %+v", g)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in %s: %v", dir, entries)
	}
	os.WriteFile(filepath.Join(dir, "state.json"), []byte("{"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "remove it to start afresh") {
		t.Errorf("Load(corrupt) = %v", err)
	}
}

// TestJournal: what Record appends survives a run killed before its Save
// (the journal is replayed, a torn last line skipped); Save folds it into
// the file and removes it.
func TestJournal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vcsync")
	s, _ := Load(dir)
	s.Remote("a").Holds = "old"
	if err := s.Save(dir); err != nil {
		t.Fatal(err)
	}
	s.Remote("a").Holds = "new"
	s.Remote("b").Holds = "b1"
	for _, name := range []string{"a", "b"} {
		if err := s.Record(dir, name); err != nil {
			t.Fatal(err)
		}
	}
	// A crash in the middle of the next line.
	f, _ := os.OpenFile(filepath.Join(dir, "state.journal"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\n{\"name\":\"b\",\"remote\":{\"holds\":\"to")
	f.Close()
	s.Remote("c").Holds = "c1"
	if err := s.Record(dir, "c"); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "new", "b": "b1", "c": "c1"} {
		if r := got.Remotes[name]; r == nil || r.Holds != want {
			t.Errorf("after replay, %s holds %+v, want %q", name, r, want)
		}
	}
	if err := got.Save(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "state.journal")); !os.IsNotExist(err) {
		t.Errorf("journal after Save: %v, want it removed", err)
	}
	again, _ := Load(dir)
	if again.Remotes["a"].Holds != "new" || again.Remotes["c"].Holds != "c1" {
		t.Errorf("after Save: %+v", again.Remotes)
	}
}

// TestSpecialFiles: a FIFO at the state or journal path is an error at
// once, not a hang.
func TestSpecialFiles(t *testing.T) {
	for _, name := range []string{"state.json", "state.journal"} {
		dir := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
			t.Skip(err)
		}
		done := make(chan error, 1)
		go func() { _, err := Load(dir); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "FIFO") {
				t.Errorf("Load with a FIFO at %s = %v, want an error naming it", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Load with a FIFO at %s hangs", name)
		}
		if name == "state.journal" {
			s := &State{Remotes: map[string]*Remote{"a": {}}}
			if err := s.Record(dir, "a"); err == nil {
				t.Errorf("Record with a FIFO journal succeeded")
			}
		}
	}
}
