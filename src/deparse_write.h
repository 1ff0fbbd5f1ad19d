/*-------------------------------------------------------------------------
 *
 * deparse_write.h
 *	  The statements of the writes (deparse_write.c), built on SqlBuf from
 *	  write nodes (parse_write.h) and sets of values.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_DEPARSE_WRITE_H
#define RELORM_DEPARSE_WRITE_H

#include "deparse.h"
#include "parse_write.h"

/*
 * ValueColumn / ValueSet: n rows of values, column by column, that a
 * statement receives as one array parameter per column and unnests.
 */
typedef struct ValueColumn
{
	char	   *name;			/* the table column the values are for */
	Oid			type;
	Oid			collation;
	Datum	   *values;
	bool	   *nulls;
} ValueColumn;

typedef struct ValueSet
{
	int			n;
	List	   *cols;			/* ValueColumn * */
} ValueSet;

/*
 * RowsTarget: the rows of a table a statement reads, changes or deletes:
 * those related to the owners (rel's target side, owners giving values
 * of rel->source_cols), those whose columns equal one of `keys` (or none,
 * with not_keys), those matching `where`, and those matching one of
 * `filters` (OR'ed); each condition only when given.
 */
typedef struct RowsTarget
{
	Oid			relid;
	RelationInfo *rel;
	ValueSet   *owners;
	ValueSet   *keys;
	bool		not_keys;
	QueryTable *where_table;
	QueryFilter *where;
	List	   *filters;		/* WriteFilter * */
	bool		any_filter;		/* filters given (an empty list matches none) */
} RowsTarget;

extern ValueSet *valueset_new(int n);
extern ValueColumn *valueset_add(ValueSet *set, const char *name, Oid type, Oid collation);

extern bool build_keygen(SqlBuf *buf, WriteLevel *level, List *columns, int n);
extern void build_insert(SqlBuf *buf, WriteLevel *level, const int *rows, int n);
extern void build_match(SqlBuf *buf, Oid relid, List *filters, List *names);
extern void build_rows_select(SqlBuf *buf, RowsTarget *t, List *names, bool lock);
extern void build_rows_update(SqlBuf *buf, RowsTarget *t, WriteLevel *values,
							  List *null_columns, List *names);
extern void build_rows_delete(SqlBuf *buf, RowsTarget *t, List *names);
extern void build_link_update(SqlBuf *buf, Oid relid, ValueSet *keys, ValueSet *values);
extern void build_junction_insert(SqlBuf *buf, RelationInfo *rel, ValueSet *pairs);
extern void build_junction_delete(SqlBuf *buf, RelationInfo *rel, ValueSet *owners,
								  ValueSet *targets, bool not_targets);
extern void build_existing(SqlBuf *buf, Oid relid, ValueSet *keys);
extern void build_existing_columns(SqlBuf *buf, Oid relid, ValueSet *keys,
								   const ColumnSet *cols);
extern bool build_update_values(SqlBuf *buf, WriteLevel *level, const int *rows, int n);
extern void build_result_rows(SqlBuf *buf, Oid relid, ValueSet *keys);

#endif							/* RELORM_DEPARSE_WRITE_H */
