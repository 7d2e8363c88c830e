// Package trust is the user's own record of which committed configuration
// they allowed vcsync to obey. A repository's committed files are written
// by whoever published it: a committed .vcsync can name a program to run or
// a server to push to, so vcsync obeys it only once the user has looked at
// it and said yes (vcsync trust), as direnv's `allow` does for an .envrc
// and Mercurial's [trusted] for a repository's hgrc.
//
// What is allowed is a Subject: a working tree's root and the content of
// the files there that decide what vcsync runs (.vcsync, and a program of
// the working tree that a command remote runs). The store keeps one record
// per working tree, named by the SHA-256 of its root, holding the hash of
// the Subject the user allowed: any change to any of those files (a pull
// that edits .vcsync or the script) makes the hash differ, and the subject
// is no longer allowed until the user allows it again.
//
// The store lives in the user's data directory, never in a repository. It
// must not import any other vcsync package but internal/safefile.
package trust

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vcsync/vcsync/internal/safefile"
)

// File is one file of a working tree that decides what vcsync runs.
type File struct {
	Rel     string // its path in the working tree, slash-separated
	Content []byte // its content; a symbolic link's target
	Why     string // what makes it matter, for messages: "names the remotes", "run by remote deploy"
}

// Subject is what the user allows: a working tree and its files that
// decide what vcsync runs.
type Subject struct {
	Root  string // the working tree's absolute root
	Files []File
}

// Hash identifies the subject: the root and each file's path and content.
// Files are taken in path order, so that the order in which they were
// found does not matter.
func (s Subject) Hash() string {
	fs := slices.Clone(s.Files)
	slices.SortFunc(fs, func(a, b File) int { return strings.Compare(a.Rel, b.Rel) })
	h := sha256.New()
	fmt.Fprintf(h, "vcsync-trust-1\x00%s\x00", s.Root)
	for _, f := range fs {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Rel, len(f.Content))
		h.Write(f.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Record is what the store holds for one working tree.
type Record struct {
	Root  string
	Hash  string            // the allowed subject's Hash
	Time  time.Time         // when it was allowed
	Files map[string]string // each allowed file's path -> SHA-256 of its content
}

// Store is the trust store: a directory of records.
type Store struct{ Dir string }

// DefaultStore is the store in the user's data directory:
// $XDG_DATA_HOME/vcsync/trust, else ~/.local/share/vcsync/trust.
func DefaultStore() (Store, error) {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return Store{Dir: filepath.Join(d, "vcsync", "trust")}, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return Store{}, fmt.Errorf("find the trust store: %w (set HOME or XDG_DATA_HOME)", err)
	}
	return Store{Dir: filepath.Join(home, ".local", "share", "vcsync", "trust")}, nil
}

// maxRecord bounds a record's size: a record lists a few files.
const maxRecord = 64 << 10

// path is the record file of a working tree.
func (s Store) path(root string) string {
	sum := sha256.Sum256([]byte(root))
	return filepath.Join(s.Dir, hex.EncodeToString(sum[:]))
}

// Lookup returns the record of the working tree at root; ok is false when
// the user never allowed it (or withdrew it).
func (s Store) Lookup(root string) (rec Record, ok bool, err error) {
	b, err := safefile.ReadFile(s.path(root), maxRecord)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	rec, err = parseRecord(b)
	if err != nil {
		return Record{}, false, fmt.Errorf("%s: %w (remove it, then run vcsync trust again)", s.path(root), err)
	}
	// A record is found by the hash of its root: one for another root
	// would be a collision or a file put there by hand.
	return rec, rec.Root == root, nil
}

// Allowed reports whether the user allowed exactly this subject.
func (s Store) Allowed(sub Subject) (bool, error) {
	rec, ok, err := s.Lookup(sub.Root)
	return ok && rec.Hash == sub.Hash(), err
}

// Allow records the subject as allowed, replacing what was allowed for its
// working tree before. The record is written by rename, readable by the
// user only.
func (s Store) Allow(sub Subject, now time.Time) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	rec := Record{Root: sub.Root, Hash: sub.Hash(), Time: now.UTC(), Files: map[string]string{}}
	for _, f := range sub.Files {
		sum := sha256.Sum256(f.Content)
		rec.Files[f.Rel] = hex.EncodeToString(sum[:])
	}
	f, err := os.CreateTemp(s.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	if _, err := f.Write(formatRecord(rec)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), s.path(sub.Root))
}

// Deny withdraws what was allowed for the working tree at root; removed is
// false when nothing was.
func (s Store) Deny(root string) (removed bool, err error) {
	err = os.Remove(s.path(root))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// formatRecord writes a record as lines of "key value", one "file" line
// per file, sorted: a person can read it, and parseRecord reads it back.
func formatRecord(r Record) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "vcsync-trust 1\nroot %s\nhash %s\ntime %s\n", strconv.Quote(r.Root), r.Hash, r.Time.Format(time.RFC3339))
	var names []string
	for n := range r.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "file %s %s\n", r.Files[n], strconv.Quote(n))
	}
	return b.Bytes()
}

// parseRecord reads what formatRecord wrote. Anything else is an error: a
// record is only ever written by Allow.
func parseRecord(b []byte) (Record, error) {
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) < 4 || lines[0] != "vcsync-trust 1" {
		return Record{}, errors.New("not a vcsync trust record")
	}
	r := Record{Files: map[string]string{}}
	var err error
	for i, l := range lines[1:] {
		key, val, _ := strings.Cut(l, " ")
		switch {
		case i == 0 && key == "root":
			r.Root, err = strconv.Unquote(val)
		case i == 1 && key == "hash" && isHex(val):
			r.Hash = val
		case i == 2 && key == "time":
			r.Time, err = time.Parse(time.RFC3339, val)
		case i > 2 && key == "file":
			sum, name, ok := strings.Cut(val, " ")
			if !ok || !isHex(sum) {
				return Record{}, fmt.Errorf("line %d: bad file line", i+2)
			}
			n, qerr := strconv.Unquote(name)
			if qerr != nil {
				return Record{}, fmt.Errorf("line %d: %v", i+2, qerr)
			}
			r.Files[n] = sum
		default:
			return Record{}, fmt.Errorf("line %d: unexpected %q", i+2, key)
		}
		if err != nil {
			return Record{}, fmt.Errorf("line %d: %v", i+2, err)
		}
	}
	if !filepath.IsAbs(r.Root) {
		return Record{}, errors.New("the root is not an absolute path")
	}
	return r, nil
}

// isHex reports whether s is a SHA-256 in hex.
func isHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
