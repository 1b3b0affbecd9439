-- Favourites, saved searches with their alerts, and price history.

-- An ad a person saved ("Salvar"): /favoritos lists them, and a drop of
-- the ad's price e-mails the people who saved it.
CREATE TABLE favorites (
    user_id         BIGINT UNSIGNED NOT NULL,
    classifiedad_id BIGINT UNSIGNED NOT NULL,
    created         DATETIME(6)     NOT NULL,
    PRIMARY KEY (user_id, classifiedad_id),
    KEY ix_favorites_ad (classifiedad_id),
    CONSTRAINT fk_favorites_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_favorites_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A saved search: its /motos query (what its link opens; query_hash is its
-- SHA-256, one saved search per person and query) and the same filter as
-- columns (what alerts match new ads against). alert is imediato, diario or
-- nenhum. seen_at is the person's last visit of the search ("N motos
-- novas" counts the matches since); digest_match_id is the last match a
-- daily digest told of.
CREATE TABLE saved_searches (
    id              BIGINT UNSIGNED   NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT UNSIGNED   NOT NULL,
    name            VARCHAR(200)      NOT NULL,
    query           VARCHAR(1000)     NOT NULL,
    query_hash      CHAR(64)          NOT NULL,
    alert           VARCHAR(10)       NOT NULL DEFAULT 'nenhum',
    words           VARCHAR(300)      NOT NULL DEFAULT '',
    brand_id        INT UNSIGNED      NOT NULL DEFAULT 0,
    model_id        INT UNSIGNED      NOT NULL DEFAULT 0,
    version_id      INT UNSIGNED      NOT NULL DEFAULT 0,
    state_id        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    city_id         INT UNSIGNED      NOT NULL DEFAULT 0,
    price_min       BIGINT            NOT NULL DEFAULT 0,
    price_max       BIGINT            NOT NULL DEFAULT 0,
    year_min        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    year_max        SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    km_max          INT UNSIGNED      NOT NULL DEFAULT 0,
    type            VARCHAR(20)       NOT NULL DEFAULT '',
    color           VARCHAR(10)       NOT NULL DEFAULT '',
    seen_at         DATETIME(6)       NOT NULL,
    digest_match_id BIGINT UNSIGNED   NOT NULL DEFAULT 0,
    digest_at       DATETIME(6)       NULL,
    created         DATETIME(6)       NOT NULL,
    updated         DATETIME(6)       NOT NULL,
    UNIQUE KEY uq_saved_searches_query (user_id, query_hash),
    KEY ix_saved_searches_updated (updated),
    KEY ix_saved_searches_alert (alert, digest_at),
    CONSTRAINT fk_saved_searches_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An ad a saved search matched when the ad was first published.
CREATE TABLE saved_search_matches (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    saved_search_id BIGINT UNSIGNED NOT NULL,
    classifiedad_id BIGINT UNSIGNED NOT NULL,
    created         DATETIME(6)     NOT NULL,
    UNIQUE KEY uq_saved_search_matches (saved_search_id, classifiedad_id),
    KEY ix_saved_search_matches_ad (classifiedad_id),
    CONSTRAINT fk_saved_search_matches_search FOREIGN KEY (saved_search_id) REFERENCES saved_searches (id) ON DELETE CASCADE,
    CONSTRAINT fk_saved_search_matches_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An ad's prices, oldest first: its first price and every change.
CREATE TABLE classifiedad_prices (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    classifiedad_id BIGINT UNSIGNED NOT NULL,
    price           DECIMAL(10,2)   NOT NULL,
    changed         DATETIME(6)     NOT NULL,
    KEY ix_classifiedad_prices_ad (classifiedad_id, id),
    CONSTRAINT fk_classifiedad_prices_ad FOREIGN KEY (classifiedad_id) REFERENCES classifiedad (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- price_drop_from is the price before the ad's latest reductions and
-- price_dropped_at the last of them: cards say "Preço reduzido" for 14
-- days. alerts_pending marks an ad published for the first time whose
-- saved-search alerts are still to be matched, price_alerts_pending a drop
-- its savers are still to be told of.
ALTER TABLE classifiedad
    ADD COLUMN price_drop_from  DECIMAL(10,2) NULL,
    ADD COLUMN price_dropped_at DATETIME(6)   NULL,
    ADD COLUMN alerts_pending   BOOLEAN       NOT NULL DEFAULT FALSE,
    ADD COLUMN price_alerts_pending BOOLEAN   NOT NULL DEFAULT FALSE;

CREATE INDEX ix_ad_alerts_pending ON classifiedad (alerts_pending);
CREATE INDEX ix_ad_price_alerts_pending ON classifiedad (price_alerts_pending);
