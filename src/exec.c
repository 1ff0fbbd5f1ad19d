/*-------------------------------------------------------------------------
 *
 * exec.c
 *	  SPI and the plan caches: the only module, with results.c, that runs
 *	  statements.
 *
 * A link, pivot or load statement is prepared the first time an operation
 * needs it for a relation in a shape, kept with SPI_keepplan, in a hash
 * keyed by (source, relation name, StatementSpec) as ri_triggers.c keys
 * its plans by (constraint, query kind).  Each entry remembers the version
 * of the RelationInfo it was built from: metadata rebuilt after an
 * invalidation has a new version, and the stale plan is replaced on its
 * next use, or freed at the end of the transaction.  Until then
 * PostgreSQL's plan cache replans it if statistics or indexes change.
 * A compiled query's plan is kept by its SQL text (query plans, below).
 *
 * Statements run as the caller (no user switch): privileges and row-level
 * security apply.  Constraint violations (SQLSTATE class 23) raised by a
 * statement get a hint that says what relorm was doing.  Results are
 * copied out of SPI into the caller's memory (ExecResult), so that no
 * caller needs SPI.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "jit/jit.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "exec.h"
#include "metadata.h"

/* hash key of a relation statement's plan */
typedef struct PlanKey
{
	Oid			source;
	char		name[NAMEDATALEN];
	StatementSpec spec;
} PlanKey;

typedef struct PlanEntry
{
	PlanKey		key;
	uint64		version;		/* of the RelationInfo it was built from */
	SPIPlanPtr	plan;
} PlanEntry;

static HTAB *relation_plans = NULL;

/* the most owners one call locks (exec_lock_owners) */
#define RELORM_MAX_LOCKED_OWNERS 1000

static void plans_reap(void);

/*
 * relation_plan returns the prepared statement of (rel, spec), preparing
 * and keeping it on first use or when rel's metadata changed.  Must run
 * inside SPI.
 */
static SPIPlanPtr
relation_plan(RelationInfo *rel, const StatementSpec *spec)
{
	PlanKey		key;
	PlanEntry  *entry;
	bool		found;
	SqlBuf	   *sql;
	SPIPlanPtr	plan;

	if (relation_plans == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(PlanKey);
		ctl.entrysize = sizeof(PlanEntry);
		relation_plans = hash_create("relorm relation plans", 64, &ctl,
									 HASH_ELEM | HASH_BLOBS);
		relorm_at_transaction_end(plans_reap);
	}
	memset(&key, 0, sizeof(key));
	key.source = rel->source_relid;
	strlcpy(key.name, rel->name, NAMEDATALEN);
	key.spec = *spec;
	entry = hash_search(relation_plans, &key, HASH_FIND, NULL);
	if (entry != NULL && entry->version == rel->version)
		return entry->plan;

	sql = build_statement(rel, spec);

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
	plan = SPI_prepare_cursor(sql->sql.data, sql->nparams, sql->types,
							  spec->op == RELOP_LOAD_MANY || spec->op == RELOP_LOAD_MANY_ROW
							  ? 0 : CURSOR_OPT_GENERIC_PLAN);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql->sql.data, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");

	/* a stale plan is not in use: its metadata was rebuilt by this call */
	entry = hash_search(relation_plans, &key, HASH_ENTER, &found);
	if (found)
		SPI_freeplan(entry->plan);
	entry->version = rel->version;
	entry->plan = plan;
	return plan;
}

/*
 * plans_reap frees, at the end of a transaction, the plans whose metadata
 * is no longer current (relorm.c runs it, when no call can hold one), and
 * the query plans if there are too many.
 */
static void
plans_reap(void)
{
	static uint64 seen = 0;
	HASH_SEQ_STATUS status;
	PlanEntry  *entry;

	/* nothing was invalidated since the last look: every plan is current */
	if (relation_plans == NULL || relorm_metadata_invalidations() == seen)
		return;
	seen = relorm_metadata_invalidations();
	hash_seq_init(&status, relation_plans);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (relorm_metadata_is_current(entry->key.source, entry->key.name, entry->version))
			continue;
		SPI_freeplan(entry->plan);
		hash_search(relation_plans, &entry->key, HASH_REMOVE, NULL);
	}
}

