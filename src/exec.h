/*-------------------------------------------------------------------------
 *
 * exec.h
 *	  SPI and the plan caches (exec.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_EXEC_H
#define RELORM_EXEC_H

#include "deparse_link.h"
#include "executor/spi.h"
#include "keys.h"

/* The rows a statement returned, copied out of SPI. */
typedef struct ExecResult
{
	uint64		processed;		/* rows returned or changed */
	TupleDesc	desc;			/* NULL when the statement returns no rows */
	HeapTuple  *rows;
} ExecResult;

extern ExecResult *exec_statement(RelationInfo *rel, const StatementSpec *spec,
								  Datum *values, bool read_only);
extern Datum exec_result_value(const ExecResult *result, uint64 row, int col,
							   bool *isnull);
extern SPIPlanPtr exec_statement_plan(RelationInfo *rel, const StatementSpec *spec);
extern int	exec_bind_keys(Datum *values, int next, const KeyList *keys,
						   KeyShapeKind shape);
extern void exec_lock_owner(RelationInfo *rel, const KeyList *owner);
extern void exec_lock_owners(RelationInfo *rel, const KeyList *owners);
extern SPIPlanPtr exec_query_plan(SqlBuf *buf);
extern Datum exec_query_scalar(SqlBuf *buf, Oid type, bool *isnull);
extern List *exec_text_rows(const char *sql);
extern void exec_ddl(const char *sql);
extern void exec_lock_owner_values(RelationInfo *rel, const ColumnSet *cols,
								   const Datum *values);
extern ExecResult *exec_buf(SqlBuf *buf, bool read_only, const char *hint);
extern bool exec_jit_off(void);
extern void exec_jit_restore(bool was);

#endif							/* RELORM_EXEC_H */
