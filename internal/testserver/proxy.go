package testserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// A Proxy is a TCP proxy on 127.0.0.1 in front of one server that delays,
// throttles or stalls the bytes it forwards: it makes the slow and stalled
// remotes of issue 7 real TCP peers, since this kernel has no netem qdisc
// for tc to do it. Tests get one from NewProxy; internal/bench, which has no
// testing.TB, from StartProxy.
type Proxy struct {
	ln     net.Listener
	target string
	opt    ProxyOptions
	ctx    context.Context // cancelled by Close: ends a dial in progress
	cancel context.CancelFunc
	wg     sync.WaitGroup // the accept loop and every goroutine of every link
	once   sync.Once      // Close

	mu        sync.Mutex
	closed    bool
	links     map[*link]struct{}
	stalled   bool
	resume    chan struct{} // closed when the current stall ends
	forwarded int64         // bytes written, both directions, every connection
	tripped   bool          // StallAfter has been reached (it stalls only once)
}

// ProxyOptions says what a Proxy does to the bytes it forwards. The zero
// value forwards them as they come.
type ProxyOptions struct {
	// Latency is a one-way delay: each chunk read from either side is
	// written to the other Latency after it was read, so a round trip
	// through the proxy takes at least 2×Latency longer. Chunks queue in
	// order, proxyQueue per direction, so the delay does not also limit the
	// throughput to one chunk per Latency.
	Latency time.Duration
	// BytesPerSecond limits each direction of each connection; 0: no limit.
	BytesPerSecond int
	// StallAfter, if positive, stalls the proxy, as SetStall(true), once
	// it has forwarded exactly that many bytes, counted over both
	// directions and every connection. The connections stay open.
	StallAfter int64
}

const (
	proxyQueue = 256      // chunks held per direction before the proxy stops reading
	proxyChunk = 32 << 10 // bytes read at once
)

// NewProxy starts a Proxy in front of target ("127.0.0.1:PORT"), stopped
// by t.Cleanup: the listener and every connection closed.
func NewProxy(t testing.TB, target string, opt ProxyOptions) *Proxy {
	t.Helper()
	p, err := StartProxy(target, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// StartProxy starts a Proxy in front of target, a loopback host:port, on a
// free port of 127.0.0.1. The caller must Close it.
func StartProxy(target string, opt ProxyOptions) (*Proxy, error) {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return nil, fmt.Errorf("proxy: target %q: %w", target, err)
	}
	// Loopback only: a test must never reach, or be reached from, outside.
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("proxy: target %q is not a loopback address", target)
	}
	if opt.Latency < 0 || opt.BytesPerSecond < 0 || opt.StallAfter < 0 {
		return nil, fmt.Errorf("proxy: negative option in %+v", opt)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p := &Proxy{ln: ln, target: target, opt: opt, links: map[*link]struct{}{}}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the proxy's own address, "127.0.0.1:PORT".
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetStall stops forwarding (true) or resumes it (false), on every
// connection, open or to come; the connections stay open either way.
// SetStall(false) also ends a stall that StallAfter began, for good.
func (p *Proxy) SetStall(stall bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case stall && !p.stalled:
		p.stalled = true
		p.resume = make(chan struct{})
	case !stall && p.stalled:
		p.stalled = false
		close(p.resume)
	}
}

// Close stops the proxy: it closes the listener and every connection, both
// sides, and returns once all of its goroutines have ended.
func (p *Proxy) Close() {
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.cancel()
		p.ln.Close()
		for l := range p.links {
			l.kill()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if p.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, say: wait, as net/http does.
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		p.wg.Add(1)
		go p.handle(c)
	}
}

// handle connects the client down to the target and forwards both ways
// until both have ended or either fails.
func (p *Proxy) handle(down net.Conn) {
	defer p.wg.Done()
	var d net.Dialer
	up, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		down.Close() // the client sees the server hang up, as if it refused
		return
	}
	l := &link{p: p, down: down, up: up, done: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		l.kill()
		return
	}
	p.links[l] = struct{}{}
	p.mu.Unlock()

	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); l.pipe(down, up) }()
	go func() { defer both.Done(); l.pipe(up, down) }()
	both.Wait()
	l.kill()
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}

