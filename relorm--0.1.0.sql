/* relorm--0.1.0.sql: the first release of relorm's SQL surface. */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION relorm" to load this file. \quit

-- Every object below is schema-qualified (@extschema@ or pg_catalog), so
-- the script does not depend on search_path.

/*
 * The relation catalog.  Tables are stored by OID (regclass) and columns by
 * attribute number, so renames keep relations working.  Only relorm's C
 * functions write it, after checking that the caller owns the source
 * table; nobody needs (or gets) write privileges on it.
 *
 *   source.source_columns = target.target_columns            (belongs_to:
 *       the foreign key is on the source; has_one/has_many: on the target)
 *   source.source_columns = junction.junction_source_columns and
 *   junction.junction_target_columns = target.target_columns  (many_to_many)
 */
CREATE TABLE @extschema@.relorm_catalog (
    source                  pg_catalog.regclass NOT NULL,
    name                    pg_catalog.text     NOT NULL,
    kind                    pg_catalog.text     NOT NULL,
    target                  pg_catalog.regclass NOT NULL,
    junction                pg_catalog.regclass,
    source_columns          pg_catalog.int2[]   NOT NULL,
    target_columns          pg_catalog.int2[]   NOT NULL,
    junction_source_columns pg_catalog.int2[],
    junction_target_columns pg_catalog.int2[],
    options                 pg_catalog.jsonb    NOT NULL,
    column_names            pg_catalog.text[]   NOT NULL,
    CONSTRAINT relorm_catalog_pkey PRIMARY KEY (source, name),
    CONSTRAINT relorm_catalog_kind_check CHECK (kind OPERATOR(pg_catalog.=) ANY
        (ARRAY['belongs_to', 'has_one', 'has_many', 'many_to_many']::pg_catalog.text[]))
);
-- pg_dump dumps the registrations (regclass columns as names); column_names
-- holds the names of the columns the attribute numbers point at, kept in
-- step on RENAME COLUMN, so that a restore that numbers columns differently
-- still finds them.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.relorm_catalog', '');
REVOKE ALL ON @extschema@.relorm_catalog FROM PUBLIC;

-- relorm_catalog_restored: rows inserted by SQL rather than by relorm's C
-- functions (which bypass triggers) come from a restore: find their columns
-- again by name, as the restored tables may number them differently.
CREATE FUNCTION @extschema@.relorm_attnums(rel pg_catalog.regclass, names pg_catalog.text[],
                                           fallback pg_catalog.int2[])
RETURNS pg_catalog.int2[] LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT CASE WHEN pg_catalog.count(a.attnum) OPERATOR(pg_catalog.=) pg_catalog.cardinality(names)
                THEN pg_catalog.array_agg(a.attnum ORDER BY u.ord) ELSE fallback END
      FROM pg_catalog.unnest(names) WITH ORDINALITY AS u(name, ord)
      JOIN pg_catalog.pg_attribute a
        ON a.attrelid OPERATOR(pg_catalog.=) rel
       AND a.attname OPERATOR(pg_catalog.=) u.name
       AND NOT a.attisdropped
$$;

CREATE FUNCTION @extschema@.relorm_catalog_restored() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    n1 int := pg_catalog.cardinality(NEW.source_columns);
    n2 int := pg_catalog.cardinality(NEW.target_columns);
    n3 int := coalesce(pg_catalog.cardinality(NEW.junction_source_columns), 0);
    n4 int := coalesce(pg_catalog.cardinality(NEW.junction_target_columns), 0);
BEGIN
    NEW.source_columns := @extschema@.relorm_attnums(NEW.source,
        NEW.column_names[1:n1], NEW.source_columns);
    NEW.target_columns := @extschema@.relorm_attnums(NEW.target,
        NEW.column_names[n1 + 1:n1 + n2], NEW.target_columns);
    IF NEW.junction IS NOT NULL THEN
        NEW.junction_source_columns := @extschema@.relorm_attnums(NEW.junction,
            NEW.column_names[n1 + n2 + 1:n1 + n2 + n3], NEW.junction_source_columns);
        NEW.junction_target_columns := @extschema@.relorm_attnums(NEW.junction,
            NEW.column_names[n1 + n2 + n3 + 1:n1 + n2 + n3 + n4], NEW.junction_target_columns);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER relorm_catalog_restored BEFORE INSERT ON @extschema@.relorm_catalog
    FOR EACH ROW EXECUTE FUNCTION @extschema@.relorm_catalog_restored();
GRANT SELECT ON @extschema@.relorm_catalog TO PUBLIC;

