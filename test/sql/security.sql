-- Security: every function runs as the caller (SECURITY INVOKER), so table
-- privileges and row-level security hold; registering needs ownership;
-- generated SQL does not depend on the caller's search_path.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA sec;
SET search_path = sec, public;

-- No relorm function is SECURITY DEFINER.
SELECT count(*) AS definer_functions FROM pg_proc
 WHERE proname LIKE 'relorm%' AND prosecdef;

CREATE TABLE post (id serial PRIMARY KEY, title text, owner_name text);
CREATE TABLE category (id serial PRIMARY KEY, name text, hidden boolean DEFAULT false);
CREATE TABLE post_categories (post_id int REFERENCES post, category_id int REFERENCES category,
                              PRIMARY KEY (post_id, category_id));
INSERT INTO post (title, owner_name) VALUES ('mine', 'relorm_reader'), ('theirs', 'someone');
INSERT INTO category (name, hidden) VALUES ('public', false), ('secret', true), ('open', false);
SELECT relorm_many_to_many('post', 'categories', 'category');
SELECT relorm_add('post', 'categories', 1, ARRAY[1, 2]);

CREATE ROLE relorm_reader;
GRANT USAGE ON SCHEMA sec TO relorm_reader;
GRANT SELECT ON post, category, post_categories TO relorm_reader;
SET ROLE relorm_reader;
-- reading works with SELECT privileges
SELECT relorm_relation_ids('post', 'categories', 1);
-- a role without INSERT on the junction cannot add (42501)
SELECT relorm_add('post', 'categories', 1, 3);
:e
-- ... nor register on a table it does not own (42501), nor drop
SELECT relorm_belongs_to('post_categories', 'post', 'post');
:e
SELECT relorm_drop_relation('post', 'categories');
:e
-- ... nor write the catalog directly
INSERT INTO relorm_catalog SELECT * FROM relorm_catalog;
:e
DELETE FROM relorm_catalog;
:e
RESET ROLE;
GRANT INSERT, DELETE ON post_categories TO relorm_reader;
SET ROLE relorm_reader;
SELECT relorm_add('post', 'categories', 1, 3);
RESET ROLE;

-- Row-level security hides rows from relorm_load_many and stops linking a
-- hidden row: to the caller it does not exist (P0002).
ALTER TABLE category ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible ON category FOR SELECT USING (NOT hidden);
ALTER TABLE post ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON post USING (owner_name = current_user);
SET ROLE relorm_reader;
SELECT relorm_load_many('post', 'categories', 1);
SELECT * FROM relorm_load_many(NULL::category, 'post', 'categories', 1);
SELECT relorm_remove('post', 'categories', 1, 2);
:e
SELECT relorm_add('post', 'categories', 1, 2);
:e
-- another owner's post is hidden too
SELECT relorm_add('post', 'categories', 2, 1);
:e
SELECT relorm_load_many('post', 'categories', 2);
:e
RESET ROLE;
-- the owner (not subject to RLS) sees everything that is linked
SELECT * FROM post_categories ORDER BY 1, 2;

-- An error inside a relorm read (here a policy's function raises) leaves
-- the session's jit setting as it was; inside, jit was off.
CREATE FUNCTION jit_probe() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'jit is %', current_setting('jit');
END $$;
CREATE POLICY probe ON category FOR SELECT USING (jit_probe());
SET jit = on;
SET ROLE relorm_reader;
DO $$
BEGIN
    PERFORM relorm_load_many('post', 'categories', 1);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'load_many: %', SQLERRM;
END $$;
DO $$
BEGIN
    PERFORM relorm_count_related('post', 'categories', 1);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'count_related: %', SQLERRM;
END $$;
DO $$
BEGIN
    PERFORM relorm_select('post', '{"select": ["id", {"categories": true}]}');
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'select: %', SQLERRM;
END $$;
SHOW jit;
RESET ROLE;
DROP POLICY probe ON category;
RESET jit;

-- Generated SQL qualifies every object and operator: an operator or a
-- function planted on the caller's search_path is never used.
CREATE SCHEMA trap;
CREATE FUNCTION trap.int4_trap_eq(int, int) RETURNS boolean LANGUAGE sql
    AS $$ SELECT true $$;
CREATE OPERATOR trap.= (LEFTARG = int, RIGHTARG = int, FUNCTION = trap.int4_trap_eq);
CREATE FUNCTION trap.row_to_json(anyelement) RETURNS json LANGUAGE sql
    AS $$ SELECT '"trapped"'::json $$;
CREATE FUNCTION trap.count(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT 42::bigint $$;
SET search_path = trap, pg_catalog, sec, public;
-- the trap catches unqualified SQL ...
SELECT count(*) AS trapped FROM post_categories WHERE post_id = 999;
-- ... but not relorm's
SELECT relorm_load_many('post', 'categories', 1);
SELECT relorm_relation_ids('post', 'categories', 1);
SELECT relorm_remove('post', 'categories', 1, 3);
SELECT * FROM post_categories ORDER BY 1, 2;
RESET search_path;
DROP SCHEMA trap CASCADE;

DROP SCHEMA sec CASCADE;
DROP ROLE relorm_reader;
