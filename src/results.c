/*-------------------------------------------------------------------------
 *
 * results.c
 *	  What relorm's functions return: the rows of a set-returning function,
 *	  put into its tuplestore straight from the executor, and typed rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/typcache.h"

#include "results.h"

/*
 * results_row forms a row of rowdesc's type from row i of a result whose
 * column 1 is the "found" flag and the rest are the target's columns.
 */
HeapTuple
results_row(TupleDesc rowdesc, const ExecResult *res, uint64 i)
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
		values[a] = exec_result_value(res, i, src++, &nulls[a]);
	}
	tuple = heap_form_tuple(rowdesc, values, nulls);
	pfree(values);
	pfree(nulls);
	return tuple;
}

/*
 * results_store sets up the tuplestore a set-returning function
 * returns (materialize mode): rows of `rowtype` for the typed forms, else
 * one json column.
 */
ResultStore *
results_store(FunctionCallInfo fcinfo, Oid rowtype)
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
 * run_into runs a read-only statement with the given parameters (nulls as
 * for SPI_execute_plan) and puts its rows into the result store.  Returns
 * the rows the statement returned, skipped ones included.  Must run inside
 * SPI.
 */
static uint64
run_into(ResultStore *result, SPIPlanPtr plan, Datum *values, const char *nulls)
{
	StoreReceiver receiver;
	SPIExecuteOptions options;
	int			nargs = SPI_getargcount(plan);
	ParamListInfo params = makeParamList(nargs);
	int			i;
	volatile int ret = 0;
	bool		jit;

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
	jit = exec_jit_off();
	PG_TRY();
	{
		ret = SPI_execute_plan_extended(plan, &options);
	}
	PG_FINALLY();
	{
		exec_jit_restore(jit);
	}
	PG_END_TRY();
	if (ret < 0)
		elog(ERROR, "SPI_execute_plan_extended failed: %s", SPI_result_code_string(ret));
	return receiver.seen;
}


/*
 * results_run_statement runs the load statement of (rel, spec) into the
 * result store; returns the rows it returned, skipped ones included.
 */
uint64
results_run_statement(ResultStore *result, RelationInfo *rel, const StatementSpec *spec,
					  Datum *values)
{
	uint64		n;

	SPI_connect();
	n = run_into(result, exec_statement_plan(rel, spec), values, NULL);
	SPI_finish();
	return n;
}

/*
 * results_run_query runs a compiled query into the result store; returns
 * how many rows it returned.
 */
uint64
results_run_query(ResultStore *result, SqlBuf *buf)
{
	uint64		n;

	SPI_connect();
	n = run_into(result, exec_query_plan(buf), buf->values, buf->nulls);
	SPI_finish();
	return n;
}
