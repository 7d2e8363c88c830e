#!/bin/sh
# push-git.sh: the command that backends/command's conformance suite runs,
# and an example of the protocol of backends/command/push.go. It pushes
# VCSYNC_TO to the branch VCSYNC_BRANCH of the git repository at VCSYNC_URL,
# never forcing, and turns what git says into the answers vcsync reads:
# "vcsync-up-to-date" on stdout, or exit 65 (rejected), 75 (temporary
# failure, retried) or 77 (credentials refused).
#
# Everything comes from the environment and is used in double quotes: a
# commit message or a URL is never read as shell code.
set -u
GIT_TERMINAL_PROMPT=0 # fail, never prompt: vcsync pushes in parallel
export GIT_TERMINAL_PROMPT

out=$(git push -- "$VCSYNC_URL" "$VCSYNC_TO:refs/heads/${VCSYNC_BRANCH:-main}" 2>&1)
status=$?
printf '%s\n' "$out" >&2

case $out in
*"Everything up-to-date"*)
	echo vcsync-up-to-date
	exit 0 ;;
esac
[ "$status" -eq 0 ] && exit 0
case $out in
*"[rejected]"* | *non-fast-forward* | *"fetch first"*)
	exit 65 ;;
*"Authentication failed"* | *"could not read Username"* | *"Permission denied"*)
	exit 77 ;;
*"Connection refused"* | *"Failed to connect"* | *"Could not resolve host"* | *"timed out"*)
	exit 75 ;;
esac
exit 1
