package git

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"

	"github.com/vcsync/vcsync/backends"
)

// Our own send-pack, on go-git's transport sessions. Remote.PushContext
// needed Remote.ListContext before it, for our fast-forward check: two
// connections per push (two ssh handshakes, two https round trips of
// authentication). Here one receive-pack session gives the remote's refs,
// then takes the pack.

// openSession dials the remote's receive-pack, once, as go-git's
// newSendPackSession (remote.go) does for PushContext: the same endpoint,
// credentials and CA bundle, so the transports behave as they did.
func (a *access) openSession() (transport.ReceivePackSession, error) {
	ep, err := transport.NewEndpoint(a.url)
	if err != nil {
		return nil, err
	}
	ep.CaBundle = a.caBundle
	c, err := client.NewClient(ep)
	if err != nil {
		return nil, err
	}
	return c.NewReceivePackSession(ep, a.auth)
}

// advertised returns the remote's refs and capabilities. A server that
// advertises nothing at all, not even capabilities (go-git's http transport
// then says ErrEmptyRemoteRepository), holds nothing: every ref is new.
func advertised(ctx context.Context, sess transport.ReceivePackSession) (*packp.AdvRefs, error) {
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return packp.NewAdvRefs(), nil
	}
	return ar, err
}

// newRequest asks for what git push asks: report-status, to learn per ref
// whether it landed, and atomic, so that a branch and its tags land
// together or not at all, as PushOptions.Atomic did.
func newRequest(ar *packp.AdvRefs, cmds []*packp.Command) *packp.ReferenceUpdateRequest {
	req := packp.NewReferenceUpdateRequestFromCapabilities(ar.Capabilities)
	if ar.Capabilities.Supports(capability.Atomic) {
		_ = req.Capabilities.Set(capability.Atomic)
	}
	req.Commands = cmds
	return req
}

// receivePack streams a pack of objs into the session and returns the
// remote's verdict. As go-git's pushHashes (remote.go), the pack is encoded
// in a goroutine through a pipe, so that a large first push is never held
// in memory; the packfile.Encoder deltas objects against others of the same
// pack only, never against the remote's (no thin pack), with ofs-deltas
// unless the remote did not advertise them.
func (b *backend) receivePack(ctx context.Context, sess transport.ReceivePackSession, s storer.EncodedObjectStorer, window uint,
	ar *packp.AdvRefs, req *packp.ReferenceUpdateRequest, objs []plumbing.Hash) error {
	refDeltas := !ar.Capabilities.Supports(capability.OFSDelta)
	rd, wr := io.Pipe()
	req.Packfile = rd
	done := make(chan error, 1)
	go func() {
		_, err := packfile.NewEncoder(wr, s, refDeltas).Encode(objs, window)
		wr.CloseWithError(err) // nil: a plain close, the end of the pack
		done <- err
	}()
	report, err := sess.ReceivePack(ctx, req)
	rd.Close() // unblocks the encoder if the session stopped reading early
	// Waiting for the encoder also keeps it from reading the repository
	// after Push has returned.
	if encErr := <-done; encErr != nil && !errors.Is(encErr, io.ErrClosedPipe) {
		return b.errorf(backends.Fatal, "build the pack: %v", encErr)
	}
	if report != nil {
		// The remote's word is final: go-git returns a report with its
		// first error, or with the error of closing a session that has
		// done its work.
		return b.reportError(report)
	}
	return err
}

// reportError turns the remote's report-status into our error, nil if
// every ref landed. An unpack failure is the pack's, retrying sends the
// same: Fatal. A refused ref is classified by its reason, as go-git's
// "command error on REF: REASON" was: non-fast-forward and fetch first
// (someone pushed since we read the refs) are Rejected, a lost lock race
// Transient, anything else (a hook's refusal) Fatal.
func (b *backend) reportError(r *packp.ReportStatus) error {
	if r.UnpackStatus != "ok" {
		return b.errorf(backends.Fatal, "the remote could not unpack what was sent: %s", r.UnpackStatus)
	}
	var first *packp.CommandStatus
	for _, cs := range r.CommandStatuses {
		if cs.Status == "ok" {
			continue
		}
		// With atomic, every other ref says only "atomic push failure":
		// the interesting reason is the first other one.
		if first == nil || first.Status == "atomic push failure" {
			first = cs
		}
	}
	if first == nil {
		return nil
	}
	c := classifyMessage(first.Status)
	msg := fmt.Sprintf("the remote refused %s: %s", first.ReferenceName, first.Status)
	if c == backends.Rejected {
		msg = "diverged: " + msg + ": someone pushed since: bring their commits into your branch (vcsync pull, from the primary; else git pull), then push again (vcsync never forces)"
	}
	return &refusedError{b.errorf(c, "%s", msg)}
}

// refusedError is the error of a ref update that the remote refused once
// it had the pack: send then asks whether it holds the commit anyway.
type refusedError struct{ err error }

func (e *refusedError) Error() string { return e.err.Error() }
func (e *refusedError) Unwrap() error { return e.err }

// packWindow is the delta window of the repository's pack.window, as
// pushHashes reads it; git's default of 10 when it cannot be read.
func packWindow(s config.ConfigStorer) uint {
	if c, err := s.Config(); err == nil {
		return c.Pack.Window
	}
	return config.DefaultPackWindow
}
