package handlers

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// validEmail accepts a plain address (no display name) of a usual shape.
func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

// digitsOnly keeps the digits of s.
func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parsePhone accepts a Brazilian phone in any usual writing — "(11)
// 98765-4321", "11 3456-7890", "+55 11 987654321" — and returns its digits:
// DDD and number, 10 digits for a landline, 11 for a mobile (which starts
// with 9).
func parsePhone(s string) (string, bool) {
	if strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9') && !strings.ContainsRune(" ()-.+", r)
	}) {
		return "", false
	}
	d, ok := nationalDigits(s)
	if !ok || !validNationalPhone(d) {
		return "", false
	}
	return d, true
}

// nationalDigits is a phone's digits without Brazil's country code (55)
// and the trunk prefix (0); false: another country's number.
func nationalDigits(s string) (string, bool) {
	d := digitsOnly(s)
	if strings.HasPrefix(strings.TrimSpace(s), "+") {
		var ok bool
		if d, ok = strings.CutPrefix(d, "55"); !ok {
			return "", false // another country
		}
	} else if len(d) >= 12 && strings.HasPrefix(d, "55") {
		d = d[2:]
	}
	return strings.TrimPrefix(d, "0"), true // trunk prefix: 0 11 ...
}

// validNationalPhone tells whether d, a DDD and a number, is a landline's
// (10 digits) or a mobile's (11 digits, the number starting with 9).
func validNationalPhone(d string) bool {
	switch {
	case len(d) != 10 && len(d) != 11:
		return false
	case d[0] == '0' || d[1] == '0':
		return false // DDDs run from 11 to 99
	case len(d) == 11:
		return d[2] == '9'
	}
	return d[2] >= '2' && d[2] <= '5' // landlines start with 2 to 5
}

// formatPhone writes a stored phone for people: (11) 98765-4321.
func formatPhone(d string) string {
	switch len(d) {
	case 11:
		return "(" + d[:2] + ") " + d[2:7] + "-" + d[7:]
	case 10:
		return "(" + d[:2] + ") " + d[2:6] + "-" + d[6:]
	}
	return d
}

// commonPasswords are refused whatever their length allows.
var commonPasswords = map[string]bool{
	"1234567890": true, "0123456789": true, "12345678910": true, "123456789a": true, "1234567890a": true,
	"qwertyuiop": true, "qwertyuiop1": true, "1q2w3e4r5t": true, "1qaz2wsx3edc": true, "asdfghjkl1": true,
	"password12": true, "password123": true, "password1234": true, "senha12345": true, "senha123456": true,
	"minhasenha1": true, "minhasenha123": true, "mudar12345": true, "mudar123456": true, "abc1234567": true,
	"abcdefghij": true, "aaaaaaaaaa": true, "1111111111": true, "0000000000": true, "9876543210": true,
	"iloveyou12": true, "princesa123": true, "flamengo123": true, "corinthians": true, "palmeiras1": true,
	"motando123": true, "motando1234": true, "brasil2022": true, "brasil12345": true, "admin12345": true,
	"administrador": true, "qwerty12345": true, "1234512345": true, "1234567891": true, "senhasenha": true,
}

// passwordProblem returns why a new password is refused, or "".
func passwordProblem(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return "Informe uma senha."
	case strings.TrimSpace(password) == "":
		return "A senha não pode ser feita só de espaços."
	case n < 10:
		return "A senha precisa ter pelo menos 10 caracteres."
	case n > 128:
		return "A senha pode ter no máximo 128 caracteres."
	case commonPasswords[strings.ToLower(password)]:
		return "Esta senha é muito comum. Escolha outra."
	case containsEmail(password, email):
		return "A senha não pode ser o seu e-mail nem contê-lo."
	}
	return ""
}

const (
	// maxNameLen is the longest name a person may give, in characters.
	maxNameLen = 80
	// maxNameWord is the longest word of a name, in characters: real
	// names stay far below it, and a longer word breaks every line that
	// shows it.
	maxNameWord = 30
)

// personName tidies the name a person gives (single spaces between the
// words) and returns it with why it is refused, or "".
func personName(raw string) (string, string) {
	name := strings.Join(strings.Fields(raw), " ")
	switch {
	case name == "":
		return name, "Informe o seu nome."
	case utf8.RuneCountInString(name) > maxNameLen:
		return name, "Use no máximo " + itoa(maxNameLen) + " caracteres."
	case strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
	}):
		return name, "O nome tem caracteres invisíveis ou de controle. Escreva-o de novo."
	case !strings.ContainsFunc(name, unicode.IsLetter):
		return name, "Escreva o seu nome com letras."
	case utf8.RuneCountInString(name) == 1:
		return name, "Informe o seu nome completo."
	}
	for _, w := range strings.Fields(name) {
		if utf8.RuneCountInString(w) > maxNameWord {
			return name, "Separe com espaços as palavras do nome."
		}
	}
	return name, ""
}

