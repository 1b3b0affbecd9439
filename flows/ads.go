package flows

import (
	"context"

	"motando/models"
	"motando/worker"
)

// CreateAd stores a new ad with its photos (the tokens of the owner's
// uploads, in order; the first is the cover) and queues its publication.
func (f *Flows) CreateAd(ctx context.Context, ad *models.Ad, tokens []string) error {
	if err := f.DB.CreateAd(ctx, ad, tokens); err != nil {
		return err
	}
	f.enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: ad.ID})
	return nil
}

// UpdateAd stores the owner's edit and queues what it leaves to the
// worker: the photos to process or delete, and the e-mails telling the
// people who saved the ad of a lower price.
func (f *Flows) UpdateAd(ctx context.Context, ad *models.Ad, photos []models.PhotoRef) error {
	up, err := f.DB.UpdateAd(ctx, ad, photos)
	if err != nil {
		return err
	}
	if up.NeedsJob {
		f.enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: ad.ID})
	}
	if up.PriceDropped {
		f.enqueue(ctx, worker.Job{Kind: worker.KindAlerts, ID: ad.ID})
	}
	return nil
}

// DeleteAd takes the owner's ad off the site at once and queues the
// removal of its photos and rows.
func (f *Flows) DeleteAd(ctx context.Context, userID, adID uint64) error {
	if err := f.DB.DeleteOwnAd(ctx, userID, adID); err != nil {
		return err
	}
	f.enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: adID})
	return nil
}

// RetryAd puts the owner's failed ad back in the pipeline.
func (f *Flows) RetryAd(ctx context.Context, userID, adID uint64) error {
	if err := f.DB.RetryOwnAd(ctx, userID, adID); err != nil {
		return err
	}
	f.enqueue(ctx, worker.Job{Kind: worker.KindAd, ID: adID})
	return nil
}
