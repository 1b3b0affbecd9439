package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"motando/fixtures/demo"
	"motando/models"
)

// formState reads the ad form's values as the browser would send them
// (photo tokens in order), without the CSRF token.
const formState = `[...new FormData(document.querySelector("form[data-ad-form]"))]
	.filter(([k]) => k !== "csrf_token").map(([k, v]) => k + "=" + v).join("&")`

// photoLayout measures the photo grid: the previews' tops, the smallest
// touch target among their controls, and the file button.
const photoLayout = `(() => {
	const items = [...document.querySelectorAll("#photo-list .photo-item")];
	const controls = [...document.querySelectorAll("#photo-list .photo-move, #photo-list .photo-remove")];
	const input = document.querySelector("#f-arquivos").getBoundingClientRect();
	const button = document.querySelector("label.file-button").getBoundingClientRect();
	return {
		tops: items.map(e => Math.round(e.getBoundingClientRect().top)),
		minTarget: Math.min(...controls.map(e => Math.min(e.getBoundingClientRect().width, e.getBoundingClientRect().height))),
		inputWidth: input.width, buttonHeight: button.height,
	};
})()`

type photoGrid struct {
	Tops         []int   `json:"tops"`
	MinTarget    float64 `json:"minTarget"`
	InputWidth   float64 `json:"inputWidth"`
	ButtonHeight float64 `json:"buttonHeight"`
}

// The ad form on a phone and on a desktop: nothing wider than the screen,
// an "Adicionar fotos" button that opens the file chooser and is reached by
// the keyboard, the photos as a grid of thumbnails with touch-sized
// controls; field errors go once the field is fixed and come back from the
// server if still wrong. On the phone, the session expires while the form
// is filled: the seller signs in again and is back on the same form, every
// value and both photos kept in order, and publishes.
func TestBrowserAdForm(t *testing.T) {
	t.Parallel()
	axeJS := loadAxe(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{"MOTANDO_ADDR=" + addr}
	if err := <-startMotando(t, dir, env, "seed", "--ads", "1", "--seed", "11").done; err != nil {
		t.Fatalf("seed: %v", err)
	}
	db, err := models.OpenSQLite(filepath.Join(dir, "data", "motando.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seller := sellerAccount(t, db)
	site := startMotando(t, dir, env)
	defer site.stop()
	base := "http://" + addr
	waitForPage(t, base+"/")

	photos := []string{filepath.Join(dir, "frente.jpg"), filepath.Join(dir, "lado.jpg")}
	os.WriteFile(photos[0], scenePhoto(t, 800, 600), 0o644)
	os.WriteFile(photos[1], scenePhoto(t, 640, 480), 0o644)

	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			tab := newBrowser(t)
			browse(t, tab, "set the window", size.emulate())
			signIn(t, tab, base, seller)
			browse(t, tab, "open the form",
				chromedp.Navigate(base+"/anuncios/novo"),
				chromedp.WaitVisible("label.file-button", chromedp.ByQuery),
			)
			checkNoSidewaysScroll(t, tab)
			addPhotosWithTheButton(t, tab, photos)

			var grid photoGrid
			browse(t, tab, "measure the photos", chromedp.Evaluate(photoLayout, &grid))
			if len(grid.Tops) != 2 || grid.Tops[0] != grid.Tops[1] {
				t.Errorf("the two thumbnails are not side by side: tops %v", grid.Tops)
			}
			if grid.MinTarget < 44 || grid.ButtonHeight < 44 {
				t.Errorf("touch targets: photo controls %.0f px, file button %.0f px; want at least 44", grid.MinTarget, grid.ButtonHeight)
			}
			if grid.InputWidth > 1 {
				t.Errorf("the native file input shows (%.0f px wide)", grid.InputWidth)
			}
			checkNoSidewaysScroll(t, tab)
			screenshot(t, tab, "adform-"+size.name+".png", true)
			checkAxe(t, tab, axeJS)

			if size.mobile {
				expiredSessionRoundTrip(t, tab, base, db, seller)
			} else {
				fieldErrorsFollowTheField(t, tab)
			}
		})
	}
}

