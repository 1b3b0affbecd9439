package worker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"motando/models"
	"motando/search"
)

// SavedSearches keeps the saved searches' filters in a search.Matcher and
// the names that go with them: the catalog and the places, which free text
// matches and e-mails show. Before each use it reads the searches changed
// since its last read; every Reload it starts again from the whole table,
// which drops the deleted ones and takes in a renamed catalog.
type SavedSearches struct {
	DB     *models.DB
	Reload time.Duration // how often everything is read again; 0: five minutes

	mu      sync.Mutex
	matcher *search.Matcher
	catalog *models.Catalog
	places  *models.Places
	since   time.Time // the latest change read
	loaded  time.Time // when everything was last read
}

// Match returns the ids of the saved searches the ad passes, after reading
// what changed.
func (s *SavedSearches) Match(ctx context.Context, d *search.Doc) ([]uint64, error) {
	m, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return m.Match(d), nil
}

// Names returns the catalog and places the searches were read with.
func (s *SavedSearches) Names(ctx context.Context) (*models.Catalog, *models.Places, error) {
	if _, err := s.current(ctx); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.catalog, s.places, nil
}

// current brings the matcher up to date and returns it.
func (s *SavedSearches) current(ctx context.Context) (*search.Matcher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	every := s.Reload
	if every == 0 {
		every = 5 * time.Minute
	}
	if s.matcher == nil || time.Since(s.loaded) >= every {
		if err := s.load(ctx); err != nil {
			return nil, err
		}
	}
	latest, err := s.DB.EachSavedSearch(ctx, s.since, func(list []models.SavedSearch) {
		for i := range list {
			s.matcher.Put(list[i].ID, list[i].Filter())
		}
	})
	if err != nil {
		return nil, err
	}
	s.since = latest
	return s.matcher, nil
}

// load starts again from the catalog, the places and every saved search.
func (s *SavedSearches) load(ctx context.Context) error {
	cat, err := models.LoadCatalog(ctx, s.DB)
	if err != nil {
		return fmt.Errorf("saved searches: %w", err)
	}
	places, err := models.LoadPlaces(ctx, s.DB)
	if err != nil {
		return fmt.Errorf("saved searches: %w", err)
	}
	m := search.NewMatcher()
	m.SetNames(models.SearchNames(cat, places))
	s.matcher, s.catalog, s.places = m, cat, places
	s.since, s.loaded = time.Time{}, time.Now()
	return nil
}
