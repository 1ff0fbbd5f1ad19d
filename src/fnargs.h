/*-------------------------------------------------------------------------
 *
 * fnargs.h
 *	  Arguments and outcomes shared by the SQL-callable families (fnargs.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_FNARGS_H
#define RELORM_FNARGS_H

#include "results.h"

extern RelationInfo *open_relation(FunctionCallInfo fcinfo, int argno);
extern void wrong_kind(RelationInfo *rel, const char *function, const char *hint);
extern const ColumnSet *require_key(const ColumnSet *key, const TableInfo *table);
extern void no_row(const TableInfo *table, const KeyList *keys, int i) pg_attribute_noreturn();
extern Datum write_outcome(RelationInfo *rel, const ExecResult *res,
						   const KeyList *owner, const KeyList *targets);
extern void check_owner_exists(RelationInfo *rel, const KeyList *owner);
extern ExecResult *check_keys(RelationInfo *rel, KeyShapeKind shape, Datum *values);
extern void check_type_hint(FunctionCallInfo fcinfo, Oid relid, const char *relation);
extern Jsonb *arg_query(FunctionCallInfo fcinfo, int argno);
extern Jsonb *arg_filter(FunctionCallInfo fcinfo, int argno);
extern Oid	arg_source(FunctionCallInfo fcinfo, int argno);
extern char *arg_text(FunctionCallInfo fcinfo, int argno, const char *what);

#endif							/* RELORM_FNARGS_H */
