package changelog_test

import (
	"strings"
	"testing"

	"github.com/vcsync/vcsync/changelog"
)

const (
	kacTop = "# Changelog\n\nAll notable changes to this project will be documented in this file.\n\n"
	kacRel = "## [1.0.0] - 2026-01-01\n### Added\n- First release.\n\n" +
		"[Unreleased]: https://example.org/compare/v1.0.0...HEAD\n[1.0.0]: https://example.org/releases/v1.0.0\n"
	kacOld = kacTop + "## [Unreleased]\n### Added\n- Old feature.\n\n" + kacRel
)

// kacWarn is a warning about line n of CHANGELOG.md.
func kacWarn(n int, text string) changelog.Warning {
	return changelog.Warning{Path: "CHANGELOG.md", Line: n, Text: text}
}

// kacWith returns kacOld with add inserted after its line after.
func kacWith(after, add string) string {
	return strings.Replace(kacOld, after+"\n", after+"\n"+add, 1)
}

func TestKAC(t *testing.T) {
	runDKCases(t, "CHANGELOG.md", changelog.KeepAChangelog, []dkCase{
		{
			name:    "one bullet",
			old:     kacOld,
			new:     kacWith("- Old feature.", "- New `--frob` flag.\n"),
			subject: "New `--frob` flag.",
			text:    "New `--frob` flag.\n",
		},
		{
			name:    "one wrapped bullet with a nested list",
			old:     kacOld,
			new:     kacWith("- Old feature.", "- New `--frob` flag, which\n  frobs.\n  - `--frob=all` frobs all.\n"),
			subject: "New `--frob` flag, which frobs.",
			text:    "New `--frob` flag, which frobs.\n\n- `--frob=all` frobs all.\n",
		},
		{
			name:    "one bullet with a second paragraph",
			old:     kacOld,
			new:     kacWith("- Old feature.", "- New `--frob` flag.\n\n  It frobs.\n"),
			subject: "New `--frob` flag.",
			text:    "New `--frob` flag.\n\nIt frobs.\n",
		},
		{
			name:    "several bullets, one with a lazy continuation line",
			old:     kacOld,
			new:     kacWith("### Added", "- New `--frob` flag.\n- Lazy\ncontinuation.\n"),
			subject: "New `--frob` flag.",
			text:    "New `--frob` flag.\n\nAdded:\n- New `--frob` flag.\n- Lazy\n  continuation.\n",
		},
		{
			name:    "sections in document order",
			old:     kacOld,
			new:     kacWith("- Old feature.", "- New `--frob` flag.\n  More words.\n### Fixed\n- Crash on empty input.\n### Added\n- Another feature.\n"),
			subject: "New `--frob` flag. More words.",
			text:    "New `--frob` flag. More words.\n\nAdded:\n- New `--frob` flag.\n  More words.\n- Another feature.\n\nFixed:\n- Crash on empty input.\n",
		},
		{
			name:    "new version block",
			old:     kacTop + "## [Unreleased]\n\n" + kacRel,
			new:     kacTop + "## [Unreleased]\n\n## [1.1.0] - 2026-02-01\n### Fixed\n- Crash on empty input.\n* Hang on a pipe.\n\n" + kacRel,
			subject: "Crash on empty input.",
			text:    "Crash on empty input.\n\nFixed:\n- Crash on empty input.\n- Hang on a pipe.\n",
		},
		{
			name:     "bullet outside a section",
			old:      kacOld,
			new:      kacWith("## [Unreleased]", "- Loose change.\n"),
			subject:  "Loose change.",
			text:     "Loose change.\n",
			warnings: []changelog.Warning{kacWarn(6, "bullet is under no section heading such as \"### Added\"; it is listed under \"Changes\"")},
		},
		{
			name:     "bullet outside any version block",
			old:      kacOld,
			new:      kacWith("# Changelog", "- Stray.\n"),
			subject:  "Stray.",
			text:     "Stray.\n",
			warnings: []changelog.Warning{kacWarn(2, "bullet is outside any version block; put it under \"## [Unreleased]\"")},
		},
		{
			name:    "prose is kept under its section",
			old:     kacOld,
			new:     kacWith("## [Unreleased]", "This release frobs.\n\n"),
			subject: "This release frobs.",
			text:    "This release frobs.\n",
		},
		{
			name:     "prose and bullets",
			old:      kacOld,
			new:      kacWith("## [Unreleased]", "This release frobs.\n- Loose.\n"),
			subject:  "Loose.",
			text:     "Loose.\n\nChanges:\nThis release frobs.\n- Loose.\n",
			warnings: []changelog.Warning{kacWarn(7, "bullet is under no section heading such as \"### Added\"; it is listed under \"Changes\"")},
		},
		{
			name:    "new file: the preamble is not a message line",
			new:     kacTop + "## [Unreleased]\n### Added\n- Everything.\n",
			subject: "Everything.",
			text:    "Everything.\n",
		},
		{
			name:     "line continuing an existing bullet",
			old:      kacOld,
			new:      kacWith("- Old feature.", "  - Sub-feature.\n"),
			subject:  "Sub-feature.",
			text:     "Sub-feature.\n",
			warnings: []changelog.Warning{kacWarn(8, "line continues a bullet that this change does not add; it is used as a bullet of its own")},
		},
		{
			name:    "release: new heading and link references only",
			old:     kacOld,
			new:     strings.Replace(strings.Replace(kacOld, "## [Unreleased]\n", "## [Unreleased]\n\n## [1.1.0] - 2026-02-01\n", 1), "v1.0.0...HEAD", "v1.1.0...HEAD\n[1.1.0]: https://example.org/compare/v1.0.0...v1.1.0", 1),
			noEntry: true,
		},
		{
			name:    "an edited bullet is committed but not in the message",
			old:     kacOld,
			new:     strings.Replace(kacOld, "- First release.", "- First public release.", 1),
			noEntry: true,
			warnings: []changelog.Warning{
				kacWarn(11, "this change edits existing lines; the edit is committed, but it is not part of the message"),
				kacWarn(0, "the change removes or edits 1 existing line(s) and adds no entry"),
			},
		},
	})
}
