package backendtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/testserver"
)

// localRepo is the repository a case pushes from, made with real git so
// that the backend reads commits it did not write itself.
type localRepo struct {
	dir string
	n   int // commits made so far
}

// newLocalRepo makes an empty repository on branch main.
func newLocalRepo(t *testing.T) *localRepo {
	t.Helper()
	l := &localRepo{dir: t.TempDir()}
	testserver.Git(t, l.dir, "init", "-q", "--initial-branch=main")
	return l
}

// Local is how a push reads this repository.
func (l *localRepo) Local() backends.Local {
	return backends.Local{Root: l.dir, Branch: "main"}
}

// commit makes k commits on main, each adding a line to one file under a
// deterministic message ("Change 1", "Change 2", ...), and returns HEAD.
func (l *localRepo) commit(t *testing.T, k int) string {
	t.Helper()
	name := filepath.Join(l.dir, "file.txt")
	for range k {
		l.n++
		f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		_, err = fmt.Fprintf(f, "change %d\n", l.n)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		testserver.Git(t, l.dir, "add", "file.txt")
		testserver.Git(t, l.dir, "commit", "-q", "-m", "Change "+strconv.Itoa(l.n))
	}
	return testserver.Git(t, l.dir, "rev-parse", "HEAD")
}
