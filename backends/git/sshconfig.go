package git

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevinburke/ssh_config"
)

// sshHost is what ~/.ssh/config (then /etc/ssh/ssh_config) says about one
// host alias, resolved as ssh itself would for the connection.
//
// go-git reads only Hostname and Port, from a ssh_config.UserSettings that
// caches the first home directory it sees (ssh.DefaultSSHConfig), so it
// ignores User, IdentityFile, UserKnownHostsFile and a HOME set later. We
// read the files ourselves, on every push, from $HOME.
type sshHost struct {
	alias          string
	hostname       string
	port           int
	user           string
	identities     []string // IdentityFile, expanded; ssh's defaults when none is set
	identitiesOnly bool     // IdentitiesOnly yes: no ssh-agent keys beyond those files
	knownHosts     []string
	hostKeyAlias   string
	connectTimeout time.Duration
	proxy          string // "ProxyCommand" or "ProxyJump" if set: go-git cannot run either
	login          string // the ssh command line's arguments that reach it, for advice
}

// sshConfigs are the parsed configuration files, the user's first: for
// ssh, the first value found for a key wins.
type sshConfigs []*ssh_config.Config

// loadSSHConfigs reads the user's and the system's configuration. An
// unreadable or unparseable user file is an error (go-git's parser rejects
// Match blocks, for one): connecting with half of the user's settings would
// reach the wrong host or use the wrong key. A bad system file is ignored.
func loadSSHConfigs(home string) (sshConfigs, error) {
	var cs sshConfigs
	for _, name := range []string{filepath.Join(home, ".ssh", "config"), "/etc/ssh/ssh_config"} {
		f, err := os.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		var c *ssh_config.Config
		if err == nil {
			c, err = ssh_config.Decode(f)
			f.Close()
		}
		if err != nil && !strings.HasPrefix(name, "/etc/") {
			return nil, fmt.Errorf("read %s: %v", name, err)
		}
		if err == nil {
			cs = append(cs, c)
		}
	}
	return cs, nil
}

// get returns the first value of key for alias.
func (cs sshConfigs) get(alias, key string) string {
	for _, c := range cs {
		if v, err := c.Get(alias, key); err == nil && v != "" {
			return v
		}
	}
	return ""
}

// getAll returns every value of key for alias (IdentityFile accumulates).
func (cs sshConfigs) getAll(alias, key string) []string {
	var all []string
	for _, c := range cs {
		vs, _ := c.GetAll(alias, key)
		all = append(all, vs...)
	}
	return all
}

// lookupSSH resolves the alias (the host of the URL) with urlUser, the
// user named in the URL, which wins over the configuration's User.
func lookupSSH(home, alias, urlUser string, urlPort int) (*sshHost, error) {
	cs, err := loadSSHConfigs(home)
	if err != nil {
		return nil, err
	}
	h := &sshHost{alias: alias, hostname: alias, port: 22, user: urlUser, login: alias}
	if urlUser != "" {
		h.login = urlUser + "@" + alias
	}
	if urlPort > 0 {
		h.login = "-p " + strconv.Itoa(urlPort) + " " + h.login
	}
	if v := cs.get(alias, "HostName"); v != "" {
		h.hostname = strings.ReplaceAll(v, "%h", alias)
	}
	if urlPort > 0 {
		h.port = urlPort
	} else if p, err := strconv.Atoi(cs.get(alias, "Port")); err == nil && p > 0 {
		h.port = p
	}
	if h.user == "" {
		h.user = cs.get(alias, "User")
	}
	if h.user == "" {
		h.user = localUser()
	}
	h.identitiesOnly = strings.EqualFold(cs.get(alias, "IdentitiesOnly"), "yes")
	h.hostKeyAlias = cs.get(alias, "HostKeyAlias")
	if s, err := strconv.Atoi(cs.get(alias, "ConnectTimeout")); err == nil && s > 0 {
		h.connectTimeout = time.Duration(s) * time.Second
	}
	for _, key := range []string{"ProxyCommand", "ProxyJump"} {
		if v := cs.get(alias, key); v != "" && !strings.EqualFold(v, "none") {
			h.proxy = key
		}
	}
	h.identities = h.expandAll(home, cs.getAll(alias, "IdentityFile"),
		"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519", "~/.ssh/id_dsa")
	h.knownHosts = h.expandAll(home, strings.Fields(cs.get(alias, "UserKnownHostsFile")),
		"~/.ssh/known_hosts", "~/.ssh/known_hosts2")
	h.knownHosts = append(h.knownHosts, h.expandAll(home, strings.Fields(cs.get(alias, "GlobalKnownHostsFile")),
		"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")...)
	return h, nil
}

// expandAll expands each file name, or the defaults when there is none,
// as ssh does; "none" names no file.
func (h *sshHost) expandAll(home string, names []string, defaults ...string) []string {
	if len(names) == 0 {
		names = defaults
	}
	var out []string
	for _, n := range names {
		if !strings.EqualFold(n, "none") {
			out = append(out, h.expand(home, n))
		}
	}
	return out
}

// expand replaces a leading ~/ and ssh's %d, %h, %p, %r, %u and %% tokens.
func (h *sshHost) expand(home, name string) string {
	name = strings.Trim(name, `"`)
	if name == "~" || strings.HasPrefix(name, "~/") {
		name = home + name[1:]
	}
	r := strings.NewReplacer("%%", "%", "%d", home, "%h", h.hostname, "%p", strconv.Itoa(h.port),
		"%r", h.user, "%u", localUser())
	return r.Replace(name)
}

// localUser is the login name ssh uses when nothing names another.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
