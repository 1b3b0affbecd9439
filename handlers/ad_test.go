package handlers

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"motando/models"
	"motando/models/modelstest"
	"motando/stats"
	"motando/storage"
	"motando/worker"
)

// site is the web application with a worker the test runs by hand.
type site struct {
	t     *testing.T
	db    *models.DB
	app   *fiber.App
	store storage.Storage
	queue *worker.MemoryQueue
	job   *worker.AdJob
	stats *stats.Counter
}

func newSite(t *testing.T, db *models.DB) *site {
	store, err := storage.NewLocal(t.TempDir(), "/media/")
	if err != nil {
		t.Fatal(err)
	}
	q := worker.NewMemoryQueue()
	s := &site{t: t, db: db, store: store, queue: q, job: worker.NewAdJob(db, store, 60*24*time.Hour, worker.NewMetrics()), stats: stats.New(db)}
	s.app = newTestApp(t, db, func(c *Config) {
		c.Store, c.Queue, c.ServeMedia, c.AdTTL, c.Stats = store, q, true, 60*24*time.Hour, s.stats
	})
	return s
}

// work runs every queued ad job, as the worker would.
func (s *site) work() {
	s.t.Helper()
	ctx := context.Background()
	// Receive is handed a done context: it returns the ready messages at
	// once and, when there are none, does not wait a second for more (the
	// jobs are all queued by the time the test calls work).
	now, cancel := context.WithCancel(ctx)
	cancel()
	for {
		msgs, _ := s.queue.Receive(now, 10)
		if len(msgs) == 0 {
			return
		}
		for _, m := range msgs {
			if m.Job.Kind == worker.KindAd {
				if err := s.job.Run(ctx, m.Job); err != nil {
					s.t.Fatal(err)
				}
			}
			s.queue.Ack(ctx, m)
		}
	}
}

// seller signs up a new account in a browser of its own.
func (s *site) seller(email string) *browser {
	b := newBrowser(s.t, s.app)
	b.get("/cadastro")
	if status, _ := b.post("/cadastro", signupValues(s.t, s.db, email)); status != 303 {
		s.t.Fatalf("sign-up of %s: %d", email, status)
	}
	return b
}

var tokenOf = regexp.MustCompile(`name="fotos" value="([0-9a-f]{32})"`)

// upload sends one photo as the form's script does and returns its token.
func (s *site) upload(b *browser, photo []byte) string {
	s.t.Helper()
	b.get("/anuncios/novo")
	status, body := b.postMultipart("/anuncios/fotos", url.Values{}, map[string][][]byte{"foto": {photo}})
	if status != 200 {
		s.t.Fatalf("upload: %d %s", status, body)
	}
	m := tokenOf.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no token in %s", body)
	}
	return m[1]
}

// adValues is a valid ad form for a Honda CB 300 in Campinas/SP.
func (s *site) adValues(tokens ...string) url.Values {
	var m models.Model
	s.db.Where("model = ?", "CB 300").First(&m)
	var v models.Version
	s.db.Where("model_id = ?", m.ID).Order("id").First(&v)
	signup := signupValues(s.t, s.db, "x@x.com")
	return url.Values{
		"marca": {strconv.Itoa(int(m.BrandID))}, "modelo": {strconv.Itoa(int(m.ID))}, "versao": {strconv.Itoa(int(v.ID))},
		"tipo": {"street"}, "origem": {"national"}, "ano_fabricacao": {"2020"}, "ano_modelo": {"2021"},
		"placa": {"ABC-1234"}, "km": {"12.500"}, "cor": {"red"}, "preco": {"R$ 18.500,00"},
		"frase": {"Única dona"}, "descricao": {"Revisada.\nPneus novos."}, "estado": {"SP"}, "cidade": signup["cidade"],
		"freio": {"abs"}, "partida": {"electric"}, "refrigeracao": {"air"}, "aceita_troca": {"on"},
		"documentacao_ok": {"on"}, "opcionais": {"alarme", "gps"}, "fotos": tokens,
	}
}

func (s *site) countAds() int64 {
	var n int64
	s.db.Model(&models.Ad{}).Count(&n)
	return n
}

func (s *site) onlyAd(b *browser) *models.Ad {
	s.t.Helper()
	var ad models.Ad
	if err := s.db.Order("id DESC").First(&ad).Error; err != nil {
		s.t.Fatal(err)
	}
	return &ad
}

