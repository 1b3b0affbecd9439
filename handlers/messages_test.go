package handlers

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"motando/models"
	"motando/models/modelstest"
)

// publishedAd has a seller post an ad and the worker publish it; it
// returns the ad and its page's address.
func (s *site) publishedAd(seller *browser) (*models.Ad, string) {
	s.t.Helper()
	seller.get("/anuncios/novo")
	if status, _ := seller.post("/anuncios/novo", s.adValues(s.upload(seller, testJPEG(s.t, 200, 150)))); status != 303 {
		s.t.Fatalf("post ad: %d", status)
	}
	s.work()
	ad := s.onlyAd(seller)
	anon := newBrowser(s.t, s.app)
	anon.get("/anuncio/" + strconv.FormatUint(ad.ID, 10))
	return ad, anon.location()
}

func (s *site) emailsTo(to string) []models.Email {
	var out []models.Email
	s.db.Where("to_addr = ?", to).Order("id").Find(&out)
	return out
}

var privateLink = regexp.MustCompile(`/conversa/[A-Za-z0-9_-]{43}`)

func TestAnonymousBuyerAndSellerTalk(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		logs := captureLogs(t)
		s := newSite(t, db)
		seller := s.seller("vendedor@exemplo.com")
		ad, page := s.publishedAd(seller)

		buyer := newBrowser(t, s.app)
		_, body := buyer.get(page)
		mustContain(t, body, "Fale com o vendedor", `name="site"`)
		status, _ := buyer.post("/anuncio/"+strconv.FormatUint(ad.ID, 10)+"/mensagens", url.Values{
			"nome": {"João Comprador"}, "email": {"joao.comprador@exemplo.com"}, "telefone": {"(21) 99876-5432"},
			"mensagem": {"Aceita <b>troca</b>? <script>alert(1)</script>"},
		})
		if status != 303 {
			t.Fatalf("contact: %d", status)
		}
		if mails := s.emailsTo("vendedor@exemplo.com"); len(mails) != 1 || !strings.Contains(mails[0].Body, "João Comprador") ||
			!strings.Contains(mails[0].Body, "http://motando.test/mensagens/") {
			t.Fatalf("e-mail to the seller: %+v", mails)
		}

		_, badge := seller.get("/mensagens/nao-lidas")
		mustContain(t, badge, ">1</span>")
		_, inbox := seller.get("/mensagens")
		mustContain(t, inbox, "João Comprador", "Vendendo")
		convID := regexp.MustCompile(`href="/mensagens/(\d+)"`).FindStringSubmatch(inbox)[1]
		_, thread := seller.get("/mensagens/" + convID)
		mustContain(t, thread, "Aceita &lt;b&gt;troca&lt;/b&gt;? &lt;script&gt;")
		if strings.Contains(thread, "<script>alert(1)") || strings.Contains(thread, "<b>troca") {
			t.Error("a message's HTML is rendered")
		}
		if _, badge := seller.get("/mensagens/nao-lidas"); strings.Contains(badge, "badge") {
			t.Error("the unread badge stays after reading")
		}

		// The seller replies in place (htmx): the thread comes back with it.
		req := url.Values{"mensagem": {"Aceito troca por moto menor."}, "csrf_token": {seller.csrf}}
		status, part := seller.postHX("/mensagens/"+convID, req)
		if status != 200 || !strings.Contains(part, "Aceito troca por moto menor.") || strings.Contains(part, "<html") {
			t.Fatalf("reply with htmx: %d", status)
		}
		mails := s.emailsTo("joao.comprador@exemplo.com")
		if len(mails) != 1 {
			t.Fatalf("e-mails to the buyer: %d", len(mails))
		}
		link := privateLink.FindString(mails[0].Body)
		if link == "" || !strings.Contains(mails[0].Body, "Aceito troca por moto menor.") {
			t.Fatalf("buyer e-mail: %s", mails[0].Body)
		}

		// The buyer follows the private link and answers.
		status, conv := buyer.get(link)
		if status != 200 {
			t.Fatalf("private link: %d", status)
		}
		mustContain(t, conv, "Aceito troca por moto menor.", "Aceita &lt;b&gt;troca")
		if status, _ := buyer.post(link, url.Values{"mensagem": {"Combinado, passo aí sábado."}}); status != 303 {
			t.Fatalf("buyer answer: %d", status)
		}
		if token := link[strings.LastIndex(link, "/")+1:]; strings.Contains(logs.String(), token) {
			t.Error("the conversation token is in the logs")
		}
		// The buyer ends the link: it opens nothing any more.
		buyer.get(link)
		if status, _ := buyer.post(link+"/encerrar", nil); status != 303 {
			t.Errorf("end the link: %d", status)
		}
		if status, _ := buyer.get(link); status != 404 {
			t.Errorf("an ended link: %d", status)
		}
		_, badge = seller.get("/mensagens/nao-lidas")
		mustContain(t, badge, ">1</span>")
		_, thread = seller.get("/mensagens/" + convID)
		first := strings.Index(thread, "Aceita &lt;b&gt;")
		second := strings.Index(thread, "Aceito troca por moto menor.")
		third := strings.Index(thread, "Combinado, passo aí sábado.")
		if !(first < second && second < third) {
			t.Errorf("messages out of order: %d %d %d", first, second, third)
		}

		// A second message of the same buyer joins the same conversation.
		buyer.get(page)
		buyer.post("/anuncio/"+strconv.FormatUint(ad.ID, 10)+"/mensagens", url.Values{
			"nome": {"João Comprador"}, "email": {"Joao.Comprador@exemplo.com"}, "mensagem": {"Mais uma pergunta."}})
		var n int64
		db.Model(&models.Conversation{}).Count(&n)
		if n != 1 {
			t.Errorf("%d conversations, want 1", n)
		}
		if mails := s.emailsTo("vendedor@exemplo.com"); len(mails) != 1 {
			t.Errorf("%d e-mails to the seller, want 1 (one per new conversation)", len(mails))
		}

		// Strangers: another user, a guessed id, a forged link.
		stranger := s.seller("curioso@exemplo.com")
		for _, path := range []string{"/mensagens/" + convID, "/mensagens/999999"} {
			if status, _ := stranger.get(path); status != 404 {
				t.Errorf("stranger GET %s: %d", path, status)
			}
			stranger.get("/")
			if status, _ := stranger.post(path, url.Values{"mensagem": {"intrometido"}}); status != 404 {
				t.Errorf("stranger POST %s: %d", path, status)
			}
		}
		for _, forged := range []string{"/conversa/" + strings.Repeat("A", 43), "/conversa/x"} {
			if status, _ := newBrowser(t, s.app).get(forged); status != 404 {
				t.Errorf("forged link %s: %d", forged, status)
			}
		}
		var stored int64
		db.Model(&models.Message{}).Where("body = ?", "intrometido").Count(&stored)
		if stored != 0 {
			t.Error("a stranger's message was stored")
		}
	})
}

