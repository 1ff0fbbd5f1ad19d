/*-------------------------------------------------------------------------
 *
 * read_ops.c
 *	  Querying across relations (SPEC §5, Orchid ORM): relorm_select,
 *	  relorm_query_related, relorm_count_related, relorm_exists_related,
 *	  relorm_chain, relorm_where_exists, relorm_join, relorm_sql(source,
 *	  query), relorm_count, and relorm_load_many's query argument.
 *
 * Each call parses its query into nodes (parse_query.c), prints them as
 * ONE statement with its parameters (deparse_query.c), prepares it once
 * per shape (relorm_query_plan), and reads the rows from a cursor into the
 * result (exec.c), so memory stays bounded.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "deparse_query.h"
#include "fnargs.h"
#include "parse_query.h"

PG_FUNCTION_INFO_V1(relorm_select);
PG_FUNCTION_INFO_V1(relorm_select_typed);
PG_FUNCTION_INFO_V1(relorm_query_related);
PG_FUNCTION_INFO_V1(relorm_query_related_typed);
PG_FUNCTION_INFO_V1(relorm_count_related);
PG_FUNCTION_INFO_V1(relorm_exists_related);
PG_FUNCTION_INFO_V1(relorm_chain);
PG_FUNCTION_INFO_V1(relorm_chain_typed);
PG_FUNCTION_INFO_V1(relorm_where_exists);
PG_FUNCTION_INFO_V1(relorm_where_exists_typed);
PG_FUNCTION_INFO_V1(relorm_join);
PG_FUNCTION_INFO_V1(relorm_query_sql);
PG_FUNCTION_INFO_V1(relorm_count);

/* deparse: the statement of a parsed call, with its parameters. */
static SqlBuf *
deparse(QueryStatement *stmt)
{
	SqlBuf	   *buf = sqlbuf_create();

	deparse_statement(buf, stmt);
	return buf;
}

/*
 * return_rows runs a statement and returns its rows (json, or rows of
 * rowtype); returns how many there were.
 */
static uint64
return_rows(FunctionCallInfo fcinfo, SqlBuf *buf, Oid rowtype)
{
	return results_run_query(results_store(fcinfo, rowtype), buf);
}

/*
 * relorm_select(source, query) returns the source's rows shaped by the
 * query (nested relations, aggregates, filters, order, pages) as json, in
 * one statement.
 */
Datum
relorm_select(PG_FUNCTION_ARGS)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_select_typed);
	int			base = typed ? 1 : 0;
	Oid			source = arg_source(fcinfo, base);

	if (typed)
		check_type_hint(fcinfo, source, NULL);
	return_rows(fcinfo, deparse(parse_select(source, arg_query(fcinfo, base + 1), typed)),
				typed ? get_rel_type_id(source) : InvalidOid);
	return (Datum) 0;
}

/* relorm_select_typed is relorm_select(NULL::source, source, query). */
Datum
relorm_select_typed(PG_FUNCTION_ARGS)
{
	return relorm_select(fcinfo);
}

/*
 * relorm_query_related(source, relation, owner, query): the owner's related
 * rows, of any relation kind, shaped by the query.
 */
Datum
relorm_query_related(PG_FUNCTION_ARGS)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_query_related_typed);
	int			base = typed ? 1 : 0;
	RelationInfo *rel = open_relation(fcinfo, base);
	KeyList    *owner;
	SqlBuf	   *buf;

	if (typed)
		check_type_hint(fcinfo, rel->target.relid, NULL);
	owner = keys_from_argument(fcinfo, base + 2, require_key(rel->owner_key, &rel->source),
							   "owner", true);
	buf = deparse(parse_related(rel, owner, arg_query(fcinfo, base + 3), typed));
	if (return_rows(fcinfo, buf, typed ? rel->target.rowtype : InvalidOid) == 0)
		check_owner_exists(rel, owner);
	return (Datum) 0;
}

/* relorm_query_related_typed: the typed form, rows of the target table. */
Datum
relorm_query_related_typed(PG_FUNCTION_ARGS)
{
	return relorm_query_related(fcinfo);
}

