/*-------------------------------------------------------------------------
 *
 * fnargs.c
 *	  Arguments and outcomes shared by the SQL-callable families
 *	  (link_ops.c, pivot_ops.c, read_ops.c): the relation a call names,
 *	  its keys' tables, type hints, query arguments, and the errors every
 *	  family raises the same way.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "deparse_query.h"
#include "fnargs.h"
#include "metadata.h"

/*
 * open_relation reads the (source, relation) arguments at argno, argno+1
 * and returns the relation's metadata.
 */
RelationInfo *
open_relation(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source table must not be null")));
	if (PG_ARGISNULL(argno + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relation name must not be null")));
	return relorm_lookup_relation(PG_GETARG_OID(argno),
								  text_to_cstring(PG_GETARG_TEXT_PP(argno + 1)));
}

/* wrong_kind raises 42809 for an operation the relation's kind lacks. */
void
wrong_kind(RelationInfo *rel, const char *function, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("%s is not valid for %s relation \"%s\" of table \"%s\"",
					function, relation_kind_name(rel->kind), rel->name,
					rel->source.name),
			 rel->through != NULL
			 ? errhint("A through relation is read-only: write through its relations \"%s\" and \"%s\".",
					   rel->through->name, rel->via->name)
			 : errhint("%s", hint)));
}

/* owner_key / target_key: the key columns, or an error if a table has none. */
const ColumnSet *
require_key(const ColumnSet *key, const TableInfo *table)
{
	if (key == NULL || key->ncols == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no primary key to identify its rows",
						table->name),
				 errhint("Add a primary key to table \"%s\".", table->name)));
	return key;
}

/* no_row raises P0002 for a key that names no row. */
void
no_row(const TableInfo *table, const KeyList *keys, int i)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("table \"%s\" has no row with key %s",
					table->name, keys_format(keys, i))));
}

/*
 * write_outcome checks the row every write statement returns (see
 * append_outcome in sqlbuild.c): a missing owner or target is P0002, and
 * then nothing the statement did survives the error.  Returns the third
 * column: the rows changed, or a pivot operation's result.
 */
Datum
write_outcome(RelationInfo *rel, const ExecResult *res, const KeyList *owner,
			  const KeyList *targets)
{
	bool		isnull;
	Datum		missing;

	if (res->processed != 1)
		elog(ERROR, "relorm write returned %d rows", (int) res->processed);
	if (!DatumGetBool(exec_result_value(res, 0, 1, &isnull)))
		no_row(&rel->source, owner, 0);
	missing = exec_result_value(res, 0, 2, &isnull);
	if (!isnull)
		no_row(&rel->target, targets, (int) DatumGetInt64(missing) - 1);
	return exec_result_value(res, 0, 3, &isnull);
}

/*
 * check_keys runs after a flat write (statement_is_flat) that changed
 * nothing, with the same parameters: its row, read by write_outcome, tells
 * a missing owner or target (P0002) from a link that was already there, or
 * not there.
 */
ExecResult *
check_keys(RelationInfo *rel, KeyShapeKind shape, Datum *values)
{
	StatementSpec spec = statement_spec(RELOP_CHECK, shape);

	return exec_statement(rel, &spec, values, false);
}

/*
 * check_type_hint: a typed form's first argument, NULL::table, names the
 * table whose rows it returns (relid; the target of `relation` if given).
 */
void
check_type_hint(FunctionCallInfo fcinfo, Oid relid, const char *relation)
{
	Oid			hint = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Oid			rowtype = get_rel_type_id(relid);

	if (hint == rowtype)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 relation
			 ? errmsg("type hint %s does not match table \"%s\", the target of relation \"%s\"",
					  format_type_be(hint), get_rel_name(relid), relation)
			 : errmsg("type hint %s does not match table \"%s\" whose rows are returned",
					  format_type_be(hint), get_rel_name(relid)),
			 errhint("Pass NULL::%s as the first argument.",
					 format_type_be_qualified(rowtype))));
}

/* arg_query: a jsonb query argument, {} when NULL or absent. */
Jsonb *
arg_query(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	return PG_GETARG_JSONB_P(argno);
}

/* arg_filter: a "where" argument, or NULL. */
Jsonb *
arg_filter(FunctionCallInfo fcinfo, int argno)
{
	return (PG_NARGS() <= argno || PG_ARGISNULL(argno)) ? NULL : PG_GETARG_JSONB_P(argno);
}

/* arg_source: a non-null regclass argument naming a table, locked. */
Oid
arg_source(FunctionCallInfo fcinfo, int argno)
{
	Oid			relid;
	char		relkind;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("source table must not be null")));
	relid = PG_GETARG_OID(argno);
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

/* arg_text: a non-null text argument. */
char *
arg_text(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * check_owner_exists: P0002 unless the owner row exists (after a query of
 * its related rows found none).
 */
void
check_owner_exists(RelationInfo *rel, const KeyList *owner)
{
	SqlBuf	   *buf = sqlbuf_create();
	bool		isnull;

	deparse_owner_exists(buf, rel, owner);
	if (!DatumGetBool(exec_query_scalar(buf, BOOLOID, &isnull)))
		no_row(&rel->source, owner, 0);
}
