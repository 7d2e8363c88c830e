package vcsync_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFirstPushSurvivesKill kills `vcsync push` with SIGKILL in the middle
// of the first push of a history of 3,000 commits (about 15 MB of pack),
// once the remote is receiving the pack, then runs it again: the rerun
// pushes everything, and the remote ends with the whole history, its
// branch at the local tip and `git fsck --full` clean. Nothing of the cut
// push is left to get in the way: neither in the remote (the receiving
// side's quarantine goes with it) nor in vcsync's state.
func TestFirstPushSurvivesKill(t *testing.T) {
	t.Parallel()
	env := sealedEnv(t)
	git := func(t *testing.T, dir string, args ...string) string {
		t.Helper()
		out, err := command(env, dir, "git", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	const commits = 3000
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	imp := command(env, dir, "git", "fast-import", "--quiet")
	imp.Stdin = bytes.NewReader(killHistory(commits))
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	git(t, dir, "reset", "-q", "--hard", "main")
	head := git(t, dir, "rev-parse", "HEAD")
	bare := filepath.Join(t.TempDir(), "mirror.git")
	git(t, dir, "init", "-q", "--bare", bare)
	git(t, dir, "remote", "add", "mirror", bare)

	cmd := command(env, dir, "vcsync", "push")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Mid-pack: the remote's receive-pack is writing the pack it reads.
	deadline := time.Now().Add(2 * time.Minute)
	for !receiving(bare) {
		select {
		case err := <-exited:
			t.Fatalf("the push ended (%v) before the remote was seen receiving its pack:\n%s", err, out.String())
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the remote did not start receiving a pack within 2 minutes")
		}
	}
	cmd.Process.Kill()
	<-exited
	t.Logf("killed %v after the start, mid-pack", time.Since(start).Round(time.Millisecond))
	if got, err := command(env, bare, "git", "rev-parse", "-q", "--verify", "refs/heads/main").Output(); err == nil {
		t.Fatalf("the killed push landed main at %s: the kill came too late to test anything", got)
	}

	rerun, err := command(env, dir, "vcsync", "push").CombinedOutput()
	if err != nil || !strings.Contains(string(rerun), "mirror") || !strings.Contains(string(rerun), " ok ") {
		t.Fatalf("the rerun: %v\n%s", err, rerun)
	}
	if got := git(t, bare, "rev-parse", "refs/heads/main"); got != head {
		t.Errorf("the remote's main is %s, want %s", got, head)
	}
	if got := git(t, bare, "rev-list", "--count", "main"); got != fmt.Sprint(commits) {
		t.Errorf("the remote has %s commits, want %d", got, commits)
	}
	git(t, bare, "fsck", "--full", "--strict", "--no-dangling")
	if again, err := command(env, dir, "vcsync", "push").CombinedOutput(); err != nil || !strings.Contains(string(again), "up-to-date") {
		t.Errorf("a third push: %v\n%s", err, again)
	}
}

// receiving reports whether the bare repository is receiving a pack: a
// tmp_pack_* file (in the quarantine of receive-pack, or in objects/pack).
func receiving(bare string) bool {
	found := false
	filepath.WalkDir(filepath.Join(bare, "objects"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "tmp_pack_") {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// killHistory is a fast-import stream of n commits on main over 40 files,
// each commit rewriting one with 10 KB of pseudo-random text, which deltas
// and compression shrink only to half: a pack of about 15 MB, long enough to
// send that a kill lands in the middle.
func killHistory(n int) []byte {
	rng := rand.New(rand.NewPCG(16, 6))
	var b bytes.Buffer
	const hex = "0123456789abcdef"
	data := make([]byte, 10<<10)
	for i := range n {
		for j := range data {
			if j%64 == 63 {
				data[j] = '\n'
			} else {
				data[j] = hex[rng.IntN(16)]
			}
		}
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter Test User <test@example.org> %d +0000\ndata <<EOM\nCommit %d.\nEOM\n", 1700000000+i*60, i)
		fmt.Fprintf(&b, "M 644 inline f%02d.txt\ndata %d\n%s\n", i%40, len(data), data)
	}
	return b.Bytes()
}
