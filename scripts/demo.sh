#!/usr/bin/env bash
# A guided tour of vcsync in a throwaway sandbox: a repository with a GNU
# ChangeLog and a local bare git remote, an edit with its new entry, then what
# vcsync does with it: the message, the commit, the push.
# `make demo` builds vcsync and runs this with VCSYNC=bin/vcsync.
#
#   VCSYNC  the vcsync binary (default bin/vcsync)
#   KEEP=1  keep the sandbox instead of removing it at the end
#
# Each step is one function; the commands it runs are echoed with `+ `.
set -euo pipefail

VCSYNC=${VCSYNC:-bin/vcsync}
KEEP=${KEEP:-0}
case $VCSYNC in
/*) ;;
*) VCSYNC=$PWD/$VCSYNC ;;
esac
if [[ ! -x $VCSYNC ]]; then
	echo "demo: no vcsync at $VCSYNC (run make build, or set VCSYNC)" >&2
	exit 1
fi

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/vcsync-demo.XXXXXX")
finish() {
	if [[ $KEEP == 1 ]]; then
		echo "sandbox kept: $sandbox"
	else
		rm -rf "$sandbox"
		echo "sandbox removed (KEEP=1 keeps it)"
	fi
}
trap finish EXIT

# Seal git: no user or system config, no GIT_* from the caller (a hook's
# GIT_DIR would point every command at the wrong repository), no pager.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^GIT_' || true)
export HOME=$sandbox/home GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME=$sandbox/home/.config GIT_PAGER=cat
# The trust store (vcsync trust) too: in the sandbox, not the caller's.
export XDG_DATA_HOME=$sandbox/home/.local/share
mkdir -p "$HOME"
work=$sandbox/work

step() { printf '\n== %s\n' "$*"; }
# run CMD ARG...: echo the command, quoted where the shell needs it, then run it.
run() {
	local line=+ arg
	for arg; do
		if [[ $arg =~ ^[[:alnum:]_./:=@%+,-]+$ ]]; then line+=" $arg"; else line+=" ${arg@Q}"; fi
	done
	printf '%s\n' "$line"
	"$@"
}
vcsync() { "$VCSYNC" "$@"; }
# write FILE: FILE's new contents come from stdin.
write() {
	printf '+ write %s\n' "$1"
	mkdir -p "$(dirname "$1")"
	cat >"$1"
}
# entry DATE LINE...: a ChangeLog entry by Jane Doe, on stdout.
entry() {
	printf '%s  Jane Doe  <jane@example.org>\n\n' "$1"
	shift
	printf '\t%s\n' "$@"
	printf '\n'
}
# prepend FILE: stdin goes before FILE's contents.
prepend() {
	printf '+ prepend to %s\n' "$1"
	cat - "$1" >"$1.new"
	mv "$1.new" "$1"
}

make_repository() {
	step "A repository with a GNU ChangeLog and two source files"
	run git config --global user.name "Jane Doe"
	run git config --global user.email jane@example.org
	run git init -q -b main "$work"
	cd "$work"
	run git config gc.auto 0
	entry 2025-01-15 "Start the project." \
		"* lib/foo.c, src/main.c: New files." | write ChangeLog
	write lib/foo.c <<-'EOF'
		int foo_ready;

		void
		foo_init (void)
		{
		}
	EOF
	write src/main.c <<-'EOF'
		void foo_init (void);

		int
		main (void)
		{
		  return 0;
		}
	EOF
	run git add ChangeLog lib/foo.c src/main.c
	run git commit -q -m "Start the project."
	run git log --oneline
}

add_remotes() {
	step "Places to publish to: Subversion (of record), a git mirror, a Bazaar branch"
	run svnadmin create "$sandbox/svnrepo"
	run svn mkdir -q -m "Create trunk." "file://$sandbox/svnrepo/trunk"
	run git init -q --bare -b main "$sandbox/public.git"
	run brz init -q "$sandbox/bzrbranch"
	run vcsync remote add public "$sandbox/public.git"
	run vcsync remote add bzr "$sandbox/bzrbranch" --backend bzr
	step "The team's settings, shared in the committed .vcsync"
	run vcsync remote add svn "file://$sandbox/svnrepo/trunk" --backend svn --shared
	run git config -f .vcsync vcsync.primary svn
	run git add .vcsync
	run git commit -q -m "Share the Subversion remote."
	step "A committed .vcsync is obeyed once you trust it: review it, then allow it"
	run vcsync trust --show
	run vcsync trust
	run vcsync remote list
}

edit_and_describe() {
	step "Edit both files, and say why in a new ChangeLog entry"
	write lib/foo.c <<-'EOF'
		int foo_ready;

		void
		foo_init (void)
		{
		  foo_ready = 1;
		}
	EOF
	write src/main.c <<-'EOF'
		void foo_init (void);

		int
		main (void)
		{
		  foo_init ();
		  return 0;
		}
	EOF
	entry "$(date +%F)" "Initialize foo before use." \
		"* lib/foo.c (foo_init): Set foo_ready." \
		"* src/main.c (main): Call foo_init." | prepend ChangeLog
	run git status --short
}

show_message() {
	step "What the commit would be: message, author, files"
	run vcsync message
	step "The same, for scripts"
	run vcsync message --json
}

commit_it() {
	step "Commit it: the ChangeLog and exactly the files the entry names"
	run vcsync commit
	run git log --stat -1
	run git status --short
}

push_it() {
	step "Push it: Subversion first, then the others in parallel"
	run vcsync push
	run vcsync status
	run svn log -l 2 "file://$sandbox/svnrepo/trunk"
	run brz log -l 1 --line "$sandbox/bzrbranch"
}

the_main_job() {
	step "The everyday loop: edit, write the entry, run vcsync"
	printf '/* Frobnicate.  */\n' >>lib/foo.c
	entry "$(date +%F)" "foo: document it." \
		"* lib/foo.c: Add a comment." | prepend ChangeLog
	run vcsync
}

echo "sandbox: $sandbox"
make_repository
add_remotes
edit_and_describe
show_message
commit_it
push_it
the_main_job