-- relorm_relations: everything registered, with column names.
CREATE VIEW @extschema@.relorm_relations AS
SELECT c.source,
       c.name,
       c.kind,
       c.target,
       c.junction,
       ARRAY(SELECT a.attname::pg_catalog.text
               FROM pg_catalog.unnest(c.source_columns) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_catalog.pg_attribute a
                 ON a.attrelid OPERATOR(pg_catalog.=) c.source
                AND a.attnum OPERATOR(pg_catalog.=) u.attnum
              ORDER BY u.ord) AS source_columns,
       ARRAY(SELECT a.attname::pg_catalog.text
               FROM pg_catalog.unnest(c.target_columns) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_catalog.pg_attribute a
                 ON a.attrelid OPERATOR(pg_catalog.=) c.target
                AND a.attnum OPERATOR(pg_catalog.=) u.attnum
              ORDER BY u.ord) AS target_columns,
       CASE WHEN c.junction IS NOT NULL THEN
       ARRAY(SELECT a.attname::pg_catalog.text
               FROM pg_catalog.unnest(c.junction_source_columns) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_catalog.pg_attribute a
                 ON a.attrelid OPERATOR(pg_catalog.=) c.junction
                AND a.attnum OPERATOR(pg_catalog.=) u.attnum
              ORDER BY u.ord) END AS junction_source_columns,
       CASE WHEN c.junction IS NOT NULL THEN
       ARRAY(SELECT a.attname::pg_catalog.text
               FROM pg_catalog.unnest(c.junction_target_columns) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_catalog.pg_attribute a
                 ON a.attrelid OPERATOR(pg_catalog.=) c.junction
                AND a.attnum OPERATOR(pg_catalog.=) u.attnum
              ORDER BY u.ord) END AS junction_target_columns,
       c.options
  FROM @extschema@.relorm_catalog c;
GRANT SELECT ON @extschema@.relorm_relations TO PUBLIC;

-- Registering relations (SPEC §2).

CREATE FUNCTION @extschema@.relorm_belongs_to(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    foreign_key pg_catalog.text[] DEFAULT NULL, "references" pg_catalog.text[] DEFAULT NULL,
    options pg_catalog.jsonb DEFAULT '{}')
RETURNS void AS 'MODULE_PATHNAME', 'relorm_belongs_to'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_has_one(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    foreign_key pg_catalog.text[] DEFAULT NULL, "references" pg_catalog.text[] DEFAULT NULL,
    options pg_catalog.jsonb DEFAULT '{}')
RETURNS void AS 'MODULE_PATHNAME', 'relorm_has_one'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_has_many(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    foreign_key pg_catalog.text[] DEFAULT NULL, "references" pg_catalog.text[] DEFAULT NULL,
    options pg_catalog.jsonb DEFAULT '{}')
RETURNS void AS 'MODULE_PATHNAME', 'relorm_has_many'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_many_to_many(
    source pg_catalog.regclass, name pg_catalog.text, target pg_catalog.regclass,
    junction pg_catalog.regclass DEFAULT NULL,
    source_key pg_catalog.text[] DEFAULT NULL, target_key pg_catalog.text[] DEFAULT NULL,
    options pg_catalog.jsonb DEFAULT '{}')
RETURNS void AS 'MODULE_PATHNAME', 'relorm_many_to_many'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_drop_relation(source pg_catalog.regclass, name pg_catalog.text)
RETURNS void AS 'MODULE_PATHNAME', 'relorm_drop_relation'
LANGUAGE C VOLATILE SECURITY INVOKER;

-- Linking without loading (SPEC §3).  owner / targets are "any": see SPEC §1.

CREATE FUNCTION @extschema@.relorm_add(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any")
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_add'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_remove(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any")
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_remove'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_set(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", target "any")
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_set'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_load_one(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any")
RETURNS pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_load_one'
LANGUAGE C STABLE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_load_one(
    hint anyelement, source pg_catalog.regclass, relation pg_catalog.text, owner "any")
RETURNS anyelement AS 'MODULE_PATHNAME', 'relorm_load_one_typed'
LANGUAGE C STABLE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_load_many(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    query pg_catalog.jsonb DEFAULT '{}')
RETURNS SETOF pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_load_many'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_load_many(
    hint anyelement, source pg_catalog.regclass, relation pg_catalog.text, owner "any")
RETURNS SETOF anyelement AS 'MODULE_PATHNAME', 'relorm_load_many_typed'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_relation_ids(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any")
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_relation_ids'
LANGUAGE C STABLE SECURITY INVOKER;

-- Querying across relations (SPEC §5).  Each call is one statement.  The
-- typed forms (first argument NULL::table) return rows of that table and
-- take every argument (no defaults), so calls are never ambiguous.

CREATE FUNCTION @extschema@.relorm_select(
    source pg_catalog.regclass, query pg_catalog.jsonb DEFAULT '{}')
RETURNS SETOF pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_select'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_select(
    hint anyelement, source pg_catalog.regclass, query pg_catalog.jsonb)