/* owner_lock_space: the first half of an owner's advisory lock key. */
static Oid
owner_lock_space(RelationInfo *rel)
{
	return OidIsValid(rel->junction.relid) ? rel->junction.relid : rel->target.relid;
}

/* owner_lock_key: the second half, a hash of the relation and owner i's key. */
static uint32
owner_lock_key(RelationInfo *rel, const KeyList *owners, int i)
{
	char	   *key = psprintf("%u:%s:%s", rel->source.relid, rel->name,
							   keys_format(owners, i));

	return hash_bytes((const unsigned char *) key, strlen(key));
}

/*
 * exec_lock_owner serializes the pivot and set operations of one owner
 * across sessions: a transaction-level advisory lock on (the relation's
 * junction or target, a hash of the source and the owner's key).  Taken
 * before the statement that reads the links, so that under READ COMMITTED
 * that statement sees what the previous holder committed.  No privilege is
 * needed and the owner's row is not locked.
 */
void
exec_lock_owner(RelationInfo *rel, const KeyList *owner)
{
	DirectFunctionCall2(pg_advisory_xact_lock_int4,
						Int32GetDatum((int32) owner_lock_space(rel)),
						Int32GetDatum((int32) owner_lock_key(rel, owner, 0)));
}

/* compare_uint32: qsort's order of uint32 values. */
static int
compare_uint32(const void *a, const void *b)
{
	uint32		x = *(const uint32 *) a;
	uint32		y = *(const uint32 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * exec_lock_owners: exec_lock_owner for every owner of a call that names
 * several (SPEC §1), in the order of their lock keys, each once, so that
 * two calls naming the same owners in other orders wait rather than
 * deadlock.
 */
void
exec_lock_owners(RelationInfo *rel, const KeyList *owners)
{
	uint32	   *keys;
	int			i;

	/*
	 * each lock is held to the end of the transaction, in the shared lock
	 * table: past this many, a call would run out of shared memory (53200)
	 */
	if (owners->nkeys > RELORM_MAX_LOCKED_OWNERS)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("relation \"%s\" links several targets to at most %d owners in one call, not %d",
						rel->name, RELORM_MAX_LOCKED_OWNERS, owners->nkeys),
				 errhint("Split the owners over several calls.")));
	keys = palloc(sizeof(uint32) * Max(owners->nkeys, 1));
	for (i = 0; i < owners->nkeys; i++)
		keys[i] = owner_lock_key(rel, owners, i);
	qsort(keys, owners->nkeys, sizeof(uint32), compare_uint32);
	for (i = 0; i < owners->nkeys; i++)
		if (i == 0 || keys[i] != keys[i - 1])
			DirectFunctionCall2(pg_advisory_xact_lock_int4,
								Int32GetDatum((int32) owner_lock_space(rel)),
								Int32GetDatum((int32) keys[i]));
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
 * exec_jit_off turns JIT compilation off until exec_jit_restore, and
 * returns what to give it: relorm's statements run without JIT.  JIT
 * compiles a wide statement (hundreds of relation items, an OR of
 * thousands of relation filters) for seconds to minutes in LLVM, which
 * no cancel interrupts, while relorm's statements are short and built for
 * indexes.  JIT is decided by the jit setting at planning and again at
 * execution (no provider loads with jit off), so a cached plan planned
 * with JIT on runs without it.
 *
 * It sets the jit setting's variable for the statement, as a function's
 * SET clause would, without the GUC nest level such a clause takes:
 * leaving that level walks every setting there is, which cost 3-4 % of a
 * one-link call.  So every caller restores the setting in PG_FINALLY (or
 * before re-throwing): an error leaves no session with JIT turned off.
 */
bool
exec_jit_off(void)
{
	bool		was = jit_enabled;

	jit_enabled = false;
	return was;
}

/* exec_jit_restore restores the jit setting exec_jit_off changed. */
void
exec_jit_restore(bool was)
{
	jit_enabled = was;
}

/*
 * run_plan runs a prepared plan (inside SPI) with jit off and returns its
 * rows, copied into `context`.  A constraint violation (class 23) without
 * a hint of its own gets one: constraint_hint's for a relation statement
 * (spec), else `hint`.
 */
static ExecResult *
run_plan(MemoryContext context, SPIPlanPtr plan, Datum *values, const char *nulls,
		 bool read_only, RelationInfo *rel, const StatementSpec *spec, const char *hint)
{
	ExecResult *result = MemoryContextAllocZero(context, sizeof(ExecResult));
	volatile int ret = 0;
	uint64		i;
	bool		jit = exec_jit_off();

	PG_TRY();
	{
		ret = SPI_execute_plan(plan, values, nulls, read_only, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		char	   *extra;

		exec_jit_restore(jit);
		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		extra = spec != NULL ? constraint_hint(rel, spec, edata->sqlerrcode)
			: (hint != NULL ? pstrdup(hint) : NULL);
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) == ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION &&
			edata->hint == NULL && extra != NULL)
		{
			FlushErrorState();
			edata->hint = extra;
			ReThrowError(edata);
		}
		FreeErrorData(edata);
		PG_RE_THROW();
	}
	PG_END_TRY();
	exec_jit_restore(jit);

	if (ret < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(ret));
	result->processed = SPI_processed;
	if (SPI_tuptable != NULL)
	{
		MemoryContext spi = MemoryContextSwitchTo(context);

		result->desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
		result->rows = palloc(sizeof(HeapTuple) * (SPI_processed + 1));
		for (i = 0; i < SPI_processed; i++)
			result->rows[i] = heap_copytuple(SPI_tuptable->vals[i]);
		MemoryContextSwitchTo(spi);
	}
	return result;
}

