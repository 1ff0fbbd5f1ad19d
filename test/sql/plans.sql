-- Adding one link to an owner that already has 100k links reads none of
-- them: the statement finds the owner and the target by key, and the
-- insert's ON CONFLICT probes the junction's primary key for the one pair.
-- (The plan is the generic one the kept prepared statement settles on.)
CREATE SCHEMA plans;
SET search_path = plans, public;
CREATE TABLE post (id int PRIMARY KEY);
CREATE TABLE category (id int PRIMARY KEY);
CREATE TABLE post_categories (post_id int REFERENCES post, category_id int REFERENCES category,
                              PRIMARY KEY (post_id, category_id));
INSERT INTO post SELECT generate_series(1, 1000);
INSERT INTO category SELECT generate_series(1, 100001);
-- post 1 has 100k links; posts 2..1000 have 20 each
INSERT INTO post_categories SELECT 1, g FROM generate_series(1, 100000) g;
INSERT INTO post_categories SELECT p, c FROM generate_series(2, 1000) p, generate_series(1, 20) c;
VACUUM ANALYZE post, category, post_categories;
SELECT relorm_many_to_many('post', 'categories', 'category');

-- explain_filter runs EXPLAIN and drops "Heap Fetches", which depends on
-- the visibility map rather than on the plan.
CREATE FUNCTION explain_filter(statement text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || statement LOOP
        IF line NOT LIKE '%Heap Fetches%' THEN
            RETURN NEXT line;
        END IF;
    END LOOP;
END $$;

SELECT relorm_sql('post', 'categories', 'add') AS add_one \gset
PREPARE add_one AS :add_one;
SET plan_cache_mode = force_generic_plan;
BEGIN;
SELECT explain_filter('EXECUTE add_one(1, 100001)');
ROLLBACK;
RESET plan_cache_mode;

-- The same through relorm_add: one link made, 100001 in all.
SELECT relorm_add('post', 'categories', 1, 100001);
SELECT count(*) FROM post_categories WHERE post_id = 1;
-- loading goes through the junction's index too
SELECT relorm_sql('post', 'categories', 'relation_ids') AS ids \gset
PREPARE ids AS :ids;
EXPLAIN (COSTS OFF) EXECUTE ids(2);

RESET search_path;
DROP SCHEMA plans CASCADE;
