/*-------------------------------------------------------------------------
 *
 * exec.c
 *	  The plan cache and SPI execution of relorm's statements.
 *
 * A statement is prepared the first time an operation needs it for a
 * relation in a shape, kept with SPI_keepplan, and hung on the relation's
 * RelationInfo.  When the metadata is invalidated the plans are freed with
 * it (catalog.c, relorm_metadata_reap); until then PostgreSQL's plan cache
 * replans them if statistics or indexes change.
 *
 * Statements run as the caller (no user switch): privileges and row-level
 * security apply.  Constraint violations (SQLSTATE class 23) raised by a
 * statement get a hint that says what relorm was doing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "miscadmin.h"
#include "utils/typcache.h"
#include "common/hashfn.h"
#include "utils/elog.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/fmgrprotos.h"

#include "relorm.h"

/* A prepared statement and what it is for. */
typedef struct PlanEntry
{
	StatementSpec spec;
	SPIPlanPtr	plan;
} PlanEntry;

/* statement_spec: the spec of a statement without variants. */
StatementSpec
statement_spec(RelOp op, KeyShapeKind shape)
{
	StatementSpec spec;

	memset(&spec, 0, sizeof(spec));
	spec.op = op;
	spec.shape = shape;
	return spec;
}

/*
 * relorm_plan returns the prepared statement of (rel, spec), preparing and
 * keeping it on first use.  A relation has a handful of them, so a list
 * serves.  Must run inside SPI.
 */
SPIPlanPtr
relorm_plan(RelationInfo *rel, const StatementSpec *spec)
{
	ListCell   *lc;
	PlanEntry  *entry;
	Oid			argtypes[3 * RELORM_MAX_KEY_COLUMNS];
	int			nargs;
	char	   *sql;
	SPIPlanPtr	plan;
	MemoryContext old;

	foreach(lc, rel->plans)
	{
		entry = (PlanEntry *) lfirst(lc);
		if (memcmp(&entry->spec, spec, sizeof(StatementSpec)) == 0)
			return entry->plan;
	}

	sql = build_statement(rel, spec, argtypes, &nargs);

	/*
	 * Writes use the generic plan from the first call.  Without arrays they
	 * find one or two rows by key, and the generic plan is the custom plan.
	 * With arrays, a custom plan would know how many keys there are, and
	 * for 100k keys it hashes the whole target table and spills, where the
	 * generic plan probes its index for each key (bench/analysis.md); it
	 * also takes 5-10 ms to plan such a call.  Loads of an owner's related
	 * rows are left to the plan cache's choice: a custom plan knows how
	 * many rows that owner has.
	 */
	plan = SPI_prepare_cursor(sql, nargs, argtypes,
							  spec->op == RELOP_LOAD_MANY || spec->op == RELOP_LOAD_MANY_ROW
							  ? 0 : CURSOR_OPT_GENERIC_PLAN);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	old = MemoryContextSwitchTo(rel->context);
	entry = palloc(sizeof(PlanEntry));
	entry->spec = *spec;
	entry->plan = plan;
	rel->plans = lappend(rel->plans, entry);
	MemoryContextSwitchTo(old);
	return plan;
}

/*
 * relorm_plans_free frees the prepared statements of a retired relation.
 */
void
relorm_plans_free(RelationInfo *rel)
{
	ListCell   *lc;

	foreach(lc, rel->plans)
		SPI_freeplan(((PlanEntry *) lfirst(lc))->plan);
	rel->plans = NIL;
}

/*
 * relorm_lock_owner serializes the pivot and set operations of one owner
 * across sessions: a transaction-level advisory lock on (the relation's
 * junction or target, a hash of the source and the owner's key).  Taken
 * before the statement that reads the links, so that under READ COMMITTED
 * that statement sees what the previous holder committed.  No privilege is
 * needed and the owner's row is not locked.
 */
void
relorm_lock_owner(RelationInfo *rel, const KeyList *owner)
{
	Oid			space = OidIsValid(rel->junction.relid) ? rel->junction.relid
		: rel->target.relid;
	char	   *key = psprintf("%u:%s:%s", rel->source.relid, rel->name,
							   keys_format(owner, 0));
	uint32		hash = hash_bytes((const unsigned char *) key, strlen(key));

	DirectFunctionCall2(pg_advisory_xact_lock_int4,
						Int32GetDatum((int32) space), Int32GetDatum((int32) hash));
}

/*
 * constraint_hint says, for a constraint violation raised by one of our
 * statements, what relorm was doing and what the caller may do.
 */
