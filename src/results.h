/*-------------------------------------------------------------------------
 *
 * results.h
 *	  What relorm's functions return (results.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_RESULTS_H
#define RELORM_RESULTS_H

#include "exec.h"
#include "utils/tuplestore.h"

/* ResultStore: the rows a set-returning function returns. */
typedef struct ResultStore
{
	Tuplestorestate *store;
	TupleDesc	desc;
	bool		typed;			/* rows of a table, else one json column */
} ResultStore;

extern ResultStore *results_store(FunctionCallInfo fcinfo, Oid rowtype);
extern uint64 results_run_statement(ResultStore *result, RelationInfo *rel,
									const StatementSpec *spec, Datum *values);
extern uint64 results_run_query(ResultStore *result, SqlBuf *buf);
extern HeapTuple results_row(TupleDesc rowdesc, const ExecResult *res, uint64 i);

#endif							/* RELORM_RESULTS_H */
