/*-------------------------------------------------------------------------
 *
 * read_ops.c
 *	  Querying across relations (SPEC §5, Orchid ORM): relorm_select,
 *	  relorm_query_related, relorm_count_related, relorm_exists_related,
 *	  relorm_chain, relorm_where_exists, relorm_join, relorm_sql(source,
 *	  query), and relorm_load_many's query argument.
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
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "catalog/pg_class.h"
#include "storage/lmgr.h"

#include "deparse_query.h"
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

/* arg_query: a jsonb argument, {} when NULL or absent. */
static Jsonb *
arg_query(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	return PG_GETARG_JSONB_P(argno);
}

/* arg_filter: a "where" argument, or NULL. */
static Jsonb *
arg_filter(FunctionCallInfo fcinfo, int argno)
{
	return (PG_NARGS() <= argno || PG_ARGISNULL(argno)) ? NULL : PG_GETARG_JSONB_P(argno);
}

/* arg_source: a non-null regclass argument. */
static Oid
arg_source(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source table must not be null")));
	{
		Oid			relid = PG_GETARG_OID(argno);
		char		relkind;

		/* lock it so it cannot go away while the query is compiled */
		LockRelationOid(relid, AccessShareLock);
		relkind = get_rel_relkind(relid);
		if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
			relkind != RELKIND_FOREIGN_TABLE)
			ereport(ERROR,
					(errcode(relkind == '\0' ? ERRCODE_UNDEFINED_TABLE : ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("relation with OID %u is not a table", relid)));
		return relid;
	}
}

/* arg_text: a non-null text argument. */
static char *
arg_text(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* check_typed: a typed form's hint must be the row type of `relid`. */
static void
check_typed(FunctionCallInfo fcinfo, Oid relid)
{
	Oid			hint = get_fn_expr_argtype(fcinfo->flinfo, 0);

	if (hint != get_rel_type_id(relid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("type hint %s does not match table \"%s\" whose rows are returned",
						format_type_be(hint), get_rel_name(relid)),
				 errhint("Pass NULL::%s as the first argument.",
						 format_type_be_qualified(get_rel_type_id(relid)))));
}

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
	ResultStore *result = relorm_result_store(fcinfo, rowtype);
	uint64		n;

	SPI_connect();
	n = relorm_run_into(result, relorm_query_plan(buf->sql.data, buf->nparams, buf->types),
						buf->values, buf->nulls);
	SPI_finish();
	return n;
}

/* run_scalar runs a statement returning one value. */
static Datum
run_scalar(SqlBuf *buf, bool *isnull)
{
	Datum		d;

	SPI_connect();
	if (SPI_execute_plan(relorm_query_plan(buf->sql.data, buf->nparams, buf->types),
						 buf->values, buf->nulls, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "relorm query returned no row");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	SPI_finish();
	return d;
}

/* check_owner_exists: P0002 unless the owner row exists. */
static void
check_owner_exists(RelationInfo *rel, KeyList *owner)
{
	SqlBuf	   *buf = sqlbuf_create();
	bool		isnull;

	deparse_owner_exists(buf, rel, owner);
	if (!DatumGetBool(run_scalar(buf, &isnull)))
		no_row(&rel->source, owner, 0);
}

/* select_impl: relorm_select and its typed form. */
static Datum
select_impl(FunctionCallInfo fcinfo)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_select_typed);
	int			base = typed ? 1 : 0;
	Oid			source = arg_source(fcinfo, base);

	if (typed)
		check_typed(fcinfo, source);
	return_rows(fcinfo, deparse(parse_select(source, arg_query(fcinfo, base + 1), typed)),
				typed ? get_rel_type_id(source) : InvalidOid);
	return (Datum) 0;
}

/*
 * relorm_select(source, query) returns the source's rows shaped by the
 * query (nested relations, aggregates, filters, order, pages) as json, in
 * one statement.
 */
Datum
relorm_select(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, select_impl);
}

/* relorm_select_typed is relorm_select(NULL::source, source, query). */
Datum
relorm_select_typed(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, select_impl);
}

/* query_related_impl: relorm_query_related and its typed form. */
static Datum
query_related_impl(FunctionCallInfo fcinfo)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_query_related_typed);
	int			base = typed ? 1 : 0;
	RelationInfo *rel = open_relation(fcinfo, base);
	KeyList    *owner;
	SqlBuf	   *buf;

	if (typed)
		check_typed(fcinfo, rel->target.relid);
	owner = keys_from_argument(fcinfo, base + 2, require_key(rel->owner_key, &rel->source),
							   "owner", true);
	buf = deparse(parse_related(rel, owner, arg_query(fcinfo, base + 3), typed));
	if (return_rows(fcinfo, buf, typed ? rel->target.rowtype : InvalidOid) == 0)
		check_owner_exists(rel, owner);
	return (Datum) 0;
}

