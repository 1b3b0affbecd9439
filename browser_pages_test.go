package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"motando/fixtures/demo"
	"motando/models"
	"motando/models/modelstest"
	"motando/stats"
)

// axePath is axe-core as `npm ci` in testdata/axe installs it.
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

// screenSize is a browser window the pages are checked at.
type screenSize struct {
	name          string
	width, height int64
	mobile        bool
}

// screenSizes are the windows every page is tried at: a phone and a
// laptop.
var screenSizes = []screenSize{
	{"390", 390, 844, true},
	{"1366", 1366, 900, false},
}

// emulate makes the tab that window: its size (the screen's too, which
// phone emulation otherwise widens to fit a page that overflows) and, for
// a phone, the mobile viewport and touch.
func (s screenSize) emulate() chromedp.Action {
	return chromedp.Tasks{
		emulation.SetDeviceMetricsOverride(s.width, s.height, 1, s.mobile).WithScreenWidth(s.width).WithScreenHeight(s.height),
		emulation.SetTouchEmulationEnabled(s.mobile),
	}
}

// loadAxe reads axe-core, or skips the test (fails it under CI) when
// testdata/axe has not been installed.
func loadAxe(t *testing.T) []byte {
	t.Helper()
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		modelstest.Require(t, axePath)
		t.Skip("axe-core is not installed: run npm ci in testdata/axe")
	}
	return axeJS
}

// Who a page is visited as.
const (
	asVisitor = iota
	asSeller
	asAdmin
)

// sitePage is one page of the route contract, reached by path as someone,
// optionally brought to a state (a form sent with errors) by act.
type sitePage struct {
	name string
	path string
	as   int
	act  chromedp.Action
}

// pageReport is what the page check reads from a loaded page.
type pageReport struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Width       int      `json:"width"` // the screen's
	Wide        []string `json:"wide"`
}

// axeViolation is one failed axe-core rule with the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// overflowScript measures the page's width and names the innermost
// elements that reach past the screen, farthest first. The screen's width counts, not the
// window's: a phone widens its layout to a page that does not fit.
const overflowScript = `(() => {
	const width = Math.min(screen.width, window.innerWidth);
	const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
		[...e.classList].map(c => "." + c).join("");
	// How far right an element or its overflowing content reaches.
	const reach = e => {
		const r = e.getBoundingClientRect();
		return getComputedStyle(e).overflowX === "visible" ? Math.max(r.right, r.left + e.scrollWidth) : r.right;
	};
	const over = new Map([...document.querySelectorAll("body *")]
		.filter(e => e.getClientRects().length > 0)
		.map(e => [e, reach(e)])
		.filter(([e, right]) => right > width + 0.5));
	// The innermost ones are the culprits: their ancestors only stretch.
	const wide = [...over]
		.filter(([e]) => ![...e.querySelectorAll("*")].some(d => over.has(d)))
		.sort((a, b) => b[1] - a[1])
		.slice(0, 8)
		.map(([e, right]) => name(e.parentElement) + " > " + name(e) + " (to " + Math.round(right) + " px)");
	return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, width, wide};
})()`

