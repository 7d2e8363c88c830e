package changelog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vcsync/vcsync/changelog"
)

// dkCase is a Debian or Keep a Changelog change and what Derive must make
// of it. errLine > 0 expects a *changelog.Error on that line whose message
// contains errMsg; noEntry expects ErrNoNewEntry.
type dkCase struct {
	name      string
	old, new  string
	subject   string
	text      string
	author    string
	coAuthors []string
	warnings  []changelog.Warning
	errLine   int
	errMsg    string
	noEntry   bool
}

// runDKCases runs Derive on each case, with the ChangeLog at path.
func runDKCases(t *testing.T, path string, format changelog.Format, cases []dkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := changelog.Derive([]changelog.Input{{Path: path, Old: []byte(tc.old), New: []byte(tc.new)}}, changelog.Options{})
			if d := cmp.Diff(tc.warnings, m.Warnings); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
			if !checkDKError(t, tc, err) {
				return
			}
			var co []string
			for _, a := range m.CoAuthors {
				co = append(co, a.String())
			}
			got := dkCase{subject: m.Subject, text: m.Text, author: m.Author.String(), coAuthors: co}
			want := dkCase{subject: tc.subject, text: tc.text, author: tc.author, coAuthors: tc.coAuthors}
			if d := cmp.Diff(want, got, cmp.AllowUnexported(dkCase{})); d != "" {
				t.Errorf("message (-want +got):\n%s", d)
			}
			e := m.Entries[0]
			if e.Format != format || len(e.Files) != 0 {
				t.Errorf("entry format %v, files %q; want %v and no files", e.Format, e.Files, format)
			}
		})
	}
}

// checkDKError checks err against the case and reports whether a message
// is expected.
func checkDKError(t *testing.T, tc dkCase, err error) bool {
	t.Helper()
	var ce *changelog.Error
	switch {
	case tc.noEntry:
		if !errors.Is(err, changelog.ErrNoNewEntry) {
			t.Errorf("err = %v, want ErrNoNewEntry", err)
		}
	case tc.errLine > 0:
		if !errors.As(err, &ce) || ce.Line != tc.errLine || !strings.Contains(ce.Msg, tc.errMsg) || ce.Text == "" {
			t.Errorf("err = %#v, want a *changelog.Error on line %d saying %q", err, tc.errLine, tc.errMsg)
		}
	case err != nil:
		t.Errorf("unexpected error: %v", err)
	default:
		return true
	}
	return false
}

const (
	debOld = "hello (2.10-2) unstable; urgency=medium\n\n" +
		"  * Old change.\n\n" +
		" -- Old Timer <old@example.org>  Mon, 02 Nov 2026 09:00:00 +0000\n"
	debHead    = "hello (2.10-3) unstable; urgency=medium\n\n"
	debTrailer = "\n -- Jane Doe <jane@example.org>  Wed, 25 Nov 2026 10:00:00 +0000\n\n"
	debJane    = "Jane Doe <jane@example.org>"
	// An UNRELEASED block as dch leaves it, with one item, on top of debOld.
	debUnrel = "hello (2.10-3) UNRELEASED; urgency=medium\n\n" +
		"  * First item.\n\n" +
		" -- Jane Doe <jane@example.org>  Tue, 24 Nov 2026 08:00:00 +0000\n\n" + debOld
)