/*
 * relorm_query_related(source, relation, owner, query): the owner's related
 * rows, of any relation kind, shaped by the query.
 */
Datum
relorm_query_related(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, query_related_impl);
}

/* relorm_query_related_typed: the typed form, rows of the target table. */
Datum
relorm_query_related_typed(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, query_related_impl);
}

/*
 * load_many_query: relorm_load_many(source, relation, owner, query) with a
 * non-empty query: relorm_query_related for to-many relations.
 */
Datum
load_many_query(FunctionCallInfo fcinfo, RelationInfo *rel, KeyList *owner, Jsonb *query)
{
	SqlBuf	   *buf = deparse(parse_related(rel, owner, query, false));

	if (return_rows(fcinfo, buf, InvalidOid) == 0)
		check_owner_exists(rel, owner);
	return (Datum) 0;
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
	Datum		d = run_scalar(deparse(parse_related_aggregate(rel, owner, arg_filter(fcinfo, 3),
															   count)),
							   &isnull);

	if (count ? DatumGetInt64(d) == 0 : !DatumGetBool(d))
		check_owner_exists(rel, owner);
	return d;
}

/* count_related_impl: relorm_count_related. */
static Datum
count_related_impl(FunctionCallInfo fcinfo)
{
	return related_aggregate(fcinfo, true);
}

/* exists_related_impl: relorm_exists_related. */
static Datum
exists_related_impl(FunctionCallInfo fcinfo)
{
	return related_aggregate(fcinfo, false);
}

/* relorm_count_related: how many related rows (matching "where") the owner has. */
Datum
relorm_count_related(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, count_related_impl);
}

/* relorm_exists_related: whether the owner has a (matching) related row. */
Datum
relorm_exists_related(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, exists_related_impl);
}

/* chain_impl: relorm_chain and its typed form. */
static Datum
chain_impl(FunctionCallInfo fcinfo)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_chain_typed);
	int			base = typed ? 1 : 0;
	Oid			source = arg_source(fcinfo, base);
	char	   *path = arg_text(fcinfo, base + 1, "path");
	QueryStatement *stmt = parse_chain(source, path, arg_query(fcinfo, base + 2), typed);

	if (typed)
		check_typed(fcinfo, stmt->result_relid);
	return_rows(fcinfo, deparse(stmt), typed ? get_rel_type_id(stmt->result_relid) : InvalidOid);
	return (Datum) 0;
}

/*
 * relorm_chain(source, path, query): the rows reached by following path
 * from the source rows chosen by query.of, each row once.
 */
Datum
relorm_chain(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, chain_impl);
}

/* relorm_chain_typed: the typed form, rows of the path's last table. */
Datum
relorm_chain_typed(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, chain_impl);
}

/* where_exists_impl: relorm_where_exists and its typed form. */
static Datum
where_exists_impl(FunctionCallInfo fcinfo)
{
	bool		typed = (fcinfo->flinfo->fn_addr == relorm_where_exists_typed);
	int			base = typed ? 1 : 0;
	Oid			source = arg_source(fcinfo, base);
	char	   *relation = arg_text(fcinfo, base + 1, "relation name");

	if (typed)
		check_typed(fcinfo, source);
	return_rows(fcinfo, deparse(parse_where_exists(source, relation,
												   arg_filter(fcinfo, base + 2), typed)),
				typed ? get_rel_type_id(source) : InvalidOid);
	return (Datum) 0;
}

/* relorm_where_exists: the source rows that have a (matching) related row. */
Datum
relorm_where_exists(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, where_exists_impl);
}

/* relorm_where_exists_typed: the typed form. */
Datum
relorm_where_exists_typed(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, where_exists_impl);
}

/* join_impl: relorm_join. */
static Datum
join_impl(FunctionCallInfo fcinfo)
{
	Oid			source = arg_source(fcinfo, 0);
	char	   *relation = arg_text(fcinfo, 1, "relation name");

	return_rows(fcinfo, deparse(parse_join(source, relation, arg_query(fcinfo, 2))), InvalidOid);
	return (Datum) 0;
}

/*
 * relorm_join(source, relation, query): flat rows of the source joined to
 * a relation (duplicates by design), related columns as "relation.col".
 */
Datum
relorm_join(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, join_impl);
}

/* query_sql_impl: relorm_sql(source, query). */
static Datum
query_sql_impl(FunctionCallInfo fcinfo)
{
	Oid			source = arg_source(fcinfo, 0);

	PG_RETURN_TEXT_P(cstring_to_text(deparse(parse_select(source, arg_query(fcinfo, 1),
														  false))->sql.data));
}

/*
 * relorm_query_sql is relorm_sql(source, query): the statement
 * relorm_select runs, with $n where the query's values go.
 */
Datum
relorm_query_sql(PG_FUNCTION_ARGS)
{
	return relorm_call(fcinfo, query_sql_impl);
}
