package djangoimport

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/alitto/pond/v2"

	"motando/models"
	"motando/progress"
	"motando/worker"
)

// sellerInfo is what an account's ads take from it: its place.
type sellerInfo struct {
	place place
	ok    bool
}

// importAds brings over the ads not imported yet, Workers at a time: each
// ad's photos are downloaded into the temporary bucket, then the ad and
// its photo rows are stored in one transaction and its job queued, as the
// ad form does. Ads deleted on the original, or whose seller was not
// imported, are skipped. An ad imported before gets the photos that could
// not be downloaded then, when they can be now.
func (im *Importer) importAds(ctx context.Context) error {
	done, err := im.DB.ImportedRows(ctx, "classifiedad")
	if err != nil {
		return err
	}
	if im.donePhotos, err = im.DB.ImportedRows(ctx, "classifiedad_images"); err != nil {
		return err
	}
	total, err := im.src.count(ctx, "classifiedad")
	if err != nil {
		return err
	}
	bar := progress.New(im.Out, total, "anúncios")
	defer bar.Done()
	pool := pond.NewPool(im.Workers, pond.WithContext(ctx), pond.WithQueueSize(im.Workers))
	defer pool.StopAndWait()
	group := pool.NewGroup()
	err = eachRow(ctx, im.src.ads, func(a *srcAd) uint64 { return a.ID }, func(ctx context.Context, sa *srcAd) error {
		a := *sa
		group.SubmitErr(func() error {
			defer bar.Add()
			if row, ok := done[a.ID]; ok {
				return im.retryPhotos(group.Context(), &a, row.TargetID)
			}
			return im.importAd(group.Context(), &a)
		})
		return nil
	})
	if werr := group.Wait(); err == nil {
		err = werr
	}
	return err
}

// queueAd hands an imported ad to the worker and notes it for the wait.
func (im *Importer) queueAd(ctx context.Context, adID uint64) error {
	im.queuedMu.Lock()
	im.queued = append(im.queued, adID)
	im.queuedMu.Unlock()
	if err := im.Queue.Enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: adID}); err != nil {
		// Stored and pending: the janitor queues it again within minutes.
		return fmt.Errorf("queue imported ad %d: %w", adID, err)
	}
	return nil
}

// retryPhotos brings the photos of an ad imported before that are not
// here yet, and sends the ad back to the worker when any came.
func (im *Importer) retryPhotos(ctx context.Context, sa *srcAd, adID uint64) error {
	im.sum.tally(kindAds).match()
	photos, err := im.fetchPhotos(ctx, sa)
	if err != nil || len(photos) == 0 {
		return err
	}
	err = im.DB.ImportPhotos(ctx, adID, photos)
	if errors.Is(err, models.ErrNotFound) {
		return nil // deleted here since
	}
	if err != nil {
		return err
	}
	return im.queueAd(ctx, adID)
}

// Statuses of the original and what becomes of an ad in each. The original
// wrote "published" (its choices list says "publised") and compared
// without case.
var statusPlan = map[string]string{
	"new":       models.StatusNew,
	"published": models.StatusPublished,
	"publised":  models.StatusPublished,
	"update":    models.StatusPublished,
}

// errSellerNotImported is why the ads of an account left out (its e-mail
// has an account here) are left out too.
const errSellerNotImported = "a conta do vendedor não foi importada"

// skipReasons are the statuses whose ads are not imported.
var skipReasons = map[string]string{
	"delete":   "excluído no site anterior",
	"expired":  "expirado no site anterior",
	"inactive": "inativo no site anterior",
}

// importAd imports one ad and queues its job; an ad without any photo
// that could be downloaded is stored as failed, telling its seller why.
func (im *Importer) importAd(ctx context.Context, sa *srcAd) error {
	tally := im.sum.tally(kindAds)
	example := fmt.Sprintf("anúncio %d", sa.ID)
	status := strings.ToLower(strings.TrimSpace(sa.Status))
	if reason, ok := skipReasons[status]; ok {
		tally.skip(reason, example)
		return nil
	}
	ad, problem, err := im.ad(ctx, sa)
	switch {
	case err != nil:
		return err
	case problem == errSellerNotImported:
		tally.skip(problem, example)
		return nil
	case problem != "":
		tally.fail(problem, example)
		return nil
	}
	photos, err := im.fetchPhotos(ctx, sa)
	if err != nil {
		return err
	}
	if len(photos) == 0 {
		ad.Status = models.StatusFailed
		ad.StatusReason = "As fotos do site anterior não puderam ser copiadas. Edite o anúncio, adicione fotos e tente de novo."
		im.sum.tally(kindPublished).fail("nenhuma foto pôde ser copiada: fica com falha até ter fotos (uma nova execução tenta de novo)", example)
	}
	if err := im.DB.ImportAd(ctx, sa.ID, ad, photos); err != nil {
		return err
	}
	tally.add(1)
	if _, cut := plainText(sa.Description); cut {
		tally.warn(fmt.Sprintf("descrição cortada em %d caracteres", maxDescription), example)
	}
	if ad.Status != models.StatusNew {
		return nil
	}
	return im.queueAd(ctx, ad.ID)
}

