package crawler

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// guard refuses connections to addresses a crawler must not reach on an
// untrusted page's say-so: loopback, private ranges, link-local (cloud
// metadata services live there), multicast and unspecified addresses. It
// runs in the dialer's Control hook, after DNS resolution, so it holds for
// every connection the HTTP client opens, including each redirect and a
// host whose DNS answer changed since the last check.
type guard struct {
	// denied says whether an address is refused; isPrivate unless a test
	// narrows it.
	denied func(netip.Addr) bool
}

func (g guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s %s: %w (cannot read the address)", network, address, ErrPrivateAddress)
	}
	if g.denied(ap.Addr()) {
		return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
	}
	return nil
}

// sharedSpace is 100.64.0.0/10, the carrier-grade NAT range, which is no
// more public than 10.0.0.0/8.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// isPrivate reports whether a is not a public unicast address.
func isPrivate(a netip.Addr) bool {
	a = a.Unmap()
	return !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() ||
		a.IsUnspecified() || sharedSpace.Contains(a) || a == netip.IPv4Unspecified() ||
		(a.Is4() && a.As4()[0] == 0) || // 0.0.0.0/8 reaches this host on Linux
		a == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// newDialer returns a dialer that applies g to every connection, or a plain
// dialer when g is nil (allow_private).
func newDialer(g *guard) *net.Dialer {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if g != nil {
		d.Control = g.control
	}
	return d
}