func TestPostAdAndSeeItPublished(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("vende@exemplo.com")
		tokens := []string{s.upload(b, testJPEG(t, 400, 300)), s.upload(b, testJPEG(t, 300, 400)), s.upload(b, testJPEG(t, 500, 300))}
		// The seller moved the third photo to the front.
		order := []string{tokens[2], tokens[0], tokens[1]}
		b.get("/anuncios/novo")
		v := s.adValues(order...)
		v.Set("descricao", "Revisada.\nPneus novos. <b>Sem</b> detalhes <script>alert(1)</script>")
		status, _ := b.post("/anuncios/novo", v)
		if status != 303 || b.location() != "/meus-anuncios" {
			t.Fatalf("submit: %d to %s", status, b.location())
		}
		ad := s.onlyAd(b)
		if ad.Status != models.StatusNew || ad.Price != 1850000 || ad.LicensePlate != "ABC1234" || ad.Mileage != 12500 ||
			!ad.OptionalAlarm || !ad.OptionalGPS || ad.OptionalChest || ad.VersionID == nil {
			t.Fatalf("stored ad: %+v", ad)
		}

		_, mine := b.get("/meus-anuncios")
		mustContain(t, mine, "Publicando…", `hx-get="/anuncios/`+strconv.Itoa(int(ad.ID))+`/status"`, `hx-trigger="every 2s"`)
		s.work()
		_, card := b.get("/anuncios/" + strconv.Itoa(int(ad.ID)) + "/status")
		mustContain(t, card, ">Publicado<")
		if strings.Contains(card, "hx-trigger") {
			t.Error("a published card keeps polling")
		}

		page := "/anuncio/" + strconv.Itoa(int(ad.ID))
		anon := newBrowser(t, s.app)
		if status, _ := anon.get(page); status != 301 {
			t.Fatalf("%s without its slug: %d, want 301", page, status)
		}
		canonical := anon.location()
		if canonical != page+"/honda-cb-300-"+strings.ToLower(strings.ReplaceAll(s.versionName(ad), " ", "-"))+"-2021" {
			t.Logf("canonical %s", canonical)
		}
		status, body := anon.get(canonical)
		if status != 200 {
			t.Fatalf("public page: %d", status)
		}
		mustContain(t, body, "R$ 18.500</p>", "12.500 km", "Alarme, GPS", "Revisada.\nPneus novos. &lt;b&gt;Sem&lt;/b&gt;", `"@type":"Motorcycle"`, `rel="canonical"`)
		if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<b>Sem") {
			t.Error("the description's HTML is rendered")
		}
		if strings.Contains(body, "ABC1234") || strings.Contains(body, "ABC-1234") {
			t.Error("the plate is shown publicly")
		}
		// Photos in the chosen order: the first large image is the moved photo (500×300).
		var imgs []models.Image
		db.Where("classifiedad_id = ?", ad.ID).Order("position").Find(&imgs)
		if len(imgs) != 3 || imgs[0].LargeWidth != 500 || imgs[1].LargeWidth != 400 || imgs[2].LargeWidth != 300 {
			t.Fatalf("images: %+v", imgs)
		}
		first := strings.Index(body, s.store.PublicURL(imgs[0].LargeKey))
		if first < 0 {
			t.Error("the cover is not the first photo chosen")
		}
		if status, _ := anon.get(s.store.PublicURL(imgs[0].ThumbKey)); status != 200 {
			t.Errorf("thumbnail: %d", status)
		}
	})
}

func (s *site) versionName(ad *models.Ad) string {
	var v models.Version
	s.db.First(&v, *ad.VersionID)
	return v.Name
}