// ad converts an ad of the original, or says why it cannot be imported.
func (im *Importer) ad(ctx context.Context, sa *srcAd) (*models.Ad, string, error) {
	status, ok := statusPlan[strings.ToLower(strings.TrimSpace(sa.Status))]
	if !ok {
		return nil, "situação desconhecida: " + sa.Status, nil
	}
	userID, ok := im.users[sa.UserID]
	if !ok {
		return nil, errSellerNotImported, nil
	}
	modelID, ok := im.catalog.models[sa.ModelID]
	if !ok {
		return nil, "o modelo não está no catálogo", nil
	}
	seller, err := im.seller(ctx, userID)
	if err != nil || !seller.ok {
		return nil, "a cidade do vendedor não está na lista de municípios (ou falta no perfil)", err
	}
	ad := im.adFields(sa)
	ad.UserID, ad.ModelID, ad.BrandID = userID, modelID, im.catalog.brandOf(modelID)
	ad.StateID, ad.CityID = seller.place.State, seller.place.City
	if v, ok := im.catalog.versions[uint64(sa.VersionID.Int64)]; ok && sa.VersionID.Valid && im.catalog.modelOf(v) == modelID {
		ad.VersionID = &v
	}
	ad.Status = models.StatusNew
	if status == models.StatusPublished {
		// Published there: it keeps its date, and is not news to the
		// saved searches' alerts.
		ad.PublishedAt = &sa.Created
	}
	ad.SearchText = im.searchText(ad)
	return ad, "", nil
}

// adFields copies the ad's own fields, each checked against the site's
// choices and sizes.
func (im *Importer) adFields(sa *srcAd) *models.Ad {
	ad := &models.Ad{
		Type: choice(models.AdTypes, sa.Type), Origin: choice(models.AdOrigins, sa.Origin), Color: choice(models.AdColors, sa.Color),
		BrakeSystem: choice(models.AdBrakes, sa.Brakes), IgnitionSystem: choice(models.AdIgnitions, sa.Ignition),
		Refrigeration:   choice(models.AdRefrigeration, sa.Cooling),
		FabricationYear: sa.Fabrication, ModelYear: sa.ModelYear, LicensePlate: cut(strings.ToUpper(strings.TrimSpace(sa.Plate)), 20),
		Mileage: int(sa.Mileage.Int64), IsNew: sa.IsNew, Price: sa.Price, TopOffer: sa.TopOffer,
		SalesPhrase:   cut(strings.Join(strings.Fields(sa.Phrase), " "), 500),
		OptionalAlarm: sa.Alarm, OptionalChest: sa.Chest, OptionalComputer: sa.Computer, OptionalGPS: sa.GPS,
		AcceptNewOffer: sa.NewOffer, AcceptExchange: sa.Exchange, Created: sa.Created, Updated: sa.Updated,
	}
	ad.Description, _ = plainText(sa.Description)
	if sa.DocOK.Valid {
		ad.DocOK = &sa.DocOK.Bool
	}
	if sa.TrackReady.Valid {
		ad.TrackReady = &sa.TrackReady.Bool
	}
	return ad
}

// choice is value when it is one of the choices, "" otherwise.
func choice(choices []models.Choice, value string) string {
	if models.ChoiceLabel(choices, value) == "" {
		return ""
	}
	return value
}

// searchText is the ad's words for free text, from the names here.
func (im *Importer) searchText(ad *models.Ad) string {
	brand, _ := im.catalog.Brand(ad.BrandID)
	model, _ := im.catalog.Model(ad.ModelID)
	var version string
	if ad.VersionID != nil {
		v, _ := im.catalog.Version(*ad.VersionID)
		version = v.Name
	}
	return models.SearchText(brand.Name, model.Name, version, im.cityName(ad.CityID), ad.SalesPhrase)
}

// seller returns what an account's ads take from it, read once.
func (im *Importer) seller(ctx context.Context, userID uint64) (sellerInfo, error) {
	im.sellerMu.Lock()
	defer im.sellerMu.Unlock()
	if s, ok := im.sellers[userID]; ok {
		return s, nil
	}
	p, err := im.DB.ProfileOf(ctx, userID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return sellerInfo{}, err
	}
	var s sellerInfo
	if p != nil && p.StateID != nil && p.CityID != nil {
		s = sellerInfo{place: place{State: *p.StateID, City: *p.CityID}, ok: true}
	}
	im.sellers[userID] = s
	return s, nil
}

// fetchPhotos brings the ad's photos not imported yet (of its first
// models.MaxPhotos) into the temporary bucket and returns them with their
// places in the original's order. A photo that cannot be used is counted
// with its reason and left out.
func (im *Importer) fetchPhotos(ctx context.Context, sa *srcAd) ([]models.ImportedPhoto, error) {
	tally := im.sum.tally(kindPhotos)
	var out []models.ImportedPhoto
	for i, p := range sa.Photos {
		if _, ok := im.donePhotos[p.ID]; ok {
			tally.match()
			continue
		}
		example := fmt.Sprintf("foto %d do anúncio %d", p.ID, sa.ID)
		if u, err := url.Parse(p.URL); err == nil && u.Host != "" {
			example += ", " + u.Host
		}
		if i >= models.MaxPhotos {
			tally.skip(fmt.Sprintf("além das %d fotos de um anúncio", models.MaxPhotos), example)
			continue
		}
		key, err := im.fetchPhoto(ctx, p.URL)
		var problem photoProblem
		if errors.As(err, &problem) {
			tally.fail(string(problem), example)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, models.ImportedPhoto{SourceID: p.ID, Position: i, TmpKey: key})
		tally.add(1)
	}
	return out, nil
}