func TestDebian(t *testing.T) {
	runDKCases(t, "debian/changelog", changelog.Debian, []dkCase{
		{
			name:    "new version block, one item",
			old:     debOld,
			new:     debHead + "  * Fix the frobnicator.\n" + debTrailer + debOld,
			subject: "Fix the frobnicator.",
			text:    "Fix the frobnicator.\n",
			author:  debJane,
		},
		{
			name: "new version block, several items",
			old:  debOld,
			new: debHead + "  * Fix the frobnicator.\n  * New upstream release.\n    continuation of the item\n" +
				"    - sub-item\n" + debTrailer + debOld,
			subject: "Fix the frobnicator.",
			text:    "Fix the frobnicator.\n\n* Fix the frobnicator.\n* New upstream release.\n  continuation of the item\n  - sub-item\n",
			author:  debJane,
		},
		{
			name:    "one wrapped item: its sentence is the subject, sub-items the body",
			old:     debOld,
			new:     debHead + "  * New upstream release, which fixes\n    the frobnicator. (Closes: #123456)\n    - Refresh patches.\n    - Drop fix-build.patch.\n" + debTrailer + debOld,
			subject: "New upstream release, which fixes the frobnicator. (Closes: #123456)",
			text:    "New upstream release, which fixes the frobnicator. (Closes: #123456)\n\n- Refresh patches.\n- Drop fix-build.patch.\n",
			author:  debJane,
		},
		{
			name:    "item added to an UNRELEASED block; dch updated the trailer date",
			old:     debUnrel,
			new:     strings.Replace(strings.Replace(debUnrel, "  * First item.\n", "  * First item.\n  * Second item.\n", 1), "Tue, 24 Nov", "Wed, 25 Nov", 1),
			subject: "Second item.",
			text:    "Second item.\n",
			author:  debJane,
		},
		{
			name:    "items added at the top of an UNRELEASED block",
			old:     debUnrel,
			new:     strings.Replace(debUnrel, "  * First item.\n", "  * Zeroth item.\n  * Half item.\n  * First item.\n", 1),
			subject: "Zeroth item.",
			text:    "Zeroth item.\n\n* Zeroth item.\n* Half item.\n",
			author:  debJane,
		},
		{
			name:      "maintainer groups are co-authors, with the email of their trailers",
			old:       debOld,
			new:       debHead + "  [ Old Timer ]\n  * Fix the frobnicator.\n\n  [ Jane Doe ]\n  * Bump Standards-Version.\n\n  [ Bob Roe ]\n  * Add a test.\n" + debTrailer + debOld,
			subject:   "Fix the frobnicator.",
			text:      "Fix the frobnicator.\n\n* Fix the frobnicator.\n* Bump Standards-Version.\n* Add a test.\n\nCo-authored-by: Old Timer <old@example.org>\nCo-authored-by: Bob Roe\n",
			author:    debJane,
			coAuthors: []string{"Old Timer <old@example.org>", "Bob Roe"},
		},
		{
			name:      "item added under an existing group line",
			old:       "hello (2.10-3) UNRELEASED; urgency=medium\n\n  [ Bob Roe <bob@example.org> ]\n  * One.\n" + debTrailer + debOld,
			new:       "hello (2.10-3) UNRELEASED; urgency=medium\n\n  [ Bob Roe <bob@example.org> ]\n  * One.\n  * Two.\n" + debTrailer + debOld,
			subject:   "Two.",
			text:      "Two.\n\nCo-authored-by: Bob Roe <bob@example.org>\n",
			author:    debJane,
			coAuthors: []string{"Bob Roe <bob@example.org>"},
		},
		{
			name:    "new file",
			new:     debHead + "  * Initial release. (Closes: #1)\n" + debTrailer,
			subject: "Initial release. (Closes: #1)",
			text:    "Initial release. (Closes: #1)\n",
			author:  debJane,
		},
		{
			name:    "CRLF line endings",
			old:     strings.ReplaceAll(debOld, "\n", "\r\n"),
			new:     strings.ReplaceAll(debHead+"  * Fix it.\n"+debTrailer+debOld, "\n", "\r\n"),
			subject: "Fix it.",
			text:    "Fix it.\n",
			author:  debJane,
		},
		{
			name:      "two new version blocks: both trailers are authors",
			old:       debOld,
			new:       "hello (2.10-4) unstable; urgency=medium\n\n  * Later.\n\n -- Bob Roe <bob@example.org>  Thu, 26 Nov 2026 10:00:00 +0000\n\n" + debHead + "  * Earlier.\n" + debTrailer + debOld,
			subject:   "Later.",
			text:      "Later.\n\n* Later.\n* Earlier.\n\nCo-authored-by: Jane Doe <jane@example.org>\n",
			author:    "Bob Roe <bob@example.org>",
			coAuthors: []string{debJane},
		},
		{
			name:    "lines continuing an existing item",
			old:     debUnrel,
			new:     strings.Replace(debUnrel, "  * First item.\n", "  * First item.\n    - Also this.\n", 1),
			subject: "Also this.",
			text:    "Also this.\n",
			author:  debJane,
			warnings: []changelog.Warning{{Path: "debian/changelog", Line: 4,
				Text: "line continues an item that this change does not add; it is used as an item of its own"}},
		},
		{
			name:    "an edited item is committed but not in the message",
			old:     debUnrel,
			new:     strings.Replace(debUnrel, "  * First item.\n", "  * First item, reworded.\n  * Second item.\n", 1),
			noEntry: true,
			warnings: []changelog.Warning{
				{Path: "debian/changelog", Line: 3, Text: "this change edits existing lines; the edit is committed, but it is not part of the message"},
				{Path: "debian/changelog", Text: "the change removes or edits 1 existing line(s) and adds no entry"},
			},
		},
		{
			name: "an edit beside an added item",
			old:  debUnrel,
			new: strings.Replace(strings.Replace(debUnrel, "  * First item.\n", "  * New item.\n\n  * First item.\n", 1),
				"  * Old change.", "  * Old change, reworded.", 1),
			subject:  "New item.",
			text:     "New item.\n",
			author:   debJane,
			warnings: []changelog.Warning{{Path: "debian/changelog", Line: 11, Text: "this change edits existing lines; the edit is committed, but it is not part of the message"}},
		},
		{
			name:    "release: only the header and the trailer change",
			old:     debUnrel,
			new:     strings.Replace(strings.Replace(debUnrel, "UNRELEASED", "unstable", 1), "Tue, 24 Nov", "Wed, 25 Nov", 1),
			noEntry: true,
		},
		{
			name:    "block without a trailer",
			old:     debOld,
			new:     debHead + "  * Fix it.\n\n" + debOld,
			errLine: 3,
			errMsg:  "no trailer line closes the version block",
		},
		{
			name:    "new file without a trailer",
			new:     debHead + "  * Fix it.\n",
			errLine: 3,
			errMsg:  "no trailer line closes the version block",
		},
		{
			name:    "malformed trailer",
			old:     debOld,
			new:     debHead + "  * Fix it.\n\n -- Jane Doe jane@example.org  Wed, 25 Nov 2026 10:00:00 +0000\n\n" + debOld,
			errLine: 5,
			errMsg:  "cannot read this trailer line",
		},
		{
			name:    "malformed trailer without a date",
			old:     debOld,
			new:     debHead + "  * Fix it.\n\n -- Jane Doe <jane@example.org>\n\n" + debOld,
			errLine: 5,
			errMsg:  "expected \" -- Name <email>  date\"",
		},
	})
}

// TestDebianEntry checks what the message does not show: the entry's date
// and authors.
func TestDebianEntry(t *testing.T) {
	m, err := changelog.Derive([]changelog.Input{{Path: "debian/changelog", Old: []byte(debOld),
		New: []byte(debHead + "  [ Bob Roe ]\n  * Fix it.\n" + debTrailer + debOld)}}, changelog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := changelog.Entry{Path: "debian/changelog", Format: changelog.Debian,
		Authors: []changelog.Author{{Name: "Jane Doe", Email: "jane@example.org"}, {Name: "Bob Roe"}},
		Date:    "Wed, 25 Nov 2026 10:00:00 +0000", Lines: []string{"Fix it."}}
	if d := cmp.Diff(want, m.Entries[0]); d != "" {
		t.Errorf("entry (-want +got):\n%s", d)
	}
}
