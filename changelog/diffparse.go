package changelog

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ChangeKind says what a diff does to a file.
type ChangeKind int

// The kinds of change an entry item describes differently.
const (
	Modified ChangeKind = iota
	Added               // "New file."
	Deleted             // "Remove."
	Renamed             // "Renamed from OLD."
)

// FileDiff is one file of a unified diff in git's form (git diff -p).
type FileDiff struct {
	Path    string // the file's path after the change (before it, when deleted)
	OldPath string // its path before a rename or copy; else Path
	Kind    ChangeKind
	Binary  bool // git shows no text diff: no names can be found
	Hunks   []Hunk
}

// Hunk is one "@@ -a,b +c,d @@ FUNC" block.
type Hunk struct {
	OldStart, OldCount int
	NewStart, NewCount int
	// Func is the line git shows after the second "@@": the enclosing line
	// its funcname rules find (a .gitattributes diff= driver's, or its
	// default), the fallback for formats vcsync has no reader for.
	Func  string
	Lines []string // each with its ' ', '-' or '+' prefix; "\ No newline" lines dropped
}

// ParseDiff reads the output of git diff -p (with a/ and b/ prefixes, as
// git writes them by default and vcsync asks for explicitly). Copies are
// reported as added files: a copy is a new file to its reader.
func ParseDiff(b []byte) ([]FileDiff, error) {
	return parseLines(strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), 0)
}

// ReadDiff reads git diff -p as ParseDiff does, from r as it comes, and
// calls each with every file once its diff is whole: the caller can work
// on the first files while git still diffs the others (P11).
func ReadDiff(r io.Reader, each func(FileDiff) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var chunk []byte
	line := 1 // of the chunk's first line, for errors
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		lines := strings.Split(strings.TrimSuffix(string(chunk), "\n"), "\n")
		files, err := parseLines(lines, line-1)
		line += len(lines)
		chunk = chunk[:0]
		for _, f := range files {
			if err == nil {
				err = each(f)
			}
		}
		return err
	}
	for {
		l, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			chunk = append(chunk, l...) // a long line: the rest follows
			continue
		}
		if bytes.HasPrefix(l, []byte("diff --git ")) && lineStart(chunk) {
			if err := flush(); err != nil {
				return err
			}
		}
		chunk = append(chunk, l...)
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return err
		}
	}
}

// lineStart reports whether what follows chunk starts a line.
func lineStart(chunk []byte) bool { return len(chunk) == 0 || chunk[len(chunk)-1] == '\n' }

// parseLines reads the lines of a diff; offset is the number of lines
// before them, for errors.
func parseLines(lines []string, offset int) ([]FileDiff, error) {
	var files []FileDiff
	var f *FileDiff
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "diff --git "):
			files = append(files, FileDiff{})
			f = &files[len(files)-1]
			f.OldPath, f.Path = splitGitHeader(l[len("diff --git "):])
		case f == nil:
			continue
		case strings.HasPrefix(l, "@@ "):
			h, err := parseHunkHeader(l)
			if err != nil {
				return nil, fmt.Errorf("diff line %d: %w", offset+i+1, err)
			}
			i = readHunk(lines, i+1, &h) - 1
			f.Hunks = append(f.Hunks, h)
		default:
			headerLine(f, l)
		}
	}
	return files, nil
}

// headerLine reads one extended header line of git's diff.
func headerLine(f *FileDiff, l string) {
	switch {
	case strings.HasPrefix(l, "new file mode "), strings.HasPrefix(l, "copy to "):
		f.Kind = Added
		if p, ok := strings.CutPrefix(l, "copy to "); ok {
			f.Path = unquotePath(p)
		}
	case strings.HasPrefix(l, "deleted file mode "):
		f.Kind = Deleted
	case strings.HasPrefix(l, "rename from "):
		f.Kind, f.OldPath = Renamed, unquotePath(l[len("rename from "):])
	case strings.HasPrefix(l, "rename to "):
		f.Path = unquotePath(l[len("rename to "):])
	case strings.HasPrefix(l, "copy from "):
		f.OldPath = unquotePath(l[len("copy from "):])
	case strings.HasPrefix(l, "Binary files "), l == "GIT binary patch":
		f.Binary = true
	case strings.HasPrefix(l, "+++ ") && f.Kind != Deleted:
		if p := strings.TrimSuffix(l[4:], "\t"); p != "/dev/null" {
			f.Path = strings.TrimPrefix(unquotePath(p), "b/")
		}
	case strings.HasPrefix(l, "--- "):
		if p := strings.TrimSuffix(l[4:], "\t"); p != "/dev/null" {
			f.OldPath = strings.TrimPrefix(unquotePath(p), "a/")
			if f.Kind == Deleted {
				f.Path = f.OldPath
			}
		}
	}
}

