#!/usr/bin/env bash
# Installs what vcsync's tests and demo drive for real (DESIGN.md, "Tests use
# real components"): the VCS programs, and what `make test` itself needs.
# It installs only what is missing, with Debian's apt-get as root; elsewhere
# it says what to install. .ci/run, `make test` and `make demo` run it.
set -euo pipefail

# The VCS programs of DESIGN.md: installed together when any is missing.
vcs_pkgs=(subversion git-svn brz mercurial openssh-server python3-fastimport)
have_vcs() {
	command -v svn && command -v svnadmin && command -v svnserve && command -v svnmucc &&
		command -v brz && command -v hg && git svn --version && [[ -x /usr/sbin/sshd ]] &&
		# A library, not a program; and the python3 on PATH may not be Debian's.
		dpkg-query -W -f='${Status}' python3-fastimport | grep -q 'ok installed'
} >/dev/null 2>&1

# What `make test` itself needs; a minimal image may lack them. -race needs
# cgo, hence a C compiler and libc headers (gcc only recommends libc6-dev).
pkgs=()
command -v make >/dev/null || pkgs+=(make)
command -v git >/dev/null || pkgs+=(git)
command -v gcc >/dev/null || pkgs+=(gcc)
# script(1) gives the terminal tests a terminal (push_tty); a real Vim
# holds unsaved changes in commit_editor_vim.
command -v script >/dev/null || pkgs+=(bsdutils)
command -v vim >/dev/null || pkgs+=(vim)
[[ -e /usr/include/stdio.h ]] || pkgs+=(libc6-dev)
have_vcs || pkgs+=("${vcs_pkgs[@]}")
((${#pkgs[@]})) || exit 0

if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
	# --no-install-recommends halves the 30-40 s this takes on a fresh machine.
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}"
else
	echo "deps: missing: ${pkgs[*]}; install them (Debian: apt-get install --no-install-recommends ${pkgs[*]})" >&2
	echo "deps: tests that need them are skipped (they fail with CI=true)" >&2
fi
