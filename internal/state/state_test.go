package state

import (
	"os"
	"path/filepath"
	"strings"
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
