package worker

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"motando/models"
	"motando/templates"
)

// AlertJob tells people of an ad. Once the ad is first published, it
// matches the ad against every saved search, records the matches (the
// saved searches' "N motos novas") and e-mails the people alerted at once;
// once its price fell, it e-mails the people who saved it. The ad's flags
// say what is still to do, and each part clears its flag in the same
// transaction that queues its e-mails, so a rerun never sends twice.
type AlertJob struct {
	DB       *models.DB
	Queue    Queue
	Searches *SavedSearches
	BaseURL  string // the site's address, for the e-mails' links
	Secret   []byte // signs the links that stop an alert
}

// Run is the job's Handler.
func (j *AlertJob) Run(ctx context.Context, job Job) error {
	newAd, priceDrop, doc, err := j.DB.AlertsOf(ctx, job.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var queued []uint64
	if newAd {
		var matched []uint64
		if doc != nil {
			if matched, err = j.Searches.Match(ctx, doc); err != nil {
				return err
			}
		}
		ad, err := j.letterAd(ctx, job.ID)
		if err != nil {
			return err
		}
		ids, err := j.DB.RecordNewAdAlerts(ctx, job.ID, matched, func(u *models.User, list []models.SavedSearch) (string, string, error) {
			return templates.Mail("alert_new_ad", newAdLetter{FirstName: firstName(u), Ad: ad, Searches: j.letterSearches(list)})
		})
		if err != nil {
			return err
		}
		queued = append(queued, ids...)
	}
	if priceDrop {
		ids, err := j.priceDrop(ctx, job.ID)
		if err != nil {
			return err
		}
		queued = append(queued, ids...)
	}
	j.send(ctx, queued)
	return nil
}

// priceDrop e-mails the people who saved the ad of its lower price.
func (j *AlertJob) priceDrop(ctx context.Context, adID uint64) ([]uint64, error) {
	ad, err := j.letterAd(ctx, adID)
	if err != nil {
		return nil, err
	}
	return j.DB.RecordPriceDropAlerts(ctx, adID, func(u *models.User) (string, string, error) {
		return templates.Mail("price_drop", priceDropLetter{
			FirstName: firstName(u), Ad: ad, OldPrice: ad.from.String(), Drop: (ad.from - ad.price).String(),
			FavoritesURL: j.BaseURL + "/favoritos",
		})
	})
}

// SendDigests queues the daily e-mails that are due and hands them to the
// queue; the janitor calls it.
func (j *AlertJob) SendDigests(ctx context.Context) (int, error) {
	cat, places, err := j.Searches.Names(ctx)
	if err != nil {
		return 0, err
	}
	ids, err := j.DB.SendDigests(ctx, 200, func(u *models.User, s *models.SavedSearch, ads []models.Ad, total int) (string, string, error) {
		letter := digestLetter{FirstName: firstName(u), Search: j.letterSearches([]models.SavedSearch{*s})[0], Total: total}
		for i := range ads {
			letter.Ads = append(letter.Ads, j.describe(cat, places, &ads[i]))
		}
		return templates.Mail("alert_digest", letter)
	})
	if err != nil {
		return 0, err
	}
	j.send(ctx, ids)
	return len(ids), nil
}

// send hands queued e-mails to the queue; one it cannot hand over waits in
// the outbox for the reconciler, which enqueues e-mails never tried.
func (j *AlertJob) send(ctx context.Context, ids []uint64) {
	for _, id := range ids {
		if err := j.Queue.Enqueue(ctx, Job{Kind: KindEmail, ID: id}); err != nil {
			slog.Warn("alerts: e-mail left to the reconciler", "email", id, "err", err)
		}
	}
}

// letterAd is what the e-mails say of an ad.
type letterAd struct {
	Title, Years, Km, Price, Place, URL string

	price, from models.Money
}

// letterSearch is what the e-mails say of a saved search.
type letterSearch struct {
	Name, URL, StopURL string
}

type newAdLetter struct {
	FirstName string
	Ad        letterAd
	Searches  []letterSearch
}

type priceDropLetter struct {
	FirstName      string
	Ad             letterAd
	OldPrice, Drop string
	FavoritesURL   string
}

type digestLetter struct {
	FirstName string
	Search    letterSearch
	Ads       []letterAd
	Total     int
}

// letterAd reads the ad and describes it for an e-mail.
func (j *AlertJob) letterAd(ctx context.Context, adID uint64) (letterAd, error) {
	ad, err := j.DB.AdForJob(ctx, adID)
	if err != nil {
		return letterAd{}, err
	}
	cat, places, err := j.Searches.Names(ctx)
	if err != nil {
		return letterAd{}, err
	}
	return j.describe(cat, places, ad), nil
}

// describe writes what an e-mail says of an ad.
func (j *AlertJob) describe(cat *models.Catalog, places *models.Places, ad *models.Ad) letterAd {
	city, _ := places.City(ad.CityID)
	st, _ := places.State(ad.StateID)
	km := models.Thousands(int64(ad.Mileage)) + " km"
	if ad.IsNew {
		km = "0 km"
	}
	l := letterAd{
		Title: cat.Title(ad), Years: strconv.Itoa(ad.FabricationYear) + "/" + strconv.Itoa(ad.ModelYear), Km: km,
		Price: ad.Price.String(), Place: city.Name + "/" + st.Acronym,
		URL:   j.BaseURL + "/anuncio/" + strconv.FormatUint(ad.ID, 10),
		price: ad.Price, from: ad.Price,
	}
	if ad.PriceDropFrom != nil {
		l.from = *ad.PriceDropFrom
	}
	return l
}

// letterSearches describes saved searches for an e-mail, each with its
// signed stop link.
func (j *AlertJob) letterSearches(list []models.SavedSearch) []letterSearch {
	out := make([]letterSearch, len(list))
	for i, s := range list {
		id := strconv.FormatUint(s.ID, 10)
		out[i] = letterSearch{
			Name:    s.Name,
			URL:     j.BaseURL + "/motos?" + s.Query,
			StopURL: j.BaseURL + "/buscas-salvas/" + id + "/parar?t=" + url.QueryEscape(models.AlertStopToken(j.Secret, s.ID)),
		}
	}
	return out
}

// firstName greets a person by their first name, or not at all.
func firstName(u *models.User) string {
	if name := u.FirstName(); name != "" {
		return name
	}
	return strings.SplitN(u.Email, "@", 2)[0]
}