func TestAdFormRules(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("regras@exemplo.com")
		token := s.upload(b, testJPEG(t, 200, 150))
		var yamaha models.Brand
		db.Where("brand = ?", "Yamaha").First(&yamaha)
		var mt07 models.Model
		db.Where("model = ?", "MT-07").First(&mt07)
		var mtVersion models.Version
		db.Where("model_id = ?", mt07.ID).First(&mtVersion)
		var rj models.State
		db.Where("acronym = ?", "RJ").First(&rj)
		var niteroi models.City
		db.Where("state_id = ? AND city = ?", rj.ID, "Niterói").First(&niteroi)
		next := strconv.Itoa(time.Now().Year() + 2)

		cases := []struct {
			field   string
			values  []string
			message string
		}{
			{"marca", []string{""}, "Escolha a marca."},
			{"modelo", []string{strconv.Itoa(int(mt07.ID))}, "Escolha um modelo da marca escolhida."},
			{"versao", []string{strconv.Itoa(int(mtVersion.ID))}, "Escolha uma versão do modelo escolhido."},
			{"ano_fabricacao", []string{"1899"}, "Informe um ano entre 1900 e"},
			{"ano_fabricacao", []string{next}, "Informe um ano entre 1900 e"},
			{"ano_modelo", []string{"2023"}, "O ano do modelo deve ser o de fabricação ou o seguinte."},
			{"ano_modelo", []string{"2019"}, "O ano do modelo deve ser o de fabricação ou o seguinte."},
			{"preco", []string{"abc"}, "Informe o preço em reais"},
			{"preco", []string{"0,00"}, "O preço deve ser maior que zero."},
			{"preco", []string{"12.000.000,00"}, "O preço máximo é R$ 9.999.999,99."},
			{"km", []string{"-5"}, "Informe a quilometragem em números"},
			{"placa", []string{"AB-12345"}, "formato antigo (ABC-1234) ou Mercosul (ABC1D23)"},
			{"placa", []string{""}, "Informe a placa"},
			{"descricao", []string{strings.Repeat("a", 4001)}, "no máximo 4.000 caracteres"},
			{"frase", []string{strings.Repeat("b", 121)}, "no máximo 120 caracteres"},
			{"cor", []string{"pink"}, "Escolha uma das opções."},
			{"estado", []string{"ZZ"}, "Escolha o estado."},
			{"cidade", []string{strconv.Itoa(int(niteroi.ID))}, "Escolha uma cidade de São Paulo."},
			{"fotos", nil, "Envie pelo menos uma foto."},
			{"fotos", []string{"0123456789abcdef0123456789abcdef"}, "Uma das fotos não está mais disponível."},
		}
		for _, tc := range cases {
			v := s.adValues(token)
			v[tc.field] = tc.values
			before := s.countAds()
			b.get("/anuncios/novo")
			status, body := b.post("/anuncios/novo", v)
			if status != 422 {
				t.Errorf("%s=%q: %d, want 422", tc.field, tc.values, status)
			}
			mustContain(t, body, tc.message)
			if s.countAds() != before {
				t.Errorf("%s: an ad was written for a rejected form", tc.field)
			}
		}

		// 0 km with mileage; 21 photos.
		v := s.adValues(token)
		v.Set("zero_km", "on")
		if _, body := b.post("/anuncios/novo", v); !strings.Contains(body, "Uma moto 0 km não pode ter quilometragem.") {
			t.Error("0 km with 12.500 km accepted")
		}
		var many []string
		for range 21 {
			many = append(many, s.upload(b, testJPEG(t, 40, 30)))
		}
		b.get("/anuncios/novo")
		if status, body := b.post("/anuncios/novo", s.adValues(many...)); status != 422 || !strings.Contains(body, "Envie no máximo 20 fotos.") {
			t.Errorf("21 photos: %d", status)
		}
		// The photo stays in a rejected form, so the seller need not send it again.
		v = s.adValues(token)
		v.Set("preco", "")
		_, body := b.post("/anuncios/novo", v)
		mustContain(t, body, `value="`+token+`"`)
		// A valid 0 km ad needs no plate.
		v = s.adValues(token)
		v.Set("zero_km", "on")
		v.Del("km")
		v.Del("placa")
		b.get("/anuncios/novo")
		if status, _ := b.post("/anuncios/novo", v); status != 303 {
			t.Errorf("valid 0 km ad: %d", status)
		}
	})
}

func TestUploadsAreCheckedByContent(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("foto@exemplo.com")
		b.get("/anuncios/novo")
		cases := map[string][]byte{
			"O arquivo não é uma imagem": []byte("isto é um texto com nome de foto.jpg\n"),
			"O arquivo está vazio.":      {},
			"A foto passa de 15 MB.":     make([]byte, 15<<20+1),
		}
		for msg, data := range cases {
			status, body := b.postMultipart("/anuncios/fotos", url.Values{}, map[string][][]byte{"foto": {data}})
			if status != 422 || !strings.Contains(body, msg) {
				t.Errorf("upload %q: %d %s", msg, status, body)
			}
		}
		if keys := objects(t, s.store, storage.Temp); len(keys) != 0 {
			t.Errorf("refused uploads were stored: %v", keys)
		}
		anon := newBrowser(t, s.app)
		anon.get("/")
		if status, _ := anon.postMultipart("/anuncios/fotos", url.Values{}, map[string][][]byte{"foto": {testJPEG(t, 10, 10)}}); status != 303 {
			t.Errorf("anonymous upload: %d, want a redirect to sign in", status)
		}
	})
}

