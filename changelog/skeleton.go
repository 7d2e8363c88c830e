package changelog

import (
	"path"
	"strings"
)

// FileChange is one changed file as the skeleton sees it: its diff, and
// the lines of its text before and after the change where the caller has
// them (nil for an added, deleted or binary file, whose item names
// nothing).
type FileChange struct {
	FileDiff
	Old, New []string
}

// Skeleton makes the items of a new entry for the changes, in their
// order: one per changed file, with the names each changes (found by the
// file's language), "New file." for an added file, "Remove." for a
// deleted one, "Renamed from OLD." for a rename. Runs of added or removed
// files become one item. Paths are made relative to dir, the ChangeLog's
// directory ("." for the top).
func Skeleton(changes []FileChange, dir string) []Item {
	var items []Item
	for _, c := range changes {
		it := Item{Files: []string{relTo(dir, c.Path)}}
		switch c.Kind {
		case Added:
			it.Note = "New file."
		case Deleted:
			it.Note = "Remove."
		case Renamed:
			it.Note = "Renamed from " + relTo(dir, c.OldPath) + "."
		}
		if !c.Binary && (c.Kind == Modified || c.Kind == Renamed) {
			it.Names = changedNames(c.FileDiff, c.Old, c.New)
		}
		items = append(items, it)
	}
	return groupItems(items)
}

// groupItems joins runs of items that say the same of several files and name
// nothing: "* a.c, b.c: New files."
func groupItems(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if n := len(out); n > 0 && len(it.Names) == 0 && len(out[n-1].Names) == 0 && it.Note != "" &&
			strings.TrimSuffix(strings.TrimSuffix(out[n-1].Note, "s."), ".") == strings.TrimSuffix(it.Note, ".") {
			prev := &out[n-1]
			prev.Files = append(prev.Files, it.Files...)
			if it.Note == "New file." {
				prev.Note = "New files."
			}
			continue
		}
		out = append(out, it)
	}
	return out
}

// relTo makes a repository path relative to the directory dir.
func relTo(dir, p string) string {
	if dir == "." || dir == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
		return rest
	}
	return path.Clean(p)
}
