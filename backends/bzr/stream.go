package bzr

import (
	"bytes"
	"fmt"
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
	for len(stream) > 0 {
		line, rest, _ := bytes.Cut(stream, []byte("\n"))
		cmd, _, _ := bytes.Cut(line, []byte(" "))
		switch string(cmd) {
		case "commit", "reset":
			out.WriteString(string(cmd) + " " + ref + "\n")
		case "data":
			n, err := strconv.Atoi(string(bytes.TrimPrefix(line, []byte("data "))))
			if err != nil || n < 0 || n > len(rest) {
				return nil, fmt.Errorf("bad data command %q", line)
			}
			out.Write(line)
			out.WriteByte('\n')
			out.Write(rest[:n])
			rest = rest[n:]
		default:
			out.Write(line)
			out.WriteByte('\n')
		}
		stream = rest
	}
	return out.Bytes(), nil
}
