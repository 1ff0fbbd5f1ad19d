/*-------------------------------------------------------------------------
 *
 * deparse_ddl.h
 *	  The DDL of the "create" and "accessor" options (deparse_ddl.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_DEPARSE_DDL_H
#define RELORM_DEPARSE_DDL_H

#include "relorm.h"

extern char *deparse_ddl_add_column(Oid relid, const char *column, Oid type,
									int32 typmod, Oid collation, bool not_null);
extern char *deparse_ddl_add_foreign_key(Oid relid, const char *column, Oid refrelid,
										 const char *refcolumn, RelationOnDelete on_delete);
extern char *deparse_ddl_add_unique(Oid relid, const char *column);
extern char *deparse_ddl_create_index(Oid relid, const char *column);
extern char *deparse_ddl_create_junction(Oid nsp, const char *name,
										 const char *source_column, Oid source,
										 const ColumnSet *source_key,
										 const char *target_column, Oid target,
										 const ColumnSet *target_key,
										 RelationOnDelete on_delete);
extern char *deparse_ddl_create_accessor(Oid nsp, const char *function, Oid source,
										 const char *relation, bool to_many,
										 const char *relorm_schema);
extern char *deparse_ddl_drop_accessor(Oid nsp, const char *function, Oid source);

#endif							/* RELORM_DEPARSE_DDL_H */
