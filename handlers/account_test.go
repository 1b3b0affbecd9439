package handlers

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motando/models"
	"motando/models/modelstest"
	"motando/ratelimit"
)

// signupValues is a valid sign-up form; tests break one field at a time.
func signupValues(t *testing.T, db *models.DB, email string) url.Values {
	var sp models.State
	var city models.City
	db.Where("acronym = ?", "SP").First(&sp)
	db.Where("state_id = ? AND city = ?", sp.ID, "Campinas").First(&city)
	return url.Values{
		"nome": {"Ana Souza"}, "email": {email}, "senha": {"cavalo bateria grampo"},
		"senha_confirmacao": {"cavalo bateria grampo"}, "telefone": {"(19) 98765-4321"},
		"estado": {"SP"}, "cidade": {strconv.FormatUint(uint64(city.ID), 10)},
	}
}

func countUsers(db *models.DB) int64 {
	var n int64
	db.Model(&models.User{}).Count(&n)
	return n
}

func TestAccountRoundTrip(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		status, _ := b.post("/cadastro", signupValues(t, db, "  Ana.Souza@Exemplo.com.BR "))
		if status != 303 {
			t.Fatalf("sign-up: %d", status)
		}
		_, home := b.get(b.location())
		mustContain(t, home, "Olá, Ana", "Conta criada")

		u, err := db.UserByEmail(t.Context(), "ana.souza@exemplo.com.br")
		if err != nil {
			t.Fatal("the e-mail was not stored normalised:", err)
		}
		if !strings.HasPrefix(u.Password, "$argon2id$v=19$") {
			t.Errorf("stored hash %q is not argon2id", u.Password)
		}
		p, _ := db.ProfileOf(t.Context(), u.ID)
		if p.Telephone != "19987654321" || p.CityID == nil {
			t.Errorf("profile: phone %q city %v", p.Telephone, p.CityID)
		}

		b.post("/sair", nil)
		if _, page := b.get("/"); strings.Contains(page, "Olá, Ana") {
			t.Fatal("still signed in after /sair")
		}

		b.get("/entrar")
		if status, _ := b.post("/entrar", url.Values{"email": {"ANA.SOUZA@exemplo.com.br"}, "senha": {"cavalo bateria grampo"}}); status != 303 {
			t.Fatalf("sign-in: %d", status)
		}
		if c := b.setCookie(sessionCookie); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
			t.Errorf("session cookie %q lacks HttpOnly or SameSite=Lax", c)
		}

		// A second browser signed in to the same account.
		other := newBrowser(t, app)
		other.get("/entrar")
		other.post("/entrar", url.Values{"email": {"ana.souza@exemplo.com.br"}, "senha": {"cavalo bateria grampo"}})
		if status, _ := other.get("/conta"); status != 200 {
			t.Fatalf("second browser: /conta %d", status)
		}

		b.get("/conta/senha")
		status, _ = b.post("/conta/senha", url.Values{"senha_atual": {"cavalo bateria grampo"},
			"senha": {"girassol janela trem"}, "senha_confirmacao": {"girassol janela trem"}})
		if status != 303 {
			t.Fatalf("password change: %d", status)
		}
		if status, _ := b.get("/conta"); status != 200 {
			t.Errorf("this browser was signed out by its own password change: %d", status)
		}
		if status, _ := other.get("/conta"); status != 303 {
			t.Errorf("the other browser's session survived the password change: %d", status)
		}

		fresh := newBrowser(t, app)
		fresh.get("/entrar")
		if status, _ := fresh.post("/entrar", url.Values{"email": {"ana.souza@exemplo.com.br"}, "senha": {"cavalo bateria grampo"}}); status != 422 {
			t.Errorf("old password: %d, want 422", status)
		}
		if status, _ := fresh.post("/entrar", url.Values{"email": {"ana.souza@exemplo.com.br"}, "senha": {"girassol janela trem"}}); status != 303 {
			t.Errorf("new password: %d, want 303", status)
		}
	})
}