RETURNS SETOF anyelement AS 'MODULE_PATHNAME', 'relorm_select_typed'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_query_related(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    query pg_catalog.jsonb DEFAULT '{}')
RETURNS SETOF pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_query_related'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_query_related(
    hint anyelement, source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    query pg_catalog.jsonb)
RETURNS SETOF anyelement AS 'MODULE_PATHNAME', 'relorm_query_related_typed'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_count_related(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    "where" pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_count_related'
LANGUAGE C STABLE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_exists_related(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any",
    "where" pg_catalog.jsonb DEFAULT NULL)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'relorm_exists_related'
LANGUAGE C STABLE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_chain(
    source pg_catalog.regclass, path pg_catalog.text, query pg_catalog.jsonb DEFAULT '{}')
RETURNS SETOF pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_chain'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_chain(
    hint anyelement, source pg_catalog.regclass, path pg_catalog.text, query pg_catalog.jsonb)
RETURNS SETOF anyelement AS 'MODULE_PATHNAME', 'relorm_chain_typed'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_where_exists(
    source pg_catalog.regclass, relation pg_catalog.text, "where" pg_catalog.jsonb DEFAULT NULL)
RETURNS SETOF pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_where_exists'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_where_exists(
    hint anyelement, source pg_catalog.regclass, relation pg_catalog.text,
    "where" pg_catalog.jsonb)
RETURNS SETOF anyelement AS 'MODULE_PATHNAME', 'relorm_where_exists_typed'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

CREATE FUNCTION @extschema@.relorm_join(
    source pg_catalog.regclass, relation pg_catalog.text, query pg_catalog.jsonb DEFAULT '{}')
RETURNS SETOF pg_catalog.json AS 'MODULE_PATHNAME', 'relorm_join'
LANGUAGE C STABLE SECURITY INVOKER ROWS 100;

-- relorm_sql(source, query): the statement relorm_select runs.
CREATE FUNCTION @extschema@.relorm_sql(source pg_catalog.regclass, query pg_catalog.jsonb)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'relorm_query_sql'
LANGUAGE C STABLE SECURITY INVOKER;

-- Pivot operations (SPEC §4, Laravel Orion).  targets may also be
-- '{"key": {pivot fields}, ...}'.

CREATE FUNCTION @extschema@.relorm_attach(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any",
    pivot pg_catalog.jsonb DEFAULT NULL, duplicates pg_catalog.bool DEFAULT false)
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_attach'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_detach(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any" DEFAULT NULL)
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_detach'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_sync(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any",
    detaching pg_catalog.bool DEFAULT true)
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_sync'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_toggle(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", targets "any")
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_toggle'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_update_pivot(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", target "any",
    fields pg_catalog.jsonb)
RETURNS pg_catalog.jsonb AS 'MODULE_PATHNAME', 'relorm_update_pivot'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_associate(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", child "any")
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_associate'
LANGUAGE C VOLATILE SECURITY INVOKER;

CREATE FUNCTION @extschema@.relorm_dissociate(
    source pg_catalog.regclass, relation pg_catalog.text, owner "any", child "any")
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'relorm_dissociate'
LANGUAGE C VOLATILE SECURITY INVOKER;

-- relorm_sql(source, relation, operation): the statement a link operation
-- runs (for EXPLAIN and for the curious).
CREATE FUNCTION @extschema@.relorm_sql(
    source pg_catalog.regclass, relation pg_catalog.text, operation pg_catalog.text,
    many pg_catalog.bool DEFAULT false)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'relorm_operation_sql'
LANGUAGE C STABLE SECURITY INVOKER;

-- Relations of dropped tables and columns are removed, with a NOTICE.
CREATE FUNCTION @extschema@.relorm_sql_drop_trigger()
RETURNS event_trigger AS 'MODULE_PATHNAME', 'relorm_sql_drop_trigger'
LANGUAGE C SECURITY INVOKER;

CREATE EVENT TRIGGER relorm_sql_drop ON sql_drop
    EXECUTE FUNCTION @extschema@.relorm_sql_drop_trigger();

-- Stored column names follow RENAME COLUMN (see column_names above).
CREATE FUNCTION @extschema@.relorm_rename_trigger()
RETURNS event_trigger AS 'MODULE_PATHNAME', 'relorm_rename_trigger'
LANGUAGE C SECURITY INVOKER;

CREATE EVENT TRIGGER relorm_rename ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER FOREIGN TABLE')
    EXECUTE FUNCTION @extschema@.relorm_rename_trigger();
