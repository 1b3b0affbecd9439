package models

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Brand is a motorcycle brand (motorcycle_brands).
type Brand struct {
	ID      uint32 `gorm:"primaryKey"`
	Name    string `gorm:"column:brand"`
	Popular bool
}

// TableName maps Brand to the original's table.
func (Brand) TableName() string { return "motorcycle_brands" }

// Model is a brand's model (motorcycle_brand_models).
type Model struct {
	ID      uint32 `gorm:"primaryKey"`
	BrandID uint32
	Name    string `gorm:"column:model"`
}

// TableName maps Model to the original's table.
func (Model) TableName() string { return "motorcycle_brand_models" }

// Version is a model's version (motorcycle_brand_models_versions).
type Version struct {
	ID      uint32 `gorm:"primaryKey"`
	ModelID uint32
	Name    string `gorm:"column:version"`
}

// TableName maps Version to the original's table.
func (Version) TableName() string { return "motorcycle_brand_models_versions" }

// Catalog is an in-memory, read-only copy of the motorcycle catalog, sorted
// for display. Build a new one with LoadCatalog after a change.
type Catalog struct {
	Brands        []Brand
	brands        map[uint32]Brand
	models        map[uint32]Model
	versions      map[uint32]Version
	modelsByBrand map[uint32][]Model
	versionsBy    map[uint32][]Version
	names         catalogNames
}

// LoadCatalog reads the whole catalog (a few thousand rows).
func LoadCatalog(ctx context.Context, db *DB) (*Catalog, error) {
	var brands []Brand
	var models []Model
	var versions []Version
	tx := db.WithContext(ctx)
	if err := tx.Find(&brands).Error; err != nil {
		return nil, fmt.Errorf("load brands: %w", err)
	}
	if err := tx.Find(&models).Error; err != nil {
		return nil, fmt.Errorf("load models: %w", err)
	}
	if err := tx.Find(&versions).Error; err != nil {
		return nil, fmt.Errorf("load versions: %w", err)
	}
	c := &Catalog{
		brands:        make(map[uint32]Brand, len(brands)),
		models:        make(map[uint32]Model, len(models)),
		versions:      make(map[uint32]Version, len(versions)),
		modelsByBrand: map[uint32][]Model{},
		versionsBy:    map[uint32][]Version{},
		names:         newCatalogNames(brands, models),
	}
	col := newCollator()
	sort.SliceStable(brands, func(i, j int) bool { return col.less(brands[i].Name, brands[j].Name) })
	sort.SliceStable(models, func(i, j int) bool { return col.less(models[i].Name, models[j].Name) })
	sort.SliceStable(versions, func(i, j int) bool { return col.less(versions[i].Name, versions[j].Name) })
	c.Brands = brands
	for _, b := range brands {
		c.brands[b.ID] = b
	}
	for _, m := range models {
		c.models[m.ID] = m
		c.modelsByBrand[m.BrandID] = append(c.modelsByBrand[m.BrandID], m)
	}
	for _, v := range versions {
		c.versions[v.ID] = v
		c.versionsBy[v.ModelID] = append(c.versionsBy[v.ModelID], v)
	}
	return c, nil
}

// Brand returns the brand with the id.
func (c *Catalog) Brand(id uint32) (Brand, bool) { b, ok := c.brands[id]; return b, ok }

// Model returns the model with the id.
func (c *Catalog) Model(id uint32) (Model, bool) { m, ok := c.models[id]; return m, ok }

// Version returns the version with the id.
func (c *Catalog) Version(id uint32) (Version, bool) { v, ok := c.versions[id]; return v, ok }

// Models returns the brand's models, sorted by name.
func (c *Catalog) Models(brandID uint32) []Model { return c.modelsByBrand[brandID] }

// Versions returns the model's versions, sorted by name.
func (c *Catalog) Versions(modelID uint32) []Version { return c.versionsBy[modelID] }

// collator sorts names the way a Brazilian reader expects ("Água" under A).
type collator struct{ c *collate.Collator }

func newCollator() collator {
	return collator{collate.New(language.BrazilianPortuguese, collate.IgnoreCase)}
}

func (c collator) less(a, b string) bool { return c.c.CompareString(a, b) < 0 }

// Title names an ad's motorcycle: brand, model and version ("Honda CG 160
// Fan").
func (c *Catalog) Title(ad *Ad) string {
	b, _ := c.Brand(ad.BrandID)
	m, _ := c.Model(ad.ModelID)
	title := b.Name + " " + m.Name
	if ad.VersionID != nil {
		if v, ok := c.Version(*ad.VersionID); ok {
			title += " " + v.Name
		}
	}
	return strings.TrimSpace(title)
}
