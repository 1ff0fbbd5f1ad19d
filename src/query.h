/*-------------------------------------------------------------------------
 *
 * query.h
 *	  The query compiler (query.c) and the entry points query_ops.c uses.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_QUERY_H
#define RELORM_QUERY_H

#include "relorm.h"

/* the most values one query may carry (PostgreSQL's limit of parameters) */
#define MAX_QUERY_PARAMS 65535

/* What compile_rows produces. */
typedef enum RowsMode
{
	ROWS_TOP,					/* one json object per row */
	ROWS_TYPED,					/* true, then the table's columns, per row */
	ROWS_ARRAY,					/* one json array of objects (to-many) */
	ROWS_OBJECT					/* one json object or null (to-one) */
} RowsMode;

/*
 * QueryCompiler: the state of compiling one statement: its parameters and
 * the next free alias number.
 */
typedef struct QueryCompiler
{
	int			nparams;
	int			capacity;
	Oid		   *types;
	Datum	   *values;
	char	   *nulls;			/* SPI style: 'n' for null, ' ' else */
	int			next_alias;
	List	   *forced_order;	/* order for the next compile_rows */
	char	   *eager_mark;		/* eager relation being expanded */
	Oid			final_relid;	/* a chain's last table */
} QueryCompiler;

extern QueryCompiler *query_compiler(void);
extern char *query_select(QueryCompiler *qc, Oid source, Jsonb *query, bool typed);
extern char *query_related(QueryCompiler *qc, RelationInfo *rel, const KeyList *owner,
						   Jsonb *query, RowsMode mode);
extern char *query_related_aggregate(QueryCompiler *qc, RelationInfo *rel,
									 const KeyList *owner, Jsonb *where, bool count);
extern char *query_chain(QueryCompiler *qc, Oid source, const char *path, Jsonb *query,
						 bool typed);
extern char *query_where_exists(QueryCompiler *qc, Oid source, const char *relation,
								Jsonb *where, bool typed);
extern char *query_owner_exists(QueryCompiler *qc, RelationInfo *rel,
								const KeyList *owner);
extern char *query_join(QueryCompiler *qc, Oid source, const char *relation, Jsonb *query);

extern Datum load_many_query(FunctionCallInfo fcinfo, RelationInfo *rel, KeyList *owner,
							 Jsonb *query);

#endif							/* RELORM_QUERY_H */
