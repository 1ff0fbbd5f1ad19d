-- ALTER EXTENSION relorm UPDATE from 0.1.0: registrations and links made
-- under 0.1.0 keep working, and the update adds what 0.2.0 has.
\set SHOW_CONTEXT never
DROP EXTENSION relorm;
CREATE EXTENSION relorm VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'relorm';
CREATE SCHEMA upg;
SET search_path = upg, public;
CREATE TABLE post (id int PRIMARY KEY, title text);
CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE post_tags (post_id int REFERENCES post, tag_id int REFERENCES tag,
                        PRIMARY KEY (post_id, tag_id));
INSERT INTO post VALUES (1, 'hello');
INSERT INTO tag VALUES (1, 'a'), (2, 'b');
SELECT relorm_many_to_many('post', 'tags', 'tag');
SELECT relorm_attach('post', 'tags', 1, 1);

-- the functions of 0.1.0, to compare with after the update
CREATE TEMP TABLE before AS
SELECT p.oid::regprocedure::text AS fn
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm';

ALTER EXTENSION relorm UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'relorm';

-- what 0.1.0 registered and linked is still there and works
SELECT name, kind FROM relorm_relations ORDER BY 1;
SELECT relorm_attach('post', 'tags', 1, 2);
SELECT * FROM relorm_load_many('post', 'tags', 1);

-- no function of 0.1.0 was lost: the same signatures, but for relorm_sync,
-- whose 0.1.0 form is replaced by one with a further defaulted argument
SELECT fn FROM before WHERE fn NOT LIKE 'relorm_sync(%'
EXCEPT
SELECT p.oid::regprocedure::text
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm';
-- and every call of the replaced form still works
SELECT relorm_sync('post', 'tags', 1, ARRAY[1]);
SELECT relorm_sync('post', 'tags', 1, ARRAY[1, 2], false);
SELECT relorm_sync('post', 'tags', 1, ARRAY[2], detaching => true);

-- every function of the extension has a comment
SELECT p.oid::regprocedure AS uncommented
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'relorm'
WHERE obj_description(p.oid, 'pg_proc') IS NULL
ORDER BY 1;

RESET search_path;
DROP SCHEMA upg CASCADE;
DROP EXTENSION relorm;
CREATE EXTENSION relorm;
