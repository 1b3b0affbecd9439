package modelstest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"motando/models"
)

var seq atomic.Int64

// CreateUser inserts an account with a unique e-mail (the password hash is
// not a real one: such users sign in through the accounts code's own tests).
func CreateUser(t testing.TB, db *models.DB, name string) *models.User {
	t.Helper()
	u := &models.User{
		Email:    fmt.Sprintf("user%d-%d@example.com", seq.Add(1), time.Now().UnixNano()),
		Fullname: name,
		Password: "-",
	}
	if err := db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

// NewAd returns an ad for a Honda CB 300 in São Paulo/SP with plausible
// values, status new, not yet saved; tests adjust it and save it with
// CreateAd.
func NewAd(t testing.TB, db *models.DB, owner *models.User) *models.Ad {
	t.Helper()
	var model models.Model
	if err := db.Where("model = ?", "CB 300").First(&model).Error; err != nil {
		t.Fatal(err)
	}
	var sp models.State
	var city models.City
	if err := db.Where("acronym = ?", "SP").First(&sp).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("state_id = ? AND city = ?", sp.ID, "São Paulo").First(&city).Error; err != nil {
		t.Fatal(err)
	}
	return &models.Ad{
		UserID: owner.ID, BrandID: model.BrandID, ModelID: model.ID,
		FabricationYear: 2020, ModelYear: 2021, LicensePlate: "ABC1D23", Mileage: 12000,
		Color: "red", Price: 1850000, SalesPhrase: "Moto impecável", Description: "Revisada.",
		StateID: sp.ID, CityID: city.ID, Status: models.StatusNew, StatusChanged: time.Now().UTC(),
	}
}

// CreateAd saves the ad with one pending image per temporary key, in order.
func CreateAd(t testing.TB, db *models.DB, ad *models.Ad, tmpKeys ...string) *models.Ad {
	t.Helper()
	for i, k := range tmpKeys {
		ad.Images = append(ad.Images, models.Image{Position: i, Status: models.ImagePending, TmpKey: k})
	}
	if err := db.Create(ad).Error; err != nil {
		t.Fatal(err)
	}
	return ad
}
