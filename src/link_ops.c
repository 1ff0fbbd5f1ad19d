/*-------------------------------------------------------------------------
 *
 * link_ops.c
 *	  Linking without loading (SPEC §3, TypeORM's RelationQueryBuilder):
 *	  relorm_add, relorm_remove, relorm_set, relorm_load_one,
 *	  relorm_load_many, relorm_relation_ids, and relorm_sql for them.
 *
 * Each function composes the pipeline: look up the relation (metadata.c),
 * read the keys (keys.c), run the prepared statement (deparse_link.c built
 * it, exec.c runs it) and turn its outcome into a result or an error
 * (results.c, fnargs.c).  Every write is one statement for
 * any number of targets (set is two: unlink, then link).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/typcache.h"

#include "catalog.h"
#include "deparse_query.h"
#include "fnargs.h"
#include "metadata.h"
#include "parse_query.h"

PG_FUNCTION_INFO_V1(relorm_add);
PG_FUNCTION_INFO_V1(relorm_remove);
PG_FUNCTION_INFO_V1(relorm_set);
PG_FUNCTION_INFO_V1(relorm_load_one);
PG_FUNCTION_INFO_V1(relorm_load_one_typed);
PG_FUNCTION_INFO_V1(relorm_load_many);
PG_FUNCTION_INFO_V1(relorm_load_many_typed);
PG_FUNCTION_INFO_V1(relorm_relation_ids);
PG_FUNCTION_INFO_V1(relorm_operation_sql);
PG_FUNCTION_INFO_V1(relorm_associate);
PG_FUNCTION_INFO_V1(relorm_dissociate);

/*
 * run_write runs one write statement and returns the rows it changed.
 * A flat statement reports them as the rows it processed; when that is 0, a check
 * tells whether a key named no row.
 */
static int64
run_write(RelationInfo *rel, RelOp op, KeyShapeKind shape,
		  const KeyList *owner, const KeyList *targets)
{
	Datum		values[2 * RELORM_MAX_KEY_COLUMNS];
	int			n;
	StatementSpec spec = statement_spec(op, shape);
	ExecResult *res;

	n = exec_bind_keys(values, 0, owner, SHAPE_ONE);
	exec_bind_keys(values, n, targets, shape);
	res = exec_statement(rel, &spec, values, false);
	if (statement_is_flat(rel, &spec))
	{
		if (res->processed > 0)
			return (int64) res->processed;
		res = check_keys(rel, shape, values);
	}
	return DatumGetInt64(write_outcome(rel, res, owner, targets));
}

/* shape_of: one key as scalars, several as arrays. */
static KeyShapeKind
shape_of(const KeyList *keys)
{
	return keys->nkeys == 1 ? SHAPE_ONE : SHAPE_MANY;
}

/*
 * one_owner: key i of a list of owners, as a list of one key (sharing the
 * values).
 */
static KeyList *
one_owner(const KeyList *owners, int i)
{
	KeyList    *one = palloc(sizeof(KeyList));
	int			c;

	*one = *owners;
	one->nkeys = 1;
	for (c = 0; c < owners->columns->ncols; c++)
		one->values[c] = &owners->values[c][i];
	return one;
}

/*
 * run_write_owners runs a write for each of several owners (SPEC §1,
 * "Several owners"): one statement per owner given, the same statement
 * as for one owner, and returns the rows changed in all.
 */
static int64
run_write_owners(RelationInfo *rel, RelOp op, KeyShapeKind shape,
				 const KeyList *owners, const KeyList *targets)
{
	int64		changed = 0;
	int			i;

	if (owners->nkeys == 1)
		return run_write(rel, op, shape, owners, targets);
	for (i = 0; i < owners->nkeys; i++)
		changed += run_write(rel, op, shape, one_owner(owners, i), targets);
	return changed;
}

/*
 * add_or_remove: relorm_add and relorm_remove, for has_many and
 * many_to_many.
 */