// admit blocks while the proxy is stalled, then counts and returns how
// many of the n bytes a writer wants to forward it may: fewer when they
// would pass StallAfter, 0 when the link is killed meanwhile.
func (p *Proxy) admit(n int, done <-chan struct{}) int {
	p.mu.Lock()
	for {
		if !p.stalled {
			if limit := p.opt.StallAfter; limit > 0 && !p.tripped {
				left := limit - p.forwarded
				if left <= 0 {
					p.tripped = true
					p.stalled = true
					p.resume = make(chan struct{})
					continue
				}
				n = int(min(int64(n), left))
			}
			p.forwarded += int64(n)
			p.mu.Unlock()
			return n
		}
		resume := p.resume
		p.mu.Unlock()
		select {
		case <-resume:
		case <-done:
			return 0
		}
		p.mu.Lock()
	}
}

// A link is one proxied connection: the client's and the target's.
type link struct {
	p        *Proxy
	down, up net.Conn
	done     chan struct{} // closed by kill
	once     sync.Once
}

// kill closes both connections and ends every wait of the link.
func (l *link) kill() {
	l.once.Do(func() {
		close(l.done)
		l.down.Close()
		l.up.Close()
	})
}

// A chunk is what one read returned, and when.
type chunk struct {
	at   time.Time
	data []byte
}

// pipe forwards src to dst. A reader queues each chunk with the time it was
// read, so that the delay of one chunk overlaps with the reading of the
// next; pipe writes them in order, each no earlier than Latency after its
// read. At src's EOF it half-closes dst, as the client or server did; on
// any other end it kills the link.
func (l *link) pipe(src, dst net.Conn) {
	q := make(chan chunk, proxyQueue)
	var eof bool // set before q is closed
	l.p.wg.Add(1)
	go func() {
		defer l.p.wg.Done()
		defer close(q)
		buf := make([]byte, proxyChunk)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				c := chunk{at: time.Now(), data: append([]byte(nil), buf[:n]...)}
				select {
				case q <- c:
				case <-l.done:
					return
				}
			}
			if err != nil {
				eof = errors.Is(err, io.EOF)
				return
			}
		}
	}()
	t := throttle{bps: l.p.opt.BytesPerSecond}
	for c := range q {
		if !l.sleepUntil(c.at.Add(l.p.opt.Latency)) || !l.write(dst, c.data, &t) {
			l.kill()
			return
		}
	}
	if !eof {
		l.kill()
		return
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

// write writes data to dst, paced by t and held while the proxy stalls. It
// reports whether all of it was written.
func (l *link) write(dst net.Conn, data []byte, t *throttle) bool {
	for len(data) > 0 {
		n := len(data)
		if t.bps > 0 {
			n = min(n, t.slice())
			if !l.sleepUntil(t.next) {
				return false
			}
		}
		if n = l.p.admit(n, l.done); n == 0 {
			return false
		}
		if _, err := dst.Write(data[:n]); err != nil {
			return false
		}
		t.sent(n)
		data = data[n:]
	}
	return true
}

// sleepUntil waits until when, or until the link is killed (false).
func (l *link) sleepUntil(when time.Time) bool {
	d := time.Until(when)
	if d <= 0 {
		select {
		case <-l.done:
			return false
		default:
			return true
		}
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-l.done:
		return false
	}
}

// A throttle paces one direction of a link at bps bytes per second, in
// slices of a twentieth of a second's worth, so that the rate is even
// rather than a burst per chunk.
type throttle struct {
	bps  int
	next time.Time // the earliest time of the next write
}

func (t *throttle) slice() int { return max(1, t.bps/20) }

// sent accounts for n bytes just written.
func (t *throttle) sent(n int) {
	if t.bps == 0 {
		return
	}
	if now := time.Now(); now.After(t.next) {
		t.next = now // idle time earns no burst beyond one slice
	}
	t.next = t.next.Add(time.Duration(n) * time.Second / time.Duration(t.bps))
}
