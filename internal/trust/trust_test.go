package trust

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAllowDeny(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "trust")}
	sub := Subject{Root: "/work/proj", Files: []File{{Rel: ".vcsync", Content: []byte("[vcsync]\n")}, {Rel: "scripts/deploy", Content: []byte("#!/bin/sh\n")}}}
	if ok, err := s.Allowed(sub); ok || err != nil {
		t.Fatalf("Allowed before Allow = %v, %v", ok, err)
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	if err := s.Allow(sub, now); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Allowed(sub); !ok || err != nil {
		t.Fatalf("Allowed after Allow = %v, %v", ok, err)
	}
	// The order in which files were found does not matter.
	swapped := Subject{Root: sub.Root, Files: []File{sub.Files[1], sub.Files[0]}}
	if ok, _ := s.Allowed(swapped); !ok {
		t.Error("the same files in another order are not allowed")
	}
	// Any change to any file, or another root, is another subject.
	for name, other := range map[string]Subject{
		"changed .vcsync": {Root: sub.Root, Files: []File{{Rel: ".vcsync", Content: []byte("[vcsync]\n\tjobs = 2\n")}, sub.Files[1]}},
		"changed script":  {Root: sub.Root, Files: []File{sub.Files[0], {Rel: "scripts/deploy", Content: []byte("#!/bin/sh\nrm -rf ~\n")}}},
		"file renamed":    {Root: sub.Root, Files: []File{sub.Files[0], {Rel: "scripts/deploy2", Content: sub.Files[1].Content}}},
		"a file more":     {Root: sub.Root, Files: append(append([]File{}, sub.Files...), File{Rel: "x", Content: nil})},
		"another clone":   {Root: "/work/proj2", Files: sub.Files},
	} {
		if ok, err := s.Allowed(other); ok || err != nil {
			t.Errorf("%s: Allowed = %v, %v; want false", name, ok, err)
		}
	}
	rec, ok, err := s.Lookup(sub.Root)
	if !ok || err != nil || !rec.Time.Equal(now) || len(rec.Files) != 2 {
		t.Errorf("Lookup = %+v, %v, %v", rec, ok, err)
	}
	fi, err := os.Stat(s.Dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("store directory mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	if removed, err := s.Deny(sub.Root); !removed || err != nil {
		t.Fatalf("Deny = %v, %v", removed, err)
	}
	if ok, _ := s.Allowed(sub); ok {
		t.Error("allowed after Deny")
	}
	if removed, err := s.Deny(sub.Root); removed || err != nil {
		t.Errorf("second Deny = %v, %v; want false, nil", removed, err)
	}
}

// A record that is not a regular file (a FIFO someone made there) is an
// error at once, not a hang.
func TestRecordNotRegular(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	if err := syscall.Mkfifo(s.path("/work/proj"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.Allowed(Subject{Root: "/work/proj"}); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("Allowed with a FIFO record = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Allowed blocks on a FIFO record")
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := Record{Root: "/a b/\"q\"\n", Hash: strings.Repeat("ab", 32), Time: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		Files: map[string]string{".vcsync": strings.Repeat("01", 32), "dir/with space": strings.Repeat("ef", 32)}}
	got, err := parseRecord(formatRecord(r))
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("round trip = %+v, %v; want %+v", got, err, r)
	}
}

// FuzzParseRecord: the store's reader never panics, and a record it
// accepts reads back the same once written.
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte("vcsync-trust 1\nroot \"/w\"\nhash " + strings.Repeat("0", 64) + "\ntime 2026-12-04T00:00:00Z\nfile " + strings.Repeat("1", 64) + " \".vcsync\"\n"))
	f.Add([]byte("vcsync-trust 1\nroot /w\nhash x\ntime y\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseRecord(b)
		if err != nil {
			return
		}
		again, err := parseRecord(formatRecord(r))
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("accepted %q, which does not read back: %+v, %v", b, again, err)
		}
	})
}