static Datum
add_or_remove(FunctionCallInfo fcinfo, RelOp op)
{
	const char *function = op == RELOP_ADD ? "relorm_add" : "relorm_remove";
	RelationInfo *rel = open_relation(fcinfo, 0);
	KeyList    *owner;
	KeyList    *targets;
	int64		changed;

	if (!relation_kind_is_to_many(rel->kind))
		wrong_kind(rel, function,
				   "Use relorm_set to point a to-one relation at a row, or to unset it with NULL.");
	owner = keys_from_argument(fcinfo, 2, require_key(rel->owner_key, &rel->source),
							   "owner", false);
	targets = keys_from_argument(fcinfo, 3, require_key(rel->target_key, &rel->target),
								 "targets", false);
	/* a has_many target has one owner: adding it to several is no link */
	if (owner->nkeys > 1 && op == RELOP_ADD && rel->kind != RELORM_MANY_TO_MANY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relorm_add of has_many relation \"%s\" takes one owner, not %d",
						rel->name, owner->nkeys),
				 errdetail("A row of table \"%s\" belongs to one row of table \"%s\".",
						   rel->target.name, rel->source.name)));

	/*
	 * several junction rows: wait for a set of each owner, whose delete and
	 * insert would otherwise cross ours (issue 12: no deadlock); owners are
	 * locked in one order, so that two calls naming the same owners do not
	 * deadlock on the locks themselves
	 */
	if (rel->kind == RELORM_MANY_TO_MANY && shape_of(targets) == SHAPE_MANY)
		exec_lock_owners(rel, owner);
	changed = run_write_owners(rel, op, shape_of(targets), owner, targets);
	PG_RETURN_INT64(changed);
}

/*
 * relorm_add links targets to the owner: sets their foreign key (has_many)
 * or inserts junction rows (many_to_many), skipping pairs already linked.
 * Returns the links made.
 */
Datum
relorm_add(PG_FUNCTION_ARGS)
{
	return add_or_remove(fcinfo, RELOP_ADD);
}

/*
 * relorm_remove unlinks targets from the owner: sets their foreign key to
 * NULL (has_many) or deletes the junction rows.  Returns the links removed.
 */
Datum
relorm_remove(PG_FUNCTION_ARGS)
{
	return add_or_remove(fcinfo, RELOP_REMOVE);
}

/*
 * associate_or_dissociate: Laravel's associate / dissociate, for has_many
 * only: set or clear one child's foreign key.
 */
static Datum
associate_or_dissociate(FunctionCallInfo fcinfo, RelOp op)
{
	const char *function = op == RELOP_ADD ? "relorm_associate" : "relorm_dissociate";
	RelationInfo *rel = open_relation(fcinfo, 0);
	KeyList    *owner;
	KeyList    *child;
	int64		changed;

	if (rel->kind != RELORM_HAS_MANY)
		wrong_kind(rel, function,
				   rel->kind == RELORM_MANY_TO_MANY
				   ? "Use relorm_attach and relorm_detach for a many_to_many relation."
				   : "Use relorm_set for a to-one relation.");
	owner = keys_from_argument(fcinfo, 2, require_key(rel->owner_key, &rel->source),
							   "owner", true);
	child = keys_from_argument(fcinfo, 3, require_key(rel->target_key, &rel->target),
							   "child", true);
	changed = run_write(rel, op, SHAPE_ONE, owner, child);
	PG_RETURN_INT64(changed);
}

/*
 * relorm_associate sets a has_many child's foreign key to the owner.
 * Returns 1 if it changed, 0 if it was already set.
 */
Datum
relorm_associate(PG_FUNCTION_ARGS)
{
	return associate_or_dissociate(fcinfo, RELOP_ADD);
}

/*
 * relorm_dissociate clears a has_many child's foreign key if it points at
 * the owner.  Returns 1 if it changed, else 0.
 */
Datum
relorm_dissociate(PG_FUNCTION_ARGS)
{
	return associate_or_dissociate(fcinfo, RELOP_REMOVE);
}

/*
 * relorm_set points a to-one relation at the target (NULL unsets it), or
 * makes the targets the whole set of a to-many relation (NULL or an empty
 * list unlinks all).  Returns the rows changed.
 */
