// Package argv is the syntax of a command remote's command: the string the
// user configures, split into words once, without a shell and without
// expanding anything. The command backend runs it; vcsync trust reads it
// to find the programs of the working tree that a remote would run.
//
// It must not import any other vcsync package.
package argv

import (
	"fmt"
	"strings"
)

// metachars are the characters a shell would give a meaning to. Unquoted,
// they are refused rather than passed on literally: a user who writes
// `deploy.sh | tee log` or `~/bin/deploy $HOST` expects a pipe, a home
// directory or a variable, and would otherwise run deploy.sh with the
// arguments "|", "tee" and "log" without a word of warning.
const metachars = "|&;<>()$`*?[]{}~#"

// Split turns the configured command into argv, once, without a shell. Its
// rules are a small, predictable subset of the POSIX shell's:
//
//   - words are separated by unquoted blanks (space, tab, newline);
//   - '...' keeps everything literally, backslashes included;
//   - "..." keeps everything literally, except that a backslash before
//     " \ $ or ` stands for that character (as in sh), and that an
//     unescaped $ or ` is refused, since sh would expand it there;
//   - outside quotes, a backslash stands for the character after it;
//   - nothing is expanded: no $VARIABLES, ~, globs, backticks nor $(...);
//     those characters, and | & ; < > ( ) { } #, are refused unquoted;
//   - an empty command, and an unterminated quote or backslash, are refused.
//
// Pipes and redirections are for `sh -c '...'`, written out by the user,
// with vcsync's data read from the environment ("$VCSYNC_TO"): our data is
// never spliced into a command string.
func Split(s string) ([]string, error) {
	var (
		words  []string
		word   strings.Builder
		inWord bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			word.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			n, err := doubleQuoted(s[i+1:], &word)
			if err != nil {
				return nil, fmt.Errorf("%v in %q", err, s)
			}
			i += n
			inWord = true
		case c == '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("trailing backslash in %q", s)
			}
			i++
			word.WriteByte(s[i])
			inWord = true
		case strings.IndexByte(metachars, c) >= 0:
			return nil, fmt.Errorf("unquoted %q in %q: vcsync runs the command without a shell and expands nothing; quote it, or write sh -c '...' and read vcsync's data from the environment (\"$VCSYNC_TO\")", c, s)
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("empty command")
	}
	return words, nil
}

// doubleQuoted copies the inside of a "..." string from s, which starts just
// after the opening quote, to w, and returns the length it read, closing
// quote included.
func doubleQuoted(s string, w *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
				i++
				w.WriteByte(s[i])
				continue
			}
			w.WriteByte(c)
		case '$', '`':
			return 0, fmt.Errorf("unescaped %q inside \"...\" (nothing is expanded: use '...' or \\%c)", c, c)
		default:
			w.WriteByte(c)
		}
	}
	return 0, fmt.Errorf("unterminated \"")
}
