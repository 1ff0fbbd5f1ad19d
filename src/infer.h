/*-------------------------------------------------------------------------
 *
 * infer.h
 *	  Foreign keys and junctions found in the system catalogs (infer.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_INFER_H
#define RELORM_INFER_H

#include "relorm.h"

#include "utils/array.h"

extern void infer_foreign_key(Oid fk_table, Oid ref_table, ArrayType *given_fk,
							  ArrayType *given_ref, const char *naming,
							  const ColumnSet *exclude, const char *argname,
							  ColumnSet *fkcols, ColumnSet *refcols);
/* A foreign key of a schema's table, for relorm_infer. */
typedef struct SchemaForeignKey
{
	char	   *name;			/* the constraint's */
	Oid			table;			/* referencing */
	char	   *table_name;
	Oid			referenced_table;
	ColumnSet	referencing;
	ColumnSet	referenced;
} SchemaForeignKey;

extern List *infer_schema_foreign_keys(Oid nsp);
extern void infer_referenced_key(Oid ref_table, ArrayType *given_ref, ColumnSet *refcols);
extern bool infer_has_foreign_key(Oid fk_table, const ColumnSet *fkcols, Oid ref_table,
								  const ColumnSet *refcols);
extern bool infer_is_junction(const SchemaForeignKey *a, const SchemaForeignKey *b);
extern Oid	infer_junction(Oid source, Oid target, const char *name);

#endif							/* RELORM_INFER_H */
