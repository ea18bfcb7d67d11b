package sync

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	gosync "sync"
	"time"
)

// HLC is a hybrid logical clock timestamp: wall-clock milliseconds, a
// counter that orders events within one millisecond (or while the wall
// clock lags behind a time already seen), and the id of the device that
// made it, so two devices never produce equal timestamps and the order is
// total. The zero HLC means "never written" and sorts before every other.
//
// HLCs live only inside sealed blobs, never in a server column, so D1's
// 2^53 integer limit does not apply; Wall is still capped at 2^48-1 ms (the
// year 10889) so that the text form has a fixed width.
type HLC struct {
	Wall    int64  // Unix milliseconds, 0 ≤ Wall ≤ MaxWall
	Counter uint16 // events at the same Wall
	Device  string // 1..32 characters of [A-Za-z0-9_-]
}

// MaxWall is the largest wall time an HLC can carry.
const MaxWall = 1<<48 - 1

// Compare orders HLCs by Wall, then Counter, then Device: -1, 0 or +1.
func (h HLC) Compare(o HLC) int {
	switch {
	case h.Wall != o.Wall:
		return cmp3(h.Wall < o.Wall)
	case h.Counter != o.Counter:
		return cmp3(h.Counter < o.Counter)
	case h.Device != o.Device:
		return cmp3(h.Device < o.Device)
	}
	return 0
}

func cmp3(less bool) int {
	if less {
		return -1
	}
	return 1
}

// After reports whether h is strictly later than o.
func (h HLC) After(o HLC) bool { return h.Compare(o) > 0 }

// IsZero reports whether h is the zero ("never") timestamp.
func (h HLC) IsZero() bool { return h == HLC{} }

func maxHLC(a, b HLC) HLC {
	if a.After(b) {
		return a
	}
	return b
}

// String is the text form "wwwwwwwwwwww.cccc.device": 12 hex digits of
// Wall and 4 of Counter, lower case. The widths are fixed so that comparing
// two strings byte by byte gives the same order as Compare (JavaScript can
// sort them with < ). The zero HLC is "".
func (h HLC) String() string {
	if h.IsZero() {
		return ""
	}
	return fmt.Sprintf("%012x.%04x.%s", h.Wall, h.Counter, h.Device)
}

// ParseHLC reads the text form; "" is the zero HLC.
func ParseHLC(s string) (HLC, error) {
	if s == "" {
		return HLC{}, nil
	}
	if len(s) < 19 || s[12] != '.' || s[17] != '.' {
		return HLC{}, fmt.Errorf("sync: clock %q is not wwwwwwwwwwww.cccc.device", s)
	}
	w, err1 := strconv.ParseUint(s[:12], 16, 64)
	c, err2 := strconv.ParseUint(s[13:17], 16, 16)
	if err1 != nil || err2 != nil || !lowerHex(s[:17]) {
		return HLC{}, fmt.Errorf("sync: clock %q has a malformed time", s)
	}
	h := HLC{Wall: int64(w), Counter: uint16(c), Device: s[18:]}
	if err := ValidDevice(h.Device); err != nil {
		return HLC{}, err
	}
	return h, nil
}

// lowerHex rejects upper-case digits, so every HLC has one text form.
func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'F' {
			return false
		}
	}
	return true
}

func (h HLC) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

func (h *HLC) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("sync: clock is not a string")
	}
	v, err := ParseHLC(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ValidDevice checks a device id: 1..32 characters of [A-Za-z0-9_-], so it
// can follow the fixed-width part of an HLC's text form unambiguously.
func ValidDevice(d string) error {
	if len(d) == 0 || len(d) > 32 {
		return fmt.Errorf("sync: device id must have 1 to 32 characters")
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("sync: device id may hold only letters, digits, '-' and '_'")
		}
	}
	return nil
}

// NewDeviceID draws a random device id (11 characters, 64 bits): collisions
// between one user's devices are out of the question.
func NewDeviceID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// NextHLC is the clock step, pure so that the WASM API and Clock share it:
// the next timestamp of device after last (the greatest HLC the device has
// made or seen), given the wall clock now (Unix ms). It is always After
// last, whatever now says: a wall clock that jumps back leaves Wall where
// it was and counts on, so the order of one device's edits never inverts.
func NextHLC(last HLC, device string, nowMS int64) HLC {
	nowMS = min(max(nowMS, 0), MaxWall)
	if nowMS > last.Wall {
		return HLC{Wall: nowMS, Device: device}
	}
	next := HLC{Wall: last.Wall, Counter: last.Counter + 1, Device: device}
	if last.Counter == 1<<16-1 {
		// 65,536 events in one millisecond (or a clock far behind): borrow
		// the next millisecond rather than wrap.
		next = HLC{Wall: last.Wall + 1, Device: device}
	}
	if next.Wall > MaxWall {
		// Unreachable before the year 10889 unless a peer sent MaxWall;
		// saturate rather than wrap so the order never inverts.
		next = HLC{Wall: MaxWall, Counter: 1<<16 - 1, Device: device}
	}
	return next
}

// Clock makes the HLCs of one device. It is safe for concurrent use.
type Clock struct {
	mu     gosync.Mutex
	device string
	now    func() time.Time
	last   HLC
}

// NewClock returns a clock for device reading wall time from now (time.Now
// when nil) and starting after last (the zero HLC for a new device; the
// saved Last for a device that restarts).
func NewClock(device string, now func() time.Time, last HLC) (*Clock, error) {
	if err := ValidDevice(device); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Clock{device: device, now: now, last: last}, nil
}

// Now returns a timestamp later than every one this clock made or observed.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = NextHLC(c.last, c.device, c.now().UnixMilli())
	return c.last
}

// Observe folds in a timestamp seen on a record from another device, so the
// next local edit is ordered after it. This is what makes "re-save after
// seeing the delete" win even when this device's wall clock is behind.
func (c *Clock) Observe(h HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = maxHLC(c.last, h)
}

// Last is the greatest HLC made or observed; persist it across restarts.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// Device is the clock's device id.
func (c *Clock) Device() string { return c.device }
