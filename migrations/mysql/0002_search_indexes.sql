-- Indexes shaped for the searches of /motos: every filter that narrows the
-- listing leads its index, followed by the default order (newest first).
ALTER TABLE classifiedad
    DROP INDEX ix_ad_listed_brand,
    DROP INDEX ix_ad_listed_state,
    ADD INDEX ix_ad_listed_brand (listed, brand_id, published_at),
    ADD INDEX ix_ad_listed_model (listed, model_id, published_at),
    ADD INDEX ix_ad_listed_version (listed, model_version_id, published_at),
    ADD INDEX ix_ad_listed_state (listed, state_id, published_at),
    ADD INDEX ix_ad_listed_city (listed, city_id, published_at);