Datum
relorm_set(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	KeyList    *owner;
	KeyList    *targets = NULL;
	KeyShapeKind shape = SHAPE_NONE;
	int64		changed = 0;

	/* belongs_to: several owners, each pointed at the target */
	owner = keys_from_argument(fcinfo, 2, require_key(rel->owner_key, &rel->source),
							   "owner", rel->kind != RELORM_BELONGS_TO);
	if (!PG_ARGISNULL(3))
	{
		targets = keys_from_argument(fcinfo, 3, require_key(rel->target_key, &rel->target),
									 "target", !relation_kind_is_to_many(rel->kind));
		if (targets->nkeys > 0)
			shape = shape_of(targets);
	}

	/* two statements: keep another session's set of this owner out */
	if (rel->kind != RELORM_BELONGS_TO)
		exec_lock_owner(rel, owner);
	if (rel->kind == RELORM_BELONGS_TO)
		changed = run_write_owners(rel, shape == SHAPE_NONE ? RELOP_SET_UNLINK : RELOP_SET_LINK,
								   shape, owner, targets);
	else
	{
		/* unlink what is not given first: a unique foreign key allows one */
		changed = run_write(rel, RELOP_SET_UNLINK, shape, owner, targets);
		if (shape != SHAPE_NONE)
			changed += run_write(rel, RELOP_SET_LINK, shape, owner, targets);
	}
	PG_RETURN_INT64(changed);
}

/*
 * load_one: the related row of a to-one relation, as json or as a row of
 * the target's type.  argbase is 1 for the typed form.
 */
static Datum
load_one(FunctionCallInfo fcinfo, bool typed)
{
	int			argbase = typed ? 1 : 0;
	RelationInfo *rel = open_relation(fcinfo, argbase);
	KeyList    *owner;
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	Datum		result = (Datum) 0;
	bool		isnull = true;
	StatementSpec spec;
	ExecResult *res;

	if (relation_kind_is_to_many(rel->kind))
		wrong_kind(rel, "relorm_load_one",
				   "Use relorm_load_many to load the rows of a to-many relation.");
	if (typed)
		check_type_hint(fcinfo, rel->target.relid, rel->name);
	owner = keys_from_argument(fcinfo, argbase + 2,
							   require_key(rel->owner_key, &rel->source),
							   "owner", true);

	exec_bind_keys(values, 0, owner, SHAPE_ONE);
	spec = statement_spec(typed ? RELOP_LOAD_ONE_ROW : RELOP_LOAD_ONE, SHAPE_ONE);
	res = exec_statement(rel, &spec, values, true);
	if (res->processed == 0)
		no_row(&rel->source, owner, 0);
	if (res->processed > 1)
		ereport(ERROR,
				(errcode(ERRCODE_TOO_MANY_ROWS),
				 errmsg("%s relation \"%s\" of table \"%s\" found more than one row for key %s",
						relation_kind_name(rel->kind), rel->name, rel->source.name,
						keys_format(owner, 0)),
				 errhint("Add a unique constraint on the foreign key of table \"%s\", or register the relation with relorm_has_many.",
						 rel->target.name)));

	if (typed)
	{
		if (DatumGetBool(exec_result_value(res, 0, 1, &isnull)))
		{
			TupleDesc	rowdesc = lookup_rowtype_tupdesc_copy(rel->target.rowtype, -1);

			result = HeapTupleGetDatum(results_row(rowdesc, res, 0));
			isnull = false;
		}
		else
			isnull = true;
	}
	else
		result = exec_result_value(res, 0, 1, &isnull);

	if (isnull)
		PG_RETURN_NULL();
	return result;
}

/*
 * relorm_load_one returns the related row of a belongs_to or has_one
 * relation as json, or NULL if there is none.
 */
Datum
relorm_load_one(PG_FUNCTION_ARGS)
{
	return load_one(fcinfo, false);
}

/*
 * relorm_load_one_typed is relorm_load_one(NULL::target, ...): the row
 * itself.
 */
Datum
relorm_load_one_typed(PG_FUNCTION_ARGS)
{
	return load_one(fcinfo, true);
}

/*
 * load_many_query: relorm_load_many(source, relation, owner, query) with a
 * non-empty query, read as relorm_query_related reads it.
 */
static Datum
load_many_query(FunctionCallInfo fcinfo, RelationInfo *rel, KeyList *owner, Jsonb *query)
{
	SqlBuf	   *buf = sqlbuf_create();

	deparse_statement(buf, parse_related(rel, owner, query, false));
	if (results_run_query(results_store(fcinfo, InvalidOid), buf) == 0)
		check_owner_exists(rel, owner);
	return (Datum) 0;
}

/*
 * load_many: the related rows of a to-many relation into a tuplestore,
 * fetched from a cursor in batches so that memory stays bounded however
 * many rows there are (the tuplestore spills to disk past work_mem).
 */
