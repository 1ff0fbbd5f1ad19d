/*-------------------------------------------------------------------------
 *
 * metadata.h
 *	  RelationInfo: a registered relation resolved against the system
 *	  catalogs, cached per backend (metadata.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELORM_METADATA_H
#define RELORM_METADATA_H

#include "relorm.h"

extern void relorm_metadata_init(void);
extern void relorm_metadata_invalidate_all(void);
extern RelationInfo *relorm_lookup_relation(Oid source, const char *name);
extern RelationInfo *relorm_find_relation(Oid source, const char *name);
extern uint64 relorm_metadata_invalidations(void);
extern bool relorm_metadata_is_current(Oid source, const char *name, uint64 version);
extern void relorm_lock_relation_tables(RelationInfo *rel, LOCKMODE mode);
extern void relorm_relation_not_found(Oid source, const char *name) pg_attribute_noreturn();
extern char *relorm_relation_names(Oid source);
extern List *relorm_relations_of(Oid source);
extern bool relation_kind_is_to_many(RelationKind kind);
extern bool relation_kind_is_through(RelationKind kind);

/* columns and keys of tables */
extern void columnset_fill(ColumnSet *cols, Oid relid);
extern bool columnset_equal(const ColumnSet *a, const ColumnSet *b);
extern bool table_primary_key(Oid relid, ColumnSet *cols);
extern bool table_unique_index(Oid relid, const ColumnSet *cols, bool exact,
							   bool arbiter);

#endif							/* RELORM_METADATA_H */
