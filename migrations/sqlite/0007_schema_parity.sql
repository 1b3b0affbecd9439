-- The indexes MariaDB made for the foreign keys no other index starts with
-- the columns of, under the names MariaDB gave them (the constraint's), so
-- that both databases have the same indexes: deleting or re-parenting a
-- user, brand, model, version, state or city no longer scans the child
-- tables here.
CREATE INDEX fk_audit_actor ON audit_log (actor_id);
CREATE INDEX fk_ad_brand ON classifiedad (brand_id);
CREATE INDEX fk_ad_city ON classifiedad (city_id);
CREATE INDEX fk_ad_model ON classifiedad (model_id);
CREATE INDEX fk_ad_state ON classifiedad (state_id);
CREATE INDEX fk_ad_version ON classifiedad (model_version_id);
CREATE INDEX fk_messages_user ON messages (author_user_id);
CREATE INDEX fk_reports_closer ON reports (closed_by);
CREATE INDEX fk_reports_user ON reports (reporter_user_id);
CREATE INDEX fk_profiles_brand ON user_profiles (motorcycle_brand_wanted_id);
CREATE INDEX fk_profiles_city ON user_profiles (city_id);
CREATE INDEX fk_profiles_model ON user_profiles (motorcycle_brand_model_wanted_id);
CREATE INDEX fk_profiles_state ON user_profiles (state_id);