// sellerAccount is the demo account that owns the seeded ad.
func sellerAccount(t *testing.T, db *models.DB) demo.Account {
	t.Helper()
	var ad models.Ad
	if err := db.Order("id").First(&ad).Error; err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByID(context.Background(), ad.UserID)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := demo.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Email == u.Email {
			return a
		}
	}
	t.Fatalf("no demo account %s", u.Email)
	return demo.Account{}
}

func checkNoSidewaysScroll(t *testing.T, tab context.Context) {
	t.Helper()
	var r pageReport
	browse(t, tab, "measure the width", chromedp.Evaluate(overflowScript, &r))
	if r.ScrollWidth > r.InnerWidth {
		t.Errorf("scrolls sideways: scrollWidth %d > innerWidth %d; past the edge:\n\t%s",
			r.ScrollWidth, r.InnerWidth, strings.Join(r.Wide, "\n\t"))
	}
}

// addPhotosWithTheButton reaches the file input from the description with
// Tab (its button shows the focus), then taps the button and gives the
// file chooser it opens the photos.
func addPhotosWithTheButton(t *testing.T, tab context.Context, files []string) {
	t.Helper()
	var focused, outline string
	browse(t, tab, "tab to the photo button",
		chromedp.Focus("#f-descricao", chromedp.ByQuery),
		chromedp.KeyEvent(kb.Tab),
		chromedp.Evaluate(`document.activeElement.id`, &focused),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("label.file-button")).outlineStyle`, &outline),
	)
	if focused != "f-arquivos" || outline == "none" {
		t.Errorf("after Tab: focus on %q, button outline %q; want the file input focused and the button outlined", focused, outline)
	}

	chooser := make(chan cdp.BackendNodeID, 1)
	chromedp.ListenTarget(tab, func(ev any) {
		if e, ok := ev.(*page.EventFileChooserOpened); ok {
			select {
			case chooser <- e.BackendNodeID:
			default:
			}
		}
	})
	browse(t, tab, "tap Adicionar fotos",
		page.SetInterceptFileChooserDialog(true),
		chromedp.Click("label.file-button", chromedp.ByQuery),
	)
	var node cdp.BackendNodeID
	select {
	case node = <-chooser:
	case <-time.After(20 * time.Second):
		t.Fatal("tapping Adicionar fotos opened no file chooser")
	}
	browse(t, tab, "choose two photos",
		dom.SetFileInputFiles(files).WithBackendNodeID(node),
		chromedp.Poll(`document.querySelectorAll('#photo-list input[name="fotos"]').length === 2 &&
			document.querySelectorAll('#photo-list img').length === 2`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		page.SetInterceptFileChooserDialog(false),
	)
}

// expiredSessionRoundTrip fills the form, ends the session on the server,
// sends the form, signs in again and expects the same form back, then
// publishes it.
func expiredSessionRoundTrip(t *testing.T, tab context.Context, base string, db *models.DB, seller demo.Account) {
	t.Helper()
	browse(t, tab, "fill the form",
		chromedp.Poll(`typeof htmx !== "undefined"`, nil),
		pickOption("#f-marca", "Honda"),
		chromedp.Poll(`[...document.querySelectorAll("#f-modelo option")].some(o => o.text === "CG 160") && `+htmxIdle, nil),
		pickOption("#f-modelo", "CG 160"),
		chromedp.Poll(`document.querySelectorAll("#f-versao option").length > 1 && `+htmxIdle, nil),
		chromedp.Evaluate(`document.querySelector("#f-versao").selectedIndex = 1`, nil),
		chromedp.SendKeys("#f-ano_fabricacao", "2022", chromedp.ByQuery),
		chromedp.SendKeys("#f-ano_modelo", "2023", chromedp.ByQuery),
		chromedp.SendKeys("#f-km", "9.800", chromedp.ByQuery),
		chromedp.SendKeys("#f-placa", "QWE4R56", chromedp.ByQuery),
		chromedp.SendKeys("#f-preco", "38.900", chromedp.ByQuery),
		chromedp.SendKeys("#f-frase", "Segundo dono, manual e chave reserva", chromedp.ByQuery),
		chromedp.SendKeys("#f-descricao", "Revisões na concessionária.\nPneus com 2 mil km.", chromedp.ByQuery),
		chromedp.Click(`input[name="aceita_troca"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="opcionais"][value="gps"]`, chromedp.ByQuery),
		chromedp.Click(`#photo-list li:nth-child(2) button[data-move="-1"]`, chromedp.ByQuery),
	)
	var before string
	browse(t, tab, "read the form", chromedp.Evaluate(formState, &before))
	if !strings.Contains(before, "placa=QWE4R56") || strings.Count(before, "fotos=") != 2 {
		t.Fatalf("form before sending: %s", before)
	}

	if err := db.Exec("DELETE FROM sessions").Error; err != nil {
		t.Fatal(err)
	}
	var notice string
	browse(t, tab, "send the form after the session expired",
		chromedp.Click(`button[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/entrar"]`, chromedp.ByQuery),
		chromedp.Text(`.form-card p.notice`, &notice, chromedp.ByQuery),
	)
	if !strings.Contains(notice, "Sua sessão expirou. Entre de novo para publicar — o que você preencheu foi guardado.") {
		t.Errorf("sign-in page says %q", notice)
	}
	checkNoSidewaysScroll(t, tab)

	var after, location string
	browse(t, tab, "sign in again",
		chromedp.SendKeys("#f-email", seller.Email, chromedp.ByQuery),
		chromedp.SendKeys("#f-senha", seller.Password, chromedp.ByQuery),
		chromedp.Click(`form[action="/entrar"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[data-ad-form]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll('#photo-list img').length === 2 &&
			[...document.querySelectorAll('#photo-list img')].every(i => i.complete && i.naturalWidth > 0)`, nil),
		chromedp.Evaluate(formState, &after),
		chromedp.Evaluate(`location.pathname`, &location),
	)
	if after != before {
		t.Errorf("the form came back changed:\n before %s\n after  %s", before, after)
	}
	if location != "/anuncios/novo" {
		t.Errorf("after signing in: %s, want the ad form", location)
	}

	browse(t, tab, "publish",
		chromedp.Click(`button[data-submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[.="Meus anúncios"]`),
	)
	var n int64
	db.Model(&models.Ad{}).Where("license_plate = ?", "QWE4R56").Count(&n)
	if n != 1 {
		t.Errorf("%d ads with the form's plate, want 1", n)
	}
}

