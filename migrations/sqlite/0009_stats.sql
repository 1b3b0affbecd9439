-- What people do, counted per day (Brasília time) by the web processes and
-- added in batches: the views of each ad's page and the taps on its
-- WhatsApp and phone buttons; the searches by what they looked for, and
-- how many found nothing. No foreign key: counts of an ad deleted between
-- two batches are kept, and harmless.
CREATE TABLE ad_stats_daily (
    classifiedad_id BIGINT NOT NULL,
    day             CHAR(10) NOT NULL,
    views           INT NOT NULL DEFAULT 0,
    whatsapp        INT NOT NULL DEFAULT 0,
    phone           INT NOT NULL DEFAULT 0,
    PRIMARY KEY (classifiedad_id, day)
);

CREATE TABLE search_stats_daily (
    day      CHAR(10) NOT NULL,
    brand_id INT NOT NULL DEFAULT 0,
    model_id INT NOT NULL DEFAULT 0,
    state_id SMALLINT NOT NULL DEFAULT 0,
    words    VARCHAR(100) NOT NULL DEFAULT '',
    searches INT NOT NULL DEFAULT 0,
    empty    INT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, brand_id, model_id, state_id, words)
);

-- The admin's charts count accounts and publications per day.
CREATE INDEX ix_ad_published ON classifiedad (published_at);