// postHX submits a form as htmx does.
func (b *browser) postHX(target string, form url.Values) (int, string) {
	req := newFormRequest(target, form)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.do(req)
}

func TestContactRules(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("regras.vendedor@exemplo.com")
		ad, page := s.publishedAd(seller)
		path := "/anuncio/" + strconv.FormatUint(ad.ID, 10) + "/mensagens"
		valid := url.Values{"nome": {"Maria"}, "email": {"maria@exemplo.com"}, "mensagem": {"Ainda está à venda?"}}
		cases := []struct{ field, value, message string }{
			{"nome", "", "Informe o seu nome."},
			{"email", "maria", "Informe um e-mail válido"},
			{"telefone", "123", "Informe o telefone com DDD"},
			{"mensagem", "", "Escreva a sua mensagem."},
			{"mensagem", strings.Repeat("m", 2001), "no máximo 2.000 caracteres"},
		}
		b := newBrowser(t, s.app)
		for _, tc := range cases {
			b.get(page)
			v := url.Values{}
			for k, vs := range valid {
				v[k] = vs
			}
			v.Set(tc.field, tc.value)
			status, body := b.post(path, v)
			if status != 422 || !strings.Contains(body, tc.message) {
				t.Errorf("%s=%q: %d", tc.field, tc.value, status)
			}
		}
		var n int64
		db.Model(&models.Message{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d messages stored from rejected forms", n)
		}

		// An e-mail that has an account gets the answer any e-mail gets:
		// nobody learns whether an account exists. The account is told.
		s.seller("tem.conta@exemplo.com")
		answers := map[string]string{}
		for _, email := range []string{"tem.conta@exemplo.com", "sem.conta@exemplo.com"} {
			anon := newBrowser(t, s.app)
			anon.get(page)
			status, body := anon.post(path, url.Values{"nome": {"Alguém"}, "email": {email}, "mensagem": {"Ainda está à venda?"}})
			answers[email] = fmt.Sprintf("%d %s %s", status, anon.location(), body)
		}
		if a, b := answers["tem.conta@exemplo.com"], answers["sem.conta@exemplo.com"]; a != b || !strings.HasPrefix(a, "303 ") {
			t.Errorf("the answers differ:\n%s\n%s", a, b)
		}
		if mails := s.emailsTo("tem.conta@exemplo.com"); len(mails) != 1 || !strings.Contains(mails[0].Body, "sem entrar na conta") {
			t.Errorf("the account is not told: %+v", mails)
		}
		db.Where("1 = 1").Delete(&models.Message{})

		// A bot filling the honeypot is told yes and stored nowhere.
		b.get(page)
		hp := url.Values{"site": {"http://spam.example"}}
		for k, vs := range valid {
			hp[k] = vs
		}
		if status, _ := b.post(path, hp); status != 303 {
			t.Errorf("honeypot: %d", status)
		}
		db.Model(&models.Message{}).Count(&n)
		if n != 0 {
			t.Error("a honeypot message was stored")
		}

		// The seller cannot write to their own ad.
		seller.get(page)
		if status, body := seller.post(path, url.Values{"mensagem": {"eu mesmo"}}); status != 422 || !strings.Contains(body, "Este anúncio é seu.") {
			t.Errorf("own ad: %d", status)
		}

		// Past the per-e-mail limit: 429.
		last := 0
		for i := range 11 {
			b.get(page)
			v := url.Values{"nome": {"Maria"}, "email": {"maria@exemplo.com"}, "mensagem": {fmt.Sprintf("Pergunta %d", i)}}
			last, _ = b.post(path, v)
		}
		if last != 429 {
			t.Errorf("11th message within the window: %d, want 429", last)
		}
	})
}