func TestSignupRules(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		b.post("/cadastro", signupValues(t, db, "ja@exemplo.com"))
		b.post("/sair", nil)
		var mt models.State
		db.Where("acronym = ?", "MT").First(&mt)
		var cuiaba models.City
		db.Where("state_id = ? AND city = ?", mt.ID, "Cuiabá").First(&cuiaba)

		cases := []struct {
			field, value, message string
		}{
			{"nome", "", "Informe o seu nome."},
			{"email", "ana-sem-arroba", "Informe um e-mail válido"},
			{"email", "JA@Exemplo.com", "Já existe uma conta com este e-mail"},
			{"senha", "curta", "pelo menos 10 caracteres"},
			{"senha", "1234567890", "muito comum"},
			{"senha", "novo.usuario2024", "não pode ser o seu e-mail"},
			{"senha_confirmacao", "outra coisa qualquer", "As senhas não são iguais."},
			{"telefone", "12345", "Informe o telefone com DDD"},
			{"estado", "XX", "Escolha o estado."},
			{"cidade", strconv.FormatUint(uint64(cuiaba.ID), 10), "Escolha uma cidade de São Paulo."},
			{"nome", strings.Repeat("a", 201), "no máximo 200 caracteres"},
		}
		for _, tc := range cases {
			before := countUsers(db)
			v := signupValues(t, db, "novo.usuario@exemplo.com")
			v.Set(tc.field, tc.value)
			b.get("/cadastro")
			status, body := b.post("/cadastro", v)
			if status != 422 {
				t.Errorf("%s=%q: status %d, want 422", tc.field, tc.value, status)
			}
			mustContain(t, body, tc.message)
			if tc.field == "email" || tc.field == "telefone" {
				if kept := `value="` + strings.ToLower(tc.value) + `"`; !strings.Contains(body, kept) {
					t.Errorf("%s: the typed value was not kept (%s)", tc.field, kept)
				}
			}
			if strings.Contains(body, "cavalo bateria grampo") {
				t.Errorf("%s: the password came back in the page", tc.field)
			}
			if countUsers(db) != before {
				t.Errorf("%s: an account was written for a rejected form", tc.field)
			}
		}
	})
}

func TestCSRFAndNext(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		before := countUsers(db)
		v := signupValues(t, db, "sem.token@exemplo.com")
		if status, _ := b.postRaw("/cadastro", v); status != 403 {
			t.Errorf("POST without token: %d, want 403", status)
		}
		v.Set("csrf_token", "forjado")
		if status, _ := b.postRaw("/cadastro", v); status != 403 {
			t.Errorf("POST with a forged token: %d, want 403", status)
		}
		stranger := newBrowser(t, app)
		stranger.get("/")
		v.Set("csrf_token", stranger.csrf)
		if status, _ := b.postRaw("/cadastro", v); status != 403 {
			t.Errorf("POST with another browser's token: %d, want 403", status)
		}
		// A valid token from the address, or with another site's Origin or
		// Sec-Fetch-Site, is refused too.
		b.get("/cadastro")
		v.Del("csrf_token")
		if status, _ := b.postRaw("/cadastro?csrf_token="+url.QueryEscape(b.csrf), v); status != 403 {
			t.Errorf("POST with the token in the address: %d, want 403", status)
		}
		v.Set("csrf_token", b.csrf)
		for header, value := range map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"} {
			req := newFormRequest("/cadastro", v)
			req.Header.Set(header, value)
			if status, _ := b.do(req); status != 403 {
				t.Errorf("POST with a valid token and %s: %s: %d, want 403", header, value, status)
			}
		}
		if countUsers(db) != before {
			t.Error("a forged POST created an account")
		}
		// The same origin passes.
		b.get("/cadastro")
		form := signupValues(t, db, "mesma.origem@exemplo.com")
		form.Set("csrf_token", b.csrf)
		req := newFormRequest("/cadastro", form)
		req.Header.Set("Origin", "http://motando.test")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if status, _ := b.do(req); status != 303 {
			t.Errorf("POST from the site itself: %d, want 303", status)
		}
		b.post("/sair", nil)

		b.get("/cadastro")
		b.post("/cadastro", signupValues(t, db, "next@exemplo.com"))
		b.post("/sair", nil)
		for next, want := range map[string]string{"https://evil.example": "/", "//evil.example": "/", "/conta": "/conta"} {
			b.get("/entrar?next=" + url.QueryEscape(next))
			b.post("/entrar", url.Values{"email": {"next@exemplo.com"}, "senha": {"cavalo bateria grampo"}, "next": {next}})
			if got := b.location(); got != want {
				t.Errorf("next=%s: redirected to %q, want %q", next, got, want)
			}
			b.post("/sair", nil)
		}
	})
}

