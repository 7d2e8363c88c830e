package vcsync_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCommitSurvivesKill kills `vcsync commit` with SIGKILL at random
// instants, VCSYNC_KILLS times (100 by default), in a repository of 20,000
// files, where writing the index takes long enough for a kill to land
// between moving HEAD and writing the index. After each kill, and the
// recovery the next vcsync commit makes (internal/repo's RecoverIndex), either
// nothing changed, or HEAD is the new commit and the index holds it: the
// entry's files in the index equal HEAD's. Never HEAD moved with the old
// index, from which the user's next git commit would revert the entry.
func TestCommitSurvivesKill(t *testing.T) {
	kills := 100
	if v, err := strconv.Atoi(os.Getenv("VCSYNC_KILLS")); err == nil {
		kills = v
	}
	// Parallel, beside the scripts: so no t.Setenv, but an environment of
	// its own for every program it runs.
	t.Parallel()
	env := sealedEnv(t)
	git := func(t *testing.T, dir string, args ...string) string {
		t.Helper()
		out, err := command(env, dir, "git", args...).Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	dir := bigRepo(t, git, 20000)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)

	// How long a commit takes here: kills land anywhere within it.
	var took []time.Duration
	for i := range 3 {
		addEntry(t, dir, fmt.Sprintf("warm %d", i))
		start := time.Now()
		if out, err := command(env, dir, "vcsync", "commit").CombinedOutput(); err != nil {
			t.Fatalf("vcsync commit: %v\n%s", err, out)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	span := took[1] + took[1]/4
	t.Logf("a commit takes %v here; kills within %v", took[1], span)

	var nothing, committed, finished, removed, inconsistent int
	for i := range kills {
		if command(env, dir, "git", "diff", "--quiet", "HEAD", "--", "ChangeLog").Run() == nil {
			addEntry(t, dir, fmt.Sprintf("entry %d", i))
		}
		old := git(t, dir, "rev-parse", "HEAD")
		cmd := command(env, dir, "vcsync", "commit")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(span))))
		cmd.Process.Kill()
		cmd.Wait()

		head := git(t, dir, "rev-parse", "HEAD")
		if _, err := os.Lstat(filepath.Join(dir, ".git", "index.lock")); err == nil {
			// The next vcsync commit finishes a commit cut in its last
			// instant, and leaves any other lock alone, saying so.
			out, _ := command(env, dir, "vcsync", "commit").CombinedOutput()
			switch {
			case strings.Contains(string(out), "half done: finished"):
				finished++
			case !strings.Contains(string(out), "index.lock exists"):
				t.Errorf("kill %d: vcsync commit with index.lock there: %s", i, out)
			case head != old:
				t.Errorf("kill %d: HEAD moved, and index.lock is not proven its index: %s", i, out)
			default:
				// Killed before HEAD moved: the user removes the lock,
				// as the message says.
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
		if out, err := command(env, dir, "git", "diff", "--cached", "--quiet", "HEAD", "--", "ChangeLog", "a.c").CombinedOutput(); err != nil {
			inconsistent++
			t.Errorf("kill %d: HEAD %s and the index disagree (HEAD was %s): %v %s", i, head, old, err, out)
		}
	}
	t.Logf("%d kills: %d changed nothing, %d committed (%d finished from index.lock), %d left a lock from before HEAD moved; %d inconsistent",
		kills, nothing, committed, finished, removed, inconsistent)
}

// sealedEnv is the environment of the programs a parallel test runs: this
// process's, with a HOME of the test's own holding the only git
// configuration read, and nothing of the caller's git identity or
// repository.
func sealedEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	config := "[user]\n\tname = Test User\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GIT_") && !strings.HasPrefix(k, "XDG_") && k != "HOME" && k != "LC_ALL" {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C")
}

// command is a program to run in dir with env.
func command(env []string, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	return cmd
}

// bigRepo makes a repository of n files with a ChangeLog and a.c.
func bigRepo(t *testing.T, git func(*testing.T, string, ...string) string, n int) string {
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
