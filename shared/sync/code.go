package sync

import (
	"errors"
	"fmt"
	"strings"
)

// The sync code is the secret as a person reads it aloud or types it:
//
//	55 symbols of Crockford base32, shown in 11 groups of 5 joined by '-'
//	  symbols  0..51  the 256 secret bits, big-endian, then 4 zero bits
//	  symbols 52..54  a 15-bit check value, big-endian
//
// check = Σ (i+1)·v[i] mod 32749 over the 52 data symbols, where v[i] is the
// symbol's value (0..31) and 32749 is the largest prime below 2^15.
//
// Why this check: a single mistyped symbol changes the sum by (i+1)·d with
// 1 ≤ i+1 ≤ 52 and 1 ≤ |d| ≤ 31, and swapping any two symbols (adjacent or
// not) changes it by (j-i)·(v[i]-v[j]); both are non-zero and smaller than
// the prime, so every such typo is caught, not merely most. Other errors pass
// with a chance of about 1 in 32749·16 (the pad bits and the 19 check values
// above the prime catch some more). Crockford's alphabet has no I, L, O or U;
// reading I and L as 1 and O as 0 forgives the usual confusions, and case,
// spaces and dashes are ignored.
const (
	codeAlphabet   = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeDataSyms   = 52 // ceil(256 / 5)
	codeCheckSyms  = 3
	codeSyms       = codeDataSyms + codeCheckSyms
	codeGroup      = 5
	codeCheckPrime = 32749
)

// ErrCodeTypo means the code has the right shape but a symbol is wrong.
var ErrCodeTypo = errors.New("sync code does not check out: a character is mistyped")

// codeValue maps an upper-cased input byte to its symbol value, -1 if none.
var codeValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(codeAlphabet); i++ {
		t[codeAlphabet[i]] = int8(i)
	}
	t['I'], t['L'], t['O'] = 1, 1, 0
	return t
}()

func codeCheck(v []byte) int {
	sum := 0
	for i, x := range v[:codeDataSyms] {
		sum += (i + 1) * int(x)
	}
	return sum % codeCheckPrime
}

func encodeCode(secret [SecretSize]byte) string {
	v := make([]byte, codeSyms)
	for i := range codeDataSyms {
		v[i] = bits5(secret[:], i*5)
	}
	c := codeCheck(v)
	v[52], v[53], v[54] = byte(c>>10&31), byte(c>>5&31), byte(c&31)
	var sb strings.Builder
	for i, x := range v {
		if i > 0 && i%codeGroup == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[x])
	}
	return sb.String()
}

// bits5 reads the 5 bits starting at bit off of b (big-endian), reading
// zeros past the end.
func bits5(b []byte, off int) byte {
	var x byte
	for k := range 5 {
		bit := off + k
		x <<= 1
		if bit/8 < len(b) && b[bit/8]&(0x80>>(bit%8)) != 0 {
			x |= 1
		}
	}
	return x
}

func decodeCode(text string) ([SecretSize]byte, error) {
	var out [SecretSize]byte
	v := make([]byte, 0, codeSyms)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '-', ' ', '\t', '\n', '\r', '_', '.':
			continue
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		x := codeValue[c]
		if x < 0 {
			// Say which position is wrong, never echo the input: it may be
			// an almost-right secret.
			return out, fmt.Errorf("sync code has a character that cannot be in a code at position %d", len(v)+1)
		}
		v = append(v, byte(x))
	}
	if len(v) != codeSyms {
		return out, fmt.Errorf("sync code has %d characters, expected %d", len(v), codeSyms)
	}
	got := int(v[52])<<10 | int(v[53])<<5 | int(v[54])
	// The last data symbol holds 1 secret bit and 4 zero pad bits.
	if got != codeCheck(v) || v[51]&0x0f != 0 {
		return out, ErrCodeTypo
	}
	for i := range codeDataSyms {
		for k := range 5 {
			bit := i*5 + k
			if bit < SecretSize*8 && v[i]&(0x10>>k) != 0 {
				out[bit/8] |= 0x80 >> (bit % 8)
			}
		}
	}
	return out, nil
}
