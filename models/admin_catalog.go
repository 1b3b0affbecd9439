package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CatalogLevel is a level of the catalog: brands, their models, the models'
// versions.
type CatalogLevel int

// Catalog levels.
const (
	LevelBrand CatalogLevel = iota
	LevelModel
	LevelVersion
)

// levelInfo is how a level is stored and named.
type levelInfo struct {
	table   string // its table
	name    string // its name column
	parent  string // its parent's column; empty for brands
	adCol   string // the ad's column that refers to it
	profile string // the profile's column that refers to it; empty if none
	target  string // audit target kind
	noun    string // pt-BR, with its article, for the audit's details
	maxLen  int    // longest name, in characters
}

var levels = map[CatalogLevel]levelInfo{
	LevelBrand: {"motorcycle_brands", "brand", "", "brand_id", "motorcycle_brand_wanted_id",
		TargetBrand, "a marca", 50},
	LevelModel: {"motorcycle_brand_models", "model", "brand_id", "model_id", "motorcycle_brand_model_wanted_id",
		TargetModel, "o modelo", 50},
	LevelVersion: {"motorcycle_brand_models_versions", "version", "model_id", "model_version_id", "",
		TargetVersion, "a versão", 100},
}

// MaxName is the longest name the level's table takes, in characters.
func (l CatalogLevel) MaxName() int { return levels[l].maxLen }

// Catalog errors.
var (
	// ErrNameTaken: another item under the same parent has the name
	// (compared without case, accents or repeated spaces).
	ErrNameTaken = errors.New("name already in the catalog")
	// ErrSameItem: an item cannot be merged into itself.
	ErrSameItem = errors.New("cannot merge an item into itself")
)

// CatalogUsage counts what refers to a catalog item.
type CatalogUsage struct {
	Ads      int64 // ads that name it (any status)
	Models   int64 // a brand's models
	Versions int64 // a model's versions
	Profiles int64 // profiles that name it as the one wanted; cleared on delete
}

// InUse tells whether something that cannot be cleared refers to the item.
func (u CatalogUsage) InUse() bool { return u.Ads+u.Models+u.Versions > 0 }

// InUseError refuses to delete a catalog item that ads or other items use.
type InUseError struct{ Usage CatalogUsage }

// Error says what uses the item.
func (e *InUseError) Error() string {
	return fmt.Sprintf("catalog item in use by %d ads, %d models and %d versions", e.Usage.Ads, e.Usage.Models, e.Usage.Versions)
}

// MergeResult counts what a merge moved to the item kept.
type MergeResult struct {
	Ads      int64 // ads moved
	Models   int64 // a brand's models moved or merged
	Versions int64 // versions moved or merged
	Profiles int64 // profiles that now name the item kept
}

// catalogRow is an item of any level.
type catalogRow struct {
	ID     uint32
	Parent uint32 // 0 for brands
	Name   string
}

// columns selects an item as a catalogRow.
func (l levelInfo) columns() string {
	parent := "0"
	if l.parent != "" {
		parent = l.parent
	}
	return "id, " + l.name + " AS name, " + parent + " AS parent"
}

// readItem reads an item, locked for the transaction when lock is set.
func readItem(tx *gorm.DB, level CatalogLevel, id uint32, lock bool) (catalogRow, error) {
	l := levels[level]
	q := tx.Table(l.table).Select(l.columns()).Where("id = ?", id)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var rows []catalogRow
	if err := q.Scan(&rows).Error; err != nil {
		return catalogRow{}, fmt.Errorf("read %s %d: %w", l.target, id, err)
	}
	if len(rows) == 0 {
		return catalogRow{}, ErrNotFound
	}
	return rows[0], nil
}

// children lists the items of a level under a parent (every brand for
// LevelBrand).
func children(tx *gorm.DB, level CatalogLevel, parent uint32) ([]catalogRow, error) {
	l := levels[level]
	q := tx.Table(l.table).Select(l.columns())
	if l.parent != "" {
		q = q.Where(l.parent+" = ?", parent)
	}
	var rows []catalogRow
	if err := q.Order("id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list %s of %d: %w", l.target, parent, err)
	}
	return rows, nil
}

