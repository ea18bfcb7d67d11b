package library

import "net/netip"

// CreatorNetwork is what the library-creation limit counts a client
// address as: an IPv4 address is itself, an IPv6 address its /64. One
// IPv6 subscriber is routinely given a whole /64 (SLAAC, privacy
// addresses), so counting single IPv6 addresses would give one person
// 2^64 budgets. An address that does not parse is counted as sent.
func CreatorNetwork(client string) string {
	ip, err := netip.ParseAddr(client)
	if err != nil {
		return client
	}
	ip = ip.Unmap() // ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return client
	}
	return p.String()
}