// axeScript runs axe-core with the WCAG 2.1 A/AA rules and the best
// practices, and keeps what a report needs.
const axeScript = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
	.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))})))`

// consoleLog gathers what a tab reports as broken: CSP refusals, uncaught
// exceptions and console errors.
type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *consoleLog) add(s string) {
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
}

// take returns the lines gathered since the last call.
func (l *consoleLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

// listen starts gathering the tab's console problems.
func (l *consoleLog) listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *log.EventEntryAdded:
			// Chromium words a refusal "Refused to …" or "… violates the
			// following Content Security Policy directive …".
			if ev.Entry.Source == log.SourceSecurity || strings.Contains(ev.Entry.Text, "Refused to") ||
				strings.Contains(ev.Entry.Text, "Content Security Policy") {
				l.add("CSP: " + ev.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text = d.Exception.Description
			}
			l.add(fmt.Sprintf("JS error: %s (%s:%d)", text, d.URL, d.LineNumber))
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.APITypeError {
				return
			}
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			l.add("console.error: " + strings.Join(parts, " "))
		}
	})
}

// pageFixture is the data the pages are shown with.
type pageFixture struct {
	seller, admin    demo.Account
	adID, otherAdID  uint64
	brandID, modelID uint32
	sellerConv       uint64
	buyerToken       string
	resetToken       string
	blockedUserID    uint64
	stopAlertPath    string
}

// seedPages fills the site in dir with demo ads and gives every page
// something to show: a seller with ads and conversations (as seller and as
// buyer, one with an anonymous buyer's private link), an admin who featured
// and hid ads and blocked an account, a report, and a password-reset link.
func seedPages(t *testing.T, dir string, env []string) pageFixture {
	t.Helper()
	if err := <-startMotando(t, dir, env, "seed", "--ads", "6", "--seed", "7", "--bulk", "40").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	// The seller is the demo account with the most ads.
	var top struct {
		UserID uint64
		N      int
	}
	if err := db.Model(&models.Ad{}).Select("user_id, COUNT(*) AS n").Where("listed = ?", true).
		Group("user_id").Order("n DESC, user_id").Limit(1).Scan(&top).Error; err != nil {
		t.Fatal(err)
	}
	var f pageFixture
	var ad, other models.Ad
	if err := db.Where("user_id = ? AND listed = ?", top.UserID, true).Order("id").First(&ad).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("user_id <> ? AND listed = ?", top.UserID, true).Order("id").First(&other).Error; err != nil {
		t.Fatal(err)
	}
	f.adID, f.otherAdID, f.brandID, f.modelID = ad.ID, other.ID, ad.BrandID, ad.ModelID
	seller, err := db.UserByID(ctx, top.UserID)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		switch {
		case a.Email == seller.Email:
			f.seller = a
		case f.admin.Email == "" && a.Email != seller.Email:
			f.admin = a
		}
	}
	if f.seller.Email == "" {
		t.Fatalf("the seller %s is not a demo account", seller.Email)
	}
	if err := db.MakeAdmin(ctx, f.admin.Email); err != nil {
		t.Fatal(err)
	}
	admin, err := db.UserByEmail(ctx, f.admin.Email)
	if err != nil {
		t.Fatal(err)
	}

	// Long names and addresses, as people have them, wherever they show:
	// the header, the ad page, the inbox, the admin's lists.
	profile, err := db.ProfileOf(ctx, seller.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveProfile(ctx, seller.ID, "Maximiliana Aparecida da Conceição dos Santos Albuquerque Cavalcanti de Oliveira", profile); err != nil {
		t.Fatal(err)
	}

	// An anonymous buyer writes about the seller's ad and gets an answer.
	f.buyerToken = "link-privado-do-comprador-para-os-testes-de-paginas"
	conv, _, err := db.ContactSeller(ctx, &ad, models.Buyer{Name: "Rafael Bartolomeu Wolfeschlegelsteinhausenbergerdorff Souza",
		Email: "rafael.bartolomeu.wolfeschlegelsteinhausenbergerdorff@provedor-de-exemplo.com.br", Phone: "(11) 98765-4321"},
		"Olá! A moto ainda está à venda? Aceita troca por um carro?", linkHash(f.buyerToken))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Reply(ctx, conv, models.AuthorSeller, &seller.ID, "Está sim! Troca só por outra moto. Pode vir ver no sábado."); err != nil {
		t.Fatal(err)
	}
	f.sellerConv = conv.ID
	// The seller asks about someone else's ad.
	if _, _, err := db.ContactSeller(ctx, &other, models.Buyer{UserID: &seller.ID, Name: f.seller.Name, Email: seller.Email},
		"Boa tarde, qual o menor preço à vista?", linkHash("link-do-vendedor-como-comprador")); err != nil {
		t.Fatal(err)
	}

	// The seller's own shopping: an ad saved and a search saved, whose
	// e-mail's stop link a visitor opens.
	if err := db.SaveFavorite(ctx, seller.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	saved := &models.SavedSearch{UserID: seller.ID, Name: "Honda CG 160 em SP até R$ 15.000",
		Query: "marca=7&modelo=102&estado=SP&preco_max=15000", Alert: models.AlertDaily}
	if err := db.SaveSearch(ctx, saved); err != nil {
		t.Fatal(err)
	}
	secret := []byte(envValue(env, "MOTANDO_SECRET"))
	f.stopAlertPath = "/buscas-salvas/" + strconv.FormatUint(saved.ID, 10) + "/parar?t=" + models.AlertStopToken(secret, saved.ID)

	// The admin's work, for the dashboard, the lists and the audit.
	if err := db.SetTopOffer(ctx, admin.ID, ad.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateReport(ctx, &models.Report{AdID: ad.ID, Reason: "dados_falsos", Note: "O ano não confere com as fotos.", ReporterAddr: "203.0.113.7"}); err != nil {
		t.Fatal(err)
	}
	var hidden models.Ad
	if err := db.Where("user_id = ? AND listed = ? AND id <> ?", top.UserID, true, ad.ID).Order("id").First(&hidden).Error; err == nil {
		if err := db.HideAd(ctx, admin.ID, hidden.ID, "Fotos de outra moto."); err != nil {
			t.Fatal(err)
		}
	}
	var blocked models.User
	if err := db.Where("id NOT IN ?", []uint64{seller.ID, admin.ID, other.UserID}).Order("id").First(&blocked).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.BlockUser(ctx, admin.ID, blocked.ID, "Anúncios repetidos."); err != nil {
		t.Fatal(err)
	}
	f.blockedUserID = blocked.ID

	if _, err := db.RequestPasswordReset(ctx, seller, resetLinkTTL, func(tx *gorm.DB, token string) (*models.Email, error) {
		f.resetToken = token
		return models.QueueEmail(ctx, tx, seller.Email, "Motando: redefinição de senha", "/senha/redefinir/"+token)
	}); err != nil {
		t.Fatal(err)
	}
	recordStats(t, db, ad.ID)
	return f
}

// recordStats gives the seller's ad, published six weeks ago, a month of
// views and taps, and the admin's charts a month of searches, some without
// results — as the web processes would have counted them.
func recordStats(t *testing.T, db *models.DB, adID uint64) {
	t.Helper()
	now := time.Now()
	if err := db.Model(&models.Ad{}).Where("id = ?", adID).UpdateColumn("published_at", now.AddDate(0, 0, -42)).Error; err != nil {
		t.Fatal(err)
	}
	ads := map[stats.AdDay]stats.AdCounts{}
	searches := map[stats.SearchKey]stats.SearchCounts{}
	for back := range 30 {
		day := stats.Day(now.AddDate(0, 0, -back))
		ads[stats.AdDay{AdID: adID, Day: day}] = stats.AdCounts{Views: 20 + (back*37)%45, WhatsApp: back % 3 / 2, Phone: back % 5 / 4}
		searches[stats.SearchKey{Day: day, BrandID: 7, StateID: 26}] = stats.SearchCounts{Searches: 40 + back%9*7}
		searches[stats.SearchKey{Day: day, BrandID: 7, ModelID: 102, Words: "titan 2014"}] = stats.SearchCounts{Searches: 3 + back%4, Empty: 1 + back%2}
		searches[stats.SearchKey{Day: day, Words: "xre 300 rally"}] = stats.SearchCounts{Searches: 2, Empty: 2}
	}
	ctx := context.Background()
	if err := db.AddAdStats(ctx, ads); err != nil {
		t.Fatal(err)
	}
	if err := db.AddSearchStats(ctx, searches); err != nil {
		t.Fatal(err)
	}
	// Each ad took a few seconds from its sending to its publication.
	var published []models.Ad
	if err := db.Select("id, published_at").Where("published_at IS NOT NULL").Find(&published).Error; err != nil {
		t.Fatal(err)
	}
	for i, a := range published {
		took := time.Duration(2+i%5*3) * time.Second
		if err := db.Model(&a).UpdateColumn("created", a.PublishedAt.Add(-took)).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// resetLinkTTL is how long the test's password-reset link stays valid.
const resetLinkTTL = time.Hour

// sitePages is every page of the route contract, with the fixture's ids.
func sitePages(f pageFixture) []sitePage {
	ad := strconv.FormatUint(f.adID, 10)
	brand := strconv.FormatUint(uint64(f.brandID), 10)
	model := strconv.FormatUint(uint64(f.modelID), 10)
	return []sitePage{
		{name: "home", path: "/"},
		{name: "motos", path: "/motos"},
		{name: "motos-filtros", path: "/motos?marca=" + brand + "&ano_min=2000&ordem=menor_preco"},
		{name: "motos-pagina-2", path: "/motos?pagina=2"},
		{name: "motos-vazia", path: "/motos?q=xyzzyquux"},
		{name: "motos-bons-precos", path: "/motos?bons_precos=1&ordem=melhor_negocio"},
		{name: "preco-justo", path: "/preco-justo"},
		{name: "anuncio", path: "/anuncio/" + ad},
		{name: "cadastro", path: "/cadastro"},
		{name: "cadastro-erros", path: "/cadastro", act: chromedp.Tasks{
			chromedp.Click(`form[action="/cadastro"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.field-error`, chromedp.ByQuery),
		}},
		{name: "entrar", path: "/entrar"},
		{name: "senha-esqueci", path: "/senha/esqueci"},
		{name: "senha-redefinir", path: "/senha/redefinir/" + f.resetToken},
		{name: "conversa", path: "/conversa/" + f.buyerToken},
		{name: "alerta-parado", path: f.stopAlertPath},
		{name: "404", path: "/pagina-que-nao-existe"},

		{name: "conta", path: "/conta", as: asSeller},
		{name: "conta-senha", path: "/conta/senha", as: asSeller},
		{name: "meus-anuncios", path: "/meus-anuncios", as: asSeller},
		{name: "anuncio-estatisticas", path: "/meus-anuncios/" + ad + "/estatisticas", as: asSeller},
		{name: "favoritos", path: "/favoritos", as: asSeller},
		{name: "buscas-salvas", path: "/buscas-salvas", as: asSeller},
		{name: "anuncio-novo", path: "/anuncios/novo", as: asSeller},
		{name: "anuncio-editar", path: "/anuncios/" + ad + "/editar", as: asSeller},
		{name: "anuncio-excluir", path: "/anuncios/" + ad + "/excluir", as: asSeller},
		{name: "mensagens", path: "/mensagens", as: asSeller},
		{name: "mensagens-conversa", path: "/mensagens/" + strconv.FormatUint(f.sellerConv, 10), as: asSeller},

		{name: "admin", path: "/admin", as: asAdmin},
		{name: "admin-catalogo", path: "/admin/catalogo", as: asAdmin},
		{name: "admin-marca", path: "/admin/catalogo/marcas/" + brand, as: asAdmin},
		{name: "admin-modelo", path: "/admin/catalogo/modelos/" + model, as: asAdmin},
		{name: "admin-modelo-excluir", path: "/admin/catalogo/modelos/" + model + "/excluir", as: asAdmin},
		{name: "admin-modelo-mesclar", path: "/admin/catalogo/modelos/" + model + "/mesclar", as: asAdmin},
		{name: "admin-anuncios", path: "/admin/anuncios", as: asAdmin},
		{name: "admin-anuncio", path: "/admin/anuncios/" + ad, as: asAdmin},
		{name: "admin-usuarios", path: "/admin/usuarios", as: asAdmin},
		{name: "admin-usuario", path: "/admin/usuarios/" + strconv.FormatUint(f.blockedUserID, 10), as: asAdmin},
		{name: "admin-filas", path: "/admin/filas", as: asAdmin},
		{name: "admin-auditoria", path: "/admin/auditoria", as: asAdmin},
	}
}

// Every page of the route contract, admin included, at a phone's 390 px
// and on the desktop: nothing scrolls sideways, axe-core finds no WCAG 2.1
// A/AA or best-practice violation, and the console shows no CSP refusal
// nor script error.
func TestBrowserEveryPage(t *testing.T) {
	t.Parallel()
	axeJS := loadAxe(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr, "MOTANDO_SECRET=every-page-test-secret-0123456789abcdef"}
	f := seedPages(t, dir, env)
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")
	pages := sitePages(f)

	accounts := map[int]demo.Account{asSeller: f.seller, asAdmin: f.admin}
	for _, size := range screenSizes {
		// A browser per size: each has its own time budget. The pages are
		// grouped by who visits them: the visitor's first, then the
		// seller's, then the admin's.
		tab := newBrowser(t)
		logs := &consoleLog{}
		logs.listen(tab)
		browse(t, tab, "set the window to "+size.name, size.emulate())
		as := asVisitor
		for _, p := range pages {
			if p.as != as {
				as = p.as
				signIn(t, tab, base, accounts[as])
			}
			t.Run(p.name+"@"+size.name, func(t *testing.T) {
				logs.take()
				checkPage(t, tab, base, p, size, axeJS)
				for _, line := range logs.take() {
					t.Errorf("console: %s", line)
				}
			})
		}
	}
}

// signIn signs the tab in with the account, in place of whoever was.
func signIn(t *testing.T, tab context.Context, base string, a demo.Account) {
	t.Helper()
	browse(t, tab, "sign in as "+a.Email,
		network.ClearBrowserCookies(),
		chromedp.Navigate(base+"/entrar"),
		chromedp.SendKeys("#f-email", a.Email, chromedp.ByQuery),
		chromedp.SendKeys("#f-senha", a.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/entrar"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/sair"]`, chromedp.ByQuery),
	)
}

