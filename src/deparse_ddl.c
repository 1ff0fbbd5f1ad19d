/*-------------------------------------------------------------------------
 *
 * deparse_ddl.c
 *	  The DDL of the "create" option (SPEC §2: the foreign-key column or
 *	  the junction table, in the layout of the seed's tables) and of the
 *	  "accessor" option (a function named after the relation), as text
 *	  for exec.c to run.  Names are quoted and tables schema-qualified;
 *	  types are printed with their typmod and collation, as the referenced
 *	  column has them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "deparse.h"
#include "deparse_ddl.h"

/* column_type: a column's type as the referenced column's, typmod included. */
static char *
column_type(Oid type, int32 typmod, Oid collation)
{
	char	   *result = format_type_extended(type, typmod,
											  FORMAT_TYPE_FORCE_QUALIFY |
											  FORMAT_TYPE_TYPEMOD_GIVEN);


	/* " COLLATE ..." when the column's is not the type's default */
	return psprintf("%s%s", result, deparse_collate(get_typcollation(type), collation));
}

/* on_delete_sql: " ON DELETE ..." of an action, "" for the default. */
static const char *
on_delete_sql(RelationOnDelete on_delete)
{
	switch (on_delete)
	{
		case RELORM_ON_DELETE_DEFAULT:
			return "";
		case RELORM_ON_DELETE_RESTRICT:
			return " ON DELETE RESTRICT";
		case RELORM_ON_DELETE_CASCADE:
			return " ON DELETE CASCADE";
		case RELORM_ON_DELETE_SET_NULL:
			return " ON DELETE SET NULL";
		case RELORM_ON_DELETE_NO_ACTION:
			return " ON DELETE NO ACTION";
	}
	return "";
}

/*
 * deparse_ddl_add_column: a foreign-key column typed like the column it
 * references:
 *
 *	ALTER TABLE s.t ADD COLUMN "c" type [COLLATE ...] [NOT NULL]
 */
char *
deparse_ddl_add_column(Oid relid, const char *column, Oid type, int32 typmod,
					   Oid collation, bool not_null)
{
	return psprintf("ALTER TABLE %s ADD COLUMN %s %s%s", deparse_table(relid),
					quote_identifier(column), column_type(type, typmod, collation),
					not_null ? " NOT NULL" : "");
}

/*
 * deparse_ddl_add_foreign_key:
 *
 *	ALTER TABLE s.t ADD FOREIGN KEY ("c") REFERENCES s.r ("k") [ON DELETE ...]
 */
char *
deparse_ddl_add_foreign_key(Oid relid, const char *column, Oid refrelid,
							const char *refcolumn, RelationOnDelete on_delete)
{
	return psprintf("ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s (%s)%s",
					deparse_table(relid), quote_identifier(column),
					deparse_table(refrelid), quote_identifier(refcolumn),
					on_delete_sql(on_delete));
}

/* deparse_ddl_add_unique: ALTER TABLE s.t ADD UNIQUE ("c") (has_one). */
char *
deparse_ddl_add_unique(Oid relid, const char *column)
{
	return psprintf("ALTER TABLE %s ADD UNIQUE (%s)", deparse_table(relid),
					quote_identifier(column));
}

/* deparse_ddl_create_index: CREATE INDEX ON s.t ("c"). */
char *
deparse_ddl_create_index(Oid relid, const char *column)
{
	return psprintf("CREATE INDEX ON %s (%s)", deparse_table(relid), quote_identifier(column));
}

/*
 * deparse_ddl_create_junction: the junction of a many_to_many relation,
 * as the seed's question_categories (a primary key over both columns,
 * both foreign keys, ON DELETE CASCADE by default), with an index on the
 * second column (the primary key's index serves the first):
 *
 *	CREATE TABLE s.j ("s_id" type NOT NULL, "t_id" type NOT NULL,
 *		PRIMARY KEY ("s_id", "t_id"),
 *		FOREIGN KEY ("s_id") REFERENCES s.s ("id") ON DELETE CASCADE,
 *		FOREIGN KEY ("t_id") REFERENCES s.t ("id") ON DELETE CASCADE);
 *	CREATE INDEX ON s.j ("t_id")
 */
char *
deparse_ddl_create_junction(Oid nsp, const char *name,
							const char *source_column, Oid source, const ColumnSet *source_key,
							const char *target_column, Oid target, const ColumnSet *target_key,
							RelationOnDelete on_delete)
{
	char	   *table = quote_qualified_identifier(get_namespace_name(nsp), name);
	const char *action = on_delete_sql(on_delete == RELORM_ON_DELETE_DEFAULT
									   ? RELORM_ON_DELETE_CASCADE : on_delete);

	return psprintf("CREATE TABLE %s (%s %s NOT NULL, %s %s NOT NULL, PRIMARY KEY (%s, %s), "
					"FOREIGN KEY (%s) REFERENCES %s (%s)%s, "
					"FOREIGN KEY (%s) REFERENCES %s (%s)%s); "
					"CREATE INDEX ON %s (%s)",
					table,
					quote_identifier(source_column),
					column_type(source_key->types[0], source_key->typmods[0],
								source_key->collations[0]),
					quote_identifier(target_column),
					column_type(target_key->types[0], target_key->typmods[0],
								target_key->collations[0]),
					quote_identifier(source_column), quote_identifier(target_column),
					quote_identifier(source_column), deparse_table(source),
					quote_identifier(source_key->names[0]), action,
					quote_identifier(target_column), deparse_table(target),
					quote_identifier(target_key->names[0]), action,
					table, quote_identifier(target_column));
}

/*
 * deparse_ddl_create_accessor: the lazy relation in SQL, a function that
 * SQL's attribute notation calls (p.categories is categories(p)):
 *
 *	CREATE FUNCTION s.rel(s.source) RETURNS pg_catalog.json
 *	LANGUAGE sql STABLE SECURITY INVOKER AS
 *	'SELECT relorm.relorm_load_one(''s.source''::pg_catalog.regclass, ''rel'', $1)'
 *
 * (to-many: COALESCE(pg_catalog.json_agg(r), '[]') FROM
 * relorm_load_many(...) r, the relation's order kept: json_agg reads the
 * function's rows in the order it returns them).
 */
char *
deparse_ddl_create_accessor(Oid nsp, const char *function, Oid source,
							const char *relation, bool to_many,
							const char *relorm_schema)
{
	char	   *table = deparse_table(source);
	char	   *call = psprintf("%s.%s(%s::pg_catalog.regclass, %s, $1)",
								quote_identifier(relorm_schema),
								to_many ? "relorm_load_many" : "relorm_load_one",
								quote_literal_cstr(table), quote_literal_cstr(relation));
	char	   *body = to_many
		? psprintf("SELECT COALESCE(pg_catalog.json_agg(r.r), '[]'::pg_catalog.json) FROM %s AS r(r)",
				   call)
		: psprintf("SELECT %s", call);

	return psprintf("CREATE FUNCTION %s(%s) RETURNS pg_catalog.json "
					"LANGUAGE sql STABLE SECURITY INVOKER AS %s",
					quote_qualified_identifier(get_namespace_name(nsp), function),
					table, quote_literal_cstr(body));
}

/* deparse_ddl_drop_accessor: DROP FUNCTION IF EXISTS s.rel(s.source). */
char *
deparse_ddl_drop_accessor(Oid nsp, const char *function, Oid source)
{
	return psprintf("DROP FUNCTION IF EXISTS %s(%s)",
					quote_qualified_identifier(get_namespace_name(nsp), function),
					deparse_table(source));
}
