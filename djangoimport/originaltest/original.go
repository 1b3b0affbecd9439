// Package originaltest makes a database of the original Django Motando for
// tests: its schema (original-schema.sql, as its migrations create it) on
// the test MariaDB server, filled with accounts, ads and chats, and a
// server for its photos.
package originaltest

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"motando/models/modelstest"
	"motando/photo/phototest"
)

//go:embed original-schema.sql
var schema string

// Original is a database of the original Django site on the test MariaDB
// server, with a server for its photos.
type Original struct {
	t      testing.TB
	db     *sql.DB
	DSN    string // the database's address, as import-django --from takes it
	photos *httptest.Server

	bulkOnce sync.Once
	bulk     [][]byte // FillBulk's photos
}

// New creates the original's empty database; without a test MariaDB server
// it skips the test (fails it under CI=true).
func New(t testing.TB) *Original {
	t.Helper()
	if os.Getenv(modelstest.EnvMySQL) == "" {
		modelstest.Require(t, modelstest.EnvMySQL)
		t.Skip("the original's database is MariaDB")
	}
	cfg := modelstest.FreshMySQL(t)
	dsn := cfg.FormatDSN()
	cfg.MultiStatements = true
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(schema); err != nil {
		t.Fatalf("original schema: %v", err)
	}
	o := &Original{t: t, db: db, DSN: dsn}
	o.photos = httptest.NewServer(http.HandlerFunc(o.servePhoto))
	t.Cleanup(o.photos.Close)
	return o
}

// Exec runs statements on the original's database.
func (o *Original) Exec(query string, args ...any) {
	o.t.Helper()
	if _, err := o.db.Exec(query, args...); err != nil {
		o.t.Fatalf("%s: %v", query, err)
	}
}

// PhotoURL is the public address of a photo of the original's bucket:
// "sideways" is a phone photo stored sideways (EXIF orientation 6, with a
// GPS position), "upright" a plain one, "text" not an image, anything
// else missing (404).
func (o *Original) PhotoURL(name string) string {
	return o.photos.URL + "/n/ns/b/motando-img/o/" + name + ".jpeg"
}

func (o *Original) servePhoto(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:], ".jpeg")
	switch {
	case strings.HasPrefix(name, "sideways"):
		w.Write(phototest.AddExif(JPEG(o.t, 640, 480), 6, &phototest.GPS{Lat: -23.18, Lon: -45.88}))
	case strings.HasPrefix(name, "upright"):
		w.Write(JPEG(o.t, 640, 480))
	case strings.HasPrefix(name, "bulk"):
		if jpg, ok := o.bulkPhoto(name); ok {
			w.Write(jpg)
		} else {
			http.NotFound(w, r)
		}
	case strings.HasPrefix(name, "text"):
		w.Write([]byte("<html>not a photo</html>"))
	default:
		http.NotFound(w, r)
	}
}

// JPEG draws a w×h JPEG.
func JPEG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), 90, uint8(y * 255 / h), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// DjangoHash hashes a password as Django's default hasher does.
func DjangoHash(t testing.TB, password, salt string) string {
	t.Helper()
	const iterations = 600_000 // Django 4.2's
	key, err := pbkdf2.Key(sha256.New, password, []byte(salt), iterations, sha256.Size)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("pbkdf2_sha256$%d$%s$%s", iterations, salt, base64.StdEncoding.EncodeToString(key))
}

// AddUser inserts an account and its profile.
func (o *Original) AddUser(id int, email, name, password string, active bool, stateID, cityID int, phone string) {
	o.Exec(`INSERT INTO account_user (id, password, last_login, is_superuser, email, fullname, is_active, staff, admin, created, updated)
		VALUES (?, ?, NULL, 0, ?, ?, ?, 0, 0, '2023-05-02 10:00:00', '2023-05-02 10:00:00')`,
		id, DjangoHash(o.t, password, fmt.Sprintf("salt%d", id)), email, name, active)
	o.Exec(`INSERT INTO account_userprofile (user_id, state_id, city_id, telephone, subscribe_offer, show_telephone_classifiedad, gender)
		VALUES (?, ?, ?, ?, 0, 1, 'F')`, id, stateID, cityID, phone)
}