func objects(t *testing.T, store storage.Storage, b storage.Bucket) []string {
	var keys []string
	store.List(context.Background(), b, "", func(o storage.Object) error { keys = append(keys, o.Key); return nil })
	return keys
}

func TestPostAdWithoutJavaScript(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)
	b := s.seller("semjs@exemplo.com")
	b.get("/anuncios/novo")
	v := s.adValues()
	delete(v, "fotos")
	status, _ := b.postMultipart("/anuncios/novo", v, map[string][][]byte{"arquivos": {testJPEG(t, 320, 240), testJPEG(t, 240, 320)}})
	if status != 303 {
		t.Fatalf("multipart submit: %d", status)
	}
	s.work()
	ad, _ := db.AdForJob(context.Background(), s.onlyAd(b).ID)
	if ad.Status != models.StatusPublished || len(ad.Images) != 2 || ad.Images[0].LargeWidth != 320 {
		t.Errorf("ad from a multipart submit: %s, %+v", ad.Status, ad.Images)
	}
}

func TestEditKeepsTheAdOnline(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("edita@exemplo.com")
		b.get("/anuncios/novo")
		b.post("/anuncios/novo", s.adValues(s.upload(b, testJPEG(t, 400, 300))))
		s.work()
		ad := s.onlyAd(b)
		id := strconv.Itoa(int(ad.ID))
		anon := newBrowser(t, s.app)
		anon.get("/anuncio/" + id)
		page := anon.location()

		_, form := b.get("/anuncios/" + id + "/editar")
		mustContain(t, form, `value="18.500"`, `value="ABC1234"`, `name="fotos" value="i`)
		existing := regexp.MustCompile(`name="fotos" value="(i\d+)"`).FindStringSubmatch(form)[1]

		v := s.adValues(existing)
		v.Set("preco", "17.900")
		if status, _ := b.post("/anuncios/"+id+"/editar", v); status != 303 {
			t.Fatalf("edit: %d", status)
		}
		if _, body := anon.get(page); !strings.Contains(body, "R$ 17.900<") {
			t.Error("the new price is not public at once")
		}
		if got := s.onlyAd(b); got.Status != models.StatusPublished {
			t.Errorf("a field edit changed the status to %s", got.Status)
		}

		// Add a photo: the ad stays public while it is processed.
		newPhoto := s.upload(b, testJPEG(t, 640, 480))
		b.get("/anuncios/" + id + "/editar")
		if status, _ := b.post("/anuncios/"+id+"/editar", s.adValues(existing, newPhoto)); status != 303 {
			t.Fatalf("edit with a new photo: %d", status)
		}
		status, body := anon.get(page)
		if status != 200 || strings.Count(body, `data-large=`) != 1 {
			t.Errorf("while the new photo is processed: %d, %d photos", status, strings.Count(body, `data-large=`))
		}
		s.work()
		if _, body := anon.get(page); strings.Count(body, `data-large=`) != 2 {
			t.Errorf("after processing: %d photos shown", strings.Count(body, `data-large=`))
		}

		// Remove the first photo.
		_, form = b.get("/anuncios/" + id + "/editar")
		refs := regexp.MustCompile(`name="fotos" value="(i\d+)"`).FindAllStringSubmatch(form, -1)
		b.post("/anuncios/"+id+"/editar", s.adValues(refs[1][1]))
		s.work()
		if _, body := anon.get(page); strings.Count(body, `data-large=`) != 1 {
			t.Errorf("after removing a photo: %d shown", strings.Count(body, `data-large=`))
		}
		if n := len(objects(t, s.store, storage.Public)); n != 2 {
			t.Errorf("public objects after removing a photo: %d, want 2", n)
		}
	})
}