// sameName finds the item under parent whose name is name's, but for case,
// accents and spaces; skip is an id to leave out.
func sameName(tx *gorm.DB, level CatalogLevel, parent uint32, name string, skip uint32) (catalogRow, bool, error) {
	rows, err := children(tx, level, parent)
	if err != nil {
		return catalogRow{}, false, err
	}
	key := NameKey(name)
	for _, r := range rows {
		if r.ID != skip && NameKey(r.Name) == key {
			return r, true, nil
		}
	}
	return catalogRow{}, false, nil
}

// CatalogItemNamed finds the brand, the model of the brand parentID or the
// version of the model parentID with the name, compared as NameKey does.
func (db *DB) CatalogItemNamed(ctx context.Context, level CatalogLevel, parentID uint32, name string) (uint32, bool, error) {
	r, found, err := sameName(db.WithContext(ctx), level, parentID, name, 0)
	if err != nil {
		return 0, false, fmt.Errorf("find %s %q: %w", levels[level].target, name, err)
	}
	return r.ID, found, nil
}

// NameKey is how names are compared: lower case, without accents, spaces
// squeezed ("São  Paulo" and "sao paulo" are one name).
func NameKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// describe names an item for the audit, with its line: "“CB 300” (Honda)".
func describe(tx *gorm.DB, level CatalogLevel, r catalogRow) (string, error) {
	line := []string{}
	for up := r; level > LevelBrand; {
		level--
		var err error
		if up, err = readItem(tx, level, up.Parent, false); err != nil {
			return "", err
		}
		line = append([]string{up.Name}, line...)
	}
	if len(line) == 0 {
		return "“" + r.Name + "”", nil
	}
	return "“" + r.Name + "” (" + strings.Join(line, " ") + ")", nil
}

// catalogTx runs fn in a transaction that also bumps the catalog's version
// and writes the audit entry fn returns.
func (db *DB) catalogTx(ctx context.Context, actorID uint64, action string, fn func(tx *gorm.DB) (target, detail string, err error)) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		target, detail, err := fn(tx)
		if err != nil {
			return err
		}
		if err := bumpCatalog(tx); err != nil {
			return err
		}
		return audit(tx, actorID, action, target, detail)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrNameTaken
	}
	return err
}

// CreateCatalogItem adds a brand, a model to the brand parentID or a
// version to the model parentID, and returns its id. A name a sibling has
// already is ErrNameTaken; a missing parent is ErrNotFound.
func (db *DB) CreateCatalogItem(ctx context.Context, actorID uint64, level CatalogLevel, parentID uint32, name string) (uint32, error) {
	l := levels[level]
	var id uint32
	err := db.catalogTx(ctx, actorID, AuditCatalogCreate, func(tx *gorm.DB) (string, string, error) {
		if level != LevelBrand {
			if _, err := readItem(tx, level-1, parentID, true); err != nil {
				return "", "", err
			}
		}
		if _, taken, err := sameName(tx, level, parentID, name, 0); err != nil {
			return "", "", err
		} else if taken {
			return "", "", ErrNameTaken
		}
		var err error
		switch level {
		case LevelBrand:
			b := Brand{Name: name}
			err = tx.Create(&b).Error
			id = b.ID
		case LevelModel:
			m := Model{BrandID: parentID, Name: name}
			err = tx.Create(&m).Error
			id = m.ID
		default:
			v := Version{ModelID: parentID, Name: name}
			err = tx.Create(&v).Error
			id = v.ID
		}
		if err != nil {
			return "", "", err
		}
		what, err := describe(tx, level, catalogRow{ID: id, Parent: parentID, Name: name})
		return Target(l.target, uint64(id)), "Criou " + l.noun + " " + what + ".", err
	})
	if err != nil {
		return 0, fmt.Errorf("create %s %q: %w", l.target, name, err)
	}
	return id, nil
}

// RenameCatalogItem renames an item; a name a sibling has already is
// ErrNameTaken. The search text of the ads that name it follows.
func (db *DB) RenameCatalogItem(ctx context.Context, actorID uint64, level CatalogLevel, id uint32, name string) error {
	l := levels[level]
	err := db.catalogTx(ctx, actorID, AuditCatalogRename, func(tx *gorm.DB) (string, string, error) {
		cur, err := readItem(tx, level, id, true)
		if err != nil {
			return "", "", err
		}
		if _, taken, err := sameName(tx, level, cur.Parent, name, id); err != nil {
			return "", "", err
		} else if taken {
			return "", "", ErrNameTaken
		}
		what, err := describe(tx, level, cur)
		if err != nil {
			return "", "", err
		}
		if err := tx.Table(l.table).Where("id = ?", id).Update(l.name, name).Error; err != nil {
			return "", "", err
		}
		if !strings.EqualFold(cur.Name, name) {
			if err := refreshSearchText(tx, l.adCol+" = ?", id); err != nil {
				return "", "", err
			}
		}
		return Target(l.target, uint64(id)), "Renomeou " + l.noun + " " + what + " para “" + name + "”.", nil
	})
	if err != nil {
		return fmt.Errorf("rename %s %d: %w", l.target, id, err)
	}
	return nil
}

