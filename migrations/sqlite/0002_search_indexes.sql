-- Indexes shaped for the searches of /motos: every filter that narrows the
-- listing leads its index, followed by the default order (newest first).
DROP INDEX ix_ad_listed_brand;
DROP INDEX ix_ad_listed_state;
CREATE INDEX ix_ad_listed_brand ON classifiedad (listed, brand_id, published_at);
CREATE INDEX ix_ad_listed_model ON classifiedad (listed, model_id, published_at);
CREATE INDEX ix_ad_listed_version ON classifiedad (listed, model_version_id, published_at);
CREATE INDEX ix_ad_listed_state ON classifiedad (listed, state_id, published_at);
CREATE INDEX ix_ad_listed_city ON classifiedad (listed, city_id, published_at);