func TestOtherUsersCannotTouchAnAd(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		a := s.seller("dona@exemplo.com")
		tokenA := s.upload(a, testJPEG(t, 200, 150))
		a.get("/anuncios/novo")
		a.post("/anuncios/novo", s.adValues(tokenA))
		unused := s.upload(a, testJPEG(t, 200, 150))
		id := strconv.Itoa(int(s.onlyAd(a).ID))

		bob := s.seller("intruso@exemplo.com")
		for _, path := range []string{"/anuncios/" + id + "/editar", "/anuncios/" + id + "/status", "/anuncios/" + id + "/excluir", "/anuncios/fotos/" + unused} {
			if status, _ := bob.get(path); status != 404 {
				t.Errorf("GET %s by another user: %d, want 404", path, status)
			}
		}
		bob.get("/anuncios/novo")
		for _, path := range []string{"/anuncios/" + id + "/editar", "/anuncios/" + id + "/excluir", "/anuncios/" + id + "/reenviar", "/anuncios/" + id + "/renovar"} {
			if status, _ := bob.post(path, s.adValues(tokenA)); status != 404 {
				t.Errorf("POST %s by another user: %d, want 404", path, status)
			}
		}
		before := s.countAds()
		for _, tok := range []string{unused, tokenA} {
			bob.get("/anuncios/novo")
			status, body := bob.post("/anuncios/novo", s.adValues(tok))
			if status != 422 || !strings.Contains(body, "não está mais disponível") {
				t.Errorf("B reusing A's photo token: %d", status)
			}
		}
		if s.countAds() != before {
			t.Error("B posted an ad with A's photo")
		}
		if got := s.onlyAd(a); got.Status == models.StatusDelete || got.Price != 1850000 {
			t.Errorf("A's ad was changed: %+v", got)
		}
	})
}

func TestDeleteExpireRenew(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, db *models.DB) {
		s := newSite(t, db)
		b := s.seller("ciclo@exemplo.com")
		b.get("/anuncios/novo")
		b.post("/anuncios/novo", s.adValues(s.upload(b, testJPEG(t, 200, 150))))
		s.work()
		ad := s.onlyAd(b)
		id := strconv.Itoa(int(ad.ID))
		anon := newBrowser(t, s.app)
		anon.get("/anuncio/" + id)
		page := anon.location()

		// Expiry by the periodic job, then renewal.
		if n, err := db.ExpireAds(context.Background(), time.Now().Add(61*24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("ExpireAds: %d %v", n, err)
		}
		if status, _ := anon.get(page); status != 404 {
			t.Errorf("expired ad: %d, want 404", status)
		}
		_, mine := b.get("/meus-anuncios")
		mustContain(t, mine, "Expirado", "Renovar")
		b.post("/anuncios/"+id+"/renovar", nil)
		if status, _ := anon.get(page); status != 200 {
			t.Errorf("renewed ad: %d", status)
		}

		_, confirm := b.get("/anuncios/" + id + "/excluir")
		mustContain(t, confirm, "Tem certeza")
		if status, _ := b.post("/anuncios/"+id+"/excluir", nil); status != 303 {
			t.Fatalf("delete: %d", status)
		}
		if status, _ := anon.get(page); status != 404 {
			t.Errorf("deleted ad still public: %d", status)
		}
		s.work()
		if s.countAds() != 0 || len(objects(t, s.store, storage.Public)) != 0 {
			t.Errorf("after the worker: %d ads, %d objects", s.countAds(), len(objects(t, s.store, storage.Public)))
		}
	})
}

func TestFailedAdShowsWhyAndRetries(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)
	b := s.seller("falha@exemplo.com")
	b.get("/anuncios/novo")
	b.post("/anuncios/novo", s.adValues(s.upload(b, testJPEG(t, 200, 150))))
	ad := s.onlyAd(b)
	db.MarkAdFailed(context.Background(), ad.ID, "Não conseguimos processar este anúncio.")
	_, mine := b.get("/meus-anuncios")
	mustContain(t, mine, "Não publicado", "Não conseguimos processar este anúncio.", "Tentar de novo")
	if status, _ := b.post("/anuncios/"+strconv.Itoa(int(ad.ID))+"/reenviar", nil); status != 303 {
		t.Fatalf("retry: %d", status)
	}
	s.work()
	if got := s.onlyAd(b); got.Status != models.StatusPublished {
		t.Errorf("after the retry: %s", got.Status)
	}
}

// An account without a city in its profile (an admin made on the command
// line) still gets the forms.
func TestFormsWithoutProfilePlace(t *testing.T) {
	db := modelstest.Open(t, "sqlite")
	s := newSite(t, db)
	hash, _ := models.HashPassword(context.Background(), "cavalo bateria grampo")
	if err := db.CreateUser(context.Background(), &models.User{Email: "semcidade@exemplo.com", Fullname: "Sem Cidade", Password: hash}, &models.Profile{}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.app)
	b.get("/entrar")
	b.post("/entrar", url.Values{"email": {"semcidade@exemplo.com"}, "senha": {"cavalo bateria grampo"}})
	for _, path := range []string{"/anuncios/novo", "/conta", "/conta/senha", "/meus-anuncios"} {
		if status, _ := b.get(path); status != 200 {
			t.Errorf("%s: %d", path, status)
		}
	}
}