static char *
constraint_hint(RelationInfo *rel, const StatementSpec *spec, int sqlerrcode)
{
	RelOp		op = spec->op;

	const TableInfo *changed;

	changed = rel->kind == RELORM_MANY_TO_MANY ? &rel->junction :
		rel->kind == RELORM_BELONGS_TO ? &rel->source : &rel->target;

	switch (sqlerrcode)
	{
		case ERRCODE_NOT_NULL_VIOLATION:
			if (op == RELOP_REMOVE || op == RELOP_SET_UNLINK)
				return psprintf("Relation \"%s\" unlinks rows of table \"%s\" by setting their foreign key to NULL, which the column does not allow; delete the rows instead, or make the column nullable.",
								rel->name, changed->name);
			break;
		case ERRCODE_UNIQUE_VIOLATION:
			if (op == RELOP_ATTACH && spec->option)
				return psprintf("duplicates => true links a pair again, but a unique constraint of table \"%s\" allows one link per pair; attach with duplicates => false to skip linked pairs.",
								changed->name);
			return psprintf("A unique constraint of table \"%s\" allows no second link of this kind through relation \"%s\".",
							changed->name, rel->name);
		case ERRCODE_FOREIGN_KEY_VIOLATION:
			return psprintf("Relation \"%s\" links rows of table \"%s\" that a foreign key does not allow; a row may have been deleted by a concurrent transaction.",
							rel->name, changed->name);
		default:
			break;
	}
	return NULL;
}

/*
 * relorm_execute runs the statement of (rel, op, shape) with the given
 * parameters and returns SPI's result code; the rows are in SPI_tuptable.
 */
int
relorm_execute(RelationInfo *rel, const StatementSpec *spec,
			   Datum *values, bool read_only)
{
	SPIPlanPtr	plan = relorm_plan(rel, spec);
	MemoryContext context = CurrentMemoryContext;
	volatile int ret = 0;

	PG_TRY();
	{
		ret = SPI_execute_plan(plan, values, NULL, read_only, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		char	   *hint;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) == ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION &&
			edata->hint == NULL &&
			(hint = constraint_hint(rel, spec, edata->sqlerrcode)) != NULL)
		{
			FlushErrorState();
			edata->hint = hint;
			ReThrowError(edata);
		}
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(ret));
	return ret;
}

/*
 * relorm_bind_keys puts the keys into values[next...] as parameters of the
 * given shape: one scalar per key column, or one array per key column.
 * Returns the next free position.
 */
int
relorm_bind_keys(Datum *values, int next, const KeyList *keys,
				 KeyShapeKind shape)
{
	int			c;

	if (shape == SHAPE_NONE)
		return next;
	for (c = 0; c < keys->columns->ncols; c++)
		values[next++] = shape == SHAPE_ONE ? keys->values[c][0]
			: keys_column_array(keys, c);
	return next;
}

/*
 * relorm_row_from_result forms a row of the target's type from a result row whose
 * column 1 is the "found" flag and the rest are the target's columns.
 */
HeapTuple
relorm_row_from_result(TupleDesc rowdesc, HeapTuple result, TupleDesc resultdesc)
{
	Datum	   *values = palloc(sizeof(Datum) * rowdesc->natts);
	bool	   *nulls = palloc(sizeof(bool) * rowdesc->natts);
	int			src = 2;
	int			a;
	HeapTuple	tuple;

	for (a = 0; a < rowdesc->natts; a++)
	{
		if (TupleDescAttr(rowdesc, a)->attisdropped)
		{
			values[a] = (Datum) 0;
			nulls[a] = true;
			continue;
		}
		values[a] = SPI_getbinval(result, resultdesc, src++, &nulls[a]);
	}
	tuple = heap_form_tuple(rowdesc, values, nulls);
	pfree(values);
	pfree(nulls);
	return tuple;
}

/*
 * relorm_result_store sets up the tuplestore a set-returning function
 * returns (materialize mode): rows of `rowtype` for the typed forms, else
 * one json column.
 */
ResultStore *
relorm_result_store(FunctionCallInfo fcinfo, Oid rowtype)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ResultStore *result = palloc0(sizeof(ResultStore));
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));

	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	result->typed = OidIsValid(rowtype);
	if (result->typed)
		result->desc = lookup_rowtype_tupdesc_copy(rowtype, -1);
	else
	{
		result->desc = CreateTemplateTupleDesc(1);
		TupleDescInitEntry(result->desc, 1, "json", JSONOID, -1, 0);
	}
	result->store = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
										  false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = result->store;
	rsinfo->setDesc = result->desc;
	MemoryContextSwitchTo(old);
	return result;
}

/*
 * StoreReceiver: the executor's DestReceiver for a statement whose rows go
 * to a ResultStore.  Each row goes from the executor's slot straight into
 * the tuplestore (which spills to disk past work_mem, so memory stays
 * bounded however many rows there are): no copy into an SPI tuple table.
 * Column 1 of each row is the json, or for typed results a "found" flag
 * followed by the row's columns; rows whose column 1 is NULL or false are
 * skipped (they stand for an owner without related rows).
 */
typedef struct StoreReceiver
{
	DestReceiver pub;
	ResultStore *result;
	uint64		seen;			/* rows received, skipped ones included */
	Datum	   *values;			/* typed: a row of result->desc */
	bool	   *nulls;
} StoreReceiver;

