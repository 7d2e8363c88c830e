package git

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/vcsync/vcsync/backends"
	"github.com/vcsync/vcsync/internal/run"
)

// Large pushes: git pack-objects behind our send-pack.
//
// go-git's packfile.Encoder reads every object of the pack into memory to
// choose its deltas, and recomputes them all: the first push of GNU
// texinfo's 19,000 commits took 4× the time of git push and 5× its memory
// (issue 16). git pack-objects, which git push itself runs, reuses the
// deltas already in the repository's packs, sends thin packs against what
// the remote has and writes the pack as it goes. Where git is installed,
// a large push hands it the pack: its stdout is the request's pack,
// through an OS pipe, never held by vcsync; go-git still speaks the
// protocol and updates the refs. A push of a few commits onto the
// remote's tip keeps go-git's encoder, which costs no process.

// smallChain is the longest chain of new commits that go-git's encoder
// packs: beyond it, git pack-objects does, where it is installed.
const smallChain = 64

// gitInstalled tells whether git pack-objects can be run; a variable so
// that tests can take the go-git path on a machine that has git.
var gitInstalled = func() bool { return run.Installed("git") }

// packObjectsArgs are git push's own, for a pack on stdout: thin against
// the ^revs, with ofs-deltas unless the remote did not advertise them.
func packObjectsArgs(ar *packp.AdvRefs, progress bool) []string {
	args := []string{"pack-objects", "--stdout", "--revs", "--thin"}
	if ar.Capabilities.Supports(capability.OFSDelta) {
		args = append(args, "--delta-base-offset")
	}
	if progress {
		// With --stdout, "Writing objects" shows only with all progress.
		args = append(args, "--progress", "--all-progress-implied")
	} else {
		args = append(args, "-q")
	}
	return args
}

// haves returns the remote's ref tips that the local repository has, the
// ^revs of pack-objects and rev-list: what the remote holds, which the
// pack need not carry and a thin pack may delta against.
func haves(repo *gogit.Repository, remote map[string]plumbing.Hash) []plumbing.Hash {
	seen := map[plumbing.Hash]bool{}
	var out []plumbing.Hash
	for _, h := range remote {
		if h.IsZero() || seen[h] {
			continue
		}
		seen[h] = true
		if repo.Storer.HasEncodedObject(h) == nil {
			out = append(out, h)
		}
	}
	return out
}

// revsInput is what pack-objects --revs and rev-list --stdin read: the
// wanted objects, then each had one as ^hash.
func revsInput(want, have []plumbing.Hash) string {
	var b strings.Builder
	for _, h := range want {
		b.WriteString(h.String() + "\n")
	}
	for _, h := range have {
		b.WriteString("^" + h.String() + "\n")
	}
	return b.String()
}

// newCommits lists the commits that to reaches and the remote's tips do
// not, by git rev-list: what followTags matches tags against on a large
// push, whose objects vcsync never lists itself.
func (b *backend) newCommits(ctx context.Context, l backends.Local, to plumbing.Hash, have []plumbing.Hash) ([]plumbing.Hash, error) {
	out, err := l.Runner.Run(ctx, run.Cmd{Name: "git", Args: []string{"rev-list", "--stdin"}, Dir: l.Root, ReadOnly: true,
		Stdin: strings.NewReader(revsInput([]plumbing.Hash{to}, have))})
	if err != nil {
		return nil, err
	}
	var hs []plumbing.Hash
	for line := range strings.Lines(string(out)) {
		if line = strings.TrimSpace(line); plumbing.IsHash(line) {
			hs = append(hs, plumbing.NewHash(line))
		}
	}
	return hs, nil
}

// gitReceivePack is receivePack with git pack-objects writing the pack:
// want and what it reaches, less what have reaches. Its stdout is the
// write end of an OS pipe whose read end is the request's pack, so that the
// pack goes from git to the remote without vcsync holding it. With
// l.Progress, git's own progress lines (counting, compressing, writing,
// with bytes and rate) go to it, and so do the lines of the remote's hooks.
func (b *backend) gitReceivePack(ctx context.Context, l backends.Local, sess transport.ReceivePackSession,
	ar *packp.AdvRefs, req *packp.ReferenceUpdateRequest, want, have []plumbing.Hash) error {
	rd, wr, err := os.Pipe()
	if err != nil {
		return b.errorf(backends.Fatal, "build the pack: %v", err)
	}
	req.Packfile = rd
	var stderr io.Writer
	if l.Progress != nil {
		stderr = &progressLines{report: l.Progress}
		if req.Progress != nil {
			// The server's lines (its hooks': it was asked to be quiet
			// otherwise) go to the live line too, and stay collected.
			req.Progress = io.MultiWriter(req.Progress, &progressLines{report: l.Progress, prefix: "remote: "})
		}
	}
	// The pack ends where pack-objects does: its run ends, then the write
	// end closes, and the session reads EOF.
	packCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := l.Runner.Run(packCtx, run.Cmd{Name: "git", Args: packObjectsArgs(ar, l.Progress != nil), Dir: l.Root,
			Stdin: strings.NewReader(revsInput(want, have)), Stdout: wr, Stderr: stderr})
		wr.Close()
		done <- err
	}()
	report, err := sess.ReceivePack(ctx, req)
	// The session may stop reading early (the remote failed): closing the
	// read end ends pack-objects with EPIPE rather than leaving it blocked.
	rd.Close()
	if report == nil && err != nil {
		cancel()
	}
	if packErr := <-done; packErr != nil && ctx.Err() == nil {
		// Its own failure, or the remote's that stopped reading (EPIPE):
		// the remote's word, if any, goes with it.
		if report != nil && report.UnpackStatus != "ok" {
			return b.errorf(backends.Fatal, "the remote could not unpack what was sent: %s (%v)", report.UnpackStatus, packErr)
		}
		return b.errorf(backends.Fatal, "build the pack: %v", packErr)
	}
	if report != nil {
		return b.reportError(report)
	}
	return err
}

// progressLines turns a program's progress output, lines that end in \r
// while they update and in \n when done, into calls of report, one per
// line with something in it.
type progressLines struct {
	report func(string)
	prefix string

	mu  sync.Mutex
	buf []byte
}

func (p *progressLines) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexAny(p.buf, "\r\n")
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(p.buf[:i])); line != "" {
			p.report(p.prefix + line)
		}
		p.buf = p.buf[i+1:]
	}
	if len(p.buf) > 4096 { // no line end in sight: not progress
		p.buf = p.buf[:0]
	}
	return len(b), nil
}

var _ sideband.Progress = (*progressLines)(nil)
