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
extern Oid	infer_junction(Oid source, Oid target, const char *name);

#endif							/* RELORM_INFER_H */