/*
 * exec_statement runs the statement of (rel, spec) with the given
 * parameters and returns its rows, copied into the caller's memory.
 */
ExecResult *
exec_statement(RelationInfo *rel, const StatementSpec *spec,
			   Datum *values, bool read_only)
{
	MemoryContext context = CurrentMemoryContext;
	ExecResult *result;

	SPI_connect();
	result = run_plan(context, relation_plan(rel, spec), values, NULL, read_only,
					  rel, spec, NULL);
	SPI_finish();
	return result;
}

/* exec_result_value: column col (1-based) of row `row` of a result. */
Datum
exec_result_value(const ExecResult *result, uint64 row, int col, bool *isnull)
{
	if (row >= result->processed || result->desc == NULL)
		elog(ERROR, "relorm statement returned %d rows", (int) result->processed);
	return heap_getattr(result->rows[row], col, result->desc, isnull);
}

/*
 * exec_statement_plan: the kept plan of (rel, spec), for results.c, which
 * runs it into a result store.  Must run inside SPI.
 */
SPIPlanPtr
exec_statement_plan(RelationInfo *rel, const StatementSpec *spec)
{
	return relation_plan(rel, spec);
}

/*
 * exec_bind_keys puts the keys into values[next...] as parameters of the
 * given shape: one scalar per key column, or one array per key column.
 * Returns the next free position.
 */