// checkPage loads the page in the tab and reports sideways scrolling and
// axe-core's violations.
func checkPage(t *testing.T, tab context.Context, base string, p sitePage, size screenSize, axeJS []byte) {
	t.Helper()
	actions := []chromedp.Action{
		chromedp.Navigate(base + p.path),
		chromedp.Poll(`document.readyState === "complete"`, nil),
	}
	if p.act != nil {
		actions = append(actions, p.act)
	}
	actions = append(actions, chromedp.Poll(`document.readyState === "complete" && `+htmxIdle, nil))
	browse(t, tab, "load "+p.path, actions...)
	screenshot(t, tab, "page-"+p.name+"-"+size.name+".png", true)

	var r pageReport
	browse(t, tab, "measure", chromedp.Evaluate(overflowScript, &r))
	if r.ScrollWidth > r.InnerWidth || r.InnerWidth > r.Width {
		t.Errorf("scrolls sideways: scrollWidth %d, innerWidth %d on a %d px screen; elements past the edge:\n\t%s",
			r.ScrollWidth, r.InnerWidth, r.Width, strings.Join(r.Wide, "\n\t"))
	}

	checkAxe(t, tab, axeJS)
}

// checkAxe runs axe-core on the tab's page (injecting it first when the
// page has not got it) and reports each violation with its elements.
func checkAxe(t *testing.T, tab context.Context, axeJS []byte) {
	t.Helper()
	var violations []axeViolation
	awaitPromise := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	browse(t, tab, "axe-core",
		chromedp.Evaluate(`typeof axe === "undefined" ? (0, eval)(`+jsString(string(axeJS))+`) && true : true`, nil),
		chromedp.Evaluate(axeScript, &violations, awaitPromise),
	)
	for _, v := range violations {
		var nodes []string
		for _, n := range v.Nodes {
			target, _ := json.Marshal(n.Target)
			nodes = append(nodes, string(target)+"\n\t\t"+strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
		t.Errorf("axe %s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(nodes, "\n\t"))
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// linkHash is the stored form of a private conversation link.
func linkHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
