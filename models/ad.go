package models

import "time"

// Ad statuses. The first six are the original application's values.
const (
	StatusNew       = "new"       // submitted, waiting for the worker
	StatusPublished = "published" // public
	StatusUpdate    = "update"    // public, with changes waiting for the worker
	StatusDelete    = "delete"    // off the public pages, waiting for the worker to remove it
	StatusExpired   = "expired"   // past its expiry date; the owner can renew it
	StatusInactive  = "inactive"  // taken down by its owner
	StatusFailed    = "failed"    // the worker gave up; the owner sees why and can retry
)

// PendingStatuses are the statuses the worker still has to act on.
var PendingStatuses = []string{StatusNew, StatusUpdate, StatusDelete}

// Ad is a classified ad (classifiedad).
type Ad struct {
	ID               uint64 `gorm:"primaryKey"`
	UserID           uint64
	BrandID          uint32
	ModelID          uint32
	VersionID        *uint32 `gorm:"column:model_version_id"`
	Type             string
	Origin           string
	FabricationYear  int
	ModelYear        int
	LicensePlate     string
	Mileage          int
	IsNew            bool
	Color            string
	Price            Money
	SalesPhrase      string
	Description      string
	OptionalAlarm    bool
	OptionalChest    bool
	OptionalComputer bool
	OptionalGPS      bool `gorm:"column:optional_gps"`
	AcceptNewOffer   bool
	AcceptExchange   bool
	DocOK            *bool `gorm:"column:doc_ok"`
	TrackReady       *bool
	BrakeSystem      string
	IgnitionSystem   string
	Refrigeration    string
	StateID          uint16
	CityID           uint32
	Status           string
	StatusChanged    time.Time
	StatusReason     string
	Listed           bool
	HiddenAt         *time.Time
	HiddenReason     string
	TopOffer         bool
	SearchText       string
	PublishedAt      *time.Time
	ExpiresAt        *time.Time
	PriceDropFrom    *Money     // the price before the latest reductions
	PriceDroppedAt   *time.Time // the latest reduction
	// AlertsPending: first published, its saved-search alerts not matched
	// yet; PriceAlertsPending: its price fell, its savers not told yet.
	AlertsPending      bool
	PriceAlertsPending bool
	Created            time.Time `gorm:"autoCreateTime"`
	Updated            time.Time `gorm:"autoUpdateTime"`

	Images []Image `gorm:"foreignKey:AdID"`
}

// TableName maps Ad to the original's table.
func (Ad) TableName() string { return "classifiedad" }

// Image statuses.
const (
	ImagePending = "pending" // in the temporary bucket, waiting for the worker
	ImageReady   = "ready"   // variants in the public bucket
	ImageRemoved = "removed" // taken out of the ad; the worker deletes its objects
	ImageFailed  = "failed"  // could not be processed; Error says why
)

// Image is a photo of an ad (classifiedad_images). Position 0 is the cover.
type Image struct {
	ID          uint64 `gorm:"primaryKey"`
	AdID        uint64 `gorm:"column:classifiedad_id"`
	Position    int
	Status      string
	TmpKey      string
	ThumbKey    string
	LargeKey    string
	ThumbWidth  int
	ThumbHeight int
	LargeWidth  int
	LargeHeight int
	Error       string
	Created     time.Time `gorm:"autoCreateTime"`
}

// TableName maps Image to the original's table.
func (Image) TableName() string { return "classifiedad_images" }

// cardColumns are the columns a card shows: lists skip the rest (the
// description above all).
var cardColumns = []string{"id", "user_id", "brand_id", "model_id", "model_version_id", "fabrication_year", "model_year",
	"mileage", "is_new", "price", "state_id", "city_id", "status", "status_reason", "listed", "hidden_at", "hidden_reason",
	"top_offer", "published_at", "expires_at", "created", "updated"}