func TestConcurrentMessagesAreAllKept(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		seller := modelstest.CreateUser(t, db, "Vendedor")
		buyer := modelstest.CreateUser(t, db, "Comprador")
		ad := modelstest.CreateAd(t, db, modelstest.NewAd(t, db, seller))
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := db.ContactSeller(ctx, ad, models.Buyer{UserID: &buyer.ID, Name: "Comprador", Email: buyer.Email},
					fmt.Sprintf("mensagem %02d", i), strings.Repeat("f", 64))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var convs []models.Conversation
		db.Find(&convs)
		if len(convs) != 1 || convs[0].SellerUnread != 20 {
			t.Fatalf("conversations: %+v", convs)
		}
		msgs, _ := db.Messages(ctx, convs[0].ID)
		seen := map[string]bool{}
		for i, m := range msgs {
			seen[m.Body] = true
			if i > 0 && m.ID <= msgs[i-1].ID {
				t.Errorf("messages out of order")
			}
		}
		if len(msgs) != 20 || len(seen) != 20 {
			t.Errorf("%d messages (%d distinct), want 20", len(msgs), len(seen))
		}
	})
}

func TestReportAnAd(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		seller := s.seller("denunciado@exemplo.com")
		ad, page := s.publishedAd(seller)
		b := newBrowser(t, s.app)
		_, body := b.get(page)
		mustContain(t, body, "Denunciar anúncio")
		path := "/anuncio/" + strconv.FormatUint(ad.ID, 10) + "/denuncia"
		if status, _ := b.post(path, url.Values{"motivo": {"qualquer"}}); status != 422 {
			t.Errorf("unknown reason: %d", status)
		}
		if status, _ := b.post(path, url.Values{"motivo": {"fraude"}, "observacao": {"Preço bom demais."}}); status != 303 {
			t.Errorf("report: %d", status)
		}
		var reports []models.Report
		db.Find(&reports)
		if len(reports) != 1 || reports[0].Reason != "fraude" || reports[0].Note != "Preço bom demais." {
			t.Errorf("reports: %+v", reports)
		}
	})
}
