package doc

import (
	"math/big"
	"strings"
)

// IsJSONNumber reports whether lit is a number literal plain JSON accepts.
func IsJSONNumber(lit string) bool {
	s := strings.TrimPrefix(lit, "-")
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && isDigit(s[i]) {
			i, n = i+1, n+1
		}
		return n
	}
	if n := digits(); n == 0 || (n > 1 && s[0] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// JSONNumber returns lit unchanged when plain JSON accepts it, and
// otherwise the same value in JSON form: no '+', hex as decimal, no bare
// leading or trailing '.'. Infinity and NaN, which JSON cannot express,
// are returned as they are (JSON5 reads them back).
func JSONNumber(lit string) string {
	if IsJSONNumber(lit) {
		return lit
	}
	s, sign := lit, ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = "-"
		}
		s = s[1:]
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if i, ok := new(big.Int).SetString(s[2:], 16); ok {
			return sign + i.Text(10)
		}
		return lit
	}
	if s == "Infinity" || s == "NaN" {
		return sign + s
	}
	mant, exp, _ := strings.Cut(s, "e")
	if i := strings.IndexByte(s, 'E'); i >= 0 {
		mant, exp = s[:i], s[i+1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" {
		intPart = "0"
	}
	out := sign + intPart
	if frac != "" {
		out += "." + frac
	}
	if exp != "" {
		out += "e" + exp
	}
	if !IsJSONNumber(out) {
		return lit
	}
	return out
}