// readHunk reads the lines of h from lines[i:] and returns the index of
// the first line after it.
func readHunk(lines []string, i int, h *Hunk) int {
	oldLeft, newLeft := h.OldCount, h.NewCount
	h.Lines = make([]string, 0, max(oldLeft, newLeft))
	for ; i < len(lines) && (oldLeft > 0 || newLeft > 0); i++ {
		l := strings.TrimSuffix(lines[i], "\r")
		if l == "" {
			l = " " // a blank context line whose space an editor removed
		}
		switch l[0] {
		case ' ':
			oldLeft--
			newLeft--
		case '-':
			oldLeft--
		case '+':
			newLeft--
		case '\\':
			continue
		default:
			return i
		}
		h.Lines = append(h.Lines, l)
	}
	for i < len(lines) && strings.HasPrefix(lines[i], "\\") {
		i++
	}
	return i
}

// parseHunkHeader reads "@@ -a[,b] +c[,d] @@[ FUNC]".
func parseHunkHeader(l string) (Hunk, error) {
	rest := l[3:]
	end := strings.Index(rest, " @@")
	if end < 0 {
		return Hunk{}, fmt.Errorf("bad hunk header %q", l)
	}
	var h Hunk
	ranges := strings.Fields(rest[:end])
	if len(ranges) != 2 || ranges[0][0] != '-' || ranges[1][0] != '+' {
		return Hunk{}, fmt.Errorf("bad hunk header %q", l)
	}
	var err1, err2 error
	h.OldStart, h.OldCount, err1 = parseRange(ranges[0][1:])
	h.NewStart, h.NewCount, err2 = parseRange(ranges[1][1:])
	if err1 != nil || err2 != nil {
		return Hunk{}, fmt.Errorf("bad hunk header %q", l)
	}
	h.Func = strings.TrimSpace(rest[end+3:])
	return h, nil
}

func parseRange(s string) (start, count int, err error) {
	a, b, ok := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil {
		return 0, 0, err
	}
	count = 1
	if ok {
		count, err = strconv.Atoi(b)
	}
	return start, count, err
}

// splitGitHeader splits the names of "diff --git a/X b/Y". Unquoted names
// may hold spaces, so the line is ambiguous in general; when both names are
// the same (anything but a rename or copy, whose extended header lines give
// the names again) it splits in the middle, as git apply does.
func splitGitHeader(s string) (oldPath, newPath string) {
	if strings.HasPrefix(s, "\"") {
		a, rest := cutQuoted(s)
		b := strings.TrimSpace(rest)
		return strings.TrimPrefix(a, "a/"), strings.TrimPrefix(unquotePath(b), "b/")
	}
	if n := len(s); n%2 == 1 {
		a, b := s[:n/2], s[n/2+1:]
		if strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return a[2:], b[2:]
		}
	}
	if i := strings.Index(s, " b/"); i >= 0 {
		return strings.TrimPrefix(s[:i], "a/"), s[i+3:]
	}
	return s, s
}

// unquotePath undoes git's C-style quoting of a path ("a/t\303\251.c").
func unquotePath(s string) string {
	if !strings.HasPrefix(s, "\"") {
		return s
	}
	p, _ := cutQuoted(s)
	return p
}

// cutQuoted reads a C-quoted string at the start of s and returns it
// unquoted, and what follows it.
func cutQuoted(s string) (string, string) {
	var b []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return string(b), s[i+1:]
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; {
			case e >= '0' && e <= '7' && i+2 < len(s):
				n, err := strconv.ParseUint(s[i:i+3], 8, 8)
				if err == nil {
					b = append(b, byte(n))
					i += 2
				}
			case e == 'n':
				b = append(b, '\n')
			case e == 't':
				b = append(b, '\t')
			default:
				b = append(b, e)
			}
		default:
			b = append(b, c)
		}
	}
	return string(b), ""
}