static bool
store_receive(TupleTableSlot *slot, DestReceiver *self)
{
	StoreReceiver *receiver = (StoreReceiver *) self;
	ResultStore *result = receiver->result;
	int			src = 1;
	int			a;

	slot_getallattrs(slot);
	receiver->seen++;
	if (slot->tts_isnull[0] || (result->typed && !DatumGetBool(slot->tts_values[0])))
		return true;
	if (!result->typed)
	{
		tuplestore_putvalues(result->store, result->desc, slot->tts_values, slot->tts_isnull);
		return true;
	}
	/* the statement selects the row type's columns, dropped ones left out */
	for (a = 0; a < result->desc->natts; a++)
	{
		if (TupleDescAttr(result->desc, a)->attisdropped)
		{
			receiver->values[a] = (Datum) 0;
			receiver->nulls[a] = true;
			continue;
		}
		if (src >= slot->tts_tupleDescriptor->natts)
			elog(ERROR, "relorm statement returned too few columns for row type");
		receiver->values[a] = slot->tts_values[src];
		receiver->nulls[a] = slot->tts_isnull[src];
		src++;
	}
	tuplestore_putvalues(result->store, result->desc, receiver->values, receiver->nulls);
	return true;
}

static void
store_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
store_nothing(DestReceiver *self)
{
}

/*
 * relorm_run_into runs a read-only statement with the given parameters
 * (nulls as for SPI_execute_plan) and puts its rows into the result store.
 * Returns the rows the statement returned, skipped ones included.  Must
 * run inside SPI.
 */
uint64
relorm_run_into(ResultStore *result, SPIPlanPtr plan, Datum *values, const char *nulls)
{
	StoreReceiver receiver;
	SPIExecuteOptions options;
	int			nargs = SPI_getargcount(plan);
	ParamListInfo params = makeParamList(nargs);
	int			i;
	int			ret;

	for (i = 0; i < nargs; i++)
	{
		params->params[i].value = values[i];
		params->params[i].isnull = nulls != NULL && nulls[i] == 'n';
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = SPI_getargtypeid(plan, i);
	}

	memset(&receiver, 0, sizeof(receiver));
	receiver.pub.receiveSlot = store_receive;
	receiver.pub.rStartup = store_startup;
	receiver.pub.rShutdown = store_nothing;
	receiver.pub.rDestroy = store_nothing;
	receiver.pub.mydest = DestTuplestore;
	receiver.result = result;
	if (result->typed)
	{
		receiver.values = palloc(sizeof(Datum) * result->desc->natts);
		receiver.nulls = palloc(sizeof(bool) * result->desc->natts);
	}

	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = (DestReceiver *) &receiver;
	ret = SPI_execute_plan_extended(plan, &options);
	if (ret < 0)
		elog(ERROR, "SPI_execute_plan_extended failed: %s", SPI_result_code_string(ret));
	return receiver.seen;
}

/*
 * Plans of compiled queries (query.c), kept per SQL text: the text holds
 * the query's shape (names, operators, parameter types), the values are
 * parameters, so a repeated shape reuses its plan.  A text that no longer
 * resolves (a table renamed) is simply not produced again; the cache is
 * emptied when it grows past QUERY_PLAN_LIMIT, at the start of an
 * outermost call (relorm_query_plans_reap), when nobody is using a plan.
 */
#define QUERY_PLAN_LIMIT 256

typedef struct QueryPlanEntry
{
	uint64		hash;			/* hash key */
	char	   *sql;
	SPIPlanPtr	plan;
} QueryPlanEntry;

static HTAB *query_plans = NULL;
static MemoryContext QueryPlanContext = NULL;

/* relorm_query_plans_reap frees the query plans if there are too many. */
void
relorm_query_plans_reap(void)
{
	HASH_SEQ_STATUS status;
	QueryPlanEntry *entry;

	if (query_plans == NULL || hash_get_num_entries(query_plans) < QUERY_PLAN_LIMIT)
		return;
	hash_seq_init(&status, query_plans);
	while ((entry = hash_seq_search(&status)) != NULL)
		SPI_freeplan(entry->plan);
	hash_destroy(query_plans);
	MemoryContextReset(QueryPlanContext);
	query_plans = NULL;
}

/*
 * relorm_query_plan returns the kept plan of a compiled query, preparing
 * it on first use.  Must run inside SPI.
 */
SPIPlanPtr
relorm_query_plan(const char *sql, int nargs, Oid *argtypes)
{
	uint64		hash = hash_bytes_extended((const unsigned char *) sql, strlen(sql), 0);
	QueryPlanEntry *entry;
	bool		found;
	SPIPlanPtr	plan;

	if (query_plans == NULL)
	{
		HASHCTL		ctl;

		if (QueryPlanContext == NULL)
			QueryPlanContext = AllocSetContextCreate(TopMemoryContext, "relorm query plans",
													 ALLOCSET_SMALL_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(QueryPlanEntry);
		ctl.hcxt = QueryPlanContext;
		query_plans = hash_create("relorm query plans", 64, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(query_plans, &hash, HASH_FIND, NULL);
	if (entry != NULL && strcmp(entry->sql, sql) == 0)
		return entry->plan;

	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	/* a hash collision keeps the old plan (it may be in use) and the new */
	entry = hash_search(query_plans, &hash, HASH_ENTER, &found);
	entry->sql = MemoryContextStrdup(QueryPlanContext, sql);
	entry->plan = plan;
	return plan;
}
