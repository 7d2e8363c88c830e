package testserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoServer serves on 127.0.0.1 and writes back whatever it reads,
// until its test ends; it returns its address.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// dial connects to addr, closed when the test ends.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg to c, reads it back within 10 s and returns how long
// that took.
func roundTrip(t *testing.T, c net.Conn, msg string) time.Duration {
	t.Helper()
	start := time.Now()
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	expect(t, c, msg, 10*time.Second)
	return time.Since(start)
}

// expect reads exactly len(want) bytes from c within d and checks them.
func expect(t *testing.T, c net.Conn, want string, d time.Duration) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading %d bytes back: %v", len(want), err)
	}
	if string(got) != want {
		t.Fatalf("read back %q, want %q", got, want)
	}
}

// silent checks that nothing arrives on c for d: the read times out, and
// the connection is still open.
func silent(t *testing.T, c net.Conn, d time.Duration) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	var b [1]byte
	n, err := c.Read(b[:])
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read %d bytes, error %v, during a stall; want a timeout", n, err)
	}
}

func TestProxyLatency(t *testing.T) {
	const latency = 50 * time.Millisecond
	echo := echoServer(t)
	direct := roundTrip(t, dial(t, echo), "ping")
	p := NewProxy(t, echo, ProxyOptions{Latency: latency})
	c := dial(t, p.Addr())
	if d := roundTrip(t, c, "ping"); d < 2*latency {
		t.Errorf("a round trip through the proxy took %v (direct %v), want ≥ %v", d, direct, 2*latency)
	}

	// Chunks queue: 20 writes 10 ms apart come back in order about 2×latency
	// after the last, not one Latency per chunk (≥ 20×latency = 1 s).
	var want strings.Builder
	start := time.Now()
	for i := range 20 {
		msg := fmt.Sprintf("chunk %02d;", i)
		want.WriteString(msg)
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // separate chunks, not a wait for a result
	}
	expect(t, c, want.String(), 10*time.Second)
	if d := time.Since(start); d >= 20*latency {
		t.Errorf("20 chunks took %v through a %v proxy: it forwards one chunk at a time", d, latency)
	}
}

func TestProxyThrottle(t *testing.T) {
	const rate, size = 100_000, 50_000
	p := NewProxy(t, echoServer(t), ProxyOptions{BytesPerSecond: rate})
	c := dial(t, p.Addr())
	msg := strings.Repeat("x", size)
	go io.WriteString(c, msg) // the echo is read while it is written
	start := time.Now()
	expect(t, c, msg, 10*time.Second)
	// One slice (a twentieth of a second's worth) may go at once.
	if d, low := time.Since(start), time.Duration(size-rate/20)*time.Second/rate; d < low {
		t.Errorf("%d bytes at %d B/s took %v, want ≥ %v", size, rate, d, low)
	}
}

func TestProxyStall(t *testing.T) {
	p := NewProxy(t, echoServer(t), ProxyOptions{Latency: 5 * time.Millisecond})
	c := dial(t, p.Addr())
	roundTrip(t, c, "before")
	p.SetStall(true)
	if _, err := io.WriteString(c, "during"); err != nil {
		t.Fatal(err)
	}
	silent(t, c, 300*time.Millisecond)
	// A new connection is accepted but stalls too.
	c2 := dial(t, p.Addr())
	io.WriteString(c2, "new")
	silent(t, c2, 100*time.Millisecond)
	p.SetStall(false)
	expect(t, c, "during", 10*time.Second)
	expect(t, c2, "new", 10*time.Second)
	roundTrip(t, c, "after")
}

func TestProxyStallAfter(t *testing.T) {
	// 10 bytes out and 5 back make 15: the rest of the echo is held.
	p := NewProxy(t, echoServer(t), ProxyOptions{StallAfter: 15})
	c := dial(t, p.Addr())
	if _, err := io.WriteString(c, "0123456789"); err != nil {
		t.Fatal(err)
	}
	expect(t, c, "01234", 10*time.Second)
	silent(t, c, 300*time.Millisecond)
	p.SetStall(false)
	expect(t, c, "56789", 10*time.Second)
	roundTrip(t, c, "once only") // StallAfter does not stall again
}

func TestProxyClose(t *testing.T) {
	echo := echoServer(t)
	p, err := StartProxy(echo, ProxyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, p.Addr())
	roundTrip(t, c, "hello")
	p.SetStall(true) // a stalled connection is closed as well
	p.Close()
	p.Close() // twice is harmless
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d bytes after Close", n)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("a connection is still open after Close")
	}
	closed(t, p.Addr())

	for _, target := range []string{"192.0.2.1:80", "example.org:80", "127.0.0.1"} {
		if p, err := StartProxy(target, ProxyOptions{}); err == nil {
			p.Close()
			t.Errorf("StartProxy(%q) accepted a target off loopback or without a port", target)
		}
	}
}

// TestProxyGit runs real git over git:// through a delaying proxy in front
// of GitDaemon: ls-remote, then a push.
func TestProxyGit(t *testing.T) {
	Require(t, "git")
	Env(t)
	base := t.TempDir()
	bare := BareRepo(t, filepath.Join(base, "r.git"))
	daemon := GitDaemon(t, base)
	dir, head := commit(t)
	Git(t, dir, "push", "-q", bare, "main")

	p := NewProxy(t, strings.TrimPrefix(daemon, "git://"), ProxyOptions{Latency: 20 * time.Millisecond})
	url := "git://" + p.Addr() + "/r.git"
	if out := Git(t, dir, "ls-remote", url); !strings.Contains(out, head+"\trefs/heads/main") {
		t.Fatalf("git ls-remote %s:\n%s\nwant %s on main", url, out, head)
	}
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), bytes.Repeat([]byte("more\n"), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	Git(t, dir, "commit", "-q", "-a", "-m", "second")
	Git(t, dir, "push", "-q", url, "main")
	pushed(t, bare, Git(t, dir, "rev-parse", "HEAD"))
}