func TestSigninLimit(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		var now atomic.Int64 // the limiter's clock, moved by the test
		now.Store(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixNano())
		clock := ratelimit.WithClock(func() time.Time { return time.Unix(0, now.Load()) })
		app := newTestApp(t, db, func(c *Config) { c.Limits = ratelimit.NewMemory(15*time.Minute, clock) })
		b := newBrowser(t, app)
		b.get("/cadastro")
		b.post("/cadastro", signupValues(t, db, "limite@exemplo.com"))
		b.post("/sair", nil)
		b.get("/entrar")
		wrong := url.Values{"email": {"limite@exemplo.com"}, "senha": {"senha errada demais"}}
		for i := 1; i <= 10; i++ {
			status, _ := b.post("/entrar", wrong)
			if want := map[bool]int{true: 429, false: 422}[i == 10]; status != want {
				t.Fatalf("wrong password #%d: %d, want %d", i, status, want)
			}
		}
		status, body := b.post("/entrar", url.Values{"email": {"limite@exemplo.com"}, "senha": {"cavalo bateria grampo"}})
		if status != 429 {
			t.Errorf("right password within the window: %d, want 429", status)
		}
		mustContain(t, body, "Muitas tentativas")
		now.Add(int64(15*time.Minute + time.Second))
		if status, _ := b.post("/entrar", url.Values{"email": {"limite@exemplo.com"}, "senha": {"cavalo bateria grampo"}}); status != 303 {
			t.Errorf("right password after the window: %d, want 303", status)
		}
	})
}