static Datum
load_many(FunctionCallInfo fcinfo, bool typed)
{
	int			argbase = typed ? 1 : 0;
	RelationInfo *rel;
	KeyList    *owner;
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	ResultStore *result;
	StatementSpec spec = statement_spec(typed ? RELOP_LOAD_MANY_ROW : RELOP_LOAD_MANY,
										SHAPE_ONE);

	rel = open_relation(fcinfo, argbase);
	if (!relation_kind_is_to_many(rel->kind))
		wrong_kind(rel, "relorm_load_many",
				   "Use relorm_load_one to load the row of a to-one relation.");
	if (typed)
		check_type_hint(fcinfo, rel->target.relid, rel->name);
	owner = keys_from_argument(fcinfo, argbase + 2,
							   require_key(rel->owner_key, &rel->source),
							   "owner", true);
	/* with a query: relorm_query_related */
	if (!typed && PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		Jsonb	   *query = PG_GETARG_JSONB_P(3);

		if (!JB_ROOT_IS_OBJECT(query) || JB_ROOT_COUNT(query) > 0)
			return load_many_query(fcinfo, rel, owner, query);
	}

	result = results_store(fcinfo, typed ? rel->target.rowtype : InvalidOid);

	exec_bind_keys(values, 0, owner, SHAPE_ONE);
	if (results_run_statement(result, rel, &spec, values) == 0)
	{
		/* no related rows: is there an owner? */
		(void) write_outcome(rel, check_keys(rel, SHAPE_NONE, values), owner, NULL);
	}
	return (Datum) 0;
}

/*
 * relorm_load_many returns the related rows of a has_many or many_to_many
 * relation as json, in the relation's order (default: the target's key).
 */
Datum
relorm_load_many(PG_FUNCTION_ARGS)
{
	return load_many(fcinfo, false);
}

/*
 * relorm_load_many_typed is relorm_load_many(NULL::target, ...): the rows
 * themselves.
 */
Datum
relorm_load_many_typed(PG_FUNCTION_ARGS)
{
	return load_many(fcinfo, true);
}

/*
 * relorm_relation_ids returns the keys of the related rows without loading
 * them: a key or NULL for to-one relations, an array for to-many ones
 * (from the junction alone when it holds the target's key).
 */
Datum
relorm_relation_ids(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	KeyList    *owner;
	Datum		values[RELORM_MAX_KEY_COLUMNS];
	Datum		ids;
	bool		isnull;
	Jsonb	   *list;
	StatementSpec spec;
	ExecResult *res;

	owner = keys_from_argument(fcinfo, 2, require_key(rel->owner_key, &rel->source),
							   "owner", true);
	(void) require_key(rel->target_key, &rel->target);

	exec_bind_keys(values, 0, owner, SHAPE_ONE);
	spec = statement_spec(RELOP_RELATION_IDS, SHAPE_ONE);
	res = exec_statement(rel, &spec, values, true);
	if (res->processed == 0)
		no_row(&rel->source, owner, 0);
	ids = exec_result_value(res, 0, 1, &isnull);

	if (relation_kind_is_to_many(rel->kind))
	{
		if (isnull)
			PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum("[]")));
		PG_RETURN_DATUM(ids);
	}

	/* to-one: the one key, or NULL */
	if (isnull)
		PG_RETURN_NULL();
	list = DatumGetJsonbP(ids);
	if (JB_ROOT_COUNT(list) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_TOO_MANY_ROWS),
				 errmsg("%s relation \"%s\" of table \"%s\" found more than one row for key %s",
						relation_kind_name(rel->kind), rel->name, rel->source.name,
						keys_format(owner, 0)),
				 errhint("Add a unique constraint on the foreign key of table \"%s\", or register the relation with relorm_has_many.",
						 rel->target.name)));
	PG_RETURN_JSONB_P(JsonbValueToJsonb(getIthJsonbValueFromContainer(&list->root, 0)));
}

/* statement_text: the SQL of (rel, op, shape). */
static char *
statement_text(RelationInfo *rel, RelOp op, KeyShapeKind shape)
{
	StatementSpec spec = statement_spec(op, shape);

	return build_statement(rel, &spec)->sql.data;
}

/*
 * relorm_operation_sql is relorm_sql(source, relation, operation, many):
 * the statement(s) a link operation runs, with $n parameters: the owner's
 * key first, then the targets' (arrays when many).
 */
