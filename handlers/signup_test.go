package handlers

import (
	"html"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

func TestSignupRefusesBlankPasswordsAndUnreasonableNames(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		for _, tc := range []struct {
			what, field, value, want string
		}{
			{"a blank password", "senha", "", "Informe uma senha."},
			{"a password of ten spaces", "senha", strings.Repeat(" ", 10), "A senha não pode ser feita só de espaços."},
			{"a password of tabs and spaces", "senha", " \t \t \t \t \t \t ", "A senha não pode ser feita só de espaços."},
			{"a blank name", "nome", "   ", "Informe o seu nome."},
			{"a name of one 200-letter word", "nome", strings.Repeat("a", 200), "Use no máximo 80 caracteres."},
			{"a name with a 40-letter word", "nome", "Ana " + strings.Repeat("b", 40), "Separe com espaços as palavras do nome."},
			{"a name of 81 characters", "nome", strings.Repeat("Ana Souza ", 8) + "A", "Use no máximo 80 caracteres."},
			{"a name with a control character", "nome", "Ana\x07 Souza", "O nome tem caracteres invisíveis ou de controle. Escreva-o de novo."},
			{"a name that turns the text around", "nome", "Ana \u202eazuoS", "O nome tem caracteres invisíveis ou de controle. Escreva-o de novo."},
			{"a name without letters", "nome", "12345 ...", "Escreva o seu nome com letras."},
		} {
			b := newBrowser(t, app)
			b.get("/cadastro")
			v := signupValues(t, db, "nome@exemplo.com")
			v.Set(tc.field, tc.value)
			if tc.field == "senha" {
				v.Set("senha_confirmacao", tc.value)
			}
			status, body := b.post("/cadastro", v)
			if status != 422 {
				t.Errorf("%s: %d, want 422", tc.what, status)
				continue
			}
			if want := `id="e-` + tc.field + `">` + tc.want + `<`; !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("%s: the page lacks %q beside the field", tc.what, want)
			}
		}
		if n := countUsers(db); n != 0 {
			t.Errorf("%d accounts created", n)
		}
	})
}

func TestLongNamesAreCutInTheHeader(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		v := signupValues(t, db, "longo@exemplo.com")
		first := "Pedroalcantarafranciscoantoni" // 29 letters: a name, if a long one
		v.Set("nome", "  "+first+"   de   Bragança ")
		if status, body := b.post("/cadastro", v); status != 303 {
			t.Fatalf("sign-up: %d %s", status, body)
		}
		var u models.User
		db.Where("email = ?", "longo@exemplo.com").First(&u)
		if u.Fullname != first+" de Bragança" {
			t.Errorf("name stored as %q", u.Fullname)
		}
		_, page := b.get("/")
		mustContain(t, page, "Olá, Pedroalcantarafranc…</a>")
		if strings.Contains(page, "Olá, "+first) {
			t.Error("the header shows the whole first name")
		}
	})
}