// SetBrandPopular marks a brand popular, or not.
func (db *DB) SetBrandPopular(ctx context.Context, actorID uint64, id uint32, popular bool) error {
	err := db.catalogTx(ctx, actorID, AuditBrandPopular, func(tx *gorm.DB) (string, string, error) {
		cur, err := readItem(tx, LevelBrand, id, true)
		if err != nil {
			return "", "", err
		}
		if err := tx.Model(&Brand{}).Where("id = ?", id).Update("popular", popular).Error; err != nil {
			return "", "", err
		}
		detail := "Marcou a marca “" + cur.Name + "” como popular."
		if !popular {
			detail = "Tirou a marca “" + cur.Name + "” das populares."
		}
		return Target(TargetBrand, uint64(id)), detail, nil
	})
	if err != nil {
		return fmt.Errorf("set brand %d popular: %w", id, err)
	}
	return nil
}

// usageOf counts what refers to an item.
func usageOf(tx *gorm.DB, level CatalogLevel, id uint32) (CatalogUsage, error) {
	l := levels[level]
	var u CatalogUsage
	type count struct {
		dst        *int64
		table, col string
	}
	counts := []count{{&u.Ads, "classifiedad", l.adCol}}
	if l.profile != "" {
		counts = append(counts, count{&u.Profiles, "user_profiles", l.profile})
	}
	switch level {
	case LevelBrand:
		counts = append(counts, count{&u.Models, levels[LevelModel].table, levels[LevelModel].parent})
	case LevelModel:
		counts = append(counts, count{&u.Versions, levels[LevelVersion].table, levels[LevelVersion].parent})
	}
	for _, c := range counts {
		if err := tx.Table(c.table).Where(c.col+" = ?", id).Count(c.dst).Error; err != nil {
			return u, fmt.Errorf("count uses of %s %d: %w", l.target, id, err)
		}
	}
	return u, nil
}

// CatalogUsageOf counts what refers to an item; a missing item is
// ErrNotFound.
func (db *DB) CatalogUsageOf(ctx context.Context, level CatalogLevel, id uint32) (CatalogUsage, error) {
	tx := db.WithContext(ctx)
	if _, err := readItem(tx, level, id, false); err != nil {
		return CatalogUsage{}, err
	}
	return usageOf(tx, level, id)
}

