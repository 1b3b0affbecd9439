package djangoimport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"motando/models"
)

// place is a city here, with its state.
type place struct {
	State uint16
	City  uint32
}

// mapPlaces maps the original's cities onto the reference list by state
// (UF) and name, in any case and with or without accents. A city not found
// is left out of the map and counted in the summary.
func (im *Importer) mapPlaces(ctx context.Context) (map[uint64]place, error) {
	ours, err := models.LoadPlaces(ctx, im.DB)
	if err != nil {
		return nil, err
	}
	im.here = ours
	states, err := im.src.named(ctx, statesQuery)
	if err != nil {
		return nil, err
	}
	cities, err := im.src.named(ctx, citiesQuery)
	if err != nil {
		return nil, err
	}
	byUF := map[uint64]models.State{}
	im.states = map[uint64]uint16{}
	for _, s := range states {
		if st, ok := ours.StateByUF(s.UF); ok {
			byUF[s.ID], im.states[s.ID] = st, st.ID
		}
	}
	out := make(map[uint64]place, len(cities))
	tally := im.sum.tally(kindCities)
	for _, c := range cities {
		st, ok := byUF[c.Parent]
		if !ok {
			tally.fail("estado desconhecido", c.Name)
			continue
		}
		if id, ok := cityNamed(ours.Cities(st.ID), c.Name); ok {
			out[c.ID] = place{State: st.ID, City: id}
			tally.match()
			continue
		}
		tally.fail("fora da lista de municípios: quem mora nela fica só com o estado", c.Name+"/"+st.Acronym)
	}
	return out, nil
}

// cityNamed finds a city by name among a state's.
func cityNamed(cities []models.City, name string) (uint32, bool) {
	key := models.NameKey(strings.ReplaceAll(name, "'", "’"))
	for _, c := range cities {
		if models.NameKey(strings.ReplaceAll(c.Name, "'", "’")) == key {
			return c.ID, true
		}
	}
	return 0, false
}

// catalogMap maps the original's brands, models and versions to the
// catalog here by name, creating what is missing.
type catalogMap struct {
	brands, models, versions map[uint64]uint32
	*models.Catalog          // the catalog here, once mapped: its names
}

// mapCatalog matches each brand, model (within its brand) and version
// (within its model) by name, in any case and with or without accents, and
// creates the ones the catalog lacks (recorded in the audit log like an
// admin's additions).
func (im *Importer) mapCatalog(ctx context.Context) (*catalogMap, error) {
	m := &catalogMap{brands: map[uint64]uint32{}, models: map[uint64]uint32{}, versions: map[uint64]uint32{}}
	levels := []struct {
		level  models.CatalogLevel
		query  string
		ids    map[uint64]uint32
		parent map[uint64]uint32
	}{
		{models.LevelBrand, brandsQuery, m.brands, nil},
		{models.LevelModel, modelsQuery, m.models, m.brands},
		{models.LevelVersion, versionsQuery, m.versions, m.models},
	}
	for _, l := range levels {
		rows, err := im.src.named(ctx, l.query)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if err := im.mapCatalogItem(ctx, l.level, r, l.ids, l.parent); err != nil {
				return nil, err
			}
		}
	}
	var err error
	m.Catalog, err = models.LoadCatalog(ctx, im.DB)
	return m, err
}

// mapCatalogItem maps one source item, creating it when needed.
func (im *Importer) mapCatalogItem(ctx context.Context, level models.CatalogLevel, r srcPlace, ids, parents map[uint64]uint32) error {
	var parent uint32
	if parents != nil {
		p, ok := parents[r.Parent]
		if !ok {
			return nil // its parent was not mapped: neither is it
		}
		parent = p
	}
	tally := im.sum.tally(kindCatalog)
	name := strings.TrimSpace(r.Name)
	if name == "" || len(name) > level.MaxName() {
		tally.fail("nome vazio ou longo demais", r.Name)
		return nil
	}
	id, found, err := im.DB.CatalogItemNamed(ctx, level, parent, name)
	if err != nil {
		return err
	}
	if !found {
		id, err = im.DB.CreateCatalogItem(ctx, 0, level, parent, name)
		if errors.Is(err, models.ErrNameTaken) { // created meanwhile by an admin
			id, _, err = im.DB.CatalogItemNamed(ctx, level, parent, name)
		}
		if err != nil {
			return fmt.Errorf("catalog item %q: %w", name, err)
		}
		tally.add(1)
	} else {
		tally.match()
	}
	ids[r.ID] = id
	return nil
}

// brandOf is the brand of a model here (0 for an unknown model).
func (m *catalogMap) brandOf(model uint32) uint32 {
	md, _ := m.Model(model)
	return md.BrandID
}

// modelOf is the model of a version here (0 for an unknown version).
func (m *catalogMap) modelOf(version uint32) uint32 {
	v, _ := m.Version(version)
	return v.ModelID
}

// cityName is the name of a city here.
func (im *Importer) cityName(id uint32) string {
	c, _ := im.here.City(id)
	return c.Name
}