// fieldErrorsFollowTheField sends the form with a wrong price and year: the
// price's message goes as soon as it is fixed, the year's stays, and the
// server says the year's again on the next submit.
func fieldErrorsFollowTheField(t *testing.T, tab context.Context) {
	t.Helper()
	var priceGone, yearKept, yearBack bool
	browse(t, tab, "type a wrong price", chromedp.SendKeys("#f-preco", "abc", chromedp.ByQuery))
	submitAndWait(t, tab)
	browse(t, tab, "fix the price",
		chromedp.WaitVisible("#e-preco", chromedp.ByQuery),
		chromedp.WaitVisible("#e-ano_fabricacao", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#f-preco").value = ""`, nil),
		chromedp.SendKeys("#f-preco", "21.000", chromedp.ByQuery),
		chromedp.Evaluate(`!document.querySelector("#e-preco") && !document.querySelector("#f-preco").matches(".invalid, [aria-invalid]")`, &priceGone),
		chromedp.Evaluate(`!!document.querySelector("#e-ano_fabricacao")`, &yearKept),
	)
	submitAndWait(t, tab)
	browse(t, tab, "read the errors again",
		chromedp.Evaluate(`!!document.querySelector("#e-ano_fabricacao") && !document.querySelector("#e-preco")`, &yearBack),
	)
	if !priceGone || !yearKept || !yearBack {
		t.Errorf("field errors: price cleared when fixed %v, year kept %v, year again from the server %v", priceGone, yearKept, yearBack)
	}
}

// submitAndWait sends the ad form and waits for the page that answers it.
func submitAndWait(t *testing.T, tab context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 45*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(`button[data-submit]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("send the form: %v", err)
	}
	browse(t, tab, "wait for the answer", chromedp.WaitReady(`form[data-ad-form]`, chromedp.ByQuery))
}

// pickOption chooses a select's option by its text, as a person does.
func pickOption(selector, text string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const s = document.querySelector(`+jsString(selector)+`);
		s.value = [...s.options].find(o => o.text === `+jsString(text)+`).value;
		s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil)
}
