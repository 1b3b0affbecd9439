package originaltest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"motando/fixtures/demo"
)

// bulkPhotos is how many different photos a bulk original has, like the
// 60 files the original's own demo loader drew from.
const bulkPhotos = 60

// FillBulk writes an original of ads ads from one seller in five, each with
// one to three photos of bulkPhotos 1280×960 demo photos (served from
// memory, under addresses of their own), and a chat of two messages on one
// ad in five. The catalog and places are a few of the reference list's.
func (o *Original) FillBulk(ads int, seed uint64) {
	o.t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	o.bulkOnce.Do(func() { o.bulk = bulkPool(o, rng) })
	o.Exec(`INSERT INTO states (id, state, acronym) VALUES (31, 'São Paulo', 'SP'), (32, 'Rio de Janeiro', 'RJ')`)
	o.Exec(`INSERT INTO cities (id, city, state_id) VALUES (501, 'São Paulo', 31), (502, 'Campinas', 31), (503, 'Niterói', 32)`)
	o.Exec(`INSERT INTO motorcycle_brands (id, brand, popular) VALUES (61, 'Honda', 1), (62, 'Yamaha', 1)`)
	o.Exec(`INSERT INTO motorcycle_brand_models (id, model, brand_id) VALUES (71, 'CG 160', 61), (72, 'Fazer 250', 62), (73, 'Biz', 61)`)
	o.Exec(`INSERT INTO motorcycle_brand_models_versions (id, version, model_id) VALUES (81, 'Titan', 71), (82, 'Fan', 71)`)
	sellers := max(ads/5, 1)
	hash := DjangoHash(o.t, "senha-do-original", "bulksalt")
	o.batches(sellers, "INSERT INTO account_user (id, password, is_superuser, email, fullname, is_active, staff, admin, created, updated) VALUES ",
		"(?, ?, 0, ?, ?, 1, 0, 0, '2023-05-02 10:00:00', '2023-05-02 10:00:00')", func(i int) []any {
			return []any{i + 1, hash, fmt.Sprintf("vendedor%d@example.com", i+1), fmt.Sprintf("Vendedor %d", i+1)}
		})
	o.batches(sellers, "INSERT INTO account_userprofile (user_id, state_id, city_id, telephone, subscribe_offer, show_telephone_classifiedad) VALUES ",
		"(?, ?, ?, '11987654321', 0, 1)", func(i int) []any {
			city := 501 + i%3
			return []any{i + 1, map[int]int{501: 31, 502: 31, 503: 32}[city], city}
		})
	o.batches(ads, `INSERT INTO classifiedad (id, type, origin, fabrication_year, model_year, license_plate, mileage, is_new, color, price,
		sales_phrase, description, optional_alarm, optional_chest, optional_computer, optional_gps, accept_new_offer, accept_exchange,
		brake_system, ignition_system, refrigeration, status, created, updated, model_id, model_version_id, user_id, top_offer) VALUES `,
		"(?, 'street', 'national', ?, ?, 'ABC1D23', ?, 0, 'black', ?, 'Conservada', '<p>Revisada, <b>documento ok</b>.</p>', 0, 0, 0, 0, 1, 0, 'combined', 'electric', 'air', 'published', '2024-01-05 09:30:00', '2024-01-05 09:30:00', ?, ?, ?, 0)",
		func(i int) []any {
			year := 2012 + rng.IntN(13)
			model := 71 + rng.IntN(3)
			var version any
			if model == 71 {
				version = 81 + rng.IntN(2)
			}
			return []any{i + 1, year, year, rng.IntN(80_000), fmt.Sprintf("%d.00", 6_000+rng.IntN(20_000)), model, version, 1 + i%sellers}
		})
	var photos []string
	for ad := 1; ad <= ads; ad++ {
		for range 1 + rng.IntN(3) {
			photos = append(photos, fmt.Sprintf("%d|%s", ad, o.PhotoURL(fmt.Sprintf("bulk-%d-%d", rng.IntN(bulkPhotos), len(photos)))))
		}
	}
	o.batches(len(photos), "INSERT INTO classifiedad_images (classifiedad_id, url) VALUES ", "(?, ?)", func(i int) []any {
		ad, url, _ := strings.Cut(photos[i], "|")
		return []any{ad, url}
	})
	o.batches(ads/5, "INSERT INTO chats (user_from_fullname, user_from_email, messages, created, classifiedad_id, user_to_id) VALUES ",
		"(?, ?, ?, '2024-01-10 14:00:00', ?, ?)", func(i int) []any {
			ad := 5*i + 1
			return []any{"Comprador", fmt.Sprintf("comprador%d@example.com", i), `[{"from": "Comprador", "text": "Ainda está à venda?", "timestamp": "2024-01-10T14:00:00"}, {"from": "Comprador", "text": "Aceita troca?", "timestamp": "2024-01-10T14:05:00"}]`,
				ad, 1 + (ad-1)%sellers}
		})
}

// batches inserts n rows, 500 per statement.
func (o *Original) batches(n int, insert, row string, values func(i int) []any) {
	o.t.Helper()
	for start := 0; start < n; start += 500 {
		end := min(start+500, n)
		var args []any
		for i := start; i < end; i++ {
			args = append(args, values(i)...)
		}
		o.Exec(insert+strings.TrimSuffix(strings.Repeat(row+",", end-start), ","), args...)
	}
}

// bulkPool draws the bulk photos: the demo's motorcycles, 1280×960.
func bulkPool(o *Original, rng *rand.Rand) [][]byte {
	pool := make([][]byte, bulkPhotos)
	for i := range pool {
		jpg, err := demo.Photo(rng, demo.NewBike(rng, "black"), "CG 160", 1, nil)
		if err != nil {
			o.t.Fatal(err)
		}
		pool[i] = jpg
	}
	return pool
}

// bulkPhoto is the pool's photo for a "bulk-<k>-<n>" name.
func (o *Original) bulkPhoto(name string) ([]byte, bool) {
	var k, n int
	if _, err := fmt.Sscanf(name, "bulk-%d-%d", &k, &n); err != nil || k < 0 || k >= len(o.bulk) {
		return nil, false
	}
	return o.bulk[k], true
}
