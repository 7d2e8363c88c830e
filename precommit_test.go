package vcsync_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vcsync/vcsync/internal/cli"
)

// The manifest schema of pre-commit (3.2 and later): clientlib.py's
// MANIFEST_HOOK_DICT, and the documentation of .pre-commit-hooks.yaml
// (pre-commit.com, "Creating new hooks").
var (
	preCommitRequired = []string{"id", "name", "entry", "language"}
	preCommitStrings  = []string{"id", "name", "entry", "language", "alias", "files", "exclude",
		"description", "language_version", "log_file", "minimum_pre_commit_version"}
	preCommitBools = []string{"always_run", "fail_fast", "pass_filenames", "require_serial", "verbose"}
	preCommitLists = []string{"types", "types_or", "exclude_types", "additional_dependencies", "args", "stages"}
	preCommitLangs = []string{"conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail",
		"golang", "haskell", "julia", "lua", "node", "perl", "pygrep", "python", "r", "ruby", "rust",
		"swift", "system", "script", "unsupported", "unsupported_script"}
	preCommitStages = []string{"commit-msg", "post-checkout", "post-commit", "post-merge", "post-rewrite",
		"pre-commit", "pre-merge-commit", "pre-push", "pre-rebase", "prepare-commit-msg", "manual"}
)

// TestPreCommitHooks checks .pre-commit-hooks.yaml against pre-commit's
// manifest schema (pre-commit itself is not installed here), and that each
// hook's entry is a vcsync command line that parses, runs at pre-push for
// no particular file, and is one that hook_managers.txtar runs.
func TestPreCommitHooks(t *testing.T) {
	b, err := os.ReadFile(".pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []map[string]any
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("testdata/script/hook_managers.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 {
		t.Fatalf("%d hooks, want vcsync-check and vcsync-mirror", len(hooks))
	}
	var ids []string
	for _, h := range hooks {
		checkManifestHook(t, h)
		id, _ := h["id"].(string)
		if slices.Contains(ids, id) {
			t.Errorf("id %q twice", id)
		}
		ids = append(ids, id)
		if h["pass_filenames"] != false || h["always_run"] != true || !slices.Equal(h["stages"].([]any), []any{"pre-push"}) {
			t.Errorf("%s: want stages [pre-push], pass_filenames false, always_run true", id)
		}
		entry, _ := h["entry"].(string)
		checkEntry(t, id, entry)
		if !strings.Contains(string(script), "env ENTRY='"+entry+"'") {
			t.Errorf("%s: hook_managers.txtar does not run %q", id, entry)
		}
	}
}

// checkManifestHook checks one hook's keys and their types.
func checkManifestHook(t *testing.T, h map[string]any) {
	t.Helper()
	for _, k := range preCommitRequired {
		if _, ok := h[k]; !ok {
			t.Errorf("hook %v: no %s", h["id"], k)
		}
	}
	for k, v := range h {
		var ok bool
		switch {
		case slices.Contains(preCommitStrings, k):
			_, ok = v.(string)
		case slices.Contains(preCommitBools, k):
			_, ok = v.(bool)
		case slices.Contains(preCommitLists, k):
			var l []any
			if l, ok = v.([]any); ok {
				for _, e := range l {
					s, isString := e.(string)
					ok = ok && isString && (k != "stages" || slices.Contains(preCommitStages, s))
				}
			}
		default:
			t.Errorf("hook %v: %s is no key of pre-commit's manifest", h["id"], k)
			continue
		}
		if !ok {
			t.Errorf("hook %v: %s: %#v is not what pre-commit takes", h["id"], k, v)
		}
	}
	if l, _ := h["language"].(string); !slices.Contains(preCommitLangs, l) {
		t.Errorf("hook %v: language %q is not one of pre-commit's", h["id"], l)
	}
}

// checkEntry checks that entry is a vcsync command line that cobra
// accepts: its command, flags and arguments (pre-commit splits it as a
// shell would; these have no quotes).
func checkEntry(t *testing.T, id, entry string) {
	t.Helper()
	words := strings.Fields(entry)
	if len(words) == 0 || words[0] != "vcsync" {
		t.Errorf("%s: entry %q does not run vcsync", id, entry)
		return
	}
	root := cli.NewRootCmd(&cli.GlobalOptions{IO: cli.IO{In: strings.NewReader(""), Out: os.Stdout, ErrOut: os.Stderr}})
	cmd, rest, err := root.Find(words[1:])
	if err == nil {
		err = cmd.ParseFlags(rest)
	}
	if err == nil {
		err = cmd.ValidateArgs(cmd.Flags().Args())
	}
	if err != nil || cmd.CommandPath() != "vcsync hook run" {
		t.Errorf("%s: entry %q: %v (command %s)", id, entry, err, cmd.CommandPath())
	}
}
