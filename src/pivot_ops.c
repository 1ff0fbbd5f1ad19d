/*-------------------------------------------------------------------------
 *
 * pivot_ops.c
 *	  Pivot operations (SPEC §4, Laravel Orion): relorm_attach,
 *	  relorm_detach, relorm_sync, relorm_toggle, relorm_update_pivot.
 *	  (relorm_associate / relorm_dissociate are in link_ops.c.)
 *
 * Each call is one statement for any number of targets (deparse_link.c,
 * build_pivot_statement), run after taking the owner's advisory lock
 * (exec_lock_owner): calls on one owner run one after the other, and
 * under READ COMMITTED each one's statement sees what the previous one
 * committed.  So two syncs of one owner leave one of the two lists, two
 * attaches of one pair link it once, and no call fails because another
 * won a race.
 *
 * Results are jsonb as Laravel returns them: {"attached": [keys]},
 * {"detached": [keys]}, {"attached", "detached", "updated"} for sync,
 * {"attached", "detached"} for toggle, {"updated": [keys]}; keys in the
 * order given, keys unlinked without being given in key order.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "fnargs.h"

PG_FUNCTION_INFO_V1(relorm_attach);
PG_FUNCTION_INFO_V1(relorm_detach);
PG_FUNCTION_INFO_V1(relorm_sync);
PG_FUNCTION_INFO_V1(relorm_toggle);
PG_FUNCTION_INFO_V1(relorm_update_pivot);

/*
 * open_many_to_many: the relation of a pivot operation, which must be a
 * many_to_many relation.
 */
static RelationInfo *
open_many_to_many(FunctionCallInfo fcinfo, const char *function)
{
	RelationInfo *rel = open_relation(fcinfo, 0);

	if (rel->kind == RELORM_HAS_MANY)
		wrong_kind(rel, function,
				   "Use relorm_associate / relorm_dissociate (or relorm_add / relorm_remove) for a has_many relation.");
	if (rel->kind != RELORM_MANY_TO_MANY)
		wrong_kind(rel, function, "Use relorm_set for a to-one relation.");
	(void) require_key(rel->owner_key, &rel->source);
	(void) require_key(rel->target_key, &rel->target);
	return rel;
}

/* pivot_field_names lists a relation's pivot fields, for hints. */
static char *
pivot_field_names(RelationInfo *rel)
{
	StringInfoData buf;
	int			c;

	initStringInfo(&buf);
	for (c = 0; c < rel->pivot_cols.ncols; c++)
		appendStringInfo(&buf, "%s%s", c ? ", " : "", rel->pivot_cols.names[c]);
	return buf.data;
}

/*
 * field_mask returns the bitmap (over rel->pivot_cols) of the fields an
 * object gives; a field that is not a pivot field is 42703.
 */
static uint32
field_mask(RelationInfo *rel, Jsonb *fields, const char *what)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	uint32		mask = 0;

	if (fields == NULL)
		return 0;
	if (!JB_ROOT_IS_OBJECT(fields) || JB_ROOT_IS_SCALAR(fields))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a jsonb object of pivot fields", what)));
	it = JsonbIteratorInit(&fields->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		int			c;
		int			found = -1;

		if (tok != WJB_KEY)
			continue;
		for (c = 0; c < rel->pivot_cols.ncols; c++)
			if (strlen(rel->pivot_cols.names[c]) == v.val.string.len &&
				strncmp(rel->pivot_cols.names[c], v.val.string.val, v.val.string.len) == 0)
				found = c;
		if (found < 0)
		{
			char	   *names = pivot_field_names(rel);

			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("\"%s\" is not a pivot field of relation \"%s\" of table \"%s\"",
							pnstrdup(v.val.string.val, v.val.string.len),
							rel->name, rel->source.name),
					 names[0] != '\0'
					 ? errhint("The pivot fields of relation \"%s\" are: %s.", rel->name, names)
					 : errhint("Relation \"%s\" has no pivot fields.", rel->name)));
		}
		mask |= 1U << found;
	}
	return mask;
}

/* empty_object: '{}', the pivot fields of a target given none. */
static Jsonb *
empty_object(void)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
}

/*
 * merge_pivots gives every target its pivot fields: the call's common
 * fields, overridden by the target's own ({"key": {fields}} form).
 * Returns the bitmap of all fields given.
 */
static uint32
merge_pivots(RelationInfo *rel, Jsonb *common, Jsonb **pivots, int n)
{
	uint32		mask = field_mask(rel, common, "pivot");
	int			i;
	MemoryContext scratch;
	Jsonb	   *empty;

	for (i = 0; i < n; i++)
		mask |= field_mask(rel, pivots[i], "the pivot fields of a target");
	if (mask == 0)
		return 0;				/* no fields: the statement reads none */
	scratch = AllocSetContextCreate(CurrentMemoryContext, "relorm pivot merge",
									ALLOCSET_SMALL_SIZES);
	empty = empty_object();
	for (i = 0; i < n; i++)
	{
		if (common != NULL && pivots[i] != NULL)
		{
			/*
			 * jsonb_concat builds in a 1 kB buffer and leaves its parse
			 * state behind: build in a scratch context, keep a copy the
			 * size of the result
			 */
			MemoryContext old = MemoryContextSwitchTo(scratch);
			Jsonb	   *merged = DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
																	JsonbPGetDatum(common),
																	JsonbPGetDatum(pivots[i])));

			MemoryContextSwitchTo(old);
			pivots[i] = palloc(VARSIZE(merged));
			memcpy(pivots[i], merged, VARSIZE(merged));
			MemoryContextReset(scratch);
		}
		else if (pivots[i] == NULL)
			pivots[i] = common != NULL ? common : empty;
	}
	MemoryContextDelete(scratch);
	return mask;
}