// Sign-ins sent all at once still meet the limit: each takes its place
// before its password is checked, so at most the limit's count are. The
// others are refused (429) or, when the machine is too loaded for a
// check to get a core in time, told to retry (503).
func TestSigninLimitHoldsUnderConcurrency(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	app := newTestApp(t, db)
	b := newBrowser(t, app)
	b.get("/cadastro")
	b.post("/cadastro", signupValues(t, db, "concorrente@exemplo.com"))
	b.post("/sair", nil)
	b.get("/entrar")
	wrong := url.Values{"email": {"concorrente@exemplo.com"}, "senha": {"senha errada demais"}, "csrf_token": {b.csrf}}
	const attempts = 60
	var refused atomic.Int64
	hashesBefore := models.PasswordHashes()
	var wg sync.WaitGroup
	for range attempts {
		wg.Go(func() {
			req := newFormRequest("/entrar", wrong)
			for _, c := range b.jar.Cookies(siteURL) {
				req.AddCookie(c)
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case 422, 503:
			case 429:
				refused.Add(1)
			default:
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	checked := models.PasswordHashes() - hashesBefore
	if checked > MaxFailedSigninsPerEmail || refused.Load() < attempts-MaxFailedSigninsPerEmail {
		t.Errorf("%d passwords checked and %d of %d attempts refused, want at most %d checked and the rest refused",
			checked, refused.Load(), attempts, MaxFailedSigninsPerEmail)
	}
}

func TestNamesAreEscaped(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		v := signupValues(t, db, "xss@exemplo.com")
		v.Set("nome", "<script>alert(1)</script>")
		b.post("/cadastro", v)
		for _, page := range []string{"/", "/conta"} {
			_, body := b.get(page)
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("%s renders the name unescaped", page)
			}
			mustContain(t, body, "&lt;script&gt;alert(1)")
		}
		// A rejected form echoes the name escaped too.
		v.Set("email", "outro@exemplo.com")
		v.Set("telefone", "x")
		_, body := b.post("/cadastro", v)
		if strings.Contains(body, "<script>alert(1)") {
			t.Error("the sign-up form echoes the name unescaped")
		}
	})
}

func TestProfileRules(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		base := signupValues(t, db, "perfil@exemplo.com")
		b.post("/cadastro", base)
		var honda, yamaha models.Brand
		db.Where("brand = ?", "Honda").First(&honda)
		db.Where("brand = ?", "Yamaha").First(&yamaha)
		var mt07 models.Model
		db.Where("model = ?", "MT-07").First(&mt07)

		profile := url.Values{"nome": {"Ana Souza"}, "telefone": {"19 98765-4321"}, "estado": base["estado"], "cidade": base["cidade"],
			"cep": {"13010-100"}, "nascimento": {"1990-05-17"}, "genero": {"F"}, "marca_desejada": {strconv.Itoa(int(yamaha.ID))},
			"modelo_desejado": {strconv.Itoa(int(mt07.ID))}, "ano_desejado": {"2021"}, "mostrar_telefone": {"on"}}
		b.get("/conta")
		if status, _ := b.post("/conta", profile); status != 303 {
			t.Fatalf("valid profile: %d", status)
		}
		_, page := b.get("/conta")
		mustContain(t, page, `value="13010-100"`, `value="1990-05-17"`, ">MT-07</option>", `name="mostrar_telefone" checked`)

		cases := []struct{ field, value, message string }{
			{"cep", "123", "CEP com 8 dígitos"},
			{"nascimento", "31/02/1990", "data de nascimento válida"},
			{"nascimento", time.Now().Format("2006-01-02"), "16 anos"},
			{"modelo_desejado", strconv.Itoa(int(mt07.ID)) + "0", "modelo da marca escolhida"},
			{"ano_desejado", "1850", "Informe um ano entre 1900"},
			{"genero", "X", "Escolha uma das opções."},
		}
		for _, tc := range cases {
			v := url.Values{}
			for k, vs := range profile {
				v[k] = vs
			}
			v.Set(tc.field, tc.value)
			if tc.field == "modelo_desejado" {
				v.Set("marca_desejada", strconv.Itoa(int(honda.ID)))
				v.Set("modelo_desejado", strconv.Itoa(int(mt07.ID)))
			}
			status, body := b.post("/conta", v)
			if status != 422 {
				t.Errorf("%s=%q: %d, want 422", tc.field, tc.value, status)
			}
			mustContain(t, body, tc.message)
		}
		u, _ := db.UserByEmail(t.Context(), "perfil@exemplo.com")
		p, _ := db.ProfileOf(t.Context(), u.ID)
		if p.ZipCode != "13010100" || p.MotorcycleBrandModelWantedID == nil || *p.MotorcycleBrandModelWantedID != mt07.ID {
			t.Errorf("a rejected form changed the stored profile: %+v", p)
		}
	})
}

var resetLink = regexp.MustCompile(`/senha/redefinir/[A-Za-z0-9_-]+`)

