package svnconv

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// errDelta is an svndiff that cannot be applied: the caller then reads the
// file whole (svn cat).
var errDelta = errors.New("svndiff")

// applyDelta applies an svndiff (version 0 or 1, as svnrdump writes them;
// subversion/libsvn_delta/svndiff.c) to base and returns the target.
func applyDelta(base, delta []byte) ([]byte, error) {
	if len(delta) < 4 || !bytes.Equal(delta[:3], []byte("SVN")) || delta[3] > 1 {
		return nil, fmt.Errorf("%w: unknown header %q", errDelta, delta[:min(4, len(delta))])
	}
	version := delta[3]
	d := &reader{b: delta[4:]}
	var out []byte
	for d.off < len(d.b) {
		var h [5]uint64 // source offset, source length, target length, instructions, new data
		for i := range h {
			v, err := d.varint()
			if err != nil {
				return nil, err
			}
			h[i] = v
		}
		if h[0]+h[1] > uint64(len(base)) || h[3]+h[4] > uint64(len(d.b)-d.off) {
			return nil, fmt.Errorf("%w: a window out of bounds", errDelta)
		}
		ins, data := d.take(int(h[3])), d.take(int(h[4]))
		if version == 1 {
			var err error
			if ins, err = inflate(ins); err != nil {
				return nil, err
			}
			if data, err = inflate(data); err != nil {
				return nil, err
			}
		}
		w, err := window(base[h[0]:h[0]+h[1]], ins, data, int(h[2]))
		if err != nil {
			return nil, err
		}
		out = append(out, w...)
	}
	return out, nil
}

// window builds one target view from its instructions.
func window(src, ins, data []byte, size int) ([]byte, error) {
	t := make([]byte, 0, size)
	r := &reader{b: ins}
	for r.off < len(r.b) {
		op := r.b[r.off]
		r.off++
		n := uint64(op & 0x3f)
		if n == 0 {
			var err error
			if n, err = r.varint(); err != nil {
				return nil, err
			}
		}
		switch op >> 6 {
		case 0, 1:
			off, err := r.varint()
			if err != nil {
				return nil, err
			}
			if op>>6 == 0 {
				if off+n > uint64(len(src)) {
					return nil, fmt.Errorf("%w: a copy out of the source", errDelta)
				}
				t = append(t, src[off:off+n]...)
				continue
			}
			if off >= uint64(len(t)) {
				return nil, fmt.Errorf("%w: a copy out of the target", errDelta)
			}
			for i := uint64(0); i < n; i++ { // may overlap what it writes
				t = append(t, t[off+i])
			}
		case 2:
			if n > uint64(len(data)) {
				return nil, fmt.Errorf("%w: new data cut short", errDelta)
			}
			t, data = append(t, data[:n]...), data[n:]
		default:
			return nil, fmt.Errorf("%w: unknown instruction %#x", errDelta, op)
		}
	}
	if len(t) != size {
		return nil, fmt.Errorf("%w: a window of %d bytes, %d announced", errDelta, len(t), size)
	}
	return t, nil
}

// inflate decodes an svndiff1 section: its original length, then the
// bytes as they are when that is no shorter, else zlib-compressed.
func inflate(sec []byte) ([]byte, error) {
	r := &reader{b: sec}
	n, err := r.varint()
	if err != nil {
		return nil, err
	}
	rest := sec[r.off:]
	if uint64(len(rest)) == n {
		return rest, nil
	}
	z, err := zlib.NewReader(bytes.NewReader(rest))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errDelta, err)
	}
	out, err := io.ReadAll(io.LimitReader(z, int64(n)+1))
	if err != nil || uint64(len(out)) != n {
		return nil, fmt.Errorf("%w: a compressed section of the wrong length", errDelta)
	}
	return out, nil
}

// reader reads svndiff's numbers: big-endian, 7 bits a byte, the high bit
// set on all but the last.
type reader struct {
	b   []byte
	off int
}

func (r *reader) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if r.off >= len(r.b) {
			break
		}
		c := r.b[r.off]
		r.off++
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: a number cut short", errDelta)
}

func (r *reader) take(n int) []byte {
	b := r.b[r.off : r.off+n]
	r.off += n
	return b
}
