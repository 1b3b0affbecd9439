package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motando/fixtures/demo"
	"motando/models"
)

// What a buyer saves, as buyers use it, with the site's worker and a real
// SMTP conversation:
//   - on a phone, an anonymous visitor taps "Salvar" on an ad, signs in and
//     is back on the ad with it saved, and finds it in /favoritos;
//   - on a desktop, the buyer saves the search "Honda CG 160"; a seller then
//     publishes a CG 160 and the alert e-mail names it, with a stop link
//     that works without signing in;
//   - the seller lowers the price of the saved ad: the buyer gets an e-mail
//     and the ad and the favourites say "Preço reduzido em R$ …".
func TestBrowserSavedAndAlerts(t *testing.T) {
	t.Parallel()
	sink := startSMTPSink(t)
	host, port, _ := strings.Cut(sink.Addr, ":")
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr, "MOTANDO_SMTP_HOST=" + host, "MOTANDO_SMTP_PORT=" + port}
	if err := <-startMotando(t, dir, env, "seed", "--ads", "2", "--seed", "21").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seller := sellerAccount(t, db)
	buyer := otherAccount(t, seller)
	var saved models.Ad
	if err := db.Where("user_id = (SELECT id FROM users WHERE email = ?)", seller.Email).Order("id").First(&saved).Error; err != nil {
		t.Fatal(err)
	}
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")
	adPath := "/anuncio/" + strconv.FormatUint(saved.ID, 10)

	phone := newBrowser(t)
	browse(t, phone, "a phone", screenSizes[0].emulate())
	var notice, flash string
	browse(t, phone, "an anonymous visitor taps Salvar",
		chromedp.Navigate(base+adPath),
		chromedp.Click(`.ad-price .fav-button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#f-email`, chromedp.ByQuery),
		chromedp.Text(`.form-card`, &notice, chromedp.ByQuery),
	)
	if !strings.Contains(notice, "salvar este anúncio") {
		t.Errorf("the sign-in page does not say why: %q", notice)
	}
	browse(t, phone, "signs in and is back on the ad, saved",
		chromedp.SendKeys("#f-email", buyer.Email, chromedp.ByQuery),
		chromedp.SendKeys("#f-senha", buyer.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/entrar"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ad-price .fav-button[aria-pressed="true"]`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
	)
	if !strings.Contains(flash, "salvo nos seus favoritos") {
		t.Errorf("flash %q", flash)
	}
	var favourites int
	browse(t, phone, "the ad is in /favoritos",
		chromedp.Navigate(base+"/favoritos"),
		chromedp.Evaluate(`document.querySelectorAll('.cards a[href^="`+adPath+`/"]').length`, &favourites),
	)
	if favourites != 1 {
		t.Errorf("/favoritos shows the saved ad %d times", favourites)
	}
	checkNoSidewaysScroll(t, phone)

	desktop := newBrowser(t)
	browse(t, desktop, "a desktop", screenSizes[1].emulate())
	signIn(t, desktop, base, buyer)
	var savedName string
	browse(t, desktop, "the buyer saves the search Honda CG 160, alerted at once",
		chromedp.Navigate(base+"/motos?marca=7&modelo=102"),
		chromedp.WaitVisible(`form.save-search button`, chromedp.ByQuery),
		chromedp.SetValue(`#alerta`, models.AlertNow, chromedp.ByQuery),
		chromedp.Click(`form.save-search button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.save-search.saved`, chromedp.ByQuery),
		chromedp.Navigate(base+"/buscas-salvas"),
		chromedp.Text(`.saved-name`, &savedName, chromedp.ByQuery),
	)
	if savedName != "Honda CG 160" {
		t.Errorf("saved search named %q", savedName)
	}

	sellerTab := newBrowser(t)
	signIn(t, sellerTab, base, seller)
	newID := postAd(t, sellerTab, base, dir, "Honda", "CG 160", "15.900,00")
	alert := sink.waitFor(t, buyer.Email, "Honda CG 160")
	if !strings.Contains(alert.Body, "/anuncio/"+strconv.FormatUint(newID, 10)) || !strings.Contains(alert.Body, "R$ 15.900") {
		t.Errorf("the alert does not name the new ad %d:\n%s", newID, alert.Body)
	}
	var outboxed int64
	db.Model(&models.Email{}).Where("to_addr = ? AND subject = ?", buyer.Email, alert.Subject).Count(&outboxed)
	if outboxed != 1 {
		t.Errorf("%d outbox rows for the alert", outboxed)
	}
	stop := regexp.MustCompile(`https?://\S+/buscas-salvas/\d+/parar\?t=\S+`).FindString(alert.Body)
	if stop == "" {
		t.Fatalf("no stop link in the alert:\n%s", alert.Body)
	}
	resp, err := http.Get(stop)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var after models.SavedSearch
	db.Where("name = ?", "Honda CG 160").First(&after)
	if resp.StatusCode != http.StatusOK || after.Alert != models.AlertNone {
		t.Errorf("stop link: %d, alert now %q", resp.StatusCode, after.Alert)
	}
	if resp, err := http.Get(strings.Replace(stop, "t=", "t=x", 1)); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a doctored stop link: %v %v", resp.StatusCode, err)
	}

	newPrice := saved.Price - 1_200_00
	browse(t, sellerTab, "the seller lowers the saved ad's price",
		chromedp.Navigate(base+"/anuncios/"+strconv.FormatUint(saved.ID, 10)+"/editar"),
		chromedp.SetValue(`#f-preco`, strings.TrimPrefix(newPrice.String(), "R$ "), chromedp.ByQuery),
		chromedp.Click(`button[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[.="Meus anúncios"]`),
	)
	drop := sink.waitFor(t, buyer.Email, "Baixou o preço")
	if !strings.Contains(drop.Body, "R$ 1.200 a menos") || !strings.Contains(drop.Body, newPrice.String()) {
		t.Errorf("the price e-mail:\n%s", drop.Body)
	}
	var badge, favBadge string
	browse(t, phone, "the ad and the favourites say the price fell",
		chromedp.Navigate(base+adPath),
		chromedp.Text(`.ad-price .drop`, &badge, chromedp.ByQuery),
		chromedp.Navigate(base+"/favoritos"),
		chromedp.Text(`.cards .drop`, &favBadge, chromedp.ByQuery),
	)
	if badge != "Preço reduzido em R$ 1.200" || favBadge != badge {
		t.Errorf("badges %q and %q", badge, favBadge)
	}
}