Datum
relorm_operation_sql(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_relation(fcinfo, 0);
	char	   *operation;
	bool		many = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
	KeyShapeKind shape = many ? SHAPE_MANY : SHAPE_ONE;
	StringInfoData buf;

	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("operation must not be null")));
	operation = text_to_cstring(PG_GETARG_TEXT_PP(2));
	(void) require_key(rel->owner_key, &rel->source);
	(void) require_key(rel->target_key, &rel->target);

	initStringInfo(&buf);
	if (strcmp(operation, "add") == 0 || strcmp(operation, "remove") == 0)
	{
		if (!relation_kind_is_to_many(rel->kind))
			wrong_kind(rel, psprintf("relorm_%s", operation),
					   "Use relorm_set to point a to-one relation at a row, or to unset it with NULL.");
		appendStringInfoString(&buf,
							   statement_text(rel, operation[0] == 'a' ? RELOP_ADD : RELOP_REMOVE, shape));
	}
	else if (strcmp(operation, "set") == 0)
	{
		if (rel->kind != RELORM_BELONGS_TO)
			appendStringInfo(&buf, "%s;\n",
							 statement_text(rel, RELOP_SET_UNLINK, shape));
		appendStringInfoString(&buf, statement_text(rel, RELOP_SET_LINK, shape));
	}
	else if (strcmp(operation, "unset") == 0)
		appendStringInfoString(&buf, statement_text(rel, RELOP_SET_UNLINK, SHAPE_NONE));
	else if (strcmp(operation, "load_one") == 0)
	{
		if (relation_kind_is_to_many(rel->kind))
			wrong_kind(rel, "relorm_load_one",
					   "Use relorm_load_many to load the rows of a to-many relation.");
		appendStringInfoString(&buf, statement_text(rel, RELOP_LOAD_ONE, SHAPE_ONE));
	}
	else if (strcmp(operation, "load_many") == 0)
	{
		if (!relation_kind_is_to_many(rel->kind))
			wrong_kind(rel, "relorm_load_many",
					   "Use relorm_load_one to load the row of a to-one relation.");
		appendStringInfoString(&buf, statement_text(rel, RELOP_LOAD_MANY, SHAPE_ONE));
	}
	else if (strcmp(operation, "relation_ids") == 0)
		appendStringInfoString(&buf, statement_text(rel, RELOP_RELATION_IDS, SHAPE_ONE));
	else if (strcmp(operation, "attach") == 0 || strcmp(operation, "detach") == 0 ||
			 strcmp(operation, "sync") == 0 || strcmp(operation, "toggle") == 0 ||
			 strcmp(operation, "update_pivot") == 0)
	{
		StatementSpec spec;

		if (rel->kind != RELORM_MANY_TO_MANY)
			wrong_kind(rel, psprintf("relorm_%s", operation),
					   "Pivot operations are for many_to_many relations.");
		spec = statement_spec(operation[0] == 'a' ? RELOP_ATTACH :
							  operation[0] == 'd' ? RELOP_DETACH :
							  operation[0] == 's' ? RELOP_SYNC :
							  operation[0] == 't' ? RELOP_TOGGLE : RELOP_UPDATE_PIVOT,
							  operation[0] == 'u' ? SHAPE_ONE : shape);
		/* the statement for every pivot field given; sync detaching */
		spec.pivot_fields = operation[0] == 'd' ? 0
			: (rel->pivot_cols.ncols >= 32 ? ~0U : (1U << rel->pivot_cols.ncols) - 1);
		spec.option = operation[0] == 's';
		if (spec.op == RELOP_UPDATE_PIVOT && spec.pivot_fields == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relation \"%s\" has no pivot fields to update", rel->name)));
		/* toggle of one target: a detach, then (if it unlinked nothing) an attach */
		if (spec.op == RELOP_TOGGLE && shape == SHAPE_ONE)
		{
			StatementSpec detach = statement_spec(RELOP_DETACH, SHAPE_ONE);

			appendStringInfo(&buf, "%s;\n", build_statement(rel, &detach)->sql.data);
			spec.op = RELOP_ATTACH;
		}
		appendStringInfoString(&buf, build_statement(rel, &spec)->sql.data);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unrecognized relorm operation \"%s\"", operation),
				 errhint("Valid operations are add, remove, set, unset, load_one, load_many, relation_ids, attach, detach, sync, toggle and update_pivot.")));
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}

