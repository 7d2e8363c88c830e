package svnconv

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A record is one revision of a dump stream (svnrdump dump), with the
// nodes it changes.
type record struct {
	rev   int64
	props map[string]string
	nodes []*node
}

// A node is one change of a dump stream.
type node struct {
	path, kind, action string
	copyPath           string // Node-copyfrom-path, "" for none
	copyRev            int64
	propDelta          bool              // props holds changes, not the whole set
	props              map[string]string // nil: no property block
	deleted            []string          // properties a delta removes
	hasText, textDelta bool              // a text block, and whether it is an svndiff
	text               []byte
	baseMD5, md5       string // Text-delta-base-md5, Text-content-md5
}

// parser reads a dump stream held in memory.
type parser struct {
	b   []byte
	off int
}

var errDump = errors.New("svnrdump: unexpected output")

// parseDump splits a dump stream into revisions.
func parseDump(b []byte) ([]*record, error) {
	p := &parser{b: b}
	var recs []*record
	for {
		h, err := p.headers()
		if err != nil {
			return nil, err
		}
		if h == nil {
			return recs, nil
		}
		switch {
		case h["Revision-number"] != "":
			r, err := p.revision(h)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		case h["Node-path"] != "" || h["Node-action"] != "":
			if len(recs) == 0 {
				return nil, fmt.Errorf("%w: a node before any revision", errDump)
			}
			n, err := p.node(h)
			if err != nil {
				return nil, err
			}
			recs[len(recs)-1].nodes = append(recs[len(recs)-1].nodes, n)
		default: // the format version, the UUID
			if _, err := p.content(h); err != nil {
				return nil, err
			}
		}
	}
}

// headers reads one block of "Key: value" lines up to a blank line,
// skipping blank lines before it; nil at the end of the stream.
func (p *parser) headers() (map[string]string, error) {
	for p.off < len(p.b) && p.b[p.off] == '\n' {
		p.off++
	}
	if p.off >= len(p.b) {
		return nil, nil
	}
	h := map[string]string{}
	for {
		end := bytes.IndexByte(p.b[p.off:], '\n')
		if end < 0 {
			return nil, fmt.Errorf("%w: a header without its end", errDump)
		}
		line := string(p.b[p.off : p.off+end])
		p.off += end + 1
		if line == "" {
			return h, nil
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			return nil, fmt.Errorf("%w: %q is not a header", errDump, line)
		}
		h[k] = v
	}
}

// content returns the Content-length bytes that follow a header block.
func (p *parser) content(h map[string]string) ([]byte, error) {
	n, err := length(h, "Content-length")
	if err != nil {
		return nil, err
	}
	if p.off+n > len(p.b) {
		return nil, fmt.Errorf("%w: content cut short", errDump)
	}
	c := p.b[p.off : p.off+n]
	p.off += n
	return c, nil
}

// length reads a numeric header, 0 when absent.
func length(h map[string]string, key string) (int, error) {
	v, ok := h[key]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: %s: %q", errDump, key, v)
	}
	return n, nil
}

func (p *parser) revision(h map[string]string) (*record, error) {
	rev, err := strconv.ParseInt(h["Revision-number"], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: Revision-number %q", errDump, h["Revision-number"])
	}
	c, err := p.content(h)
	if err != nil {
		return nil, err
	}
	props, _, err := parseProps(c)
	if err != nil {
		return nil, fmt.Errorf("r%d: %w", rev, err)
	}
	return &record{rev: rev, props: props}, nil
}

func (p *parser) node(h map[string]string) (*node, error) {
	n := &node{path: h["Node-path"], kind: h["Node-kind"], action: h["Node-action"], copyPath: h["Node-copyfrom-path"],
		propDelta: h["Prop-delta"] == "true", textDelta: h["Text-delta"] == "true",
		baseMD5: h["Text-delta-base-md5"], md5: h["Text-content-md5"]}
	if v := h["Node-copyfrom-rev"]; v != "" {
		var err error
		if n.copyRev, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, fmt.Errorf("%w: Node-copyfrom-rev %q", errDump, v)
		}
	}
	c, err := p.content(h)
	if err != nil {
		return nil, err
	}
	plen, err := length(h, "Prop-content-length")
	if err != nil {
		return nil, err
	}
	if plen > len(c) {
		return nil, fmt.Errorf("%w: %s: properties longer than the content", errDump, n.path)
	}
	if _, ok := h["Prop-content-length"]; ok {
		if n.props, n.deleted, err = parseProps(c[:plen]); err != nil {
			return nil, fmt.Errorf("%s: %w", n.path, err)
		}
	}
	if _, ok := h["Text-content-length"]; ok {
		n.hasText, n.text = true, c[plen:]
	}
	return n, nil
}

// parseProps reads a property block: K/V pairs, D for a deleted one,
// PROPS-END.
func parseProps(b []byte) (props map[string]string, deleted []string, err error) {
	props = map[string]string{}
	p := &parser{b: b}
	for {
		end := bytes.IndexByte(b[p.off:], '\n')
		if end < 0 {
			return nil, nil, fmt.Errorf("%w: properties without PROPS-END", errDump)
		}
		line := string(b[p.off : p.off+end])
		p.off += end + 1
		if line == "PROPS-END" {
			return props, deleted, nil
		}
		key, err := p.sized(line, "K ", "D ")
		if err != nil {
			return nil, nil, err
		}
		if line[0] == 'D' {
			deleted = append(deleted, key)
			continue
		}
		end = bytes.IndexByte(b[p.off:], '\n')
		if end < 0 {
			return nil, nil, fmt.Errorf("%w: a property without its value", errDump)
		}
		vline := string(b[p.off : p.off+end])
		p.off += end + 1
		if props[key], err = p.sized(vline, "V "); err != nil {
			return nil, nil, err
		}
	}
}

// sized reads the string whose length line (one of prefixes, then the
// length) was just read, and the newline after it.
func (p *parser) sized(line string, prefixes ...string) (string, error) {
	for _, pre := range prefixes {
		if v, ok := strings.CutPrefix(line, pre); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || p.off+n+1 > len(p.b) {
				return "", fmt.Errorf("%w: %q", errDump, line)
			}
			s := string(p.b[p.off : p.off+n])
			p.off += n + 1
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: %q in a property block", errDump, line)
}
