package handlers

import "testing"

func TestParsePhone(t *testing.T) {
	ok := map[string]string{
		"(11) 98765-4321":      "11987654321",
		"11 3456-7890":         "1134567890",
		"+55 11 98765-4321":    "11987654321",
		"55 (21) 2345-6789":    "2123456789",
		"011 98765 4321":       "11987654321",
		"79.99876.5432":        "79998765432",
		" (48)3333-4444 ":      "4833334444",
		"+55 (85) 9 8765-4321": "85987654321",
	}
	for in, want := range ok {
		if got, valid := parsePhone(in); !valid || got != want {
			t.Errorf("parsePhone(%q) = %q, %v; want %q", in, got, valid, want)
		}
	}
	for _, in := range []string{"", "123", "(11) 8765-4321x", "+1 415 555 0100", "(01) 98765-4321", "(11) 88765-4321", "(11) 1234-5678", "abc", "119876543210000"} {
		if got, valid := parsePhone(in); valid {
			t.Errorf("parsePhone(%q) = %q, want refused", in, got)
		}
	}
}

func TestValidEmail(t *testing.T) {
	for _, e := range []string{"ana@exemplo.com.br", "jose.silva+motos@gmail.com", "a@b.co"} {
		if !validEmail(e) {
			t.Errorf("%q refused", e)
		}
	}
	for _, e := range []string{"", "ana", "ana@", "@x.com", "ana@localhost", "Ana <ana@x.com>", "ana @x.com", "ana@x.com."} {
		if validEmail(e) {
			t.Errorf("%q accepted", e)
		}
	}
}

func TestLocalTarget(t *testing.T) {
	for in, want := range map[string]string{
		"/conta": "/conta", "/motos?marca=7": "/motos?marca=7", "": "",
		"https://evil.example": "", "//evil.example/x": "", "/\\evil.example": "", "javascript:alert(1)": "",
		"http:/evil": "", "/ok\r\nSet-Cookie: x=1": "",
	} {
		if got := localTarget(in); got != want {
			t.Errorf("localTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPasswordProblem(t *testing.T) {
	for pw, bad := range map[string]bool{
		"curta": true, "1234567890": true, "Senha12345": true, "ana.souza@x.com": true, "ana.souza2024!": true,
		"cavalo bateria grampo": false, "Xy7#kLm2pQ9z": false,
	} {
		if got := passwordProblem(pw, "ana.souza@x.com") != ""; got != bad {
			t.Errorf("passwordProblem(%q) refused=%v, want %v", pw, got, bad)
		}
	}
}

func TestParsePrice(t *testing.T) {
	ok := map[string]int64{
		"R$ 12.345,67": 1234567, "12345,67": 1234567, "12.345": 1234500, "12345": 1234500, "R$12.345": 1234500,
		"1.234.567,8": 123456780, "1500.50": 150050, "0,99": 99, "R$\u00a018.500,00": 1850000, " 7.500 ": 750000, "12,5": 1250,
	}
	for in, want := range ok {
		if got, valid := parsePrice(in); !valid || got != want {
			t.Errorf("parsePrice(%q) = %d, %v; want %d", in, got, valid, want)
		}
	}
	for _, in := range []string{"", "abc", "12,345,67", "1.23,45", "12.34.56", "-500", "R$", "1e6", "12,", ",50", "12.3456", "9999999999999"} {
		if got, valid := parsePrice(in); valid {
			t.Errorf("parsePrice(%q) = %d, want refused", in, got)
		}
	}
}

func TestNormalizePlate(t *testing.T) {
	for in, want := range map[string]string{"ABC-1234": "ABC1234", "abc1234": "ABC1234", "ABC1D23": "ABC1D23", " bra 2e19 ": "BRA2E19"} {
		if got, ok := normalizePlate(in); !ok || got != want {
			t.Errorf("normalizePlate(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "AB-1234", "ABC12345", "1BC1234", "ABC1DD3", "ABCD123"} {
		if got, ok := normalizePlate(in); ok {
			t.Errorf("normalizePlate(%q) = %q, want refused", in, got)
		}
	}
}
