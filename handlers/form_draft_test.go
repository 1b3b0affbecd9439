package handlers

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// endSessions ends every session of the account, as an expiry would.
func endSessions(t *testing.T, db *models.DB, email string) {
	t.Helper()
	var u models.User
	if err := db.Where("email = ?", email).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("user_id = ?", u.ID).Delete(&models.Session{}).Error; err != nil {
		t.Fatal(err)
	}
}

// signinAgain signs the browser in with the sign-up password, coming back
// to next, and returns where it was sent.
func signinAgain(t *testing.T, b *browser, email, next string) string {
	t.Helper()
	b.get("/entrar?next=" + url.QueryEscape(next))
	status, body := b.post("/entrar", url.Values{"email": {email}, "senha": {"cavalo bateria grampo"}, "next": {next}})
	if status != 303 {
		t.Fatalf("sign-in: %d %s", status, body)
	}
	return b.location()
}

var draftNext = regexp.MustCompile(`^/entrar\?next=(.+)$`)

// expiredSubmit posts the form after the session ended and returns the
// address the sign-in leads back to.
func expiredSubmit(t *testing.T, b *browser, target string, form url.Values) string {
	t.Helper()
	status, body := b.post(target, form)
	if status != 303 {
		t.Fatalf("form without a session: %d %s", status, body)
	}
	m := draftNext.FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("sent to %q, not to the sign-in page", b.location())
	}
	next, err := url.QueryUnescape(m[1])
	if err != nil || !strings.HasPrefix(next, target+"?rascunho=") {
		t.Fatalf("next = %q", m[1])
	}
	return next
}

func TestExpiredSessionKeepsTheAdForm(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("vende@exemplo.com")
		first, second := s.upload(b, testJPEG(t, 800, 600)), s.upload(b, testJPEG(t, 640, 480))
		b.get("/anuncios/novo")
		endSessions(t, db, "vende@exemplo.com")

		next := expiredSubmit(t, b, "/anuncios/novo", s.adValues(first, second))
		if s.countAds() != 0 {
			t.Fatal("an ad was created without a session")
		}
		_, page := b.get("/entrar?next=" + url.QueryEscape(next))
		mustContain(t, page, "Sua sessão expirou. Entre de novo para publicar — o que você preencheu foi guardado.")

		if back := signinAgain(t, b, "vende@exemplo.com", next); back != next {
			t.Fatalf("after sign-in: %q, want %q", back, next)
		}
		status, form := b.get(next)
		if status != 200 {
			t.Fatalf("refilled form: %d", status)
		}
		mustContain(t, form, "está de volta", `value="ABC-1234"`, `value="12.500"`, "Revisada.\nPneus novos.", `value="Única dona"`)
		tokens := tokenOf.FindAllStringSubmatch(form, -1)
		if len(tokens) != 2 || tokens[0][1] != first || tokens[1][1] != second {
			t.Fatalf("photos on the refilled form: %v, want %s then %s", tokens, first, second)
		}

		if status, body := b.post("/anuncios/novo", s.adValues(first, second)); status != 303 {
			t.Fatalf("publish after sign-in: %d %s", status, body)
		}
		s.work()
		ad := s.onlyAd(b)
		var imgs []models.Image
		db.Where("classifiedad_id = ?", ad.ID).Order("position").Find(&imgs)
		var up1, up2 models.Upload
		db.First(&up1, "token = ?", first)
		db.First(&up2, "token = ?", second)
		if len(imgs) != 2 || imgs[0].TmpKey != up1.TmpKey || imgs[1].TmpKey != up2.TmpKey {
			t.Fatalf("ad photos %+v, want the uploads %s then %s", imgs, up1.TmpKey, up2.TmpKey)
		}
	})
}

func TestStrangerCannotOpenAKeptDraft(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("vende@exemplo.com")
		photo := s.upload(b, testJPEG(t, 800, 600))
		b.get("/anuncios/novo")
		endSessions(t, db, "vende@exemplo.com")
		next := expiredSubmit(t, b, "/anuncios/novo", s.adValues(photo))

		// Someone else, in another browser, with the whole address.
		other := s.seller("outra@exemplo.com")
		_, page := other.get(next)
		if strings.Contains(page, `value="ABC-1234"`) || strings.Contains(page, `value="Única dona"`) || strings.Contains(page, photo) {
			t.Error("another browser opened the kept draft")
		}

		// Someone else signing in on the same browser sees the text but
		// never the first person's photos.
		signinAgain(t, b, "outra@exemplo.com", next)
		_, page = b.get(next)
		if strings.Contains(page, photo) {
			t.Error("another account got the photos of the kept draft")
		}
		mustContain(t, page, photoUnavailable)

		// A made-up key opens nothing.
		_, page = b.get("/anuncios/novo?rascunho=" + strings.Repeat("A", 43))
		if strings.Contains(page, "ABC-1234") {
			t.Error("a made-up key opened a draft")
		}
	})
}

func TestExpiredSessionKeepsTheReply(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("vende@exemplo.com")
		ad, page := s.publishedAd(seller)
		buyer := newBrowser(t, s.app)
		buyer.get(page)
		if status, body := buyer.post("/anuncio/"+strconv.FormatUint(ad.ID, 10)+"/mensagens", url.Values{
			"nome": {"João Comprador"}, "email": {"joao@exemplo.com"}, "mensagem": {"Ainda está à venda?"}}); status != 303 {
			t.Fatalf("contact: %d %s", status, body)
		}
		var conv models.Conversation
		if err := db.First(&conv).Error; err != nil {
			t.Fatal(err)
		}
		thread := "/mensagens/" + strconv.FormatUint(conv.ID, 10)
		seller.get(thread)
		endSessions(t, db, "vende@exemplo.com")

		req := newFormRequest(thread, url.Values{"mensagem": {"Sim, pode vir ver amanhã."}, "csrf_token": {seller.csrf}})
		req.Header.Set("HX-Request", "true")
		if status, body := seller.do(req); status != 204 {
			t.Fatalf("reply without a session: %d %s", status, body)
		}
		m := draftNext.FindStringSubmatch(seller.last.Header.Get("HX-Redirect"))
		if m == nil {
			t.Fatalf("HX-Redirect = %q", seller.last.Header.Get("HX-Redirect"))
		}
		next, _ := url.QueryUnescape(m[1])
		signinAgain(t, seller, "vende@exemplo.com", next)
		_, page = seller.get(next)
		mustContain(t, page, "Sim, pode vir ver amanhã.")
	})
}

func TestStaleTokenOnlyKeepsDrafts(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("vende@exemplo.com")
		b.get("/conta")
		token := b.csrf
		endSessions(t, db, "vende@exemplo.com")
		// The token of the ended session is refused anywhere but on the
		// forms kept as drafts.
		if status, _ := b.post("/conta", url.Values{"nome": {"Outro"}, "csrf_token": {token}}); status != 403 {
			t.Errorf("profile with the ended session's token: %d, want 403", status)
		}
	})
}
