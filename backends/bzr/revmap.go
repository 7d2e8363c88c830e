package bzr

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// revmap pairs the random revision ids of fast-imported revisions with the
// commits they hold, so that a branch whose tip came through the fallback
// still tells what it holds. It is kept in .git/vcsync/bzr/revmap, one
// "REVID COMMIT TARGET" line per revision, for every bzr remote of the
// repository. The file is only appended to, in one write per push: parallel
// pushes need no lock, and a line torn by a crash is skipped when read.
type revmap struct {
	commit map[string]string    // revision id -> commit id
	rev    map[[2]string]string // [commit id, target] -> revision id
}

func revmapPath(gitDir string) string {
	return filepath.Join(gitDir, "vcsync", "bzr", "revmap")
}

// revision returns the revision id under which the fallback sent commit id
// to target, "" if it did not. The same commit sent to two branches by the
// fallback has a different revision id in each.
func (m revmap) revision(id, target string) string {
	return m.rev[[2]string{id, target}]
}

// readRevmap reads the revmap; a missing one is empty.
func readRevmap(gitDir string) (revmap, error) {
	m := revmap{commit: map[string]string{}, rev: map[[2]string]string{}}
	f, err := os.Open(revmapPath(gitDir))
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		f := strings.SplitN(s.Text(), " ", 3)
		if len(f) == 3 && len(f[1]) == 40 && f[2] != "" {
			m.commit[f[0]] = f[1]
			m.rev[[2]string{f[1], f[2]}] = f[0]
		}
	}
	if err := s.Err(); err != nil {
		return m, fmt.Errorf("read %s: %w", revmapPath(gitDir), err)
	}
	return m, nil
}

// appendRevmap records pairs of [revision id, commit id] sent to target.
func appendRevmap(gitDir, target string, pairs [][2]string) error {
	p := revmapPath(gitDir)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	// A leading newline ends a line torn by a crash, which would
	// otherwise swallow our first pair; blank lines are skipped.
	var b strings.Builder
	b.WriteString("\n")
	for _, pr := range pairs {
		b.WriteString(pr[0] + " " + pr[1] + " " + target + "\n")
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