/*
 * pivot_result builds a pivot operation's result for one target: each
 * list of `lists` holds the key if `has` says so, else is empty.
 */
static Datum
pivot_result(const char *const *lists, const bool *has, int n, Jsonb *key)
{
	JsonbParseState *state = NULL;
	JsonbValue	v;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < n; i++)
	{
		v.type = jbvString;
		v.val.string.val = (char *) lists[i];
		v.val.string.len = strlen(lists[i]);
		pushJsonbValue(&state, WJB_KEY, &v);
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		if (has[i])
		{
			v.type = jbvBinary;
			v.val.binary.data = &key->root;
			v.val.binary.len = VARSIZE(key) - VARHDRSZ;
			pushJsonbValue(&state, WJB_ELEM, &v);
		}
		pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	return JsonbPGetDatum(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * run_pivot_one: attach, detach, toggle or update_pivot of one target, as
 * flat statements (deparse_link.c, build_flat_write); toggle is a detach and,
 * if that unlinked nothing, an attach.  When nothing changed, a check tells
 * a missing owner or target (P0002).  The result names the target by the
 * key as given.
 */
static Datum
run_pivot_one(RelationInfo *rel, StatementSpec *spec, KeyList *owner,
			  KeyList *targets, Datum *values)
{
	StatementSpec step = *spec;
	const char *lists[2];
	bool		has[2] = {false, false};
	int			n = 1;

	switch (spec->op)
	{
		case RELOP_ATTACH:
			lists[0] = "attached";
			break;
		case RELOP_DETACH:
			lists[0] = "detached";
			break;
		case RELOP_UPDATE_PIVOT:
			lists[0] = "updated";
			break;
		case RELOP_TOGGLE:
			lists[0] = "attached";
			lists[1] = "detached";
			n = 2;
			break;
		default:
			elog(ERROR, "not a pivot operation of one target: %d", (int) spec->op);
	}
	if (spec->op == RELOP_TOGGLE)
	{
		step.op = RELOP_DETACH;
		step.pivot_fields = 0;
		has[1] = exec_statement(rel, &step, values, false)->processed > 0;
		step.op = RELOP_ATTACH;
		step.pivot_fields = spec->pivot_fields;
	}
	if (!has[1])
	{
		has[0] = exec_statement(rel, &step, values, false)->processed > 0;
	}
	if (!has[0] && !has[1])
	{
		(void) write_outcome(rel, check_keys(rel, SHAPE_ONE, values), owner, targets);
	}
	return pivot_result(lists, has, n, keys_json(targets, 0));
}

/*
 * run_pivot runs one pivot statement under the owner's lock and returns
 * its jsonb result, or raises P0002 for a key that names no row.
 */
static Datum
run_pivot(RelationInfo *rel, StatementSpec *spec, KeyList *owner,
		  KeyList *targets, Jsonb **pivots)
{
	Datum		values[3 * RELORM_MAX_KEY_COLUMNS];
	int			n;
	Datum		result;

	exec_lock_owner(rel, owner);

	n = exec_bind_keys(values, 0, owner, SHAPE_ONE);
	n = exec_bind_keys(values, n, targets, spec->shape);
	/* the pivot fields: jsonb for one target, jsonb texts for several */
	if (spec->shape == SHAPE_ONE)
		values[n++] = JsonbPGetDatum(spec->pivot_fields != 0 ? pivots[0] : empty_object());
	else if (spec->shape == SHAPE_MANY && spec->pivot_fields == 0)
		values[n++] = PointerGetDatum(construct_empty_array(TEXTOID));
	else if (spec->shape == SHAPE_MANY)
	{
		Datum	   *elems = palloc(sizeof(Datum) * (targets->nkeys + 1));
		StringInfoData text;
		int			i;

		/*
		 * one buffer for every target's text: JsonbToCString's own starts
		 * at 1 kB, which per target was most of a large call's memory
		 */
		initStringInfo(&text);
		for (i = 0; i < targets->nkeys; i++)
		{
			resetStringInfo(&text);
			(void) JsonbToCString(&text, &pivots[i]->root, VARSIZE(pivots[i]));
			elems[i] = PointerGetDatum(cstring_to_text_with_len(text.data, text.len));
		}
		pfree(text.data);
		values[n++] = PointerGetDatum(construct_array(elems, targets->nkeys, TEXTOID,
													  -1, false, TYPALIGN_INT));
		for (i = 0; i < targets->nkeys; i++)
			pfree(DatumGetPointer(elems[i]));
	}

	if (spec->shape == SHAPE_ONE && spec->op != RELOP_SYNC)
		result = run_pivot_one(rel, spec, owner, targets, values);
	else
		result = write_outcome(rel, exec_statement(rel, spec, values, false), owner, targets);
	return result;
}

/*
 * pivot_call reads (owner, targets) at arguments 2 and 3 and runs op.
 * targets NULL means "all" (SHAPE_NONE); an empty list is SHAPE_MANY with
 * no keys, which changes nothing.
 */
static Datum
pivot_call(FunctionCallInfo fcinfo, RelationInfo *rel, RelOp op,
		   Jsonb *common, bool option, bool null_means_none)
{
	StatementSpec spec = statement_spec(op, SHAPE_NONE);
	KeyList    *owner;
	KeyList    *targets;
	Jsonb	  **pivots;

	owner = keys_from_argument(fcinfo, 2, rel->owner_key, "owner", true);
	if (PG_ARGISNULL(3) && null_means_none)
	{
		targets = palloc0(sizeof(KeyList));
		targets->columns = rel->target_key;
		pivots = NULL;
		(void) field_mask(rel, common, "pivot");
	}
	else
	{
		targets = keys_with_pivots(fcinfo, 3, rel->target_key, "targets", false, &pivots);
		spec.pivot_fields = merge_pivots(rel, common, pivots, targets->nkeys);
		spec.shape = targets->nkeys == 1 ? SHAPE_ONE : SHAPE_MANY;
		/* sync to nothing is the statement without targets */
		if (op == RELOP_SYNC && targets->nkeys == 0)
			spec.shape = SHAPE_NONE;
	}
	/* only attach, sync and update_pivot write pivot fields */
	if (op == RELOP_DETACH)
		spec.pivot_fields = 0;
	spec.option = option;
	PG_RETURN_DATUM(run_pivot(rel, &spec, owner, targets, pivots));
}

/*
 * relorm_attach links the targets to the owner with the given pivot
 * fields (for all targets, and/or per target), skipping linked pairs
 * unless duplicates.  Returns {"attached": [keys]}.
 */
Datum
relorm_attach(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_many_to_many(fcinfo, "relorm_attach");

	return pivot_call(fcinfo, rel, RELOP_ATTACH,
					  PG_ARGISNULL(4) ? NULL : PG_GETARG_JSONB_P(4),
					  !PG_ARGISNULL(5) && PG_GETARG_BOOL(5), false);
}

/*
 * relorm_detach unlinks the targets (NULL: all; []: none).  Returns
 * {"detached": [keys]}.
 */
Datum
relorm_detach(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_many_to_many(fcinfo, "relorm_detach");

	return pivot_call(fcinfo, rel, RELOP_DETACH, NULL, false, true);
}

/*
 * relorm_sync links exactly the targets: links the missing ones, updates
 * the given pivot fields of linked ones where they differ, and (unless
 * detaching is false) unlinks the rest.  [] or NULL unlinks all.  The
 * sixth argument, pivot, gives fields for every target (Laravel's
 * syncWithPivotValues); a target's own fields win.  (The 0.1.0 form has
 * five arguments.)  Returns {"attached": [...], "detached": [...],
 * "updated": [...]}.
 */
Datum
relorm_sync(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_many_to_many(fcinfo, "relorm_sync");
	Jsonb	   *common = (PG_NARGS() > 5 && !PG_ARGISNULL(5)) ? PG_GETARG_JSONB_P(5) : NULL;

	return pivot_call(fcinfo, rel, RELOP_SYNC, common,
					  PG_ARGISNULL(4) || PG_GETARG_BOOL(4), true);
}

/*
 * relorm_toggle unlinks the linked targets and links the others (with
 * their pivot fields).  Returns {"attached": [...], "detached": [...]}.
 */
Datum
relorm_toggle(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_many_to_many(fcinfo, "relorm_toggle");

	return pivot_call(fcinfo, rel, RELOP_TOGGLE, NULL, false, false);
}

/*
 * relorm_update_pivot sets pivot fields of the owner's link to one target.
 * Returns {"updated": [key]}, or {"updated": []} if they are not linked.
 */
Datum
relorm_update_pivot(PG_FUNCTION_ARGS)
{
	RelationInfo *rel = open_many_to_many(fcinfo, "relorm_update_pivot");
	StatementSpec spec = statement_spec(RELOP_UPDATE_PIVOT, SHAPE_ONE);
	KeyList    *owner;
	KeyList    *target;
	Jsonb	  **pivots;
	Jsonb	   *fields;

	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fields must not be null")));
	fields = PG_GETARG_JSONB_P(4);
	owner = keys_from_argument(fcinfo, 2, rel->owner_key, "owner", true);
	target = keys_from_argument(fcinfo, 3, rel->target_key, "target", true);
	spec.pivot_fields = field_mask(rel, fields, "fields");
	if (spec.pivot_fields == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fields must give at least one pivot field")));
	pivots = palloc(sizeof(Jsonb *));
	pivots[0] = fields;
	PG_RETURN_DATUM(run_pivot(rel, &spec, owner, target, pivots));
}