// AddAd inserts an ad with its photos, in that order.
func (o *Original) AddAd(id, userID, modelID int, versionID any, status string, price string, photos ...string) {
	o.Exec(`INSERT INTO classifiedad (id, type, origin, fabrication_year, model_year, license_plate, mileage, is_new, color, price,
		sales_phrase, description, optional_alarm, optional_chest, optional_computer, optional_gps, accept_new_offer, accept_exchange,
		doc_ok, track_ready, brake_system, ignition_system, refrigeration, status, created, updated, model_id, model_version_id, user_id, top_offer)
		VALUES (?, 'street', 'national', 2021, 2022, 'abc1d23', 18500, 0, 'red', ?, 'Única dona', ?, 1, 0, 0, 0, 1, 0,
		1, NULL, 'combined', 'electric', 'air', ?, '2024-01-05 09:30:00', '2024-01-06 09:30:00', ?, ?, ?, 0)`,
		id, price, "<p>Moto <strong>revisada</strong> &amp; com manual.</p><ul><li>Pneus novos</li><li>Baú</li></ul>",
		status, modelID, versionID, userID)
	for _, p := range photos {
		o.Exec(`INSERT INTO classifiedad_images (url, classifiedad_id) VALUES (?, ?)`, o.PhotoURL(p), id)
	}
}

// Fill writes the original's reference data (a city not in the reference
// list, a brand, model and version missing here), four accounts (Ana and
// Carla sell, Bruno buys, Dora's account is inactive), five ads (one
// deleted, photos missing or not images among them) and three chats (a
// registered buyer's, an anonymous one's, one about the deleted ad).
func (o *Original) Fill() {
	o.Exec(`INSERT INTO states (id, state, acronym) VALUES (31, 'São Paulo', 'SP'), (32, 'Rio de Janeiro', 'RJ')`)
	o.Exec(`INSERT INTO cities (id, city, state_id) VALUES (501, 'Sao Jose dos Campos', 31), (502, 'NITERÓI', 32), (503, 'Vila Inventada', 31)`)
	o.Exec(`INSERT INTO motorcycle_brands (id, brand, popular) VALUES (61, 'HONDA', 1), (62, 'Zontes', 0)`)
	o.Exec(`INSERT INTO motorcycle_brand_models (id, model, brand_id) VALUES (71, 'cg 160', 61), (72, 'ZT 350', 62)`)
	o.Exec(`INSERT INTO motorcycle_brand_models_versions (id, version, model_id) VALUES (81, 'Titan', 71), (82, 'T2', 72)`)
	o.AddUser(1, "Ana.Souza@Example.com", "Ana Souza", "senha-antiga-1", true, 31, 501, "(12) 99876-5432")
	o.AddUser(2, "bruno@example.com", "Bruno Lima", "outra-senha-2", true, 32, 502, "21987654321")
	o.AddUser(3, "carla@example.com", "Carla Dias", "terceira-3", true, 31, 501, "11911112222")
	o.AddUser(4, "dora@example.com", "Dora Paz", "quarta-senha-4", false, 31, 503, "11933334444")
	o.AddAd(11, 1, 71, 81, "published", "14900.00", "sideways-1", "upright-1")
	o.AddAd(12, 1, 72, 82, "new", "23500.50", "upright-2", "missing-2", "text-2")
	o.AddAd(13, 1, 71, nil, "delete", "9000.00", "upright-3")
	o.AddAd(14, 3, 71, nil, "published", "9900.00", "upright-4")
	o.AddAd(15, 1, 71, nil, "published", "8000.00", "missing-5")
	o.Exec(`INSERT INTO chats (id, user_from_fullname, user_from_email, user_from_telephone, messages, created, classifiedad_id, user_to_id, user_from_id)
		VALUES (91, 'Bruno Lima', 'bruno@example.com', '21987654321', ?, '2024-01-10 14:23:11', 11, 1, 2),
		       (92, 'Diego Anônimo', 'Diego@Example.com', '(11) 90000-1111', ?, '2024-01-11 08:00:00', 11, 1, NULL),
		       (93, 'Eva', 'eva@example.com', '', '[{"from": "Eva", "text": "Oi", "timestamp": "2024-01-12T10:00:00"}]', '2024-01-12 10:00:00', 13, 1, NULL)`,
		`[{"from": "Bruno Lima", "text": "Ainda está à venda?", "timestamp": "2024-01-10T14:23:11.123456"},
		  {"from": "Ana Souza", "text": "Sim, está!", "timestamp": "2024-01-10T15:01:00.000001"}]`,
		`[{"from": "Diego Anônimo", "text": "Aceita troca?", "timestamp": "2024-01-11T08:00:00+00:00"}]`)
}

// AppendMessage adds a message to a chat, as the original's API did.
func (o *Original) AppendMessage(chatID int, from, text string) {
	o.Exec(`UPDATE chats SET messages = JSON_ARRAY_APPEND(messages, '$', JSON_OBJECT('from', ?, 'text', ?, 'timestamp', '2024-02-01T12:00:00')) WHERE id = ?`,
		from, text, chatID)
}
