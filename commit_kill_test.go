package vcsync_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vcsync/vcsync/internal/repo"
	"github.com/vcsync/vcsync/internal/testserver"
)

// TestCommitSurvivesKill kills `vcsync commit` with SIGKILL at random
// instants, VCSYNC_KILLS times (100 by default), in a repository of 20,000
// files, where writing the index takes long enough for a kill to land
// between moving HEAD and writing the index. After each kill, and the
// recovery the next vcsync commit makes (repo.RecoverIndex), either
// nothing changed, or HEAD is the new commit and the index holds it: the
// entry's files in the index equal HEAD's. Never HEAD moved with the old
// index, from which the user's next git commit would revert the entry.
func TestCommitSurvivesKill(t *testing.T) {
	kills := 100
	if v, err := strconv.Atoi(os.Getenv("VCSYNC_KILLS")); err == nil {
		kills = v
	}
	testserver.Env(t)
	dir := bigRepo(t, 20000)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)

	// How long a commit takes here: kills land anywhere within it.
	var took []time.Duration
	for i := range 3 {
		addEntry(t, dir, fmt.Sprintf("warm %d", i))
		start := time.Now()
		if out, err := exec.Command("vcsync", "-C", dir, "commit").CombinedOutput(); err != nil {
			t.Fatalf("vcsync commit: %v\n%s", err, out)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	span := took[1] + took[1]/4
	t.Logf("a commit takes %v here; kills within %v", took[1], span)

	var nothing, committed, finished, removed, inconsistent int
	for i := range kills {
		if !changed(dir) {
			addEntry(t, dir, fmt.Sprintf("entry %d", i))
		}
		old := git(t, dir, "rev-parse", "HEAD")
		cmd := exec.Command("vcsync", "commit")
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(span))))
		cmd.Process.Kill()
		cmd.Wait()

		head := git(t, dir, "rev-parse", "HEAD")
		if _, err := os.Lstat(filepath.Join(dir, ".git", "index.lock")); err == nil {
			r, err := repo.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			ok, err := r.RecoverIndex(t.Context(), false)
			switch {
			case ok:
				finished++
			case head != old:
				t.Errorf("kill %d: HEAD moved, and index.lock is not proven its index: %v", i, err)
			default:
				// Killed before HEAD moved: the lock says so, and the
				// user removes it, as its message says.
				os.Remove(filepath.Join(dir, ".git", "index.lock"))
				removed++
			}
		}
		switch {
		case git(t, dir, "rev-parse", "HEAD") == old:
			nothing++
		default:
			committed++
		}
		// The entry's files: the index holds what HEAD holds.
		if out, err := exec.Command("git", "-C", dir, "diff", "--cached", "--quiet", "HEAD", "--", "ChangeLog", "a.c").CombinedOutput(); err != nil {
			inconsistent++
			t.Errorf("kill %d: HEAD %s and the index disagree (HEAD was %s): %v %s", i, head, old, err, out)
		}
	}
	t.Logf("%d kills: %d changed nothing, %d committed (%d finished from index.lock), %d left a lock from before HEAD moved; %d inconsistent",
		kills, nothing, committed, finished, removed, inconsistent)
}

// bigRepo makes a repository of n files with a ChangeLog and a.c.
func bigRepo(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		p := filepath.Join(dir, "src", fmt.Sprintf("d%03d", i/100), fmt.Sprintf("f%03d.c", i%100))
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(p, []byte(strconv.Itoa(i)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range map[string]string{"a.c": "a\n", "ChangeLog": "2026-01-01  Old Timer  <old@example.org>\n\n\t* a.c: Old.\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "init")
	return dir
}

// addEntry writes a new ChangeLog entry naming a.c, and changes a.c.
func addEntry(t *testing.T, dir, subject string) {
	t.Helper()
	old, err := os.ReadFile(filepath.Join(dir, "ChangeLog"))
	if err != nil {
		t.Fatal(err)
	}
	entry := "2026-11-25  Jane Doe  <jane@example.org>\n\n\t" + subject + "\n\t* a.c: Change.\n\n"
	if err := os.WriteFile(filepath.Join(dir, "ChangeLog"), append([]byte(entry), old...), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "a.c"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, subject)
	f.Close()
}

// changed reports whether the ChangeLog differs from HEAD's.
func changed(dir string) bool {
	return exec.Command("git", "-C", dir, "diff", "--quiet", "HEAD", "--", "ChangeLog").Run() != nil
}