// DeleteCatalogItem deletes an item nothing uses; otherwise it returns an
// *InUseError saying what uses it. Profiles that wanted it forget it.
func (db *DB) DeleteCatalogItem(ctx context.Context, actorID uint64, level CatalogLevel, id uint32) error {
	l := levels[level]
	err := db.catalogTx(ctx, actorID, AuditCatalogDelete, func(tx *gorm.DB) (string, string, error) {
		cur, err := readItem(tx, level, id, true)
		if err != nil {
			return "", "", err
		}
		u, err := usageOf(tx, level, id)
		if err != nil {
			return "", "", err
		}
		if u.InUse() {
			return "", "", &InUseError{Usage: u}
		}
		what, err := describe(tx, level, cur)
		if err != nil {
			return "", "", err
		}
		if err := tx.Exec("DELETE FROM "+l.table+" WHERE id = ?", id).Error; err != nil {
			return "", "", err
		}
		return Target(l.target, uint64(id)), "Excluiu " + l.noun + " " + what + ".", nil
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		// An ad or an item was added meanwhile: say what uses it now.
		u, uerr := db.CatalogUsageOf(ctx, level, id)
		if uerr != nil {
			return fmt.Errorf("delete %s %d: %w", l.target, id, uerr)
		}
		err = &InUseError{Usage: u}
	}
	if err != nil {
		return fmt.Errorf("delete %s %d: %w", l.target, id, err)
	}
	return nil
}

// MergeCatalogItem merges the item from, a duplicate, into the item into of
// the same level, and deletes it: the ads that named it, the profiles that
// wanted it and its own models or versions move over (a model or version
// whose name the kept item has already is merged into that one in turn).
// Every moved ad names the kept item's whole line (brand, model, version).
func (db *DB) MergeCatalogItem(ctx context.Context, actorID uint64, level CatalogLevel, from, into uint32) (MergeResult, error) {
	l := levels[level]
	var res MergeResult
	if from == into {
		return res, ErrSameItem
	}
	err := db.catalogTx(ctx, actorID, AuditCatalogMerge, func(tx *gorm.DB) (string, string, error) {
		// Locked in id order, so that concurrent merges do not deadlock.
		first, second := min(from, into), max(from, into)
		a, err := readItem(tx, level, first, true)
		if err != nil {
			return "", "", err
		}
		b, err := readItem(tx, level, second, true)
		if err != nil {
			return "", "", err
		}
		src, dst := a, b
		if src.ID != from {
			src, dst = b, a
		}
		srcName, err := describe(tx, level, src)
		if err != nil {
			return "", "", err
		}
		dstName, err := describe(tx, level, dst)
		if err != nil {
			return "", "", err
		}
		var moved []uint64
		if err := tx.Model(&Ad{}).Where(l.adCol+" = ?", from).Pluck("id", &moved).Error; err != nil {
			return "", "", err
		}
		res.Ads = int64(len(moved))
		switch level {
		case LevelBrand:
			err = mergeBrand(tx, src, dst, &res)
		case LevelModel:
			err = mergeModel(tx, src, dst, &res)
		default:
			err = mergeVersion(tx, src, dst)
		}
		if err != nil {
			return "", "", err
		}
		for i := 0; i < len(moved); i += 500 { // a bounded list of values per statement
			if err := refreshSearchText(tx, "id IN ?", moved[i:min(i+500, len(moved))]); err != nil {
				return "", "", err
			}
		}
		return Target(l.target, uint64(into)), fmt.Sprintf("Mesclou %s %s em %s: %d anúncios, %d modelos, %d versões e %d perfis transferidos.",
			l.noun, srcName, dstName, res.Ads, res.Models, res.Versions, res.Profiles), nil
	})
	if err != nil {
		return res, fmt.Errorf("merge %s %d into %d: %w", l.target, from, into, err)
	}
	if res.Ads > 0 {
		db.AdsChanged(ctx) // the ads moved to another brand, model or version
	}
	return res, nil
}

// mergeBrand moves the brand from's models (merging those whose names into
// has already), ads and profiles to into, and deletes from.
func mergeBrand(tx *gorm.DB, from, into catalogRow, res *MergeResult) error {
	models, err := children(tx, LevelModel, from.ID)
	if err != nil {
		return err
	}
	for _, m := range models {
		res.Models++
		twin, found, err := sameName(tx, LevelModel, into.ID, m.Name, 0)
		if err != nil {
			return err
		}
		if found {
			if err := mergeModel(tx, m, twin, res); err != nil {
				return err
			}
			continue
		}
		if err := tx.Model(&Model{}).Where("id = ?", m.ID).Update("brand_id", into.ID).Error; err != nil {
			return err
		}
	}
	if err := tx.Model(&Ad{}).Where("brand_id = ?", from.ID).Update("brand_id", into.ID).Error; err != nil {
		return err
	}
	p := tx.Model(&Profile{}).Where("motorcycle_brand_wanted_id = ?", from.ID).Update("motorcycle_brand_wanted_id", into.ID)
	if p.Error != nil {
		return p.Error
	}
	res.Profiles += p.RowsAffected
	return tx.Exec("DELETE FROM motorcycle_brands WHERE id = ?", from.ID).Error
}

// mergeModel moves the model from's ads, versions (merging those whose names
// into has already) and profiles to into, and deletes from.
func mergeModel(tx *gorm.DB, from, into catalogRow, res *MergeResult) error {
	err := tx.Model(&Ad{}).Where("model_id = ?", from.ID).
		Updates(map[string]any{"model_id": into.ID, "brand_id": into.Parent}).Error
	if err != nil {
		return err
	}
	versions, err := children(tx, LevelVersion, from.ID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		res.Versions++
		twin, found, err := sameName(tx, LevelVersion, into.ID, v.Name, 0)
		if err != nil {
			return err
		}
		if found {
			if err := mergeVersion(tx, v, twin); err != nil {
				return err
			}
			continue
		}
		if err := tx.Model(&Version{}).Where("id = ?", v.ID).Update("model_id", into.ID).Error; err != nil {
			return err
		}
	}
	p := tx.Model(&Profile{}).Where("motorcycle_brand_model_wanted_id = ?", from.ID).
		Updates(map[string]any{"motorcycle_brand_model_wanted_id": into.ID, "motorcycle_brand_wanted_id": into.Parent})
	if p.Error != nil {
		return p.Error
	}
	res.Profiles += p.RowsAffected
	return tx.Exec("DELETE FROM motorcycle_brand_models WHERE id = ?", from.ID).Error
}

// mergeVersion moves the version from's ads to into, with into's model and
// brand, and deletes from.
func mergeVersion(tx *gorm.DB, from, into catalogRow) error {
	model, err := readItem(tx, LevelModel, into.Parent, false)
	if err != nil {
		return err
	}
	err = tx.Model(&Ad{}).Where("model_version_id = ?", from.ID).
		Updates(map[string]any{"model_version_id": into.ID, "model_id": model.ID, "brand_id": model.Parent}).Error
	if err != nil {
		return err
	}
	return tx.Exec("DELETE FROM motorcycle_brand_models_versions WHERE id = ?", from.ID).Error
}

// refreshSearchText rewrites the search text of the ads matching the
// condition from their catalog names, as the ad form writes it.
func refreshSearchText(tx *gorm.DB, cond string, arg any) error {
	var ads []Ad
	err := tx.Model(&Ad{}).Select("id", "brand_id", "model_id", "model_version_id", "city_id", "sales_phrase", "search_text").
		Where(cond, arg).FindInBatches(&ads, 500, func(*gorm.DB, int) error {
		names, err := lineNames(tx, ads)
		if err != nil {
			return err
		}
		cityIDs := make([]uint32, len(ads))
		for i, ad := range ads {
			cityIDs[i] = ad.CityID
		}
		var cities []City
		if err := tx.Where("id IN ?", cityIDs).Find(&cities).Error; err != nil {
			return err
		}
		cityNames := make(map[uint32]string, len(cities))
		for _, c := range cities {
			cityNames[c.ID] = c.Name
		}
		for _, ad := range ads {
			version := ""
			if ad.VersionID != nil {
				version = names[LevelVersion][*ad.VersionID]
			}
			text := SearchText(names[LevelBrand][ad.BrandID], names[LevelModel][ad.ModelID], version, cityNames[ad.CityID], ad.SalesPhrase)
			if text == ad.SearchText {
				continue
			}
			if err := tx.Model(&Ad{}).Where("id = ?", ad.ID).UpdateColumn("search_text", text).Error; err != nil {
				return err
			}
		}
		return nil
	}).Error
	if err != nil {
		return fmt.Errorf("refresh search text: %w", err)
	}
	return nil
}

// lineNames reads the names of the brands, models and versions of the ads.
func lineNames(tx *gorm.DB, ads []Ad) (map[CatalogLevel]map[uint32]string, error) {
	ids := map[CatalogLevel][]uint32{}
	for _, ad := range ads {
		ids[LevelBrand] = append(ids[LevelBrand], ad.BrandID)
		ids[LevelModel] = append(ids[LevelModel], ad.ModelID)
		if ad.VersionID != nil {
			ids[LevelVersion] = append(ids[LevelVersion], *ad.VersionID)
		}
	}
	out := map[CatalogLevel]map[uint32]string{}
	for level, l := range levels {
		out[level] = map[uint32]string{}
		if len(ids[level]) == 0 {
			continue
		}
		var rows []catalogRow
		if err := tx.Table(l.table).Select("id, "+l.name+" AS name").
			Where("id IN ?", ids[level]).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[level][r.ID] = r.Name
		}
	}
	return out, nil
}

// CatalogAdCounts counts the ads (any status) of every brand, of the brand
// parent's models, or of the model parent's versions.
func (db *DB) CatalogAdCounts(ctx context.Context, level CatalogLevel, parent uint32) (map[uint32]int64, error) {
	l := levels[level]
	q := db.WithContext(ctx).Model(&Ad{}).Select(l.adCol + " AS id, COUNT(*) AS n").Where(l.adCol + " IS NOT NULL")
	if level != LevelBrand {
		q = q.Where(levels[level-1].adCol+" = ?", parent)
	}
	var rows []struct {
		ID uint32
		N  int64
	}
	if err := q.Group(l.adCol).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count ads per %s: %w", l.target, err)
	}
	out := make(map[uint32]int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}