// name reads a person's name field, tidied, and fails it when refused.
func (f *form) name(c *fiber.Ctx, field string) string {
	name, problem := personName(f.text(c, field, 200))
	f.Values[field] = name
	if problem != "" {
		f.fail(field, problem)
	}
	return name
}

// containsEmail tells whether the password is the e-mail, or carries its
// part before the @ (when that part is long enough to mean something).
func containsEmail(password, email string) bool {
	if email == "" {
		return false
	}
	p, e := strings.ToLower(password), strings.ToLower(email)
	local, _, _ := strings.Cut(e, "@")
	return strings.Contains(p, e) || p == local || (utf8.RuneCountInString(local) >= 4 && strings.Contains(p, local))
}

// placeIn resolves a UF and a city id, checking that the city is in the state.
func placeIn(p *models.Places, uf, cityID string) (models.State, models.City, string, string) {
	st, ok := p.StateByUF(uf)
	if !ok {
		return st, models.City{}, "Escolha o estado.", ""
	}
	id, err := strconv.ParseUint(cityID, 10, 32)
	city, found := p.City(uint32(id))
	if err != nil || !found || city.StateID != st.ID {
		return st, city, "", "Escolha uma cidade " + st.Of() + "."
	}
	return st, city, "", ""
}

// place reads the estado (a UF) and cidade (a city of that state) fields,
// failing the first that is wrong.
func (f *form) place(c *fiber.Ctx, places *models.Places) (models.State, models.City) {
	st, city, stErr, cityErr := placeIn(places, f.text(c, "estado", 2), f.text(c, "cidade", 10))
	if stErr != "" {
		f.fail("estado", stErr)
	} else if cityErr != "" {
		f.fail("cidade", cityErr)
	}
	return st, city
}

// check fails the field with problem, unless problem is empty.
func (f *form) check(name, problem string) {
	if problem != "" {
		f.fail(name, problem)
	}
}

// parseYear reads a bike's year, from 1900 to next year; the problem is
// what the form says when it is not one, empty when it is.
func parseYear(s string) (int, string) {
	next := time.Now().Year() + 1
	y, err := strconv.Atoi(s)
	if err != nil || y < 1900 || y > next {
		return y, "Informe um ano entre 1900 e " + strconv.Itoa(next) + "."
	}
	return y, ""
}

// parseDate reads a date from a date input (2006-01-02) or as written in
// Brazil (02/01/2006).
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// maxPrice is the highest asking price accepted: R$ 9.999.999,99.
const maxPrice = 999_999_999

var (
	priceComma  = regexp.MustCompile(`^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$`)
	priceDotted = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)
	priceDot    = regexp.MustCompile(`^\d+(\.\d{1,2})?$`)
)

// parsePrice reads an amount written the Brazilian way — "R$ 12.345,67",
// "12345,67", "12.345" — and returns it in centavos. A dot followed by
// three digits groups thousands; a comma starts the centavos. "1500.50"
// (a decimal point) is read as such.
func parsePrice(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "R$"), "r$"))
	s = strings.ReplaceAll(s, " ", "")
	var whole, frac string
	switch {
	case s == "":
		return 0, false
	case strings.Contains(s, ","):
		if !priceComma.MatchString(s) {
			return 0, false
		}
		whole, frac, _ = strings.Cut(s, ",")
		whole = strings.ReplaceAll(whole, ".", "")
	case priceDotted.MatchString(s):
		whole = strings.ReplaceAll(s, ".", "")
	case priceDot.MatchString(s):
		whole, frac, _ = strings.Cut(s, ".")
	default:
		return 0, false
	}
	if len(whole) > 12 {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

var (
	plateOld      = regexp.MustCompile(`^[A-Z]{3}[0-9]{4}$`)
	plateMercosul = regexp.MustCompile(`^[A-Z]{3}[0-9][A-Z][0-9]{2}$`)
)

// normalizePlate accepts a plate in the old (ABC-1234) or Mercosul
// (ABC1D23) format, in any case, with or without the hyphen and spaces, and
// returns it as ABC1234 or ABC1D23.
func normalizePlate(s string) (string, bool) {
	p := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	if plateOld.MatchString(p) || plateMercosul.MatchString(p) {
		return p, true
	}
	return "", false
}

// parseKm reads a mileage: digits, optionally grouped with dots, and an
// optional "km".
func parseKm(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "km"))
	s = strings.ReplaceAll(s, ".", "")
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}
