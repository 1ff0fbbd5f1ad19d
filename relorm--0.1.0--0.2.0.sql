-- relorm 0.1.0 -> 0.2.0
--
-- Applied by ALTER EXTENSION relorm UPDATE, and by CREATE EXTENSION relorm
-- after relorm--0.1.0.sql.  Search-path safe as the install script: every
-- object is qualified with @extschema@ or pg_catalog.
\echo Use "ALTER EXTENSION relorm UPDATE" to load this file. \quit

-- ---------------------------------------------------------------------
-- Comments: every function of 0.1.0 (\df+ documents it)
-- ---------------------------------------------------------------------

COMMENT ON FUNCTION @extschema@.relorm_attnums(pg_catalog.regclass, pg_catalog.text[], pg_catalog.int2[]) IS
    'relorm_attnums(rel, names, fallback): the attribute numbers of the named columns of rel, else fallback; used by the restore trigger of relorm_catalog, not part of the API.';
COMMENT ON FUNCTION @extschema@.relorm_catalog_restored() IS
    'relorm_catalog_restored(): trigger that finds a restored catalog row''s columns by name (pg_dump renumbers columns); not part of the API.';
COMMENT ON FUNCTION @extschema@.relorm_belongs_to(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text[], pg_catalog.text[], pg_catalog.jsonb) IS
    'relorm_belongs_to(source, name, target, foreign_key, references, options): register a many-to-one relation whose foreign key is on source. Example: SELECT relorm_belongs_to(''book'', ''author'', ''author'').';
COMMENT ON FUNCTION @extschema@.relorm_has_one(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text[], pg_catalog.text[], pg_catalog.jsonb) IS
    'relorm_has_one(source, name, target, foreign_key, references, options): register a one-to-one relation whose foreign key is on target.';
COMMENT ON FUNCTION @extschema@.relorm_has_many(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.text[], pg_catalog.text[], pg_catalog.jsonb) IS
    'relorm_has_many(source, name, target, foreign_key, references, options): register a one-to-many relation whose foreign key is on target. Example: SELECT relorm_has_many(''author'', ''books'', ''book'').';
COMMENT ON FUNCTION @extschema@.relorm_many_to_many(pg_catalog.regclass, pg_catalog.text, pg_catalog.regclass, pg_catalog.regclass, pg_catalog.text[], pg_catalog.text[], pg_catalog.jsonb) IS
    'relorm_many_to_many(source, name, target, junction, source_key, target_key, options): register a many-to-many relation through a junction table.';
COMMENT ON FUNCTION @extschema@.relorm_drop_relation(pg_catalog.regclass, pg_catalog.text) IS
    'relorm_drop_relation(source, name): forget a relation (tables and data are untouched).';