// otherAccount is a demo account other than a.
func otherAccount(t *testing.T, a demo.Account) demo.Account {
	t.Helper()
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range accounts {
		if o.Email != a.Email {
			return o
		}
	}
	t.Fatal("one demo account only")
	return demo.Account{}
}

// postAd publishes an ad of the brand and model at the price with one
// photo, as the signed-in seller of the tab, waits for the worker to
// publish it and returns its id.
func postAd(t *testing.T, tab context.Context, base, dir, brand, model, price string) uint64 {
	t.Helper()
	photoPath := filepath.Join(dir, "nova.jpg")
	os.WriteFile(photoPath, scenePhoto(t, 800, 600), 0o644)
	pick := func(sel, text string) string {
		return `(() => { const s = document.querySelector("` + sel + `"); s.value = [...s.options].find(o => o.text === "` + text + `").value; s.dispatchEvent(new Event("change", {bubbles: true})); })()`
	}
	var href string
	browse(t, tab, "post a "+brand+" "+model,
		chromedp.Navigate(base+"/anuncios/novo"),
		chromedp.Poll(`typeof htmx !== "undefined"`, nil),
		chromedp.Evaluate(pick("#f-marca", brand), nil),
		chromedp.Poll(`[...document.querySelectorAll("#f-modelo option")].some(o => o.text === "`+model+`")`, nil),
		chromedp.Evaluate(pick("#f-modelo", model), nil),
		chromedp.SendKeys("#f-ano_fabricacao", "2023", chromedp.ByQuery),
		chromedp.SendKeys("#f-ano_modelo", "2024", chromedp.ByQuery),
		chromedp.SendKeys("#f-km", "9.800", chromedp.ByQuery),
		chromedp.SendKeys("#f-placa", "QRS4T56", chromedp.ByQuery),
		chromedp.SendKeys("#f-preco", price, chromedp.ByQuery),
		chromedp.SetUploadFiles("#f-arquivos", []string{photoPath}, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll('#photo-list input[name="fotos"]').length === 1`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Click(`button[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[.="Meus anúncios"]`),
		chromedp.WaitVisible(`(//li[contains(@class,"my-ad")])[1]//span[contains(@class,"badge") and .="Publicado"]`),
		chromedp.AttributeValue(`.my-ad h3 a`, "href", &href, nil, chromedp.ByQuery),
	)
	id, err := strconv.ParseUint(strings.Split(href, "/")[2], 10, 64)
	if err != nil {
		t.Fatalf("new ad's address %q", href)
	}
	return id
}