/* related_aggregate: relorm_count_related and relorm_exists_related. */
static Datum
related_aggregate(FunctionCallInfo fcinfo, bool count)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	KeyList    *owner = keys_from_argument(fcinfo, 2,
										   require_key(rel->owner_key, &rel->source),
										   "owner", true);
	bool		isnull;
	Datum		d = exec_query_scalar(deparse(parse_related_aggregate(rel, owner,
																	  arg_filter(fcinfo, 3),
																	  count)),
									  count ? INT8OID : BOOLOID, &isnull);

	if (count ? DatumGetInt64(d) == 0 : !DatumGetBool(d))
		check_owner_exists(rel, owner);
	return d;
}

/* relorm_count_related: how many related rows (matching "where") the owner has. */
Datum
relorm_count_related(PG_FUNCTION_ARGS)
{
	return related_aggregate(fcinfo, true);
}

/* relorm_exists_related: whether the owner has a (matching) related row. */
Datum
relorm_exists_related(PG_FUNCTION_ARGS)
{
	return related_aggregate(fcinfo, false);
}

/*
 * relorm_chain(source, path, query): the rows reached by following path
 * from the source rows chosen by query.of, each row once.
 */
Datum
relorm_chain(PG_FUNCTION_ARGS)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_chain_typed);
	int			base = typed ? 1 : 0;
	Oid			source = arg_source(fcinfo, base);
	char	   *path = arg_text(fcinfo, base + 1, "path");
	QueryStatement *stmt = parse_chain(source, path, arg_query(fcinfo, base + 2), typed);

	if (typed)
		check_type_hint(fcinfo, stmt->result_relid, NULL);
	return_rows(fcinfo, deparse(stmt), typed ? get_rel_type_id(stmt->result_relid) : InvalidOid);
	return (Datum) 0;
}

/* relorm_chain_typed: the typed form, rows of the path's last table. */
Datum
relorm_chain_typed(PG_FUNCTION_ARGS)
{
	return relorm_chain(fcinfo);
}

/* relorm_where_exists: the source rows that have a (matching) related row. */
Datum
relorm_where_exists(PG_FUNCTION_ARGS)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_where_exists_typed);
	int			base = typed ? 1 : 0;
	Oid			source = arg_source(fcinfo, base);
	char	   *relation = arg_text(fcinfo, base + 1, "relation name");

	if (typed)
		check_type_hint(fcinfo, source, NULL);
	return_rows(fcinfo, deparse(parse_where_exists(source, relation,
												   arg_filter(fcinfo, base + 2), typed)),
				typed ? get_rel_type_id(source) : InvalidOid);
	return (Datum) 0;
}

/* relorm_where_exists_typed: the typed form. */
Datum
relorm_where_exists_typed(PG_FUNCTION_ARGS)
{
	return relorm_where_exists(fcinfo);
}

/*
 * relorm_join(source, relation, query): flat rows of the source joined to
 * a relation (duplicates by design), related columns as "relation.col".
 */
Datum
relorm_join(PG_FUNCTION_ARGS)
{
	Oid			source = arg_source(fcinfo, 0);
	char	   *relation = arg_text(fcinfo, 1, "relation name");

	return_rows(fcinfo, deparse(parse_join(source, relation, arg_query(fcinfo, 2))), InvalidOid);
	return (Datum) 0;
}

/*
 * relorm_query_sql is relorm_sql(source, query): the statement
 * relorm_select runs, with $n where the query's values go.
 */
Datum
relorm_query_sql(PG_FUNCTION_ARGS)
{
	Oid			source = arg_source(fcinfo, 0);

	PG_RETURN_TEXT_P(cstring_to_text(deparse(parse_select(source, arg_query(fcinfo, 1),
														  false))->sql.data));
}


/*
 * relorm_count(source, where): how many rows of source match where (all
 * rows when NULL): the total of a paged query (PostgREST's count=exact).
 */
Datum
relorm_count(PG_FUNCTION_ARGS)
{
	Oid			source = arg_source(fcinfo, 0);
	bool		isnull;

	return exec_query_scalar(deparse(parse_source_count(source, arg_filter(fcinfo, 1))),
							 INT8OID, &isnull);
}