COMMENT ON FUNCTION @extschema@.relorm_add(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_add(source, relation, owner, targets): link targets to the owner without loading anything (has_many, many_to_many); returns the links made.';
COMMENT ON FUNCTION @extschema@.relorm_remove(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_remove(source, relation, owner, targets): unlink targets from the owner; returns the links removed.';
COMMENT ON FUNCTION @extschema@.relorm_set(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_set(source, relation, owner, target): point a to-one relation at target (NULL unsets), or make targets the whole set of a to-many relation; returns the rows changed.';
COMMENT ON FUNCTION @extschema@.relorm_load_one(pg_catalog.regclass, pg_catalog.text, "any") IS
    'relorm_load_one(source, relation, owner): the related row of a to-one relation as json, or NULL.';
COMMENT ON FUNCTION @extschema@.relorm_load_one(anyelement, pg_catalog.regclass, pg_catalog.text, "any") IS
    'relorm_load_one(NULL::target, source, relation, owner): the related row of a to-one relation, typed.';
COMMENT ON FUNCTION @extschema@.relorm_load_many(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
    'relorm_load_many(source, relation, owner, query): the related rows of a to-many relation as json, shaped by an optional query.';
COMMENT ON FUNCTION @extschema@.relorm_load_many(anyelement, pg_catalog.regclass, pg_catalog.text, "any") IS
    'relorm_load_many(NULL::target, source, relation, owner): the related rows of a to-many relation, typed.';
COMMENT ON FUNCTION @extschema@.relorm_relation_ids(pg_catalog.regclass, pg_catalog.text, "any") IS
    'relorm_relation_ids(source, relation, owner): the keys of the related rows as jsonb, without loading them.';
COMMENT ON FUNCTION @extschema@.relorm_select(pg_catalog.regclass, pg_catalog.jsonb) IS
    'relorm_select(source, query): the source rows shaped by a query (nested relations, aggregates, filters, order, pages) as json, in one statement.';
COMMENT ON FUNCTION @extschema@.relorm_select(anyelement, pg_catalog.regclass, pg_catalog.jsonb) IS
    'relorm_select(NULL::source, source, query): the source rows a query selects, typed.';
COMMENT ON FUNCTION @extschema@.relorm_query_related(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
    'relorm_query_related(source, relation, owner, query): the owner''s related rows, shaped by a query, as json.';
COMMENT ON FUNCTION @extschema@.relorm_query_related(anyelement, pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
    'relorm_query_related(NULL::target, source, relation, owner, query): the owner''s related rows a query selects, typed.';
COMMENT ON FUNCTION @extschema@.relorm_count_related(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
    'relorm_count_related(source, relation, owner, where): how many related rows the owner has (that match where).';
COMMENT ON FUNCTION @extschema@.relorm_exists_related(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
    'relorm_exists_related(source, relation, owner, where): whether the owner has a related row (that matches where).';
COMMENT ON FUNCTION @extschema@.relorm_chain(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb) IS
    'relorm_chain(source, path, query): the rows reached by following a path of relations (''books.reviews''), each once, as json.';
COMMENT ON FUNCTION @extschema@.relorm_chain(anyelement, pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb) IS
    'relorm_chain(NULL::final, source, path, query): the rows a path reaches, typed.';
COMMENT ON FUNCTION @extschema@.relorm_where_exists(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb) IS
    'relorm_where_exists(source, relation, where): the source rows that have a (matching) related row, as json.';
COMMENT ON FUNCTION @extschema@.relorm_where_exists(anyelement, pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb) IS
    'relorm_where_exists(NULL::source, source, relation, where): the source rows that have a (matching) related row, typed.';
COMMENT ON FUNCTION @extschema@.relorm_join(pg_catalog.regclass, pg_catalog.text, pg_catalog.jsonb) IS
    'relorm_join(source, relation, query): the source rows joined with their related rows, flat, as json (related columns as "relation.col").';
COMMENT ON FUNCTION @extschema@.relorm_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
    'relorm_sql(source, query): the SQL statement relorm_select runs for a query.';
COMMENT ON FUNCTION @extschema@.relorm_attach(pg_catalog.regclass, pg_catalog.text, "any", "any", pg_catalog.jsonb, pg_catalog.bool) IS
    'relorm_attach(source, relation, owner, targets, pivot, duplicates): link many_to_many targets with pivot fields (Laravel attach); returns {"attached": [keys]}.';
COMMENT ON FUNCTION @extschema@.relorm_detach(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_detach(source, relation, owner, targets): unlink many_to_many targets, all when NULL (Laravel detach); returns {"detached": [keys]}.';
COMMENT ON FUNCTION @extschema@.relorm_toggle(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_toggle(source, relation, owner, targets): unlink the linked targets and link the others (Laravel toggle).';
COMMENT ON FUNCTION @extschema@.relorm_update_pivot(pg_catalog.regclass, pg_catalog.text, "any", "any", pg_catalog.jsonb) IS
    'relorm_update_pivot(source, relation, owner, target, fields): update the pivot fields of one link (Laravel updateExistingPivot).';
COMMENT ON FUNCTION @extschema@.relorm_associate(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_associate(source, relation, owner, child): set a has_many child''s foreign key to the owner (Laravel associate).';
COMMENT ON FUNCTION @extschema@.relorm_dissociate(pg_catalog.regclass, pg_catalog.text, "any", "any") IS
    'relorm_dissociate(source, relation, owner, child): clear a has_many child''s foreign key if it points at the owner (Laravel dissociate).';
COMMENT ON FUNCTION @extschema@.relorm_sql(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.bool) IS
    'relorm_sql(source, relation, operation, many): the statement(s) a link or pivot operation runs, with $n parameters.';
COMMENT ON FUNCTION @extschema@.relorm_sql_drop_trigger() IS
    'relorm_sql_drop_trigger(): sql_drop event trigger that removes the relations of dropped tables and columns; not part of the API.';
COMMENT ON FUNCTION @extschema@.relorm_rename_trigger() IS
    'relorm_rename_trigger(): ddl_command_end event trigger that keeps stored column names current after RENAME COLUMN; not part of the API.';

-- ---------------------------------------------------------------------
-- Section: registration (SPEC §2)
-- ---------------------------------------------------------------------

-- relorm_infer: the relations a schema's foreign keys and junctions imply.
CREATE FUNCTION @extschema@.relorm_infer(schema pg_catalog.name DEFAULT 'public')
RETURNS SETOF @extschema@.relorm_relations AS 'MODULE_PATHNAME', 'relorm_infer'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_infer(pg_catalog.name) IS
    'relorm_infer(schema): register, for every foreign key of the schema''s tables, a belongs_to and its inverse has_many (has_one), and for every junction a many_to_many both ways; idempotent; returns the relations registered. Example: SELECT name, kind FROM relorm_infer(''public'').';

-- Through relations (kinds has_many_through, has_one_through): the
-- catalog's kind check admits them.  The catalog is a configuration table
-- of the extension: pg_dump dumps its rows, not its constraints, so a
-- restore gets this check from the script.
ALTER TABLE @extschema@.relorm_catalog DROP CONSTRAINT relorm_catalog_kind_check;
ALTER TABLE @extschema@.relorm_catalog ADD CONSTRAINT relorm_catalog_kind_check
    CHECK (kind OPERATOR(pg_catalog.=) ANY
        (ARRAY['belongs_to', 'has_one', 'has_many', 'many_to_many',
               'has_many_through', 'has_one_through']::pg_catalog.text[]));

CREATE FUNCTION @extschema@.relorm_has_many_through(
    source pg_catalog.regclass, name pg_catalog.text, through pg_catalog.text,
    via pg_catalog.text)
RETURNS void AS 'MODULE_PATHNAME', 'relorm_has_many_through'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_has_many_through(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'relorm_has_many_through(source, name, through, via): register a read-only relation to the rows reached by the source''s relation through and then its target''s relation via, each once. Example: SELECT relorm_has_many_through(''author'', ''reviews'', ''books'', ''reviews'').';

CREATE FUNCTION @extschema@.relorm_has_one_through(
    source pg_catalog.regclass, name pg_catalog.text, through pg_catalog.text,
    via pg_catalog.text)
RETURNS void AS 'MODULE_PATHNAME', 'relorm_has_one_through'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_has_one_through(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'relorm_has_one_through(source, name, through, via): register a read-only relation to the row two to-one relations in a row reach. Example: SELECT relorm_has_one_through(''book'', ''author_profile'', ''author'', ''profile'').';

-- (end of section: registration)


-- ---------------------------------------------------------------------
-- Section: reads (SPEC §4-5)
-- ---------------------------------------------------------------------

-- relorm_sync gains pivot (fields for every target, Laravel's
-- syncWithPivotValues), as SPEC §4 writes it: one function with defaults,
-- which replaces the five-argument form of 0.1.0 (every call of that form
-- is a call of this one; two forms with defaults would make them
-- ambiguous).
DROP FUNCTION @extschema@.relorm_sync(pg_catalog.regclass, pg_catalog.text, "any", "any", pg_catalog.bool);
CREATE FUNCTION @extschema@.relorm_sync(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any",
    detaching pg_catalog.bool DEFAULT true, pivot pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_sync'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_sync(pg_catalog.regclass, pg_catalog.text, "any", "any", pg_catalog.bool, pg_catalog.jsonb) IS
    'relorm_sync(source, relation, owner, targets, detaching, pivot): link exactly targets (Laravel sync); pivot gives fields for every target (syncWithPivotValues), a target''s own fields win; returns {"attached", "detached", "updated"}.';

-- relorm_count(source, where): the rows of source a filter matches
-- (PostgREST count=exact, pg_graphql totalCount).
CREATE FUNCTION @extschema@.relorm_count(
    source pg_catalog.regclass, "where" pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_count'
LANGUAGE C STABLE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_count(pg_catalog.regclass, pg_catalog.jsonb) IS
    'relorm_count(source, where): how many rows of source match where (all rows when NULL), for page totals.';

-- (end of section: reads)


-- ---------------------------------------------------------------------
-- Section: writes (SPEC §6)
-- ---------------------------------------------------------------------

-- relorm_create(source, data): nested create / connect / connect_or_create.
CREATE FUNCTION @extschema@.relorm_create(source pg_catalog.regclass, data pg_catalog.jsonb)
RETURNS pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_create'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_create(pg_catalog.regclass, pg_catalog.jsonb) IS
'create a row (object) or rows (array) with nested writes through relations; returns the row(s) as json';

-- relorm_update(source, where, data): columns and nested relation operations.
CREATE FUNCTION @extschema@.relorm_update(
    source pg_catalog.regclass, "where" pg_catalog.jsonb, data pg_catalog.jsonb)
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_update'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_update(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.jsonb) IS
'update the rows "where" matches with data''s columns and relation operations; returns how many matched';

-- relorm_delete(source, where): delete, following cascade "remove" first.
CREATE FUNCTION @extschema@.relorm_delete(source pg_catalog.regclass, "where" pg_catalog.jsonb)
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_delete'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_delete(pg_catalog.regclass, pg_catalog.jsonb) IS
'delete the rows "where" matches, following relations with cascade remove first; returns how many';

CREATE FUNCTION @extschema@.relorm_create_related(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", data pg_catalog.jsonb)
RETURNS pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_create_related'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_create_related(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
'create rows related to the owner (junction rows too); returns them as json';

CREATE FUNCTION @extschema@.relorm_update_related(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    "where" pg_catalog.jsonb, data pg_catalog.jsonb)
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_update_related'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_update_related(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb, pg_catalog.jsonb) IS
'update the owner''s related rows that "where" matches; returns how many';

CREATE FUNCTION @extschema@.relorm_delete_related(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    "where" pg_catalog.jsonb DEFAULT '{}')
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_delete_related'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_delete_related(pg_catalog.regclass, pg_catalog.text, "any", pg_catalog.jsonb) IS
'delete the owner''s related rows that "where" matches (many_to_many: targets and junction rows); returns how many';

-- relorm_save(source, entity): TypeORM's save, cascades included.
CREATE FUNCTION @extschema@.relorm_save(source pg_catalog.regclass, entity pg_catalog.jsonb)
RETURNS pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_save'
LANGUAGE C VOLATILE SECURITY INVOKER;
COMMENT ON FUNCTION @extschema@.relorm_save(pg_catalog.regclass, pg_catalog.jsonb) IS
'insert or update the entity by primary key, following its relation keys with the relations'' cascades; returns it with generated keys filled in';

-- (end of section: writes)


-- ---------------------------------------------------------------------
-- Section: hardening
-- ---------------------------------------------------------------------

-- (end of section: hardening)