int
exec_bind_keys(Datum *values, int next, const KeyList *keys,
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
 * Plans of compiled queries (query.c), kept per SQL text: the text holds
 * the query's shape (names, operators, parameter types), the values are
 * parameters, so a repeated shape reuses its plan.  A text that no longer
 * resolves (a table renamed) is simply not produced again; the cache is
 * emptied when it grows past QUERY_PLAN_LIMIT, at the end of a
 * transaction (query_plans_reap), when nobody is using a plan.
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

/* query_plans_reap frees the query plans if there are too many. */
static void
query_plans_reap(void)
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
 * exec_query_plan returns the kept plan of a compiled query, preparing
 * it on first use.  Must run inside SPI.
 */
SPIPlanPtr
exec_query_plan(SqlBuf *buf)
{
	const char *sql = buf->sql.data;
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
		relorm_at_transaction_end(query_plans_reap);
	}
	entry = hash_search(query_plans, &hash, HASH_FIND, NULL);
	if (entry != NULL && strcmp(entry->sql, sql) == 0)
		return entry->plan;

	plan = SPI_prepare(sql, buf->nparams, buf->types);
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

/* exec_query_scalar runs a compiled query returning one value. */
Datum
exec_query_scalar(SqlBuf *buf, Oid type, bool *isnull)
{
	MemoryContext context = CurrentMemoryContext;
	Datum		d;
	int16		typlen;
	bool		typbyval;
	bool		jit;
	volatile int ret = 0;

	SPI_connect();
	jit = exec_jit_off();
	PG_TRY();
	{
		ret = SPI_execute_plan(exec_query_plan(buf), buf->values, buf->nulls, true, 1);
	}
	PG_FINALLY();
	{
		exec_jit_restore(jit);
	}
	PG_END_TRY();
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "relorm query returned no row");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	if (!*isnull)
	{
		MemoryContext spi = MemoryContextSwitchTo(context);

		get_typlenbyval(type, &typlen, &typbyval);
		d = datumCopy(d, typbyval, typlen);
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();
	return d;
}

/*
 * exec_text_rows runs a read-only statement without parameters (built by
 * deparse) and returns its rows as arrays of C strings, NULL for null.
 */
List *
exec_text_rows(const char *sql)
{
	MemoryContext context = CurrentMemoryContext;
	List	   *rows;
	uint64		i;
	bool		jit;
	volatile int ret = 0;

	SPI_connect();
	jit = exec_jit_off();
	PG_TRY();
	{
		ret = SPI_execute(sql, true, 0);
	}
	PG_FINALLY();
	{
		exec_jit_restore(jit);
	}
	PG_END_TRY();
	rows = NIL;
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "relorm could not run \"%s\"", sql);
	for (i = 0; i < SPI_processed; i++)
	{
		MemoryContext spi = MemoryContextSwitchTo(context);
		int			natts = SPI_tuptable->tupdesc->natts;
		char	  **row = palloc(sizeof(char *) * natts);
		int			c;

		for (c = 0; c < natts; c++)
			row[c] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1);
		rows = lappend(rows, row);
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();
	return rows;
}

/*
 * exec_ddl runs DDL text (deparse_ddl.c builds it: the "create" and
 * "accessor" options) in the caller's transaction.  An error leaves
 * nothing behind: it aborts the caller's statement.
 */
void
exec_ddl(const char *sql)
{
	int			rc;

	SPI_connect();
	rc = SPI_execute(sql, false, 0);
	if (rc != SPI_OK_UTILITY)
		elog(ERROR, "relorm could not run \"%s\": %s", sql, SPI_result_code_string(rc));
	SPI_finish();
}

/*
 * exec_buf runs a statement built on a SqlBuf (its plan kept per text, as
 * exec_query_plan) with the values it carries, and returns its rows copied
 * into the caller's memory.  A constraint violation without a hint gets
 * `hint` (the write statements say what relorm was doing).
 */
ExecResult *
exec_buf(SqlBuf *buf, bool read_only, const char *hint)
{
	MemoryContext context = CurrentMemoryContext;
	ExecResult *result;

	SPI_connect();
	result = run_plan(context, exec_query_plan(buf), buf->values, buf->nulls, read_only,
					  NULL, NULL, hint);
	SPI_finish();
	return result;
}

/*
 * exec_lock_owner_values: exec_lock_owner for an owner whose key (the
 * columns `cols` of the relation's source) the caller holds as values:
 * the same advisory lock, so relorm_update's set and create of a relation
 * and relorm_set / relorm_attach on the same owner run one after another.
 */
void
exec_lock_owner_values(RelationInfo *rel, const ColumnSet *cols, const Datum *values)
{
	KeyList		owner;
	Datum		one[RELORM_MAX_KEY_COLUMNS];
	int			c;

	memset(&owner, 0, sizeof(owner));
	owner.columns = cols;
	owner.nkeys = 1;
	for (c = 0; c < cols->ncols; c++)
	{
		one[c] = values[c];
		owner.values[c] = &one[c];
	}
	exec_lock_owner(rel, &owner);
}
