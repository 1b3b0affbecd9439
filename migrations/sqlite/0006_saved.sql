-- Favourites, saved searches with their alerts, and price history.

-- An ad a person saved ("Salvar"): /favoritos lists them, and a drop of
-- the ad's price e-mails the people who saved it.
CREATE TABLE favorites (
    user_id         BIGINT NOT NULL,
    classifiedad_id BIGINT NOT NULL,
    created         DATETIME NOT NULL,
    PRIMARY KEY (user_id, classifiedad_id),
    CONSTRAINT fk_favorites_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_favorites_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
);
CREATE INDEX ix_favorites_ad ON favorites (classifiedad_id);

-- A saved search: its /motos query (what its link opens; query_hash is its
-- SHA-256, one saved search per person and query) and the same filter as
-- columns (what alerts match new ads against). alert is imediato, diario or
-- nenhum. seen_at is the person's last visit of the search ("N motos
-- novas" counts the matches since); digest_match_id is the last match a
-- daily digest told of.
CREATE TABLE saved_searches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT NOT NULL,
    name            VARCHAR(200) NOT NULL,
    query           VARCHAR(1000) NOT NULL,
    query_hash      CHAR(64) NOT NULL,
    alert           VARCHAR(10) NOT NULL DEFAULT 'nenhum',
    words           VARCHAR(300) NOT NULL DEFAULT '',
    brand_id        INTEGER NOT NULL DEFAULT 0,
    model_id        INTEGER NOT NULL DEFAULT 0,
    version_id      INTEGER NOT NULL DEFAULT 0,
    state_id        SMALLINT NOT NULL DEFAULT 0,
    city_id         INTEGER NOT NULL DEFAULT 0,
    price_min       BIGINT NOT NULL DEFAULT 0,
    price_max       BIGINT NOT NULL DEFAULT 0,
    year_min        SMALLINT NOT NULL DEFAULT 0,
    year_max        SMALLINT NOT NULL DEFAULT 0,
    km_max          INTEGER NOT NULL DEFAULT 0,
    type            VARCHAR(20) NOT NULL DEFAULT '',
    color           VARCHAR(10) NOT NULL DEFAULT '',
    seen_at         DATETIME NOT NULL,
    digest_match_id BIGINT NOT NULL DEFAULT 0,
    digest_at       DATETIME NULL,
    created         DATETIME NOT NULL,
    updated         DATETIME NOT NULL,
    CONSTRAINT fk_saved_searches_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX uq_saved_searches_query ON saved_searches (user_id, query_hash);
CREATE INDEX ix_saved_searches_updated ON saved_searches (updated);
CREATE INDEX ix_saved_searches_alert ON saved_searches (alert, digest_at);

-- An ad a saved search matched when the ad was first published.
CREATE TABLE saved_search_matches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    saved_search_id BIGINT NOT NULL,
    classifiedad_id BIGINT NOT NULL,
    created         DATETIME NOT NULL,
    CONSTRAINT fk_saved_search_matches_search FOREIGN KEY (saved_search_id) REFERENCES saved_searches (id) ON DELETE CASCADE,
    CONSTRAINT fk_saved_search_matches_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX uq_saved_search_matches ON saved_search_matches (saved_search_id, classifiedad_id);
CREATE INDEX ix_saved_search_matches_ad ON saved_search_matches (classifiedad_id);

-- An ad's prices, oldest first: its first price and every change.
CREATE TABLE classifiedad_prices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    classifiedad_id BIGINT NOT NULL,
    price           DECIMAL(10,2) NOT NULL,
    changed         DATETIME NOT NULL,
    CONSTRAINT fk_classifiedad_prices_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
);
CREATE INDEX ix_classifiedad_prices_ad ON classifiedad_prices (classifiedad_id, id);

-- price_drop_from is the price before the ad's latest reductions and
-- price_dropped_at the last of them: cards say "Preço reduzido" for 14
-- days. alerts_pending marks an ad published for the first time whose
-- saved-search alerts are still to be matched, price_alerts_pending a drop
-- its savers are still to be told of.
ALTER TABLE classifiedad ADD COLUMN price_drop_from DECIMAL(10,2) NULL;
ALTER TABLE classifiedad ADD COLUMN price_dropped_at DATETIME NULL;
ALTER TABLE classifiedad ADD COLUMN alerts_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE classifiedad ADD COLUMN price_alerts_pending BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX ix_ad_alerts_pending ON classifiedad (alerts_pending);
CREATE INDEX ix_ad_price_alerts_pending ON classifiedad (price_alerts_pending);
