package svn

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/vcsync/vcsync/backends"
)

// The revision properties vcsync sets on every revision it makes.
const (
	propCommit = "vcsync:commit" // the git commit the directory holds after this revision
	propAuthor = "vcsync:author" // its author, "Name <email>": svn:author is whoever logged in
	propDate   = "vcsync:date"   // its author date, RFC 3339: svn:date is the time of the push
)

// pushed is one revision of the directory: its number, and the git commit
// vcsync recorded in it ("" for a revision vcsync did not make).
type pushed struct {
	rev    int64
	commit string
}

// logXML is what `svn log --xml --with-revprop vcsync:commit` prints.
type logXML struct {
	Entries []struct {
		Revision int64 `xml:"revision,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:",chardata"`
		} `xml:"revprops>property"`
	} `xml:"logentry"`
}

// log returns the directory's youngest revisions, at most limit, youngest
// first. A repository at revision 0 has none.
func (c *client) log(ctx context.Context, limit int) ([]pushed, error) {
	out, err := c.read(ctx, "read its last revision", "svn", "log", "--xml", "-r", "HEAD:0",
		"--limit", strconv.Itoa(limit), "--with-revprop", propCommit, "--", c.pegged("HEAD"))
	if err != nil {
		if strings.Contains(err.Error(), "E160013") {
			return nil, c.b.errorf(backends.Fatal, "%s does not exist: create it (svn mkdir -m ... -- URL), then push again", c.b.url)
		}
		return nil, err
	}
	var l logXML
	if err := xml.Unmarshal(out, &l); err != nil {
		return nil, c.b.errorf(backends.Fatal, "svn log: unexpected output: %v", err)
	}
	var revs []pushed
	for _, e := range l.Entries {
		p := pushed{rev: e.Revision}
		for _, prop := range e.Props {
			if prop.Name == propCommit {
				p.commit = strings.TrimSpace(prop.Value)
			}
		}
		revs = append(revs, p)
	}
	return revs, nil
}

// youngest returns the directory's youngest revision (0 for a repository
// at revision 0) and what vcsync recorded in it.
func (c *client) youngest(ctx context.Context) (pushed, error) {
	revs, err := c.log(ctx, 1)
	if err != nil || len(revs) == 0 {
		return pushed{}, err
	}
	return revs[0], nil
}

// lookBack is how far back lastPushed looks for a revision of vcsync's:
// only to choose the words of an error, so a bound keeps it cheap.
const lookBack = 100

// lastPushed returns the youngest of the directory's last lookBack
// revisions that vcsync made, if any.
func (c *client) lastPushed(ctx context.Context) (pushed, bool, error) {
	revs, err := c.log(ctx, lookBack)
	if err != nil {
		return pushed{}, false, err
	}
	for _, r := range revs {
		if r.commit != "" {
			return r, true, nil
		}
	}
	return pushed{}, false, nil
}

// empty reports whether the directory has no entries at revision rev.
func (c *client) empty(ctx context.Context, rev int64) (bool, error) {
	out, err := c.read(ctx, "list it", "svn", "list", "--", c.pegged(strconv.FormatInt(rev, 10)))
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(out)) == "", nil
}

// export writes the directory at revision rev into dir, which must not
// exist, as files, symbolic links (svn:special) and executables
// (svn:executable), with keywords left unexpanded.
func (c *client) export(ctx context.Context, rev int64, dir string) error {
	_, err := c.read(ctx, fmt.Sprintf("export r%d", rev), "svn", "export", "--quiet", "--ignore-keywords",
		"--", c.pegged(strconv.FormatInt(rev, 10)), dir)
	return err
}