func TestPasswordReset(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		logs := captureLogs(t)
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/cadastro")
		b.post("/cadastro", signupValues(t, db, "esqueci@exemplo.com"))
		b.post("/sair", nil)

		b.get("/senha/esqueci")
		_, unknown := b.post("/senha/esqueci", url.Values{"email": {"ninguem@exemplo.com"}})
		_, known := b.post("/senha/esqueci", url.Values{"email": {"Esqueci@Exemplo.com"}})
		msg := "Se houver uma conta com este e-mail"
		mustContain(t, unknown, msg)
		mustContain(t, known, msg)

		var mails []models.Email
		db.Find(&mails)
		if len(mails) != 1 || mails[0].ToAddr != "esqueci@exemplo.com" {
			t.Fatalf("outbox: %+v", mails)
		}
		link := resetLink.FindString(mails[0].Body)
		if link == "" || !strings.Contains(mails[0].Body, "http://motando.test"+link) {
			t.Fatalf("no reset link in %q", mails[0].Body)
		}

		if status, _ := b.get(link); status != 200 {
			t.Fatalf("reset link: %d", status)
		}
		if status, _ := b.post(link, url.Values{"senha": {"curta"}, "senha_confirmacao": {"curta"}}); status != 422 {
			t.Errorf("short new password: %d", status)
		}
		status, _ := b.post(link, url.Values{"senha": {"oceano laranja pipa"}, "senha_confirmacao": {"oceano laranja pipa"}})
		if status != 303 || b.location() != "/conta" {
			t.Fatalf("reset: %d to %q", status, b.location())
		}
		if status, _ := b.get("/conta"); status != 200 {
			t.Error("not signed in after the reset")
		}
		if status, body := b.get(link); status != 404 || !strings.Contains(body, "já foi usado ou expirou") {
			t.Errorf("used link: %d", status)
		}
		other := newBrowser(t, app)
		other.get("/entrar")
		if status, _ := other.post("/entrar", url.Values{"email": {"esqueci@exemplo.com"}, "senha": {"oceano laranja pipa"}}); status != 303 {
			t.Errorf("the new password does not sign in: %d", status)
		}
		token := strings.TrimPrefix(link, "/senha/redefinir/")
		if strings.Contains(logs.String(), token) {
			t.Error("the reset token is in the logs")
		}
		if !strings.Contains(logs.String(), "route=/senha/redefinir/:token") {
			t.Error("the reset requests are not logged at all: the test sees nothing")
		}
	})
}

func TestAdminAreaIsHidden(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		app := newTestApp(t, db)
		anon := newBrowser(t, app)
		if status, _ := anon.get("/admin"); status != 404 {
			t.Errorf("anonymous /admin: %d, want 404", status)
		}
		b := newBrowser(t, app)
		b.get("/cadastro")
		b.post("/cadastro", signupValues(t, db, "chefe@exemplo.com"))
		if status, _ := b.get("/admin"); status != 404 {
			t.Errorf("non-admin /admin: %d, want 404", status)
		}
		if err := db.MakeAdmin(t.Context(), "CHEFE@exemplo.com"); err != nil {
			t.Fatal(err)
		}
		if status, _ := b.get("/admin"); status != 200 {
			t.Errorf("admin /admin: %d, want 200", status)
		}
	})
}

// An account brought over from the original Django site keeps its
// PBKDF2 hash: signing in at /entrar with the old password works, and the
// hash becomes argon2id.
func TestSigninWithDjangoHash(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		// Django 4.2's make_password("lètmein", "seasalt"), as Python's hashlib computes it.
		django := "pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA="
		if err := db.CreateUser(ctx, &models.User{Email: "antiga@exemplo.com", Fullname: "Conta Antiga", Password: django}, &models.Profile{}); err != nil {
			t.Fatal(err)
		}
		app := newTestApp(t, db)
		b := newBrowser(t, app)
		b.get("/entrar")
		if status, _ := b.post("/entrar", url.Values{"email": {"antiga@exemplo.com"}, "senha": {"letmein"}}); status != 422 {
			t.Errorf("a wrong password against the Django hash: %d, want 422", status)
		}
		if status, _ := b.post("/entrar", url.Values{"email": {"antiga@exemplo.com"}, "senha": {"lètmein"}}); status != 303 {
			t.Fatalf("the original's password: %d, want 303", status)
		}
		u, err := db.UserByEmail(ctx, "antiga@exemplo.com")
		if err != nil || !strings.HasPrefix(u.Password, "$argon2id$") {
			t.Errorf("after signing in the hash is %q (%v), want argon2id", u.Password, err)
		}
	})
}
