package bzr

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

// branchName names the branch in the stream, which brz fast-import turns
// into the revisions' branch nick ("main"; "master" becomes "trunk").
func branchName(l backends.Local) string {
	if n := strings.TrimPrefix(l.Branch, "refs/heads/"); n != "" {
		return n
	}
	return "trunk"
}

// renameRefs sets the ref of every commit and reset command of a
// git fast-export stream to ref. We export a commit id, not a branch, and
// git names the commits by that id, which brz would make the branch nick
// (".3f2a1c0..."). Data blocks are copied unread: a commit message may hold
// a line that begins with "commit ".
func renameRefs(stream []byte, ref string) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(stream))
	err := copyRenamed(&out, bytes.NewReader(stream), ref)
	return out.Bytes(), err
}

// copyRenamed is renameRefs as the stream goes, from src to dst: a first
// push of a long history never holds its stream (issue 16), and brz reads
// while git writes.
func copyRenamed(dst io.Writer, src io.Reader, ref string) error {
	r := bufio.NewReaderSize(src, 64<<10)
	w := bufio.NewWriterSize(dst, 64<<10)
	long := false // in a line longer than the buffer: a path, no command of ours
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull || long {
			if _, werr := w.Write(line); werr != nil {
				return werr
			}
			long = err == bufio.ErrBufferFull
			switch {
			case long || err == nil:
				continue
			case err == io.EOF:
				return w.Flush()
			}
			return err
		}
		if err == io.EOF && len(line) == 0 {
			return w.Flush()
		}
		if err != nil && err != io.EOF {
			return err
		}
		text := bytes.TrimSuffix(line, []byte("\n"))
		cmd, _, _ := bytes.Cut(text, []byte(" "))
		switch string(cmd) {
		case "commit", "reset":
			_, werr := w.WriteString(string(cmd) + " " + ref + "\n")
			if werr != nil {
				return werr
			}
		case "data":
			n, perr := strconv.Atoi(string(bytes.TrimPrefix(text, []byte("data "))))
			if perr != nil || n < 0 {
				return fmt.Errorf("bad data command %q", text)
			}
			if _, werr := w.Write(append(text, '\n')); werr != nil {
				return werr
			}
			if m, cerr := io.CopyN(w, r, int64(n)); cerr != nil {
				if cerr == io.EOF {
					return fmt.Errorf("bad data command %q: %d bytes, %d left", text, n, m)
				}
				return cerr
			}
		default:
			if _, werr := w.Write(text); werr != nil {
				return werr
			}
			if werr := w.WriteByte('\n'); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return w.Flush()
		}
	}
}
